import { lstatSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ERRNO_WORDS } from '../io/errno_words.js';
import { LOCK_FILE, RunLock } from './run_lock.js';
import { isMarkedRunFolder, markRunFolder } from './run_manifest.js';

const inWords = (code: string | undefined): string => (code !== undefined ? ERRNO_WORDS[code] ?? code : 'unknown error');

/** A folder refused for a new run: the caller's flag was wrong, not the machine. */
export class OutFolderRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutFolderRefusedError';
  }
}

/** A run folder this process holds: locked, and marked as nabla's. */
export interface RunFolder {
  dir: string;
  lock: RunLock;
}

/**
 * Creates `path` and any missing parents, one level at a time. mkdir's own recursive
 * mode loops forever under /proc (it keeps getting ENOENT for a parent that exists);
 * this fails once, naming the folder.
 */
export function makeDirs(path: string, what = path): void {
  const missing: string[] = [];
  let p = resolve(path);
  for (;;) {
    let isDir: boolean;
    try {
      isDir = statSync(p).isDirectory();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT') throw new Error(`${what}: cannot use ${p} (${inWords(code)})`);
      missing.push(p);
      const parent = dirname(p);
      if (parent === p) break;
      p = parent;
      continue;
    }
    if (!isDir) throw new Error(`${what}: ${p} is not a folder`);
    break;
  }
  for (const dir of missing.reverse()) {
    try {
      mkdirSync(dir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new Error(`${what}: cannot create the folder ${dir} (${inWords(code)})`);
      if (!statSync(dir).isDirectory()) throw new Error(`${what}: ${dir} is not a folder`);
    }
  }
}

/**
 * Creates and returns the next free `base/prefix-N` folder (train-1, train-2, ...).
 * mkdir without `recursive` fails on an existing folder, so two runs started at
 * once can never share one.
 */
export function createRunDir(base = 'runs', prefix = 'train'): string {
  makeDirs(base);
  for (let n = 1; ; n++) {
    const dir = join(base, `${prefix}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new Error(`${dir}: cannot create the run folder (${inWords(code)})`);
    }
  }
}

/** Files whose presence means the folder already holds a run that --resume can continue or that is finished. */
const RUN_MARKERS = ['checkpoint.json', 'model.safetensors'];

/**
 * The folder for a new run: `out` (created if needed) or the next free runs/<prefix>-N.
 * An existing `out` must be empty or a nabla run folder that never reached a checkpoint:
 * nabla never writes into, or deletes from, a folder of someone else's files.
 */
export async function startRunFolder(out: string | undefined, prefix = 'train'): Promise<RunFolder> {
  if (out === undefined) {
    const dir = createRunDir('runs', prefix);
    const lock = RunLock.acquire(dir);
    await markRunFolder(dir);
    return { dir, lock };
  }
  let exists = true;
  try {
    lstatSync(out);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') throw new Error(`--out ${out}: cannot use it (${inWords(code)})`);
    exists = false;
  }
  if (!exists) makeDirs(out, `--out ${out}`);
  else if (!statSync(out).isDirectory()) throw new OutFolderRefusedError(`--out ${out} is not a folder`);
  const lock = RunLock.acquire(out);
  try {
    const names = readdirSync(out).filter((name) => name !== LOCK_FILE);
    const held = RUN_MARKERS.find((name) => names.includes(name));
    if (held) throw new OutFolderRefusedError(`${out} already holds a run (${held}); use --resume ${out} or another --out`);
    if (names.length === 0) await markRunFolder(out);
    else if (!isMarkedRunFolder(names)) {
      const shown = names.slice(0, 3).map((n) => JSON.stringify(n)).join(', ');
      throw new OutFolderRefusedError(`--out ${out} is not empty and is not a nabla run folder (it holds ${shown}${names.length > 3 ? ', …' : ''}); give a new or empty folder`);
    }
    return { dir: out, lock };
  } catch (error) {
    lock.release();
    throw error;
  }
}
