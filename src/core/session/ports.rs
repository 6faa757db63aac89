//! The ports of the session engine: what it needs from the world besides the store
//! ([`DiagramStore`](crate::core::storage::DiagramStore)) and the clock
//! ([`Clock`](crate::core::clock::Clock)). The browser implements them with a
//! BroadcastChannel, `setTimeout` and `spawn_local`; native tests with an in-memory
//! channel and a task queue on a fake clock.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use super::announce::Announcement;
use crate::core::clock::Clock;

/// A task of the engine: single-threaded, so not `Send`.
pub type Task = Pin<Box<dyn Future<Output = ()>>>;

/// Posts text messages to the other tabs on the same diagram.
pub trait Transport {
    /// Posts `text` to every other tab. A lost post only delays them (they repair gaps
    /// from the op log), so a failure is the port's to report, not the engine's.
    fn post(&self, text: &str);
}

/// A closure is a transport (e.g. one that posts nowhere, where no channel opens).
impl<F: Fn(&str)> Transport for F {
    fn post(&self, text: &str) {
        self(text);
    }
}

/// Runs the engine's tasks and its waits.
pub trait Scheduler {
    /// Runs `task` to completion, after the current call returns (never inside it).
    fn spawn(&self, task: Task);

    /// A future that resolves after `ms` milliseconds.
    fn sleep(&self, ms: u32) -> Task;
}

/// Receives what the engine has to tell the editor. Called with no borrow of the engine
/// held: a listener may call back in.
pub trait Sink {
    /// Tells the editor one thing that happened.
    fn announce(&self, announcement: Announcement);
}

/// Everything the session engine's driver works through: the store `S` and the other
/// ports.
pub struct Ports<S> {
    /// Where the diagram is kept: the serialization point between tabs.
    pub store: Rc<S>,
    /// The channel to the other tabs.
    pub transport: Rc<dyn Transport>,
    /// Tasks and waits.
    pub scheduler: Rc<dyn Scheduler>,
    /// The time, for messages and heartbeats.
    pub clock: Rc<dyn Clock>,
    /// What the editor is told.
    pub sink: Rc<dyn Sink>,
}
