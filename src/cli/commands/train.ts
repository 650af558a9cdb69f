import { existsSync, realpathSync, statSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { getBackend, type Backend } from '../../backend/index.js';
import { defaultMnistDir, loadMnistBytes, type MnistBytes as MnistData } from '../../data/mnist.js';
import type { TrainImages } from '../../train/images.js';
import type { Labels } from '../../layers/softmax_with_loss.js';
import { removeInFlightTempFilesSync } from '../../io/atomic.js';
import { saveNetwork } from '../../io/model_file.js';
import { specInputSize, type ConvNetSpec, type Network, type NetworkSpec, type RunNetworkSpec } from '../../nets/network.js';
import type { LayeredSizes } from '../../util/memory.js';
import { CONV_EVAL_BATCH, type InputDim } from '../../nets/conv_images.js';
import { resolveDeepConvNet } from '../../nets/deep_conv_net.js';
import { resolveSimpleConvNet } from '../../nets/simple_conv_net.js';
import { convNetFootprint } from '../../nets/conv_footprint.js';
import { buildNetwork, describeNetwork } from '../../nets/network_spec.js';
import { EVAL_BLOCK } from '../../nets/two_layer_net.js';
import { printable } from '../../io/printable.js';
import { CHECKPOINT_STATE, CheckpointWriter, isRunFileName, loadCheckpoint, WEIGHTS_FILE, type Checkpoint, type RunSetup } from '../../train/checkpoint.js';
import { OutFolderRefusedError, startRunFolder, type RunFolder } from '../../train/run_dir.js';
import { RUN_FILES, writeConfig, writeMetrics } from '../../train/run_files.js';
import { RunLock } from '../../train/run_lock.js';
import { Timeline, timelineRequested } from '../../train/timeline.js';
import { HISTORY_LOG, journalWeights } from '../../train/history.js';
import { removeStaleTempFiles } from '../../train/run_manifest.js';
import { evaluationSets, firstRows, iterationsPerEpoch, Trainer, TrainingDivergedError, type TrainResult, type TrainState } from '../../train/train.js';
import { NABLA_VERSION } from '../../version.js';
import { formatHelp, parseArgs, UsageError, type ParsedFlags } from '../args.js';
import { backendFlags, checkFitsInMemory, checkLayeredFitsInMemory, dataFlags, selectBackend, type Output } from '../common.js';
import { signalExitCode, StopSignals } from '../train_signals.js';
import { TrainDisplay } from '../train_display.js';
import { checkEvalThreadSetting, startBackgroundScoring, type BackgroundScoring } from '../train_scoring.js';
import { CONV_TRAINING, differingFlag, isConvNet, networkFlags, networkSettings, type NetName } from '../train_settings.js';

const hyperparameterFlags = {
  iters: { type: 'int', min: 1, default: 10000, help: 'training iterations (simple-conv and deep-conv: 20 epochs, 12000 on MNIST)', arg: 'N' },
  epochs: { type: 'int', min: 1, help: 'train for N epochs (of train-size / batch-size iterations each) instead of --iters', arg: 'N' },
  'train-size': { type: 'int', min: 1, help: 'train on the first N training images only, as the book\'s overfitting experiments do (default: all)', arg: 'N' },
  'batch-size': { type: 'int', min: 1, default: 100, help: 'mini-batch size (drawn with replacement)', arg: 'N' },
  ...networkFlags,
  seed: { type: 'int', default: 42, min: 0, max: 0xffffffff, help: 'seed of weight initialisation, Dropout masks and mini-batch draws', arg: 'N' },
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
    "or (--net mlp) the book's MultiLayerNet of any depth, with any of its optimizers,\n" +
    'evaluating train and test accuracy at iteration 0 and then every epoch (60000 / batch-size\n' +
    "iterations). --net simple-conv and deep-conv are the book's SimpleConvNet and DeepConvNet,\n" +
    "trained as its train_convnet.py and train_deepnet.py do: Adam lr 0.001, 20 epochs, each\n" +
    'epoch scored on the first 1000 train and test images, then all test images at the end.\n' +
    'Writes config.json, metrics.csv/.json, accuracy.svg, loss.svg, model.safetensors and a\n' +
    'checkpoint to the run folder. Ctrl-C (also SIGTERM, SIGHUP) saves a checkpoint and\n' +
    'exits with code 130 (143, 129); a second one stops at once, keeping the last complete checkpoint.',
  flags,
);

/**
 * On --resume, a flag may repeat the run's own setting but not change it (only --iters
 * may): a resumed run that silently took other settings, or other data, would be a
 * different run under the old one's name.
 */
function checkResumeFlags(f: ParsedFlags<typeof flags>, given: ReadonlySet<string>, setup: RunSetup, runDir: string): void {
  const own: Record<string, [given: unknown, own: unknown]> = {
    'train-size': [f.trainSize, setup.trainSize ?? 'all the training images'],
    dtype: [f.dtype, setup.dtype],
    'batch-size': [f.batchSize, setup.train.batchSize],
    seed: [f.seed, setup.train.seed],
  };
  const differs = (name: string, value: string, runs: string): never => {
    throw new UsageError(`train: --${name}${value === '' ? '' : ` ${printable(value, 200)}`} differs from the run's own ${runs} (${runDir}); a resumed run keeps its settings, only --iters may change`);
  };
  for (const [name, [value, runs]] of Object.entries(own)) {
    if (given.has(name) && value !== runs) differs(name, String(value), String(runs));
  }
  const network = differingFlag(f, given, setup);
  if (network) differs(...network);
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

function checkTrainingFits(setup: RunSetup, inputs: number, trainRows: number, testRows: number, checkpointFile?: string): void {
  const { dtype, train: { batchSize } } = setup;
  // Weights and gradients, plus the optimizer's slots (Adam keeps two per parameter).
  const paramCopies = 2 + ({ sgd: 0, momentum: 1, nesterov: 1, adagrad: 1, rmsprop: 1, adam: 2 } as const)[setup.train.optimizer ?? 'sgd'];
  if (setup.network && 'inputDim' in setup.network) {
    const spec = setup.network;
    const sizes = (s: ConvNetSpec, batch: number): LayeredSizes => ({
      ...convNetFootprint(s), inputs, batch, dataRows: trainRows + testRows, evalRows: CONV_EVAL_BATCH, paramCopies, dtype,
    });
    const defaultHidden = (spec.type === 'SimpleConvNet' ? resolveSimpleConvNet({}) : resolveDeepConvNet({})).hiddenSize;
    const defaultBatch = hyperparameterFlags['batch-size'].default;
    const from = (field: string): { source?: string } => (checkpointFile ? { source: `${checkpointFile}: ${field}` } : {});
    checkLayeredFitsInMemory('train', sizes(spec, batchSize), [
      { flag: 'hidden', value: spec.hiddenSize, fallback: defaultHidden, atFallback: sizes({ ...spec, hiddenSize: defaultHidden }, batchSize), ...from('setup.network.hiddenSize') },
      { flag: 'batch-size', value: batchSize, fallback: defaultBatch, atFallback: sizes(spec, defaultBatch), ...from('setup.train.batchSize') },
    ]);
    return;
  }
  const hiddenSizes = setup.network?.hiddenSizeList ?? [setup.hidden!];
  checkFitsInMemory('train', {
    // The seed's net is estimated exactly as before; a deeper one layer by layer.
    inputs, hidden: hiddenSizes[0]!, ...(setup.network ? { hiddenSizes } : {}), classes: 10, batch: batchSize, dataRows: trainRows + testRows,
    evalRows: Math.min(EVAL_BLOCK, Math.max(trainRows, testRows)), paramCopies, dtype,
  }, [
    {
      flag: 'hidden', value: Math.max(...hiddenSizes), shown: hiddenSizes.join(','), fallback: setup.network ? 100 : 50, size: 'hidden',
      ...(checkpointFile ? { source: `${checkpointFile}: ${setup.network ? 'setup.network.hiddenSizeList' : 'setup.hidden'}` } : {}),
    },
    {
      flag: 'batch-size', value: batchSize, fallback: hyperparameterFlags['batch-size'].default, size: 'batch',
      ...(checkpointFile ? { source: `${checkpointFile}: setup.train.batchSize` } : {}),
    },
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
  checkEvalThreadSetting();
  // NABLA_TIMELINE=1: where the run's time goes, for the benchmark (a clock read per phase).
  const timeline = timelineRequested() ? new Timeline() : undefined;
  timeline?.add('startup', process.uptime());
  selectBackend(f.backend, f.threads);
  timeline?.lap('backend');

  // A new run reads its data and checks its sizes before it makes a folder, so that a
  // typo in a flag leaves no empty run folder behind.
  // The conv nets train for the book's 20 epochs unless --iters or --epochs says otherwise.
  const epochs = f.epochs ?? (isConvNet(f.net as NetName) && !given.has('iters') ? CONV_TRAINING.epochs : undefined);
  const fresh = f.resume === undefined ? loadRunData(newRunSetup(f, given), epochs) : undefined;
  timeline?.lap('load');
  const opened = f.resume !== undefined ? await openForResume(f.resume) : { folder: await startNewRun(f.out), checkpoint: undefined };
  try {
    return await trainInFolder(f, given, io, opened.folder, opened.checkpoint, fresh, timeline);
  } finally {
    opened.folder.lock.release();
  }
}

type TrainFlags = ReturnType<typeof parseArgs<typeof flags>>['flags'];

function newRunSetup(f: TrainFlags, given: ReadonlySet<string>): RunSetup {
  if (given.has('iters') && given.has('epochs')) throw new UsageError('train: give --iters or --epochs, not both');
  const dtype = f.dtype as 'float64' | 'float32';
  const conv = isConvNet(f.net as NetName);
  const { learningRate, optimizer, optimizerOptions, ...net } = networkSettings(f, given, f.net as NetName, dtype, f.seed!);
  return {
    ...net,
    ...(f.trainSize !== undefined ? { trainSize: f.trainSize } : {}),
    dtype,
    dataDir: f.dataDir ?? '',
    train: {
      iters: f.iters!, batchSize: f.batchSize!, learningRate, seed: f.seed!,
      ...(optimizer ? { optimizer } : {}), ...(optimizerOptions ? { optimizerOptions } : {}),
      // The book's conv trainers score each epoch on the first 1000 images of each set, then the whole test set at the end.
      ...(conv ? { evaluateSampleNumPerEpoch: CONV_TRAINING.evaluateSampleNumPerEpoch } : {}),
    },
  };
}

/** The network the run trains, new (weights from the seed): its spec from the setup (sized to the data by loadRunData). */
function newNetwork(setup: RunSetup, inputSize: number): Network {
  const spec: NetworkSpec = setup.network
    ? setup.network
    : { type: 'TwoLayerNet', inputSize, hiddenSize: setup.hidden!, outputSize: 10, weightInitStd: setup.weightInitStd!, seed: setup.train.seed, dtype: setup.dtype };
  return buildNetwork(spec);
}

/**
 * The run's data, with `setup.dataDir` resolved and only the first `setup.trainSize`
 * training images; with `epochs`, sets the run's iterations from them. Refuses sizes
 * that cannot fit.
 */
/** `checkpointFile`: the settings come from a resumed run's checkpoint.json, which errors then name. */
function loadRunData(setup: RunSetup, epochs?: number, checkpointFile?: string): { setup: RunSetup; data: MnistData } {
  // Pixels stay bytes, converted per batch and per scoring block: no float copy to make and page in.
  const all = loadMnistBytes({ normalize: true, dtype: setup.dtype, ...(setup.dataDir ? { dataDir: setup.dataDir } : {}) });
  setup.dataDir = resolve(all.dataDir);
  const rows = all.xTrain.shape[0]!;
  if (setup.trainSize !== undefined && setup.trainSize > rows) throw new UsageError(`train: --train-size ${setup.trainSize} exceeds the ${rows} training images in ${all.dataDir}`);
  const data = setup.trainSize === undefined ? all : { ...all, xTrain: all.xTrain.slice(0, setup.trainSize), trainLabels: all.trainLabels.subarray(0, setup.trainSize) };
  if (epochs !== undefined) setup.train.iters = epochs * iterationsPerEpoch(data.xTrain.shape[0]!, setup.train.batchSize);
  if (setup.network) setup.network = sizedToData(setup.network, all.xTrain.shape[1]!, all.imageSize);
  checkTrainingFits(setup, all.xTrain.shape[1]!, rows, all.xTest.shape[0]!, checkpointFile);
  return { setup, data };
}

/** The network spec with the data's input size: pixels per row for an MLP, one [1, rows, cols] image for a conv net. */
function sizedToData(spec: RunNetworkSpec, inputs: number, [rows, cols]: [number, number]): RunNetworkSpec {
  if (!('inputDim' in spec)) return { ...spec, inputSize: inputs };
  const inputDim: InputDim = [1, rows, cols];
  return spec.type === 'SimpleConvNet' ? resolveSimpleConvNet({ ...spec, inputDim }) : resolveDeepConvNet({ ...spec, inputDim });
}

async function trainInFolder(
  f: TrainFlags, given: ReadonlySet<string>, io: Output, folder: RunFolder, checkpoint: Checkpoint | undefined,
  fresh: { setup: RunSetup; data: MnistData } | undefined, timeline?: Timeline,
): Promise<number> {
  const runDir = folder.dir;
  if (checkpoint) checkResumeFlags(f, given, checkpoint.setup, runDir);
  if (checkpoint && given.has('iters') && given.has('epochs')) throw new UsageError('train: give --iters or --epochs, not both');
  const setup: RunSetup = checkpoint
    ? { ...checkpoint.setup, train: { ...checkpoint.setup.train, iters: given.has('iters') ? f.iters! : checkpoint.setup.train.iters } }
    : fresh!.setup;
  // --epochs on resume counts epochs of the run's own training set: its data are read first.
  const loaded = fresh ?? (checkpoint && f.epochs !== undefined ? loadRunData(setup, f.epochs, join(runDir, CHECKPOINT_STATE)) : undefined);
  if (checkpoint && setup.train.iters < checkpoint.state.iteration) {
    const asked = f.epochs !== undefined ? `--epochs ${f.epochs} (${setup.train.iters} iterations)` : `--iters ${setup.train.iters}`;
    throw new UsageError(`train: ${asked} is below the ${checkpoint.state.iteration} iterations the run has already done`);
  }
  // A run stopped after its last checkpoint but before its final files is finished below, without training.
  if (checkpoint && setup.train.iters === checkpoint.state.iteration && checkpoint.finished) {
    // Nothing to do, and rewriting the run's files would only blur when they were made.
    io.err(`${printable(runDir, 1000)}: the run is already complete (${checkpoint.state.iteration}/${setup.train.iters} iterations); give a larger --iters to continue it`);
    return 0;
  }
  // On resume --data-dir may only name the run's own data (checkResumeFlags).
  const { data } = loaded ?? loadRunData(setup, undefined, join(runDir, CHECKPOINT_STATE));
  const inputSize = data.xTrain.shape[1]!;
  const network = checkpoint?.network ?? newNetwork(setup, inputSize);
  const spec = network.spec();
  if (specInputSize(spec) !== inputSize) throw new Error(`${runDir}: the checkpoint's network takes ${specInputSize(spec)} inputs but the images have ${inputSize} pixels`);
  const mode = f.json ? 'json' : f.quiet ? 'quiet' : 'normal';
  let display!: TrainDisplay; // made once the trainer knows how many epochs there are
  const trainData = { xTrain: data.xTrain, trainLabels: data.trainLabels, xTest: data.xTest, testLabels: data.testLabels };
  const sets = evaluationSets(trainData, setup.train);
  const iterationsLeft = setup.train.iters - (checkpoint?.state.iteration ?? 0);
  const scoring = startBackgroundScoring(sets, {
    imagesPerEvaluation: sets.xTrain.shape[0]! + sets.xTest.shape[0]!,
    evaluations: Math.ceil(iterationsLeft / iterationsPerEpoch(data.xTrain.shape[0]!, setup.train.batchSize)),
    iterations: iterationsLeft,
    batchSize: setup.train.batchSize,
  }, (line) => safeErr(io, `nabla train: ${line}`));
  try {
    return await trainWith(scoring);
  } finally {
    await scoring?.close();
  }

  async function trainWith(scoring: BackgroundScoring | undefined): Promise<number> {
    let trainer: Trainer;
    try {
      trainer = new Trainer(network, trainData, setup.train, {
        onIteration: ({ iteration, epoch, loss }) => display.iteration(iteration + 1, epoch, loss),
        onEpochEnd: (result) => display.epoch(result),
      }, checkpoint?.state, scoring ? { background: scoring.scorer } : {});
    } catch (error) {
      // The losses and evaluations a checkpoint resumes with come from its history journal.
      if (checkpoint && error instanceof RangeError && error.message.startsWith('resume: ')) {
        throw new Error(`${join(runDir, HISTORY_LOG)}: ${error.message.slice('resume: '.length)} (the file is damaged)`);
      }
      throw error;
    }
    // Written only once the resumed state is known to be sound.
    const backend = getBackend();
    await writeConfig(runDir, describeRun(setup, spec, backend, checkpoint?.state, scoring !== undefined));
    const writer = new CheckpointWriter(runDir, checkpoint);
    let wroteModel = false;
    const stop = new StopSignals((signal) => {
      // A second signal: stop now, saying what is left. Half-written temporary files go;
      // the run folder keeps the last complete checkpoint, which --resume continues.
      removeInFlightTempFilesSync();
      display.finish();
      const kept = writer.lastIteration !== undefined
        ? `${printable(runDir, 1000)} keeps the checkpoint of iteration ${writer.lastIteration}${wroteModel ? ' and the model' : ', without the final model'}; continue with: nabla train --resume ${printable(runDir, 1000)}`
        : `no checkpoint was saved in ${printable(runDir, 1000)}`;
      safeErr(io, `nabla train: stopped by a second ${signal} before the save finished: ${kept}`);
      folder.lock.release();
      process.exit(signalExitCode(signal));
    });
    display = new TrainDisplay(io, mode, setup.train.iters, trainer.totalEpochs - 1, checkpoint?.state.iteration ?? 0);
    const resuming = checkpoint ? (trainer.done ? `Finishing ${printable(runDir, 1000)} (stopped after its last checkpoint, before its final files): ` : `Resuming ${printable(runDir, 1000)} at iteration ${checkpoint.state.iteration}: `) : '';
    display.header([
      `${resuming}${describeNetwork(spec)} ${setup.dtype} on ${describeBackend(backend)}${scoring ? `, ${scoring.description}` : ''}`,
      `${setup.train.iters} iterations, batch ${setup.train.batchSize}, ${describeOptimizer(trainer)}, seed ${setup.train.seed}; data ${printable(data.dataDir, 1000)}${setup.trainSize !== undefined ? ` (the first ${setup.trainSize} training images)` : ''}`,
      `run folder: ${printable(runDir, 1000)}`,
    ]);

    timeline?.lap('setup');
    let checkpointMs = 0;
    try {
      try {
        let lastYield = performance.now();
        while (!trainer.done && !stop.received) {
          trainer.step();
          scoring?.balance();
          if (f.checkpointEvery! > 0 && trainer.iteration % f.checkpointEvery! === 0 && !trainer.done) {
            trainer.checkWeights();
            // The checkpoint holds every evaluation so far; waiting for one counts as evaluating.
            await trainer.settle();
            const saving = performance.now();
            await writer.save(network, setup, trainer.snapshot());
            checkpointMs += performance.now() - saving;
          }
          if (performance.now() - lastYield > YIELD_MS) {
            await new Promise((resolveYield) => setImmediate(resolveYield));
            lastYield = performance.now();
          }
        }
        trainer.checkWeights();
        await trainer.settle();
        scoring?.balance(); // the scoring thread is idle: the final score gets every thread
      } catch (error) {
        // Evaluations still running are recorded (or their failure dropped: this error is the news).
        await trainer.settle().catch(() => undefined);
        display.finish();
        if (error instanceof TrainingDivergedError) {
          const state = trainer.state();
          await writeMetrics(runDir, state.losses, state.epochs);
          const kept = writer.lastIteration !== undefined ? `the last checkpoint before it (iteration ${writer.lastIteration}) is kept in ${runDir}` : 'no checkpoint was saved before it';
          throw new Error(`${error.message}; ${kept}`);
        }
        throw error;
      }
      display.finish();
      // Training is over: the final score and files get every thread back.
      await scoring?.close();
      if (timeline) {
        timeline.lap('steps');
        timeline.move('steps', 'evaluations', trainer.evaluationSeconds);
        timeline.move('steps', 'checkpoints', checkpointMs / 1000);
      }

      const result = trainer.result(stop.received);
      if (writer.lastIteration !== result.state.iteration) await writer.save(network, setup, trainer.snapshot());
      await writeMetrics(runDir, result.losses, result.epochs);
      if (stop.signal !== undefined) {
        const how = stop.signal === 'SIGINT' ? 'interrupted' : stop.signal === 'SIGPIPE' ? 'stopped (standard output was closed)' : `stopped by ${stop.signal}`;
        safeErr(io, `${how} at iteration ${result.state.iteration}/${setup.train.iters}: checkpoint saved in ${printable(join(runDir, CHECKPOINT_STATE), 1000)}`);
        safeErr(io, `continue with: nabla train --resume ${printable(runDir, 1000)}`);
        return signalExitCode(stop.signal);
      }
      await saveNetwork(network, join(runDir, RUN_FILES.model));
      wroteModel = true;
      await writer.markFinished();
      timeline?.lap('files');
      const final = finalAccuracy((x, t) => trainer.accuracy(x, t), data, result, setup.train);
      timeline?.lap('final score');
      report(io, f.json === true, runDir, result, final, timeline);
      return 0;
    } finally {
      stop.dispose();
    }
  }
}

/**
 * Accuracy of the weights the run ends with. The book evaluates at epoch boundaries
 * only, so the last evaluation can be far from the end (a run shorter than an epoch
 * was last evaluated after its first iteration); the final weights are then scored.
 */
function finalAccuracy(accuracy: (x: TrainImages, t: Labels) => number, data: MnistData, result: TrainResult, train: RunSetup['train']): FinalAccuracy {
  const last = result.epochs[result.epochs.length - 1];
  const sample = train.evaluateSampleNumPerEpoch;
  if (sample !== undefined) {
    // As the book's Trainer ends: the whole test set once; the training set's figure is the last epoch's sample.
    const trainAcc = last && last.iteration === train.iters ? last.trainAcc : accuracy(...firstRows(data.xTrain, data.trainLabels, sample));
    const testAcc = accuracy(data.xTest, data.testLabels);
    return { trainAcc, testAcc, ...(sample < data.trainLabels.length ? { trainSample: sample } : {}), testImages: data.testLabels.length };
  }
  const testImages = data.testLabels.length;
  if (last && last.iteration === train.iters) return { trainAcc: last.trainAcc, testAcc: last.testAcc, testImages };
  return { trainAcc: accuracy(data.xTrain, data.trainLabels), testAcc: accuracy(data.xTest, data.testLabels), testImages };
}

interface FinalAccuracy {
  trainAcc: number;
  /** Scored on all test images. */
  testAcc: number;
  testImages: number;
  /** The training images trainAcc was scored on, when only the first of them. */
  trainSample?: number;
}

function report(io: Output, json: boolean, runDir: string, result: TrainResult, final: FinalAccuracy, timeline?: Timeline): void {
  timeline?.add('total', process.uptime());
  if (json) {
    io.out(JSON.stringify({
      epochs: result.epochs.map(({ epoch, trainAcc, testAcc, loss }) => ({ epoch, trainAcc, testAcc, loss })),
      trainAcc: final.trainAcc,
      testAcc: final.testAcc,
      ...(final.trainSample !== undefined ? { trainSample: final.trainSample } : {}),
      testImages: final.testImages,
      seconds: result.seconds,
      // As the user waits: from the process's start (module loading and data included) to this line.
      wallSeconds: process.uptime(),
      runDir,
      ...(timeline ? { timeline: timeline.toJSON() } : {}),
    }));
    return;
  }
  if (timeline) io.err(`timeline: ${timeline.describe()}`);
  const best = result.epochs.reduce((a, b) => (b.testAcc > a.testAcc ? b : a), result.epochs[0]!);
  io.out('');
  // The final weights count too: a run shorter than an epoch was evaluated only at its start.
  const bestAt = final.testAcc > best.testAcc ? `${final.testAcc.toFixed(4)} at the end` : `${best.testAcc.toFixed(4)} at epoch ${best.epoch}`;
  const trainSample = final.trainSample !== undefined ? ` (first ${final.trainSample} images)` : '';
  const testAll = final.trainSample !== undefined ? ` (all ${final.testImages} test images)` : '';
  io.out(`final: train acc ${final.trainAcc.toFixed(4)}${trainSample}, test acc ${final.testAcc.toFixed(4)}${testAll} in ${result.seconds.toFixed(1)} s (best test acc ${bestAt})`);
  io.out(`wrote ${printable(runDir, 1000)}/: ${RUN_FILES.model}, ${RUN_FILES.accuracyPlot}, ${RUN_FILES.lossPlot}, ${RUN_FILES.metricsCsv}, ${RUN_FILES.metricsJson}, ${RUN_FILES.config}, checkpoint`);
}

/** stderr may be gone (SIGHUP: the terminal closed); losing the message must not lose the save. */
function safeErr(io: Output, line: string): void {
  try {
    io.err(line);
  } catch { /* nowhere to say it */ }
}

/** --out DIR (created if needed; refused if it holds a run or someone else's files) or the next runs/train-N. */
async function startNewRun(out: string | undefined): Promise<RunFolder> {
  let folder: RunFolder;
  try {
    folder = await startRunFolder(out);
  } catch (error) {
    if (error instanceof OutFolderRefusedError) throw new UsageError(`train: ${error.message}`);
    throw error;
  }
  try {
    // A nabla folder reused before it reached a checkpoint may hold what a kill left.
    await removeLeftovers(folder.dir, (await journalWeights(folder.dir)).filter((name) => WEIGHTS_FILE.test(name)));
    return folder;
  } catch (error) {
    folder.lock.release();
    throw error;
  }
}

/** Locks the run in `dir`, cleans what a kill left in it, and loads its checkpoint. */
async function openForResume(dir: string): Promise<{ folder: RunFolder; checkpoint: Checkpoint }> {
  // Without a checkpoint this is not a run to resume: say so before creating a lock in it.
  if (!existsSync(dir)) throw new Error(`${dir}: no such folder (--resume takes the folder of an earlier run)`);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory() || !existsSync(join(dir, CHECKPOINT_STATE))) await loadCheckpoint(dir);
  const lock = RunLock.acquire(dir);
  try {
    const checkpoint = await loadCheckpoint(dir);
    await removeLeftovers(dir, checkpoint.leftovers);
    return { folder: { dir, lock }, checkpoint };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * What a kill left: temporary files, and checkpoint weights whose checkpoint.json was
 * never written (or whose removal never happened), which the history journal names.
 */
async function removeLeftovers(dir: string, weights: readonly string[]): Promise<void> {
  await removeStaleTempFiles(dir, isRunFileName);
  for (const name of weights) await rm(join(dir, name), { force: true });
}

/** "lr 0.1" for the seed's SGD; "adam (lr 0.001, beta1 0.9, beta2 0.999)" for the others. */
function describeOptimizer(trainer: Trainer): string {
  const { name, options } = trainer.optimizer;
  if (name === 'sgd') return `lr ${options.lr}`;
  return `${name} (${Object.entries(options).map(([k, v]) => `${k} ${v}`).join(', ')})`;
}

const OPTIMIZER_CLASS = { sgd: 'SGD', momentum: 'Momentum', nesterov: 'Nesterov', adagrad: 'AdaGrad', rmsprop: 'RMSprop', adam: 'Adam' } as const;

function describeRun(setup: RunSetup, spec: NetworkSpec, backend: Backend & { threads?: number }, resumedFrom: TrainState | undefined, scoringThread: boolean): object {
  const network = spec.type === 'TwoLayerNet'
    ? { kind: 'TwoLayerNet', inputSize: spec.inputSize, hiddenSize: spec.hiddenSize, outputSize: spec.outputSize, weightInitStd: spec.weightInitStd, dtype: spec.dtype }
    : (({ type, ...rest }) => ({ kind: type, ...rest }))(spec);
  const { optimizer = 'sgd', optimizerOptions, ...train } = setup.train;
  return {
    network,
    training: { ...train, ...(setup.trainSize !== undefined ? { trainSize: setup.trainSize } : {}), optimizer: OPTIMIZER_CLASS[optimizer], ...(optimizerOptions ? { optimizerOptions } : {}), evaluation: train.evaluateSampleNumPerEpoch !== undefined
      ? `train and test accuracy on the first ${train.evaluateSampleNumPerEpoch} images of each at iteration 0 and every epoch, then on all test images at the end`
      : 'train and test accuracy at iteration 0 and every epoch' },
    dataDir: setup.dataDir,
    // scoringThread: the evaluations were scored on a thread of their own (same results).
    backend: { name: backend.name, threads: backend.threads ?? 1, ...(scoringThread ? { scoringThread } : {}) },
    versions: { nabla: NABLA_VERSION, node: process.version },
    ...(resumedFrom ? { resumedAt: resumedFrom.iteration } : {}),
    written: new Date().toISOString(),
  };
}

function describeBackend(backend: { name: string; threads?: number }): string {
  return backend.threads ? `${backend.name} (${backend.threads} thread${backend.threads === 1 ? '' : 's'})` : backend.name;
}
