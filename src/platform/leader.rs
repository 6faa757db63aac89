//! The saving tab: per diagram, exactly one tab (the leader) runs the server auto-save.
//! Elected with Web Locks (`navigator.locks`): the tab holding the lock
//! `diagram-state:leader:<diagramId>` leads until it releases it or closes; the browser
//! then grants the lock to the next waiting tab at once, even when the leader crashed.
//!
//! Where `navigator.locks` is missing (older browsers, plain-HTTP origins other than
//! localhost), [`LeaderElection::start`] falls back to a heartbeat election over a
//! `BroadcastChannel` ([`HeartbeatElection`]: the oldest live tab leads, a silent leader is
//! replaced within a second). That fallback is best effort: a hidden tab's throttled timers
//! can make two tabs lead for a moment; the server's version check still prevents a lost
//! update then.
//!
//! A pending lock request is cancelled with an `AbortController` signal when the handle is
//! dropped; a held lock is released by resolving the promise the lock callback returned.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo::timers::callback::Interval;
use js_sys::{Array, Function, Object, Promise, Reflect};
use thiserror::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use super::broadcast::{describe, BroadcastError, BroadcastTransport, Incoming};
use crate::core::error::ErrorCode;
use crate::core::sync::{HeartbeatElection, HEARTBEAT_INTERVAL};

/// The Web Locks name for a diagram: `diagram-state:leader:<diagramId>` (also the
/// fallback's channel name).
pub fn lock_name(diagram_id: &str) -> String {
    format!("diagram-state:leader:{diagram_id}")
}

/// How the leader is elected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaderMode {
    /// Web Locks: exact, hand-over at once.
    WebLocks,
    /// The heartbeat fallback: best effort, hand-over within a second.
    Heartbeat,
}

/// Why an election could not start.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LeaderError {
    /// `navigator.locks` is missing or refused the request (`code`: `LOCKS_UNAVAILABLE`).
    #[error("Web Locks are not available: {0}")]
    LocksUnavailable(String),
    /// The fallback's channel could not open (`code`: `BROADCAST_UNAVAILABLE`).
    #[error(transparent)]
    Broadcast(#[from] BroadcastError),
}

impl ErrorCode for LeaderError {
    fn code(&self) -> &'static str {
        match self {
            Self::LocksUnavailable(_) => "LOCKS_UNAVAILABLE",
            Self::Broadcast(error) => error.code(),
        }
    }
}

/// What the election's callbacks share with the handle.
struct Shared {
    leader: Cell<bool>,
    stopped: Cell<bool>,
    /// Resolves the promise that holds the lock.
    release: RefCell<Option<Function>>,
    on_change: RefCell<Box<dyn FnMut(bool)>>,
}

impl Shared {
    fn new(on_change: impl FnMut(bool) + 'static) -> Rc<Self> {
        Rc::new(Self {
            leader: Cell::new(false),
            stopped: Cell::new(false),
            release: RefCell::new(None),
            on_change: RefCell::new(Box::new(on_change)),
        })
    }

    /// Records the leadership and tells the owner when it changed.
    fn set_leader(&self, leader: bool) {
        if self.stopped.get() || self.leader.get() == leader {
            return;
        }
        self.leader.set(leader);
        if let Ok(mut on_change) = self.on_change.try_borrow_mut() {
            on_change(leader);
        }
    }
}

enum Backend {
    Locks {
        controller: AbortController,
    },
    Heartbeat {
        election: Rc<RefCell<HeartbeatElection>>,
        channel: Rc<BroadcastTransport>,
        _beat: Interval,
    },
}

/// This tab's candidacy for leading a diagram's server auto-save. `onChange(true)` is
/// called when this tab becomes the leader (and, with the heartbeat fallback only,
/// `onChange(false)` if it stops leading). Dropping the handle resigns: a held lock is
/// released (the next tab leads at once), a waiting request is aborted.
///
/// ```no_run
/// use diagram_state::platform::leader::LeaderElection;
///
/// let election = LeaderElection::start("d1", "tab-7", |leading| {
///     // start or stop the server auto-save of this tab
/// })?;
/// assert!(!election.is_leader()); // known only after the browser answers
/// # Ok::<(), diagram_state::platform::leader::LeaderError>(())
/// ```
#[must_use = "the tab resigns when the handle is dropped"]
pub struct LeaderElection {
    shared: Rc<Shared>,
    backend: Backend,
}

impl std::fmt::Debug for LeaderElection {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("LeaderElection")
            .field("mode", &self.mode())
            .field("leader", &self.is_leader())
            .finish_non_exhaustive()
    }
}

impl LeaderElection {
    /// Stands for leader of `diagram_id` with Web Locks, or with the heartbeat fallback
    /// (as `tab_id`) where Web Locks are missing.
    pub fn start(
        diagram_id: &str,
        tab_id: &str,
        on_change: impl FnMut(bool) + 'static,
    ) -> Result<Self, LeaderError> {
        if locks().is_some() {
            Self::start_web_locks(diagram_id, on_change)
        } else {
            Self::start_heartbeat(diagram_id, tab_id, on_change)
        }
    }

    /// Stands for leader with Web Locks only; fails with `LOCKS_UNAVAILABLE` where they are
    /// missing. If the browser later refuses the request for another reason than this
    /// handle's abort, this tab leads anyway (a warning goes to the console): two saving
    /// tabs are safer than none.
    pub fn start_web_locks(
        diagram_id: &str,
        on_change: impl FnMut(bool) + 'static,
    ) -> Result<Self, LeaderError> {
        let unavailable = |error: JsValue| LeaderError::LocksUnavailable(describe(&error));
        let locks = locks()
            .ok_or_else(|| LeaderError::LocksUnavailable("navigator.locks is missing".into()))?;
        let request: Function = Reflect::get(&locks, &JsValue::from_str("request"))
            .map_err(unavailable)?
            .dyn_into()
            .map_err(unavailable)?;
        let controller = AbortController::new().map_err(unavailable)?;
        let options = Object::new();
        Reflect::set(&options, &JsValue::from_str("signal"), &controller.signal())
            .map_err(unavailable)?;
        let shared = Shared::new(on_change);
        let granted = granted_callback(Rc::downgrade(&shared));
        let refused = refused_callback(Rc::downgrade(&shared));
        let name = JsValue::from_str(&lock_name(diagram_id));
        let pending = Reflect::apply(&request, &locks, &Array::of3(&name, &options, &granted))
            .map_err(unavailable)?;
        let then: Function = Reflect::get(&pending, &JsValue::from_str("then"))
            .map_err(unavailable)?
            .dyn_into()
            .map_err(unavailable)?;
        Reflect::apply(&then, &pending, &Array::of2(&JsValue::UNDEFINED, &refused))
            .map_err(unavailable)?;
        Ok(Self {
            shared,
            backend: Backend::Locks { controller },
        })
    }

    /// Stands for leader with the heartbeat fallback (see [`HeartbeatElection`]), whether
    /// or not Web Locks exist.
    pub fn start_heartbeat(
        diagram_id: &str,
        tab_id: &str,
        on_change: impl FnMut(bool) + 'static,
    ) -> Result<Self, LeaderError> {
        let shared = Shared::new(on_change);
        let election = Rc::new(RefCell::new(HeartbeatElection::new(tab_id, now())));
        let on_beat = {
            let (election, shared) = (Rc::clone(&election), Rc::downgrade(&shared));
            move |incoming: Incoming| {
                let Incoming::Text(text) = incoming else {
                    return;
                };
                let change = election.borrow_mut().on_message(&text, now());
                if let (Some(leader), Some(shared)) = (change, shared.upgrade()) {
                    shared.set_leader(leader);
                }
            }
        };
        let channel = Rc::new(BroadcastTransport::open_named(
            &lock_name(diagram_id),
            on_beat,
        )?);
        let beat = {
            let (election, shared, channel) = (
                Rc::clone(&election),
                Rc::downgrade(&shared),
                Rc::downgrade(&channel),
            );
            Interval::new(HEARTBEAT_INTERVAL as u32, move || {
                let (change, message) = {
                    let mut election = election.borrow_mut();
                    (election.tick(now()), election.heartbeat_message())
                };
                if let Some(channel) = channel.upgrade() {
                    // A failed post only delays the others' view of this tab.
                    let _ = channel.post(&message);
                }
                if let (Some(leader), Some(shared)) = (change, shared.upgrade()) {
                    shared.set_leader(leader);
                }
            })
        };
        let _ = channel.post(&election.borrow().heartbeat_message());
        Ok(Self {
            shared,
            backend: Backend::Heartbeat {
                election,
                channel,
                _beat: beat,
            },
        })
    }

    /// Whether this tab leads now.
    pub fn is_leader(&self) -> bool {
        self.shared.leader.get()
    }

    /// How this election runs.
    pub fn mode(&self) -> LeaderMode {
        match self.backend {
            Backend::Locks { .. } => LeaderMode::WebLocks,
            Backend::Heartbeat { .. } => LeaderMode::Heartbeat,
        }
    }
}

impl Drop for LeaderElection {
    fn drop(&mut self) {
        self.shared.stopped.set(true);
        self.shared.leader.set(false);
        match &self.backend {
            Backend::Locks { controller } => match self.shared.release.borrow_mut().take() {
                Some(release) => {
                    let _ = release.call0(&JsValue::UNDEFINED);
                }
                None => controller.abort(),
            },
            Backend::Heartbeat {
                election, channel, ..
            } => {
                let _ = channel.post(&election.borrow().resign_message());
            }
        }
    }
}

/// `navigator.locks`, when the browser has it.
fn locks() -> Option<JsValue> {
    let navigator = web_sys::window()?.navigator();
    Reflect::get(&navigator, &JsValue::from_str("locks"))
        .ok()
        .filter(|locks| locks.is_object())
}

/// The lock callback: becomes leader and returns a promise that holds the lock until the
/// handle resolves it. Owned by JavaScript (it may run after the handle is gone: it then
/// releases the lock at once).
fn granted_callback(shared: Weak<Shared>) -> JsValue {
    Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |_lock: JsValue| -> JsValue {
        let Some(shared) = shared.upgrade().filter(|shared| !shared.stopped.get()) else {
            return Promise::resolve(&JsValue::UNDEFINED).into();
        };
        let held = Promise::new(&mut |resolve, _reject| {
            *shared.release.borrow_mut() = Some(resolve);
        });
        shared.set_leader(true);
        held.into()
    })
    .into_js_value()
}

/// The request's rejection handler: an abort by the handle is expected; anything else makes
/// this tab lead (see [`LeaderElection::start_web_locks`]).
fn refused_callback(shared: Weak<Shared>) -> JsValue {
    Closure::<dyn FnMut(JsValue)>::new(move |error: JsValue| {
        if let Some(shared) = shared.upgrade().filter(|shared| !shared.stopped.get()) {
            web_sys::console::warn_1(&JsValue::from_str(&format!(
                "diagram-state: the leader lock was refused ({}); this tab saves anyway",
                describe(&error)
            )));
            shared.set_leader(true);
        }
    })
    .into_js_value()
}

fn now() -> f64 {
    js_sys::Date::now()
}
