//! What every error of the core offers the bindings: a stable machine-readable code.

/// An error with a stable code that JavaScript sees as `error.code`
/// (for example `INVALID_PATH` or `VERSION_CONFLICT`). Codes never change once published.
pub trait ErrorCode: std::error::Error {
    /// The stable code of this error.
    fn code(&self) -> &'static str;
}
