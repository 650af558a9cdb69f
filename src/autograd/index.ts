// DeZero-style autograd on nabla tensors.
export { Variable, Function, add, sumTo, broadcastTo, noGrad, usingConfig, config, asVariable, type VariableLike, type BackwardOptions } from './core.js';
export { mul } from './functions/mul.js';
export { neg } from './functions/neg.js';
export { sub } from './functions/sub.js';
export { div } from './functions/div.js';
export { pow } from './functions/pow.js';
export { exp } from './functions/exp.js';
export { log } from './functions/log.js';
export { sin } from './functions/sin.js';
export { cos } from './functions/cos.js';
export { tanh } from './functions/tanh.js';
export { toDot, drawGraph, toText, collectGraph, higherDerivatives, judged, DerivativeGraphTooLarge, type Derivative, type DrawOptions, type RenderOptions, type Graph, type Use } from './graph/index.js';
export { parseExpression, buildExpression, expressionVariables, ExpressionError, EXPRESSION_FUNCTIONS, type Expression } from './expression.js';
