// The shared kernel suite, bundled for a browser page by kernel_suite.test.ts: the suite's
// own test files, unchanged, with node:test and node:assert mapped to ./shims. The page
// calls runKernelSuite(); the kernels are compiled (initWasm) before the suite's files
// are evaluated, because they make their backends as they register.

import { initWasm, matmul, referenceBackend, setBackend, Tensor, type BackendReport } from '../../src/index.js';
import { runRegistered, type TestOutcome } from './shims/node_test.js';

export interface SuiteResult {
  report: BackendReport;
  crossOriginIsolated: boolean;
  outcomes: TestOutcome[];
}

async function runKernelSuite(): Promise<SuiteResult> {
  const report = await initWasm();
  await import('../backend/kernels.test.js');
  await import('../backend/gemm.test.js');
  await import('../backend/sparse.test.js');
  await import('../backend/conv_kernels.test.js');
  await import('../backend/adam_kernel.test.js');
  await import('../backend/bytes_kernels.test.js');
  await import('../backend/gemm_bytes.test.js');
  await import('../backend/gemm_sparse_bytes.test.js');
  return { report, crossOriginIsolated: globalThis.crossOriginIsolated === true, outcomes: await runRegistered() };
}

/** Where memory cannot be shared: the wasm backend on one thread, checked against the reference on one product. */
async function checkOneThread(): Promise<{ report: BackendReport; crossOriginIsolated: boolean; sameAsReference: boolean }> {
  const report = await initWasm();
  const a = Tensor.from(Array.from({ length: 64 }, (_, i) => Array.from({ length: 48 }, (_, j) => Math.sin(i * 48 + j))));
  const b = Tensor.from(Array.from({ length: 48 }, (_, i) => Array.from({ length: 32 }, (_, j) => Math.cos(i * 32 + j))));
  const fast = Array.from(matmul(a, b).data);
  setBackend(referenceBackend);
  const reference = Array.from(matmul(a, b).data);
  return { report, crossOriginIsolated: globalThis.crossOriginIsolated === true, sameAsReference: fast.every((v, i) => Math.abs(v - reference[i]!) <= 1e-12 * Math.max(1, Math.abs(reference[i]!))) };
}

// Under node --test this file is evaluated too (everything in dist/test/ is); it only defines.
Object.assign(globalThis, { runKernelSuite, checkOneThread });
