import assert from 'node:assert/strict';
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

/** What a command run left: its exit code and everything it printed. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A refusal: the exit code, exactly one line on stderr matching `pattern`, nothing on stdout. */
export function assertQuietOneLineError(r: Run, code: number, pattern: RegExp): void {
  assert.equal(r.code, code, `exit code (stderr: ${r.stderr})`);
  const lines = r.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `exactly one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0]!, pattern);
  assert.equal(r.stdout, '', 'nothing on stdout');
}
