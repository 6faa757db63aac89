//! Browser implementations of the core's ports (clock, storage, transport, timers).

pub mod clock;
