// Safetensors files on disk (Node): atomic writes, and reads that check the header before
// the body. The format itself is in safetensors.ts, which runs anywhere.

import { writeFileAtomic } from './atomic.js';
import { openRegularFile } from './regular_file.js';
import { buildTensors, encodeSafetensors, failer, headerLength, MAX_HEADER_BYTES, parseHeader, type SafetensorsContents, type SafetensorsTensor } from './safetensors.js';

/**
 * Writes atomically: the bytes go to a temporary file in the same directory, are fsynced,
 * and only then renamed over `path`, so a crash leaves either the old file or the
 * complete new one, never a torn mix. Encoding happens before anything touches the disk.
 */
export async function writeSafetensorsFile(
  path: string,
  tensors: Record<string, SafetensorsTensor>,
  metadata: Record<string, string> = {},
): Promise<void> {
  await writeFileAtomic(path, encodeSafetensors(tensors, metadata, path));
}

/**
 * Reads and decodes a safetensors file, refusing anything but a regular file. The header
 * is read and checked first, then exactly the data section it describes, so a file that
 * is not safetensors (or /dev/zero, or a FIFO) is refused without reading its body.
 */
export interface ReadSafetensorsOptions {
  /**
   * The longest header to read (the spec allows 100 MB). A reader that knows what the file
   * should hold (a model's few tensors) passes less, so a header of a million entries is
   * refused before it is parsed.
   */
  maxHeaderBytes?: number;
}

export async function readSafetensorsFile(path: string, options: ReadSafetensorsOptions = {}): Promise<SafetensorsContents> {
  const fail = failer(path);
  const file = await openRegularFile(path);
  try {
    if (file.size < 8) fail(`file is ${file.size} bytes, too short for the 8-byte header length`);
    const n = headerLength(await file.read(0, 8), file.size, fail, Math.min(options.maxHeaderBytes ?? MAX_HEADER_BYTES, MAX_HEADER_BYTES));
    // The spec requires the header to start with '{': checking that one byte refuses most
    // files that are not safetensors before the rest of a long header is read.
    if (n > 0 && (await file.read(8, 1))[0] !== 0x7b) fail("header does not start with '{'; not a safetensors file?");
    const dataLength = file.size - 8 - n;
    const { entries, metadata } = parseHeader(await file.read(8, n), dataLength, fail);
    return { tensors: buildTensors(entries, await file.read(8 + n, dataLength)), metadata };
  } finally {
    await file.close();
  }
}
