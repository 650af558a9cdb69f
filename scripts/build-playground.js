// Builds the playground (playground/) into dist/playground/: typechecks the page scripts
// with playground/tsconfig.json, bundles each playground/src/*.ts (a page's script, or a
// Worker's) with esbuild for the browser, and copies the pages and the style sheet.
// Modules the page scripts share live in subfolders of playground/src and are bundled
// into the scripts that import them.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const site = join(root, 'playground');
const out = join(root, 'dist', 'playground');
const require = createRequire(import.meta.url);

const tsc = join(dirname(require.resolve('typescript/package.json')), 'bin', 'tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(site, 'tsconfig.json')], { stdio: 'inherit' });
} catch {
  console.error('build-playground: the page scripts do not typecheck (see above)');
  process.exit(1);
}

const entryPoints = readdirSync(join(site, 'src'))
  .filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'))
  .map((name) => join(site, 'src', name));

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const result = await build({
  entryPoints,
  outdir: out,
  bundle: true,
  platform: 'browser',
  format: 'esm',
  target: 'es2022',
  minify: process.env.NABLA_PLAYGROUND_DEBUG ? false : true,
  sourcemap: false,
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  // Shared code (the library, the kernels that initWasm() loads on demand) in chunks of its own.
  splitting: true,
  chunkNames: 'chunk-[hash]',
});

for (const name of readdirSync(site)) {
  if (['.html', '.css', '.svg', '.ico'].includes(extname(name))) copyFileSync(join(site, name), join(out, name));
}

const outputs = Object.entries(result.metafile.outputs).map(([file, info]) => `${file.slice(file.lastIndexOf('/') + 1)} ${(info.bytes / 1024).toFixed(1)} KB`);
console.log(`build-playground: ${out} (${outputs.join(', ')})`);
