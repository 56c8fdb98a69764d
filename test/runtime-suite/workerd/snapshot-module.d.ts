// The suite's snapshot, bundled into the test Worker as a Data module (workerd hands it over as an ArrayBuffer).
declare module '*.lumos' {
  const bytes: ArrayBuffer
  export default bytes
}
