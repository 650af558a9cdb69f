#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// `nabla ... | head` closes the pipe early; that is the reader's choice, not an error.
// Any other write error (a full disk: `> /dev/full`) is said once, in one line; the work
// goes on (a training run still saves its run folder) and the exit code is 1.
let stdoutFailed = false;
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(0);
  if (!stdoutFailed) process.stderr.write(`nabla: cannot write to standard output (${error.code ?? error.message}); the rest of the output is lost\n`);
  stdoutFailed = true;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = stdoutFailed && code === 0 ? 1 : code;
});
