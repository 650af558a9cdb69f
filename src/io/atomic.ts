import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { withPath } from '../util/errors.js';

/** Temporary files being written right now, so a forced exit can remove them. */
const inFlight = new Set<string>();

/** `.NAME.PID.HEX.tmp`: the temporary name writeFileAtomic gives the file it will rename to NAME. */
const TEMP_NAME = /^\.(.+)\.(\d+)\.[0-9a-f]{12}\.tmp$/;

/**
 * The final name and writer's pid of a temporary file left by writeFileAtomic, or
 * undefined for any other name.
 */
export function parseTempName(name: string): { target: string; pid: number } | undefined {
  const match = TEMP_NAME.exec(name);
  return match ? { target: match[1]!, pid: Number(match[2]) } : undefined;
}

/**
 * Removes the temporary files of writes still in progress. For a process that must exit
 * at once (a second Ctrl-C): what was being written is lost, but no half file is left.
 */
export function removeInFlightTempFilesSync(): void {
  for (const temp of inFlight) rmSync(temp, { force: true });
  inFlight.clear();
}

/**
 * Writes atomically: the bytes go to a temporary file in the same directory, are fsynced,
 * and only then renamed over `path`, so a crash leaves either the old file or the
 * complete new one, never a torn mix.
 */
export async function writeFileAtomic(path: string, contents: Uint8Array | string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  inFlight.add(temp);
  try {
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
  } finally {
    inFlight.delete(temp);
  }
  // Persist the rename itself. Directories cannot be fsynced everywhere (Windows), and
  // the file is already complete, so a failure here is not worth an error.
  try {
    const dirHandle = await open(dir, 'r');
    try { await dirHandle.sync(); } finally { await dirHandle.close(); }
  } catch { /* best effort */ }
}
