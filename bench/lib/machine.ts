// What a reader needs to judge the figures: the CPU, how many cores, how busy the machine
// was, and exactly which code ran (uncommitted work included, since others share the tree).

import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus, loadavg } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  commit: string;
  /** 1-minute load average when the benchmark started. */
  loadAtStart: number;
}

export function describeMachine(root: string): Machine {
  return {
    cpu: cpuModel(),
    cores: availableParallelism(),
    node: process.version,
    commit: gitCommit(root),
    loadAtStart: loadavg()[0]!,
  };
}

export function currentLoad(): number {
  return loadavg()[0]!;
}

function cpuModel(): string {
  try {
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const line = lscpu.split('\n').find((l) => l.startsWith('Model name:'));
    if (line) return line.slice('Model name:'.length).trim();
  } catch {
    // no lscpu (macOS, minimal containers): fall back to what Node reports
  }
  return cpus()[0]?.model.trim() ?? 'unknown CPU';
}

function gitCommit(root: string): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    const dirty = git('status', '--porcelain', '--', 'src', 'scripts') !== '';
    return dirty ? `${head} + uncommitted changes in src/ or scripts/` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
