import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Runs `main` when this module is the program (node dist/examples/x.js), not when imported. */
export function runIfMain(moduleUrl: string, main: () => void | Promise<void>): void {
  const entry = process.argv[1];
  if (entry && realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl))) void main();
}
