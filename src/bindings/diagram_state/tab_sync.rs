//! A diagram kept in local storage: every semantic change set is committed to the store as
//! it happens, and other tabs on the same diagram follow over a BroadcastChannel (gap
//! repair from the op log, resync from the store, field-level merge). One tab per diagram
//! is the leader that auto-saves to the server.
//!
//! The rules live in the core ([`SyncSession`], [`DiagramState::integrate_remote`]); this
//! file only moves data between them, the store, the channel and the JavaScript events.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::{Interval, Timeout};
use serde::Serialize;
use wasm_bindgen_futures::spawn_local;

use super::Inner;
use crate::core::clock::{Clock, Millis};
use crate::core::model::Change;
use crate::core::state::{DiagramState as CoreState, Integration};
use crate::core::storage::{ChainHash, Commit, DiagramStore, EntryUpdate, OplogSince, StoreError};
use crate::core::sync::{
    Action, CommittedSet, Conflict, Handoff, Resolution, SyncSession, SyncStatus, TICK_INTERVAL,
};
use crate::platform::broadcast::{BroadcastTransport, Incoming};
use crate::platform::clock::BrowserClock;
use crate::platform::indexed_db::LocalStore;
use crate::platform::leader::LeaderElection;

/// The longest wait before retrying a failed commit (quota, a transient error).
const MAX_RETRY_DELAY_MS: u32 = 30_000;

/// The store, the channel and the leader election of one open diagram.
pub(super) struct Link {
    pub(super) store: Rc<LocalStore>,
    pub(super) diagram_id: String,
    pub(super) tab_id: String,
    transport: RefCell<Option<BroadcastTransport>>,
    leader: RefCell<Option<LeaderElection>>,
    is_leader: Cell<bool>,
    /// The last commit error, until a commit succeeds.
    error: RefCell<Option<StoreProblem>>,
    failures: Cell<u32>,
    retry: RefCell<Option<Timeout>>,
    /// A resync asked for while a commit was in flight, run when it settles.
    resync_wanted: Cell<bool>,
    /// The session's clock: heartbeats and forgetting silent tabs.
    _ticks: RefCell<Option<Interval>>,
    /// Work on the sync session that found it in use (a listener called back in while it
    /// was borrowed), oldest first: done as soon as it is free, never dropped.
    deferred: RefCell<VecDeque<Deferred>>,
    /// Whether a task to do the deferred work is scheduled.
    draining: Cell<bool>,
    _listeners: RefCell<Vec<EventListener>>,
}

/// Work on the sync session, to do when it is free.
type Deferred = Box<dyn FnOnce(&Rc<Inner>)>;

/// A store error as the sync status shows it.
#[derive(Debug, Clone, Serialize)]
struct StoreProblem {
    code: &'static str,
    message: String,
    retryable: bool,
}

impl From<&StoreError> for StoreProblem {
    fn from(error: &StoreError) -> Self {
        Self {
            code: crate::core::error::ErrorCode::code(error),
            message: error.to_string(),
            retryable: error.is_retryable(),
        }
    }
}

/// The payload of the `sync` event and of `syncStatus`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SyncEvent<'a> {
    #[serde(flatten)]
    status: SyncStatus,
    /// Whether this tab is the one that auto-saves to the server.
    leader: bool,
    /// Whether the BroadcastChannel is open (other tabs can follow).
    channel: bool,
    /// `indexeddb` or `memory`.
    storage: &'a str,
    /// The last commit error, `null` once a commit succeeds.
    error: Option<StoreProblem>,
}

impl Link {
    /// Starts the link: opens the channel, starts the session's clock (heartbeats, silent
    /// tabs), stands for leader, re-announces whenever the page becomes visible again, and
    /// hands over what it has not committed when the page goes away (`pagehide`).
    pub(super) fn start(
        inner: &Rc<Inner>,
        store: Rc<LocalStore>,
        diagram_id: String,
        tab_id: String,
    ) -> Rc<Self> {
        let link = Rc::new(Self {
            store,
            diagram_id,
            tab_id,
            transport: RefCell::new(None),
            leader: RefCell::new(None),
            is_leader: Cell::new(false),
            error: RefCell::new(None),
            failures: Cell::new(0),
            retry: RefCell::new(None),
            resync_wanted: Cell::new(false),
            _ticks: RefCell::new(None),
            deferred: RefCell::new(VecDeque::new()),
            draining: Cell::new(false),
            _listeners: RefCell::new(Vec::new()),
        });
        let weak = Rc::downgrade(inner);
        link._ticks
            .replace(Some(Interval::new(TICK_INTERVAL as u32, move || {
                if let Some(inner) = weak.upgrade() {
                    inner.tick();
                }
            })));
        let weak = Rc::downgrade(inner);
        let transport = BroadcastTransport::open(&link.diagram_id, move |incoming| {
            on_incoming(&weak, incoming);
        });
        match transport {
            Ok(transport) => {
                link.transport.replace(Some(transport));
            }
            Err(error) => web_sys::console::warn_1(
                &format!("diagram-state: other tabs will not follow this one: {error}").into(),
            ),
        }
        let weak = Rc::downgrade(inner);
        let leader = LeaderElection::start(&link.diagram_id, &link.tab_id, move |leading| {
            if let Some(inner) = weak.upgrade() {
                inner.on_leadership(leading);
            }
        });
        match leader {
            Ok(leader) => {
                link.leader.replace(Some(leader));
            }
            Err(error) => {
                // No election possible: this tab saves, like a tab alone.
                link.is_leader.set(true);
                web_sys::console::warn_1(&format!("diagram-state: {error}").into());
            }
        }
        if let Some(window) = web_sys::window() {
            let weak = Rc::downgrade(inner);
            let listener = EventListener::new(&window, "pagehide", move |_| {
                if let Some(inner) = weak.upgrade() {
                    inner.leave();
                }
            });
            link._listeners.borrow_mut().push(listener);
        }
        if let Some(document) = web_sys::window().and_then(|window| window.document()) {
            let weak = Rc::downgrade(inner);
            let watched = document.clone();
            let listener = EventListener::new(&document, "visibilitychange", move |_| {
                let visible = watched.visibility_state() == web_sys::VisibilityState::Visible;
                if let Some(inner) = weak.upgrade().filter(|_| visible) {
                    inner.announce_tab();
                }
            });
            link._listeners.borrow_mut().push(listener);
        }
        link
    }

    /// Posts a message to the other tabs (a lost post only delays them: they repair gaps).
    fn post(&self, text: &str) {
        if let Some(transport) = self.transport.borrow().as_ref() {
            if let Err(error) = transport.post(text) {
                web_sys::console::warn_1(&format!("diagram-state: {error}").into());
            }
        }
    }

    /// Whether this tab leads the diagram's tabs (it is the one that saves to the server).
    pub(super) fn is_leader(&self) -> bool {
        self.is_leader.get()
    }

    fn storage_name(&self) -> &'static str {
        match *self.store {
            LocalStore::IndexedDb(_) => "indexeddb",
            LocalStore::Memory(_) => "memory",
        }
    }
}

impl Inner {
    pub(super) fn link(&self) -> Option<Rc<Link>> {
        self.link.borrow().clone()
    }

    /// Does `work` now if the session is free, in order after any work still waiting;
    /// otherwise (a listener called back in while the session is borrowed) queues it and
    /// does it as soon as the borrow ends, in a task of its own. Nothing is dropped.
    fn when_free(self: &Rc<Self>, work: impl FnOnce(&Rc<Inner>) + 'static) {
        let Some(link) = self.link() else { return };
        let free = self.session.try_borrow_mut().is_ok();
        if free && link.deferred.borrow().is_empty() {
            work(self);
            return;
        }
        link.deferred.borrow_mut().push_back(Box::new(work));
        if !link.draining.replace(true) {
            spawn_local(drain_deferred(Rc::downgrade(self)));
        }
    }

    /// Runs `work` on the sync session and the core state, if both are still there.
    fn with_sync<R>(&self, work: impl FnOnce(&mut SyncSession, &mut CoreState) -> R) -> Option<R> {
        let mut guard = self.session.try_borrow_mut().ok()?;
        let session = guard.as_mut()?;
        let sync = session.sync.as_mut()?;
        Some(work(sync, &mut session.core))
    }

    /// Queues a local change set (an edit, an undo, a redo) for the store and starts
    /// committing. Without a store this does nothing.
    pub(super) fn after_local_change(self: &Rc<Self>, changes: &[Change]) {
        if changes.is_empty() || self.link().is_none() {
            return;
        }
        let changes = changes.to_vec();
        self.when_free(move |inner| {
            inner.with_sync(|sync, _| sync.record_local(changes));
            spawn_local(commit_pending(Rc::downgrade(inner)));
        });
    }

    /// Records in the directory entry that the server copy held every change this tab
    /// knew of at `at` (an auto-save answered `saved`): `lastPushedAt`, `publicVersion`
    /// (`server_version`) and `pushedVersion` (`store_version`, the committed version the
    /// saved cells include), so that a later session knows whether the server copy may
    /// lack something; then tells the other tabs (`saved`), so that the next tab to save
    /// starts from that server version. Without a store this does nothing; a failed write
    /// only means that session saves once more.
    pub(super) fn record_push(
        self: &Rc<Self>,
        at: Millis,
        server_version: u64,
        store_version: u64,
    ) {
        let Some(link) = self.link() else { return };
        let update = EntryUpdate {
            last_pushed_at: Some(Some(at)),
            public_version: Some(Some(server_version)),
            pushed_version: Some(Some(store_version)),
            ..EntryUpdate::default()
        };
        self.when_free(move |inner| {
            let saved =
                inner.with_sync(|sync, _| sync.saved_message(server_version, store_version));
            spawn_local(async move {
                if let Err(error) = link.store.update_entry(&link.diagram_id, update).await {
                    web_sys::console::warn_1(
                        &format!("diagram-state: cannot record the save in the directory: {error}")
                            .into(),
                    );
                }
                if let Some(saved) = saved {
                    link.post(&saved);
                }
            });
        });
    }

    /// One tick of the session's clock: posts the `here` heartbeat when due (without a
    /// `sync` event: nothing changed), and forgets tabs gone silent (then reads the store,
    /// and the status changes).
    fn tick(self: &Rc<Self>) {
        let Some(link) = self.link() else { return };
        let Some(actions) = self.with_sync(|sync, _| sync.tick(BrowserClock.now())) else {
            return;
        };
        let mut rest = Vec::new();
        for action in actions {
            match action {
                Action::Post { message } => link.post(&message),
                other => rest.push(other),
            }
        }
        if !rest.is_empty() {
            let weak = Rc::downgrade(self);
            spawn_local(async move {
                // A failed reload here is logged; the next commit reports it.
                run_actions(weak, rest).await;
            });
        }
    }

    /// Announces this tab (its committed version) to the others.
    pub(super) fn announce_tab(&self) {
        if let (Some(link), Some(hello)) =
            (self.link(), self.with_sync(|sync, _| sync.hello_message()))
        {
            link.post(&hello);
        }
    }

    /// Tells the other tabs this one goes away: a `handoff` of the change sets it has not
    /// committed (a tab that stays commits them), then `bye`. `postMessage` queues the
    /// delivery at once, so the messages leave even as the page closes. The page may come
    /// back (the back-forward cache): the sets then stay pending here too, and committing
    /// them twice changes nothing the second time.
    fn leave(&self) {
        let Some(link) = self.link() else { return };
        let messages = self.with_sync(|sync, _| (sync.handoff_message(), sync.bye_message()));
        if let Some((handoff, bye)) = messages {
            if let Some(handoff) = handoff {
                link.post(&handoff);
            }
            link.post(&bye);
        }
    }

    /// Hands over what is not committed, says goodbye and stops the link (dispose).
    pub(super) fn close_link(&self) {
        self.leave();
        self.link.borrow_mut().take();
    }

    /// The sync status as the `sync` event sends it, or `None` without a store.
    pub(super) fn sync_event(&self) -> Option<serde_json::Value> {
        let link = self.link()?;
        let status = self.with_sync(|sync, _| sync.status())?;
        let event = SyncEvent {
            status,
            leader: link.is_leader.get(),
            channel: link.transport.borrow().is_some(),
            storage: link.storage_name(),
            error: link.error.borrow().clone(),
        };
        serde_json::to_value(&event).ok()
    }

    fn emit_sync(&self) {
        if !self.emitter.has_listeners("sync") {
            return;
        }
        if let Some(event) = self.sync_event() {
            self.emitter.emit("sync", &event);
        }
    }

    fn on_leadership(&self, leading: bool) {
        if let Some(link) = self.link() {
            link.is_leader.set(leading);
        }
        // A follower's auto-save waits as if offline; it saves when it becomes the leader.
        self.lead_autosave(leading);
        self.emit_sync();
    }

    /// Applies what integrating another tab's changes did to the listeners: the view
    /// changes (origin `tab`), the history, the conflicts and auto-save.
    fn announce_integration(
        self: &Rc<Self>,
        integration: Integration,
        before: crate::core::history::HistoryState,
    ) {
        // Listed before the events go out: a listener that reads `conflicts` finds them.
        let unresolved: Vec<Conflict> = integration
            .conflicts
            .iter()
            .filter(|conflict| conflict.resolution == Resolution::Unresolved)
            .cloned()
            .collect();
        if !unresolved.is_empty() {
            self.when_free(move |inner| {
                if let Ok(mut guard) = inner.session.try_borrow_mut() {
                    if let Some(session) = guard.as_mut() {
                        session.conflicts.extend(unresolved);
                    }
                }
            });
        }
        self.announce_changes("tab", &integration.view, integration.version);
        self.announce_history(before, integration.history);
        for conflict in &integration.conflicts {
            self.emitter.emit("conflict", conflict);
        }
        if !integration.view.is_empty() {
            self.trigger_autosave(&integration.view, None);
        }
    }

    /// Integrates another tab's committed set. When it does not apply, this tab is out of
    /// step with the store: the answer is a `resync` (reload from the store), to do first.
    fn integrate(self: &Rc<Self>, set: CommittedSet) -> Option<Action> {
        let result = self.with_sync(|sync, core| {
            let before = core.history_state();
            sync.integrate(core, set)
                .map(|integration| (integration, before))
        });
        match result {
            Some(Ok((Some(integration), before))) => {
                self.announce_integration(integration, before);
                None
            }
            Some(Ok((None, _))) | None => None,
            Some(Err(error)) => {
                web_sys::console::error_1(
                    &format!("diagram-state: {error}; reloading the diagram").into(),
                );
                // Counted as a resync; the sets queued after this one are already
                // integrated by then and are skipped.
                self.with_sync(|sync, _| sync.on_oplog_missing())
                    .and_then(|actions| actions.into_iter().next())
            }
        }
    }

    /// Adopts a closing tab's change sets this tab claimed: shown as another tab's change,
    /// then committed by this tab; what gave way to a later value is reported (`conflict`).
    fn adopt(self: &Rc<Self>, handoff: Handoff) {
        let result = self.with_sync(|sync, core| {
            let before = core.history_state();
            sync.adopt(core, handoff).map(|adoption| (adoption, before))
        });
        match result {
            Some(Ok((adoption, before))) => {
                self.announce_changes("tab", &adoption.applied, adoption.version);
                self.announce_history(before, adoption.history);
                for conflict in &adoption.conflicts {
                    self.emitter.emit("conflict", conflict);
                }
                if !adoption.applied.is_empty() {
                    self.trigger_autosave(&adoption.applied, None);
                    spawn_local(commit_pending(Rc::downgrade(self)));
                }
            }
            Some(Err(error)) => web_sys::console::error_1(
                &format!("diagram-state: cannot take over a closing tab's changes: {error}").into(),
            ),
            None => {}
        }
    }

    fn resynced(self: &Rc<Self>, version: u64, head: ChainHash, cells: Vec<serde_json::Value>) {
        let result = self.with_sync(|sync, core| {
            let before = core.history_state();
            sync.resynced(core, version, head, cells)
                .map(|integration| (integration, before))
        });
        match result {
            Some(Ok((integration, before))) => self.announce_integration(integration, before),
            Some(Err(error)) => {
                web_sys::console::error_1(&format!("diagram-state: resync failed: {error}").into())
            }
            None => {}
        }
    }

    /// Keeps the pending changes after a failed commit, shows why in the sync status and,
    /// when the failure may pass, tries again later with a growing delay.
    fn commit_failed(&self, weak: Weak<Inner>, link: &Link, problem: StoreProblem) {
        self.with_sync(|sync, _| sync.on_commit_failed());
        let retryable = problem.retryable;
        link.error.replace(Some(problem));
        if retryable {
            // Keep the changes (they are in memory and in the history) and try again later.
            let failures = link.failures.get().saturating_add(1);
            link.failures.set(failures);
            let delay = 1_000u32
                .saturating_mul(1 << failures.min(5))
                .min(MAX_RETRY_DELAY_MS);
            link.retry.replace(Some(Timeout::new(delay, move || {
                spawn_local(commit_pending(weak))
            })));
        }
    }
}

fn on_incoming(weak: &Weak<Inner>, incoming: Incoming) {
    let Some(inner) = weak.upgrade() else { return };
    let now = BrowserClock.now();
    inner.when_free(move |inner| {
        let actions = inner.with_sync(|sync, _| match incoming {
            Incoming::Text(text) => sync.on_message(&text, now),
            Incoming::Unreadable => sync.on_unreadable(),
        });
        if let Some(actions) = actions {
            let weak = Rc::downgrade(inner);
            spawn_local(async move {
                // A failed resync here is logged; the next commit reports it in the status.
                run_actions(weak, actions).await;
            });
        }
    });
}

/// Does the work that found the session in use, in order, once it is free again (this
/// runs in a task of its own, after the call that held it returned).
async fn drain_deferred(weak: Weak<Inner>) {
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let Some(link) = inner.link() else { return };
        if inner.session.try_borrow_mut().is_err() {
            // Still in use (a borrow held across tasks would be a bug): try again later.
            Timeout::new(0, move || spawn_local(drain_deferred(weak))).forget();
            return;
        }
        let next = link.deferred.borrow_mut().pop_front();
        match next {
            Some(work) => work(&inner),
            None => {
                link.draining.set(false);
                return;
            }
        }
    }
}

/// Commits the pending change sets, one commit at a time, until none are left: rebasing
/// on `STALE_VERSION`, retrying later on a retryable failure. A rebase that needs a reload
/// of the diagram which fails (e.g. `CORRUPT_RECORDS`) is a failed commit too: committing
/// again at once would only fail the same way, in a loop.
async fn commit_pending(weak: Weak<Inner>) {
    loop {
        let Some(inner) = weak.upgrade() else { return };
        let Some(link) = inner.link() else { return };
        let commit = inner.with_sync(|sync, _| {
            let request = sync.next_commit()?;
            Some(
                Commit::new(
                    &link.diagram_id,
                    request.base,
                    &link.tab_id,
                    request.changes,
                )
                .overriding(request.overrides),
            )
        });
        let Some(Some(commit)) = commit else { return };
        inner.emit_sync();
        drop(inner);
        let result = link.store.commit(&commit).await;
        let Some(inner) = weak.upgrade() else { return };
        match result {
            Ok(committed) => {
                link.failures.set(0);
                link.error.replace(None);
                match inner
                    .with_sync(|sync, _| sync.on_commit_ok(committed.version, committed.hash))
                {
                    Some(Ok(Some(message))) => link.post(&message),
                    Some(Ok(None)) | None => {}
                    Some(Err(error)) => {
                        web_sys::console::error_1(
                            &format!("diagram-state: {error}; reloading").into(),
                        );
                        link.resync_wanted.set(true);
                    }
                }
            }
            Err(StoreError::StaleVersion { stored, .. }) => {
                let actions = inner
                    .with_sync(|sync, _| sync.on_stale(stored))
                    .unwrap_or_default();
                link.resync_wanted.set(false);
                drop(inner);
                if let Some(problem) = run_actions(weak.clone(), actions).await {
                    let Some(inner) = weak.upgrade() else { return };
                    inner.commit_failed(weak.clone(), &link, problem);
                    inner.emit_sync();
                    return;
                }
                continue;
            }
            Err(error @ StoreError::OutOfStep { .. }) => {
                // This tab holds something the store does not: reload, keeping the pending
                // changes (rebased on what is stored), then commit them again.
                web_sys::console::warn_1(&format!("diagram-state: {error}; reloading").into());
                let actions = inner
                    .with_sync(|sync, _| sync.on_out_of_step())
                    .unwrap_or_default();
                drop(inner);
                if let Some(problem) = run_actions(weak.clone(), actions).await {
                    let Some(inner) = weak.upgrade() else { return };
                    inner.commit_failed(weak.clone(), &link, problem);
                    inner.emit_sync();
                    return;
                }
                continue;
            }
            Err(error) => {
                inner.commit_failed(weak.clone(), &link, StoreProblem::from(&error));
                inner.emit_sync();
                return;
            }
        }
        drop(inner);
        let actions = if link.resync_wanted.take() {
            vec![Action::Resync]
        } else {
            Vec::new()
        };
        // Runs the wanted resync, and reports the status either way.
        run_actions(weak.clone(), actions).await;
    }
}

/// The op-log records after `after`, as the session reads them; `None` when the log no
/// longer covers them or cannot be read (the answer is then a reload).
async fn read_oplog(link: &Link, after: u64) -> Option<Vec<CommittedSet>> {
    match link.store.oplog_since(&link.diagram_id, after).await {
        Ok(OplogSince::Records { records }) => Some(
            records
                .into_iter()
                .map(|record| CommittedSet {
                    version: record.version,
                    tab_id: record.tab_id,
                    changes: record.changes,
                    hash: record.hash,
                    overrides: record.overrides,
                })
                .collect(),
        ),
        Ok(OplogSince::NotCovered { .. }) | Err(_) => None,
    }
}

/// Does what the sync session asked, in order; reads from the store where needed. Returns
/// why a reload of the diagram (a resync) failed, if one did.
async fn run_actions(weak: Weak<Inner>, actions: Vec<Action>) -> Option<StoreProblem> {
    let mut failed = None;
    let mut queue: VecDeque<Action> = actions.into();
    while let Some(action) = queue.pop_front() {
        let Some(inner) = weak.upgrade() else {
            return failed;
        };
        let Some(link) = inner.link() else {
            return failed;
        };
        match action {
            Action::Ignore { .. } | Action::PeerJoined { .. } | Action::PeerLeft { .. } => {}
            Action::Post { message } => link.post(&message),
            Action::SavedElsewhere {
                server_version,
                store_version,
            } => inner.saved_elsewhere(server_version, store_version),
            Action::Integrate { set } => {
                if let Some(resync) = inner.integrate(set) {
                    queue.push_front(resync);
                }
            }
            Action::RepairGap { after, .. } | Action::CheckStore { after } => {
                drop(inner);
                let read = read_oplog(&link, after).await;
                let Some(inner) = weak.upgrade() else {
                    return failed;
                };
                let more = match read {
                    Some(sets) => inner.with_sync(|sync, _| sync.on_oplog(sets)),
                    None => inner.with_sync(|sync, _| sync.on_oplog_missing()),
                };
                queue.extend(more.unwrap_or_default());
            }
            Action::TakeOver { handoff } => {
                let committed = inner.with_sync(|sync, _| sync.committed_version());
                drop(inner);
                let after = handoff.base.min(committed.unwrap_or(handoff.base));
                let read = read_oplog(&link, after).await;
                let Some(inner) = weak.upgrade() else {
                    return failed;
                };
                let more = inner.with_sync(|sync, _| sync.on_takeover_oplog(handoff, read));
                queue.extend(more.unwrap_or_default());
            }
            Action::Claim { handoff } => {
                drop(inner);
                let claimed = link
                    .store
                    .claim_handoff(&link.diagram_id, &handoff.tab_id)
                    .await;
                let Some(inner) = weak.upgrade() else {
                    return failed;
                };
                match claimed {
                    Ok(true) => inner.adopt(handoff),
                    Ok(false) => {}
                    Err(error) => web_sys::console::warn_1(
                        &format!("diagram-state: cannot claim a closing tab's changes: {error}")
                            .into(),
                    ),
                }
            }
            Action::Resync => {
                let committing = inner.with_sync(|sync, _| sync.status().committing);
                if committing == Some(true) {
                    link.resync_wanted.set(true);
                    continue;
                }
                drop(inner);
                let loaded = link.store.load(&link.diagram_id).await;
                let Some(inner) = weak.upgrade() else {
                    return failed;
                };
                match loaded.and_then(|loaded| loaded.into_complete()) {
                    Ok(loaded) => inner.resynced(loaded.version, loaded.head_hash, loaded.cells),
                    Err(error) => {
                        web_sys::console::error_1(
                            &format!("diagram-state: cannot reload the diagram: {error}").into(),
                        );
                        failed = Some(StoreProblem::from(&error));
                    }
                }
            }
        }
    }
    if let Some(inner) = weak.upgrade() {
        inner.emit_sync();
    }
    failed
}
