import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import type { DType } from '../../backend/backend.js';
import { digitGridSvg, digitSheet, type DigitGridItem } from '../../data/digit_grid.js';
import { loadMnistBytes, MNIST_CLASSES } from '../../data/mnist.js';
import { classify } from '../../eval/classify.js';
import { accuracyOf, confusionMatrix, perClassAccuracy, type ClassAccuracy } from '../../eval/confusion.js';
import { loadMnistClassifier } from '../../eval/mnist_model.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { printable } from '../../io/printable.js';
import { MODEL_FLAG_HELP, resolveModelArg, SHIPPED_MODELS_NOTE, type ModelArgOptions } from '../../io/shipped_models.js';
import type { NetworkSpec } from '../../nets/network.js';
import { describeNetwork } from '../../nets/network_spec.js';
import type { ByteImages } from '../../tensor/byte_images.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, cannotWrite, dataFlags, type Output, selectBackend } from '../common.js';
import { formatTableHeader, formatTableRow, type Column } from '../progress.js';

const flags = {
  model: { type: 'string', help: MODEL_FLAG_HELP, arg: 'FILE|DIR|NAME' },
  'data-dir': dataFlags['data-dir'],
  dtype: { type: 'string', choices: ['float64', 'float32'], help: "floating-point type to compute in (default: the model file's)", arg: 'float64|float32' },
  misclassified: { type: 'string', help: 'draw misclassified test digits: an SVG grid captioned "true 7 → pred 2", or a PNG grid captioned "7>2"', arg: 'OUT.svg|OUT.png' },
  limit: { type: 'int', min: 1, help: 'most digits in the --misclassified grid, in test-set order (default: 100)', arg: 'N' },
  json: { type: 'boolean', help: 'print only one JSON object with the results on stdout' },
  ...backendFlags,
} as const;

const DEFAULT_LIMIT = 100;

export const evaluateHelp = formatHelp(
  'nabla evaluate --model FILE|DIR|NAME [options]',
  'Scores a trained network (any that nabla train saves) on the 10000 MNIST test images: test accuracy, accuracy\nper class and the confusion matrix (rows: true class, columns: predicted class).\n\n' +
    SHIPPED_MODELS_NOTE,
  flags,
);

export interface EvaluateResult {
  model: string;
  testAcc: number;
  perClass: ClassAccuracy[];
  confusion: number[][];
}

/** `shipped` stands in for the package's models/ folder in tests. */
export async function evaluateCommand(argv: readonly string[], io: Output, shipped: ModelArgOptions = {}): Promise<number> {
  const { flags: f, positional, help } = parseArgs('evaluate', argv, flags);
  if (help) {
    io.out(evaluateHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`evaluate: unexpected argument '${positional[0]}'`);
  if (f.model === undefined) throw new UsageError('evaluate: --model FILE is required (see nabla evaluate --help)');
  // Without a grid to fill, --limit would be silently ignored; the parser's rule is that
  // nothing the user types is a no-op.
  if (f.limit !== undefined && f.misclassified === undefined) throw new UsageError('evaluate: --limit applies only with --misclassified');
  // The format follows the name; anything else would write bytes the name belies.
  const gridFormat = f.misclassified === undefined ? undefined : extname(f.misclassified).toLowerCase();
  if (gridFormat !== undefined && gridFormat !== '.svg' && gridFormat !== '.png') {
    throw new UsageError(`evaluate: --misclassified writes an .svg or a .png file, got '${printable(f.misclassified!)}'`);
  }
  selectBackend(f.backend, f.threads);

  // A typo in the output folder should fail now, not after scoring the whole test set.
  if (f.misclassified !== undefined) await access(dirname(resolve(f.misclassified)), constants.W_OK).catch((e: unknown) => cannotWrite(f.misclassified!, e));
  const { network, spec, file: modelFile } = await loadMnistClassifier(await resolveModelArg(f.model, shipped), f.dtype as DType | undefined);
  const data = loadMnistBytes({ normalize: true, dtype: spec.dtype, ...(f.dataDir ? { dataDir: f.dataDir } : {}) });
  const { labels: predicted } = classify(network, data.xTest);
  const confusion = confusionMatrix(predicted, data.testLabels, MNIST_CLASSES);
  const result: EvaluateResult = { model: modelFile, testAcc: accuracyOf(confusion), perClass: perClassAccuracy(confusion), confusion };

  let wrote: string | undefined;
  if (f.misclassified !== undefined) {
    const { items, total } = misclassifiedDigits(data.xTest, data.testLabels, predicted, f.limit ?? DEFAULT_LIMIT);
    const contents = gridFormat === '.png'
      ? digitSheet(items.map((d) => d.pixels), items.map((d) => `${d.trueLabel}>${d.predicted}`))
      : digitGridSvg(items, 10);
    await writeGrid(f.misclassified, contents);
    wrote = `misclassified: ${items.length} of ${total} test digits drawn in ${printable(resolve(f.misclassified), 1000)}`;
  }

  if (f.json) {
    io.out(JSON.stringify(result));
    if (wrote) io.err(wrote);
    return 0;
  }
  io.out(formatReport(result, spec));
  if (wrote) io.out(`\n${wrote}`);
  return 0;
}

/** Atomic, so an interrupted run never leaves half a picture where a complete one was. */
async function writeGrid(path: string, contents: string | Uint8Array): Promise<void> {
  // The raw error would name the temporary file, which the user never asked for.
  await writeFileAtomic(path, contents).catch((e: unknown) => cannotWrite(path, e));
}


function misclassifiedDigits(x: ByteImages, labels: Int32Array, predicted: Int32Array, limit: number): { items: DigitGridItem[]; total: number } {
  const items: DigitGridItem[] = [];
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    if (predicted[i] === labels[i]) continue;
    total++;
    if (items.length < limit) items.push({ pixels: x.toFloats(i, i + 1).data, trueLabel: labels[i]!, predicted: predicted[i]! });
  }
  return { items, total };
}

function formatReport(r: EvaluateResult, spec: NetworkSpec): string {
  const total = r.perClass.reduce((a, c) => a + c.count, 0);
  const correct = r.perClass.reduce((a, c) => a + c.correct, 0);
  return [
    `model: ${printable(r.model, 1000)} (${describeModel(spec)}, ${spec.dtype})`,
    `test accuracy: ${r.testAcc.toFixed(4)} (${correct}/${total})`,
    '',
    table(['class', 'count', 'correct', 'accuracy'], r.perClass.map((c) => [
      String(c.class), String(c.count), String(c.correct), Number.isNaN(c.accuracy) ? '-' : c.accuracy.toFixed(4),
    ])),
    '',
    'confusion matrix (rows: true class, columns: predicted class)',
    // Every count column as wide as the widest count, so the matrix reads as a square grid.
    table(['true\\pred', ...r.confusion.map((_, p) => String(p))], r.confusion.map((row, t) => [String(t), ...row.map(String)]), 1),
  ].join('\n');
}

/**
 * Right-aligned columns as wide as their widest cell: digits line up, no trailing blanks.
 * Columns from `uniformFrom` on all take the widest of them.
 */
function table(headers: string[], rows: string[][], uniformFrom = headers.length): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const uniform = Math.max(0, ...widths.slice(uniformFrom));
  const columns: Column[] = headers.map((header, i) => ({ header, width: i >= uniformFrom ? uniform : widths[i]! }));
  return [formatTableHeader(columns), ...rows.map((r) => formatTableRow(columns, r))].join('\n');
}

/** "TwoLayerNet 784→50→10", as this report always said; other networks as describeNetwork puts them. */
function describeModel(spec: NetworkSpec): string {
  return spec.type === 'TwoLayerNet' ? `TwoLayerNet ${spec.inputSize}→${spec.hiddenSize}→${spec.outputSize}` : describeNetwork(spec);
}
