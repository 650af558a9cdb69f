import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { briefJson, printable } from '../../src/io/printable.js';

describe('printable', () => {
  it('escapes newlines, terminal escapes, bidi overrides and lone surrogates', () => {
    assert.equal(printable('a\nb\r\tc'), 'a\\nb\\r\\tc');
    assert.equal(printable('\x1b]0;owned\x07x'), '\\x1b]0;owned\\x07x');
    assert.equal(printable('\x9b31m'), '\\x9b31m'); // C1 control sequence introducer
    assert.equal(printable('abc\u202Etxt.exe'), 'abc\\u{202e}txt.exe');
    assert.equal(printable('x\u2028y'), 'x\\u{2028}y');
    assert.equal(printable('lone \uD800 surrogate'), 'lone \\u{d800} surrogate');
    // Ordinary text passes unchanged, non-ASCII letters and emoji included.
    assert.equal(printable('W1 → 7 (p=0.98) ünïcode 🙂'), 'W1 → 7 (p=0.98) ünïcode 🙂');
  });

  it('bounds the length, never splitting an escape or a surrogate pair', () => {
    const long = 'x'.repeat(10_000_000);
    const out = printable(long, 50);
    assert.ok(out.length < 100, out);
    assert.match(out, /^x{50}… \(9999950 more characters\)$/);
    assert.equal(printable('ab\ncd', 3), 'ab… (3 more characters)');
    assert.equal(printable('a🙂', 2), 'a… (1 more characters)');
  });
});

describe('briefJson', () => {
  it('renders small values like JSON.stringify', () => {
    for (const v of [[0.5, 16.5], { a: [1, 'x'], b: null }, 'two', 3, true, null]) assert.equal(briefJson(v), JSON.stringify(v));
  });

  it('stays short and safe for huge, deep or hostile values', () => {
    const huge = new Array<number>(5_000_000).fill(1);
    const out = briefJson(huge);
    assert.ok(out.length <= 81, out);
    assert.match(out, /^\[1,1,1,.*…$/);
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    assert.match(briefJson(deep), /^\[{9}\[…\]\]{9}$/);
    assert.equal(briefJson(['\x1b[2J']), '["\\x1b[2J"]');
  });
});
