//! Cross-tab sync: several tabs on the same diagram stay identical through a broadcast
//! channel, with versions, gap repair, resync and field-level merge, so no tab silently
//! overwrites another.
//!
//! The store (IndexedDB) is the serialization point: a commit is one transaction that
//! checks the stored version, writes, and bumps it by one; the committing tab then posts
//! the committed changes. A receiver integrates version `committed + 1` directly, reads a
//! gap from the op log, and reloads from the store when the log cannot fill it. A commit
//! that finds a newer stored version (`STALE_VERSION`) integrates the newer versions under
//! its pending changes and commits again. Only the same path changed on both sides is a
//! conflict, settled by a [`ConflictPolicy`] and reported (see [`merge`] for every case);
//! a commit that replaced another tab's committed value carries an [`Override`], so that
//! tab is told too.
//!
//! - [`protocol`]: the messages as data and their decoder;
//! - [`SyncSession`]: one tab's sans-IO session (versions, pending sets, peers, counters);
//! - [`adopt`]: how a closing tab's uncommitted sets are taken over by a tab that stays;
//! - [`peers`]: the other tabs, the `here` heartbeat, and the bound on the peer table;
//! - [`merge`]: the merge rules and conflicts, applied by
//!   [`DiagramState::integrate_remote`](crate::core::state::DiagramState::integrate_remote);
//! - [`HeartbeatElection`]: the leader election used where Web Locks are missing.

mod action;
pub mod adopt;
pub(crate) mod cell_diff;
mod election;
mod error;
mod ignored;
pub(crate) mod journal;
pub mod merge;
mod overrides;
pub mod peers;
pub mod protocol;
mod session;
mod status;

pub use action::{Action, CommitRequest, CommittedSet, Handoff};
pub use adopt::Adoption;
pub use election::{HeartbeatElection, HEARTBEAT_INTERVAL, HEARTBEAT_TIMEOUT};
pub use error::SyncError;
pub use ignored::{IgnoredCounts, IgnoredReason};
pub use merge::{paths_overlap, Conflict, ConflictKind, ConflictPolicy, Resolution};
pub use overrides::Override;
pub use peers::{HERE_INTERVAL, MAX_PEERS, PEER_TIMEOUT, TICK_INTERVAL};
pub use protocol::{
    decode_message, Envelope, Expect, Message, MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
};
pub use session::{SessionConfig, SyncSession};
pub use status::SyncStatus;
