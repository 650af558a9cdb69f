// Starting `nabla playground` as a child process and waiting for its address line, for the
// server's tests and the browser tests.

import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const bin = join(root, 'bin', 'nabla.js');

export interface Served {
  child: ChildProcess;
  /** The printed address, ending in '/'. */
  url: string;
  /** Everything printed so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
}

export interface Ended { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Runs `nabla playground ...args`; resolves once it printed its address, rejects if it ends first. */
export function startPlayground(args: readonly string[], timeoutMs = 20_000): Promise<Served> {
  const child = spawn(process.execPath, [bin, 'playground', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  return new Promise((resolveServed, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`nabla playground printed no address in ${timeoutMs} ms (stdout: ${out}, stderr: ${err})`));
    }, timeoutMs);
    const onData = (): void => {
      const match = /^playground: (http:\/\/\S+\/)\n/m.exec(out);
      if (match === null) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolveServed({ child, url: match[1]!, stdout: () => out, stderr: () => err, exited });
    };
    child.stdout!.on('data', onData);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`nabla playground ended (code ${code}) before printing its address: ${err}`), { ended: { code, signal: child.signalCode, stdout: out, stderr: err } }));
    });
  });
}

/** Runs `nabla playground ...args` expecting it to end by itself (a refusal). */
export function runPlayground(args: readonly string[], timeoutMs = 20_000): Promise<Ended> {
  const child = spawn(process.execPath, [bin, 'playground', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      done({ code, signal, stdout: out, stderr: err });
    });
  });
}

/** Stops a served playground with `signal` and resolves with its exit code. */
export async function stopPlayground(served: Served, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
  if (served.child.exitCode === null && served.child.signalCode === null) served.child.kill(signal);
  return served.exited;
}
