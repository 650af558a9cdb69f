// The Train page's settings (playground/src/train/settings.ts, bundled here as the build
// bundles it) against `nabla train`'s own: the same network, optimizer and learning rate
// for every choice the page offers, and each bad value named in one line.

import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { networkSettings, type NetName } from '../../src/cli/train_settings.js';
import type { NetworkSpec } from '../../src/nets/network.js';
import type { OptimizerName } from '../../src/optim/optimizer.js';

type Checked = { ok: true; settings: Record<string, unknown> } | { ok: false; field: string; message: string };

/** What the test uses of the page's module (not imported for its types: tsc would compile the page's code into dist/). */
interface Settings {
  PAGE_NETS: readonly NetName[];
  PAGE_OPTIMIZERS: readonly OptimizerName[];
  DEFAULT_SETTINGS: { net: string; optimizer: string; learningRate: number; batchSize: number; dtype: string; iterations: number; seed: number };
  networkSpec(settings: { net: NetName; dtype: 'float32' | 'float64'; seed: number }): NetworkSpec;
  defaultOptimizer(net: NetName): OptimizerName;
  defaultLearningRate(optimizer: OptimizerName): number;
  checkSettings(text: Record<string, string>): Checked;
}

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** The page's module, bundled for the browser and imported from a data: URL. */
async function pageSettings(): Promise<Settings> {
  const result = await build({
    entryPoints: [`${root}playground/src/train/settings.ts`], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
  });
  return await import(`data:text/javascript;base64,${Buffer.from(result.outputFiles[0]!.text).toString('base64')}`) as Settings;
}

/** The network `nabla train --net net` trains on MNIST, as its newNetwork builds it. */
function cliNetwork(net: NetName, dtype: 'float32' | 'float64', seed: number): NetworkSpec {
  const s = networkSettings({ net, batchNorm: false }, new Set(['net']), net, dtype, seed);
  if (!s.network) return { type: 'TwoLayerNet', inputSize: 784, hiddenSize: s.hidden!, outputSize: 10, weightInitStd: s.weightInitStd!, seed, dtype };
  return 'inputSize' in s.network ? { ...s.network, inputSize: 784 } : s.network;
}

describe('the Train page\'s settings', () => {
  let page: Settings;
  before(async () => {
    page = await pageSettings();
  });

  it('build the network nabla train builds for each --net, and its default optimizer and learning rates', () => {
    for (const net of page.PAGE_NETS) {
      for (const dtype of ['float32', 'float64'] as const) {
        assert.deepEqual(page.networkSpec({ net, dtype, seed: 7 }), cliNetwork(net, dtype, 7), `${net} ${dtype}`);
      }
      const cli = networkSettings({ net, batchNorm: false }, new Set(['net']), net, 'float32', 42);
      assert.equal(page.defaultOptimizer(net), cli.optimizer ?? 'sgd', `${net}'s optimizer`);
    }
    for (const optimizer of page.PAGE_OPTIMIZERS) {
      const cli = networkSettings({ net: 'two-layer', optimizer, batchNorm: false }, new Set(['net', 'optimizer']), 'two-layer', 'float32', 42);
      assert.equal(page.defaultLearningRate(optimizer), cli.learningRate, `${optimizer}'s learning rate`);
    }
    const d = page.DEFAULT_SETTINGS;
    assert.deepEqual([d.net, d.optimizer, d.learningRate, d.batchSize, d.seed], ['two-layer', 'sgd', 0.1, 100, 42]);
  });

  it('accept the form\'s text and name the first bad field in one line', () => {
    const good = { net: 'mlp', optimizer: 'adam', learningRate: '1e-3', batchSize: '32', dtype: 'float64', iterations: '500', seed: '0' };
    assert.deepEqual(page.checkSettings(good), { ok: true, settings: { net: 'mlp', optimizer: 'adam', learningRate: 0.001, batchSize: 32, dtype: 'float64', iterations: 500, seed: 0 } });
    const cases: [Partial<typeof good>, string, RegExp][] = [
      [{ learningRate: '0' }, 'learningRate', /^Learning rate must be a number above 0 and at most 100, got '0'$/],
      [{ learningRate: 'fast' }, 'learningRate', /got 'fast'$/],
      [{ learningRate: 'Infinity' }, 'learningRate', /got 'Infinity'$/],
      [{ batchSize: '2.5' }, 'batchSize', /^Batch size must be a whole number from 1 to 60000, got '2.5'$/],
      [{ batchSize: '60001' }, 'batchSize', /got '60001'$/],
      [{ iterations: '' }, 'iterations', /^Iterations must be a whole number from 1 to 1000000, got ''$/],
      [{ seed: '-1' }, 'seed', /^Seed must be a whole number/],
      [{ net: 'deep-conv' }, 'net', /^Network must be one of two-layer, mlp, simple-conv$/],
      [{ dtype: 'float16' }, 'dtype', /^Number type must be float32 or float64$/],
      [{ learningRate: '\u0007'.repeat(30) }, 'learningRate', /got '\?{20}…'$/],
    ];
    for (const [change, field, message] of cases) {
      const checked = page.checkSettings({ ...good, ...change });
      assert.equal(checked.ok, false, JSON.stringify(change));
      if (!checked.ok) {
        assert.equal(checked.field, field);
        assert.match(checked.message, message);
      }
    }
  });
});
