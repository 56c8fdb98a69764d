//! Lumos core: vector search, BM25 keyword search, rank fusion, text chunking and lexical
//! (feature-hashing) embeddings.
//! Engine modules are plain Rust with native tests; `abi` is the only module with exports.

pub mod abi;
pub mod chunk;
pub mod embed;
pub mod error;
pub mod fusion;
pub mod idmap;
pub mod keyword;
pub mod snapshot;
pub mod vector;
