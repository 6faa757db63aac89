//! Why an auto-save call was refused.

use thiserror::Error;

use super::reason::DecisionReason;
use crate::core::error::ErrorCode;

/// A refused auto-save call. Nothing changes when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AutoSaveError {
    /// A setting out of range (`code`: `INVALID_AUTOSAVE_CONFIG`).
    #[error("auto-save setting `{field}` is invalid: {problem}")]
    InvalidConfig {
        /// The setting's JavaScript name, e.g. `maxWait`.
        field: &'static str,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A conflict resolution while there is no conflict (`code`: `NO_CONFLICT`).
    #[error("there is no save conflict to resolve")]
    NoConflict,
    /// A manual save while a version conflict waits for its resolution (`code`:
    /// `VERSION_CONFLICT`): resolve it first with `refresh`, `overwrite` or `cancel`.
    #[error("the server has version {server_version}: resolve the conflict (refresh, overwrite or cancel) before saving")]
    ConflictUnresolved {
        /// The server's version reported by the conflicting save.
        server_version: u64,
    },
    /// A manual save the decision tree refused (`code`: `SAVE_SKIPPED`), e.g. no diagram id.
    #[error("the save was skipped: {}", reason.describe())]
    Skipped {
        /// The decision tree's reason.
        reason: DecisionReason,
    },
}

impl ErrorCode for AutoSaveError {
    fn code(&self) -> &'static str {
        match self {
            Self::InvalidConfig { .. } => "INVALID_AUTOSAVE_CONFIG",
            Self::NoConflict => "NO_CONFLICT",
            Self::ConflictUnresolved { .. } => "VERSION_CONFLICT",
            Self::Skipped { .. } => "SAVE_SKIPPED",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_stable_and_messages_readable() {
        let error = AutoSaveError::ConflictUnresolved { server_version: 7 };
        assert_eq!(error.code(), "VERSION_CONFLICT");
        assert!(error.to_string().contains("version 7"));
        let error = AutoSaveError::Skipped {
            reason: DecisionReason::NoDiagramId,
        };
        assert_eq!(error.code(), "SAVE_SKIPPED");
        assert!(error.to_string().contains("no diagram id"));
        assert_eq!(AutoSaveError::NoConflict.code(), "NO_CONFLICT");
    }
}
