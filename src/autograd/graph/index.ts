export { toDot } from './dot.js';
export { drawGraph, type DrawOptions } from './svg.js';
export { toText } from './text.js';
export { collectGraph, type Graph, type Use } from './walk.js';
export type { RenderOptions } from './labels.js';
export { DerivativeGraphTooLarge, higherDerivatives, judged, MAX_DERIVATIVE_GRAPH, type Derivative } from './derivatives.js';
