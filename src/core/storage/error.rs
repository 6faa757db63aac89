//! Why a storage operation failed, with a stable code for each reason.

use serde::Serialize;
use thiserror::Error;

use super::corrupt::CorruptRecords;
use super::document::DocumentProblem;
use crate::core::error::ErrorCode;

/// A failed storage operation. Unless a variant says otherwise, nothing was written.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum StoreError {
    /// No diagram with this id (`code`: `DIAGRAM_NOT_FOUND`).
    #[error("no diagram with id '{id}'")]
    DiagramNotFound {
        /// The id that was asked for.
        id: String,
    },
    /// A diagram with this id already exists (`code`: `DIAGRAM_EXISTS`).
    #[error("a diagram with id '{id}' already exists")]
    DiagramExists {
        /// The id that is taken.
        id: String,
    },
    /// The commit was made against a version that is no longer the stored one: another tab
    /// committed first (`code`: `STALE_VERSION`). Nothing was written; rebase on `stored`.
    #[error("stale commit: based on version {base} but the stored version is {stored}")]
    StaleVersion {
        /// The version the commit was based on.
        base: u64,
        /// The version currently stored.
        stored: u64,
    },
    /// The changes of a commit do not fit the stored cells: the committing tab is out of
    /// step with the store, e.g. it updates a path whose stored value is not the one it
    /// changed, or adds a cell that is stored already (`code`: `OUT_OF_STEP`). Nothing was
    /// written; reload the diagram from the store (its pending changes are rebased).
    #[error("the commit does not fit the stored diagram ({detail}): reload the diagram")]
    OutOfStep {
        /// What did not fit.
        detail: String,
    },
    /// A commit that breaks the commit rules, e.g. a change that names no cell
    /// (`code`: `INVALID_COMMIT`).
    #[error("invalid commit: {reason}")]
    InvalidCommit {
        /// What is wrong.
        reason: String,
    },
    /// An empty or non-text diagram name (`code`: `INVALID_NAME`).
    #[error("invalid diagram name: {reason}")]
    InvalidName {
        /// What is wrong.
        reason: String,
    },
    /// An argument that cannot be used, e.g. an empty diagram id (`code`:
    /// `INVALID_ARGUMENT`).
    #[error("invalid argument: {reason}")]
    InvalidArgument {
        /// What is wrong.
        reason: String,
    },
    /// An X6 document (or a set of initial cells) that cannot be imported; every problem is
    /// listed (`code`: `INVALID_DOCUMENT`).
    #[error("invalid X6 document: {}", DocumentProblem::summary(.problems))]
    InvalidDocument {
        /// Every problem found, in document order.
        problems: Vec<DocumentProblem>,
    },
    /// Stored records that are corrupt or wrongly shaped stop this operation
    /// (`code`: `CORRUPT_RECORDS`); the records are listed.
    #[error(transparent)]
    CorruptRecords(#[from] CorruptRecords),
    /// The browser refused the write for lack of space (`code`: `QUOTA_EXCEEDED`). Nothing
    /// was written; keep the changes and retry later.
    #[error("storage quota exceeded: {message}")]
    QuotaExceeded {
        /// The browser's message.
        message: String,
    },
    /// IndexedDB cannot be used here: disabled, or a private mode without it
    /// (`code`: `STORAGE_UNAVAILABLE`). An in-memory store can be used instead.
    #[error("local storage is unavailable: {reason}")]
    Unavailable {
        /// Why.
        reason: String,
    },
    /// Opening needs a schema upgrade that another open tab blocks (`code`:
    /// `UPGRADE_BLOCKED`). Close the other tabs of this editor, then open again.
    #[error("the storage upgrade is blocked by another open tab of this editor")]
    UpgradeBlocked,
    /// The stored data was written by a newer version of the app (`code`:
    /// `SCHEMA_TOO_NEW`).
    #[error("the stored data has a newer schema than this app understands: {message}")]
    SchemaTooNew {
        /// The browser's message.
        message: String,
    },
    /// Migrating an older stored layout failed; nothing was changed (`code`:
    /// `MIGRATION_FAILED`).
    #[error("migrating the stored diagrams failed: {reason}")]
    MigrationFailed {
        /// Why.
        reason: String,
    },
    /// The store was closed: by `close()`, or because a newer version of the app opened
    /// the same storage in another tab (`code`: `STORE_CLOSED`).
    #[error("the diagram store is closed")]
    Closed,
    /// Any other storage failure (`code`: `STORAGE_ERROR`).
    #[error("storage error ({name}): {message}")]
    Backend {
        /// The DOMException name, e.g. `UnknownError`.
        name: String,
        /// The browser's message.
        message: String,
    },
}

impl StoreError {
    /// Maps a DOMException (by its `name`) raised by IndexedDB to a store error, e.g.
    /// `QuotaExceededError` to [`StoreError::QuotaExceeded`].
    ///
    /// ```
    /// use diagram_state::core::error::ErrorCode;
    /// use diagram_state::core::storage::StoreError;
    /// let error = StoreError::from_dom_exception("QuotaExceededError", "disk full");
    /// assert_eq!(error.code(), "QUOTA_EXCEEDED");
    /// assert!(error.is_retryable());
    /// ```
    pub fn from_dom_exception(name: &str, message: &str) -> Self {
        let message = message.to_owned();
        match name {
            "QuotaExceededError" => Self::QuotaExceeded { message },
            "VersionError" => Self::SchemaTooNew { message },
            "SecurityError" | "NotAllowedError" => Self::Unavailable { reason: message },
            "InvalidStateError" if message.to_ascii_lowercase().contains("clos") => Self::Closed,
            _ => Self::Backend {
                name: name.to_owned(),
                message,
            },
        }
    }

    /// Whether the same operation may succeed if tried again later with the same input
    /// (lack of space, a transient browser failure). A stale commit is not retryable as is:
    /// it must be rebased first.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::QuotaExceeded { .. } | Self::Backend { .. })
    }
}

impl ErrorCode for StoreError {
    fn code(&self) -> &'static str {
        match self {
            Self::DiagramNotFound { .. } => "DIAGRAM_NOT_FOUND",
            Self::DiagramExists { .. } => "DIAGRAM_EXISTS",
            Self::StaleVersion { .. } => "STALE_VERSION",
            Self::OutOfStep { .. } => "OUT_OF_STEP",
            Self::InvalidCommit { .. } => "INVALID_COMMIT",
            Self::InvalidName { .. } => "INVALID_NAME",
            Self::InvalidArgument { .. } => "INVALID_ARGUMENT",
            Self::InvalidDocument { .. } => "INVALID_DOCUMENT",
            Self::CorruptRecords(records) => records.code(),
            Self::QuotaExceeded { .. } => "QUOTA_EXCEEDED",
            Self::Unavailable { .. } => "STORAGE_UNAVAILABLE",
            Self::UpgradeBlocked => "UPGRADE_BLOCKED",
            Self::SchemaTooNew { .. } => "SCHEMA_TOO_NEW",
            Self::MigrationFailed { .. } => "MIGRATION_FAILED",
            Self::Closed => "STORE_CLOSED",
            Self::Backend { .. } => "STORAGE_ERROR",
        }
    }
}

/// The details JavaScript gets next to `code` and `message` for the errors that carry
/// data (`error.details`), e.g. `{ stored: 7 }` for `STALE_VERSION` or the list of
/// problems for `INVALID_DOCUMENT`; `None` for the others.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum StoreErrorDetails<'a> {
    /// `STALE_VERSION`: `{ base, stored }`.
    Stale {
        /// The version the commit was based on.
        base: u64,
        /// The version currently stored.
        stored: u64,
    },
    /// `INVALID_DOCUMENT`: `{ problems: [...] }`.
    Problems {
        /// Every problem found.
        problems: &'a [DocumentProblem],
    },
    /// `CORRUPT_RECORDS`: `{ records: [...] }`.
    Records {
        /// The skipped records.
        records: &'a [super::corrupt::CorruptRecord],
    },
}

impl StoreError {
    /// The data this error carries for JavaScript, if any (see [`StoreErrorDetails`]).
    pub fn details(&self) -> Option<StoreErrorDetails<'_>> {
        match self {
            Self::StaleVersion { base, stored } => Some(StoreErrorDetails::Stale {
                base: *base,
                stored: *stored,
            }),
            Self::InvalidDocument { problems } => Some(StoreErrorDetails::Problems { problems }),
            Self::CorruptRecords(report) => Some(StoreErrorDetails::Records {
                records: &report.records,
            }),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dom_exception_names_map_to_stable_codes() {
        let code = |name: &str, message: &str| StoreError::from_dom_exception(name, message).code();
        assert_eq!(code("QuotaExceededError", ""), "QUOTA_EXCEEDED");
        assert_eq!(code("VersionError", ""), "SCHEMA_TOO_NEW");
        assert_eq!(code("SecurityError", ""), "STORAGE_UNAVAILABLE");
        assert_eq!(
            code("InvalidStateError", "The database connection is closing."),
            "STORE_CLOSED"
        );
        assert_eq!(code("UnknownError", "internal"), "STORAGE_ERROR");
    }

    #[test]
    fn only_transient_failures_are_retryable() {
        assert!(StoreError::QuotaExceeded {
            message: String::new()
        }
        .is_retryable());
        assert!(!StoreError::StaleVersion { base: 1, stored: 2 }.is_retryable());
        assert!(!StoreError::Closed.is_retryable());
    }
}
