// Errors as the pages show them: one printable line, without the error's class name.

import { printable } from '../../../src/io/printable.js';

export function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return printable(text.replace(/\s+/g, ' ').trim(), 400);
}
