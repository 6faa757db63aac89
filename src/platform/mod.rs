//! Browser implementations of the core's ports (clock, storage, transport, timers).

pub mod autosave_driver;
pub mod broadcast;
pub mod clock;
pub mod indexed_db;
pub mod leader;
pub mod page;
pub mod scheduler;
