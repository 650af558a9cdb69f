import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { weightInitScale, type WeightInit } from '../../src/nets/weight_init.js';

describe('weightInitScale', () => {
  it('gives the book\'s scales', () => {
    assert.equal(weightInitScale(0.01, 784), 0.01);
    assert.equal(weightInitScale(0, 10), 0);
    assert.equal(weightInitScale('he', 100), Math.sqrt(2 / 100));
    assert.equal(weightInitScale('relu', 784), Math.sqrt(2 / 784));
    assert.equal(weightInitScale('xavier', 100), Math.sqrt(1 / 100));
    assert.equal(weightInitScale('sigmoid', 50), Math.sqrt(1 / 50));
    assert.equal(weightInitScale('ReLU' as WeightInit, 8), 0.5, 'names are case-insensitive, as in the book');
  });

  it('refuses unknown names, negative or non-finite stds and a bad width', () => {
    assert.throws(() => weightInitScale('glorot' as WeightInit, 10), /weightInitScale: unknown weight init 'glorot' \(expected a number or one of he, relu, xavier, sigmoid\)/);
    for (const v of [-0.1, Number.NaN, Infinity]) assert.throws(() => weightInitScale(v, 10), /a weight init std must be a finite number ≥ 0/);
    assert.throws(() => weightInitScale('he', 0), /nPrev must be a positive integer, got 0/);
  });
});
