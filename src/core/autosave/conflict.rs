//! Version conflicts and their three resolutions: refresh, overwrite, cancel.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::model::Change;

/// How the user resolves a version conflict. Serialized as `"refresh"`, `"overwrite"` or
/// `"cancel"`, as in the conflict dialog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConflictResolution {
    /// Load the latest: adopt the server's state; local unsaved changes are set aside.
    Refresh,
    /// Keep mine: save again with the server's version as the base.
    Overwrite,
    /// Dismiss: keep local changes unsaved; auto-save stays paused until another
    /// resolution or a manual save.
    Cancel,
}

/// What the driver must do after a resolution, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ResolutionOutcome {
    /// Load the server's state into the editor (with `load(serverCells, serverVersion)`),
    /// and report the local changes that were set aside.
    #[serde(rename_all = "camelCase")]
    Refresh {
        /// The version to load.
        server_version: u64,
        /// The server's cells, if the conflict answer included them; otherwise fetch them.
        server_cells: Option<Vec<Value>>,
        /// The local changes not saved, in order: no longer part of any save.
        set_aside: Vec<Change>,
    },
    /// A save with `baseVersion` = the server's version starts now. The unsaved changes
    /// should first be merged over the server's cells, when the answer carried them (see
    /// [`crate::core::autosave::merge_server_copy`] with [`crate::core::autosave::Prefer::Local`]),
    /// so that the save keeps the server's other edits, and then handed back with
    /// [`crate::core::autosave::AutoSaveEngine::rebase_unsaved`].
    #[serde(rename_all = "camelCase")]
    Overwrite {
        /// The new base version.
        base_version: u64,
        /// The server's cells, if the conflict answer included them (not sent to JS).
        #[serde(skip)]
        server_cells: Option<Vec<Value>>,
        /// The unsaved changes, in order (not sent to JS).
        #[serde(skip)]
        unsaved: Vec<Change>,
    },
    /// Nothing to do: auto-save is paused and the changes stay unsaved.
    Cancel,
}

/// A conflict reported by a save and not resolved yet.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct OpenConflict {
    pub(super) server_version: u64,
    pub(super) server_cells: Option<Vec<Value>>,
    /// Dismissed with `cancel`: still resolvable, but no longer shown as a conflict.
    pub(super) cancelled: bool,
}
