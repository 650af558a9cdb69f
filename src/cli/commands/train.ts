import { existsSync, mkdirSync, realpathSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { getBackend, type Backend } from '../../backend/index.js';
import { defaultMnistDir, loadMnist } from '../../data/mnist.js';
import { saveNetwork } from '../../io/model.js';
import { EVAL_BLOCK, TwoLayerNet } from '../../nets/two_layer_net.js';
import { CHECKPOINT_STATE, loadCheckpoint, saveCheckpoint, type RunSetup } from '../../train/checkpoint.js';
import { createRunDir } from '../../train/run_dir.js';
import { RUN_FILES, writeConfig, writeMetrics } from '../../train/run_files.js';
import { Trainer, TrainingDivergedError, type TrainState } from '../../train/train.js';
import { NABLA_VERSION } from '../../version.js';
import { formatHelp, parseArgs, UsageError, type ParsedFlags } from '../args.js';
import { backendFlags, checkFitsInMemory, dataFlags, selectBackend, type Output } from '../common.js';
import { TrainDisplay } from '../train_display.js';

const hyperparameterFlags = {
  iters: { type: 'int', min: 1, default: 10000, help: 'training iterations', arg: 'N' },
  'batch-size': { type: 'int', min: 1, default: 100, help: 'mini-batch size (drawn with replacement)', arg: 'N' },
  lr: { type: 'number', min: 0, exclusiveMin: true, default: 0.1, help: 'learning rate', arg: 'X' },
  hidden: { type: 'int', min: 1, default: 50, help: 'hidden layer size', arg: 'N' },
  'weight-init-std': { type: 'number', min: 0, default: 0.01, help: 'standard deviation of the initial weights', arg: 'X' },
  seed: { type: 'int', default: 42, min: 0, max: 0xffffffff, help: 'seed of weight initialisation and mini-batch draws', arg: 'N' },
} as const;

const flags = {
  ...hyperparameterFlags,
  ...dataFlags,
  out: { type: 'string', help: 'run folder to write (default: the next free runs/train-N)', arg: 'DIR' },
  resume: { type: 'string', help: "continue the run in DIR from its last checkpoint (--iters may raise the total)", arg: 'DIR' },
  'checkpoint-every': { type: 'int', min: 0, default: 600, help: 'save a checkpoint every N iterations (0: only at the end and on Ctrl-C)', arg: 'N' },
  quiet: { type: 'boolean', help: 'no progress bar or table, only the summary' },
  json: { type: 'boolean', help: 'print only one JSON object with the results on stdout' },
  ...backendFlags,
} as const;

export const trainHelp = formatHelp(
  'nabla train [options]',
  "The seed's train_neuralnet: TwoLayerNet(784, hidden, 10) on MNIST with mini-batch SGD,\n" +
    'evaluating train and test accuracy at iteration 0 and then every epoch (60000 / batch-size\n' +
    'iterations). Writes config.json, metrics.csv/.json, accuracy.svg, loss.svg, model.safetensors\n' +
    'and a checkpoint to the run folder. Ctrl-C saves a checkpoint and exits with code 130.',
  flags,
);

/**
 * On --resume, a flag may repeat the run's own setting but not change it (only --iters
 * may): a resumed run that silently took other settings, or other data, would be a
 * different run under the old one's name.
 */
function checkResumeFlags(f: ParsedFlags<typeof flags>, given: ReadonlySet<string>, setup: RunSetup, runDir: string): void {
  const own: Record<string, [given: unknown, own: unknown]> = {
    hidden: [f.hidden, setup.hidden],
    'weight-init-std': [f.weightInitStd, setup.weightInitStd],
    dtype: [f.dtype, setup.dtype],
    'batch-size': [f.batchSize, setup.train.batchSize],
    lr: [f.lr, setup.train.learningRate],
    seed: [f.seed, setup.train.seed],
  };
  for (const [name, [value, runs]] of Object.entries(own)) {
    if (given.has(name) && value !== runs) {
      throw new UsageError(`train: --${name} ${String(value)} differs from the run's own ${String(runs)} (${runDir}); a resumed run keeps its settings, only --iters may change`);
    }
  }
  if (given.has('out') && !samePath(f.out!, runDir)) throw new UsageError(`train: --out ${f.out} is not the run being resumed (${runDir}); a resumed run stays in its folder`);
  const runData = setup.dataDir || defaultMnistDir();
  if (given.has('data-dir') && !samePath(f.dataDir!, runData)) {
    throw new UsageError(`train: --data-dir ${f.dataDir} is not the data the run was trained on (${runData}); a resumed run continues on its own data`);
  }
}

/** Whether two paths name the same file or folder, through symbolic links where they exist. */
function samePath(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

function checkTrainingFits(setup: RunSetup, inputs: number, trainRows: number, testRows: number): void {
  const { hidden, dtype, train: { batchSize } } = setup;
  checkFitsInMemory('train', {
    inputs, hidden, classes: 10, batch: batchSize, dataRows: trainRows + testRows,
    evalRows: Math.min(EVAL_BLOCK, Math.max(trainRows, testRows)), paramCopies: 2, dtype,
  }, [
    { flag: 'hidden', value: hidden, fallback: hyperparameterFlags.hidden.default, size: 'hidden' },
    { flag: 'batch-size', value: batchSize, fallback: hyperparameterFlags['batch-size'].default, size: 'batch' },
  ]);
}

/** Yield to the event loop this often, so Ctrl-C is noticed during the synchronous steps. */
const YIELD_MS = 50;

export async function trainCommand(argv: readonly string[], io: Output): Promise<number> {
  const { flags: f, positional, help, given } = parseArgs('train', argv, flags);
  if (help) {
    io.out(trainHelp);
    return 0;
  }
  if (positional.length > 0) throw new UsageError(`train: unexpected argument '${positional[0]}'`);
  selectBackend(f.backend, f.threads);

  const checkpoint = f.resume !== undefined ? await loadCheckpoint(f.resume) : undefined;
  if (checkpoint) checkResumeFlags(f, given, checkpoint.setup, f.resume!);
  const setup: RunSetup = checkpoint
    ? { ...checkpoint.setup, train: { ...checkpoint.setup.train, iters: given.has('iters') ? f.iters! : checkpoint.setup.train.iters } }
    : {
        hidden: f.hidden!,
        weightInitStd: f.weightInitStd!,
        dtype: f.dtype as 'float64' | 'float32',
        dataDir: f.dataDir ?? '',
        train: { iters: f.iters!, batchSize: f.batchSize!, learningRate: f.lr!, seed: f.seed! },
      };
  if (checkpoint && setup.train.iters < checkpoint.state.iteration) {
    throw new UsageError(`train: --iters ${setup.train.iters} is below the ${checkpoint.state.iteration} iterations the run has already done`);
  }
  if (checkpoint && setup.train.iters === checkpoint.state.iteration) {
    // Nothing to do, and rewriting the run's files would only blur when they were made.
    io.err(`${f.resume}: the run is already complete (${checkpoint.state.iteration}/${setup.train.iters} iterations); give a larger --iters to continue it`);
    return 0;
  }
  const dataDir = f.dataDir ?? (setup.dataDir || undefined);
  const data = loadMnist({ normalize: true, dtype: setup.dtype, ...(dataDir ? { dataDir } : {}) });
  setup.dataDir = resolve(data.dataDir);
  const inputSize = data.xTrain.shape[1]!;
  checkTrainingFits(setup, inputSize, data.xTrain.shape[0]!, data.xTest.shape[0]!);
  const network = checkpoint?.network ?? new TwoLayerNet(inputSize, setup.hidden, 10, { weightInitStd: setup.weightInitStd, seed: setup.train.seed, dtype: setup.dtype });
  if (network.inputSize !== inputSize) throw new Error(`${f.resume}: the checkpoint's network takes ${network.inputSize} inputs but the images have ${inputSize} pixels`);
  const runDir = f.resume ?? prepareOutDir(f.out);
  const backend = getBackend();
  await writeConfig(runDir, describeRun(setup, network, backend, checkpoint?.state));

  const mode = f.json ? 'json' : f.quiet ? 'quiet' : 'normal';
  let display!: TrainDisplay; // made once the trainer knows how many epochs there are
  const trainer = new Trainer(network, { xTrain: data.xTrain, trainLabels: data.trainLabels, xTest: data.xTest, testLabels: data.testLabels }, setup.train, {
    onIteration: ({ iteration, epoch, loss }) => display.iteration(iteration + 1, epoch, loss),
    onEpochEnd: (result) => display.epoch(result),
  }, checkpoint?.state);
  let interrupted = false;
  const onSigint = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSigint);
  display = new TrainDisplay(io, mode, setup.train.iters, trainer.totalEpochs - 1, checkpoint?.state.iteration ?? 0);
  display.header([
    `${checkpoint ? `Resuming ${runDir} at iteration ${checkpoint.state.iteration}: ` : ''}TwoLayerNet(${inputSize}, ${setup.hidden}, 10) ${setup.dtype} on ${describeBackend(backend)}`,
    `${setup.train.iters} iterations, batch ${setup.train.batchSize}, lr ${setup.train.learningRate}, seed ${setup.train.seed}; data ${data.dataDir}`,
    `run folder: ${runDir}`,
  ]);

  let lastCheckpoint: TrainState | undefined = checkpoint?.state;
  try {
    let lastYield = performance.now();
    while (!trainer.done && !interrupted) {
      trainer.step();
      if (f.checkpointEvery! > 0 && trainer.iteration % f.checkpointEvery! === 0 && !trainer.done) {
        lastCheckpoint = trainer.state();
        await saveCheckpoint(runDir, network, setup, lastCheckpoint);
      }
      if (performance.now() - lastYield > YIELD_MS) {
        await new Promise((resolveYield) => setImmediate(resolveYield));
        lastYield = performance.now();
      }
    }
  } catch (error) {
    display.finish();
    if (error instanceof TrainingDivergedError) {
      const state = trainer.state();
      await writeMetrics(runDir, state.losses, state.epochs);
      const kept = lastCheckpoint ? `the last checkpoint before it (iteration ${lastCheckpoint.iteration}) is kept in ${runDir}` : 'no checkpoint was saved before it';
      throw new Error(`${error.message}; ${kept}`);
    }
    throw error;
  } finally {
    process.off('SIGINT', onSigint);
  }
  display.finish();

  const result = trainer.result(interrupted);
  await saveCheckpoint(runDir, network, setup, result.state);
  await writeMetrics(runDir, result.losses, result.epochs);
  if (interrupted) {
    io.err(`interrupted at iteration ${result.state.iteration}/${setup.train.iters}: checkpoint saved in ${join(runDir, CHECKPOINT_STATE)}`);
    io.err(`continue with: nabla train --resume ${runDir}`);
    return 130;
  }
  await saveNetwork(network, join(runDir, RUN_FILES.model));

  if (f.json) {
    io.out(JSON.stringify({
      epochs: result.epochs.map(({ epoch, trainAcc, testAcc, loss }) => ({ epoch, trainAcc, testAcc, loss })),
      trainAcc: result.trainAcc,
      testAcc: result.testAcc,
      seconds: result.seconds,
    }));
    return 0;
  }
  const best = result.epochs.reduce((a, b) => (b.testAcc > a.testAcc ? b : a), result.epochs[0]!);
  const last = result.epochs[result.epochs.length - 1]!;
  io.out('');
  io.out(`final: train acc ${result.trainAcc.toFixed(4)}, test acc ${result.testAcc.toFixed(4)} in ${result.seconds.toFixed(1)} s (best test acc ${best.testAcc.toFixed(4)} at epoch ${best.epoch})`);
  if (last.iteration < setup.train.iters) {
    // As in the book, accuracy is measured at epoch boundaries only.
    io.out(`(accuracies from the last evaluation, after iteration ${last.iteration}; the saved model has all ${setup.train.iters}: nabla evaluate --model ${join(runDir, RUN_FILES.model)})`);
  }
  io.out(`wrote ${runDir}/: ${RUN_FILES.model}, ${RUN_FILES.accuracyPlot}, ${RUN_FILES.lossPlot}, ${RUN_FILES.metricsCsv}, ${RUN_FILES.metricsJson}, ${RUN_FILES.config}, checkpoint`);
  return 0;
}

/** --out DIR (created if needed, refused if it already holds a run) or the next runs/train-N. */
function prepareOutDir(out: string | undefined): string {
  if (out === undefined) return createRunDir('runs', 'train');
  for (const file of [CHECKPOINT_STATE, RUN_FILES.model]) {
    if (existsSync(join(out, file))) throw new UsageError(`train: ${out} already holds a run (${file}); use --resume ${out} or another --out`);
  }
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`train: --out ${out} is a file, not a folder`);
  mkdirSync(out, { recursive: true });
  return out;
}

function describeRun(setup: RunSetup, network: TwoLayerNet, backend: Backend & { threads?: number }, resumedFrom: TrainState | undefined): object {
  return {
    network: { kind: 'TwoLayerNet', inputSize: network.inputSize, hiddenSize: network.hiddenSize, outputSize: network.outputSize, weightInitStd: setup.weightInitStd, dtype: network.dtype },
    training: { ...setup.train, optimizer: 'SGD', evaluation: 'train and test accuracy at iteration 0 and every epoch' },
    dataDir: setup.dataDir,
    backend: { name: backend.name, threads: backend.threads ?? 1 },
    versions: { nabla: NABLA_VERSION, node: process.version },
    ...(resumedFrom ? { resumedAt: resumedFrom.iteration } : {}),
    written: new Date().toISOString(),
  };
}

function describeBackend(backend: { name: string; threads?: number }): string {
  return backend.threads ? `${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})` : backend.name;
}
