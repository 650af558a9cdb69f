import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, mock } from 'node:test';
import { describeError, describeSystemError, MAX_ERROR_LENGTH, printableLine } from '../../src/cli/errors.js';
import { writeFileAtomic } from '../../src/io/atomic.js';

const systemError = (code: string, syscall: string, path?: string): Error =>
  Object.assign(new Error(`${code}: something, ${syscall}${path ? ` '${path}'` : ''}`), { code, errno: -1, syscall, ...(path ? { path } : {}) });

describe('printableLine', () => {
  it('escapes control characters, terminal escape sequences and bidi overrides', () => {
    assert.equal(printableLine('a\nb\rc\td'), 'a\\nb\\rc\\td');
    assert.equal(printableLine('title\x1b]0;pwned\x07 red\x1b[31m'), 'title\\x1b]0;pwned\\x07 red\\x1b[31m');
    assert.equal(printableLine('c1\x9b31m del\x7f nul\x00'), 'c1\\x9b31m del\\x7f nul\\x00');
    assert.equal(printableLine('file\u202egnp.exe \u2066x\u2069 \u200b \u2028'), 'file\\u{202e}gnp.exe \\u{2066}x\\u{2069} \\u{200b} \\u{2028}');
    assert.equal(printableLine('lone \ud800 surrogate'), 'lone \\u{d800} surrogate');
    assert.equal(printableLine('plain: ≤ × – 日本 😀'), 'plain: ≤ × – 日本 😀', 'printable text is kept as it is');
  });

  it('keeps the beginning and the end of an overlong line, within the bound', () => {
    const shape = `file.safetensors: shape [${Array.from({ length: 5_000_000 }, () => 1).join(', ')}] is too large`;
    const started = performance.now();
    const line = printableLine(shape);
    assert.ok(performance.now() - started < 1000, 'cheap even for a 15 MB message');
    assert.ok(line.length <= MAX_ERROR_LENGTH, `${line.length} characters`);
    assert.match(line, /^file\.safetensors: shape \[1, 1, .*….* 1, 1\] is too large$/);
    const escapes = printableLine('\x1b'.repeat(1000));
    assert.ok(escapes.length <= MAX_ERROR_LENGTH);
    assert.match(escapes, /^(\\x1b)+…(\\x1b)+$/, 'never cuts an escape in half');
  });
});

describe('describeSystemError', () => {
  it('says what happened to which file in words', () => {
    assert.equal(describeSystemError(systemError('ENOSPC', 'write', 'runs/x/model.safetensors')), 'cannot write runs/x/model.safetensors: no space left on device');
    assert.equal(describeSystemError(systemError('EROFS', 'open', '/mnt/ro/f')), 'cannot open /mnt/ro/f: read-only file system');
    assert.equal(describeSystemError(systemError('EACCES', 'scandir', 'data')), 'cannot read data: permission denied');
    assert.equal(describeSystemError(systemError('EPERM', 'rename', 'a')), 'cannot write a: permission denied');
    assert.equal(describeSystemError(systemError('ENOENT', 'open', 'model.safetensors')), 'model.safetensors: not found');
    assert.equal(describeSystemError(systemError('ENOENT', 'write', 'gone/f.json')), 'cannot write gone/f.json: its folder does not exist');
    assert.equal(describeSystemError(systemError('EISDIR', 'read', 'runs')), 'cannot read runs: is a folder, not a file');
    assert.equal(describeSystemError(systemError('ENOTDIR', 'open', 'a/b')), 'cannot open a/b: a part of the path is not a folder');
    assert.equal(describeSystemError(systemError('EWHATEVER', 'open', 'f')), 'cannot open f: EWHATEVER');
    assert.equal(describeSystemError(systemError('EROFS', 'mkdir', '/mnt/ro/run')), 'cannot create /mnt/ro/run: read-only file system');
    assert.equal(describeSystemError(systemError('ENOENT', 'mkdir', 'a/b')), 'cannot create a/b: a folder above it cannot be made');
    assert.equal(describeSystemError(systemError('ENOSPC', 'write')), 'no space left on device (write, ENOSPC)');
    assert.equal(describeSystemError(new Error('plain')), undefined);
    assert.equal(describeSystemError(Object.assign(new Error('x'), { code: 'ERR_INVALID_ARG_TYPE' })), undefined, 'Node API errors are not system errors');
    assert.equal(describeError(new Error('plain')), 'plain');
    assert.equal(describeError('a string'), 'a string');
  });

  it('names the file an atomic write was for, never its hidden temporary file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-errors-'));
    const missing = join(dir, 'no-such-folder', 'config.json');
    const opened = await writeFileAtomic(missing, '{}').then(() => undefined, (e: unknown) => e);
    assert.equal((opened as { path?: string }).path, missing);
    assert.equal(describeError(opened), `cannot write ${missing}: its folder does not exist`);

    // A full disk fails the write() itself, whose error names no file at all.
    const probe = await open(join(dir, 'probe'), 'w');
    const fileHandle = Object.getPrototypeOf(probe) as { writeFile(data: unknown): Promise<void> };
    await probe.close();
    const full = mock.method(fileHandle, 'writeFile', async () => {
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
    });
    try {
      const target = join(dir, 'model.safetensors');
      const failed = await writeFileAtomic(target, 'weights').then(() => undefined, (e: unknown) => e);
      assert.equal(describeError(failed), `cannot write ${target}: no space left on device`);
    } finally {
      full.mock.restore();
    }
    assert.deepEqual(readdirSync(dir).sort(), ['probe'], 'no temporary file is left behind');
  });
});
