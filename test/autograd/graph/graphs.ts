// The graphs the rendering tests draw: the seed's buy_apple and buy_apple_orange, built
// with autograd Variables named as the seed names them.

import { add, mul, Variable } from '../../../src/autograd/index.js';

export function named(v: Variable, name: string): Variable {
  v.name = name;
  return v;
}

export function buyApple(): { price: Variable; apple: Variable; appleNum: Variable; tax: Variable } {
  const apple = new Variable(100, 'apple');
  const appleNum = new Variable(2, 'apple_num');
  const tax = new Variable(1.1, 'tax');
  const price = named(mul(named(mul(apple, appleNum), 'apple_price'), tax), 'price');
  return { price, apple, appleNum, tax };
}

export function buyAppleOrange(): Variable {
  const applePrice = named(mul(new Variable(100, 'apple'), new Variable(2, 'apple_num')), 'apple_price');
  const orangePrice = named(mul(new Variable(150, 'orange'), new Variable(3, 'orange_num')), 'orange_price');
  return named(mul(named(add(applePrice, orangePrice), 'all_price'), new Variable(1.1, 'tax')), 'price');
}
