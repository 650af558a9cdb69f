// Turns a finished `nabla train` run into a model file shipped in the package
// (models/NAME.safetensors): the run's weights, scored again here on all the test
// images, with how they were made in the metadata.
//
//   node dist/tools/ship_model.js RUN_DIR NAME "TRAINING COMMAND"

import '../src/platform/node/register.js'; // the wasm kernels on worker threads, as `import 'nabla'` gives in Node
import { mkdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getBackend } from '../src/backend/index.js';
import { loadMnist } from '../src/data/mnist.js';
import { loadNetwork, saveNetwork } from '../src/io/model_file.js';
import { CHECKPOINT_STATE } from '../src/train/checkpoint.js';
import { RUN_FILES } from '../src/train/run_files.js';
import { NABLA_VERSION } from '../src/version.js';

const [runDir, name, command] = process.argv.slice(2);
if (!runDir || !name || !command) {
  console.error('usage: node dist/tools/ship_model.js RUN_DIR NAME "TRAINING COMMAND"');
  process.exit(2);
}
const root = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const { network, spec } = await loadNetwork(join(runDir, RUN_FILES.model));
const checkpoint = JSON.parse(readFileSync(join(runDir, CHECKPOINT_STATE), 'utf8')) as { finished?: boolean; setup: { train: { seed: number; iters: number } }; state: { iteration: number; seconds: number } };
if (!checkpoint.finished || checkpoint.state.iteration !== checkpoint.setup.train.iters) throw new Error(`${runDir}: the run is not finished`);
const config = JSON.parse(readFileSync(join(runDir, RUN_FILES.config), 'utf8')) as { versions: { nabla: string; node: string }; backend: { name: string; threads: number } };
const data = loadMnist({ dtype: spec.dtype });
const started = performance.now();
const testAccuracy = network.accuracy(data.xTest, data.testLabels);
const seconds = (performance.now() - started) / 1000;
mkdirSync(join(root, 'models'), { recursive: true });
const out = join(root, 'models', `${name}.safetensors`);
await saveNetwork(network, out, {
  trainingCommand: command,
  seed: String(checkpoint.setup.train.seed),
  iterations: String(checkpoint.state.iteration),
  trainingSeconds: checkpoint.state.seconds.toFixed(0),
  trainedWith: `nabla ${config.versions.nabla}, node ${config.versions.node}, ${config.backend.name} backend with ${config.backend.threads} threads on ${cpus()[0]?.model ?? 'unknown CPU'}`,
  testAccuracy: String(testAccuracy),
  testImages: String(data.testLabels.length),
  shippedWith: `nabla ${NABLA_VERSION}`,
});
console.log(`${out}: test accuracy ${testAccuracy} on ${data.testLabels.length} images (${getBackend().name}, scored in ${seconds.toFixed(1)} s); trained ${checkpoint.state.iteration} iterations in ${checkpoint.state.seconds.toFixed(0)} s`);
