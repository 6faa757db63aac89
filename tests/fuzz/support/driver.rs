//! The fuzz driver: generates inputs from a proptest strategy, runs the target's check on
//! each (a panic counts as a failure), shrinks every failing input with proptest's value
//! trees, and reports `fuzz <target>: <N> executions in <S> s, <K> failures (seed <seed>)`.
//!
//! Environment:
//! - `FUZZ_CASES`: how many inputs each target generates (default 128), so that
//!   `cargo test` runs the same inputs whatever the machine's speed;
//! - `FUZZ_SECONDS`: a time budget per target instead of a number of inputs (`make fuzz`);
//! - `FUZZ_SEED`, else `DIAGRAM_STATE_SEED` (a u64, printed so that a run can be
//!   repeated): the seed; without either, the fixed seed of `support::seed`, or one from
//!   the clock under `FUZZ_SECONDS`, so that each fuzzing run explores new inputs.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::panic::{self, AssertUnwindSafe};
use std::path::PathBuf;
use std::sync::Once;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::TestRunner;
use serde_json::Value;

use super::seed;

/// What a check says about one input: `Err` names the property that does not hold.
pub type Verdict = Result<(), String>;

/// How many inputs a target generates when neither `FUZZ_CASES` nor `FUZZ_SECONDS` is set.
const DEFAULT_CASES: u64 = 128;
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

/// How long a target runs.
#[derive(Debug, Clone, Copy)]
enum Budget {
    /// This many generated inputs (shrinking steps not counted).
    Cases(u64),
    /// As many inputs as fit in this time.
    Time(Duration),
}

impl Budget {
    fn allows(self, cases: u64, elapsed: Duration) -> bool {
        match self {
            Self::Cases(limit) => cases < limit,
            Self::Time(limit) => elapsed < limit,
        }
    }
}

/// Runs `check` on inputs from `strategy` for the budget; fails the test when any input
/// fails, printing each shrunk input and writing it to `target/fuzz/failures/`.
pub fn fuzz<S>(target: &str, strategy: S, check: fn(&Value) -> Verdict)
where
    S: Strategy<Value = Value>,
{
    quiet_panics_in_fuzz_threads();
    let budget = budget_from_env();
    let seed = seed_from_env();
    println!("fuzz {target}: seed {seed} (set FUZZ_SEED={seed} to repeat this run)");
    OUTCOMES.with(|outcomes| outcomes.borrow_mut().clear());
    // The loop counts the inputs itself: the configuration's number of cases is unused.
    let mut runner = TestRunner::new(seed::config(0, seed));
    let start = Instant::now();
    let (mut cases, mut executions): (u64, u64) = (0, 0);
    let mut failures: Vec<(Value, String)> = Vec::new();
    while budget.allows(cases, start.elapsed()) && failures.len() < MAX_FAILURES {
        let mut tree = strategy
            .new_tree(&mut runner)
            .unwrap_or_else(|reason| panic!("the {target} strategy gave up: {reason}"));
        cases += 1;
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
        "fuzz {target}: {executions} executions in {seconds:.1} s, {} failures (seed {seed})",
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

/// `FUZZ_SECONDS` when set, else `FUZZ_CASES` or the default number of inputs.
fn budget_from_env() -> Budget {
    if let Some(seconds) = number_from_env::<f64>("FUZZ_SECONDS", "a number of seconds") {
        assert!(
            seconds.is_finite() && seconds >= 0.0,
            "FUZZ_SECONDS must be a number of seconds, not {seconds}"
        );
        return Budget::Time(Duration::from_secs_f64(seconds));
    }
    Budget::Cases(number_from_env("FUZZ_CASES", "a number of inputs").unwrap_or(DEFAULT_CASES))
}

/// `FUZZ_SEED` when set; else the seed of `support::seed` (`DIAGRAM_STATE_SEED` or the
/// fixed one), except for a time-budgeted run without `DIAGRAM_STATE_SEED`, which takes
/// one from the clock.
fn seed_from_env() -> u64 {
    if let Some(seed) = number_from_env("FUZZ_SEED", "an unsigned integer") {
        return seed;
    }
    let fresh =
        std::env::var_os("FUZZ_SECONDS").is_some() && std::env::var_os(seed::SEED_VAR).is_none();
    if !fresh {
        return seed::seed();
    }
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or_else(|_| seed::seed(), |since| since.as_nanos() as u64)
}

/// The value of the environment variable `name`, if set; panics when it is not `what`.
fn number_from_env<T: std::str::FromStr>(name: &str, what: &str) -> Option<T> {
    let text = std::env::var(name).ok()?;
    let value = text.trim().parse().ok();
    Some(value.unwrap_or_else(|| panic!("{name} must be {what}, not {text:?}")))
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
