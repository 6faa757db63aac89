//! What the driver tells the engine: triggers, manual saves, flushes, online/offline and
//! (re)loads.

use super::decision::{decide, readiness, AutoSaveDecision};
use super::engine::{AutoSaveEngine, Forced, Wanted};
use super::error::AutoSaveError;
use super::reason::{DecisionReason, Verdict};
use super::save::SaveCause;
use super::trigger::Trigger;
use crate::core::clock::Millis;
use crate::core::model::Change;

impl AutoSaveEngine {
    /// Runs `trigger` through the decision tree at time `now` and returns the decision
    /// (also kept as the last decision). On `save`, the trigger's changes join the pending
    /// changes and a save is scheduled: `debounce` after the latest trigger, or `maxWait`
    /// after the first unsaved one, whichever comes first. On a skip whose reason
    /// [keeps changes](DecisionReason::keeps_changes) (filtered out, editor not ready),
    /// the changes join the next save but schedule nothing.
    ///
    /// A `manual` trigger is [`save_now`](Self::save_now), its refusal visible in the
    /// decision (or the status) only.
    pub fn on_trigger(&mut self, trigger: Trigger, now: Millis) -> AutoSaveDecision {
        let decision = decide(&self.context, &trigger);
        self.last_decision = Some(decision.clone());
        if trigger == Trigger::Manual {
            let _refused = self.request_manual(decision.reason, now);
            return decision;
        }
        if decision.is_save() || decision.reason.keeps_changes() {
            for change in trigger.into_changes() {
                self.pending.push(change);
            }
            self.edits += 1;
        }
        if decision.is_save() {
            let first_at = self.wanted.map_or(now, |wanted| wanted.first_at);
            self.wanted = Some(Wanted {
                first_at,
                last_at: now,
            });
        }
        decision
    }

    /// The stored copy has changes the server copy may not have: an earlier session ended
    /// before they were saved (e.g. the tab closed while the server could not be reached).
    /// Marks the diagram dirty and schedules a save at time `now` plus the debounce, which
    /// starts once the editor is ready, whatever the decision tree says of the load.
    pub fn carry_over_unsaved(&mut self, now: Millis) {
        self.edits += 1;
        let first_at = self.wanted.map_or(now, |wanted| wanted.first_at);
        self.wanted = Some(Wanted {
            first_at,
            last_at: now,
        });
    }

    /// A manual save: starts at the next [`poll`](Self::poll), bypassing the debounce,
    /// a retry's backoff, a non-retryable stop and a cancelled conflict; after the save in
    /// flight, if there is one; when back online, if offline. Saves even without changes.
    ///
    /// Fails with `VERSION_CONFLICT` while a conflict waits for its resolution, and with
    /// `SAVE_SKIPPED` when the decision tree refuses (no diagram id, collaborating, …).
    pub fn save_now(&mut self, now: Millis) -> Result<(), AutoSaveError> {
        let decision = decide(&self.context, &Trigger::Manual);
        let reason = decision.reason;
        self.last_decision = Some(decision);
        self.request_manual(reason, now)
    }

    fn request_manual(&mut self, reason: DecisionReason, now: Millis) -> Result<(), AutoSaveError> {
        if reason.verdict() == Verdict::Skip {
            return Err(AutoSaveError::Skipped { reason });
        }
        if let Some(conflict) = self
            .conflict
            .as_ref()
            .filter(|conflict| !conflict.cancelled)
        {
            return Err(AutoSaveError::ConflictUnresolved {
                server_version: conflict.server_version,
            });
        }
        self.conflict = None;
        self.forced = Some(Forced {
            cause: SaveCause::Manual,
            at: now,
        });
        Ok(())
    }

    /// The page is being hidden or closed (`pagehide`, `visibilitychange`): when there
    /// are unsaved changes and auto-save may save, the next [`poll`](Self::poll) starts a
    /// final save at once (cause `flush`), bypassing the debounce and a retry's backoff.
    /// Nothing is requested during a conflict or after a non-retryable failure; a save in
    /// flight is waited for. Returns whether a final save was requested. Every change is in
    /// the local store anyway, so a tab that closes first loses nothing.
    pub fn flush(&mut self, now: Millis) -> bool {
        if !self.is_dirty() || self.is_paused() || readiness(&self.context).is_err() {
            return false;
        }
        self.forced.get_or_insert(Forced {
            cause: SaveCause::Flush,
            at: now,
        });
        true
    }

    /// The browser went offline (`navigator.onLine === false`) or back online. Offline,
    /// no save starts; back online, a scheduled save or a waiting retry starts at once.
    pub fn set_online(&mut self, online: bool, now: Millis) {
        if online && !self.online {
            if let Some(failure) = self.failure.as_mut() {
                failure.next_retry_at = failure.next_retry_at.map(|at| at.min(now));
            }
        }
        self.online = online;
    }

    /// The unsaved changes were rebased (merged over the server's copy after a conflict):
    /// from now on they are `changes`, oldest first. Call it before the next
    /// [`poll`](Self::poll), with no save in flight.
    pub fn rebase_unsaved(&mut self, changes: Vec<Change>) {
        self.pending.take_all();
        for change in changes {
            self.pending.push(change);
        }
    }

    /// Another tab saved the diagram as `server_version` (this one only follows): the base
    /// becomes that version and nothing is due, but the unsaved changes are kept. They may
    /// now be more than the server lacks, never less, which is what resolving a later
    /// conflict needs (see [`merge_server_copy`](super::merge_server_copy)): a change
    /// forgotten here would look like the server's to revert.
    pub fn saved_elsewhere(&mut self, server_version: u64) {
        self.base_version = server_version;
        self.saved_edits = self.edits;
        self.wanted = None;
        self.forced = None;
        self.last_saved = None;
    }

    /// The diagram was (re)loaded at `base_version`: pending changes, schedules, failures
    /// and conflicts are forgotten, and the answer of a save in flight will be ignored.
    pub fn reset(&mut self, base_version: u64) {
        self.base_version = base_version;
        self.pending.take_all();
        self.saved_edits = self.edits;
        self.wanted = None;
        self.forced = None;
        self.in_flight = None;
        self.failure = None;
        self.conflict = None;
        self.last_saved = None;
    }
}
