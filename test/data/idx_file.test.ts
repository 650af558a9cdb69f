import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, deflateRawSync, gzipSync } from 'node:zlib';
import { readIdxFile } from '../../src/data/idx_file.js';
import { assertCheap, costInChild, makeFifo } from '../helpers.js';

/** An IDX header of unsigned bytes for the given dimensions. */
function idxHeader(dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(0x800 + dims.length, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return header;
}

/**
 * A single-member gzip file whose content is `head` followed by `zeroChunks` × 10 MB of
 * zeros, built from one compressed chunk repeated (deflate blocks ended by a sync flush
 * can be concatenated), so a 3 GB bomb takes milliseconds and 3 MB to make. The trailer
 * claims `trailerSize` bytes; its CRC is never reached.
 */
function gzipBomb(head: Uint8Array, zeroChunks: number, trailerSize: number): Buffer {
  const flush = { finishFlush: constants.Z_SYNC_FLUSH };
  const chunk = deflateRawSync(Buffer.alloc(10_000_000), flush);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(0, 0);
  trailer.writeUInt32LE(trailerSize >>> 0, 4);
  return Buffer.concat([
    Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]),
    deflateRawSync(head, flush),
    ...new Array<Buffer>(zeroChunks).fill(chunk),
    deflateRawSync(Buffer.alloc(0)), // the final block
    trailer,
  ]);
}

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'nabla-idx-'));
  try { fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
}

const readInChild = (path: string) => costInChild({ idx: 'dist/src/data/idx_file.js' }, `idx.readIdxFile(${JSON.stringify(path)}, 3);`, 30_000);

describe('readIdxFile', () => {
  it('reads plain and gzipped files, also with a long gzip file name field', () => withDir((dir) => {
    const content = Buffer.concat([idxHeader([2, 2, 3]), Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])]);
    writeFileSync(join(dir, 'plain'), content);
    writeFileSync(join(dir, 'packed'), gzipSync(content));
    // FNAME flag with a 5000-byte name: the data starts past the first KiB.
    const gz = gzipSync(content);
    const named = Buffer.concat([gz.subarray(0, 3), Buffer.from([0x08]), gz.subarray(4, 10), Buffer.alloc(5000, 0x61), Buffer.from([0]), gz.subarray(10)]);
    writeFileSync(join(dir, 'named'), named);
    for (const name of ['plain', 'packed', 'named']) {
      const { dims, data } = readIdxFile(join(dir, name), 3);
      assert.deepEqual(dims, [2, 2, 3], name);
      assert.deepEqual(Array.from(data), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], name);
    }
  }));

  it('refuses a 3 MB gzip that inflates to 3 GB in well under a second and 100 MB', () => withDir((dir) => {
    const head = idxHeader([60000, 28, 28]);
    const declared = head.length + 60000 * 784;
    // Honest trailer: the size is known from the last 4 bytes, nothing is inflated.
    const honest = join(dir, 'honest.gz');
    writeFileSync(honest, gzipBomb(head, 300, head.length + 3_000_000_000));
    const a = readInChild(honest);
    assert.equal(a.message, `${honest}: decompresses to ${(head.length + 3_000_000_000) % 2 ** 32} bytes (gzip trailer), more than the ${declared} bytes its IDX header declares`);
    assertCheap(a, 'honest trailer');
    // Forged trailer: inflating stops as soon as the output passes the declared size.
    const forged = join(dir, 'forged.gz');
    writeFileSync(forged, gzipBomb(head, 300, declared));
    const b = readInChild(forged);
    assert.equal(b.message, `${forged}: decompresses to more than the ${declared} bytes its IDX header declares`);
    assertCheap(b, 'forged trailer');
  }));

  it('refuses, from the header alone, files whose size cannot match it', () => withDir((dir) => {
    // A gzip too small to hold what its header declares (deflate expands at most 1032:1).
    const small = join(dir, 'small.gz');
    writeFileSync(small, gzipSync(Buffer.concat([idxHeader([4_000_000, 28, 28]), Buffer.alloc(100)])));
    assert.throws(() => readIdxFile(small, 3), /small\.gz: header declares \[4000000 × 28 × 28\] = 3136000000 values, more than nabla can load/);
    const short = join(dir, 'short.gz');
    writeFileSync(short, gzipSync(Buffer.concat([idxHeader([100_000, 28, 28]), Buffer.alloc(100)])));
    assert.throws(() => readIdxFile(short, 3), /short\.gz: header declares \[100000 × 28 × 28\] = 78400000 values, more than this \d+-byte gzip file can hold \(truncated\?\)/);
    // A plain 1.9 GB file (sparse: nothing on disk) whose header declares 47 MB: not read.
    const big = join(dir, 'big');
    const fd = openSync(big, 'w');
    writeSync(fd, idxHeader([60000, 28, 28]));
    ftruncateSync(fd, 1_900_000_000);
    closeSync(fd);
    const c = readInChild(big);
    assert.match(c.message, /big: \d+ unexpected bytes after the \[60000 × 28 × 28\] values the header describes$/);
    assertCheap(c, 'plain 1.9 GB');
    // A gzip file far larger than the content its header declares.
    const padded = join(dir, 'padded.gz');
    writeFileSync(padded, Buffer.concat([gzipSync(Buffer.concat([idxHeader([1, 2, 2]), Buffer.alloc(4)])), Buffer.alloc(2 << 20)]));
    assert.throws(() => readIdxFile(padded, 3), /padded\.gz: is \d+ bytes of gzip, far more than the 20 bytes its IDX header declares/);
  }));

  it('refuses a FIFO at once instead of blocking', (t) => withDir((dir) => {
    const fifo = makeFifo(dir, 'train-images-idx3-ubyte');
    if (fifo === undefined) { t.skip('no mkfifo here'); return; }
    const cost = readInChild(fifo);
    assert.equal(cost.message, `${fifo}: is a named pipe (FIFO), not a regular file; refusing to read it`);
    assertCheap(cost, 'FIFO');
  }));
});
