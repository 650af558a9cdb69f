// Reading back what src/plot/filters.ts draws, for the tests of it and of nabla filters.

import assert from 'node:assert/strict';
import { decodePng } from '../../src/data/image_file.js';

/** Every tag opened is closed, in order: the SVG is well-formed as far as tags go. */
export function assertBalancedTags(svg: string): void {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, closing, name, selfClosing] = m;
    if (selfClosing) continue;
    if (closing) assert.equal(stack.pop(), name, `</${name}> closes <${stack.at(-1) ?? 'nothing'}>`);
    else stack.push(name!);
  }
  assert.deepEqual(stack, [], 'unclosed tags');
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.ok(svg.endsWith('</svg>\n'));
}

/** The fills of filter `index`'s squares, row-major. */
export function filterFills(svg: string, index: number): string[] {
  const group = new RegExp(`<g class="filter" data-index="${index}">(.*?)</g>`).exec(svg);
  assert.ok(group, `filter ${index} drawn`);
  return [...group[1]!.matchAll(/<rect class="w" [^>]*fill="(#[0-9a-f]{6})"\/>/g)].map((m) => m[1]!);
}

/** The luminances of feature map `index`, decoded from its PNG. */
export function mapPixels(svg: string, index: number): { width: number; height: number; pixels: Float64Array } {
  const m = new RegExp(`<image class="feature-map" data-index="${index}" [^>]*href="data:image/png;base64,([A-Za-z0-9+/=]+)"`).exec(svg);
  assert.ok(m, `map ${index} drawn`);
  return decodePng(Buffer.from(m[1]!, 'base64'), `map ${index}`);
}
