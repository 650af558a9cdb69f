import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  SafetensorsError,
  decodeSafetensors,
  encodeSafetensors,
  findDuplicateKey,
  type SafetensorsTensor,
} from '../../src/io/safetensors.js';
import { readSafetensorsFile, writeSafetensorsFile } from '../../src/io/safetensors_file.js';
import { assertCheap, costInChild, makeFifo } from '../helpers.js';

// Compiled to dist/test/io/, the fixture stays in the source tree.
const READER = fileURLToPath(new URL('../../../test/fixtures/read_safetensors.py', import.meta.url));

const F64_VALUES = [
  0, -0, 1, -1.5, Math.PI, 1e300, -1e-300,
  5e-324, // smallest subnormal
  2.2250738585072009e-308, // largest subnormal
  Number.MAX_VALUE, Infinity, -Infinity, NaN,
];
const F32_VALUES = [
  0, -0, 1, -1.5, Math.PI, 3.4028234663852886e38,
  1.401298464324817e-45, // smallest float32 subnormal
  1.1754942106924411e-38, // largest float32 subnormal
  Infinity, -Infinity, NaN, 0.1,
];

function model(): Record<string, SafetensorsTensor> {
  return {
    W1: { dtype: 'float64', shape: [13], data: Float64Array.from(F64_VALUES) },
    b1: { dtype: 'float32', shape: [3, 4], data: Float32Array.from(F32_VALUES) },
    W2: { dtype: 'float32', shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
    b2: { dtype: 'float64', shape: [0], data: new Float64Array(0) },
    scalar: { dtype: 'float64', shape: [], data: Float64Array.of(-7.25) },
  };
}

function bytesOf(a: Float64Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** A file with the given header (object or raw text) and data section. */
function rawFile(header: unknown, data: Uint8Array | number = 0, headerLength?: bigint): Uint8Array {
  const json = new TextEncoder().encode(typeof header === 'string' ? header : JSON.stringify(header));
  const body = typeof data === 'number' ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + body.length);
  new DataView(out.buffer).setBigUint64(0, headerLength ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(body, 8 + json.length);
  return out;
}

function rejects(bytes: Uint8Array, ...fragments: (string | RegExp)[]): void {
  assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (e: unknown) => {
    assert.ok(e instanceof SafetensorsError, `expected SafetensorsError, got ${String(e)}`);
    assert.match(e.message, /^bad\.safetensors: /);
    assert.equal(e.source, 'bad.safetensors');
    for (const f of fragments) {
      if (typeof f === 'string') assert.ok(e.message.includes(f), `"${e.message}" should mention "${f}"`);
      else assert.match(e.message, f);
    }
    return true;
  });
}

const f64 = (shape: number[], begin: number, end = begin + 8 * shape.reduce((a, b) => a * b, 1)) =>
  ({ dtype: 'F64', shape, data_offsets: [begin, end] });

describe('safetensors encode/decode', () => {
  it('round-trips both dtypes bit for bit, with shapes and metadata', () => {
    const tensors = model();
    const metadata = { format: 'nabla', activation: 'relu', 'ünïcode ✓': 'yes "quoted"' };
    const decoded = decodeSafetensors(encodeSafetensors(tensors, metadata));
    assert.deepEqual(Object.keys(decoded.tensors).sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const d = decoded.tensors[name]!;
      assert.equal(d.dtype, t.dtype, name);
      assert.deepEqual(d.shape, t.shape, name);
      assert.equal(d.data.constructor, t.data.constructor, name);
      assert.deepEqual(bytesOf(d.data), bytesOf(t.data), `${name} bits`);
    }
    assert.ok(Object.is(decoded.tensors.W1!.data[1], -0));
    assert.equal(decoded.tensors.W1!.data[7], 5e-324);
    assert.deepEqual(decoded.metadata, metadata);
  });

  it('returns fresh arrays that do not alias the input bytes, even from a Buffer', () => {
    for (const bytes of [encodeSafetensors(model()), Buffer.from(encodeSafetensors(model()))]) {
      const decoded = decodeSafetensors(bytes);
      bytes.fill(0);
      assert.equal(decoded.tensors.W2!.data[5], 6);
      assert.equal(decoded.tensors.W2!.data.byteOffset, 0);
      assert.equal(decoded.tensors.W2!.data.buffer.byteLength, 24);
    }
  });

  it('decodes tensors at unaligned offsets', () => {
    const data = new Uint8Array(4 + 8);
    new DataView(data.buffer).setFloat32(0, 1.5, true);
    new DataView(data.buffer).setFloat64(4, -2.5, true);
    const file = rawFile({ a: { dtype: 'F32', shape: [1], data_offsets: [0, 4] }, b: f64([1], 4) }, data);
    const { tensors } = decodeSafetensors(file);
    assert.equal(tensors.a!.data[0], 1.5);
    assert.equal(tensors.b!.data[0], -2.5);
  });

  it('writes a space-padded header and a deterministic, aligned layout', () => {
    const bytes = encodeSafetensors(model(), { k: 'v' });
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    assert.equal(n % 8, 0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    assert.match(text, /^\{.*\} *$/);
    const header = JSON.parse(text) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    const order = Object.entries(header)
      .filter(([k]) => k !== '__metadata__')
      .sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1])
      .map(([k]) => k);
    assert.deepEqual(order, ['W1', 'b2', 'scalar', 'W2', 'b1']);
    for (const { dtype, data_offsets: [begin] } of Object.values(header).filter((v) => 'dtype' in v)) {
      assert.equal(begin % (dtype === 'F64' ? 8 : 4), 0);
    }
    // Same input, same bytes, whatever the insertion order.
    const reversed = Object.fromEntries(Object.entries(model()).reverse());
    assert.deepEqual(encodeSafetensors(reversed, { k: 'v' }), bytes);
  });

  it('refuses to encode inconsistent tensors', () => {
    assert.throws(
      () => encodeSafetensors({ W: { dtype: 'float64', shape: [2, 2], data: new Float64Array(3) } }),
      /"W" has shape \[2, 2\] \(4 elements\) but 3 values/,
    );
    assert.throws(
      () => encodeSafetensors({ W: { dtype: 'float32', shape: [1], data: new Float64Array(1) } }),
      /"W" is float32 but its data is not a Float32Array/,
    );
    assert.throws(
      () => encodeSafetensors({ __metadata__: { dtype: 'float64', shape: [1], data: new Float64Array(1) } }),
      /reserved/,
    );
    assert.throws(() => encodeSafetensors({}, { n: 3 as unknown as string }), /metadata value for "n" must be a string/);
  });
});

describe('safetensors rejects malformed files', () => {
  const good = { W: f64([2], 0) };

  it('too short', () => {
    rejects(new Uint8Array(5), '5 bytes, too short');
  });

  it('header length beyond the file, or absurd', () => {
    rejects(rawFile(good, 16, 1000n), 'header length 1000 runs past the end of the file');
    rejects(rawFile(good, 16, 2n ** 63n), 'absurd');
    rejects(rawFile(good, 16, 100_000_001n), 'absurd');
  });

  it('header not UTF-8, not JSON, not an object', () => {
    const notUtf8 = rawFile('{}');
    notUtf8.set([0x7b, 0xff], 8);
    rejects(notUtf8, 'not valid UTF-8');
    rejects(rawFile('{"W": '), 'not valid JSON');
    rejects(rawFile('[1, 2]'), 'must be a JSON object');
    rejects(rawFile('null'), 'must be a JSON object');
  });

  it('entries missing fields or with wrong types', () => {
    rejects(rawFile({ W: 3 }), 'tensor "W" must be an object, got number');
    rejects(rawFile({ W: { shape: [2], data_offsets: [0, 16] } }, 16), 'tensor "W" is missing "dtype"');
    rejects(rawFile({ W: { dtype: 'F64', data_offsets: [0, 16] } }, 16), 'tensor "W" is missing "shape"');
    rejects(rawFile({ W: { dtype: 'F64', shape: [2] } }, 16), 'tensor "W" is missing "data_offsets"');
    rejects(rawFile({ W: { dtype: 64, shape: [2], data_offsets: [0, 16] } }, 16), '"dtype" must be a string, got number');
    rejects(rawFile({ W: { dtype: 'F64', shape: '2', data_offsets: [0, 16] } }, 16), '"shape" must be an array, got string');
    rejects(rawFile({ W: { dtype: 'F64', shape: [2], data_offsets: { begin: 0 } } }, 16), '"data_offsets" must be an array [begin, end]');
    rejects(rawFile({ W: { dtype: 'F64', shape: [2], data_offsets: [0, 8, 16] } }, 16), '"data_offsets" must be an array [begin, end]');
  });

  it('unsupported dtype, naming the supported ones', () => {
    rejects(rawFile({ W: { dtype: 'F16', shape: [2], data_offsets: [0, 4] } }, 4), 'unsupported dtype "F16"', 'supported: F64, F32');
  });

  it('bad dimensions', () => {
    rejects(rawFile({ W: f64([-2], 0, 16) }, 16), 'invalid dimension -2');
    rejects(rawFile({ W: f64([1.5], 0, 12) }, 12), 'invalid dimension 1.5');
    rejects(rawFile({ W: { dtype: 'F64', shape: ['2'], data_offsets: [0, 16] } }, 16), 'invalid dimension "2"');
  });

  it('bad offsets', () => {
    rejects(rawFile({ W: f64([2], 0.5, 16.5) }, 17), 'invalid data_offsets [0.5,16.5]');
    rejects(rawFile({ W: f64([2], -8, 8) }, 16), 'invalid data_offsets');
    rejects(rawFile({ W: f64([0], 16, 8) }, 16), 'begin > end');
    rejects(rawFile({ W: f64([2], 0, 24) }, 16), 'past the end of the data section (16 bytes)');
  });

  it('byte length not matching shape × dtype size', () => {
    rejects(rawFile({ W: f64([3], 0, 16) }, 16), 'has 16 bytes but shape [3] of F64 needs 24');
    rejects(rawFile({ W: { dtype: 'F32', shape: [2, 2], data_offsets: [0, 8] } }, 8), 'needs 16');
  });

  it('overlaps, gaps and unused trailing bytes', () => {
    rejects(rawFile({ A: f64([2], 0), B: f64([2], 8) }, 24), /tensor "B" \[8, 24\) overlaps tensor "A" \[0, 16\)/);
    rejects(rawFile({ A: f64([1], 0), B: f64([1], 16) }, 24), 'unused bytes [8, 16) in the data section before tensor "B"');
    rejects(rawFile({ A: f64([1], 8) }, 16), 'unused bytes [0, 8)');
    rejects(rawFile(good, 24), 'data section is 24 bytes but tensors cover only 16');
    rejects(rawFile({}, 3), 'data section is 3 bytes but tensors cover only 0');
  });

  it('duplicate names, which JSON.parse would silently merge', () => {
    const entry = JSON.stringify(f64([1], 0));
    rejects(rawFile(`{"W": ${entry}, "W": ${entry}}`, 8), 'tensor name "W" appears more than once');
    // Escapes spelling the same name differently are still the same name.
    rejects(rawFile(`{"W": ${entry}, "\\u0057": ${entry}}`, 8), 'tensor name "W" appears more than once');
    rejects(rawFile(`{"W": {"dtype": "F64", "dtype": "F64", "shape": [1], "data_offsets": [0, 8]}}`, 8),
      'key "dtype" appears more than once');
  });

  it('metadata that is not an object of strings', () => {
    rejects(rawFile({ __metadata__: { epochs: 17 } }), 'metadata value for "epochs" must be a string, got number');
    rejects(rawFile({ __metadata__: ['a'] }), '"__metadata__" must be an object of strings');
  });

  it('accepts a file with only metadata and no tensors', () => {
    assert.deepEqual(decodeSafetensors(rawFile({ __metadata__: { a: 'b' } })), { tensors: {}, metadata: { a: 'b' } });
  });
});

describe('findDuplicateKey', () => {
  it('finds repeats per object, not across objects or in arrays and values', () => {
    assert.equal(findDuplicateKey('{"a": {"x": 1}, "b": {"x": "a"}, "c": ["a", "a"]}'), undefined);
    assert.equal(findDuplicateKey('{"a\\"b": 1, "k": "a\\"b"}'), undefined);
    assert.deepEqual(findDuplicateKey('{"a": 1, "b": {"c": 1, "c" : 2}}'), { key: 'c', depth: 2 });
    assert.deepEqual(findDuplicateKey('{"a\\\\": 1, "a\\u005c" : 2}'), { key: 'a\\', depth: 1 });
  });
});

describe('safetensors files', () => {
  const withDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-st-'));
    try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };

  it('writes atomically, leaving no temp file, and reads back', () => withDir(async (dir) => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'old contents');
    await writeSafetensorsFile(path, model(), { epochs: '17' });
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
    const { tensors, metadata } = await readSafetensorsFile(path);
    assert.deepEqual(metadata, { epochs: '17' });
    assert.deepEqual(bytesOf(tensors.W1!.data), bytesOf(model().W1!.data));
  }));

  it('leaves an existing file untouched when encoding fails', () => withDir(async (dir) => {
    const path = join(dir, 'model.safetensors');
    writeFileSync(path, 'previous model');
    await assert.rejects(
      writeSafetensorsFile(path, { W: { dtype: 'float64', shape: [5], data: new Float64Array(2) } }),
      (e: unknown) => e instanceof SafetensorsError && e.message.startsWith(`${path}: `),
    );
    assert.equal(readFileSync(path, 'utf8'), 'previous model');
    assert.deepEqual(readdirSync(dir), ['model.safetensors']);
  }));

  it('names the file when reading fails', () => withDir(async (dir) => {
    const missing = join(dir, 'missing.safetensors');
    await assert.rejects(readSafetensorsFile(missing), { message: `${missing}: cannot read (not found)` });
    const corrupt = join(dir, 'corrupt.safetensors');
    writeFileSync(corrupt, 'abc');
    await assert.rejects(readSafetensorsFile(corrupt), { message: `${corrupt}: file is 3 bytes, too short for the 8-byte header length` });
  }));

  it('is readable by an independent Python reader', () => withDir(async (dir) => {
    const path = join(dir, 'model.safetensors');
    const tensors = model();
    await writeSafetensorsFile(path, tensors, { note: 'from nabla' });
    const run = spawnSync('python3', [READER, path], { encoding: 'utf8', timeout: 20_000 });
    if (run.error) {
      assert.fail(`could not run python3 (${run.error.message}); this test needs python3 on PATH to check files with an independent reader`);
    }
    assert.equal(run.status, 0, `read_safetensors.py failed: ${run.stderr}`);
    const out = JSON.parse(run.stdout) as {
      metadata: Record<string, string>;
      tensors: Record<string, { dtype: string; shape: number[]; values: (number | string)[]; bits: string[] }>;
    };
    assert.deepEqual(out.metadata, { note: 'from nabla' });
    assert.deepEqual(Object.keys(out.tensors).sort(), Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      const py = out.tensors[name]!;
      assert.equal(py.dtype, t.dtype === 'float64' ? 'F64' : 'F32', name);
      assert.deepEqual(py.shape, t.shape, name);
      const values = py.values.map((v) => (typeof v === 'string' ? Number(v) : v));
      assert.deepEqual(values, Array.from(t.data), `${name} values`);
      const size = t.data.BYTES_PER_ELEMENT;
      const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
      const bits = Array.from(t.data, (_, i) => (size === 8 ? view.getBigUint64(i * 8, true) : BigInt(view.getUint32(i * 4, true)))
        .toString(16).padStart(size * 2, '0'));
      assert.deepEqual(py.bits, bits, `${name} bits`);
    }
  }));
});

describe('hostile safetensors files', () => {
  const withDir = async (fn: (dir: string) => Promise<void>) => {
    const dir = mkdtempSync(join(tmpdir(), 'nabla-st-'));
    try { await fn(dir); } finally { rmSync(dir, { recursive: true, force: true }); }
  };
  /** Reads `path` in a fresh process: what it said, how long it took, its peak memory. */
  const readInChild = (path: string) => costInChild({ st: 'dist/src/io/safetensors_file.js' }, `await st.readSafetensorsFile(${JSON.stringify(path)});`, 20_000);
  /** A sparse file of `size` bytes starting with `head`: huge on paper, nothing on disk. */
  const sparse = (path: string, head: Uint8Array, size: number) => {
    const fd = openSync(path, 'w');
    try {
      writeSync(fd, head);
      ftruncateSync(fd, size);
    } finally {
      closeSync(fd);
    }
    return path;
  };

  it('refuses a FIFO and /dev/zero at once, naming them', (t) => withDir(async (dir) => {
    const fifo = makeFifo(dir);
    if (fifo === undefined) { t.skip('no mkfifo here'); return; }
    const cost = readInChild(fifo);
    assert.equal(cost.message, `${fifo}: is a named pipe (FIFO), not a regular file; refusing to read it`);
    assertCheap(cost, 'FIFO');
    const zero = readInChild('/dev/zero');
    assert.equal(zero.message, '/dev/zero: is a character device, not a regular file; refusing to read it');
    assertCheap(zero, '/dev/zero');
  }));

  it('refuses a 1.9 GB file that is not safetensors, or whose header does not fit its size, without reading it', () => withDir(async (dir) => {
    const size = 1_900_000_000;
    const zip = sparse(join(dir, 'archive.safetensors'), Buffer.from('PK\x03\x04\x14\x00\x00\x00', 'latin1'), size);
    const absurd = readInChild(zip);
    assert.match(absurd.message, /archive\.safetensors: header length \d+ is absurd/);
    assertCheap(absurd, 'zip');
    // A plausible header length (80 MB), but the header is not JSON: refused at its first byte.
    const head = new Uint8Array(8);
    new DataView(head.buffer).setBigUint64(0, 80_000_000n, true);
    const zeros = readInChild(sparse(join(dir, 'zeros.safetensors'), head, size));
    assert.match(zeros.message, /zeros\.safetensors: header does not start with '\{'; not a safetensors file\?$/);
    assertCheap(zeros, 'zeros');
    // A valid header for one 8-byte tensor, followed by 1.9 GB: refused before the body.
    const valid = encodeSafetensors({ W: { dtype: 'float64', shape: [1], data: Float64Array.of(1) } });
    const body = readInChild(sparse(join(dir, 'long.safetensors'), valid, size));
    assert.match(body.message, /long\.safetensors: data section is \d+ bytes but tensors cover only 8/);
    assertCheap(body, 'long body');
  }));

  it('refuses deep nesting with a message naming the file, not a stack overflow', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    rejects(rawFile(`{"W1":{"dtype":"F64","shape":${deep},"data_offsets":[0,0]}}`), 'header nests deeper than 32 levels');
    rejects(rawFile(`{"__metadata__":{"a":${deep}}}`), 'header nests deeper than 32 levels');
    // Brackets inside strings are not nesting.
    const name = '['.repeat(100);
    const { tensors } = decodeSafetensors(rawFile({ [name]: f64([1], 0) }, 8));
    assert.deepEqual(Object.keys(tensors), [name]);
  });

  it('quotes names and values from the file printably and briefly', () => {
    const evil = '\x1b]0;pwned\x07\nnabla train: done';
    const check = (bytes: Uint8Array) => assert.throws(() => decodeSafetensors(bytes, 'bad.safetensors'), (e: unknown) => {
      const message = (e as Error).message;
      assert.match(message, /^bad\.safetensors: /);
      assert.doesNotMatch(message, /[\x00-\x1f\x7f]/, `control characters in ${JSON.stringify(message)}`);
      assert.ok(message.length < 1000, `${message.length} characters`);
      return true;
    });
    check(rawFile({ [evil]: 3 }));
    check(rawFile({ W: { dtype: evil, shape: [1], data_offsets: [0, 8] } }, 8));
    check(rawFile({ W: { dtype: 'F64', shape: [evil], data_offsets: [0, 8] } }, 8));
    check(rawFile({ W: { dtype: 'F64', shape: new Array<number>(5_000_000).fill(1), data_offsets: [0, 16] } }, 16));
    check(rawFile(`{"W": "${'\\u001b'.repeat(10)}`));
    check(rawFile({ __metadata__: { [evil]: 1 } }));
  });
});
