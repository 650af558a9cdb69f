// The safetensors format (https://github.com/huggingface/safetensors), restricted to the
// two float dtypes nabla uses. A file is: u64 little-endian header length N, N bytes of
// UTF-8 JSON header, then the raw little-endian tensor bytes.
//
// Decoding treats the file as untrusted: everything the header claims is checked
// against the spec before a single tensor is allocated, so a corrupt or hostile file
// fails with one message naming the file and the problem, never with a RangeError
// from deep inside a typed-array constructor or a huge allocation.

import { briefJson, printable } from './printable.js';
import type { DType, FloatArray } from '../backend/backend.js';

export interface SafetensorsTensor {
  dtype: DType;
  shape: number[];
  data: FloatArray;
}

export interface SafetensorsContents {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(readonly source: string, problem: string) {
    // Both parts may quote the file or its name: keep the message one printable line.
    super(`${printable(source, 1000)}: ${printable(problem, 1000)}`);
    this.name = 'SafetensorsError';
  }
}

const METADATA_KEY = '__metadata__';
// Far above any header nabla writes (a few hundred bytes); guards against a corrupt
// length field making us decode or allocate gigabytes.
export const MAX_HEADER_BYTES = 100_000_000;
// nabla writes three levels (header, tensor, shape); other writers a few more.
const MAX_HEADER_DEPTH = 32;

const FILE_DTYPE: Record<DType, 'F64' | 'F32'> = { float64: 'F64', float32: 'F32' };
const FROM_FILE_DTYPE: Record<string, DType> = { F64: 'float64', F32: 'float32' };
const DTYPE_SIZE: Record<DType, number> = { float64: 8, float32: 4 };
const SUPPORTED = 'supported: F64, F32';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

// ---------------------------------------------------------------------------------------
// Encoding

export function encodeSafetensors(
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
  source = '<buffer>',
): Uint8Array {
  const fail: (problem: string) => never = (problem) => { throw new SafetensorsError(source, problem); };

  for (const [key, value] of Object.entries(metadata)) {
    if (typeof value !== 'string') fail(`metadata value for "${key}" must be a string, got ${typeof value}`);
  }

  // Wider dtypes first, then by name: deterministic bytes for the same model, and since
  // the data section starts 8-byte aligned, every tensor stays aligned to its element
  // size (what the reference implementation does too).
  const names = Object.keys(tensors).sort((a, b) => {
    const sa = DTYPE_SIZE[tensors[a]!.dtype] ?? 0;
    const sb = DTYPE_SIZE[tensors[b]!.dtype] ?? 0;
    return sb - sa || (a < b ? -1 : a > b ? 1 : 0);
  });

  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header[METADATA_KEY] = { ...metadata };
  let offset = 0;
  for (const name of names) {
    if (name === METADATA_KEY) fail(`"${METADATA_KEY}" is reserved and cannot be a tensor name`);
    const t = tensors[name]!;
    const size = DTYPE_SIZE[t.dtype];
    if (size === undefined) fail(`tensor "${name}" has unsupported dtype ${String(t.dtype)} (supported: float64, float32)`);
    const expectedArray = t.dtype === 'float64' ? Float64Array : Float32Array;
    if (!(t.data instanceof expectedArray)) fail(`tensor "${name}" is ${t.dtype} but its data is not a ${expectedArray.name}`);
    const count = checkedElementCount(t.shape, (p) => fail(`tensor "${name}": ${p}`));
    if (count !== t.data.length) {
      fail(`tensor "${name}" has shape [${t.shape.join(', ')}] (${count} elements) but ${t.data.length} values`);
    }
    header[name] = { dtype: FILE_DTYPE[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + count * size] };
    offset += count * size;
  }

  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);

  let pos = 8 + padded;
  for (const name of names) {
    const t = tensors[name]!;
    writeLittleEndian(out, pos, t.data);
    pos += t.data.byteLength;
  }
  return out;
}

function writeLittleEndian(out: Uint8Array, pos: number, data: FloatArray): void {
  if (HOST_LITTLE_ENDIAN) {
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), pos);
    return;
  }
  const view = new DataView(out.buffer, out.byteOffset + pos, data.byteLength);
  if (data instanceof Float64Array) data.forEach((v, i) => view.setFloat64(i * 8, v, true));
  else data.forEach((v, i) => view.setFloat32(i * 4, v, true));
}

// ---------------------------------------------------------------------------------------
// Decoding

export interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/** `maxHeaderBytes`: the longest header to parse, as readSafetensorsFile's option (a model needs far less than the spec's 100 MB). */
export function decodeSafetensors(bytes: Uint8Array, source = '<buffer>', maxHeaderBytes = MAX_HEADER_BYTES): SafetensorsContents {
  const fail = failer(source);
  if (bytes.length < 8) fail(`file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const n = headerLength(bytes.subarray(0, 8), bytes.length, fail, Math.min(maxHeaderBytes, MAX_HEADER_BYTES));
  const { entries, metadata } = parseHeader(bytes.subarray(8, 8 + n), bytes.length - 8 - n, fail);
  return { tensors: buildTensors(entries, bytes.subarray(8 + n)), metadata };
}

export function failer(source: string): (problem: string) => never {
  return (problem) => { throw new SafetensorsError(source, problem); };
}

/** The header length from the first 8 bytes, checked against the file's size. */
export function headerLength(first8: Uint8Array, fileSize: number, fail: (p: string) => never, limit = MAX_HEADER_BYTES): number {
  const length = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (length > BigInt(limit)) {
    fail(limit === MAX_HEADER_BYTES
      ? `header length ${length} is absurd (limit ${MAX_HEADER_BYTES} bytes); not a safetensors file?`
      : `header length ${length} is more than the ${limit} bytes this kind of file needs`);
  }
  const n = Number(length);
  if (8 + n > fileSize) fail(`header length ${n} runs past the end of the file (${fileSize} bytes)`);
  return n;
}

/**
 * Parses and checks the header against a data section of `dataLength` bytes, which need
 * not have been read yet: everything the header claims is settled before any tensor is.
 */
export function parseHeader(headerBytes: Uint8Array, dataLength: number, fail: (p: string) => never): { entries: Entry[]; metadata: Record<string, string> } {
  let text = '';
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(headerBytes);
  } catch {
    fail('header is not valid UTF-8');
  }
  // JSON.parse and anything that walks its result recursively would overflow the stack on
  // a hostile "[[[[…" value; nabla's own headers nest three levels.
  const depth = nestingDepth(text, MAX_HEADER_DEPTH);
  if (depth > MAX_HEADER_DEPTH) fail(`header nests deeper than ${MAX_HEADER_DEPTH} levels`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    fail(`header is not valid JSON (${printable((e as Error).message, 120)})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail('header must be a JSON object');
  }
  // JSON.parse keeps the last of repeated keys without a word; a file that names a
  // tensor twice is ambiguous, so look at the raw text.
  const duplicate = findDuplicateKey(text);
  if (duplicate !== undefined) {
    fail(duplicate.depth === 1
      ? `tensor name ${quote(duplicate.key)} appears more than once in the header`
      : `key ${quote(duplicate.key)} appears more than once in the same header object`);
  }

  const metadata: Record<string, string> = {};
  const entries: Entry[] = [];

  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === METADATA_KEY) {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`"${METADATA_KEY}" must be an object of strings`);
      for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof value !== 'string') fail(`metadata value for ${quote(key)} must be a string, got ${jsonType(value)}`);
        metadata[key] = value;
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLength, fail));
  }

  // The spec requires the data section to be exactly covered: no overlaps (two tensors
  // aliasing the same bytes) and no gaps (bytes nobody accounts for).
  const ordered = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  let previous: Entry | undefined;
  for (const e of ordered) {
    if (e.begin < covered) fail(`tensor ${quote(e.name)} [${e.begin}, ${e.end}) overlaps tensor ${quote(previous!.name)} [${previous!.begin}, ${previous!.end})`);
    if (e.begin > covered) fail(`unused bytes [${covered}, ${e.begin}) in the data section before tensor ${quote(e.name)}`);
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) fail(`data section is ${dataLength} bytes but tensors cover only ${covered}; ${dataLength - covered} bytes unused at the end`);
  return { entries, metadata };
}

export function buildTensors(entries: Entry[], data: Uint8Array): Record<string, SafetensorsTensor> {
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const e of entries) {
    // Copied into a fresh ArrayBuffer so the offset alignment in the file never matters
    // and the result never aliases the caller's bytes. (Not bytes.slice(): on a Node
    // Buffer, slice returns a view.)
    const raw = new Uint8Array(e.end - e.begin);
    raw.set(data.subarray(e.begin, e.end));
    if (!HOST_LITTLE_ENDIAN) swapToHost(raw, DTYPE_SIZE[e.dtype]);
    const values = e.dtype === 'float64' ? new Float64Array(raw.buffer) : new Float32Array(raw.buffer);
    tensors[e.name] = { dtype: e.dtype, shape: e.shape, data: values };
  }
  return tensors;
}

/**
 * How deep [ and { nest in a JSON text, counting no further than limit + 1. Robust to
 * invalid JSON (it runs before JSON.parse): an unterminated string just ends the scan.
 */
export function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c /* backslash */) i++;
    } else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) {
      depth--;
    }
  }
  return max;
}

/** A name or key from the file, quoted, printable and bounded. */
function quote(text: string): string {
  return `"${printable(text, 80)}"`;
}

function parseEntry(name: string, raw: unknown, dataLength: number, fail: (p: string) => never): Entry {
  const what = `tensor ${quote(name)}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`${what} must be an object, got ${jsonType(raw)}`);
  const obj = raw as Record<string, unknown>;
  for (const field of ['dtype', 'shape', 'data_offsets']) {
    if (!(field in obj)) fail(`${what} is missing "${field}"`);
  }
  if (typeof obj.dtype !== 'string') fail(`${what} "dtype" must be a string, got ${jsonType(obj.dtype)}`);
  const dtype = FROM_FILE_DTYPE[obj.dtype as string];
  if (dtype === undefined) fail(`${what} has unsupported dtype ${quote(obj.dtype as string)} (${SUPPORTED})`);

  if (!Array.isArray(obj.shape)) fail(`${what} "shape" must be an array, got ${jsonType(obj.shape)}`);
  const shape = obj.shape as unknown[];
  for (const d of shape) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) {
      fail(`${what} has invalid dimension ${briefJson(d)} in shape ${briefJson(shape)}; dimensions must be non-negative integers`);
    }
  }
  const count = checkedElementCount(shape as number[], (p) => fail(`${what}: ${p}`));

  const offsets = obj.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2) fail(`${what} "data_offsets" must be an array [begin, end], got ${briefJson(offsets)}`);
  const [begin, end] = offsets as unknown[];
  for (const o of [begin, end]) {
    if (typeof o !== 'number' || !Number.isSafeInteger(o) || o < 0) {
      fail(`${what} has invalid data_offsets ${briefJson(offsets)}; offsets must be non-negative integers`);
    }
  }
  const b = begin as number;
  const e = end as number;
  if (b > e) fail(`${what} has data_offsets [${b}, ${e}] with begin > end`);
  if (e > dataLength) fail(`${what} has data_offsets [${b}, ${e}] past the end of the data section (${dataLength} bytes)`);
  const expected = count * DTYPE_SIZE[dtype!];
  if (e - b !== expected) {
    fail(`${what} has ${e - b} bytes but shape ${briefJson(shape)} of ${obj.dtype as string} needs ${expected}`);
  }
  return { name, dtype: dtype!, shape: [...(shape as number[])], begin: b, end: e };
}

function checkedElementCount(shape: readonly number[], fail: (p: string) => never): number {
  if (!Array.isArray(shape)) fail('shape must be an array');
  let count = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) fail(`invalid dimension ${briefJson(d)} in shape ${briefJson(shape)}`);
    count *= d;
    if (!Number.isSafeInteger(count)) fail(`shape ${briefJson(shape)} has too many elements`);
  }
  return count;
}

function swapToHost(raw: Uint8Array, size: number): void {
  for (let i = 0; i < raw.length; i += size) raw.subarray(i, i + size).reverse();
}

function jsonType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v;
}

/**
 * The first object key that repeats within one object of a JSON text already known to be
 * valid, with its nesting depth (1 = top level), or undefined.
 */
export function findDuplicateKey(text: string): { key: string; depth: number } | undefined {
  // One Set of seen keys per open object; null for arrays, whose strings are never keys.
  const stack: (Set<string> | null)[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '{') { stack.push(new Set()); i++; continue; }
    if (c === '[') { stack.push(null); i++; continue; }
    if (c === '}' || c === ']') { stack.pop(); i++; continue; }
    if (c !== '"') { i++; continue; }
    let j = i + 1;
    while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
    const literal = text.slice(i, j + 1);
    i = j + 1;
    let k = i;
    while (k < text.length && ' \t\n\r'.includes(text[k]!)) k++;
    const seen = stack[stack.length - 1];
    if (text[k] === ':' && seen) {
      const key = JSON.parse(literal) as string;
      if (seen.has(key)) return { key, depth: stack.length };
      seen.add(key);
    }
  }
  return undefined;
}
