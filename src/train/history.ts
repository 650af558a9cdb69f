import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { FileReadError, openRegularFile, type RegularFile } from '../io/regular_file.js';
import type { EpochResult } from './train.js';

/**
 * The run's history, one JSON record per line: the mini-batch losses since the previous
 * checkpoint, each evaluation, and the name of each weights file before it is written.
 */
export const HISTORY_LOG = 'checkpoint-history.jsonl';

/** Past the valid part, at most one checkpoint's records are expected; more is not read. */
const MAX_TAIL_BYTES = 64 * 1024 * 1024;

/**
 * An append-only journal, so a checkpoint writes only what is new since the previous one
 * (its cost does not grow with the run's length), with one fsync. checkpoint.json says
 * how many bytes are valid. Records past that were written by a checkpoint that a kill
 * cut short; they are read only for the weights files they name, which are nabla's to
 * delete, and the next append overwrites them.
 */
export class RunHistory {
  constructor(private readonly dir: string, private bytes = 0, private losses = 0, private epochs = 0) {}

  /**
   * Appends the losses and evaluations beyond those already saved, and the name of the
   * weights file about to be written, durably. Returns the journal's new valid length.
   */
  async append(losses: readonly number[], epochs: readonly EpochResult[], weights: string): Promise<number> {
    if (losses.length < this.losses || epochs.length < this.epochs) throw new RangeError('RunHistory.append: the history is shorter than what is saved');
    let text = '';
    if (losses.length > this.losses) text += `${JSON.stringify({ losses: losses.slice(this.losses) })}\n`;
    for (let i = this.epochs; i < epochs.length; i++) text += `${JSON.stringify({ epoch: epochs[i] })}\n`;
    text += `${JSON.stringify({ weights })}\n`;
    const bytes = Buffer.from(text);
    const file = await open(join(this.dir, HISTORY_LOG), this.bytes === 0 ? 'w' : 'r+');
    try {
      await file.write(bytes, 0, bytes.length, this.bytes);
      await file.truncate(this.bytes + bytes.length);
      // fdatasync: the data and the new size, without the timestamps.
      await file.datasync();
    } finally {
      await file.close();
    }
    this.bytes += bytes.length;
    this.losses = losses.length;
    this.epochs = epochs.length;
    return this.bytes;
  }
}

export interface History {
  losses: number[];
  /** Evaluations as stored, with their line numbers, for the caller to check. */
  epochs: { line: number; value: unknown }[];
  /** Weights files named anywhere in the journal, including past the valid part. */
  weights: string[];
}

/**
 * Reads the first `bytes` bytes of the journal strictly (any damage is an error naming
 * the file and line), and what follows leniently, for the weights files it names.
 */
export async function readHistory(dir: string, bytes: number): Promise<History> {
  const path = join(dir, HISTORY_LOG);
  let file: RegularFile;
  try {
    file = await openRegularFile(path); // a FIFO would wait for a writer forever
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') throw new Error(`${path}: missing (it holds the run's losses and evaluations)`);
    throw error;
  }
  let text: string;
  let tail: string;
  try {
    if (file.size < bytes) throw new Error(`${path}: holds ${file.size} bytes but checkpoint.json counts ${bytes} (the file is truncated)`);
    const decoder = new TextDecoder();
    text = decoder.decode(await file.read(0, bytes));
    tail = decoder.decode(await file.read(bytes, Math.min(file.size - bytes, MAX_TAIL_BYTES)));
  } finally {
    await file.close();
  }
  if (bytes > 0 && !text.endsWith('\n')) throw new Error(`${path}: the first ${bytes} bytes do not end with a whole line (the file is damaged)`);
  const history: History = { losses: [], epochs: [], weights: [] };
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  lines.forEach((line, i) => {
    const fail = (problem: string): never => {
      throw new Error(`${path}: line ${i + 1} ${problem} (the file is damaged)`);
    };
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      fail('is not valid JSON');
    }
    const r = (record !== null && typeof record === 'object' ? record : {}) as Record<string, unknown>;
    const keys = Object.keys(r);
    if (keys.length !== 1) fail('is not a history record');
    if (Array.isArray(r.losses)) {
      for (const loss of r.losses) {
        if (typeof loss !== 'number' || !Number.isFinite(loss) || loss < 0) fail(`holds a loss that is not a finite number ≥ 0 (${typeof loss === 'number' ? loss : typeof loss})`);
        history.losses.push(loss);
      }
    } else if (keys[0] === 'epoch') {
      history.epochs.push({ line: i + 1, value: r.epoch });
    } else if (typeof r.weights === 'string') {
      history.weights.push(r.weights);
    } else {
      fail('is not a history record');
    }
  });
  history.weights.push(...namedWeights(tail));
  return history;
}

/** The weights files a (possibly torn) stretch of journal names; anything else is skipped. */
export function namedWeights(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split('\n')) {
    try {
      const r = JSON.parse(line) as { weights?: unknown } | null;
      if (r !== null && typeof r === 'object' && typeof r.weights === 'string') names.push(r.weights);
    } catch { /* a torn line */ }
  }
  return names;
}

/** The weights files named in the journal of a run that never reached a checkpoint. */
export async function journalWeights(dir: string): Promise<string[]> {
  const path = join(dir, HISTORY_LOG);
  const file = await openRegularFile(path).catch(() => undefined);
  if (!file) return [];
  try {
    const bytes = await file.read(0, Math.min(file.size, MAX_TAIL_BYTES));
    return namedWeights(new TextDecoder().decode(bytes));
  } finally {
    await file.close();
  }
}
