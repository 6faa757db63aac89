//! The fuzz driver: generates inputs from a proptest strategy until the time budget is
//! spent, runs the target's check on each (a panic counts as a failure), shrinks every
//! failing input with proptest's value trees, and reports
//! `fuzz <target>: <N> executions in <S> s, <K> failures`.
//!
//! Environment: `FUZZ_SECONDS` (time budget per target; default 0.3, so that `cargo test`
//! runs every target briefly), `FUZZ_SEED` (a u64, printed so a run can be repeated;
//! default: a fixed seed when `FUZZ_SECONDS` is not set, so that `cargo test` always starts
//! with the same inputs, and one from the clock when it is, so that each fuzzing run
//! explores new ones).

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;

/// What a check says about one input: `Err` names the property that does not hold.
pub type Verdict = Result<(), String>;

/// The default time budget of one target, in seconds, when `FUZZ_SECONDS` is not set.
const DEFAULT_SECONDS: f64 = 0.3;
/// The seed of runs that set neither `FUZZ_SEED` nor `FUZZ_SECONDS` (plain `cargo test`).
const FIXED_SEED: u64 = 0x5EED_F0CA_CC1A;
/// A run stops looking after this many distinct failures.
const MAX_FAILURES: usize = 3;
/// Shrinking one failure stops after this many steps or this long.
const SHRINK_STEPS: usize = 4096;
const SHRINK_TIME: Duration = Duration::from_secs(20);

thread_local! {
    /// Whether this thread is running fuzz inputs (their panics are failures, reported once).
    static QUIET: Cell<bool> = const { Cell::new(false) };
    /// How many inputs ended in each outcome, as the checks report them with [`tally`].
    static OUTCOMES: RefCell<BTreeMap<&'static str, u64>> = const { RefCell::new(BTreeMap::new()) };
}

/// Counts one input as ending in `outcome` (e.g. "accepted", "refused"); each run prints
/// the counts, which show whether the inputs reach the interesting paths.
pub fn tally(outcome: &'static str) {
    OUTCOMES.with(|outcomes| *outcomes.borrow_mut().entry(outcome).or_default() += 1);
}

/// Runs `check` on inputs from `strategy` for the time budget; fails the test when any
/// input fails, printing each shrunk input and writing it to `target/fuzz/failures/`.
pub fn fuzz<S>(target: &str, strategy: S, check: fn(&Value) -> Verdict)
where
    S: Strategy<Value = Value>,
{
    quiet_panics_in_fuzz_threads();
    let budget = Duration::from_secs_f64(seconds_from_env());
    let seed = seed_from_env();
    println!("fuzz {target}: seed {seed} (set FUZZ_SEED={seed} to repeat this run)");
    OUTCOMES.with(|outcomes| outcomes.borrow_mut().clear());
    let mut runner = TestRunner::new_with_rng(Config::default(), rng(seed));
    let start = Instant::now();
    let mut executions: u64 = 0;
    let mut failures: Vec<(Value, String)> = Vec::new();
    while start.elapsed() < budget && failures.len() < MAX_FAILURES {
        let mut tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|reason| panic!("the {target} strategy gave up: {reason}"));
        executions += 1;
        if let Err(message) = run(check, &tree.current()) {
            let (input, message) = shrink(&mut tree, check, message, &mut executions);
            if !failures.iter().any(|(known, _)| *known == input) {
                failures.push((input, message));
            }
        }
    }
    let seconds = start.elapsed().as_secs_f64();
    println!(
        "fuzz {target}: {executions} executions in {seconds:.1} s, {} failures",
        failures.len()
    );
    let outcomes = OUTCOMES.with(|outcomes| {
        outcomes
            .borrow()
            .iter()
            .map(|(outcome, count)| format!("{outcome} {count}"))
            .collect::<Vec<_>>()
            .join(", ")
    });
    println!("fuzz {target}: outcomes: {outcomes}");
    let mut report = String::new();
    for (input, message) in &failures {
        let saved = save_failure(target, input);
        report.push_str(&format!(
            "\n- {message}\n  input: {input}\n  saved as {} (move it to tests/fuzz/regressions/{target}/ to keep it)",
            saved.display()
        ));
    }
    assert!(failures.is_empty(), "fuzz {target} found failures:{report}");
}

/// Runs one input, turning a panic into a failure.
pub fn run(check: fn(&Value) -> Verdict, input: &Value) -> Verdict {
    QUIET.with(|quiet| quiet.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| check(input)));
    QUIET.with(|quiet| quiet.set(false));
    outcome.unwrap_or_else(|payload| {
        let text = payload
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| payload.downcast_ref::<&str>().map(|text| text.to_string()))
            .unwrap_or_else(|| "a panic without a message".into());
        Err(format!("panicked: {text}"))
    })
}

/// Simplifies a failing input as far as it keeps failing.
fn shrink<T: ValueTree<Value = Value>>(
    tree: &mut T,
    check: fn(&Value) -> Verdict,
    mut message: String,
    executions: &mut u64,
) -> (Value, String) {
    let mut smallest = tree.current();
    let start = Instant::now();
    for _ in 0..SHRINK_STEPS {
        if start.elapsed() > SHRINK_TIME || !tree.simplify() {
            break;
        }
        *executions += 1;
        match run(check, &tree.current()) {
            Err(shrunk) => {
                smallest = tree.current();
                message = shrunk;
            }
            Ok(()) => {
                if !tree.complicate() {
                    break;
                }
            }
        }
    }
    (smallest, message)
}

fn seconds_from_env() -> f64 {
    match std::env::var("FUZZ_SECONDS") {
        Ok(text) => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
            .unwrap_or_else(|| panic!("FUZZ_SECONDS must be a number of seconds, not {text:?}")),
        Err(_) => DEFAULT_SECONDS,
    }
}

fn seed_from_env() -> u64 {
    match std::env::var("FUZZ_SEED") {
        Ok(text) => text
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("FUZZ_SEED must be an unsigned integer, not {text:?}")),
        Err(_) if std::env::var_os("FUZZ_SECONDS").is_none() => FIXED_SEED,
        Err(_) => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(FIXED_SEED, |since| since.as_nanos() as u64),
    }
}

fn rng(seed: u64) -> TestRng {
    let mut bytes = [0u8; 32];
    for (index, chunk) in bytes.chunks_mut(8).enumerate() {
        let mixed = seed ^ (index as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        chunk.copy_from_slice(&mixed.to_le_bytes());
    }
    TestRng::from_seed(RngAlgorithm::ChaCha, &bytes)
}

/// Keeps the default panic output for every thread except while a fuzz input runs.
fn quiet_panics_in_fuzz_threads() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                default(info);
            }
        }));
    });
}

/// Writes a failing input where the report says, named by a hash of its text.
fn save_failure(target: &str, input: &Value) -> PathBuf {
    let text = serde_json::to_string_pretty(input).unwrap_or_default();
    let hash = text.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    });
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/fuzz/failures")
        .join(target);
    let path = folder.join(format!("{hash:016x}.json"));
    if std::fs::create_dir_all(&folder).is_ok() {
        let _ = std::fs::write(&path, text + "\n");
    }
    path
}
