//! The auto-save bookkeeping of [`SessionEngine`]: which tab saves to the server (the
//! leader), and what the server copy is known to hold after a save here or in another tab.

use super::announce::Announcement;
use super::engine::SessionEngine;
use crate::core::clock::Millis;
use crate::core::storage::EntryUpdate;

/// What to do after a save to the server was accepted.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedHere {
    /// What the directory entry is to record, so that a later session knows whether the
    /// server copy may lack something.
    pub update: EntryUpdate,
    /// The `saved` message to post afterwards (other tabs start their next save from that
    /// server version), `None` without other tabs.
    pub message: Option<String>,
}

impl SessionEngine {
    /// This tab now leads (or no longer leads) the diagram's tabs: only the leader saves.
    /// A new leader saves at once what the server copy may lack: store versions no save is
    /// known to include (the previous leader closed before saving them), or changes not
    /// committed yet.
    pub fn set_leading(&mut self, leading: bool) -> Vec<Announcement> {
        let pushed = self.pushed;
        let unpushed = self.tabs().is_none_or(|tabs| {
            tabs.leader = leading;
            let committed = tabs.sync.committed_version();
            !tabs.sync.pending().is_empty() || pushed.is_none_or(|pushed| committed > pushed)
        });
        vec![
            Announcement::Lead {
                leading,
                carry_over: leading && unpushed,
            },
            Announcement::Status,
        ]
    }

    /// This tab saved the diagram to the server as `server_version`, with the changes of
    /// store version `store_version` (at least), at `at`.
    pub fn saved(&mut self, at: Millis, server_version: u64, store_version: u64) -> SavedHere {
        self.pushed = self.pushed.max(Some(store_version));
        let update = EntryUpdate {
            last_pushed_at: Some(Some(at)),
            public_version: Some(Some(server_version)),
            pushed_version: Some(Some(store_version)),
            ..EntryUpdate::default()
        };
        let message = self
            .tabs()
            .map(|tabs| tabs.sync.saved_message(server_version, store_version));
        SavedHere { update, message }
    }

    /// Another tab saved the diagram as `server_version`, including every store version up
    /// to `store_version`. A tab that does not lead takes that as its auto-save's base (it
    /// saves on it when it leads next); it keeps its unsaved changes for a later conflict's
    /// merge.
    pub fn saved_elsewhere(
        &mut self,
        server_version: u64,
        store_version: u64,
    ) -> Vec<Announcement> {
        self.pushed = self.pushed.max(Some(store_version));
        if self.is_leader() {
            return Vec::new();
        }
        vec![Announcement::SavedElsewhere { server_version }]
    }
}
