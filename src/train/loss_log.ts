import { open, stat } from 'node:fs/promises';

/** The mini-batch losses of a run, float64 little-endian, one per iteration, appended at each checkpoint. */
export const LOSS_LOG = 'checkpoint-losses.f64';

/**
 * An append-only file, so a checkpoint writes only the losses since the previous one
 * and its cost does not grow with the run. checkpoint.json says how many entries are
 * valid: a kill between the append and checkpoint.json leaves extra entries, which the
 * next append overwrites.
 */
export class LossLog {
  constructor(private readonly path: string, private saved: number) {}

  /** Writes losses[saved..] after the first `saved` entries and makes them durable. */
  async append(losses: readonly number[]): Promise<void> {
    if (losses.length < this.saved) throw new RangeError(`${this.path}: ${losses.length} losses, fewer than the ${this.saved} already saved`);
    const file = await open(this.path, this.saved === 0 ? 'w' : 'r+');
    try {
      const count = losses.length - this.saved;
      const bytes = Buffer.alloc(count * 8);
      for (let i = 0; i < count; i++) bytes.writeDoubleLE(losses[this.saved + i]!, i * 8);
      await file.write(bytes, 0, bytes.length, this.saved * 8);
      await file.truncate(losses.length * 8);
      await file.sync();
    } finally {
      await file.close();
    }
    this.saved = losses.length;
  }
}

/** The first `count` losses of the log at `path`; `file` names it in errors. */
export async function readLossLog(path: string, count: number): Promise<number[]> {
  const cannotRead = (error: NodeJS.ErrnoException): never => {
    throw new Error(`${path}: ${error.code === 'ENOENT' ? 'missing (it holds the run\'s losses)' : `cannot read (${error.code})`}`);
  };
  // Checked before opening: opening a FIFO would wait for a writer forever.
  if (!(await stat(path).catch(cannotRead)).isFile()) throw new Error(`${path}: not a regular file`);
  const file = await open(path, 'r').catch(cannotRead);
  try {
    const { size } = await file.stat();
    if (size < count * 8) throw new Error(`${path}: holds ${Math.floor(size / 8)} losses but checkpoint.json counts ${count} (the file is truncated)`);
    const bytes = Buffer.alloc(count * 8);
    if (count > 0) await file.read(bytes, 0, bytes.length, 0);
    const losses = new Array<number>(count);
    for (let i = 0; i < count; i++) {
      const loss = bytes.readDoubleLE(i * 8);
      if (!Number.isFinite(loss) || loss < 0) throw new Error(`${path}: loss of iteration ${i} is ${loss} (the file is damaged)`);
      losses[i] = loss;
    }
    return losses;
  } finally {
    await file.close();
  }
}
