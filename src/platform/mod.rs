//! Browser implementations of the core's ports (clock, storage, transport, timers).

pub mod autosave_driver;
pub mod clock;
pub mod indexed_db;
