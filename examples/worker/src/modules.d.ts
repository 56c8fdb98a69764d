// wrangler's Data rule (see wrangler.toml) imports a snapshot file as its bytes.
declare module '*.lumos' {
  const bytes: ArrayBuffer
  export default bytes
}
