import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { FileReadError, readRegularFileSync } from '../io/regular_file.js';

export const LOCK_FILE = '.nabla.lock';

/** A lock whose content is not a pid yet may be one being written this instant. */
const UNREADABLE_LOCK_GRACE_MS = 5000;

/** A lock holds "PID START": the owner's pid and, where /proc tells it, the process's start time. */
const MAX_LOCK_BYTES = 64;

export class RunFolderBusyError extends Error {
  constructor(dir: string, pid: number) {
    super(`${dir}: the run folder is in use by another nabla process (${pid > 0 ? `pid ${pid}` : 'one that is just starting'}, per ${LOCK_FILE}); wait for it to end or stop it`);
    this.name = 'RunFolderBusyError';
  }
}

/**
 * An exclusive claim on a run folder: a file created with O_EXCL holding the owner's
 * pid. A lock left by a process that no longer exists (SIGKILL, power loss) is taken
 * over, so it never blocks for good.
 */
export class RunLock {
  private released = false;
  private readonly onExit = (): void => this.release();

  private constructor(readonly path: string) {
    process.on('exit', this.onExit);
  }

  static acquire(dir: string): RunLock {
    const path = join(dir, LOCK_FILE);
    for (let attempt = 0; attempt < 5; attempt++) {
      let fd: number;
      try {
        fd = openSync(path, 'wx', 0o644);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== 'EEXIST') throw new Error(`${dir}: cannot lock the run folder (${code ?? String(error)})`);
        const holder = readHolder(path);
        if (holder === 'gone') continue;
        if (holder !== 'stale') throw new RunFolderBusyError(dir, holder);
        try {
          unlinkSync(path);
        } catch (e) {
          if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${dir}: cannot remove the stale lock ${LOCK_FILE} (${(e as NodeJS.ErrnoException).code})`);
        }
        continue;
      }
      try {
        writeSync(fd, `${process.pid} ${startTime(process.pid) ?? ''}`.trimEnd() + '\n');
      } finally {
        closeSync(fd);
      }
      return new RunLock(path);
    }
    throw new Error(`${dir}: cannot lock the run folder (other processes keep taking it)`);
  }

  /** Removes the lock if it is still ours. Safe to call more than once. */
  release(): void {
    if (this.released) return;
    this.released = true;
    process.off('exit', this.onExit);
    try {
      if (readFileSync(this.path, 'utf8').split(' ')[0]!.trim() === String(process.pid)) unlinkSync(this.path);
    } catch { /* already gone */ }
  }
}

/** The live pid holding the lock, 'stale' when its process is gone, 'gone' when the lock vanished meanwhile. */
function readHolder(path: string): number | 'stale' | 'gone' {
  let text: string;
  let ageMs: number;
  try {
    // Only a small regular file: a FIFO or /dev/zero planted as the lock must not hang or balloon.
    text = new TextDecoder().decode(readRegularFileSync(path, MAX_LOCK_BYTES, 'not a nabla lock'));
    ageMs = Date.now() - statSync(path).mtimeMs;
  } catch (error) {
    if (error instanceof FileReadError && error.code === 'ENOENT') return 'gone';
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
  const match = /^(\d+)(?: (\d+))?\n?$/.exec(text);
  const pid = match ? Number(match[1]) : Number.NaN;
  if (!Number.isSafeInteger(pid) || pid <= 0) return ageMs < UNREADABLE_LOCK_GRACE_MS ? 0 : 'stale';
  // Our own pid in a lock we did not just create: a previous process with this pid (pid
  // namespaces restart at 1) died holding it.
  if (pid === process.pid) return 'stale';
  if (!isAlive(pid)) return 'stale';
  // Alive, but pids are reused: a process that started at another time is not the holder.
  const started = match![2];
  const now = startTime(pid);
  return started !== undefined && now !== undefined && now !== started ? 'stale' : pid;
}

/** When the process started, in clock ticks since boot (Linux /proc); undefined elsewhere. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22, counted after the command name, which is in parentheses and may hold spaces.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
