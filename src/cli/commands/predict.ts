import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { DType } from '../../backend/backend.js';
import { digitSheet } from '../../data/digit_grid.js';
import { toMnistInput } from '../../data/digit_image.js';
import { readImageFile } from '../../data/image_file.js';
import { classify } from '../../eval/classify.js';
import { loadMnistClassifier, MNIST_INPUTS } from '../../eval/mnist_model.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { printable } from '../../io/printable.js';
import { MODEL_FLAG_HELP, resolveModelArg, SHIPPED_MODELS_NOTE, type ModelArgOptions } from '../../io/shipped_models.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, cannotWrite, type Output, sameFile, selectBackend } from '../common.js';

const flags = {
  model: { type: 'string', help: MODEL_FLAG_HELP, arg: 'FILE|DIR|NAME' },
  dtype: { type: 'string', choices: ['float64', 'float32'], help: "floating-point type to compute in (default: the model file's)", arg: 'float64|float32' },
  json: { type: 'boolean', help: 'print only a JSON array, one { file, label, probabilities } per image classified' },
  show: { type: 'string', help: 'write the 28×28 input the network saw as a PNG (several images: a grid, 10 per row, in the order given)', arg: 'OUT.png' },
  ...backendFlags,
} as const;

export const predictHelp = formatHelp(
  'nabla predict --model FILE|DIR|NAME [options] IMAGE...',
  'Classifies pictures of handwritten digits: PNG or JPEG, any size, dark ink on light\n' +
    'paper or light on dark, photos too (uneven light, grey or ruled paper and sensor noise\n' +
    'are allowed for; up to 16 megapixels).\n' +
    'Each is prepared as MNIST was (scaled into a 20×20 box, centred by mass in 28×28);\n' +
    'prints the predicted digit and the ten class probabilities of each. An image that\n' +
    'cannot be read is reported on stderr and the others are still classified; the exit\n' +
    'status is then 1.\n\n' +
    SHIPPED_MODELS_NOTE,
  flags,
);

export interface Prediction {
  file: string;
  label: number;
  probabilities: number[];
}

/** `shipped` stands in for the package's models/ folder in tests. */
export async function predictCommand(argv: readonly string[], io: Output, shipped: ModelArgOptions = {}): Promise<number> {
  const { flags: f, positional: files, help } = parseArgs('predict', argv, flags);
  if (help) {
    io.out(predictHelp);
    return 0;
  }
  if (f.model === undefined) throw new UsageError('predict: --model FILE is required (see nabla predict --help)');
  if (files.length === 0) throw new UsageError('predict: no images given (usage: nabla predict --model FILE IMAGE...)');
  if (f.show !== undefined && extname(f.show).toLowerCase() !== '.png') {
    throw new UsageError(`predict: --show writes a PNG; its file name must end in .png, got '${printable(f.show)}'`);
  }
  if (f.show !== undefined) {
    const show = f.show;
    const input = files.find((file) => sameFile(file, show));
    if (input !== undefined) throw new UsageError(`predict: --show ${printable(show)} is one of the images to classify; writing there would replace it`);
  }
  selectBackend(f.backend, f.threads);

  // A typo in the output folder should fail now, not after all the work.
  if (f.show !== undefined) await access(dirname(resolve(f.show)), constants.W_OK).catch((e: unknown) => cannotWrite(f.show!, e));
  const { network, spec, file: modelFile } = await loadMnistClassifier(await resolveModelArg(f.model, shipped), f.dtype as DType | undefined);

  // One bad image costs only its own line: the others are still classified.
  const inputs: (Float64Array | undefined)[] = [];
  let failed = 0;
  const fail = (message: string, error?: unknown): void => {
    failed++;
    io.err(`nabla predict: ${printable(message, 1000)}`);
    if (f.verbose && error instanceof Error && error.stack) io.err(error.stack);
  };
  for (const file of files) {
    try {
      const { pixels, width, height } = await readImageFile(file);
      inputs.push(toMnistInput(pixels, width, height, printable(file, 1000)));
    } catch (e) {
      inputs.push(undefined);
      fail((e as Error).message, e);
    }
  }

  const good = files.flatMap((_, i) => (inputs[i] ? [i] : []));
  const predictions: Prediction[] = [];
  if (good.length > 0) {
    const x = Tensor.empty([good.length, MNIST_INPUTS], spec.dtype);
    good.forEach((i, row) => x.data.set(inputs[i]!, row * MNIST_INPUTS));
    const { labels, probabilities, classes } = classify(network, x);
    good.forEach((i, row) => {
      const p = Array.from(probabilities.subarray(row * classes, (row + 1) * classes));
      // Finite weights can still overflow to NaN scores; a "0 (p=NaN)" is no answer.
      if (!p.every(Number.isFinite)) {
        fail(`${files[i]!}: ${modelFile} gives non-finite class probabilities for this image (weights too large?)`);
        return;
      }
      predictions.push({ file: files[i]!, label: labels[row]!, probabilities: p });
    });
  }

  if (f.show !== undefined) {
    const png = digitSheet(inputs.map((v) => v ?? new Float64Array(MNIST_INPUTS)));
    await writeFileAtomic(f.show, png).catch((e: unknown) => cannotWrite(f.show!, e));
  }
  if (f.json) io.out(JSON.stringify(predictions));
  else for (const p of predictions) io.out(formatPrediction(p));
  return failed > 0 ? 1 : 0;
}


const SPARKS = '▁▂▃▄▅▆▇█';

/**
 * Two lines: "seven.png: 7 (p=0.983)", then every class's probability and a sparkline of
 * all ten, so a close second guess stands out at a glance.
 */
export function formatPrediction(p: Prediction): string {
  const top = p.probabilities[p.label] ?? Number.NaN;
  const cells = p.probabilities.map((q, c) => `${c}:${q.toFixed(2).replace(/^0/, '')}`);
  return `${printable(p.file, 1000)}: ${p.label} (p=${top.toFixed(3)})\n  ${cells.join('  ')}  ${p.probabilities.map(spark).join('')}`;
}

function spark(q: number): string {
  const level = Number.isFinite(q) ? Math.round(Math.min(1, Math.max(0, q)) * (SPARKS.length - 1)) : 0;
  return SPARKS[level]!;
}

