//! Helpers for the cross-tab sync tests: an in-page store with an op log, "tabs" made of a
//! diagram state, a sync session and a real BroadcastChannel transport, and waits that
//! fail instead of hanging.

use std::cell::RefCell;
use std::rc::Rc;

use diagram_state::core::history::Origin;
use diagram_state::core::model::{Change, Diagram};
use diagram_state::core::state::{DiagramState, Integration};
use diagram_state::core::storage::ChainHash;
use diagram_state::core::sync::{Action, CommittedSet, SessionConfig, SyncSession};
use diagram_state::platform::broadcast::{BroadcastTransport, Incoming};
use js_sys::{Function, Promise};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

use crate::support::within;

/// A diagram id no other test uses.
pub fn unique_diagram(topic: &str) -> String {
    format!("sync-{topic}-{}", (js_sys::Math::random() * 1e12) as u64)
}

/// Resolves after `ms` milliseconds.
pub async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Something that happened, for waits to wake up on.
#[derive(Clone, Default)]
pub struct Signal {
    waiters: Rc<RefCell<Vec<Function>>>,
}

impl Signal {
    /// Wakes every wait.
    pub fn notify(&self) {
        let waiters: Vec<Function> = self.waiters.borrow_mut().drain(..).collect();
        for waiter in waiters {
            let _ = waiter.call0(&JsValue::UNDEFINED);
        }
    }

    /// Waits until `done()` holds, re-checking each time the signal fires; fails the test
    /// after `ms` milliseconds without progress.
    pub async fn until(&self, ms: i32, what: &str, done: impl Fn() -> bool) {
        while !done() {
            let waiters = Rc::clone(&self.waiters);
            let next = Promise::new(&mut |resolve, _reject| waiters.borrow_mut().push(resolve));
            within(ms, what, next).await.expect("no progress in time");
        }
    }
}

/// The store as the sync sees it: version, cells, the head of the hash chain and an op
/// log from `compacted` on.
pub struct Store {
    pub diagram: Diagram,
    pub head: ChainHash,
    pub log: Vec<CommittedSet>,
    pub compacted: u64,
}

impl Store {
    pub fn new(cells: Vec<Value>) -> Rc<RefCell<Self>> {
        Rc::new(RefCell::new(Self {
            diagram: Diagram::from_cells(cells, 1).expect("cells"),
            head: ChainHash::start(1),
            log: Vec::new(),
            compacted: 1,
        }))
    }

    pub fn version(&self) -> u64 {
        self.diagram.version()
    }

    pub fn cells(&self) -> Vec<Value> {
        self.diagram.cells().map(|cell| (**cell).clone()).collect()
    }

    /// One transaction: the new version and its chain link, `Err(stored)` when `base` is
    /// stale.
    pub fn commit(
        &mut self,
        base: u64,
        changes: Vec<Change>,
        tab: &str,
    ) -> Result<(u64, ChainHash), u64> {
        if base != self.version() {
            return Err(self.version());
        }
        self.diagram
            .apply_all(changes.clone())
            .expect("commit applies");
        let version = self.version();
        self.head = self.head.next(version, tab, &changes, &[]);
        self.log.push(CommittedSet {
            version,
            tab_id: tab.into(),
            changes,
            hash: Some(self.head),
            overrides: Vec::new(),
        });
        Ok((version, self.head))
    }

    /// The op-log records after `after`, or `None` when they were compacted away.
    pub fn read_log(&self, after: u64) -> Option<Vec<CommittedSet>> {
        (after >= self.compacted).then(|| {
            self.log
                .iter()
                .filter(|set| set.version > after)
                .cloned()
                .collect()
        })
    }

    pub fn compact(&mut self) {
        self.compacted = self.version();
        self.log.clear();
    }
}

pub fn node(id: &str) -> Value {
    json!({ "id": id, "shape": "rect", "attrs": { "text": { "text": id } }, "data": { "x": "a", "y": "b" } })
}

/// What a tab holds.
pub struct TabState {
    pub state: DiagramState,
    pub session: SyncSession,
    pub integrations: Vec<Integration>,
    /// Messages to post that the handler could not post itself (`here` answers).
    pub outbox: Vec<String>,
}

/// A tab of the page: state and session behind a real BroadcastChannel.
pub struct PageTab {
    pub tab: Rc<RefCell<TabState>>,
    pub channel: BroadcastTransport,
    pub signal: Signal,
    store: Rc<RefCell<Store>>,
}

impl PageTab {
    pub fn open(diagram_id: &str, tab_id: &str, store: &Rc<RefCell<Store>>) -> Self {
        Self::open_with(SessionConfig::new(diagram_id, tab_id), store)
    }

    pub fn open_with(config: SessionConfig, store: &Rc<RefCell<Store>>) -> Self {
        let mut state = DiagramState::new(js_sys::Date::now);
        let (cells, version, head) = {
            let store = store.borrow();
            (store.cells(), store.version(), store.head)
        };
        state.load(cells, version).expect("load");
        let diagram_id = config.diagram_id.clone();
        let tab = Rc::new(RefCell::new(TabState {
            state,
            session: SyncSession::new(config, version, head),
            integrations: Vec::new(),
            outbox: Vec::new(),
        }));
        let signal = Signal::default();
        let channel = {
            let (tab, store, signal) = (Rc::clone(&tab), Rc::clone(store), signal.clone());
            BroadcastTransport::open(&diagram_id, move |incoming| {
                {
                    let mut tab = tab.borrow_mut();
                    let actions = match incoming {
                        Incoming::Text(text) => tab.session.on_message(&text, js_sys::Date::now()),
                        Incoming::Unreadable => tab.session.on_unreadable(),
                    };
                    tab.run(actions, &store.borrow());
                }
                signal.notify();
            })
            .expect("channel opens")
        };
        Self {
            tab,
            channel,
            signal,
            store: Rc::clone(store),
        }
    }

    /// A local edit.
    pub fn set(&self, id: &str, path: &str, value: Value) {
        let mut tab = self.tab.borrow_mut();
        let outcome = tab
            .state
            .apply_changes(
                vec![Change::update(id, path, None, Some(value))],
                Origin::Local,
            )
            .expect("edit applies");
        tab.session.record_local(outcome.applied);
    }

    /// Commits what is pending (rebasing when stale); posts the commit when `post`.
    pub fn commit(&self, post: bool) {
        let mut tab = self.tab.borrow_mut();
        for _ in 0..20 {
            let Some(request) = tab.session.next_commit() else {
                return;
            };
            let tab_id = tab.session.config().tab_id.clone();
            let answer = self
                .store
                .borrow_mut()
                .commit(request.base, request.changes, &tab_id);
            match answer {
                Ok((version, hash)) => {
                    let message = tab
                        .session
                        .on_commit_ok(version, hash)
                        .expect("commit answer");
                    if let (Some(message), true) = (message, post) {
                        self.channel.post(&message).expect("post");
                    }
                    return;
                }
                Err(stored) => {
                    let actions = tab.session.on_stale(stored);
                    tab.run(actions, &self.store.borrow());
                }
            }
        }
        panic!("the commit never went through");
    }

    pub fn version(&self) -> u64 {
        self.tab.borrow().session.committed_version()
    }

    pub fn get(&self, id: &str, path: &str) -> Option<Value> {
        self.tab
            .borrow()
            .state
            .diagram()
            .get(id, path)
            .ok()
            .flatten()
            .cloned()
    }

    pub fn cells(&self) -> Vec<Value> {
        self.tab
            .borrow()
            .state
            .diagram()
            .cells()
            .map(|cell| (**cell).clone())
            .collect()
    }

    /// Waits until this tab has integrated `version`.
    pub async fn reaches(&self, version: u64) {
        let what = format!(
            "{} to reach version {version}",
            self.tab.borrow().session.config().tab_id
        );
        self.signal
            .until(2_000, &what, || self.version() >= version)
            .await;
    }
}

impl TabState {
    /// Does what the session asked, reading the op log from `store`.
    pub fn run(&mut self, actions: Vec<Action>, store: &Store) {
        for action in actions {
            match action {
                Action::Integrate { set } => {
                    let integration = self
                        .session
                        .integrate(&mut self.state, set)
                        .expect("integrate");
                    self.integrations.extend(integration);
                }
                Action::RepairGap { after, .. } | Action::CheckStore { after } => {
                    let next = match store.read_log(after) {
                        Some(records) => self.session.on_oplog(records),
                        None => self.session.on_oplog_missing(),
                    };
                    self.run(next, store);
                }
                Action::Resync => {
                    let integration = self
                        .session
                        .resynced(&mut self.state, store.version(), store.head, store.cells())
                        .expect("resync");
                    self.integrations.push(integration);
                }
                Action::Post { message } => self.outbox.push(message),
                // No tab of these tests closes with changes to hand over.
                Action::TakeOver { .. } | Action::Claim { .. } => {}
                Action::Ignore { .. }
                | Action::PeerJoined { .. }
                | Action::PeerLeft { .. }
                | Action::SavedElsewhere { .. } => {}
            }
        }
    }
}
