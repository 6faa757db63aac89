//! The session engine: what happens after an edit of an open diagram, decided in one
//! place for the browser and for native tests.
//!
//! - [`SessionEngine`] holds the core state (diagram, filter, history), the cross-tab
//!   [`SyncSession`](crate::core::sync::SyncSession) of a diagram kept in a store, the
//!   conflicts left for the user and what the server copy is known to hold. Its steps are
//!   sans-IO: they take what happened and return what to do ([`Action`](crate::core::sync::Action)s,
//!   a [`Commit`](crate::core::storage::Commit), messages) and what to tell the editor
//!   ([`Announcement`]s).
//! - [`Driver`] runs those steps against the [`ports`]: the store, the channel to the other
//!   tabs, a scheduler (tasks and waits, for the commit retry's backoff), the clock and a
//!   [`Sink`] for the announcements. Its loops are generic over the store, so the browser
//!   (IndexedDB, BroadcastChannel) and native tests (memory store, in-memory channel, fake
//!   time) run the same code.
//! - [`open_stored`]: where a diagram kept in a store starts, and what its server copy may
//!   lack.
//!
//! The binding holds the engine in a [`SharedEngine`] and only converts and forwards.

mod announce;
mod commits;
mod driver;
mod engine;
mod loops;
mod open;
pub mod ports;
mod saves;
mod tabs;

pub use announce::{Announcement, Problem, ProblemKind, Severity, StoreProblem};
pub use driver::{Driver, SharedEngine};
pub use engine::{SessionEngine, SessionStatus};
pub use open::{open_stored, Opening};
pub use ports::{Ports, Scheduler, Sink, Task, Transport};
pub use saves::SavedHere;
