// The built playground needs no Node shims: its scripts import nothing from Node, and each
// page loads only scripts that the build wrote.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { playgroundSiteDir } from '../../src/cli/commands/playground.js';

describe('the built playground', () => {
  const site = playgroundSiteDir();
  const files = readdirSync(site);

  it('has scripts that import nothing from Node', () => {
    const scripts = files.filter((f) => f.endsWith('.js'));
    assert.ok(scripts.includes('index.js') && scripts.includes('graph.js'), scripts.join(', '));
    for (const script of scripts) {
      const text = readFileSync(join(site, script), 'utf8');
      assert.doesNotMatch(text, /\b(?:from|import\s*\(?)\s*["'](?:node:|fs["']|path["']|worker_threads|zlib|stream["'])/, `${script} imports from Node`);
      assert.doesNotMatch(text, /\brequire\(["']/, `${script} calls require`);
    }
  });

  it('has pages whose scripts and style sheets all exist', () => {
    for (const page of files.filter((f) => f.endsWith('.html'))) {
      const html = readFileSync(join(site, page), 'utf8');
      for (const [, ref] of html.matchAll(/(?:src|href)="([^"#:]+)"/g)) {
        assert.ok(files.includes(ref!), `${page} refers to ${ref}, which the build did not write`);
      }
    }
  });
});
