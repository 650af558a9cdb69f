// The footer line every page shows: which backend the library computes on in this page.

import { backendReport, initWasm, type BackendReport, type InitWasmOptions } from '../../../src/index.js';

/** The report in words: "wasm, 4 threads (shared memory)", "reference (why)". */
export function describeBackend(report: BackendReport): string {
  if (report.name === 'wasm') {
    const threads = report.threads === 1 ? '1 thread' : `${report.threads} threads`;
    return `wasm, ${threads}${report.sharedMemory ? ', on shared memory' : ' (this page is not cross-origin isolated: no shared memory)'}`;
  }
  return report.reason === undefined ? report.name : `${report.name} (${report.reason})`;
}

/**
 * Loads the WebAssembly kernels (initWasm: threaded where the page is cross-origin isolated)
 * and writes the backend that every page computes on into its <output id="backend">. A page
 * whose work is tiny passes { threads: 1 }: each thread is a Web Worker with its own memory.
 */
export async function showBackend(options: InitWasmOptions = {}): Promise<BackendReport> {
  let report: BackendReport;
  try {
    report = await initWasm(options);
  } catch (error) {
    // initWasm falls back to the reference backend by itself; this is for the unforeseen.
    report = { ...backendReport(), reason: error instanceof Error ? error.message : String(error) };
  }
  const output = document.getElementById('backend');
  if (output !== null) {
    output.textContent = describeBackend(report);
    output.dataset.backend = report.name;
  }
  return report;
}
