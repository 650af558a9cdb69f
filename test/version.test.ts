import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { NABLA_VERSION } from '../src/version.js';

it("NABLA_VERSION is package.json's version (bump both together)", () => {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(NABLA_VERSION, pkg.version);
});
