import { readFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTempName, writeFileAtomic } from '../io/atomic.js';

/** Marks a folder as a nabla run and lists the files nabla may delete in it. */
export const MANIFEST_FILE = '.nabla-run.json';
const FORMAT = 'nabla-run-1';

/**
 * The files nabla wrote into a run folder that it may later delete (checkpoint weights
 * replaced by newer ones). A name is recorded before its file is created and dropped
 * after the file is removed, so a file nabla did not write is never deleted, even one
 * that looks like a checkpoint.
 */
export class RunManifest {
  private readonly files: Set<string>;
  private written: string;

  private constructor(readonly dir: string, files: Iterable<string>) {
    this.files = new Set(files);
    this.written = this.serialize();
  }

  /** Marks a new run folder (the caller made sure it holds nothing else). */
  static async create(dir: string): Promise<RunManifest> {
    const manifest = new RunManifest(dir, []);
    await manifest.save();
    return manifest;
  }

  /** The manifest of an existing run; runs made before manifests existed get an empty one. */
  static open(dir: string): RunManifest {
    const path = join(dir, MANIFEST_FILE);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new RunManifest(dir, []);
      throw new Error(`${path}: cannot read (${(error as NodeJS.ErrnoException).code})`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new Error(`${path}: not valid JSON (the run folder's list of files is damaged)`);
    }
    const p = parsed as { format?: unknown; files?: unknown } | null;
    if (p === null || typeof p !== 'object' || p.format !== FORMAT || !Array.isArray(p.files) || !p.files.every((f) => typeof f === 'string' && isPlainName(f))) {
      throw new Error(`${path}: not a nabla run manifest (expected format ${FORMAT} and a list of file names)`);
    }
    return new RunManifest(dir, p.files as string[]);
  }

  /** Whether `dir` is marked as a nabla run folder. */
  static marks(names: readonly string[]): boolean {
    return names.includes(MANIFEST_FILE);
  }

  has(name: string): boolean {
    return this.files.has(name);
  }

  /** Records that nabla is about to write `name`; persisted before the caller writes it. */
  async record(name: string): Promise<void> {
    if (this.files.has(name)) return;
    this.files.add(name);
    await this.save();
  }

  /**
   * Deletes `name` if nabla recorded it; the manifest is rewritten lazily (with the next
   * record), since a listed file that no longer exists does no harm.
   */
  async remove(name: string): Promise<void> {
    if (!this.files.has(name)) return;
    await rm(join(this.dir, name), { force: true });
    this.files.delete(name);
  }

  /** Recorded files matching `pattern`, apart from `keep`. */
  recorded(pattern: RegExp, keep: string): string[] {
    return [...this.files].filter((name) => name !== keep && pattern.test(name));
  }

  private serialize(): string {
    return `${JSON.stringify({ format: FORMAT, files: [...this.files].sort() })}\n`;
  }

  private async save(): Promise<void> {
    const text = this.serialize();
    if (text === this.written) return;
    await writeFileAtomic(join(this.dir, MANIFEST_FILE), text);
    this.written = text;
  }
}

/**
 * Removes what writeFileAtomic left behind when a process was killed mid-write:
 * temporary files (`.NAME.PID.HEX.tmp`) of another process, for a NAME that
 * `isRunFile` says nabla writes. Only called on a locked run folder, so no live writer
 * can own them.
 */
export async function removeStaleTempFiles(dir: string, isRunFile: (name: string) => boolean): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const temp = parseTempName(name);
    if (!temp || temp.pid === process.pid || !(isRunFile(temp.target) || temp.target === MANIFEST_FILE)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}

function isPlainName(name: string): boolean {
  return name.length > 0 && name.length < 256 && !/[/\\\0]/.test(name) && name !== '.' && name !== '..';
}
