//! Errors of the diagram state: a refused change or a refused history operation.

use thiserror::Error;

use crate::core::error::ErrorCode;
use crate::core::history::HistoryError;
use crate::core::model::ModelError;

/// Why the diagram state refused a call. The state (diagram and history) is unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StateError {
    /// A malformed cell, a missing cell, an invalid path, a duplicate add, …
    #[error(transparent)]
    Model(#[from] ModelError),
    /// An unbalanced batch end, or undo/redo during a batch.
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl ErrorCode for StateError {
    fn code(&self) -> &'static str {
        match self {
            Self::Model(error) => error.code(),
            Self::History(error) => error.code(),
        }
    }
}
