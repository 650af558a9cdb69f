import '../platform/node/register.js'; // first: the wasm kernels on worker threads
import { appleCommand, appleHelp } from './commands/apple.js';
import { experimentCommand, experimentHelp } from './commands/experiment.js';
import { evaluateCommand, evaluateHelp } from './commands/evaluate.js';
import { filtersCommand, filtersHelp } from './commands/filters.js';
import { gradcheckCommand, gradcheckHelp } from './commands/gradcheck.js';
import { graphCommand, graphHelp } from './commands/graph.js';
import { playgroundCommand, playgroundHelp } from './commands/playground.js';
import { predictCommand, predictHelp } from './commands/predict.js';
import { trainCommand, trainHelp } from './commands/train.js';
import { UsageError } from './args.js';
import { describeError, printableLine } from './errors.js';
import type { Output } from './common.js';
import { closest } from './suggest.js';
import { printable } from '../io/printable.js';
import { NABLA_VERSION } from '../version.js';

type Command = (argv: readonly string[], io: Output) => number | Promise<number>;

const commands: Record<string, { run: Command; help: string; summary: string }> = {
  apple: { run: appleCommand, help: appleHelp, summary: 'the buy_apple and buy_apple_orange computational graphs' },
  evaluate: { run: evaluateCommand, help: evaluateHelp, summary: 'test accuracy, per-class accuracy and confusion matrix of a saved model' },
  experiment: { run: experimentCommand, help: experimentHelp, summary: "the book's chapter 6 experiments: figure and table in a run folder" },
  filters: { run: filtersCommand, help: filtersHelp, summary: "draw a conv net's first-layer filters (and their feature maps for a digit) as an SVG" },
  graph: { run: graphCommand, help: graphHelp, summary: 'print and draw an autograd computational graph (buy_apple, TwoLayerNet, or an --expr) with its gradients' },
  gradcheck: { run: gradcheckCommand, help: gradcheckHelp, summary: 'backprop vs numerical gradients of TwoLayerNet or a MultiLayerNet on MNIST' },
  playground: { run: playgroundCommand, help: playgroundHelp, summary: 'serve the playground on localhost: the graphs, training and digit drawing in your browser' },
  predict: { run: predictCommand, help: predictHelp, summary: 'classify PNG or JPEG pictures of handwritten digits with a saved model' },
  train: { run: trainCommand, help: trainHelp, summary: 'train TwoLayerNet, a MultiLayerNet or the book\'s conv nets on MNIST with any of six optimizers' },
};

const usage = `Usage: nabla <command> [options]

Neural networks and backpropagation from scratch.

Commands:
${Object.entries(commands).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`).join('\n')}

Run 'nabla <command> --help' for a command's options, 'nabla --version' for the version.
`;

/** The top-level options, besides commands. */
const options = ['--help', '--version'];

/** A word from the command line as it may be shown: printable, and short. */
function shown(word: string): string {
  return printable(word, 40);
}

/** The one line for a word that is neither a command nor a top-level option. */
function unknownCommand(name: string): string {
  const isOption = name.startsWith('-');
  // Long words are no typo of a short command name; skipping them keeps the distance cheap.
  const guess = name.length <= 40 ? closest(name, isOption ? options : Object.keys(commands)) : undefined;
  const what = isOption ? 'option' : 'command';
  if (guess) return `unknown ${what} '${shown(name)}'; did you mean '${guess}'?`;
  return `unknown ${what} '${shown(name)}' (${isOption ? 'options' : 'commands'}: ${(isOption ? options : Object.keys(commands)).join(', ')})`;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  stdout: process.stdout,
};

/** Runs the CLI; resolves to the exit code. Errors become one line (stack only with --verbose). */
export async function main(argv: readonly string[], io: Output = processOutput): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    if (name === 'help' && rest[0] && commands[rest[0]]) io.out(commands[rest[0]]!.help);
    else if (name === undefined) io.err(usage); // a missing command is a usage error: exit 2, stderr
    else io.out(usage);
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  const verbose = rest.includes('--verbose');
  try {
    if (name === '--version') {
      if (rest.length > 0) throw new UsageError(`--version takes no arguments, got '${shown(rest[0]!)}'`);
      io.out(NABLA_VERSION);
      return 0;
    }
    if (!command) throw new UsageError(unknownCommand(name));
    return await command.run(rest, io);
  } catch (error) {
    return reportError(error, name, verbose, io);
  }
}

/**
 * One line on stderr, whatever the error holds (text from a file, a user's flag value):
 * escaped, bounded, system errors in words. Usage errors exit 2, others 1.
 */
function reportError(error: unknown, command: string, verbose: boolean, io: Output): number {
  if (error instanceof UsageError) {
    io.err(printableLine(`nabla: ${error.message}`));
    return 2;
  }
  io.err(printableLine(`nabla ${command}: ${describeError(error)}`));
  if (verbose && error instanceof Error && error.stack) io.err(error.stack.split('\n').map((line) => printableLine(line)).join('\n'));
  return 1;
}
