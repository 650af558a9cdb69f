// The seed's buy_apple cells, as a program: node dist/examples/buy_apple.js.
// The graph itself lives in src/examples/buy_apple.ts, which `nabla apple` also runs.
import { buyApple } from '../src/examples/buy_apple.js';
import { runIfMain } from './run_if_main.js';

export { buyApple };

runIfMain(import.meta.url, () => buyApple());
