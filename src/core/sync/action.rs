//! What a sync session asks its driver to do, and the records it reads and writes.

use serde::{Deserialize, Serialize};

use super::ignored::IgnoredReason;
use super::overrides::Override;
use crate::core::model::Change;
use crate::core::storage::{ChainHash, OplogRecord};

/// One committed version of the diagram: what the store's op log holds per version, and
/// what a `commit` message carries. Serialized as `{ version, tabId, changes, hash?,
/// overrides? }`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CommittedSet {
    /// The version this commit produced.
    pub version: u64,
    /// The tab that committed it.
    pub tab_id: String,
    /// The changes, as committed.
    pub changes: Vec<Change>,
    /// Its link of the hash chain; absent in records written before hashes existed (the
    /// chain then goes on from [`ChainHash::start`] of `version`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<ChainHash>,
    /// The values of other tabs it replaced.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<Override>,
}

impl CommittedSet {
    /// The chain link this set leaves a tab at.
    pub fn link(&self) -> ChainHash {
        self.hash.unwrap_or_else(|| ChainHash::start(self.version))
    }
}

impl From<OplogRecord> for CommittedSet {
    fn from(record: OplogRecord) -> Self {
        Self {
            version: record.version,
            tab_id: record.tab_id,
            changes: record.changes,
            hash: record.hash,
            overrides: record.overrides,
        }
    }
}

/// A commit to make: write `changes` to the store if its version is still `base`, as
/// version `base + 1` (one transaction), recording `overrides`. Serialized as
/// `{ base, changes, sets, overrides }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CommitRequest {
    /// The committed version the changes were made on.
    pub base: u64,
    /// Every pending change, oldest first.
    pub changes: Vec<Change>,
    /// How many pending change sets they came from.
    pub sets: usize,
    /// The values of other tabs the changes replace (conflicts this tab won).
    pub overrides: Vec<Override>,
}

/// The change sets a closing tab could not commit, handed to the tabs that stay (a
/// `handoff` message). Serialized as `{ tabId, base, inFlight, sets }`.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Handoff {
    /// The closing tab.
    pub tab_id: String,
    /// The committed version the sets were made on.
    pub base: u64,
    /// How many of the first sets a commit in flight carried: it may have landed as
    /// version `base + 1`.
    pub in_flight: usize,
    /// The change sets, oldest first.
    pub sets: Vec<Vec<Change>>,
}

/// Something for the driver to do, tagged by `type`. Actions returned together are done in
/// order.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Action {
    /// Nothing to do: the message was ignored (and counted) for this reason.
    Ignore {
        /// Why.
        reason: IgnoredReason,
    },
    /// Integrate this committed set: call `integrate` with it.
    Integrate {
        /// The set.
        set: CommittedSet,
    },
    /// Versions may be missing: read the op-log records after `after` (up to the stored
    /// version; those after `upTo` may be left out), then call `onOplog` with them, or
    /// `onOplogMissing` when the log no longer covers them. At most one read asked for by
    /// messages is in flight at a time.
    #[serde(rename_all = "camelCase")]
    RepairGap {
        /// The last version this tab has.
        after: u64,
        /// The last version to read.
        up_to: u64,
    },
    /// The op log cannot fill a gap: reload the diagram from the store, then call
    /// `resynced` (pending local changes are kept and rebased).
    Resync,
    /// A tab went away (`bye`, silence, a hand-off): its last commit may have landed
    /// without a message. Read the op-log records after `after` (to the stored version)
    /// and call `onOplog` with them, or `onOplogMissing`.
    CheckStore {
        /// The last version this tab has.
        after: u64,
    },
    /// A closing tab handed over its uncommitted sets: read the op-log records after
    /// `min(handoff.base, committed version)` and call `onTakeoverOplog` with them (or with
    /// nothing when the log no longer covers them).
    TakeOver {
        /// What the closing tab handed over.
        handoff: Handoff,
    },
    /// Claim the hand-off in the store (`claimHandoff`, so that exactly one tab commits
    /// the sets) and, if this tab won it, call `adopt` with it.
    Claim {
        /// The sets still to commit (those the op log shows as committed are gone).
        handoff: Handoff,
    },
    /// Post this message on the channel (the answer to a `hello`).
    Post {
        /// The JSON text.
        message: String,
    },
    /// A tab was seen for the first time.
    #[serde(rename_all = "camelCase")]
    PeerJoined {
        /// Its id.
        tab_id: String,
        /// Its committed version.
        version: u64,
    },
    /// A tab said goodbye.
    #[serde(rename_all = "camelCase")]
    PeerLeft {
        /// Its id.
        tab_id: String,
    },
    /// Another tab saved the diagram to the editor's server: the next save of this tab
    /// starts from `serverVersion` (call `savedElsewhere`).
    #[serde(rename_all = "camelCase")]
    SavedElsewhere {
        /// The server's version of the saved copy.
        server_version: u64,
        /// The committed version whose changes the saved cells include.
        store_version: u64,
    },
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn actions_serialize_tagged_and_camel_case() {
        let gap = Action::RepairGap { after: 3, up_to: 5 };
        assert_eq!(
            serde_json::to_value(gap).unwrap(),
            json!({ "type": "repairGap", "after": 3, "upTo": 5 })
        );
        let integrate = Action::Integrate {
            set: CommittedSet {
                version: 4,
                tab_id: "t".into(),
                changes: Vec::new(),
                hash: None,
                overrides: Vec::new(),
            },
        };
        assert_eq!(
            serde_json::to_value(integrate).unwrap(),
            json!({ "type": "integrate", "set": { "version": 4, "tabId": "t", "changes": [] } })
        );
        let ignore = Action::Ignore {
            reason: IgnoredReason::OtherDiagram,
        };
        assert_eq!(
            serde_json::to_value(ignore).unwrap(),
            json!({ "type": "ignore", "reason": "otherDiagram" })
        );
    }
}
