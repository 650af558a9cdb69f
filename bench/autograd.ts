// The seed run — TwoLayerNet 784-50-10, SGD lr 0.1, batches of 100 drawn with replacement
// (seed 42), 10000 iterations, no evaluation inside the loop — on the layer TwoLayerNet
// and on the autograd one, float64 and float32. Every run is its own child process, and
// the runs alternate (layer, autograd, layer, autograd …) so that other load on the
// machine falls on both sides alike; the table gives the median loop seconds of each and
// autograd ÷ layers. Test accuracy is scored after the timed loop, as a check that both
// did the same work. CPU seconds (the process's user + system time over the loop) are
// steadier than wall seconds on a busy machine when NABLA_THREADS=1.
//
// Usage: node dist/bench/autograd.js [--iters N] [--rounds N] [--dtype float64|float32|both]

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { getBackend } from '../src/backend/index.js';
import { TwoLayerNet as AutogradTwoLayerNet } from '../src/autograd/two_layer_net.js';
import { loadMnist } from '../src/data/mnist.js';
import { TwoLayerNet } from '../src/nets/two_layer_net.js';
import { SGD } from '../src/optim/sgd.js';
import { Random } from '../src/tensor/random.js';
import { BatchSampler } from '../src/train/batch_sampler.js';

type Impl = 'layers' | 'autograd';
type DType = 'float64' | 'float32';

const { values } = parseArgs({
  options: {
    iters: { type: 'string', default: '10000' },
    rounds: { type: 'string', default: '3' },
    dtype: { type: 'string', default: 'both' },
    child: { type: 'string' },
  },
  strict: true,
});

const iters = Number(values.iters);
const rounds = Number(values.rounds);
if (!Number.isInteger(iters) || iters < 1) fail(`--iters must be a positive integer, got ${values.iters}`);
if (!Number.isInteger(rounds) || rounds < 1) fail(`--rounds must be a positive integer, got ${values.rounds}`);
if (!['float64', 'float32', 'both'].includes(values.dtype)) fail(`--dtype must be float64, float32 or both, got ${values.dtype}`);

function fail(message: string): never {
  process.stderr.write(`bench/autograd: ${message}\n`);
  process.exit(2);
}

/** One timed run, in this process: prints one JSON line. */
function runOne(impl: Impl, dtype: DType): void {
  const data = loadMnist({ normalize: true, dtype });
  const net = impl === 'layers' ? new TwoLayerNet(784, 50, 10, { dtype }) : new AutogradTwoLayerNet(784, 50, 10, { dtype });
  const sampler = new BatchSampler(data.xTrain, data.trainLabels, 100, new Random(42));
  const sgd = new SGD(0.1);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  for (let i = 0; i < iters; i++) {
    const [x, t] = sampler.next();
    sgd.update(net.params, net.gradient(x, t));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuStarted);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const testAcc = net.accuracy(data.xTest, data.testLabels);
  process.stdout.write(`${JSON.stringify({ impl, dtype, iters, seconds, cpuSeconds, finalLoss: net.lastLoss, testAcc, backend: getBackend().name })}\n`);
}

interface Result { impl: Impl; dtype: DType; seconds: number; cpuSeconds: number; testAcc: number; backend: string }

function spawnOne(impl: Impl, dtype: DType): Result {
  const child = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', impl, '--dtype', dtype, '--iters', String(iters)], { encoding: 'utf8' });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  if (child.status !== 0 || !line.startsWith('{')) fail(`the ${impl} ${dtype} run failed: ${child.stderr.trim().split('\n').at(-1) ?? `exit ${child.status}`}`);
  return JSON.parse(line) as Result;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

if (values.child !== undefined) {
  if (values.child !== 'layers' && values.child !== 'autograd') fail(`--child must be layers or autograd, got ${values.child}`);
  runOne(values.child, values.dtype as DType);
} else {
  const dtypes: DType[] = values.dtype === 'both' ? ['float64', 'float32'] : [values.dtype as DType];
  const loads = [loadavg()[0]!];
  const results: Result[] = [];
  for (let r = 0; r < rounds; r++) {
    for (const dtype of dtypes) {
      for (const impl of ['layers', 'autograd'] as const) {
        const result = spawnOne(impl, dtype);
        results.push(result);
        process.stderr.write(`round ${r + 1}/${rounds} ${impl} ${dtype}: ${result.seconds.toFixed(2)} s (CPU ${result.cpuSeconds.toFixed(2)} s), test acc ${result.testAcc}\n`);
        loads.push(loadavg()[0]!);
      }
    }
  }
  const threads = process.env['NABLA_THREADS'] ?? 'default';
  console.log(`TwoLayerNet 784-50-10, SGD lr 0.1, batch 100, ${iters} iterations, backend ${results[0]!.backend} (NABLA_THREADS ${threads}); ${rounds} interleaved rounds, median loop seconds (wall, and CPU of the whole process)`);
  console.log(`1-min load average: ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)} (${loads.length} samples)`);
  console.log('| dtype | layers wall (s) | autograd wall (s) | autograd ÷ layers | layers CPU (s) | autograd CPU (s) | autograd ÷ layers (CPU) | test acc layers / autograd |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const dtype of dtypes) {
    const of = (impl: Impl): Result[] => results.filter((x) => x.impl === impl && x.dtype === dtype);
    const layers = median(of('layers').map((x) => x.seconds));
    const auto = median(of('autograd').map((x) => x.seconds));
    const layersCpu = median(of('layers').map((x) => x.cpuSeconds));
    const autoCpu = median(of('autograd').map((x) => x.cpuSeconds));
    const acc = (impl: Impl): string => [...new Set(of(impl).map((x) => x.testAcc))].join(', ');
    console.log(`| ${dtype} | ${layers.toFixed(2)} | ${auto.toFixed(2)} | ${(auto / layers).toFixed(2)}× | ${layersCpu.toFixed(2)} | ${autoCpu.toFixed(2)} | ${(autoCpu / layersCpu).toFixed(2)}× | ${acc('layers')} / ${acc('autograd')} |`);
  }
}
