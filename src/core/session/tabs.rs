//! The cross-tab steps of [`SessionEngine`]: messages, op-log reads, integrating another
//! tab's commits, reloads, and taking over a closing tab's changes, each with what it tells
//! the editor.

use super::announce::{Announcement, Problem, ProblemKind};
use super::engine::SessionEngine;
use crate::core::clock::Millis;
use crate::core::history::HistoryState;
use crate::core::model::Change;
use crate::core::state::Integration;
use crate::core::storage::ChainHash;
use crate::core::sync::{Action, Adoption, CommittedSet, Conflict, Handoff, Resolution};

impl SessionEngine {
    /// The `hello` to post when the tab opens the diagram or becomes visible again.
    pub fn hello(&self) -> Option<String> {
        Some(self.sync()?.hello_message())
    }

    /// The messages to post when the tab goes away: a `handoff` of the change sets it has
    /// not committed (a tab that stays commits them), then `bye`.
    pub fn leave(&self) -> Vec<String> {
        let Some(sync) = self.sync() else {
            return Vec::new();
        };
        let mut messages: Vec<String> = sync.handoff_message().into_iter().collect();
        messages.push(sync.bye_message());
        messages
    }

    /// Reads one message from the channel (`None`: one that could not even be read as
    /// text) and returns what to do.
    pub fn on_message(&mut self, text: Option<&str>, now: Millis) -> Vec<Action> {
        let Some(tabs) = self.tabs() else {
            return Vec::new();
        };
        match text {
            Some(text) => tabs.sync.on_message(text, now),
            None => tabs.sync.on_unreadable(),
        }
    }

    /// One tick of the session's clock: the heartbeat to post when due, and a check of
    /// the store when tabs went silent.
    pub fn tick(&mut self, now: Millis) -> Vec<Action> {
        self.tabs()
            .map_or_else(Vec::new, |tabs| tabs.sync.tick(now))
    }

    /// The op-log records read for a `repairGap` or `checkStore` (`None`: the log no
    /// longer covers them, or could not be read): what to do next.
    pub fn oplog_read(&mut self, records: Option<Vec<CommittedSet>>) -> Vec<Action> {
        let Some(tabs) = self.tabs() else {
            return Vec::new();
        };
        match records {
            Some(records) => tabs.sync.on_oplog(records),
            None => tabs.sync.on_oplog_missing(),
        }
    }

    /// Where to read the op log from to take `handoff` over.
    pub fn takeover_from(&self, handoff: &Handoff) -> u64 {
        let committed = self
            .sync()
            .map_or(handoff.base, |sync| sync.committed_version());
        handoff.base.min(committed)
    }

    /// The op-log records read to take `handoff` over: what to integrate, then what to
    /// claim.
    pub fn takeover_read(
        &mut self,
        handoff: Handoff,
        records: Option<Vec<CommittedSet>>,
    ) -> Vec<Action> {
        self.tabs().map_or_else(Vec::new, |tabs| {
            tabs.sync.on_takeover_oplog(handoff, records)
        })
    }

    /// Integrates another tab's committed set under the pending local changes. Returns what
    /// to tell the editor, and a `resync` to do first when the set does not apply (this tab
    /// is out of step with the store).
    pub fn integrate(&mut self, set: CommittedSet) -> (Vec<Announcement>, Option<Action>) {
        let before = self.core.history_state();
        let Some(tabs) = self.tabs.as_mut() else {
            return (Vec::new(), None);
        };
        match tabs.sync.integrate(&mut self.core, set) {
            Ok(Some(integration)) => (self.integrated(integration, before), None),
            Ok(None) => (Vec::new(), None),
            Err(error) => {
                let problem = Problem::new(ProblemKind::Integrate, &error);
                // Counted as a resync; the sets queued after this one are already
                // integrated by then and are skipped.
                let resync = tabs.sync.on_oplog_missing().into_iter().next();
                (vec![Announcement::Problem(problem)], resync)
            }
        }
    }

    /// The diagram reloaded from the store (`cells` at `version`, chain link `head`):
    /// integrated under the pending local changes, which are kept and rebased.
    pub fn resynced(
        &mut self,
        version: u64,
        head: ChainHash,
        cells: Vec<serde_json::Value>,
    ) -> Vec<Announcement> {
        let before = self.core.history_state();
        let Some(tabs) = self.tabs.as_mut() else {
            return Vec::new();
        };
        match tabs.sync.resynced(&mut self.core, version, head, cells) {
            Ok(integration) => self.integrated(integration, before),
            Err(error) => vec![Announcement::Problem(Problem::new(
                ProblemKind::Resync,
                &error,
            ))],
        }
    }

    /// Adopts a closing tab's change sets this tab claimed: shown as another tab's change,
    /// then to commit by this tab (the returned flag); what gave way to a later value is
    /// reported.
    pub fn adopt(&mut self, handoff: Handoff) -> (Vec<Announcement>, bool) {
        let before = self.core.history_state();
        let Some(tabs) = self.tabs.as_mut() else {
            return (Vec::new(), false);
        };
        match tabs.sync.adopt(&mut self.core, handoff) {
            Ok(adoption) => {
                let Adoption {
                    applied,
                    conflicts,
                    history,
                    version,
                    ..
                } = adoption;
                let commit = !applied.is_empty();
                let announcements = shown(applied, version, before, history, conflicts);
                (announcements, commit)
            }
            Err(error) => (
                vec![Announcement::Problem(Problem::new(
                    ProblemKind::Adopt,
                    &error,
                ))],
                false,
            ),
        }
    }

    /// What integrating another tab's changes tells the editor; the conflicts left for the
    /// user are listed first, so that a listener that reads them finds them.
    fn integrated(&mut self, integration: Integration, before: HistoryState) -> Vec<Announcement> {
        let Integration {
            view,
            conflicts,
            history,
            version,
            ..
        } = integration;
        self.conflicts.extend(
            conflicts
                .iter()
                .filter(|conflict| conflict.resolution == Resolution::Unresolved)
                .cloned(),
        );
        shown(view, version, before, history, conflicts)
    }
}

/// What another tab's changes tell the editor: the changes (origin `tab`), the history,
/// each conflict, and auto-save (they are not on the server yet).
fn shown(
    changes: Vec<Change>,
    version: u64,
    before: HistoryState,
    after: HistoryState,
    conflicts: Vec<Conflict>,
) -> Vec<Announcement> {
    let mut announcements = Vec::new();
    if !changes.is_empty() {
        announcements.push(Announcement::TabChanges {
            changes: changes.clone(),
            version,
        });
    }
    if before != after {
        announcements.push(Announcement::History { before, after });
    }
    announcements.extend(conflicts.into_iter().map(Announcement::Conflict));
    if !changes.is_empty() {
        announcements.push(Announcement::AutoSave { changes });
    }
    announcements
}
