import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs, UsageError, type FlagSpecs } from '../../src/cli/args.js';

const specs = {
  iters: { type: 'int', min: 1, default: 10, help: 'iterations' },
  offset: { type: 'int', help: 'may be negative' },
  lr: { type: 'number', min: 0, exclusiveMin: true, help: 'learning rate' },
  shift: { type: 'number', help: 'may be negative' },
  threads: { type: 'int', min: 1, max: 8, maxReason: '4 per core', help: 'threads' },
  name: { type: 'string', help: 'a name' },
  quiet: { type: 'boolean', help: 'quiet' },
} as const satisfies FlagSpecs;

const parse = (...argv: string[]): ReturnType<typeof parseArgs<typeof specs>> => parseArgs('cmd', argv, specs);

function refused(argv: string[], pattern: RegExp): void {
  assert.throws(() => parse(...argv), (e: unknown) => e instanceof UsageError && pattern.test(e.message), `refuses ${JSON.stringify(argv)}`);
}

describe('integer flags', () => {
  it('take plain decimal digits, with a minus sign where negatives are allowed', () => {
    assert.equal(parse('--iters', '3').flags.iters, 3);
    assert.equal(parse('--iters=007').flags.iters, 7);
    assert.equal(parse('--offset', '-12').flags.offset, -12);
    assert.equal(parse('--offset=-0').flags.offset, -0);
  });

  it('refuse hex, binary, octal, exponents, blanks, signs and separators, naming the flag and the value', () => {
    for (const value of ['0x3', '0b11', '0o3', '3e0', '1e3', ' 3', '3 ', '\t3', '+3', '1_000', '3.0', 'Infinity', '٣']) {
      refused(['--iters', value], new RegExp(`^cmd: --iters must be an integer, got '${value.replace(/[.+]/g, '\\$&')}'$`));
    }
    refused(['--iters='], /--iters needs a value/);
    refused(['--iters', '99999999999999999999'], /--iters must be an integer/);
    refused(['--iters', '-3'], /--iters must be ≥ 1, got -3/);
  });
});

describe('number flags', () => {
  it('take plain decimal notation with an optional exponent', () => {
    for (const [value, expected] of [['0.1', 0.1], ['.5', 0.5], ['5', 5], ['5.', 5], ['1e-3', 0.001], ['2.5E+2', 250]] as const) {
      assert.equal(parse('--lr', value).flags.lr, expected, value);
    }
    assert.equal(parse('--shift', '-1.5e-1').flags.shift, -0.15);
  });

  it('refuse hex, blanks, infinities, NaN and fragments', () => {
    for (const value of ['0x1', '0b1', ' 0.1', '0.1 ', 'Infinity', '-Infinity', 'NaN', '1e', 'e3', '.', '-', '+0.1', '1e999', '0.1.2']) {
      refused(['--lr', value], /^cmd: --lr must be a number, got '/);
    }
  });
});

describe('flag repetition and bounds', () => {
  it('refuses a flag given twice, in any spelling, naming it', () => {
    refused(['--iters', '3', '--iters', '4'], /^cmd: --iters is given more than once$/);
    refused(['--lr=0.1', '--lr', '0.2'], /^cmd: --lr is given more than once$/);
    refused(['--quiet', '--quiet'], /^cmd: --quiet is given more than once$/);
    refused(['--name', 'a', '--name=a'], /^cmd: --name is given more than once$/);
  });

  it('says why an upper bound is what it is', () => {
    refused(['--threads', '9'], /^cmd: --threads must be ≤ 8 \(4 per core\), got 9$/);
    assert.equal(parse('--threads', '8').flags.threads, 8);
  });
});
