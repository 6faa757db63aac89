//! Ids and paths that many places hold at once (the diagram's outcome, the history, the
//! filter's verdicts): reference-counted, so sharing one is not copying it.

use std::sync::Arc;

/// An immutable string shared by reference count, e.g. a cell id or a path in a
/// [`Change`](super::Change). It reads like a `&str` (`&*text`, `text.as_ref()`) and
/// serializes as a plain string.
pub type SharedStr = Arc<str>;
