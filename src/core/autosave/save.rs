//! What a save sends and what it answers.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::model::Change;

/// A save to start: the driver adds the diagram's current `cells` and calls the editor's
/// save callback with `{ diagramId, baseVersion, cells, changesSinceBase, cause }`, then
/// reports the answer with the same `attempt`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SaveRequest {
    /// This save's unique id; answers for any other id are ignored.
    pub attempt: u64,
    /// The diagram to save.
    pub diagram_id: String,
    /// The server version the changes were made on (optimistic concurrency: the server
    /// answers a conflict when it has moved on).
    pub base_version: u64,
    /// The semantic changes since `base_version`, in order (updates of the same path are
    /// squashed into one).
    pub changes_since_base: Vec<Change>,
    /// What started the save.
    pub cause: SaveCause,
}

/// What started a save. Serialized in camelCase, e.g. `"maxWait"`; `"flush"` tells the
/// save callback the page is closing (use `fetch(…, { keepalive: true })` there).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum SaveCause {
    /// The debounce elapsed after the latest change.
    Debounce,
    /// Editing went on for the max wait without a pause.
    MaxWait,
    /// A retry after a failed save.
    Retry,
    /// `saveNow()`.
    Manual,
    /// `flush()`: the page is being hidden or closed.
    Flush,
    /// The `overwrite` conflict resolution.
    Overwrite,
}

/// The answer to a save, tagged by `status`:
///
/// ```json
/// { "status": "saved", "version": 8 }
/// { "status": "conflict", "serverVersion": 9, "serverCells": [ … ] }
/// { "status": "failed", "retryable": true, "message": "503 Service Unavailable" }
/// ```
///
/// Answers from JavaScript go through [`SaveResult::from_answer`], which turns anything
/// malformed into a `failed` result with a clear message.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "camelCase")]
pub enum SaveResult {
    /// Saved; the server's diagram is now at `version`.
    Saved {
        /// The new server version, the base of the next save.
        version: u64,
    },
    /// The 409 `VERSION_CONFLICT` of optimistic concurrency: the server has moved on.
    #[serde(rename_all = "camelCase")]
    Conflict {
        /// The server's current version.
        server_version: u64,
        /// The server's cells, when the answer includes them.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_cells: Option<Vec<Value>>,
    },
    /// The save failed.
    Failed {
        /// Whether trying again may succeed (network down, 503, …). Non-retryable failures
        /// stop auto-save until a manual save.
        retryable: bool,
        /// What went wrong, for the user.
        message: String,
    },
}

impl SaveResult {
    /// A failed save.
    pub fn failed(retryable: bool, message: impl Into<String>) -> Self {
        Self::Failed {
            retryable,
            message: message.into(),
        }
    }
}
