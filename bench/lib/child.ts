// Each measured run gets its own process, so that no run inherits another's JIT state,
// heap or thread pool, and a crash or hang costs one column rather than the benchmark.

import { spawn } from 'node:child_process';

export interface ChildResult {
  ok: boolean;
  /** Exit code, or null when killed by a signal (e.g. the timeout). */
  code: number | null;
  stdout: string;
  stderr: string;
  /** Wall-clock seconds from spawn to exit: start-up and data loading included. */
  wallSeconds: number;
  timedOut: boolean;
  /** The last line of stdout that parses as a JSON object, if any. */
  json?: Record<string, unknown>;
  /** A one-line reason when !ok. */
  error?: string;
}

export interface ChildOptions {
  env?: NodeJS.ProcessEnv;
  timeoutSeconds: number;
  cwd: string;
}

export function runChild(command: string, args: readonly string[], options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, options.timeoutSeconds * 1000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const finish = (code: number | null, spawnError?: Error): void => {
      clearTimeout(timer);
      const wallSeconds = (performance.now() - started) / 1000;
      const json = lastJsonObject(stdout);
      const ok = !spawnError && !timedOut && code === 0 && json !== undefined;
      const result: ChildResult = { ok, code, stdout, stderr, wallSeconds, timedOut, ...(json ? { json } : {}) };
      if (!ok) result.error = describeFailure(spawnError, timedOut, options.timeoutSeconds, code, stderr, json !== undefined);
      resolve(result);
    };
    child.on('error', (error) => finish(null, error));
    child.on('close', (code) => finish(code));
  });
}

function lastJsonObject(text: string): Record<string, unknown> | undefined {
  const lines = text.split('\n').map((line) => line.trim()).filter((line) => line.startsWith('{'));
  for (let i = lines.length - 1; i >= 0; i--) {
    try {
      const value: unknown = JSON.parse(lines[i]!);
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON after all: keep looking further up
    }
  }
  return undefined;
}

function describeFailure(spawnError: Error | undefined, timedOut: boolean, timeout: number, code: number | null, stderr: string, hadJson: boolean): string {
  if (spawnError) return spawnError.message;
  if (timedOut) return `timed out after ${timeout} s`;
  // The last line that says something: not a stack frame, not Node's version banner.
  const meaningful = stderr.split('\n').filter((line) => line.trim() !== '' && !/^\s+at\s/.test(line) && !/^Node\.js v/.test(line));
  const lastLine = meaningful.pop() ?? '';
  if (code === 0 && !hadJson) return 'printed no JSON result';
  return `exit code ${code}${lastLine ? `: ${lastLine.trim()}` : ''}`;
}
