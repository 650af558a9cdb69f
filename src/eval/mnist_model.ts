import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DType } from '../backend/backend.js';
import { MNIST_CLASSES } from '../data/mnist.js';
import { loadNetwork } from '../io/model_file.js';
import { printable } from '../io/printable.js';
import { specInputSize, type Network, type NetworkSpec } from '../nets/network.js';
import { RUN_FILES } from '../train/run_files.js';

/** Pixels of one 28×28 MNIST image, flattened. */
export const MNIST_INPUTS = 28 * 28;

/**
 * The weights file `path` names: the file itself, or for a run folder written by
 * nabla train, the model.safetensors in it.
 */
export async function resolveModelPath(path: string): Promise<string> {
  const isFolder = await stat(path).then((s) => s.isDirectory(), () => false);
  if (!isFolder) return path; // reading it reports what is wrong, if anything
  const model = join(path, RUN_FILES.model);
  const found = await stat(model).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOENT');
  if (!found) {
    throw new Error(`${printable(path, 1000)}: a folder without ${RUN_FILES.model}; if it is an unfinished run, finish it with nabla train --resume ${printable(path, 1000)}`);
  }
  return model;
}

/**
 * Loads a saved network (any that nabla saves) that classifies MNIST digits, from a weights file or a run
 * folder: a valid weights file of another shape would otherwise fail later with a shape
 * error that names no file. Returns the file the weights came from too.
 */
export async function loadMnistClassifier(path: string, dtype?: DType): Promise<{ network: Network; spec: NetworkSpec; file: string }> {
  const file = await resolveModelPath(path);
  const { network, spec } = await loadNetwork(file, dtype);
  if (specInputSize(spec) !== MNIST_INPUTS || spec.outputSize !== MNIST_CLASSES) {
    throw new Error(`${printable(file, 1000)}: the network maps ${specInputSize(spec)} inputs to ${spec.outputSize} classes; MNIST digits need ${MNIST_INPUTS} to ${MNIST_CLASSES}`);
  }
  return { network, spec, file };
}
