//! The observable state of a sync session.

use serde::Serialize;

use super::ignored::IgnoredCounts;
use crate::core::clock::Millis;

/// How cross-tab sync is doing, for a status line or a debug panel. Serialized as
/// `{ tabId, committedVersion, pendingSets, committing, peers, ignored, resyncs, conflicts,
/// lastMessageAt }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    /// This tab's id.
    pub tab_id: String,
    /// The last store version this tab has integrated.
    pub committed_version: u64,
    /// How many local change sets wait to be committed.
    pub pending_sets: usize,
    /// Whether a commit is in flight.
    pub committing: bool,
    /// How many other tabs are known to have the diagram open.
    pub peers: usize,
    /// Ignored messages by reason, e.g. `{ "garbled": 1 }`.
    pub ignored: IgnoredCounts,
    /// How many times the op log could not fill a gap and the diagram was reloaded.
    pub resyncs: u64,
    /// How many conflicts integrations have reported.
    pub conflicts: u64,
    /// When the last readable message arrived (ms), `null` before any.
    pub last_message_at: Option<Millis>,
}
