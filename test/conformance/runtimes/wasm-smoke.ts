// The wasm smoke query shared by the runtime entries (workerd, Deno, Chromium). Call the adapter's
// `ready()` first: this only checks that the loaded core answers both index kinds.
import { KeywordIndex, VectorIndex } from '../../../runtime/core/index.js'

/** Three 3-d vectors and two documents (`relevant` first); expect { vector: ['x', 'z'], keyword: ['a'] }. */
export function queryBothIndexes(relevant: string, query: string): { vector: string[]; keyword: string[] } {
  const vi = new VectorIndex({ dimensions: 3 })
  vi.upsert(['x', 'y', 'z'], [
    [1, 0, 0],
    [0, 1, 0],
    [0.7, 0.7, 0],
  ])
  const vector = vi.search([0.9, 0.1, 0], { k: 2 }).ids
  vi.free()
  const ki = new KeywordIndex()
  ki.upsert(['a', 'b'], [relevant, 'Cats sleep all day'])
  const keyword = ki.search(query, { k: 2 }).ids
  ki.free()
  return { vector, keyword }
}
