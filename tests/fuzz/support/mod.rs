//! The fuzzing harness shared by every target: a driver that generates inputs with
//! proptest strategies for a number of inputs or a time budget and shrinks what fails, JSON
//! value generators, byte- and JSON-level mutators of seed inputs, and the corpus folders
//! (seeds and regression inputs) that ordinary tests replay, and the seed of every
//! randomized test.

pub mod block_on;
pub mod corpus;
pub mod driver;
pub mod json;
pub mod mutate;
pub mod seed;

pub use block_on::block_on;
pub use corpus::{json_case, replay_corpus, seed_texts};
pub use driver::{fuzz, tally, Verdict};
pub use mutate::mutated;

/// Fails a check with a message when `condition` does not hold.
#[macro_export]
macro_rules! ensure {
    ($condition:expr, $($message:tt)+) => {
        if !$condition {
            return Err(format!($($message)+));
        }
    };
}
