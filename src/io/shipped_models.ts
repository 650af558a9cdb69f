// The trained conv nets that ship with nabla, named on the command line as
// `--model simple-conv` or `--model deep-conv` instead of a path.

import { lstat, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { printable } from './printable.js';

/** The names --model takes for the shipped models; each is models/<name>.safetensors in the package. */
export const SHIPPED_MODELS = ['simple-conv', 'deep-conv'] as const;

export type ShippedModel = (typeof SHIPPED_MODELS)[number];

/**
 * The package's models/ folder. This file runs as dist/src/io/shipped_models.js, so the
 * package root is three folders up (version.ts finds package.json the same way); the
 * models live outside src/ because they are data, not code.
 */
export function shippedModelsDir(): string {
  return fileURLToPath(new URL('../../../models/', import.meta.url));
}

export function isShippedModel(name: string): name is ShippedModel {
  return (SHIPPED_MODELS as readonly string[]).includes(name);
}

/** Where the shipped model `name` is installed. */
export function shippedModelPath(name: ShippedModel, modelsDir = shippedModelsDir()): string {
  return join(modelsDir, `${name}.safetensors`);
}

/** Resolving a --model value; modelsDir stands in for the package's models/ folder in tests. */
export interface ModelArgOptions {
  modelsDir?: string;
}

/**
 * The path a --model value names. Anything but a bare shipped name is a path, as is.
 * A bare shipped name is the shipped model, unless a file or folder of that name exists
 * in the current folder: what the user made there is what they most likely mean, and
 * `--model simple-conv` must not start reading a different network because nabla was
 * upgraded. A missing shipped file (a damaged install, or a checkout before the models
 * were trained) gets one line saying how to get one.
 */
export async function resolveModelArg(arg: string, options: ModelArgOptions = {}): Promise<string> {
  if (!isShippedModel(arg)) return arg;
  // lstat: a dangling link of that name is still the user's, and reading it says what is wrong.
  const local = await lstat(arg).then(() => true, (e: NodeJS.ErrnoException) => e.code !== 'ENOENT');
  if (local) return arg;
  const path = shippedModelPath(arg, options.modelsDir);
  const missing = await stat(path).then(() => false, (e: NodeJS.ErrnoException) => e.code === 'ENOENT' || e.code === 'ENOTDIR');
  if (missing) {
    throw new Error(`the shipped model ${arg} is missing (${printable(path, 1000)}); reinstall nabla or train one with: nabla train --net ${arg}`);
  }
  return path;
}

/** The --model help line of the commands that load a model. */
export const MODEL_FLAG_HELP = `weights file written by nabla train (safetensors), its run folder, or a shipped model: ${SHIPPED_MODELS.join(' or ')}`;

/** The paragraph of those commands' --help that says what the shipped names mean. */
export const SHIPPED_MODELS_NOTE =
  'Shipped models: --model simple-conv and --model deep-conv are the book\'s SimpleConvNet and\n' +
  'DeepConvNet, trained on MNIST and installed with nabla. A file or folder of that name in\n' +
  'the current folder is used instead (write ./simple-conv to name yours unmistakably).';
