import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LOCK_FILE, RunFolderBusyError, RunLock } from '../../src/train/run_lock.js';

const folder = (): string => mkdtempSync(join(tmpdir(), 'nabla-lock-'));

describe('RunLock', () => {
  it('holds the folder with this pid and releases it', () => {
    const dir = folder();
    const lock = RunLock.acquire(dir);
    assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), `${process.pid}\n`);
    lock.release();
    assert.ok(!existsSync(join(dir, LOCK_FILE)));
  });

  it('refuses a folder held by a live process, naming it', () => {
    const dir = folder();
    writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
    assert.throws(() => RunLock.acquire(dir), (e: unknown) => e instanceof RunFolderBusyError && e.message === `${dir}: the run folder is in use by another nabla process (pid ${process.ppid}); wait for it to end or stop it`);
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
});
