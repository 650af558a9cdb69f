// The seed's buy_apple_orange cells: 2 apples at 100, 3 oranges at 150, 10% tax.
// An AddLayer joins the two branches; its backward passes dout to both unchanged.
import { AddLayer } from '../layers/add_layer.js';
import { MulLayer } from '../layers/mul_layer.js';

export function buyAppleOrange(print: (...values: unknown[]) => void = console.log): void {
  const apple = 100;
  const appleNum = 2;
  const orange = 150;
  const orangeNum = 3;
  const tax = 1.1;

  // layers
  const mulAppleLayer = new MulLayer();
  const mulOrangeLayer = new MulLayer();
  const addAppleOrangeLayer = new AddLayer();
  const mulTaxLayer = new MulLayer();

  // forward
  const applePrice = mulAppleLayer.forward(apple, appleNum); // (1)
  const orangePrice = mulOrangeLayer.forward(orange, orangeNum); // (2)
  const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice); // (3)
  const price = mulTaxLayer.forward(allPrice, tax); // (4)
  print(price); // 715.0000000000001

  // backward
  const dprice = 1;
  const [dallPrice, dtax] = mulTaxLayer.backward(dprice); // (4)
  const [dapplePrice, dorangePrice] = addAppleOrangeLayer.backward(dallPrice); // (3)
  const [dorange, dorangeNum] = mulOrangeLayer.backward(dorangePrice); // (2)
  const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice); // (1)

  print('price:', Math.trunc(price)); // 715
  print('dApple:', dapple); // 2.2
  print('dApple_num:', Math.trunc(dappleNum)); // 110
  print('dOrange:', dorange); // 3.3000000000000003
  print('dOrange_num:', Math.trunc(dorangeNum)); // 165
  print('dTax:', dtax); // 650
}
