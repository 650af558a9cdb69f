import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTempName, writeFileAtomic } from '../io/atomic.js';

/**
 * Marks a folder as a nabla run. A non-empty folder without it is someone else's, and
 * nabla writes nothing there. What nabla may delete in a run is listed in the run's
 * history journal (see history.ts), not here, so this file is written once.
 */
export const RUN_MARKER = '.nabla-run.json';
const FORMAT = 'nabla-run-1';

export async function markRunFolder(dir: string): Promise<void> {
  await writeFileAtomic(join(dir, RUN_MARKER), `${JSON.stringify({ format: FORMAT })}\n`);
}

export function isMarkedRunFolder(names: readonly string[]): boolean {
  return names.includes(RUN_MARKER);
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
    if (!temp || temp.pid === process.pid || !(isRunFile(temp.target) || temp.target === RUN_MARKER)) continue;
    await rm(join(dir, name), { force: true });
    removed.push(name);
  }
  return removed;
}
