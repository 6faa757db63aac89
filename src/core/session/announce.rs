//! What the session engine tells the editor, as data: the bindings turn each
//! [`Announcement`] into events (`change`, `history`, `conflict`, `sync`, `save`) or a
//! console line, and nothing else.

use serde::Serialize;

use crate::core::error::ErrorCode;
use crate::core::history::HistoryState;
use crate::core::model::Change;
use crate::core::storage::StoreError;
use crate::core::sync::Conflict;

/// One thing the editor is to be told, in the order the engine emits them.
#[derive(Debug, Clone, PartialEq)]
pub enum Announcement {
    /// Another tab's changes were applied to the diagram (never empty): show them on the
    /// graph (origin `tab`) without recording them again.
    TabChanges {
        /// The changes, as applied.
        changes: Vec<Change>,
        /// The diagram's version afterwards.
        version: u64,
    },
    /// The history's observable state changed from `before` to `after` (never equal).
    History {
        /// Before the change.
        before: HistoryState,
        /// After it.
        after: HistoryState,
    },
    /// A conflict with another tab, settled or left for the user.
    Conflict(Conflict),
    /// Auto-save is to consider these changes (another tab's, not on the server yet).
    AutoSave {
        /// The changes.
        changes: Vec<Change>,
    },
    /// This tab now leads (or no longer leads) the diagram's tabs: only the leader saves to
    /// the server.
    Lead {
        /// Whether it leads.
        leading: bool,
        /// Whether the new leader is to save at once what the server copy may lack (store
        /// versions no save is known to include, or changes not committed yet).
        carry_over: bool,
    },
    /// Another tab saved the diagram as `server_version`: this tab's auto-save (not the
    /// leader) takes it as its base.
    SavedElsewhere {
        /// The server's version of the saved copy.
        server_version: u64,
    },
    /// The sync status changed (see [`SessionEngine::status`](super::SessionEngine::status)).
    Status,
    /// Something went wrong that the engine copes with by itself, for the console.
    Problem(Problem),
}

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The engine recovers (reloads, retries, tries later).
    Warning,
    /// Something was not done (it is reported, the session goes on).
    Error,
}

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The store refused a commit as `OUT_OF_STEP`: the diagram is reloaded.
    OutOfStep,
    /// A commit's answer did not match the request: the diagram is reloaded.
    CommitAnswer,
    /// Another tab's changes could not be integrated: the diagram is reloaded.
    Integrate,
    /// The reloaded diagram could not be integrated.
    Resync,
    /// The diagram could not be reloaded from the store.
    Reload,
    /// A closing tab's changes could not be claimed.
    Claim,
    /// A closing tab's claimed changes could not be applied.
    Adopt,
    /// A save could not be recorded in the directory (that session saves once more).
    RecordSave,
}

/// A problem the engine copes with, with its explanation.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    /// What went wrong.
    pub kind: ProblemKind,
    /// The error behind it, as text.
    pub detail: String,
}

impl Problem {
    /// A problem of `kind` caused by `error`.
    pub fn new(kind: ProblemKind, error: &impl std::fmt::Display) -> Self {
        Self {
            kind,
            detail: error.to_string(),
        }
    }

    /// How bad it is.
    pub fn severity(&self) -> Severity {
        match self.kind {
            ProblemKind::OutOfStep | ProblemKind::Claim | ProblemKind::RecordSave => {
                Severity::Warning
            }
            _ => Severity::Error,
        }
    }

    /// The line for the console.
    pub fn message(&self) -> String {
        let detail = &self.detail;
        match self.kind {
            ProblemKind::OutOfStep | ProblemKind::CommitAnswer | ProblemKind::Integrate => {
                format!("{detail}; reloading the diagram")
            }
            ProblemKind::Resync => format!("resync failed: {detail}"),
            ProblemKind::Reload => format!("cannot reload the diagram: {detail}"),
            ProblemKind::Claim => format!("cannot claim a closing tab's changes: {detail}"),
            ProblemKind::Adopt => format!("cannot take over a closing tab's changes: {detail}"),
            ProblemKind::RecordSave => {
                format!("cannot record the save in the directory: {detail}")
            }
        }
    }
}

/// A store error as the sync status shows it (`error`): `{ code, message, retryable }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StoreProblem {
    /// The error's stable code, e.g. `QUOTA_EXCEEDED`.
    pub code: &'static str,
    /// What happened.
    pub message: String,
    /// Whether trying again may succeed (the commit is then retried).
    pub retryable: bool,
}

impl From<&StoreError> for StoreProblem {
    fn from(error: &StoreError) -> Self {
        Self {
            code: error.code(),
            message: error.to_string(),
            retryable: error.is_retryable(),
        }
    }
}
