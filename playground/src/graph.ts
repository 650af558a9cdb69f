// The Graph page (being built): for now it shows the buy_apple price computed by MulLayer.
import { MulLayer } from '../../src/index.js';
import { showBackend } from './lib/footer.js';

showBackend();
const price = new MulLayer().forward(new MulLayer().forward(100, 2), 1.1);
const main = document.querySelector('main');
if (main !== null) {
  const p = document.createElement('p');
  p.textContent = `buy_apple: 2 apples at 100, tax 1.1: price ${Math.round(price * 1e9) / 1e9} (MulLayer.forward).`;
  main.append(p);
}
