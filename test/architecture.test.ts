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
