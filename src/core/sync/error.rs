//! Why a sync session refused a call.

use thiserror::Error;

use crate::core::error::ErrorCode;
use crate::core::state::StateError;

/// A refused sync call. The session and the diagram state are unchanged; for every code but
/// the state's own, the tab is out of step with the store: reload the diagram from the
/// store and call `resynced`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SyncError {
    /// A committed set that is not the next version (`code`: `SYNC_VERSION_GAP`): read the
    /// versions in between from the op log first.
    #[error("version {version} cannot be integrated on top of committed version {committed}: read the versions in between first")]
    VersionGap {
        /// This tab's committed version.
        committed: u64,
        /// The version offered.
        version: u64,
    },
    /// A commit of this tab that it did not make, or a commit answer that does not match
    /// the commit asked for (`code`: `SYNC_OUT_OF_STEP`).
    #[error(
        "the store and this tab disagree about this tab's commits ({detail}): reload the diagram"
    )]
    OutOfStep {
        /// What did not match.
        detail: String,
    },
    /// The diagram state refused the integration (a malformed or mismatching change); its
    /// own code (e.g. `CELL_NOT_FOUND`) is reported.
    #[error(transparent)]
    State(#[from] StateError),
}

impl ErrorCode for SyncError {
    fn code(&self) -> &'static str {
        match self {
            Self::VersionGap { .. } => "SYNC_VERSION_GAP",
            Self::OutOfStep { .. } => "SYNC_OUT_OF_STEP",
            Self::State(error) => error.code(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::model::ModelError;

    #[test]
    fn codes_are_stable() {
        let gap = SyncError::VersionGap {
            committed: 1,
            version: 3,
        };
        assert_eq!(gap.code(), "SYNC_VERSION_GAP");
        assert!(gap.to_string().contains("version 3"));
        let state = SyncError::from(StateError::from(ModelError::CellNotFound("n".into())));
        assert_eq!(state.code(), "CELL_NOT_FOUND");
        let out = SyncError::OutOfStep { detail: "x".into() };
        assert_eq!(out.code(), "SYNC_OUT_OF_STEP");
    }
}
