// Compiles the AssemblyScript kernels (src/backend/wasm/assembly) with the local asc into
// build/nabla.wasm, and copies it next to the compiled loader in dist/ so the package
// finds it without the build/ folder.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js');
const entry = join(root, 'src', 'backend', 'wasm', 'assembly', 'index.ts');
const out = join(root, 'build', 'nabla.wasm');
const distCopy = join(root, 'dist', 'src', 'backend', 'wasm', 'nabla.wasm');

// The host (src/backend/wasm/memory.ts) creates the memory: shared, growable to 4 GiB, so
// worker threads can instantiate the same module over it. The memory limits here must
// match the ones the host declares.
const flags = [
  entry,
  '--outFile', out,
  '-O3', '--noAssert', '--runtime', 'stub',
  '--enable', 'simd', '--enable', 'threads',
  '--importMemory', '--sharedMemory', '--initialMemory', '32', '--maximumMemory', '65536',
  '--noExportMemory',
  '--use', 'abort=',
];

mkdirSync(dirname(out), { recursive: true });
execFileSync(process.execPath, [asc, ...flags], { stdio: 'inherit' });
mkdirSync(dirname(distCopy), { recursive: true });
copyFileSync(out, distCopy);
console.log(`build-wasm: ${out}`);
