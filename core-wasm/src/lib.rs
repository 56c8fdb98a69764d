//! Lumos core: vector search, BM25 keyword search, rank fusion and text chunking.
//! Engine modules are plain Rust with native tests; `abi` is the only module with exports.

pub mod error;
pub mod idmap;
pub mod snapshot;

#[cfg(test)]
mod smoke {
    #[test]
    fn builds() {}
}
