//! A diagram kept in local storage: the browser's ports of the session engine (the store,
//! the BroadcastChannel, the leader election, the session's clock, the page's lifecycle)
//! and the engine's announcements turned into JavaScript events. The rules live in the
//! core ([`Driver`], [`SessionEngine`](crate::core::session::SessionEngine)).

use std::rc::{Rc, Weak};

use gloo::events::EventListener;
use gloo::timers::callback::Interval;
use serde::Serialize;

use super::Inner;
use crate::core::model::Change;
use crate::core::session::{Announcement, Driver, Ports, Severity, Sink, StoreProblem, Transport};
use crate::core::sync::{SyncStatus, TICK_INTERVAL};
use crate::platform::broadcast::{BroadcastTransport, Incoming};
use crate::platform::clock::BrowserClock;
use crate::platform::indexed_db::LocalStore;
use crate::platform::leader::LeaderElection;
use crate::platform::page::page_lifecycle;
use crate::platform::scheduler::BrowserScheduler;

/// The engine's driver of one open diagram, with what keeps its ports running.
pub(super) struct Link {
    pub(super) driver: Rc<Driver<LocalStore>>,
    /// Whether the BroadcastChannel is open (other tabs can follow).
    channel: bool,
    _leader: Option<LeaderElection>,
    _ticks: Interval,
    _listeners: Vec<EventListener>,
}

/// The payload of the `sync` event and of `syncStatus`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct SyncEvent {
    #[serde(flatten)]
    status: SyncStatus,
    /// Whether this tab is the one that auto-saves to the server.
    leader: bool,
    /// Whether the BroadcastChannel is open (other tabs can follow).
    channel: bool,
    /// `indexeddb` or `memory`.
    storage: &'static str,
    /// The last commit error, `null` once a commit succeeds.
    error: Option<StoreProblem>,
}

/// The engine's announcements, to the JavaScript listeners of the state (held weakly).
struct Listeners(Weak<Inner>);

impl Sink for Listeners {
    fn announce(&self, announcement: Announcement) {
        let Some(inner) = self.0.upgrade() else {
            return;
        };
        match announcement {
            Announcement::TabChanges { changes, version } => {
                inner.announce_changes("tab", &changes, version)
            }
            Announcement::History { before, after } => inner.announce_history(before, after),
            Announcement::Conflict(conflict) => inner.emitter.emit("conflict", &conflict),
            Announcement::AutoSave { changes } => {
                inner.trigger_autosave(&changes, None);
            }
            Announcement::Lead {
                leading,
                carry_over,
            } => inner.lead_autosave(leading, carry_over),
            Announcement::SavedElsewhere { server_version } => {
                inner.saved_elsewhere(server_version)
            }
            Announcement::Status => inner.emit_sync(),
            Announcement::Problem(problem) => {
                let line = format!("diagram-state: {}", problem.message()).into();
                match problem.severity() {
                    Severity::Warning => web_sys::console::warn_1(&line),
                    Severity::Error => web_sys::console::error_1(&line),
                }
            }
        }
    }
}

impl Link {
    /// Starts the engine's driver on `store`: opens the channel, starts the session's
    /// clock (heartbeats, silent tabs), stands for leader, re-announces the tab whenever
    /// the page becomes visible again, and hands over what it has not committed when the
    /// page goes away (`pagehide`).
    pub(super) fn start(
        inner: &Rc<Inner>,
        store: Rc<LocalStore>,
        diagram_id: &str,
        tab_id: &str,
    ) -> Rc<Self> {
        let weak = Rc::downgrade(inner);
        let opened = BroadcastTransport::open(diagram_id, move |incoming| {
            if let Some(driver) = weak.upgrade().and_then(|inner| inner.driver_of_link()) {
                driver.receive(match incoming {
                    Incoming::Text(text) => Some(text),
                    Incoming::Unreadable => None,
                });
            }
        });
        let channel = opened.is_ok();
        let transport: Rc<dyn Transport> = match opened {
            Ok(transport) => Rc::new(transport),
            Err(error) => {
                web_sys::console::warn_1(
                    &format!("diagram-state: other tabs will not follow this one: {error}").into(),
                );
                Rc::new(|_: &str| {})
            }
        };
        let ports = Ports {
            store,
            transport,
            scheduler: Rc::new(BrowserScheduler),
            clock: Rc::new(BrowserClock),
            sink: Rc::new(Listeners(Rc::downgrade(inner))),
        };
        let driver = Driver::new(Rc::clone(&inner.session), ports);
        let ticking = Rc::downgrade(&driver);
        let ticks = Interval::new(TICK_INTERVAL as u32, move || {
            if let Some(driver) = ticking.upgrade() {
                driver.tick();
            }
        });
        let leading = Rc::downgrade(&driver);
        let leader = LeaderElection::start(diagram_id, tab_id, move |leads| {
            if let Some(driver) = leading.upgrade() {
                driver.set_leading(leads);
            }
        });
        let leader = match leader {
            Ok(leader) => Some(leader),
            Err(error) => {
                // No election possible: this tab saves, like a tab alone.
                web_sys::console::warn_1(&format!("diagram-state: {error}").into());
                driver.set_leading(true);
                None
            }
        };
        Rc::new(Self {
            _listeners: page_listeners(&driver),
            driver,
            channel,
            _leader: leader,
            _ticks: ticks,
        })
    }
}

/// Hands over on `pagehide`; says hello again when the page becomes visible.
fn page_listeners(driver: &Rc<Driver<LocalStore>>) -> Vec<EventListener> {
    let leaving = Rc::downgrade(driver);
    let showing = Rc::downgrade(driver);
    page_lifecycle(
        move || {
            if let Some(driver) = leaving.upgrade() {
                driver.leave();
            }
        },
        move |visible| {
            if let Some(driver) = showing.upgrade().filter(|_| visible) {
                driver.hello();
            }
        },
    )
}

impl Inner {
    pub(super) fn link(&self) -> Option<Rc<Link>> {
        self.link.borrow().clone()
    }

    fn driver_of_link(&self) -> Option<Rc<Driver<LocalStore>>> {
        Some(Rc::clone(&self.link()?.driver))
    }

    /// Queues a local change set (an edit, an undo, a redo) for the store and starts
    /// committing. Without a store this does nothing.
    pub(super) fn after_local_change(&self, changes: &[Change]) {
        if let Some(driver) = self.driver_of_link().filter(|_| !changes.is_empty()) {
            driver.record_local(changes.to_vec());
        }
    }

    /// Records that the server copy holds what this tab knew of at store version
    /// `store_version` (an auto-save answered `saved` with `server_version`): in the
    /// directory entry, then for the other tabs. Without a store this does nothing.
    pub(super) fn record_push(&self, server_version: u64, store_version: u64) {
        if let Some(driver) = self.driver_of_link() {
            driver.saved(server_version, store_version);
        }
    }

    /// Hands over what is not committed, says goodbye and stops the link (dispose).
    pub(super) fn close_link(&self) {
        if let Some(link) = self.link.borrow_mut().take() {
            link.driver.leave();
        }
    }

    /// The sync status as the `sync` event sends it, or `None` without a store.
    pub(super) fn sync_event(&self) -> Option<serde_json::Value> {
        let link = self.link()?;
        let status = self.session.try_borrow().ok()?.as_ref()?.status()?;
        let event = SyncEvent {
            status: status.sync,
            leader: status.leader,
            channel: link.channel,
            storage: match **link.driver.store() {
                LocalStore::IndexedDb(_) => "indexeddb",
                LocalStore::Memory(_) => "memory",
            },
            error: status.error,
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
}
