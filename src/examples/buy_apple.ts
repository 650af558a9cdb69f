// The seed's buy_apple cells: 2 apples at 100 each, 10% tax. How much does the price
// change when the price of one apple changes? Backpropagation through two MulLayers.
import { MulLayer } from '../layers/mul_layer.js';

export function buyApple(print: (...values: unknown[]) => void = console.log): void {
  const apple = 100;
  const appleNum = 2;
  const tax = 1.1;

  // layers
  const mulAppleLayer = new MulLayer();
  const mulTaxLayer = new MulLayer();

  // forward
  const applePrice = mulAppleLayer.forward(apple, appleNum);
  const price = mulTaxLayer.forward(applePrice, tax);
  print(price); // 220.00000000000003

  // backward: in the reverse order of forward; each backward takes ∂price/∂(its output)
  const dprice = 1;
  const [dapplePrice, dtax] = mulTaxLayer.backward(dprice);
  const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice);

  print('price:', Math.trunc(price)); // 220
  print('dApple:', dapple); // 2.2
  print('dApple_num:', Math.trunc(dappleNum)); // 110
  print('dTax:', dtax); // 200
}
