import { readFileSync } from 'node:fs';

/** nabla's version, from its package.json (dist/src/version.js → ../../package.json). */
export const NABLA_VERSION: string = (() => {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
})();
