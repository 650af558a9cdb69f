import { readFile } from 'node:fs/promises';
import type { DType } from '../../backend/backend.js';
import { decodePng, toMnistInput } from '../../data/digit_image.js';
import { classify } from '../../eval/classify.js';
import { loadMnistClassifier, MNIST_INPUTS } from '../../eval/mnist_model.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, selectBackend, type Output } from '../common.js';

const flags = {
  model: { type: 'string', help: 'weights file written by nabla train (safetensors)', arg: 'FILE' },
  dtype: { type: 'string', choices: ['float64', 'float32'], help: "floating-point type to compute in (default: the model file's)", arg: 'float64|float32' },
  json: { type: 'boolean', help: 'print only a JSON array, one { file, label, probabilities } per image' },
  ...backendFlags,
} as const;

export const predictHelp = formatHelp(
  'nabla predict --model FILE [options] IMAGE.png...',
  'Classifies pictures of handwritten digits: PNGs of any size, dark ink on light paper or\n' +
    'light on dark. Each is prepared as MNIST was (scaled into a 20×20 box, centred by mass\n' +
    'in 28×28); prints the predicted digit and the ten class probabilities of each.',
  flags,
);

export interface Prediction {
  file: string;
  label: number;
  probabilities: number[];
}

export async function predictCommand(argv: readonly string[], io: Output): Promise<number> {
  const { flags: f, positional: files, help } = parseArgs('predict', argv, flags);
  if (help) {
    io.out(predictHelp);
    return 0;
  }
  if (f.model === undefined) throw new UsageError('predict: --model FILE is required (see nabla predict --help)');
  if (files.length === 0) throw new UsageError('predict: no images given (usage: nabla predict --model FILE IMAGE.png...)');
  selectBackend(f.backend, f.threads);

  const network = await loadMnistClassifier(f.model, f.dtype as DType | undefined);
  // Every image is read before anything is printed, so a bad file in the list fails the
  // run cleanly instead of leaving half a JSON array on stdout.
  const x = Tensor.empty([files.length, MNIST_INPUTS], network.dtype);
  for (const [i, file] of files.entries()) x.data.set(await readDigit(file), i * MNIST_INPUTS);
  const { labels, probabilities, classes } = classify(network, x);
  const predictions: Prediction[] = files.map((file, i) => ({
    file,
    label: labels[i]!,
    probabilities: Array.from(probabilities.subarray(i * classes, (i + 1) * classes)),
  }));

  if (f.json) io.out(JSON.stringify(predictions));
  else for (const p of predictions) io.out(formatPrediction(p));
  return 0;
}

async function readDigit(file: string): Promise<Float64Array> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new Error(`${file}: cannot read image (${describeFsError(e)})`);
  }
  const { pixels, width, height } = decodePng(bytes, file);
  return toMnistInput(pixels, width, height, file);
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'no such file';
    case 'EISDIR': return 'is a directory';
    case 'EACCES': return 'permission denied';
    default: return code ?? (e as Error).message;
  }
}

const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * Two lines: "seven.png: 7 (p=0.983)", then every class's probability and a sparkline of
 * all ten, so a close second guess stands out at a glance.
 */
export function formatPrediction(p: Prediction): string {
  const top = p.probabilities[p.label] ?? Number.NaN;
  const cells = p.probabilities.map((q, c) => `${c}:${q.toFixed(2).replace(/^0/, '')}`);
  return `${p.file}: ${p.label} (p=${top.toFixed(3)})\n  ${cells.join('  ')}  ${p.probabilities.map(spark).join('')}`;
}

function spark(q: number): string {
  const level = Number.isFinite(q) ? Math.round(Math.min(1, Math.max(0, q)) * (SPARKS.length - 1)) : 0;
  return SPARKS[level]!;
}
