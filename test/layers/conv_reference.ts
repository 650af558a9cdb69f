import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { pythonWithNumpy } from '../helpers.js';

const SCRIPT = fileURLToPath(new URL('../../../test/fixtures/conv_reference.py', import.meta.url));

/** conv_reference.py's answer for one case: convolution or max pooling by definition, in NumPy. */
export function numpyReference(c: Record<string, unknown>): Record<string, number[]> {
  const python = pythonWithNumpy();
  if (python === undefined) assert.fail('this test needs a python3 with numpy ($PYTHON, python3 or /usr/bin/python3; apt-get install python3-numpy)');
  const child = spawnSync(python, [SCRIPT], { input: JSON.stringify(c), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (child.status !== 0) assert.fail(`conv_reference.py: ${child.stderr}`);
  return JSON.parse(child.stdout) as Record<string, number[]>;
}
