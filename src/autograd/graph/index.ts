export { toDot } from './dot.js';
export { drawGraph, type DrawOptions } from './svg.js';
export { toText } from './text.js';
export { collectGraph, type Graph, type Use } from './walk.js';
export type { RenderOptions } from './labels.js';
