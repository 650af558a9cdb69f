// Reading files the user names (models, checkpoints, data, images) so that no file can hang
// or balloon the process: only regular files are read (a FIFO would block forever, a
// device such as /dev/zero never ends), the size is known before the first byte, and every
// caller says how many bytes it is prepared to read.

import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { ERRNO_WORDS } from './errno_words.js';
import { printable } from './printable.js';

export class FileReadError extends Error {
  /** The system error code (ENOENT, EACCES, …) when the OS refused, for callers with a better word for it. */
  readonly code: string | undefined;
  constructor(readonly path: string, problem: string, cause?: unknown) {
    super(`${printable(path, 1000)}: ${problem}`);
    this.name = 'FileReadError';
    this.code = (cause as NodeJS.ErrnoException | undefined)?.code;
  }
}

// O_NONBLOCK: opening a FIFO for reading otherwise waits for a writer, forever. It changes
// nothing for regular files, the only kind read after the fstat below. (Not on Windows.)
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** What went wrong with a file system call, in words (the code alone says little to most). */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined && ERRNO_WORDS[code] !== undefined) return ERRNO_WORDS[code]!;
  return printable(code ?? (e instanceof Error ? e.message : String(e)));
}

/** Why a file that exists is not something to read as data, or undefined if it is. */
function notRegular(stats: Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isDirectory()) return 'is a folder, not a file';
  if (stats.isFIFO()) return 'is a named pipe (FIFO), not a regular file; refusing to read it';
  if (stats.isCharacterDevice()) return 'is a character device, not a regular file; refusing to read it';
  if (stats.isBlockDevice()) return 'is a block device, not a regular file; refusing to read it';
  if (stats.isSocket()) return 'is a socket, not a regular file; refusing to read it';
  return 'is not a regular file; refusing to read it';
}

/** A regular file open for reading, with its size as it was when opened. */
export interface RegularFile {
  readonly path: string;
  readonly size: number;
  /** Exactly `length` bytes from `position`; fails if the file ends sooner. */
  read(position: number, length: number): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** Opens `path` if it is a regular file, refusing anything else in one message naming it. */
export async function openRegularFile(path: string): Promise<RegularFile> {
  let handle: FileHandle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (e) {
    throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
  }
  let size: number;
  try {
    const stats = await handle.stat();
    const problem = notRegular(stats);
    if (problem !== undefined) throw new FileReadError(path, problem);
    size = stats.size;
  } catch (e) {
    await handle.close();
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
  }
  return {
    path,
    size,
    async read(position, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          ({ bytesRead: n } = await handle.read(out, done, length - done, position + done));
        } catch (e) {
          throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
        }
        if (n === 0) throw new FileReadError(path, `ended after ${position + done} bytes, ${size} expected (was it changed while being read?)`);
        done += n;
      }
      return out;
    },
    close: () => handle.close(),
  };
}

/**
 * The whole of a regular file no larger than `maxBytes`; a larger one is refused before
 * anything is read, with `tooLarge` saying why that limit holds.
 */
export async function readRegularFile(path: string, maxBytes: number, tooLarge = 'larger than expected'): Promise<Uint8Array> {
  const file = await openRegularFile(path);
  try {
    if (file.size > maxBytes) throw new FileReadError(path, `is ${file.size} bytes, ${tooLarge} (limit ${maxBytes} bytes)`);
    return await file.read(0, file.size);
  } finally {
    await file.close();
  }
}

/** The synchronous twin of RegularFile, for loaders that are synchronous by API. */
export interface RegularFileSync {
  readonly path: string;
  readonly size: number;
  read(position: number, length: number): Uint8Array;
  close(): void;
}

export function openRegularFileSync(path: string): RegularFileSync {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch (e) {
    throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
  }
  let size: number;
  try {
    const stats = fstatSync(fd);
    const problem = notRegular(stats);
    if (problem !== undefined) throw new FileReadError(path, problem);
    size = stats.size;
  } catch (e) {
    closeSync(fd);
    if (e instanceof FileReadError) throw e;
    throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
  }
  return {
    path,
    size,
    read(position, length) {
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        let n: number;
        try {
          n = readSync(fd, out, done, length - done, position + done);
        } catch (e) {
          throw new FileReadError(path, `cannot read (${describeFsError(e)})`, e);
        }
        if (n === 0) throw new FileReadError(path, `ended after ${position + done} bytes, ${size} expected (was it changed while being read?)`);
        done += n;
      }
      return out;
    },
    close: () => closeSync(fd),
  };
}
