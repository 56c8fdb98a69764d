/** Seeded PRNG (mulberry32) so tests and benchmarks are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** n x dim unit vectors from a seeded Gaussian. */
export function randomUnitVectors(n: number, dim: number, seed: number): Float32Array {
  const r = rng(seed)
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    let norm = 0
    for (let j = 0; j < dim; j++) {
      const g = Math.sqrt(-2 * Math.log(r() || 1e-12)) * Math.cos(2 * Math.PI * r())
      out[i * dim + j] = g
      norm += g * g
    }
    norm = Math.sqrt(norm)
    for (let j = 0; j < dim; j++) out[i * dim + j] /= norm
  }
  return out
}

export type Metric = 'cosine' | 'dot' | 'l2'

/** Exact top-k by brute force in JS: the oracle the engine is checked against. */
export function bruteForce(data: Float32Array, dim: number, q: Float32Array, k: number, metric: Metric, allowed?: Set<number>): { idx: number[]; scores: number[] } {
  const n = data.length / dim
  let qn = 0
  for (let j = 0; j < dim; j++) qn += q[j] * q[j]
  qn = Math.sqrt(qn)
  const scored: [number, number][] = []
  for (let i = 0; i < n; i++) {
    if (allowed && !allowed.has(i)) continue
    let dot = 0, vn = 0, l2 = 0
    for (let j = 0; j < dim; j++) {
      const v = data[i * dim + j]
      dot += v * q[j]
      vn += v * v
      l2 += (v - q[j]) ** 2
    }
    const s = metric === 'dot' ? dot : metric === 'cosine' ? dot / (Math.sqrt(vn) * qn) : -Math.sqrt(l2)
    scored.push([i, s])
  }
  scored.sort((a, b) => b[1] - a[1] || a[0] - b[0])
  const top = scored.slice(0, k)
  return { idx: top.map((x) => x[0]), scores: top.map((x) => x[1]) }
}

export function recallAtK(found: string[], truth: string[]): number {
  const t = new Set(truth)
  let hit = 0
  for (const id of found) if (t.has(id)) hit++
  return truth.length === 0 ? 1 : hit / truth.length
}
