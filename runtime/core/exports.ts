/** The raw exports of lumos-core.wasm (see core-wasm/src/abi.rs for the contract). */
export interface CoreExports {
  memory: WebAssembly.Memory
  lumos_abi_version(): number
  lumos_alloc(size: number): number
  lumos_free(ptr: number, size: number): void
  lumos_out_ptr(): number
  lumos_out_len(): number
  lumos_err_ptr(): number
  lumos_err_len(): number
  lumos_err_code(): number
  lumos_object_free(h: number): number
  vector_new(dim: number, metric: number, quant: number, kind: number, m: number, efc: number, efs: number, rescore: number): number
  vector_upsert(h: number, idsPtr: number, idsLen: number, offsPtr: number, n: number, dataPtr: number, dataLen: number): number
  vector_delete(h: number, idsPtr: number, idsLen: number, offsPtr: number, n: number): number
  vector_search(h: number, qPtr: number, qLen: number, k: number, aPtr: number, aLen: number, aOffs: number, aN: number, hasAllow: number, ef: number): number
  vector_search_batch(h: number, qPtr: number, qLen: number, k: number, aPtr: number, aLen: number, aOffs: number, aN: number, hasAllow: number, ef: number): number
  vector_reserve(h: number, extra: number): number
  vector_compact(h: number): number
  vector_info(h: number): number
  vector_ids(h: number): number
  vector_save(h: number): number
  vector_load(ptr: number, len: number): number
  keyword_new(k1: number, b: number, flags: number): number
  keyword_defaults(): number
  keyword_upsert(h: number, idsPtr: number, idsLen: number, offsPtr: number, n: number, textsPtr: number, textsLen: number, textOffsPtr: number): number
  keyword_remove(h: number, idsPtr: number, idsLen: number, offsPtr: number, n: number): number
  keyword_search(h: number, qPtr: number, qLen: number, k: number, aPtr: number, aLen: number, aOffs: number, aN: number, hasAllow: number): number
  keyword_compact(h: number): number
  keyword_info(h: number): number
  keyword_ids(h: number): number
  keyword_save(h: number): number
  keyword_load(ptr: number, len: number): number
  lumos_tokenize(ptr: number, len: number, flags: number): number
  lumos_fuse(method: number, nlists: number, lensPtr: number, keysPtr: number, scoresPtr: number, weightsPtr: number, hasWeights: number, param: number, top: number): number
  lumos_chunk(textPtr: number, textLen: number, strategy: number, maxSize: number, overlap: number, minSize: number, unit: number, stripHeaders: number, sepsPtr: number, sepsLen: number, sepsOffs: number, nSeps: number): number
  lumos_estimate_tokens(ptr: number, len: number): number
  lumos_lexical_defaults(): number
  lumos_lexical_embed(blobPtr: number, blobLen: number, offsPtr: number, n: number, dims: number, flags: number): number
}

export const ABI_VERSION = 1
