import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withPath } from '../util/errors.js';

/**
 * Writes atomically: the bytes go to a temporary file in the same directory, are fsynced,
 * and only then renamed over `path`, so a crash leaves either the old file or the
 * complete new one, never a torn mix.
 */
export async function writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const file = await open(temp, 'wx', 0o644).catch((e: unknown) => { throw withPath(e, path, 'write'); });
  try {
    try {
      await file.writeFile(contents);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw withPath(e, path, 'write');
  }
  // Persist the rename itself. Directories cannot be fsynced everywhere (Windows), and
  // the file is already complete, so a failure here is not worth an error.
  try {
    const dirHandle = await open(dir, 'r');
    try { await dirHandle.sync(); } finally { await dirHandle.close(); }
  } catch { /* best effort */ }
}
