// Imported first by the Node entry (src/node.ts) and the CLI: from here on, the first
// getBackend() gives the WebAssembly backend on worker threads, synchronously, and sizes
// are checked against the machine's memory.

import { totalmem } from 'node:os';
import { setWasmHost } from '../../backend/wasm/host.js';
import { setTotalMemory } from '../../util/machine.js';
import { nodeWasmHost } from './wasm_host.js';

setWasmHost(nodeWasmHost);
setTotalMemory(totalmem);
