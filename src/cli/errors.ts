// The last step before an error reaches the terminal: one line, printable characters
// only, bounded length, and system errors in words that name the file.

import { accessSync, constants, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { ERRNO_WORDS } from '../io/errno_words.js';
import { escapeUnsafe } from '../io/printable.js';
import { FileReadError } from '../io/regular_file.js';

/** The longest error line printed, in characters. */
export const MAX_ERROR_LENGTH = 400;


const WRITE_CALLS = new Set(['write', 'fsync', 'fdatasync', 'ftruncate', 'rename', 'rmdir', 'rm', 'unlink', 'copyfile', 'link', 'symlink', 'utime', 'futime', 'chmod', 'fchmod', 'chown', 'close']);
const READ_CALLS = new Set(['read', 'scandir', 'opendir', 'readlink', 'stat', 'lstat', 'fstat', 'access', 'realpath']);

interface SystemErrorLike {
  code: string;
  syscall?: unknown;
  path?: unknown;
}

function isSystemError(error: unknown): error is SystemErrorLike {
  // A FileReadError keeps the system code of its cause but has already said it in words.
  if (error === null || typeof error !== 'object' || error instanceof FileReadError) return false;
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && 'syscall' in error;
}

/**
 * A Node system error (ENOENT, ENOSPC, …, with the file in `path`) in words: "cannot write
 * runs/train-1/model.safetensors: no space left on device", "data/x: not found".
 * Undefined for any other error.
 */
export function describeSystemError(error: unknown): string | undefined {
  if (!isSystemError(error)) return undefined;
  const words = ERRNO_WORDS[error.code] ?? error.code;
  const syscall = typeof error.syscall === 'string' ? error.syscall : '';
  const path = typeof error.path === 'string' ? error.path : undefined;
  if (path === undefined) return `${words} (${syscall ? `${syscall}, ` : ''}${error.code})`;
  const verb = syscall === 'mkdir' ? 'create' : WRITE_CALLS.has(syscall) ? 'write' : READ_CALLS.has(syscall) ? 'read' : syscall === 'open' ? 'open' : 'access';
  if (error.code === 'ENOENT' && syscall === 'mkdir') return `cannot create ${path}: a folder above it cannot be made`;
  if (error.code === 'ENOENT') return verb === 'write' ? `cannot write ${path}: its folder does not exist` : `${path}: not found`;
  return `cannot ${verb} ${path}: ${words}`;
}

/**
 * A recursive mkdir reports ENOENT for a folder it cannot create on a read-only file
 * system or without permission; asks the nearest existing parent what the real reason is.
 */
export function explainMkdirError(error: unknown): unknown {
  if (!isSystemError(error) || error.code !== 'ENOENT' || error.syscall !== 'mkdir' || typeof error.path !== 'string') return error;
  let parent = dirname(error.path);
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  try {
    accessSync(parent, constants.W_OK);
  } catch (denied) {
    if (isSystemError(denied)) return Object.assign(error, { code: denied.code });
  }
  return error;
}

/** The text an error is reported with: a system error in words, else its message. */
export function describeError(error: unknown): string {
  const system = describeSystemError(explainMkdirError(error));
  if (system !== undefined) return system;
  if (error instanceof Error) return typeof error.message === 'string' && error.message !== '' ? error.message : error.name;
  return String(error);
}

/**
 * `text` as one line of printable characters, at most `max` long: control characters
 * (C0 with newlines and ESC, DEL, C1), bidirectional overrides, invisible format
 * characters and lone surrogates are written as escapes, so text taken from a file can
 * neither spoof other output nor drive the terminal; overlong text keeps its beginning
 * and end around an ellipsis.
 */
export function printableLine(text: string, max: number = MAX_ERROR_LENGTH): string {
  // Escaping only lengthens text: cut a huge one first so that the work stays small.
  const margin = 4 * max;
  if (text.length > 2 * margin) text = `${text.slice(0, margin)}${text.slice(-margin)}`;
  const parts: string[] = [];
  let length = 0;
  for (const ch of text) {
    const part = escapeUnsafe(ch);
    parts.push(part);
    length += part.length;
  }
  if (length <= max && text.length <= 2 * margin) return parts.join('');
  const tailLength = Math.floor((max - 1) / 4);
  return `${take(parts, max - 1 - tailLength)}…${takeLast(parts, tailLength)}`;
}

/** The first whole parts that fit in `budget` characters. */
function take(parts: readonly string[], budget: number): string {
  let out = '';
  for (const part of parts) {
    if (out.length + part.length > budget) break;
    out += part;
  }
  return out;
}

function takeLast(parts: readonly string[], budget: number): string {
  let out = '';
  for (let i = parts.length - 1; i >= 0; i--) {
    if (out.length + parts[i]!.length > budget) break;
    out = parts[i]! + out;
  }
  return out;
}
