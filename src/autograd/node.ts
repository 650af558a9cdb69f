// `nabla/autograd` in Node: the autograd API with the wasm kernels loaded on first use, as
// `import 'nabla'` gives there. Browsers get autograd/index.ts, which imports nothing from Node.

import '../platform/node/register.js';

export * from './index.js';
