//! [`SessionEngine`]: the state of one open diagram and its sans-IO rules. Its steps take
//! what happened (an edit, a store answer, a message, a read) and return what to do and
//! what to tell the editor; the [`Driver`](super::Driver) does the I/O.

use serde::Serialize;

use super::announce::StoreProblem;
use crate::core::state::{DiagramState as CoreState, EventOutcome, StateError};
use crate::core::sync::{Conflict, SyncSession, SyncStatus};

/// One open diagram: its core state (diagram, filter, history), the cross-tab sync of a
/// diagram kept in a store, the conflicts left for the user, and what the server copy is
/// known to hold.
///
/// ```
/// use diagram_state::core::session::SessionEngine;
/// use diagram_state::core::state::DiagramState;
///
/// let engine = SessionEngine::new("d1", DiagramState::new(|| 0.0), None);
/// assert_eq!(engine.diagram_id(), "d1");
/// assert!(engine.status().is_none()); // no store, no cross-tab sync
/// ```
pub struct SessionEngine {
    /// The diagram, its visual filter and its history.
    pub core: CoreState,
    pub(super) diagram_id: String,
    pub(super) tabs: Option<Tabs>,
    /// Conflicts with other tabs left for the user (policy `ask`), oldest first.
    pub(super) conflicts: Vec<Conflict>,
    /// The store version the server copy is known to include (`None`: unknown, e.g. an
    /// earlier session closed before its last save).
    pub(super) pushed: Option<u64>,
}

/// Cross-tab sync of a diagram kept in a store: the sync session and the bookkeeping of
/// its commits.
pub(super) struct Tabs {
    pub(super) sync: SyncSession,
    /// Whether this tab leads the diagram's tabs (it saves to the server).
    pub(super) leader: bool,
    /// The last commit error, until a commit succeeds.
    pub(super) error: Option<StoreProblem>,
    /// Retryable commit failures in a row.
    pub(super) failures: u32,
    /// A resync asked for while a commit was in flight, to run when it settles.
    pub(super) resync_wanted: bool,
}

/// The cross-tab status: the sync session's, whether this tab leads, and the last commit
/// error.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SessionStatus {
    /// The sync session's status.
    pub sync: SyncStatus,
    /// Whether this tab is the one that auto-saves to the server.
    pub leader: bool,
    /// The last commit error, `None` once a commit succeeds.
    pub error: Option<StoreProblem>,
}

impl SessionEngine {
    /// A session on `core` (loaded already) for diagram `diagram_id`, whose server copy is
    /// known to include store version `pushed`. Without [`SessionEngine::follow_tabs`] it
    /// has no store and no other tabs.
    pub fn new(diagram_id: impl Into<String>, core: CoreState, pushed: Option<u64>) -> Self {
        Self {
            core,
            diagram_id: diagram_id.into(),
            tabs: None,
            conflicts: Vec::new(),
            pushed,
        }
    }

    /// Commits every change to the store and follows the other tabs through `sync`. The
    /// tab does not lead until told so.
    pub fn follow_tabs(mut self, sync: SyncSession) -> Self {
        self.tabs = Some(Tabs {
            sync,
            leader: false,
            error: None,
            failures: 0,
            resync_wanted: false,
        });
        self
    }

    /// The diagram's id.
    pub fn diagram_id(&self) -> &str {
        &self.diagram_id
    }

    /// The cross-tab sync session, for a diagram kept in a store.
    pub fn sync(&self) -> Option<&SyncSession> {
        self.tabs.as_ref().map(|tabs| &tabs.sync)
    }

    /// The last store version this tab has integrated (0 without a store).
    pub fn committed_version(&self) -> u64 {
        self.sync().map_or(0, SyncSession::committed_version)
    }

    /// Whether this tab saves to the server: the leader of the diagram's tabs, or a tab
    /// without a store.
    pub fn is_leader(&self) -> bool {
        self.tabs.as_ref().is_none_or(|tabs| tabs.leader)
    }

    /// The cross-tab status, or `None` without a store.
    pub fn status(&self) -> Option<SessionStatus> {
        let tabs = self.tabs.as_ref()?;
        Some(SessionStatus {
            sync: tabs.sync.status(),
            leader: tabs.leader,
            error: tabs.error.clone(),
        })
    }

    /// The conflicts with other tabs waiting for the user (policy `ask`), oldest first.
    pub fn conflicts(&self) -> &[Conflict] {
        &self.conflicts
    }

    /// Settles the conflict at `index` of [`SessionEngine::conflicts`]: `mine` applies this
    /// tab's value (a local change, returned: commit, announce and auto-save it like an
    /// edit), otherwise the other tab's value stays (`Ok(None)`). `None` when there is no
    /// such conflict; on error the conflict stays listed.
    pub fn settle_conflict(
        &mut self,
        index: usize,
        mine: bool,
    ) -> Option<Result<Option<EventOutcome>, StateError>> {
        let conflict = self.conflicts.get(index)?;
        let outcome = if mine {
            match self.core.keep_mine(conflict) {
                Ok(outcome) => Some(outcome),
                Err(error) => return Some(Err(error)),
            }
        } else {
            None
        };
        self.conflicts.remove(index);
        Some(Ok(outcome))
    }

    pub(super) fn tabs(&mut self) -> Option<&mut Tabs> {
        self.tabs.as_mut()
    }
}
