// `npm run bench`: nabla against the NumPy seed and TensorFlow.js (wasm), side by side.
// Every run is its own child process, one at a time (they would otherwise fight over the
// cores); progress goes to stderr, the report to stdout.

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { currentLoad, describeMachine } from './lib/machine.js';
import { defaultMnistDir as mnistDir } from '../src/data/mnist.js';
import { say } from './lib/progress.js';
import { mlpAdam, renderMlpAdam } from './lib/mlp_adam.js';
import { convBenchmarks, torchMissing, type ConvResults } from './lib/conv_runs.js';
import { convTargets, renderConv } from './lib/conv_report.js';
import { renderReport } from './lib/report.js';
import { seedRounds, stressNgMissing } from './lib/seed_rounds.js';
import { renderSeed, seedTargets } from './lib/seed_report.js';
import type { MlpAdamResults } from './lib/mlp_adam.js';
import type { GemmResults, GradcheckRun, Results, TrainRun } from './lib/results.js';
import * as run from './lib/runners.js';
import { checkTargets } from './lib/targets.js';

const USAGE = `Usage: npm run bench -- [options]    (or: node dist/bench/run.js [options])

Runs nabla's seed training (float64 and float32, default backend), the same run in NumPy
and in TensorFlow.js (wasm), the gradient check in nabla and NumPy, and GEMM throughput,
then prints wall times, accuracies, ratios and whether each target is met.

Options:
  --quick            1000 iterations everywhere (conv: 100 steps), to try the harness out
  --iters N          training iterations (default 10000; 1000 with --quick)
  --with-reference   also train on nabla's reference backend (minutes)
  --with-lean        also run NumPy without the seed's unused input gradient and second
                     forward pass per iteration, to show what those habits cost
  --skip-numpy       leave out the NumPy runs (and the conv benchmarks' PyTorch runs,
                     whose scripts read MNIST with NumPy)
  --skip-tfjs        leave out the TensorFlow.js run
  --skip-gemm        leave out the GEMM measurements
  --skip-mlp         leave out the optimizers experiment's Adam run (4×100 ReLU MLP, 2000
                     iterations) in nabla float64/float32 and lean NumPy
  --only-mlp         run only that (with --mlp-rounds, --quick, --markdown)
  --mlp-rounds N     interleaved rounds of that run (default 2; 1 with --quick, at 200 iterations)
  --skip-conv        leave out the conv benchmarks (SimpleConvNet training in nabla, NumPy
                     and PyTorch; DeepConvNet test-set scoring and training-step memory)
  --only-conv        run only those (with --conv-iters, --conv-rounds, --quick, --markdown, --save)
  --conv-iters N     SimpleConvNet training steps (default 600, one epoch; 100 with --quick,
                     which also scores 1000 test images instead of 10000)
  --conv-rounds N    interleaved rounds of the SimpleConvNet runs (default 1)
  --only-seed        run only the seed's run as the user waits: whole processes (spawn to
                     exit) of nabla train (defaults, checkpoints on; float64 and float32),
                     lean NumPy, PyTorch CPU (all cores), and, in the first --info-rounds
                     rounds, the book-style NumPy and TensorFlow.js, interleaved
  --rounds N         interleaved rounds of --only-seed (default 4; 1 with --quick)
  --info-rounds N    rounds in which --only-seed's information-only and slow columns run
                     (book-style NumPy, TensorFlow.js; default 1)
  --load             run --only-seed with 'stress-ng --cpu 1' beside (refused, saying so,
                     when stress-ng is missing: apt-get install -y stress-ng)
  --skip-torch       leave the PyTorch column out of --only-seed
  --in-turn          add to --only-seed nabla with its evaluations scored in turn on the
                     training thread (NABLA_EVAL_THREAD=0) beside its default
  --markdown         print the report as Markdown (for BENCHMARKS.md)
  --save FILE        also write every measurement as JSON to FILE
  --help             show this help
Environment: PYTHON runs the Python scripts, NumPy and (for the conv benchmarks) PyTorch (default: Debian's /usr/bin/python3 when it has NumPy, as apt-get install python3-numpy gives, else python3).
`;

interface Options {
  quick: boolean;
  iters: number;
  withReference: boolean;
  withLean: boolean;
  skipNumpy: boolean;
  skipTfjs: boolean;
  skipGemm: boolean;
  skipMlp: boolean;
  onlyMlp: boolean;
  mlpRounds: number;
  skipConv: boolean;
  onlyConv: boolean;
  convIters: number;
  convRounds: number;
  onlySeed: boolean;
  rounds: number;
  infoRounds: number;
  load: boolean;
  skipTorch: boolean;
  inTurn: boolean;
  markdown: boolean;
  save?: string;
}

function parseOptions(argv: string[]): Options | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      iters: { type: 'string' },
      'with-reference': { type: 'boolean', default: false },
      'with-lean': { type: 'boolean', default: false },
      'skip-numpy': { type: 'boolean', default: false },
      'skip-tfjs': { type: 'boolean', default: false },
      'skip-gemm': { type: 'boolean', default: false },
      'skip-mlp': { type: 'boolean', default: false },
      'only-mlp': { type: 'boolean', default: false },
      'mlp-rounds': { type: 'string' },
      'skip-conv': { type: 'boolean', default: false },
      'only-conv': { type: 'boolean', default: false },
      'conv-iters': { type: 'string' },
      'conv-rounds': { type: 'string' },
      'only-seed': { type: 'boolean', default: false },
      rounds: { type: 'string' },
      'info-rounds': { type: 'string' },
      load: { type: 'boolean', default: false },
      'skip-torch': { type: 'boolean', default: false },
      'in-turn': { type: 'boolean', default: false },
      markdown: { type: 'boolean', default: false },
      save: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;
  const iters = values.iters === undefined ? (values.quick ? 1000 : 10000) : Number(values.iters);
  if (!Number.isInteger(iters) || iters < 1) throw new RangeError(`--iters must be a positive integer, got '${values.iters}'`);
  const mlpRounds = values['mlp-rounds'] === undefined ? (values.quick ? 1 : 2) : Number(values['mlp-rounds']);
  if (!Number.isInteger(mlpRounds) || mlpRounds < 1) throw new RangeError(`--mlp-rounds must be a positive integer, got '${values['mlp-rounds']}'`);
  const convIters = values['conv-iters'] === undefined ? (values.quick ? 100 : 600) : Number(values['conv-iters']);
  if (!Number.isInteger(convIters) || convIters < 1) throw new RangeError(`--conv-iters must be a positive integer, got '${values['conv-iters']}'`);
  const convRounds = values['conv-rounds'] === undefined ? 1 : Number(values['conv-rounds']);
  if (!Number.isInteger(convRounds) || convRounds < 1) throw new RangeError(`--conv-rounds must be a positive integer, got '${values['conv-rounds']}'`);
  if (values['only-conv'] && (values['only-mlp'] || values['skip-conv'])) throw new RangeError('--only-conv cannot be combined with --only-mlp or --skip-conv');
  const rounds = values.rounds === undefined ? (values.quick ? 1 : 4) : Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError(`--rounds must be a positive integer, got '${values.rounds}'`);
  const infoRounds = values['info-rounds'] === undefined ? 1 : Number(values['info-rounds']);
  if (!Number.isInteger(infoRounds) || infoRounds < 0) throw new RangeError(`--info-rounds must be an integer ≥ 0, got '${values['info-rounds']}'`);
  if (values['only-seed'] && (values['only-mlp'] || values['only-conv'])) throw new RangeError('--only-seed cannot be combined with --only-mlp or --only-conv');
  if (!values['only-seed']) {
    for (const flag of ['rounds', 'info-rounds', 'load', 'skip-torch', 'in-turn'] as const) {
      if (values[flag] !== undefined && values[flag] !== false) throw new RangeError(`--${flag} applies to --only-seed`);
    }
  }
  return {
    quick: values.quick,
    iters,
    withReference: values['with-reference'],
    withLean: values['with-lean'],
    skipNumpy: values['skip-numpy'],
    skipTfjs: values['skip-tfjs'],
    skipGemm: values['skip-gemm'],
    skipMlp: values['skip-mlp'],
    onlyMlp: values['only-mlp'],
    mlpRounds,
    skipConv: values['skip-conv'],
    onlyConv: values['only-conv'],
    convIters,
    convRounds,
    onlySeed: values['only-seed'],
    rounds,
    infoRounds,
    load: values.load,
    skipTorch: values['skip-torch'],
    inTurn: values['in-turn'],
    markdown: values.markdown,
    ...(values.save !== undefined ? { save: values.save } : {}),
  };
}

/** Debian's python3-numpy is the baseline the project names; any other python3 with NumPy will do. */
function defaultPython(): string {
  const debian = '/usr/bin/python3';
  return spawnSync(debian, ['-c', 'import numpy'], { stdio: 'ignore' }).status === 0 ? debian : 'python3';
}

async function benchmark(options: Options): Promise<Results> {
  const started = performance.now();
  const root = fileURLToPath(new URL('../..', import.meta.url)); // dist/bench/ → repository root
  const ctx: run.RunContext = {
    root,
    dataDir: mnistDir(),
    iters: options.iters,
    quick: options.quick,
    python: process.env['PYTHON'] ?? defaultPython(),
    timeoutSeconds: options.quick ? 900 : 3600,
    scratchDir: mkdtempSync(join(tmpdir(), 'nabla-bench-')),
    versions: {},
  };
  try {
    return await measureAll(options, ctx, started);
  } finally {
    rmSync(ctx.scratchDir, { recursive: true, force: true });
  }
}

async function measureAll(options: Options, ctx: run.RunContext, started: number): Promise<Results> {
  const { root } = ctx;
  const machine = describeMachine(root);
  if (options.onlyMlp) return measureMlpOnly(options, ctx, machine, started);
  if (options.onlyConv) return measureConvOnly(options, ctx, machine, started);
  if (options.onlySeed) return measureSeedOnly(options, ctx, machine, started);
  const training: TrainRun[] = [];
  const gradcheck: GradcheckRun[] = [];
  const skipped: string[] = [];
  say(`${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}; ${options.iters} iterations per training run`);

  training.push(await run.nablaTrain(ctx, 'float64'), await run.nablaTrain(ctx, 'float32'));
  if (options.withReference) training.push(await run.nablaTrain(ctx, 'float64', 'reference'), await run.nablaTrain(ctx, 'float32', 'reference'));

  const numpyMissing = options.skipNumpy ? 'skipped (--skip-numpy)' : await run.numpyMissing(ctx);
  if (numpyMissing) {
    skipped.push(`NumPy columns: ${numpyMissing}`);
    say(`NumPy columns left out: ${numpyMissing}`);
  } else {
    for (const dtype of ['float64', 'float32'] as const) {
      const byDefault = await run.numpyTrain(ctx, dtype, false);
      const single = await run.numpyTrain(ctx, dtype, true);
      training.push(byDefault, single);
      if (options.withLean) {
        // Lean under whichever thread setting served the faithful run better.
        const oneIsFaster = (single.seconds ?? Infinity) < (byDefault.seconds ?? Infinity);
        training.push(await run.numpyTrain(ctx, dtype, oneIsFaster, true));
      }
    }
  }

  if (options.skipTfjs) skipped.push('TensorFlow.js column: skipped (--skip-tfjs)');
  else training.push(await run.tfjsTrain(ctx));

  gradcheck.push(await run.nablaGradcheck(ctx, false), await run.nablaGradcheck(ctx, true));
  if (!numpyMissing) gradcheck.push(await run.numpyGradcheck(ctx, false), await run.numpyGradcheck(ctx, true));

  let gemm: GemmResults = { records: [], source: 'nothing (--skip-gemm)', notes: [] };
  if (options.skipGemm) skipped.push('GEMM measurements: skipped (--skip-gemm)');
  else {
    const numpyGemm = numpyMissing ? { records: [], notes: [] } : await run.numpyGemm(ctx);
    const nablaGemm = await run.nablaGemm(ctx);
    gemm = { ...nablaGemm, records: [...numpyGemm.records, ...nablaGemm.records], notes: [...numpyGemm.notes, ...nablaGemm.notes] };
  }

  let mlp: MlpAdamResults | undefined;
  if (options.skipMlp) skipped.push("optimizers experiment's Adam run: skipped (--skip-mlp)");
  else mlp = await mlpAdam({ ...ctx, python: numpyMissing ? '' : ctx.python }, options.quick ? 200 : 2000, options.mlpRounds);

  let conv: ConvResults | undefined;
  if (options.skipConv) skipped.push('conv benchmarks: skipped (--skip-conv)');
  else conv = await measureConv(options, ctx, numpyMissing);

  return {
    quick: options.quick,
    iters: options.iters,
    machine,
    ...(mlp ? { mlpAdam: mlp } : {}),
    ...(conv ? { conv } : {}),
    versions: ctx.versions,
    training,
    gradcheck,
    gemm,
    skipped,
    loadAtEnd: currentLoad(),
    totalSeconds: (performance.now() - started) / 1000,
  };
}

async function measureMlpOnly(options: Options, ctx: run.RunContext, machine: Results['machine'], started: number): Promise<Results> {
  say(`${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}; only the optimizers experiment's Adam run`);
  const numpyMissing = await run.numpyMissing(ctx);
  if (numpyMissing) say(`NumPy columns left out: ${numpyMissing}`);
  const mlp = await mlpAdam({ ...ctx, python: numpyMissing ? '' : ctx.python }, options.quick ? 200 : 2000, options.mlpRounds);
  return {
    quick: options.quick, iters: options.iters, machine, versions: ctx.versions, training: [], gradcheck: [],
    gemm: { records: [], source: 'nothing (--only-mlp)', notes: [] }, skipped: [], mlpAdam: mlp, loadAtEnd: currentLoad(),
    totalSeconds: (performance.now() - started) / 1000,
  };
}

/** The conv benchmarks; PyTorch's rows are left out, with the reason, where it cannot be imported. */
async function measureConv(options: Options, ctx: run.RunContext, numpyMissing: string | undefined): Promise<ConvResults> {
  const torchAbsent = numpyMissing ? `${numpyMissing} (the PyTorch scripts read MNIST with NumPy)` : await torchMissing(ctx);
  if (torchAbsent) say(`PyTorch rows left out: ${torchAbsent}`);
  const notes = [...(numpyMissing ? [`NumPy rows left out: ${numpyMissing}`] : []), ...(torchAbsent ? [`PyTorch rows left out: ${torchAbsent}`] : [])];
  return convBenchmarks(ctx, { iters: options.convIters, rounds: options.convRounds, numpy: !numpyMissing, torch: !torchAbsent, evalImages: options.quick ? 1000 : 10000, notes });
}

async function measureConvOnly(options: Options, ctx: run.RunContext, machine: Results['machine'], started: number): Promise<Results> {
  say(`${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}; only the conv benchmarks, ${options.convIters} SimpleConvNet steps per run`);
  const numpyMissing = options.skipNumpy ? 'skipped (--skip-numpy)' : await run.numpyMissing(ctx);
  if (numpyMissing) say(`NumPy rows left out: ${numpyMissing}`);
  const conv = await measureConv(options, ctx, numpyMissing);
  return {
    quick: options.quick, iters: options.iters, machine, versions: ctx.versions, training: [], gradcheck: [],
    gemm: { records: [], source: 'nothing (--only-conv)', notes: [] }, skipped: [], conv, loadAtEnd: currentLoad(),
    totalSeconds: (performance.now() - started) / 1000,
  };
}

async function measureSeedOnly(options: Options, ctx: run.RunContext, machine: Results['machine'], started: number): Promise<Results> {
  say(`${machine.cpu}, ${machine.cores} cores, load ${machine.loadAtStart.toFixed(2)}; the seed's run as the user waits, ${options.rounds} round(s) of ${ctx.iters} iterations${options.load ? ', with stress-ng --cpu 1 beside' : ''}`);
  const notes: string[] = [];
  const numpyMissing = options.skipNumpy ? 'skipped (--skip-numpy)' : await run.numpyMissing(ctx);
  if (numpyMissing) notes.push(`NumPy rows left out: ${numpyMissing}`);
  const torchAbsent = options.skipTorch ? 'skipped (--skip-torch)' : numpyMissing ? `${numpyMissing} (the PyTorch script reads MNIST with NumPy)` : await torchMissing(ctx);
  if (torchAbsent) notes.push(`PyTorch rows left out: ${torchAbsent}`);
  if (options.skipTfjs) notes.push('TensorFlow.js row left out: skipped (--skip-tfjs)');
  notes.push('jax-js: not run (not among the dev dependencies; @jax-js/jax is on npm)');
  for (const note of notes) say(note);
  const seed = await seedRounds(ctx, { rounds: options.rounds, infoRounds: options.infoRounds, load: options.load, numpy: !numpyMissing, torch: !torchAbsent, tfjs: !options.skipTfjs, inTurn: options.inTurn }, notes);
  return {
    quick: options.quick, iters: options.iters, machine, versions: ctx.versions, training: [], gradcheck: [],
    gemm: { records: [], source: 'nothing (--only-seed)', notes: [] }, skipped: [], seed, loadAtEnd: currentLoad(),
    totalSeconds: (performance.now() - started) / 1000,
  };
}

async function main(): Promise<number> {
  let options: Options | undefined;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n\n${USAGE}`);
    return 64;
  }
  if (!options) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options.load) {
    // A loaded benchmark run without its load would be reported under the wrong name.
    const missing = stressNgMissing();
    if (missing) {
      process.stderr.write(`bench: --load needs stress-ng: ${missing}\n`);
      return 1;
    }
  }
  const results = await benchmark(options);
  if (results.seed) {
    const m = results.machine;
    const header = [
      `CPU: ${m.cpu}, ${m.cores} cores; Node ${m.node}; nabla at ${m.commit}`,
      `1-minute load average: ${m.loadAtStart.toFixed(2)} at the start, ${results.loadAtEnd.toFixed(2)} at the end${results.seed.loaded ? ' (stress-ng --cpu 1 adds about 1)' : ''}; total ${(results.totalSeconds / 60).toFixed(1)} min`,
    ];
    process.stdout.write(renderSeed(results.seed, options.markdown, header));
    if (options.save) {
      writeFileSync(options.save, `${JSON.stringify({ ...results, targets: seedTargets(results.seed) }, null, 2)}\n`);
      say(`measurements written to ${options.save}`);
    }
    return 0;
  }
  const only = options.onlyMlp || options.onlyConv;
  if (!only) process.stdout.write(renderReport(results, options.markdown));
  if (results.mlpAdam) process.stdout.write(`${only ? '' : '\n'}${renderMlpAdam(results.mlpAdam, options.markdown)}`);
  if (results.conv) process.stdout.write(`${only ? '' : '\n'}${renderConv(results.conv, options.markdown)}`);
  if (options.save) {
    const targets = [...(options.onlyConv ? [] : checkTargets(results)), ...(results.conv ? convTargets(results.conv) : [])];
    writeFileSync(options.save, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
    say(`measurements written to ${options.save}`);
  }
  return 0;
}

process.exitCode = await main();
