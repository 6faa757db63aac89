//! Helpers for the cross-tab sync tests: "tabs" of one page, each the real session engine
//! and its driver over a shared in-page store (the native harness's) and a real
//! BroadcastChannel, and waits that fail instead of hanging.

use std::cell::{Cell, Ref, RefCell, RefMut};
use std::rc::Rc;

use diagram_state::core::history::Origin;
use diagram_state::core::model::Change;
use diagram_state::core::session::{
    Announcement, Driver, Ports, SessionEngine, SharedEngine, Sink, Transport,
};
use diagram_state::core::state::DiagramState;
use diagram_state::core::sync::{Conflict, SessionConfig, SyncSession};
use diagram_state::platform::broadcast::{BroadcastTransport, Incoming};
use diagram_state::platform::clock::BrowserClock;
use diagram_state::platform::scheduler::BrowserScheduler;
use js_sys::{Function, Promise};
use serde_json::{json, Value};
use wasm_bindgen::prelude::*;

#[path = "../fuzz/support/block_on.rs"]
mod block_on;
// Shared with the native harness; these tests use part of it.
#[allow(dead_code)]
#[path = "../sync_engine/store.rs"]
mod store;

use block_on::block_on;
pub use store::Store;

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

pub fn node(id: &str) -> Value {
    json!({ "id": id, "shape": "rect", "attrs": { "text": { "text": id } }, "data": { "x": "a", "y": "b" } })
}

/// The channel of a tab, which can drop what the tab posts (a lost message).
#[derive(Default)]
struct Channel {
    open: RefCell<Option<BroadcastTransport>>,
    muted: Cell<bool>,
}

impl Transport for Channel {
    fn post(&self, text: &str) {
        if let (Some(channel), false) = (self.open.borrow().as_ref(), self.muted.get()) {
            Transport::post(channel, text);
        }
    }
}

/// What a tab told its editor; every announcement wakes the waits.
struct Heard {
    conflicts: RefCell<Vec<Conflict>>,
    signal: Signal,
}

impl Sink for Heard {
    fn announce(&self, announcement: Announcement) {
        if let Announcement::Conflict(conflict) = announcement {
            self.conflicts.borrow_mut().push(conflict);
        }
        self.signal.notify();
    }
}

/// A tab of the page: the session engine and its driver behind a real BroadcastChannel.
pub struct PageTab {
    pub engine: SharedEngine,
    pub driver: Rc<Driver<Store>>,
    pub signal: Signal,
    channel: Rc<Channel>,
    heard: Rc<Heard>,
}

impl PageTab {
    pub fn open(diagram_id: &str, tab_id: &str, store: &Rc<Store>) -> Self {
        let mut state = DiagramState::new(js_sys::Date::now);
        let loaded = store.load();
        state.load(loaded.cells, loaded.version).expect("load");
        let config = SessionConfig::new(diagram_id, tab_id);
        let sync = SyncSession::new(config, loaded.version, loaded.head_hash);
        let engine = SessionEngine::new(diagram_id, state, None).follow_tabs(sync);
        let engine: SharedEngine = Rc::new(RefCell::new(Some(engine)));
        let signal = Signal::default();
        let channel = Rc::new(Channel::default());
        let heard = Rc::new(Heard {
            conflicts: RefCell::new(Vec::new()),
            signal: signal.clone(),
        });
        let ports = Ports {
            store: Rc::clone(store),
            transport: channel.clone(),
            scheduler: Rc::new(BrowserScheduler),
            clock: Rc::new(BrowserClock),
            sink: heard.clone(),
        };
        let driver = Driver::new(Rc::clone(&engine), ports);
        let weak = Rc::downgrade(&driver);
        let opened = BroadcastTransport::open(diagram_id, move |incoming| {
            if let Some(driver) = weak.upgrade() {
                driver.receive(match incoming {
                    Incoming::Text(text) => Some(text),
                    Incoming::Unreadable => None,
                });
            }
        });
        channel.open.replace(Some(opened.expect("channel opens")));
        Self {
            engine,
            driver,
            signal,
            channel,
            heard,
        }
    }

    /// The engine.
    pub fn engine(&self) -> RefMut<'_, SessionEngine> {
        RefMut::map(self.engine.borrow_mut(), |engine| {
            engine.as_mut().expect("open")
        })
    }

    /// The sync session.
    pub fn session(&self) -> Ref<'_, SyncSession> {
        Ref::map(self.engine.borrow(), |engine| {
            engine.as_ref().and_then(SessionEngine::sync).expect("open")
        })
    }

    /// Posts `text` on the tab's channel.
    pub fn post(&self, text: &str) {
        self.channel.post(text);
    }

    /// A local edit, committed when the test says so.
    pub fn set(&self, id: &str, path: &str, value: Value) {
        let change = Change::update(id, path, None, Some(value));
        let mut engine = self.engine();
        let outcome = engine
            .core
            .apply_changes(vec![change], Origin::Local)
            .expect("edit applies");
        engine.record_local(outcome.applied);
    }

    /// Commits what is pending through the engine's commit loop (rebasing when stale);
    /// the other tabs hear of it only when `post`.
    pub fn commit(&self, post: bool) {
        self.channel.muted.set(!post);
        block_on(self.driver.commit());
        self.channel.muted.set(false);
        assert!(
            self.session().pending().is_empty(),
            "the commit never went through"
        );
    }

    /// The conflicts reported.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.heard.conflicts.borrow().clone()
    }

    pub fn version(&self) -> u64 {
        self.session().committed_version()
    }

    pub fn get(&self, id: &str, path: &str) -> Option<Value> {
        let engine = self.engine();
        engine.core.diagram().get(id, path).ok().flatten().cloned()
    }

    pub fn cells(&self) -> Vec<Value> {
        let engine = self.engine();
        engine
            .core
            .diagram()
            .cells()
            .map(|cell| (**cell).clone())
            .collect()
    }

    /// Waits until this tab has integrated `version`.
    pub async fn reaches(&self, version: u64) {
        let what = format!(
            "{} to reach version {version}",
            self.session().config().tab_id
        );
        self.signal
            .until(2_000, &what, || self.version() >= version)
            .await;
    }
}
