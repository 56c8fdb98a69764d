// Workers (wrangler, Miniflare, esbuild with the CompiledWasm rule) import a .wasm file as a compiled
// WebAssembly.Module: Workers may not compile wasm from bytes at run time.
declare module '*.wasm' {
  const module: WebAssembly.Module
  export default module
}
