//! Errors that cross the ABI as a numeric code plus a UTF-8 message.
//! Codes are stable: the TypeScript binding maps each one to a `LumosError` code.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u32)]
pub enum Code {
    InvalidArgument = 1,
    DimensionMismatch = 2,
    VectorNotFinite = 3,
    ZeroVector = 4,
    DuplicateId = 5,
    EmptyId = 6,
    InvalidK = 7,
    SnapshotCorrupt = 8,
    SnapshotVersion = 9,
    SnapshotKind = 10,
    ChunkOptionsInvalid = 11,
    InvalidUtf8 = 12,
    JsonInvalid = 13,
    OutOfMemory = 14,
    InvalidHandle = 15,
    TooLarge = 16,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoreError {
    pub code: Code,
    pub message: String,
}

impl CoreError {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        CoreError { code, message: message.into() }
    }
}

impl fmt::Display for CoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}: {}", self.code, self.message)
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

/// Shorthand: `return fail(Code::InvalidK, "k must be >= 1")`.
pub fn fail<T>(code: Code, message: impl Into<String>) -> CoreResult<T> {
    Err(CoreError::new(code, message))
}
