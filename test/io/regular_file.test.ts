import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFifo } from '../helpers.js';
import { describeFsError, FileReadError, openRegularFile, openRegularFileSync, readRegularFile } from '../../src/io/regular_file.js';

const isRoot = process.getuid?.() === 0;

describe('regular files', () => {
  it('reads a regular file whole and by range', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-rf-'));
    try {
      const path = join(dir, 'f.bin');
      writeFileSync(path, Uint8Array.from([1, 2, 3, 4, 5]));
      assert.deepEqual(Array.from(await readRegularFile(path, 5)), [1, 2, 3, 4, 5]);
      const file = await openRegularFile(path);
      assert.equal(file.size, 5);
      assert.deepEqual(Array.from(await file.read(1, 3)), [2, 3, 4]);
      await assert.rejects(file.read(3, 4), /f\.bin: ended after 5 bytes/);
      await file.close();
      const sync = openRegularFileSync(path);
      assert.deepEqual(Array.from(sync.read(3, 2)), [4, 5]);
      sync.close();
      await assert.rejects(readRegularFile(path, 4, 'more than a header needs'), { message: `${path}: is 5 bytes, more than a header needs (limit 4 bytes)` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a FIFO, a device and a folder at once instead of blocking or reading forever', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-rf-'));
    try {
      const fifo = makeFifo(dir);
      if (fifo === undefined) t.skip('no mkfifo here');
      else {
        await assert.rejects(openRegularFile(fifo), (e: unknown) => e instanceof FileReadError && e.message === `${fifo}: is a named pipe (FIFO), not a regular file; refusing to read it`);
        assert.throws(() => openRegularFileSync(fifo), /is a named pipe \(FIFO\)/);
      }
      if (process.platform !== 'win32') {
        await assert.rejects(readRegularFile('/dev/zero', 1e9), { message: '/dev/zero: is a character device, not a regular file; refusing to read it' });
      }
      await assert.rejects(openRegularFile(dir), { message: `${dir}: is a folder, not a file` });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('says what really went wrong: missing, permission denied, not a folder', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-rf-'));
    try {
      await assert.rejects(openRegularFile(join(dir, 'nope')), { message: `${join(dir, 'nope')}: cannot read (not found)` });
      const file = join(dir, 'f');
      writeFileSync(file, 'x');
      assert.throws(() => openRegularFileSync(join(file, 'g')), { message: `${join(file, 'g')}: cannot read (a part of the path is not a folder)` });
      if (isRoot || process.platform === 'win32') t.skip('permissions do not apply to root');
      else {
        chmodSync(file, 0o000);
        await assert.rejects(openRegularFile(file), { message: `${file}: cannot read (permission denied)` });
      }
      assert.equal(describeFsError({ code: 'EROFS' }), 'read-only file system');
      assert.equal(describeFsError(new Error('odd\nthing')), 'odd\\nthing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names a file with control characters in its name printably', async () => {
    await assert.rejects(openRegularFile('/nonexistent/\x1b[2Jevil\n.bin'), { message: '/nonexistent/\\x1b[2Jevil\\n.bin: cannot read (not found)' });
  });
});
