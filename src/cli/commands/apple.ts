import { format } from 'node:util';
import { buyApple } from '../../examples/buy_apple.js';
import { buyAppleOrange } from '../../examples/buy_apple_orange.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import type { Output } from '../common.js';

const flags = {
  verbose: { type: 'boolean', help: 'print stack traces on errors' },
} as const;

export const appleHelp = formatHelp('nabla apple', "The seed's computational-graph examples: buy_apple, then buy_apple_orange\n(forward for the price, backward for its derivative by every input).", flags);

export function appleCommand(argv: readonly string[], io: Output): number {
  const { positional, help } = parseArgs('apple', argv, flags);
  if (help) {
    io.out(appleHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`apple: unexpected argument '${positional[0]}'`);
  const print = (...values: unknown[]): void => io.out(format(...values));
  io.out('# buy_apple');
  buyApple(print);
  io.out('');
  io.out('# buy_apple_orange');
  buyAppleOrange(print);
  return 0;
}
