// `import wasmUrl from "graphql-outbox/graphql_outbox_bg.wasm"`: for bundlers that load a .wasm
// file as an asset and give its URL (esbuild `--loader:.wasm=file`, webpack `asset/resource`).
// Pass it to `init({ module_or_path: wasmUrl })`.
declare const wasmUrl: string;
export default wasmUrl;
