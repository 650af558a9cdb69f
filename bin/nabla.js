#!/usr/bin/env node
import { main } from '../dist/src/cli/main.js';

// `nabla ... | head` closes the pipe early; that is the reader's choice, not an error: a
// short command ends quietly, and a training run, which listens too, stops at the end of
// its iteration and saves a checkpoint, as for Ctrl-C. Any other write error (a full disk:
// `> /dev/full`) is said once, in one line; the work goes on (a training run still saves
// its run folder) and the exit code is 1, however late the error arrives.
let stdoutClosed = false;
let stdoutFailed = false;
process.stdout.on('error', (error) => {
  if (stdoutClosed || stdoutFailed) return; // writes after the first failure fail too
  if (error.code === 'EPIPE') {
    stdoutClosed = true;
    if (process.stdout.listenerCount('error') === 1) process.exit(0);
    return;
  }
  stdoutFailed = true;
  process.stderr.write(`nabla: cannot write to standard output (${error.code ?? error.message}); the rest of the output is lost\n`);
  if (!process.exitCode) process.exitCode = 1;
});

main(process.argv.slice(2)).then((code) => {
  process.exitCode = stdoutFailed && code === 0 ? 1 : code;
});
