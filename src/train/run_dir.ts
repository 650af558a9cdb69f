import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Creates and returns the next free `base/prefix-N` folder (train-1, train-2, ...).
 * mkdir without `recursive` fails on an existing folder, so two runs started at
 * once can never share one.
 */
export function createRunDir(base = 'runs', prefix = 'train'): string {
  mkdirSync(base, { recursive: true });
  for (let n = 1; ; n++) {
    const dir = join(base, `${prefix}-${n}`);
    try {
      mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}
