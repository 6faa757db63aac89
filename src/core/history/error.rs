//! Why a history operation was refused.

use thiserror::Error;

use crate::core::error::ErrorCode;

/// A refused history operation. Nothing changes when one is returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum HistoryError {
    /// `endBatch` without a matching `beginBatch` (`code`: `UNBALANCED_BATCH_END`).
    #[error("a batch was ended but none is open (batch:stop without batch:start)")]
    UnbalancedBatchEnd,
    /// Undo or redo while a batch is open (`code`: `BATCH_OPEN`).
    #[error("cannot undo or redo while a batch is open; end the batch first")]
    BatchOpen,
}

impl ErrorCode for HistoryError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnbalancedBatchEnd => "UNBALANCED_BATCH_END",
            Self::BatchOpen => "BATCH_OPEN",
        }
    }
}
