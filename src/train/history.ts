import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { EpochResult } from './train.js';

/** The mini-batch losses of a run, float64 little-endian, one per iteration. */
export const LOSS_LOG = 'checkpoint-losses.f64';
/** The evaluations of a run, one JSON object per line. */
export const EPOCH_LOG = 'checkpoint-epochs.jsonl';

/** How much of each log a checkpoint covers; checkpoint.json holds these. */
export interface HistoryCounts {
  losses: number;
  epochs: number;
  /** Bytes of EPOCH_LOG holding those `epochs` lines. */
  epochBytes: number;
}

export const NO_HISTORY: HistoryCounts = { losses: 0, epochs: 0, epochBytes: 0 };

/**
 * The run's history in two append-only files, so a checkpoint writes only what is new
 * since the previous one and its cost does not grow with the run's length.
 * checkpoint.json says how much of each file is valid: a kill between an append and
 * checkpoint.json leaves extra bytes, which the next append overwrites.
 */
export class RunHistory {
  private saved: HistoryCounts;

  constructor(private readonly dir: string, from: HistoryCounts = NO_HISTORY) {
    this.saved = { ...from };
  }

  /** Appends losses and epochs beyond those already saved, durably; returns the new counts. */
  async append(losses: readonly number[], epochs: readonly EpochResult[]): Promise<HistoryCounts> {
    const { saved } = this;
    if (losses.length < saved.losses || epochs.length < saved.epochs) throw new RangeError('RunHistory.append: the history is shorter than what is saved');
    const lossBytes = Buffer.alloc((losses.length - saved.losses) * 8);
    for (let i = saved.losses; i < losses.length; i++) lossBytes.writeDoubleLE(losses[i]!, (i - saved.losses) * 8);
    await writeAt(join(this.dir, LOSS_LOG), saved.losses * 8, lossBytes);
    const epochBytes = Buffer.from(epochs.slice(saved.epochs).map((e) => `${JSON.stringify(e)}\n`).join(''));
    await writeAt(join(this.dir, EPOCH_LOG), saved.epochBytes, epochBytes);
    this.saved = { losses: losses.length, epochs: epochs.length, epochBytes: saved.epochBytes + epochBytes.length };
    return { ...this.saved };
  }
}

/** Writes `bytes` at `offset`, cutting the file there, and makes it durable. */
async function writeAt(path: string, offset: number, bytes: Uint8Array): Promise<void> {
  const file = await open(path, offset === 0 ? 'w' : 'r+');
  try {
    if (bytes.length > 0) await file.write(bytes, 0, bytes.length, offset);
    await file.truncate(offset + bytes.length);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** The first `length` bytes of the regular file at `path`. */
async function readPrefix(path: string, length: number, what: string): Promise<Buffer> {
  const cannotRead = (error: NodeJS.ErrnoException): never => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? `missing (it holds the run's ${what})` : `cannot read (${error.code})`}`);
  };
  // Checked before opening: opening a FIFO would wait for a writer forever.
  if (!(await stat(path).catch(cannotRead)).isFile()) throw new Error(`${path}: not a regular file`);
  const file = await open(path, 'r').catch(cannotRead);
  try {
    const { size } = await file.stat();
    if (size < length) throw new Error(`${path}: holds ${size} bytes but checkpoint.json counts ${length} (the file is truncated)`);
    const bytes = Buffer.alloc(length);
    if (length > 0) await file.read(bytes, 0, length, 0);
    return bytes;
  } finally {
    await file.close();
  }
}

/** The first `count` losses in the run's LOSS_LOG. */
export async function readLosses(dir: string, count: number): Promise<number[]> {
  const path = join(dir, LOSS_LOG);
  const bytes = await readPrefix(path, count * 8, 'losses');
  const losses = new Array<number>(count);
  for (let i = 0; i < count; i++) {
    const loss = bytes.readDoubleLE(i * 8);
    if (!Number.isFinite(loss) || loss < 0) throw new Error(`${path}: the loss of iteration ${i} is ${loss} (the file is damaged)`);
    losses[i] = loss;
  }
  return losses;
}

/** The first `count` lines of the run's EPOCH_LOG (`bytes` long), parsed but not yet checked. */
export async function readEpochLines(dir: string, count: number, bytes: number): Promise<unknown[]> {
  const path = join(dir, EPOCH_LOG);
  const text = (await readPrefix(path, bytes, 'evaluations')).toString('utf8');
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  if (lines.length !== count || (bytes > 0 && !text.endsWith('\n'))) throw new Error(`${path}: holds ${lines.length} evaluations in its first ${bytes} bytes but checkpoint.json counts ${count} (the file is damaged)`);
  return lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      throw new Error(`${path}: line ${i + 1} is not valid JSON (the file is damaged)`);
    }
  });
}
