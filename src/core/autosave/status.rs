//! The observable auto-save status, for the editor's "Saving… / Saved / Error" display.

use serde::Serialize;

use super::decision::AutoSaveDecision;
use crate::core::clock::Millis;

/// Where auto-save stands, tagged by `state`:
///
/// ```json
/// { "state": "idle" }
/// { "state": "dirty" }
/// { "state": "saving" }
/// { "state": "saved", "at": 1718000000000, "version": 8 }
/// { "state": "error", "attempt": 2, "nextRetryAt": 1718000002000, "retryable": true, "message": "503" }
/// { "state": "conflict", "serverVersion": 9 }
/// ```
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "state", rename_all = "camelCase")]
pub enum AutoSaveStatus {
    /// Nothing saved yet and nothing to save.
    Idle,
    /// There are unsaved changes.
    Dirty,
    /// A save is in flight.
    Saving,
    /// The latest save succeeded and nothing changed since.
    Saved {
        /// When the answer arrived (ms since the epoch).
        at: Millis,
        /// The server version saved.
        version: u64,
    },
    /// The latest save failed.
    #[serde(rename_all = "camelCase")]
    Error {
        /// Consecutive failed attempts so far.
        attempt: u32,
        /// When the next retry starts; `null` when the failure is not retryable (auto-save
        /// stopped until a manual save).
        next_retry_at: Option<Millis>,
        /// Whether the failure is retryable.
        retryable: bool,
        /// What went wrong.
        message: String,
    },
    /// The server has a newer version: auto-save is paused until the user resolves.
    #[serde(rename_all = "camelCase")]
    Conflict {
        /// The server's version.
        server_version: u64,
    },
}

/// Everything the editor may display about auto-save at once. Serialized as
/// `{ status, lastDecision, online, paused, baseVersion, pendingChanges, nextSaveAt }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AutoSaveSnapshot {
    /// The status.
    pub status: AutoSaveStatus,
    /// The decision tree's latest decision, `null` before the first trigger.
    pub last_decision: Option<AutoSaveDecision>,
    /// Whether the browser is online; offline, saves wait.
    pub online: bool,
    /// Whether auto-save is paused (an open or cancelled conflict, or a non-retryable
    /// failure) until a resolution or a manual save.
    pub paused: bool,
    /// The server version the next save is based on.
    pub base_version: u64,
    /// How many changes the next save will carry.
    pub pending_changes: usize,
    /// When the next save (or retry) is due, if one is scheduled and can start.
    pub next_save_at: Option<Millis>,
}
