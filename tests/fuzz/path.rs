//! Fuzz target `path`: slash-path parsing (`parse_path`, `checked_segments`) and
//! `overlaps`.
//!
//! Properties: a path is accepted exactly when it round-trips (its segments, joined with
//! `/`, give it back; none is empty) and fits `MAX_PATH_LEN`; any other is refused with
//! the typed error of its first defect; both parsers agree; an accepted path reaches the
//! value built along it; `overlaps` is symmetric, reflexive, agrees with `paths_overlap`
//! and means "one path's segments are a prefix of the other's".

use diagram_state::core::error::ErrorCode;
use diagram_state::core::model::value_path;
use diagram_state::core::path::{checked_segments, overlaps, parse_path, PathError, MAX_PATH_LEN};
use diagram_state::core::sync::paths_overlap;
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::ensure;
use crate::support::{self, Verdict};

const TARGET: &str = "path";

fn segment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => prop::sample::select(vec![
            "attrs", "body", "fill", "position", "x", "ports", "items", "0", "12", "01", "id",
        ])
        .prop_map(str::to_owned),
        2 => "[a-z0-9]{1,6}",
        1 => prop::sample::select(vec!["", " ", "ü", "🙂", "e\u{301}", "\0", "\\", "%2F", "."])
            .prop_map(str::to_owned),
        1 => "\\PC{0,4}",
    ]
}

/// A path of 1 to 6 segments, sometimes with a leading, trailing or doubled `/`.
fn joined() -> impl Strategy<Value = String> {
    (prop::collection::vec(segment(), 1..7), 0u8..8).prop_map(|(segments, defect)| {
        let path = segments.join("/");
        match defect {
            0 => format!("/{path}"),
            1 => format!("{path}/"),
            2 => path.replacen('/', "//", 1),
            _ => path,
        }
    })
}

/// Paths around `MAX_PATH_LEN` bytes, with multi-byte characters at the boundary.
fn long() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["a/", "ab", "ü/", "🙂"]),
        0usize..12,
    )
        .prop_map(|(unit, extra)| {
            let mut path = unit.repeat((MAX_PATH_LEN - 6 + extra) / unit.len() + 1);
            while path.len() > MAX_PATH_LEN - 6 + extra {
                path.pop();
            }
            path.trim_end_matches('/').to_owned()
        })
}

fn path() -> impl Strategy<Value = String> {
    prop_oneof![6 => joined(), 2 => any::<String>(), 1 => long(), 1 => Just(String::new())]
}

fn inputs() -> impl Strategy<Value = Value> {
    (path(), path()).prop_map(|(path, other)| json!({ "path": path, "other": other }))
}

/// The expected verdict, stated independently of the parser.
fn expected(path: &str) -> Result<Vec<&str>, PathError> {
    if path.is_empty() {
        Err(PathError::Empty)
    } else if path.len() > MAX_PATH_LEN {
        Err(PathError::TooLong(path.len()))
    } else if path.starts_with('/') || path.ends_with('/') || path.contains("//") {
        Err(PathError::EmptySegment(path.to_owned()))
    } else {
        Ok(path.split('/').collect())
    }
}

/// Checks one case `{ path, other }`.
pub fn check(case: &Value) -> Verdict {
    let path = case["path"].as_str().ok_or("case without `path`")?;
    let other = case["other"].as_str().ok_or("case without `other`")?;
    let parsed = parse_path(path);
    ensure!(
        parsed == expected(path),
        "parse_path({path:?}) = {parsed:?}, expected {:?}",
        expected(path)
    );
    let checked = checked_segments(path).map(Iterator::collect::<Vec<_>>);
    ensure!(
        checked == parsed,
        "checked_segments({path:?}) = {checked:?} but parse_path gave {parsed:?}"
    );
    support::tally(if parsed.is_ok() {
        "accepted"
    } else {
        "refused"
    });
    match &parsed {
        Ok(segments) => {
            ensure!(
                segments.join("/") == path,
                "{path:?} does not round-trip: {segments:?}"
            );
            ensure!(
                segments
                    .iter()
                    .all(|segment| !segment.is_empty() && !segment.contains('/')),
                "{path:?} gave an empty or slashed segment: {segments:?}"
            );
            reaches_the_value_built_along_it(segments)?;
        }
        Err(error) => {
            ensure!(
                error.code() == "INVALID_PATH",
                "{error:?} has code {}",
                error.code()
            );
            ensure!(!error.to_string().is_empty(), "{error:?} has no message");
        }
    }
    let overlap = overlaps(path, other);
    ensure!(
        overlap == overlaps(other, path),
        "overlaps({path:?}, {other:?}) is not symmetric"
    );
    ensure!(overlaps(path, path), "overlaps({path:?}, itself) is false");
    ensure!(
        overlap == paths_overlap(path, other),
        "overlaps and paths_overlap disagree on {path:?}, {other:?}"
    );
    let (a, b): (Vec<&str>, Vec<&str>) = (path.split('/').collect(), other.split('/').collect());
    let prefix = a.starts_with(&b) || b.starts_with(&a);
    ensure!(
        overlap == prefix,
        "overlaps({path:?}, {other:?}) = {overlap}, but segment prefix = {prefix}"
    );
    Ok(())
}

/// A value nested along the segments holds the leaf at the path, and writing there gives
/// back the leaf.
fn reaches_the_value_built_along_it(segments: &[&str]) -> Verdict {
    let leaf = json!("leaf");
    let mut built = segments
        .iter()
        .rev()
        .fold(leaf.clone(), |inner, segment| json!({ *segment: inner }));
    let found = value_path::get(&built, segments.iter().copied());
    ensure!(
        found == Some(&leaf),
        "the value built along {segments:?} is not found: {found:?}"
    );
    let previous = value_path::set(&mut built, segments.iter().copied(), json!(2));
    ensure!(
        previous == Ok(Some(leaf)),
        "set along {segments:?} returned {previous:?}"
    );
    Ok(())
}

#[test]
fn fuzz_loop() {
    support::fuzz(TARGET, inputs(), check);
}

#[test]
fn corpus_replays() {
    assert!(support::replay_corpus(TARGET, support::json_case, check) > 0);
}
