// The book's buy_apple (figure 5-16) and buy_apple_orange (figure 5-17) graphs: forward and
// backward by nabla's MulLayer and AddLayer, exactly as src/examples/buy_apple*.ts run them,
// then drawn by the autograd graph drawer. The drawer draws autograd Variables, so the same
// graph is built from Variables for its shape, and every value and gradient on it is set
// from the layers' results.

import { AddLayer, autograd, MulLayer } from '../../../src/index.js';
import { formatNumber } from './format.js';

export interface AppleInputs {
  apple: number;
  appleNum: number;
  orange: number;
  orangeNum: number;
  tax: number;
}

export interface AppleResult {
  /** Each variable's value and its gradient ∂price/∂variable, by name. */
  values: Record<string, number>;
  grads: Record<string, number>;
  svg: string;
}

type Variable = InstanceType<typeof autograd.Variable>;

/** A variable for the drawing, showing the layers' value and gradient, rounded for reading. */
function shown(v: Variable, value: number, grad: number): void {
  v.data = new autograd.Variable(Number(formatNumber(value))).data;
  v.grad = new autograd.Variable(Number(formatNumber(grad)));
}

function named(v: Variable, name: string): Variable {
  v.name = name;
  return v;
}

export function buyApple({ apple, appleNum, tax }: AppleInputs): AppleResult {
  const mulAppleLayer = new MulLayer();
  const mulTaxLayer = new MulLayer();
  const applePrice = mulAppleLayer.forward(apple, appleNum);
  const price = mulTaxLayer.forward(applePrice, tax);
  const dprice = 1;
  const [dapplePrice, dtax] = mulTaxLayer.backward(dprice);
  const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice);

  const values = { apple, apple_num: appleNum, tax, apple_price: applePrice, price };
  const grads = { apple: dapple, apple_num: dappleNum, tax: dtax, apple_price: dapplePrice, price: dprice };
  const v = {
    apple: new autograd.Variable(apple, 'apple'),
    apple_num: new autograd.Variable(appleNum, 'apple_num'),
    tax: new autograd.Variable(tax, 'tax'),
  };
  const applePriceV = named(autograd.mul(v.apple, v.apple_num), 'apple_price');
  const priceV = named(autograd.mul(applePriceV, v.tax), 'price');
  const all: Record<string, Variable> = { ...v, apple_price: applePriceV, price: priceV };
  for (const [name, variable] of Object.entries(all)) shown(variable, values[name as keyof typeof values], grads[name as keyof typeof grads]);
  return { values, grads, svg: autograd.drawGraph(priceV, { title: 'buy_apple' }) };
}

export function buyAppleOrange({ apple, appleNum, orange, orangeNum, tax }: AppleInputs): AppleResult {
  const mulAppleLayer = new MulLayer();
  const mulOrangeLayer = new MulLayer();
  const addAppleOrangeLayer = new AddLayer();
  const mulTaxLayer = new MulLayer();
  const applePrice = mulAppleLayer.forward(apple, appleNum);
  const orangePrice = mulOrangeLayer.forward(orange, orangeNum);
  const allPrice = addAppleOrangeLayer.forward(applePrice, orangePrice);
  const price = mulTaxLayer.forward(allPrice, tax);
  const dprice = 1;
  const [dallPrice, dtax] = mulTaxLayer.backward(dprice);
  const [dapplePrice, dorangePrice] = addAppleOrangeLayer.backward(dallPrice);
  const [dorange, dorangeNum] = mulOrangeLayer.backward(dorangePrice);
  const [dapple, dappleNum] = mulAppleLayer.backward(dapplePrice);

  const values = { apple, apple_num: appleNum, orange, orange_num: orangeNum, tax, apple_price: applePrice, orange_price: orangePrice, all_price: allPrice, price };
  const grads = { apple: dapple, apple_num: dappleNum, orange: dorange, orange_num: dorangeNum, tax: dtax, apple_price: dapplePrice, orange_price: dorangePrice, all_price: dallPrice, price: dprice };
  const v = {
    apple: new autograd.Variable(apple, 'apple'),
    apple_num: new autograd.Variable(appleNum, 'apple_num'),
    orange: new autograd.Variable(orange, 'orange'),
    orange_num: new autograd.Variable(orangeNum, 'orange_num'),
    tax: new autograd.Variable(tax, 'tax'),
  };
  const applePriceV = named(autograd.mul(v.apple, v.apple_num), 'apple_price');
  const orangePriceV = named(autograd.mul(v.orange, v.orange_num), 'orange_price');
  const allPriceV = named(autograd.add(applePriceV, orangePriceV), 'all_price');
  const priceV = named(autograd.mul(allPriceV, v.tax), 'price');
  const all: Record<string, Variable> = { ...v, apple_price: applePriceV, orange_price: orangePriceV, all_price: allPriceV, price: priceV };
  for (const [name, variable] of Object.entries(all)) shown(variable, values[name as keyof typeof values], grads[name as keyof typeof grads]);
  return { values, grads, svg: autograd.drawGraph(priceV, { title: 'buy_apple_orange' }) };
}
