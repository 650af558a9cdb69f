import { constants, lstatSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { dirname, extname, resolve } from 'node:path';
import { toMnistInput } from '../../data/digit_image.js';
import { readImageFile } from '../../data/image_file.js';
import { resolveModelPath } from '../../eval/mnist_model.js';
import { writeFileAtomic } from '../../io/atomic.js';
import { loadNetwork } from '../../io/model_file.js';
import { printable } from '../../io/printable.js';
import { isShippedModel, MODEL_FLAG_HELP, resolveModelArg, SHIPPED_MODELS_NOTE, type ModelArgOptions } from '../../io/shipped_models.js';
import { Convolution } from '../../layers/convolution.js';
import { describeNetwork } from '../../nets/network_spec.js';
import { Sequential } from '../../nets/sequential.js';
import { filtersSvg, type FilterFigure } from '../../plot/filters.js';
import { formatShape } from '../../tensor/shape.js';
import { Tensor } from '../../tensor/tensor.js';
import { formatHelp, parseArgs, UsageError } from '../args.js';
import { backendFlags, cannotWrite, type Output, sameFile, selectBackend } from '../common.js';

const DEFAULT_OUT = 'filters.svg';
const COLUMNS = 8; // the book's nx

const flags = {
  model: { type: 'string', help: MODEL_FLAG_HELP, arg: 'FILE|DIR|NAME' },
  out: { type: 'string', help: `SVG file to write; a named file is replaced (default: ${DEFAULT_OUT} in the current folder, never replaced)`, arg: 'FILE.svg' },
  image: { type: 'string', help: "also draw the first layer's feature maps for this picture of a digit (PNG or JPEG, prepared as nabla predict does)", arg: 'IMAGE' },
  ...backendFlags,
} as const;

export const filtersHelp = formatHelp(
  'nabla filters --model FILE|DIR|NAME [--out FILE.svg] [--image IMAGE]',
  "Draws the first convolution's filters of a conv net (simple-conv or deep-conv) as a grid\n" +
    `of grey squares, ${COLUMNS} per row, like the book's figure 7-24: each filter shaded by its own\n` +
    'range, black the largest weight and white the smallest (gray_r). A network whose images\n' +
    'have several channels has channel 0 drawn. With --image, the convolution\'s output for that\n' +
    'picture (before ReLU, one map per filter, each shaded by its own range) is drawn below.\n\n' +
    SHIPPED_MODELS_NOTE,
  flags,
);

/** `shipped` stands in for the package's models/ folder in tests. */
export async function filtersCommand(argv: readonly string[], io: Output, shipped: ModelArgOptions = {}): Promise<number> {
  const { flags: f, positional, help } = parseArgs('filters', argv, flags);
  if (help) {
    io.out(filtersHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`filters: unexpected argument '${printable(positional[0]!, 40)}'${positional[0]!.toLowerCase().endsWith('.svg') ? ' (the file to write goes after --out)' : ''}`);
  if (f.model === undefined) throw new UsageError('filters: --model FILE|DIR|NAME is required (see nabla filters --help)');
  const out = f.out ?? DEFAULT_OUT;
  // The format follows the name; anything else would write bytes the name belies.
  if (extname(out).toLowerCase() !== '.svg') throw new UsageError(`filters: --out writes an SVG; its file name must end in .svg, got '${printable(out)}'`);
  // A file the user never named is never replaced: a second run would silently lose the first picture.
  if (f.out === undefined && exists(out)) {
    throw new UsageError(`filters: ${DEFAULT_OUT} already exists here; replace it with --out ${DEFAULT_OUT}, or choose another --out`);
  }
  if (f.image !== undefined && sameFile(f.image, out)) throw new UsageError(`filters: --out ${printable(out)} is the --image; writing there would replace it`);
  selectBackend(f.backend, f.threads);

  // A typo in the output folder should fail now, not after the work.
  await access(dirname(resolve(out)), constants.W_OK).catch((e: unknown) => cannotWrite(out, e));
  const modelArg = await resolveModelArg(f.model, shipped);
  const modelFile = await resolveModelPath(modelArg);
  if (sameFile(modelFile, out)) throw new UsageError(`filters: --out ${printable(out)} is the model file; writing there would replace it`);
  const { network, spec } = await loadNetwork(modelFile);
  const conv = network instanceof Sequential ? network.layers.find((l): l is Convolution => l instanceof Convolution) : undefined;
  if (conv === undefined) {
    throw new Error(`${printable(modelFile, 1000)} holds a ${describeNetwork(spec)}, which has no convolution; filters need a conv net (nabla train --net simple-conv or deep-conv)`);
  }

  const [fn, channels, fh, fw] = conv.W.shape as [number, number, number, number];
  // Shipped only when the name did not resolve to the user's own file or folder of that name.
  const shown = isShippedModel(f.model) && modelArg !== f.model ? `${f.model} (shipped with nabla)` : printable(modelFile, 200);
  const figure: FilterFigure = {
    title: `First-layer filters of ${shown}`,
    subtitle: describeNetwork(spec),
    filters: { data: channelZero(conv.W.data, fn, channels, fh * fw), count: fn, height: fh, width: fw },
    filtersCaption: `${fn} filters ${fh}×${fw} (weights ${formatShape(conv.W.shape)}${channels > 1 ? `, channel 0 of ${channels}` : ''}), ` +
      'each shaded by its own range: black = its largest weight, white = its smallest',
    columns: COLUMNS,
  };

  if (f.image !== undefined) {
    if (!('inputDim' in spec) || spec.inputDim.join(',') !== '1,28,28') {
      throw new Error(`${printable(modelFile, 1000)}: --image needs a network of 28×28 grey images like MNIST's; this one takes ${'inputDim' in spec ? formatShape(spec.inputDim) : 'no images'}`);
    }
    const { pixels, width, height } = await readImageFile(f.image);
    const input = toMnistInput(pixels, width, height, printable(f.image, 1000));
    const x = Tensor.empty([1, 1, 28, 28], spec.dtype);
    x.data.set(input);
    const maps = conv.forward(x); // [1, FN, OH, OW]
    const [, , oh, ow] = maps.shape as [number, number, number, number];
    figure.maps = {
      grid: { data: maps.data, count: fn, height: oh, width: ow },
      caption: `Feature maps for ${printable(f.image, 200)}: the convolution's output before ReLU, ${oh}×${ow}, ` +
        'one per filter in the same order, each shaded by its own range (black = strongest response)',
      input: { pixels: input, height: 28, width: 28 },
    };
  }

  await writeFileAtomic(out, filtersSvg(figure)).catch((e: unknown) => cannotWrite(out, e));
  io.out(`filters: ${fn} filters ${fh}×${fw}${figure.maps ? ` and their feature maps for ${printable(f.image!, 1000)}` : ''} drawn in ${printable(resolve(out), 1000)}`);
  return 0;
}

/** Channel 0 of every filter of W [FN, C, FH, FW], as FN contiguous FH×FW cells. */
function channelZero(w: ArrayLike<number>, fn: number, channels: number, area: number): Float64Array {
  const out = new Float64Array(fn * area);
  for (let k = 0; k < fn; k++) for (let i = 0; i < area; i++) out[k * area + i] = w[k * channels * area + i]!;
  return out;
}

function exists(path: string): boolean {
  return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
}


