//! Native harness of the session engine: the real [`Driver`](diagram_state::core::session::Driver)
//! over a shared memory store, with outboxes as the transport between tabs, recorders as
//! the sink, and a deterministic executor with fake time.

#[path = "../fuzz/support/block_on.rs"]
mod block_on;
pub mod runtime;
pub mod store;
pub mod tab;

pub use block_on::block_on;
