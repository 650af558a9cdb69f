import type { Output } from '../../src/cli/common.js';

/** An Output that keeps what a command prints, for calling command functions directly. */
export function capture(): { io: Output; stdout: () => string; stderr: () => string } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { out: (l) => out.push(l), err: (l) => err.push(l), stdout: process.stdout },
    stdout: () => out.map((l) => `${l}\n`).join(''),
    stderr: () => err.map((l) => `${l}\n`).join(''),
  };
}
