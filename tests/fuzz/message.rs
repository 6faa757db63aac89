//! Fuzz target `message`: cross-tab message decoding (`decode_message`) and encoding
//! (`Envelope::encode`).
//!
//! Inputs: envelopes built by a generator and encoded, and seed messages mutated at the
//! byte and JSON level. Properties: decoding never panics; a refusal carries the reason of
//! the first failed check in the documented order (`oversized`, `garbled`, `wrongProtocol`,
//! `garbled`, `otherDiagram`, `ownMessage`, `unknownType`, then `garbled` only for a body
//! that is malformed); an accepted message holds exactly the fields of the text, only
//! well-formed changes, and re-encodes to a message that decodes to the same envelope (to the very same text when the
//! encoder wrote it); an
//! envelope the generator encoded decodes back to itself (without its changes when they did
//! not fit).

use diagram_state::core::model::{cell_id, Change};
use diagram_state::core::path::checked_segments;
use diagram_state::core::storage::ChainHash;
use diagram_state::core::sync::{
    decode_message, ConflictKind, Envelope, Expect, IgnoredReason, Message, Override,
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
};
use proptest::prelude::*;
use serde_json::{json, Value};

use crate::ensure;
use crate::support::{self, json as gen, Verdict};

const TARGET: &str = "message";
const DIAGRAM: &str = "d1";
const TAB: &str = "me";

fn change() -> impl Strategy<Value = Change> {
    let id = prop::sample::select(vec!["n1", "n2", "", "ü"]);
    let path = prop::sample::select(vec![
        "position/x",
        "attrs/body/fill",
        "data",
        "a//b",
        "",
        "/x",
    ]);
    let option = prop_oneof![Just(None), gen::value(2, 3).prop_map(Some)];
    prop_oneof![
        (id.clone(), gen::value(2, 3))
            .prop_map(|(id, data)| Change::add(json!({ "id": id, "data": data }))),
        gen::value(1, 2).prop_map(Change::remove),
        (id, path, option.clone(), option)
            .prop_map(|(id, path, before, after)| Change::update(id, path, before, after)),
    ]
}

fn overridden() -> impl Strategy<Value = Override> {
    let kind = prop::sample::select(vec![
        ConflictKind::SamePath,
        ConflictKind::AddedTwice,
        ConflictKind::RemovedRemotely,
    ]);
    (
        kind,
        prop::sample::select(vec!["n1", "ü"]),
        prop::option::of(Just("position/x".to_owned())),
        prop::option::of(gen::value(1, 2)),
        prop::option::of(gen::value(1, 2)),
        gen::text(),
    )
        .prop_map(|(kind, cell, path, replaced, value, tab_id)| Override {
            kind,
            cell_id: cell.into(),
            path,
            replaced,
            value,
            tab_id,
        })
}

fn envelope() -> impl Strategy<Value = Envelope> {
    let message = prop_oneof![
        3 => (
            prop::option::of(prop::collection::vec(change(), 0..4)),
            prop::option::of(any::<u64>()),
            prop::collection::vec(overridden(), 0..2),
        )
            .prop_map(|(changes, hash, overrides)| Message::Commit {
                // A hash and overrides travel only with the changes they are about.
                hash: changes
                    .as_ref()
                    .and(hash)
                    .and_then(|hash| ChainHash::parse(&format!("{hash:016x}"))),
                overrides: if changes.is_some() { overrides } else { Vec::new() },
                changes,
            }),
        1 => Just(Message::Hello),
        1 => Just(Message::Here),
        1 => Just(Message::Bye),
        1 => (prop::collection::vec(prop::collection::vec(change(), 0..3), 0..3), 0usize..3)
            .prop_map(|(sets, in_flight)| Message::Handoff {
                in_flight: in_flight.min(sets.len()),
                sets,
            }),
        1 => (0u64..20, 0u64..20).prop_map(|(server_version, store_version)| Message::Saved {
            server_version,
            store_version,
        }),
    ];
    (
        prop_oneof![8 => Just(PROTOCOL_VERSION), 1 => prop::sample::select(vec![0, 2, u32::MAX])],
        prop_oneof![8 => Just(DIAGRAM), 1 => prop::sample::select(vec!["d2", "", "ü"])],
        prop_oneof![8 => Just("t2"), 1 => prop::sample::select(vec![TAB, "", "🙂"])],
        prop_oneof![0u64..10, Just(u64::MAX), Just(1u64 << 53)],
        message,
    )
        .prop_map(|(protocol, diagram, tab, version, message)| Envelope {
            protocol,
            diagram_id: diagram.into(),
            tab_id: tab.into(),
            version,
            message,
        })
}

fn max_bytes() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(MAX_MESSAGE_BYTES), 1 => 60usize..600]
}

fn inputs() -> impl Strategy<Value = Value> {
    let built = (envelope(), max_bytes()).prop_map(|(sent, max)| {
        json!({ "text": sent.encode(max), "maxBytes": max, "sent": serde_json::to_value(&sent).unwrap_or_default() })
    });
    let mutated = (support::mutated(support::seed_texts(TARGET)), max_bytes())
        .prop_map(|(text, max)| json!({ "text": text, "maxBytes": max }));
    prop_oneof![1 => built, 1 => mutated]
}

/// What the checks before the body say about a text: the reason, or `Ok` when only the
/// body remains to be read. Written from the documented order.
fn reason_before_body(text: &str, max: usize) -> Result<(), IgnoredReason> {
    if text.len() > max {
        return Err(IgnoredReason::Oversized);
    }
    let value: Value = serde_json::from_str(text).map_err(|_| IgnoredReason::Garbled)?;
    let object = value.as_object().ok_or(IgnoredReason::Garbled)?;
    let protocol = object
        .get("protocol")
        .and_then(Value::as_u64)
        .ok_or(IgnoredReason::Garbled)?;
    if protocol != u64::from(PROTOCOL_VERSION) {
        return Err(IgnoredReason::WrongProtocol);
    }
    let field = |name: &str| object.get(name).and_then(Value::as_str);
    let tab = field("tabId").filter(|tab| !tab.is_empty());
    let (Some(diagram), Some(tab), Some(kind), Some(_)) = (
        field("diagramId"),
        tab,
        field("type"),
        object.get("version").and_then(Value::as_u64),
    ) else {
        return Err(IgnoredReason::Garbled);
    };
    if diagram != DIAGRAM {
        return Err(IgnoredReason::OtherDiagram);
    }
    if tab == TAB {
        return Err(IgnoredReason::OwnMessage);
    }
    if !Message::TYPES.contains(&kind) {
        return Err(IgnoredReason::UnknownType);
    }
    Ok(())
}

fn well_formed(change: &Change) -> bool {
    match change {
        Change::Add { cell } | Change::Remove { cell } => cell_id(cell).is_ok(),
        Change::Update { id, path, .. } => !id.is_empty() && checked_segments(path).is_ok(),
    }
}

/// Whether `overrides` is absent, `null`, or an array of override objects.
fn overrides_fine(overrides: Option<&Value>) -> bool {
    match overrides {
        None | Some(Value::Null) => true,
        Some(Value::Array(items)) => {
            items.iter().all(Value::is_object)
                && serde_json::from_value::<Vec<Override>>(Value::Array(items.clone())).is_ok()
        }
        Some(_) => false,
    }
}

/// Whether a JSON value is an array of change objects that could each apply.
fn change_list(changes: &Value) -> bool {
    changes.as_array().is_some_and(|items| {
        items.iter().all(|item| {
            item.is_object()
                && serde_json::from_value::<Change>(item.clone())
                    .is_ok_and(|change| well_formed(&change))
        })
    })
}

/// Whether the body of a text that passed the envelope checks is malformed: `changes` is
/// not an array of change objects (the array form serde also reads is not one), a change
/// could never apply, or `hash` is not 16 hex digits; for a hand-off, `sets` is not an
/// array of such arrays, or `inFlight` not a count of at most that many sets; for a
/// `saved`, a version missing or not a count.
fn body_is_malformed(value: &Value) -> bool {
    let kind = value["type"].as_str().unwrap_or_default();
    if kind == "saved" {
        return !(value["serverVersion"].is_u64() && value["storeVersion"].is_u64());
    }
    if kind == "handoff" {
        let sets = match value.get("sets") {
            None | Some(Value::Null) => Some(0),
            Some(Value::Array(sets)) => sets.iter().all(change_list).then_some(sets.len()),
            Some(_) => None,
        };
        let Some(sets) = sets else {
            return true;
        };
        return match value.get("inFlight") {
            None | Some(Value::Null) => false,
            Some(count) => count.as_u64().is_none_or(|count| count > sets as u64),
        };
    }
    let bad_hash = match value.get("hash") {
        None | Some(Value::Null) => false,
        Some(Value::String(text)) => ChainHash::parse(text).is_none(),
        Some(_) => true,
    };
    if kind == "commit" && (bad_hash || !overrides_fine(value.get("overrides"))) {
        return true;
    }
    match (kind, value.get("changes")) {
        ("commit", Some(changes)) if !changes.is_null() => !change_list(changes),
        _ => false,
    }
}

fn kind_of(message: &Message) -> &'static str {
    match message {
        Message::Commit { .. } => "commit",
        Message::Hello => "hello",
        Message::Here => "here",
        Message::Bye => "bye",
        Message::Handoff { .. } => "handoff",
        Message::Saved { .. } => "saved",
    }
}

/// Checks one case `{ text, maxBytes, sent?, exact? }` (`sent`: the envelope the encoder
/// wrote as `text`; `exact`: `text` is as the encoder writes it).
pub fn check(case: &Value) -> Verdict {
    let text = case["text"].as_str().ok_or("case without `text`")?;
    let max = case["maxBytes"]
        .as_u64()
        .map_or(MAX_MESSAGE_BYTES, |max| max as usize);
    let expect = Expect {
        diagram_id: DIAGRAM,
        tab_id: TAB,
        max_bytes: max,
    };
    let decoded = decode_message(text, expect);
    let before_body = reason_before_body(text, max);
    let envelope = match (decoded, before_body) {
        (Err(reason), Err(expected)) => {
            ensure!(
                reason == expected,
                "ignored as {reason:?}, expected {expected:?}"
            );
            return sent_was_refused(case, reason);
        }
        (Err(reason), Ok(())) => {
            let value: Value = serde_json::from_str(text).unwrap_or_default();
            ensure!(
                reason == IgnoredReason::Garbled && body_is_malformed(&value),
                "ignored as {reason:?}, but the envelope and the body are fine"
            );
            return sent_was_refused(case, reason);
        }
        (Ok(envelope), Err(expected)) => {
            return Err(format!(
                "accepted {envelope:?}, expected it ignored as {expected:?}"
            ))
        }
        (Ok(envelope), Ok(())) => envelope,
    };
    support::tally("accepted");
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    ensure!(
        !body_is_malformed(&value),
        "accepted a malformed body: {envelope:?}"
    );
    ensure!(
        envelope.protocol == PROTOCOL_VERSION,
        "accepted protocol {}",
        envelope.protocol
    );
    ensure!(
        value["diagramId"] == envelope.diagram_id.as_str(),
        "diagramId changed: {envelope:?}"
    );
    ensure!(
        value["tabId"] == envelope.tab_id.as_str(),
        "tabId changed: {envelope:?}"
    );
    ensure!(
        value["version"].as_u64() == Some(envelope.version),
        "version changed: {envelope:?}"
    );
    ensure!(
        value["type"] == kind_of(&envelope.message),
        "type changed: {envelope:?}"
    );
    if let Message::Commit {
        changes,
        hash,
        overrides,
    } = &envelope.message
    {
        let sent: Option<Vec<Change>> = value
            .get("changes")
            .filter(|changes| !changes.is_null())
            .and_then(|changes| serde_json::from_value(changes.clone()).ok());
        ensure!(
            *changes == sent,
            "changes differ from the text's: {changes:?}"
        );
        let sent_hash = value
            .get("hash")
            .and_then(Value::as_str)
            .and_then(ChainHash::parse);
        ensure!(*hash == sent_hash, "hash differs from the text's: {hash:?}");
        let sent_overrides: Vec<Override> = value
            .get("overrides")
            .filter(|overrides| !overrides.is_null())
            .and_then(|overrides| serde_json::from_value(overrides.clone()).ok())
            .unwrap_or_default();
        ensure!(
            *overrides == sent_overrides,
            "overrides differ from the text's: {overrides:?}"
        );
    }
    // The encoder leaves out a hash and overrides without changes (they are about them).
    let envelope = match envelope.message {
        Message::Commit { changes: None, .. } => Envelope {
            message: Message::Commit {
                changes: None,
                hash: None,
                overrides: Vec::new(),
            },
            ..envelope
        },
        _ => envelope,
    };
    let again = envelope.encode(max);
    let redecoded = decode_message(&again, expect);
    // What a message too large travels as: a commit without its changes, a hand-off
    // without its sets.
    let slim = Envelope {
        message: match envelope.message {
            Message::Handoff { .. } => Message::Handoff {
                in_flight: 0,
                sets: Vec::new(),
            },
            _ => Message::Commit {
                changes: None,
                hash: None,
                overrides: Vec::new(),
            },
        },
        ..envelope.clone()
    };
    ensure!(
        redecoded.as_ref() == Ok(&envelope)
            || (redecoded.as_ref() == Ok(&slim)
                && serde_json::to_string(&envelope).map_or(0, |full| full.len()) > max)
            || (again.len() > max && redecoded == Err(IgnoredReason::Oversized)),
        "re-encoded as {again}, which decodes to {redecoded:?}"
    );
    if case.get("sent").is_some() || case["exact"] == true {
        ensure!(
            again == text,
            "the encoder wrote {text}, which re-encodes as {again}"
        );
    }
    if let Some(sent) = case.get("sent") {
        let decoded = serde_json::to_value(&envelope).map_err(|e| e.to_string())?;
        let mut slim_sent = sent.clone();
        if let Some(fields) = slim_sent.as_object_mut() {
            fields.remove("changes");
            fields.remove("hash");
            fields.remove("overrides");
            if sent["type"] == "handoff" {
                fields.insert("inFlight".into(), json!(0));
                fields.insert("sets".into(), json!([]));
            }
        }
        let slimmed = !text.contains("\"changes\"") && !text.contains("\"sets\"");
        ensure!(
            decoded == *sent || (decoded == slim_sent && slimmed),
            "sent {sent}, decoded {decoded}"
        );
    }
    Ok(())
}

/// A generated envelope that was refused must really be one the receiver ignores.
fn sent_was_refused(case: &Value, reason: IgnoredReason) -> Verdict {
    support::tally(reason.name());
    ensure!(
        !matches!(reason, IgnoredReason::Duplicate | IgnoredReason::Older),
        "the decoder gave the session-only reason {reason:?}"
    );
    if let Some(sent) = case.get("sent") {
        let fine = sent["protocol"] == PROTOCOL_VERSION
            && sent["diagramId"] == DIAGRAM
            && sent["tabId"] != ""
            && sent["tabId"] != TAB;
        let hash_fine = sent
            .get("hash")
            .and_then(Value::as_str)
            .is_none_or(|hash| ChainHash::parse(hash).is_some());
        let saved_fine = sent["type"] != "saved"
            || (sent["serverVersion"].is_u64() && sent["storeVersion"].is_u64());
        let changes_fine = hash_fine
            && saved_fine
            && overrides_fine(sent.get("overrides"))
            && sent.get("changes").is_none_or(change_list)
            && sent["sets"]
                .as_array()
                .is_none_or(|sets| sets.iter().all(change_list));
        let text_fits = case["text"].as_str().map_or(0, str::len)
            <= case["maxBytes"].as_u64().unwrap_or(0) as usize;
        ensure!(
            !(fine && changes_fine && text_fits),
            "the well-formed envelope {sent} was ignored as {reason:?}"
        );
    }
    Ok(())
}

fn seed_case(text: &str) -> Value {
    json!({ "text": text, "maxBytes": MAX_MESSAGE_BYTES })
}

#[test]
fn fuzz_loop() {
    support::fuzz(TARGET, inputs(), check);
}

#[test]
fn corpus_replays() {
    assert!(support::replay_corpus(TARGET, seed_case, check) > 0);
}
