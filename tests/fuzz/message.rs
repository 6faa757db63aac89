//! Fuzz target `message`: cross-tab message decoding (`decode_message`) and encoding
//! (`Envelope::encode`).
//!
//! The rules, as `src/core/sync/protocol.rs` documents them: a receiver refuses a message
//! with the reason of the first check it fails, in this order (`ORDER`):
//!
//! 1. `oversized`: the text is longer than the cap, in bytes;
//! 2. `garbled`: the text is not JSON, not a JSON object, or its `protocol` is missing or
//!    not a number;
//! 3. `wrongProtocol`: `protocol` is another number than this build's;
//! 4. `garbled`: `diagramId`, `tabId` or `type` is missing or not a string, or `version` is
//!    missing or not a count; also an empty `tabId` (which `decode_message`'s doc does not
//!    say);
//! 5. `otherDiagram`: `diagramId` is not the receiver's diagram;
//! 6. `ownMessage`: `tabId` is the receiver's own;
//! 7. `unknownType`: `type` is none of the documented types (`TYPES`);
//! 8. `garbled`: the body does not match its type (changes that are not a list of change
//!    objects, a hash that is not 16 hex digits, overrides that are not override objects,
//!    sets that are not lists of changes, an `inFlight` above their number, a `saved`
//!    version that is not a count), or a change could never apply (a cell without a valid
//!    id, an update without a valid id or path).
//!
//! Inputs, and what is checked of each:
//! - valid envelopes, built to these rules and encoded: each decodes back to itself
//!   (without its changes or sets when they did not fit), or is `oversized` when even that
//!   did not fit;
//! - constructed violations: a valid envelope with one to four violations of the rules
//!   written into it, each a small edit taken from a rule's wording; the message must be
//!   refused with exactly the reason of the violated rule that comes first in the order.
//!   The edits are written from the last rule to the first, so the one that decides the
//!   reason is written last and no other edit can undo it (an edit of the same field may
//!   undo a violation of a later rule, which decides nothing);
//! - seed messages mutated at the byte and JSON level, whose outcome is not predicted:
//!   decoding never panics; a refusal gives one of the reasons above, `oversized` exactly
//!   when the text is longer than the cap, and a reason the text deserves (`otherDiagram`
//!   only for a string `diagramId` that is another diagram, and so on); an accepted message
//!   passed rules 1 to 7, holds exactly the fields of the text and only changes that could
//!   apply, and re-encodes to a message that decodes to the same envelope (to the very same
//!   text when the encoder wrote it).
//!
//! The violations leave out what the documentation does not settle: a `protocol` that is a
//! negative or fractional number (a number, so `wrongProtocol` by the doc; the decoder
//! says `garbled`), counts written as whole floats (`3.0`), and `null` for `inFlight`.

use std::cmp::Reverse;

use diagram_state::core::model::{cell_id, Change};
use diagram_state::core::path::checked_segments;
use diagram_state::core::storage::ChainHash;
use diagram_state::core::sync::{
    decode_message, ConflictKind, Envelope, Expect, IgnoredReason, Message, Override,
    MAX_MESSAGE_BYTES, PROTOCOL_VERSION,
};
use proptest::prelude::*;
use proptest::sample::{select, Index};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

use crate::ensure;
use crate::support::{self, json as gen, Verdict};

const TARGET: &str = "message";
const DIAGRAM: &str = "d1";
const TAB: &str = "me";

/// The message types the protocol documents (the examples of `protocol.rs`'s module doc).
const TYPES: [&str; 6] = ["commit", "hello", "here", "bye", "handoff", "saved"];

/// The fields of every message besides its `type`: what a body edit keeps.
const ENVELOPE_FIELDS: [&str; 4] = ["protocol", "diagramId", "tabId", "version"];

/// The checks of `decode_message`, one documented rule each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The text is no longer than the cap.
    Size,
    /// The text is a JSON object whose `protocol` is a number.
    Json,
    /// `protocol` is this build's.
    Protocol,
    /// `diagramId`, `tabId` (not empty), `type` and `version` are there, of their types.
    Fields,
    /// `diagramId` is the receiver's.
    Diagram,
    /// `tabId` is not the receiver's own.
    Sender,
    /// `type` is a known type.
    Type,
    /// The body matches its type and each change could apply.
    Body,
}

/// The checks in the documented order, each with the reason of a message that fails it.
const ORDER: [(Check, IgnoredReason); 8] = [
    (Check::Size, IgnoredReason::Oversized),
    (Check::Json, IgnoredReason::Garbled),
    (Check::Protocol, IgnoredReason::WrongProtocol),
    (Check::Fields, IgnoredReason::Garbled),
    (Check::Diagram, IgnoredReason::OtherDiagram),
    (Check::Sender, IgnoredReason::OwnMessage),
    (Check::Type, IgnoredReason::UnknownType),
    (Check::Body, IgnoredReason::Garbled),
];

impl Check {
    /// Its place in the documented order.
    fn rank(self) -> usize {
        ORDER
            .iter()
            .position(|(check, _)| *check == self)
            .unwrap_or(ORDER.len())
    }
}

/// A small edit of a valid message, written from the wording of the rule it breaks.
#[derive(Debug, Clone)]
enum Edit {
    /// Set a field of the message object.
    Set(&'static str, Value),
    /// Remove a field of the message object.
    Remove(&'static str),
    /// Replace the `type` and the body (everything but the envelope fields) with these.
    Body(Value),
    /// Put the message object inside an array.
    InArray,
    /// Send the message's JSON text as a JSON string.
    AsString,
    /// Cut the text short, keeping at least its first byte.
    Cut(Index),
    /// Append a character that no JSON text, complete or cut short, can go on with.
    Append(char),
    /// Make the cap this many bytes (at least one) shorter than the text.
    Cap(usize),
}

impl Edit {
    /// Applies an edit of the message's JSON value; the edits of the text do nothing here.
    fn edit_value(&self, message: &mut Value) {
        match (self, message.as_object_mut()) {
            (Self::Set(name, value), Some(fields)) => {
                fields.insert((*name).into(), value.clone());
            }
            (Self::Remove(name), Some(fields)) => {
                fields.remove(*name);
            }
            (Self::Body(body), Some(fields)) => {
                fields.retain(|name, _| ENVELOPE_FIELDS.contains(&name.as_str()));
                fields.extend(body.as_object().cloned().unwrap_or_default());
            }
            (Self::InArray, _) => *message = json!([message.take()]),
            (Self::AsString, _) => *message = message.to_string().into(),
            _ => {}
        }
    }

    /// Cuts the text short, for a `Cut`: to a proper prefix, which is not JSON.
    fn cut(&self, text: &mut String) {
        if let (Self::Cut(at), 2..) = (self, text.len()) {
            let mut keep = 1 + at.index(text.len() - 1);
            while !text.is_char_boundary(keep) {
                keep -= 1;
            }
            text.truncate(keep);
        }
    }

    /// Appends to the text, for an `Append`.
    fn append(&self, text: &mut String) {
        if let Self::Append(junk) = self {
            text.push(*junk);
        }
    }

    /// The cap below the length of the text, for a `Cap`.
    fn cap(&self, len: usize) -> Option<usize> {
        match self {
            Self::Cap(short) => Some(len.saturating_sub(*short)),
            _ => None,
        }
    }
}

/// A violation of one rule: the check it fails and the edit that makes it fail.
#[derive(Debug, Clone)]
struct Violation {
    check: Check,
    edit: Edit,
}

/// The reason the rules give a message with `violations`: that of the first check in the
/// documented order that one of them fails.
fn expected_reason(violations: &[Violation]) -> Option<IgnoredReason> {
    ORDER
        .iter()
        .find(|(check, _)| violations.iter().any(|violation| violation.check == *check))
        .map(|(_, reason)| *reason)
}

/// The text and cap of `base` with `violations` written into it; the cap leaves `room`
/// bytes after the text unless a violation is about the size.
fn write(base: &Envelope, violations: &[Violation], room: usize) -> (String, usize) {
    let mut ordered: Vec<&Violation> = violations.iter().collect();
    // From the last rule to the first: the violation that decides the reason is written
    // last, so no other edit can undo it.
    ordered.sort_by_key(|violation| Reverse(violation.check.rank()));
    let mut message: Value =
        serde_json::from_str(&base.encode(MAX_MESSAGE_BYTES)).unwrap_or_default();
    for violation in &ordered {
        violation.edit.edit_value(&mut message);
    }
    let mut text = message.to_string();
    // Cuts before appends: what is appended never completes a text cut short, but a cut
    // could drop what was appended.
    for violation in &ordered {
        violation.edit.cut(&mut text);
    }
    for violation in &ordered {
        violation.edit.append(&mut text);
    }
    let cap = ordered
        .iter()
        .find_map(|violation| violation.edit.cap(text.len()))
        .unwrap_or(text.len() + room);
    (text, cap)
}

/// The case of `base` with `violations` written into it, with the reason the rules give.
fn violated(base: &Envelope, violations: &[Violation], room: usize) -> Value {
    let (text, cap) = write(base, violations, room);
    let described: Vec<String> = violations.iter().map(|v| format!("{v:?}")).collect();
    json!({
        "text": text,
        "maxBytes": cap,
        "expect": expected_reason(violations),
        "violations": described,
    })
}

/// One to four violations: one of a rule drawn at random, often one of the rule just after
/// it (a pair that two checks run in the wrong order would tell apart), and others of that
/// rule or later ones; none of them may change the reason.
fn violations() -> impl Strategy<Value = Vec<Violation>> {
    let rules = ORDER.len();
    (
        0..rules,
        any::<bool>(),
        prop::collection::vec(any::<Index>(), 0..3),
    )
        .prop_flat_map(move |(first, with_next, later)| {
            let next = (with_next && first + 1 < rules).then_some(first + 1);
            let later = later.iter().map(move |at| first + at.index(rules - first));
            std::iter::once(first)
                .chain(next)
                .chain(later)
                .map(|rank| violation(ORDER[rank].0))
                .collect::<Vec<_>>()
        })
}

/// A violation of the rule of `check`, as the rule words it.
fn violation(check: Check) -> BoxedStrategy<Violation> {
    let edit = match check {
        Check::Size => (1usize..100).prop_map(Edit::Cap).boxed(),
        Check::Json => not_a_json_object().boxed(),
        Check::Protocol => other_protocol().boxed(),
        Check::Fields => bad_field().boxed(),
        Check::Diagram => other_diagram().boxed(),
        Check::Sender => Just(Edit::Set("tabId", TAB.into())).boxed(),
        Check::Type => unknown_type().boxed(),
        Check::Body => malformed_body().prop_map(Edit::Body).boxed(),
    };
    edit.prop_map(move |edit| Violation { check, edit }).boxed()
}

/// Rule 2: the text is not JSON, not a JSON object, or its `protocol` is missing or not a
/// number.
fn not_a_json_object() -> impl Strategy<Value = Edit> {
    let not_a_number = select(vec![
        json!("1"),
        Value::Null,
        json!(true),
        json!([1]),
        json!({ "major": 1 }),
    ]);
    prop_oneof![
        any::<Index>().prop_map(Edit::Cut),
        select(vec!['x', ',']).prop_map(Edit::Append),
        Just(Edit::InArray),
        Just(Edit::AsString),
        Just(Edit::Remove("protocol")),
        not_a_number.prop_map(|value| Edit::Set("protocol", value)),
    ]
}

/// Rule 3: `protocol` is another number (an unsigned integer: see the module doc).
fn other_protocol() -> impl Strategy<Value = Edit> {
    prop_oneof![0u64..4, any::<u64>()]
        .prop_filter("another protocol", |protocol| {
            *protocol != u64::from(PROTOCOL_VERSION)
        })
        .prop_map(|protocol| Edit::Set("protocol", protocol.into()))
}

/// Rule 4: `diagramId`, `tabId` or `type` missing or not a string, `version` missing or not
/// a count, or an empty `tabId`.
fn bad_field() -> impl Strategy<Value = Edit> {
    let not_text = select(vec![
        json!(7),
        Value::Null,
        json!(false),
        json!([]),
        json!({}),
        json!(["d1"]),
    ]);
    let not_a_count = select(vec![
        json!("3"),
        Value::Null,
        json!(true),
        json!([3]),
        json!({}),
        json!(-1),
        json!(0.5),
    ]);
    prop_oneof![
        select(vec!["diagramId", "tabId", "type", "version"]).prop_map(Edit::Remove),
        (select(vec!["diagramId", "tabId", "type"]), not_text)
            .prop_map(|(name, value)| Edit::Set(name, value)),
        not_a_count.prop_map(|value| Edit::Set("version", value)),
        Just(Edit::Set("tabId", json!(""))),
    ]
}

/// Rule 5: `diagramId` is another diagram.
fn other_diagram() -> impl Strategy<Value = Edit> {
    prop_oneof![
        select(vec!["d2", "", "D1", "d1 ", "ü"]).prop_map(str::to_owned),
        gen::text(),
    ]
    .prop_filter("another diagram", |id| id != DIAGRAM)
    .prop_map(|id| Edit::Set("diagramId", id.into()))
}

/// Rule 7: `type` is none of the documented types.
fn unknown_type() -> impl Strategy<Value = Edit> {
    prop_oneof![
        select(vec!["shout", "", "Hello", "commit ", "handOff", "changes"]).prop_map(str::to_owned),
        gen::text(),
    ]
    .prop_filter("an unknown type", |kind| !TYPES.contains(&kind.as_str()))
    .prop_map(|kind| Edit::Set("type", kind.into()))
}

/// Rule 8: a `type` and a body that does not match it, or holds a change that could never
/// apply.
fn malformed_body() -> impl Strategy<Value = Value> {
    let not_a_list = select(vec![json!("nope"), json!(5), json!({}), json!(true)]);
    let bad_list = prop_oneof![not_a_list.clone(), changes_with_a_bad_one()];
    let not_a_hash = select(vec![
        json!("not a hash"),
        json!(12),
        json!("9f3c0a4d1e2b778"),
        json!("9f3c0a4d1e2b77880"),
        json!("9f3c0a4d1e2b778g"),
        json!(["9f3c0a4d1e2b7788"]),
    ]);
    let not_overrides = select(vec![
        json!("x"),
        json!({}),
        json!([1]),
        json!([{ "cellId": "n1" }]),
        json!([{ "kind": "won", "cellId": "n1", "tabId": "t1" }]),
    ]);
    // Sets that are not a list, a set that is not a list of changes that could apply, or a
    // change where a set belongs.
    let bad_sets = prop_oneof![
        not_a_list,
        bad_list.clone().prop_map(|set| json!([set])),
        change().prop_map(|change| json!([change])),
    ];
    let not_a_count = select(vec![json!(-1), json!(0.5), json!("1"), json!(true)]);
    prop_oneof![
        bad_list.prop_map(|changes| json!({ "type": "commit", "changes": changes })),
        not_a_hash.prop_map(|hash| json!({ "type": "commit", "changes": [], "hash": hash })),
        not_overrides.prop_map(
            |overrides| json!({ "type": "commit", "changes": [], "overrides": overrides })
        ),
        bad_sets.prop_map(|sets| json!({ "type": "handoff", "sets": sets })),
        (0usize..3, 1usize..3).prop_map(|(sets, more)| {
            json!({ "type": "handoff", "sets": vec![json!([]); sets], "inFlight": sets + more })
        }),
        not_a_count
            .clone()
            .prop_map(|count| json!({ "type": "handoff", "sets": [[]], "inFlight": count })),
        (
            select(vec!["serverVersion", "storeVersion"]),
            prop::option::of(prop_oneof![not_a_count, Just(Value::Null)]),
        )
            .prop_map(|(name, count)| {
                let mut body = json!({ "type": "saved", "serverVersion": 12, "storeVersion": 8 });
                // A version missing (`None`) or not a count.
                let edit = count.map_or(Edit::Remove(name), |count| Edit::Set(name, count));
                edit.edit_value(&mut body);
                body
            }),
    ]
}

/// A list of changes that could apply with one that could never apply among them.
fn changes_with_a_bad_one() -> impl Strategy<Value = Value> {
    let bad_change = select(vec![
        json!({ "type": "add", "cell": { "shape": "rect" } }),
        json!({ "type": "add", "cell": { "id": "" } }),
        json!({ "type": "remove", "cell": { "id": 7 } }),
        json!({ "type": "remove", "cell": "n1" }),
        json!({ "type": "update", "id": "", "path": "data" }),
        json!({ "type": "update", "id": "n1", "path": "a//b" }),
        json!({ "type": "update", "id": "n1", "path": "" }),
        json!({ "type": "update", "id": "n1", "path": "/x" }),
        json!({ "type": "update", "id": "n1" }),
        json!({ "type": "move", "id": "n1" }),
        json!(["remove", { "id": "n1" }]),
        json!("add"),
    ]);
    (
        prop::collection::vec(change(), 0..3),
        bad_change,
        any::<Index>(),
    )
        .prop_map(|(changes, bad, at)| {
            let mut list: Vec<Value> = changes.iter().map(|change| json!(change)).collect();
            list.insert(at.index(list.len() + 1), bad);
            Value::Array(list)
        })
}

/// A change that could apply: a cell with an id, an update with an id and a path.
fn change() -> impl Strategy<Value = Change> {
    let id = select(vec!["n1", "n2", "ü", "🙂"]);
    let path = select(vec!["position/x", "attrs/body/fill", "data", "data/日本語"]);
    let option = prop_oneof![Just(None), gen::value(2, 3).prop_map(Some)];
    prop_oneof![
        (id.clone(), gen::value(2, 3))
            .prop_map(|(id, data)| Change::add(json!({ "id": id, "data": data }))),
        (id.clone(), gen::value(1, 2))
            .prop_map(|(id, data)| Change::remove(json!({ "id": id, "data": data }))),
        (id, path, option.clone(), option)
            .prop_map(|(id, path, before, after)| Change::update(id, path, before, after)),
    ]
}

/// An override a commit carries (its values are data: any JSON).
fn overridden() -> impl Strategy<Value = Override> {
    let kind = select(vec![
        ConflictKind::SamePath,
        ConflictKind::AddedTwice,
        ConflictKind::RemovedRemotely,
    ]);
    (
        kind,
        select(vec!["n1", "ü"]),
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

/// A body of each type that matches it.
fn message() -> impl Strategy<Value = Message> {
    prop_oneof![
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
    ]
}

/// An envelope that follows every rule: this build's protocol, the receiver's diagram,
/// another tab, a version, and a body that matches its type.
fn envelope() -> impl Strategy<Value = Envelope> {
    let tab = prop_oneof![
        8 => Just("t2".to_owned()),
        1 => gen::text().prop_filter("another tab", |tab| !tab.is_empty() && tab != TAB),
    ];
    let version = prop_oneof![0u64..10, Just(u64::MAX), Just(1u64 << 53)];
    (tab, version, message()).prop_map(|(tab_id, version, message)| Envelope {
        protocol: PROTOCOL_VERSION,
        diagram_id: DIAGRAM.into(),
        tab_id,
        version,
        message,
    })
}

/// A cap: the default, or one that some messages do not fit.
fn max_bytes() -> impl Strategy<Value = usize> {
    prop_oneof![3 => Just(MAX_MESSAGE_BYTES), 1 => 60usize..600]
}

/// The cases: valid envelopes encoded, constructed violations, and mutated seeds.
fn inputs() -> impl Strategy<Value = Value> {
    let built = (envelope(), max_bytes()).prop_map(|(sent, max)| {
        json!({ "text": sent.encode(max), "maxBytes": max, "sent": serde_json::to_value(&sent).unwrap_or_default() })
    });
    let room = prop_oneof![Just(0usize), 1usize..100];
    let violated = (envelope(), violations(), room)
        .prop_map(|(base, violations, room)| violated(&base, &violations, room));
    let mutated = (support::mutated(support::seed_texts(TARGET)), max_bytes())
        .prop_map(|(text, max)| json!({ "text": text, "maxBytes": max }));
    prop_oneof![1 => built, 2 => violated, 1 => mutated]
}

/// What the receiver of every case expects: its diagram, its tab, and the cap.
fn expect(max_bytes: usize) -> Expect<'static> {
    Expect {
        diagram_id: DIAGRAM,
        tab_id: TAB,
        max_bytes,
    }
}

/// The `type` of a message.
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

/// Checks one case `{ text, maxBytes, sent?, exact?, expect?, violations? }` (`sent`: the
/// envelope the encoder wrote as `text`; `exact`: `text` is as the encoder writes it;
/// `expect`: the reason the rules give `text`, which has the `violations` written into it).
pub fn check(case: &Value) -> Verdict {
    let text = case["text"].as_str().ok_or("case without `text`")?;
    let max = case["maxBytes"]
        .as_u64()
        .map_or(MAX_MESSAGE_BYTES, |max| max as usize);
    let decoded = decode_message(text, expect(max));
    if let Some(expected) = case.get("expect") {
        follows_the_order(&decoded, expected, &case["violations"])?;
    }
    match decoded {
        Err(reason) => refused(case, text, max, reason),
        Ok(envelope) => accepted(case, text, max, envelope),
    }
}

/// A message with violations written into it is refused with exactly the reason the rules
/// give it.
fn follows_the_order(
    decoded: &Result<Envelope, IgnoredReason>,
    expected: &Value,
    violations: &Value,
) -> Verdict {
    let expected: IgnoredReason = serde_json::from_value(expected.clone())
        .map_err(|error| format!("`expect` is not a reason: {error}"))?;
    ensure!(
        *decoded == Err(expected),
        "with the violations {violations}, decoded as {decoded:?}, but the first rule they break in the documented order gives {expected:?}"
    );
    Ok(())
}

/// A refusal gives one of the documented reasons, one the text deserves; an envelope the
/// generator built is refused only as oversized.
fn refused(case: &Value, text: &str, max: usize, reason: IgnoredReason) -> Verdict {
    support::tally(reason.name());
    ensure!(
        ORDER.iter().any(|(_, documented)| *documented == reason),
        "the decoder gave the session-only reason {reason:?}"
    );
    ensure!(
        (reason == IgnoredReason::Oversized) == (text.len() > max),
        "ignored as {reason:?} a text of {} bytes for a cap of {max}",
        text.len()
    );
    let value: Value = serde_json::from_str(text).unwrap_or_default();
    ensure!(
        has_the_defect(reason, &value),
        "ignored as {reason:?}, which the text does not deserve"
    );
    if let Some(sent) = case.get("sent") {
        ensure!(
            reason == IgnoredReason::Oversized,
            "the valid envelope {sent} was ignored as {reason:?}"
        );
    }
    Ok(())
}

/// Whether a text (parsed, `null` when it is not JSON) has the defect `reason` names; any
/// text may be `garbled`, and `oversized` is about the cap.
fn has_the_defect(reason: IgnoredReason, value: &Value) -> bool {
    match reason {
        IgnoredReason::WrongProtocol => {
            value["protocol"].is_number() && value["protocol"] != PROTOCOL_VERSION
        }
        IgnoredReason::OtherDiagram => value["diagramId"].as_str().is_some_and(|id| id != DIAGRAM),
        IgnoredReason::OwnMessage => value["tabId"] == TAB,
        IgnoredReason::UnknownType => value["type"]
            .as_str()
            .is_some_and(|kind| !TYPES.contains(&kind)),
        _ => true,
    }
}

/// An accepted message fits the cap, passed the envelope rules, holds exactly the fields
/// of its text and only changes that could apply, and round-trips.
fn accepted(case: &Value, text: &str, max: usize, envelope: Envelope) -> Verdict {
    support::tally("accepted");
    ensure!(
        text.len() <= max,
        "accepted a text of {} bytes for a cap of {max}",
        text.len()
    );
    let value: Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    holds_the_envelope(&value, &envelope)?;
    holds_the_body(&value, &envelope.message)?;
    only_changes_that_could_apply(&envelope.message)?;
    round_trips(case, text, max, envelope)
}

/// The envelope fields of an accepted message: the text's, which pass rules 2 to 7.
fn holds_the_envelope(value: &Value, envelope: &Envelope) -> Verdict {
    ensure!(
        value["protocol"] == PROTOCOL_VERSION && envelope.protocol == PROTOCOL_VERSION,
        "accepted protocol {} as {envelope:?}",
        value["protocol"]
    );
    ensure!(
        value["diagramId"] == DIAGRAM && envelope.diagram_id == DIAGRAM,
        "accepted diagramId {} as {envelope:?}",
        value["diagramId"]
    );
    ensure!(
        value["tabId"] == envelope.tab_id.as_str()
            && !envelope.tab_id.is_empty()
            && envelope.tab_id != TAB,
        "accepted tabId {} as {envelope:?}",
        value["tabId"]
    );
    ensure!(
        value["version"].as_u64() == Some(envelope.version),
        "version changed: {envelope:?}"
    );
    ensure!(
        value["type"] == kind_of(&envelope.message),
        "type changed: {envelope:?}"
    );
    Ok(())
}

/// A field of the text as a `T`; `None` when it is absent, `null`, or not a `T`.
fn field<T: DeserializeOwned>(value: &Value, name: &str) -> Option<T> {
    value
        .get(name)
        .filter(|field| !field.is_null())
        .and_then(|field| serde_json::from_value(field.clone()).ok())
}

/// The body of an accepted message: the text's (a field absent or `null` is none).
fn holds_the_body(value: &Value, message: &Message) -> Verdict {
    match message {
        Message::Commit {
            changes,
            hash,
            overrides,
        } => {
            ensure!(
                *changes == field(value, "changes"),
                "changes differ from the text's: {changes:?}"
            );
            let sent_hash = field::<String>(value, "hash").and_then(|hash| ChainHash::parse(&hash));
            ensure!(*hash == sent_hash, "hash differs from the text's: {hash:?}");
            ensure!(
                *overrides == field::<Vec<Override>>(value, "overrides").unwrap_or_default(),
                "overrides differ from the text's: {overrides:?}"
            );
        }
        Message::Handoff { in_flight, sets } => {
            ensure!(
                *sets == field::<Vec<Vec<Change>>>(value, "sets").unwrap_or_default()
                    && *in_flight == field::<usize>(value, "inFlight").unwrap_or_default(),
                "the hand-off differs from the text's: {message:?}"
            );
        }
        Message::Saved {
            server_version,
            store_version,
        } => {
            ensure!(
                field(value, "serverVersion") == Some(*server_version)
                    && field(value, "storeVersion") == Some(*store_version),
                "the versions differ from the text's: {message:?}"
            );
        }
        Message::Hello | Message::Here | Message::Bye => {}
    }
    Ok(())
}

/// Every change of an accepted message could apply (a cell with a valid id, an update with
/// a valid id and path, as the model judges them), and a hand-off's `inFlight` counts some
/// of its sets.
fn only_changes_that_could_apply(message: &Message) -> Verdict {
    let changes: Vec<&Change> = match message {
        Message::Commit { changes, .. } => changes.iter().flatten().collect(),
        Message::Handoff { in_flight, sets } => {
            ensure!(
                *in_flight <= sets.len(),
                "accepted {in_flight} sets in flight of {}",
                sets.len()
            );
            sets.iter().flatten().collect()
        }
        _ => Vec::new(),
    };
    let could_apply = |change: &&Change| match change {
        Change::Add { cell } | Change::Remove { cell } => cell_id(cell).is_ok(),
        Change::Update { id, path, .. } => {
            cell_id(&json!({ "id": id.as_ref() })).is_ok() && checked_segments(path).is_ok()
        }
    };
    match changes.into_iter().find(|change| !could_apply(change)) {
        Some(change) => Err(format!(
            "accepted a change that could never apply: {change:?}"
        )),
        None => Ok(()),
    }
}

/// What a message too large travels as: a commit without its changes (nor the hash and
/// overrides about them), a hand-off without its sets.
fn without_body(envelope: &Envelope) -> Envelope {
    let message = match envelope.message {
        Message::Commit { .. } => Message::Commit {
            changes: None,
            hash: None,
            overrides: Vec::new(),
        },
        Message::Handoff { .. } => Message::Handoff {
            in_flight: 0,
            sets: Vec::new(),
        },
        ref message => message.clone(),
    };
    Envelope {
        message,
        ..envelope.clone()
    }
}

/// An accepted message re-encodes to a text that decodes to the same envelope (the very
/// same text when the encoder wrote it); one the generator built decodes to what it sent.
fn round_trips(case: &Value, text: &str, max: usize, envelope: Envelope) -> Verdict {
    // The encoder leaves out a hash and overrides without changes (they are about them).
    let envelope = match envelope.message {
        Message::Commit { changes: None, .. } => without_body(&envelope),
        _ => envelope,
    };
    let again = envelope.encode(max);
    let redecoded = decode_message(&again, expect(max));
    let full_len = serde_json::to_string(&envelope).map_or(0, |full| full.len());
    ensure!(
        redecoded.as_ref() == Ok(&envelope)
            || (redecoded == Ok(without_body(&envelope)) && full_len > max)
            || (again.len() > max && redecoded == Err(IgnoredReason::Oversized)),
        "re-encoded as {again}, which decodes to {redecoded:?}"
    );
    if case.get("sent").is_some() || case["exact"] == true {
        ensure!(
            again == text,
            "the encoder wrote {text}, which re-encodes as {again}"
        );
    }
    match case.get("sent") {
        Some(sent) => decodes_to_what_was_sent(sent, text, &envelope),
        None => Ok(()),
    }
}

/// An envelope the generator encoded decodes to itself, or, when the text left out its
/// changes or sets, to itself without them.
fn decodes_to_what_was_sent(sent: &Value, text: &str, envelope: &Envelope) -> Verdict {
    let decoded = serde_json::to_value(envelope).map_err(|e| e.to_string())?;
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
    Ok(())
}

/// A seed message as a case, with the default cap.
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
