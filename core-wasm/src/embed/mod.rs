//! Embeddings computed inside the core. `lexical`: feature hashing of words, word bigrams and
//! character n-grams (no model, no downloads). `hash` and `detmath` keep the output
//! bit-identical on every platform (wasm, x86, ARM).

mod counter;
mod detmath;
mod hash;
pub mod lexical;

#[cfg(test)]
mod eval_arguana;
#[cfg(test)]
mod tests;

pub use lexical::{embed, embed_batch, LexicalEmbedder, LexicalOptions, DEFAULT_DIMENSIONS, MAX_DIMENSIONS, MIN_DIMENSIONS};
