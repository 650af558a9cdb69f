// Compiles the AssemblyScript kernels (src/backend/wasm/assembly) to build/*.wasm.
// Placeholder until the WebAssembly backend lands.
