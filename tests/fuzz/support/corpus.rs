//! The checked-in inputs of each target: `tests/fuzz/seeds/<target>/` holds seed inputs
//! in the decoder's own format (the mutators start from them), and
//! `tests/fuzz/regressions/<target>/*.json` holds inputs that once found a bug, as the
//! target's JSON case. Ordinary tests replay both on every `cargo test`.

use std::path::{Path, PathBuf};

use serde_json::Value;

use super::driver::{run, Verdict};

fn folder(kind: &str, target: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz")
        .join(kind)
        .join(target)
}

/// The files of a corpus folder, by name, as `(name, text)`; none when it does not exist.
fn files(kind: &str, target: &str) -> Vec<(String, String)> {
    let Ok(entries) = std::fs::read_dir(folder(kind, target)) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|entry| entry.ok().map(|entry| entry.path()))
        .filter(|path| path.is_file())
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into();
            (name, text)
        })
        .collect()
}

/// The seed inputs of a target, as text. Panics when there are none: a mutator needs seeds.
pub fn seed_texts(target: &str) -> Vec<String> {
    let seeds: Vec<String> = files("seeds", target)
        .into_iter()
        .map(|(_, text)| text.trim_end_matches('\n').to_owned())
        .collect();
    assert!(
        !seeds.is_empty(),
        "no seed inputs in {}",
        folder("seeds", target).display()
    );
    seeds
}

/// The `seed_case` of targets whose seeds are their cases written as JSON (a seed that is
/// not JSON becomes `null`, which the target's check must refuse like any other input).
pub fn json_case(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_default()
}

/// Checks every seed (turned into a case by `seed_case`) and every regression input of a
/// target; fails listing each input that fails. Returns how many inputs it checked.
pub fn replay_corpus(
    target: &str,
    seed_case: fn(&str) -> Value,
    check: fn(&Value) -> Verdict,
) -> usize {
    let mut cases: Vec<(String, Value)> = files("seeds", target)
        .into_iter()
        .map(|(name, text)| {
            let case = seed_case(text.trim_end_matches('\n'));
            (format!("seeds/{target}/{name}"), case)
        })
        .collect();
    for (name, text) in files("regressions", target) {
        let case = serde_json::from_str(&text)
            .unwrap_or_else(|error| panic!("regressions/{target}/{name} is not JSON: {error}"));
        cases.push((format!("regressions/{target}/{name}"), case));
    }
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|(name, case)| {
            run(check, case)
                .err()
                .map(|message| format!("{name}: {message}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} {target} corpus inputs fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    cases.len()
}
