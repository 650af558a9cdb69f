import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_FILE, RunFolderBusyError, RunLock } from '../../src/train/run_lock.js';
import { makeFifo } from '../helpers.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'nabla-lock-'));

describe('RunLock', () => {
  it('holds the folder with this pid and releases it', () => {
    const dir = folder();
    const lock = RunLock.acquire(dir);
    assert.match(readFileSync(join(dir, LOCK_FILE), 'utf8'), new RegExp(`^${process.pid} \\d+\n$`), 'pid and start time');
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
  });

  it('refuses a folder held by a live process, naming it', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    assert.throws(() => RunLock.acquire(dir), (e: unknown) => e instanceof RunFolderBusyError && e.message === `${dir}: the run folder is in use by another nabla process (pid ${process.ppid}, per .nabla.lock); wait for it to end or stop it`);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.ppid}\n`, 'the holder keeps its lock');
  });

  it('takes over the lock of a process that is gone, and an old unreadable one', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), '4194305\n'); // above Linux's largest pid
    RunLock.acquire(dir).release();
    writeFileSync(join(dir, LOCK_FILE), 'garbage');
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    RunLock.acquire(dir).release();
  });

  it('takes over a lock whose pid now belongs to a process that started at another time', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid} 1\n`); // a live pid, but not started at tick 1
    RunLock.acquire(dir).release();
    const ours = readFileSync(`/proc/${process.ppid}/stat`, 'utf8');
    const started = ours.slice(ours.lastIndexOf(')') + 2).split(' ')[19];
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid} ${started}\n`);
    assert.throws(() => RunLock.acquire(dir), RunFolderBusyError, 'the same process, started then: still the holder');
  });

  it('refuses a lock that is a FIFO or a device at once, naming it, without reading it', () => {
    const dir = folder();
    assert.ok(makeFifo(dir, LOCK_FILE), 'mkfifo');
    const started = performance.now();
    assert.throws(() => RunLock.acquire(dir), { message: `${join(dir, LOCK_FILE)}: is a named pipe (FIFO), not a regular file; refusing to read it` });
    const zero = folder();
    symlinkSync('/dev/zero', join(zero, LOCK_FILE));
    assert.throws(() => RunLock.acquire(zero), { message: `${join(zero, LOCK_FILE)}: is a character device, not a regular file; refusing to read it` });
    const big = folder();
    writeFileSync(join(big, LOCK_FILE), 'x'.repeat(1 << 20));
    assert.throws(() => RunLock.acquire(big), /\.nabla\.lock: is 1048576 bytes, not a nabla lock/);
    assert.ok(performance.now() - started < 2000);
  });
});
