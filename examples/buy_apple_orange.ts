// The seed's buy_apple_orange cells, as a program: node dist/examples/buy_apple_orange.js.
// The graph itself lives in src/examples/buy_apple_orange.ts, which `nabla apple` also runs.
import { buyAppleOrange } from '../src/examples/buy_apple_orange.js';
import { runIfMain } from './run_if_main.js';

export { buyAppleOrange };

runIfMain(import.meta.url, () => buyAppleOrange());
