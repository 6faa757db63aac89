//! The cross-tab protocol as data: a versioned envelope around `type`-tagged messages,
//! encoded as JSON text, and a decoder that classifies everything it refuses.
//!
//! ```json
//! { "protocol": 1, "diagramId": "d1", "tabId": "t1", "version": 8, "type": "commit", "changes": [ … ], "hash": "9f3c0a4d1e2b7788" }
//! { "protocol": 1, "diagramId": "d1", "tabId": "t1", "version": 8, "type": "hello" }
//! { "protocol": 1, "diagramId": "d1", "tabId": "t2", "version": 8, "type": "here" }
//! { "protocol": 1, "diagramId": "d1", "tabId": "t1", "version": 8, "type": "bye" }
//! { "protocol": 1, "diagramId": "d1", "tabId": "t1", "version": 8, "type": "handoff", "inFlight": 1, "sets": [[ … ], [ … ]] }
//! { "protocol": 1, "diagramId": "d1", "tabId": "t1", "version": 8, "type": "saved", "serverVersion": 12, "storeVersion": 8 }
//! ```
//!
//! `version` is always the sender's committed version (for `commit`: the version that
//! commit produced). Only committed semantic changes travel: visual-only state never
//! enters a change set, so it is never broadcast.
//!
//! A message is only a hint: anyone on the page's origin can post on the channel, and a
//! message can be replayed. A `commit` is integrated as it stands only when its `hash`
//! continues the receiver's hash chain (see [`ChainHash`]); anything else that announces a
//! version is checked against the store's op log, which is trusted.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ignored::IgnoredReason;
use crate::core::model::serde_forms::optional_objects;
use crate::core::model::{cell_id, Change};
use crate::core::path::checked_segments;
use crate::core::storage::ChainHash;

use super::overrides::Override;

/// The protocol version this build speaks. A message with another `protocol` is ignored
/// (counted as `wrongProtocol`); bump it whenever the message shapes change incompatibly.
pub const PROTOCOL_VERSION: u32 = 1;

/// The default size cap of a message, in bytes of JSON text (1 MiB). A commit whose changes
/// would make a longer message is sent without them; receivers read it from the op log.
pub const MAX_MESSAGE_BYTES: usize = 1 << 20;

/// One message on the channel: the envelope fields plus the `type`-tagged body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Envelope {
    /// [`PROTOCOL_VERSION`] of the sender.
    pub protocol: u32,
    /// The diagram the message is about.
    pub diagram_id: String,
    /// The sending tab.
    pub tab_id: String,
    /// The sender's committed version (for `commit`: the version it produced).
    pub version: u64,
    /// What the message says.
    #[serde(flatten)]
    pub message: Message,
}

/// The body of a message, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Message {
    /// A set of changes the sender committed to the store as `version`.
    Commit {
        /// The changes, as committed (each an object). Absent when they were too large for
        /// one message: read them from the op log.
        #[serde(
            default,
            skip_serializing_if = "Option::is_none",
            deserialize_with = "optional_objects"
        )]
        changes: Option<Vec<Change>>,
        /// The commit's link of the hash chain, as the store computed it. Absent when the
        /// changes are (there is nothing to check it against).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hash: Option<ChainHash>,
        /// The values of other tabs the commit replaced (absent when none, and when the
        /// changes are).
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        overrides: Vec<Override>,
    },
    /// A tab opened the diagram; receivers answer with `here`.
    Hello,
    /// The answer to `hello`: "I am here too, at this version".
    Here,
    /// A tab closed the diagram.
    Bye,
    /// A tab is closing with change sets it has not committed: the tabs that stay commit
    /// them. The envelope's `version` is the version they were made on.
    #[serde(rename_all = "camelCase")]
    Handoff {
        /// How many of the first `sets` a commit in flight carried (it may have landed).
        in_flight: usize,
        /// The change sets, oldest first.
        sets: Vec<Vec<Change>>,
    },
    /// The sender saved the diagram to the editor's server (it leads auto-save).
    #[serde(rename_all = "camelCase")]
    Saved {
        /// The server's version of the saved copy.
        server_version: u64,
        /// The committed (store) version whose changes the saved cells include.
        store_version: u64,
    },
}

impl Message {
    /// The `type` names this build knows.
    pub const TYPES: [&'static str; 6] = ["commit", "hello", "here", "bye", "handoff", "saved"];
}

impl Envelope {
    /// The envelope as JSON text. A commit too large for `max_bytes` (or that cannot be
    /// written as JSON) is sent without its changes, so receivers read it from the op log;
    /// a hand-off too large is sent without its sets (receivers then only check the store).
    pub fn encode(&self, max_bytes: usize) -> String {
        let has_body = match &self.message {
            Message::Commit { changes, .. } => changes.is_some(),
            Message::Handoff { sets, .. } => !sets.is_empty(),
            // Its fields are the message: never slimmed (a receiver may refuse it as
            // oversized).
            Message::Saved { .. } => {
                return serde_json::to_string(self).unwrap_or_else(|_| self.header_only())
            }
            Message::Hello | Message::Here | Message::Bye => false,
        };
        if has_body {
            if let Ok(text) = serde_json::to_string(self) {
                if text.len() <= max_bytes {
                    return text;
                }
            }
        }
        self.header_only()
    }

    /// The envelope without any changes, sets or hash; built by hand so it cannot fail.
    fn header_only(&self) -> String {
        let kind = match self.message {
            Message::Commit { .. } => "commit",
            Message::Hello => "hello",
            Message::Here => "here",
            Message::Bye => "bye",
            Message::Handoff { .. } => "handoff",
            Message::Saved { .. } => "saved",
        };
        let mut object = Map::new();
        object.insert("protocol".into(), self.protocol.into());
        object.insert("diagramId".into(), self.diagram_id.clone().into());
        object.insert("tabId".into(), self.tab_id.clone().into());
        object.insert("version".into(), self.version.into());
        object.insert("type".into(), kind.into());
        Value::Object(object).to_string()
    }
}

/// What a receiver expects of a message: its diagram, its own tab id (own messages are
/// ignored) and the size cap.
#[derive(Debug, Clone, Copy)]
pub struct Expect<'a> {
    /// The receiver's diagram.
    pub diagram_id: &'a str,
    /// The receiver's own tab id.
    pub tab_id: &'a str,
    /// The size cap in bytes.
    pub max_bytes: usize,
}

/// Reads a message, or says why it must be ignored. The checks run in this order, so
/// each message gets exactly one reason: `oversized`, `garbled` (not a JSON object, or
/// `protocol` not a number), `wrongProtocol`, `garbled` (envelope fields missing or of the
/// wrong type), `otherDiagram`, `ownMessage`, `unknownType`, `garbled` (a body that does not
/// match its type, or a change that could never apply).
///
/// ```
/// use diagram_state::core::sync::{decode_message, Expect, IgnoredReason, Message, MAX_MESSAGE_BYTES};
///
/// let expect = Expect { diagram_id: "d1", tab_id: "me", max_bytes: MAX_MESSAGE_BYTES };
/// let hello = r#"{"protocol":1,"diagramId":"d1","tabId":"t2","version":3,"type":"hello"}"#;
/// assert_eq!(decode_message(hello, expect).unwrap().message, Message::Hello);
/// assert_eq!(decode_message("{", expect), Err(IgnoredReason::Garbled));
/// ```
pub fn decode_message(text: &str, expect: Expect<'_>) -> Result<Envelope, IgnoredReason> {
    if text.len() > expect.max_bytes {
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
    let text_field = |name: &str| object.get(name).and_then(Value::as_str);
    let (Some(diagram_id), Some(tab_id), Some(kind)) = (
        text_field("diagramId"),
        text_field("tabId"),
        text_field("type"),
    ) else {
        return Err(IgnoredReason::Garbled);
    };
    let Some(version) = object.get("version").and_then(Value::as_u64) else {
        return Err(IgnoredReason::Garbled);
    };
    if tab_id.is_empty() {
        return Err(IgnoredReason::Garbled);
    }
    if diagram_id != expect.diagram_id {
        return Err(IgnoredReason::OtherDiagram);
    }
    if tab_id == expect.tab_id {
        return Err(IgnoredReason::OwnMessage);
    }
    // The body is read straight from the parsed object: going through the flattened,
    // tagged `Envelope` would buffer the whole message once more.
    let message = match kind {
        "commit" => Message::Commit {
            changes: commit_changes(object.get("changes"))?,
            hash: commit_hash(object.get("hash"))?,
            overrides: commit_overrides(object.get("overrides"))?,
        },
        "hello" => Message::Hello,
        "here" => Message::Here,
        "bye" => Message::Bye,
        "handoff" => handoff(object)?,
        "saved" => {
            let count = |name: &str| object.get(name).and_then(Value::as_u64);
            let (Some(server_version), Some(store_version)) =
                (count("serverVersion"), count("storeVersion"))
            else {
                return Err(IgnoredReason::Garbled);
            };
            Message::Saved {
                server_version,
                store_version,
            }
        }
        _ => return Err(IgnoredReason::UnknownType),
    };
    Ok(Envelope {
        protocol: PROTOCOL_VERSION,
        diagram_id: diagram_id.to_owned(),
        tab_id: tab_id.to_owned(),
        version,
        message,
    })
}

/// The `changes` of a commit: absent or `null` (read them from the op log), or an array of
/// change objects that could each apply.
fn commit_changes(changes: Option<&Value>) -> Result<Option<Vec<Change>>, IgnoredReason> {
    let Some(changes) = changes else {
        return Ok(None);
    };
    let changes: Option<Vec<Change>> =
        optional_objects(changes).map_err(|_| IgnoredReason::Garbled)?;
    match changes {
        Some(changes) if !changes.iter().all(could_apply) => Err(IgnoredReason::Garbled),
        changes => Ok(changes),
    }
}

/// The body of a `handoff`: `sets` an array of arrays of change objects that could each
/// apply (absent: none), `inFlight` a count no larger than the number of sets.
fn handoff(object: &Map<String, Value>) -> Result<Message, IgnoredReason> {
    let sets: Vec<Vec<Change>> = match object.get("sets") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(sets)) => {
            let mut read = Vec::with_capacity(sets.len());
            for set in sets {
                read.push(commit_changes(Some(set))?.ok_or(IgnoredReason::Garbled)?);
            }
            read
        }
        Some(_) => return Err(IgnoredReason::Garbled),
    };
    let in_flight = match object.get("inFlight") {
        None | Some(Value::Null) => 0,
        Some(count) => count
            .as_u64()
            .and_then(|count| usize::try_from(count).ok())
            .filter(|count| *count <= sets.len())
            .ok_or(IgnoredReason::Garbled)?,
    };
    Ok(Message::Handoff { in_flight, sets })
}

/// The `overrides` of a commit: absent or `null`, or an array of override objects.
fn commit_overrides(overrides: Option<&Value>) -> Result<Vec<Override>, IgnoredReason> {
    match overrides {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) if items.iter().all(Value::is_object) => {
            serde_json::from_value(Value::Array(items.clone())).map_err(|_| IgnoredReason::Garbled)
        }
        Some(_) => Err(IgnoredReason::Garbled),
    }
}

/// The `hash` of a commit: absent or `null`, or 16 hex digits.
fn commit_hash(hash: Option<&Value>) -> Result<Option<ChainHash>, IgnoredReason> {
    match hash {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(text)) => ChainHash::parse(text)
            .map(Some)
            .ok_or(IgnoredReason::Garbled),
        Some(_) => Err(IgnoredReason::Garbled),
    }
}

/// Whether a change is well formed: a cell with a valid id, an update with a valid id and
/// path. (Whether it fits the diagram is the diagram's business.)
fn could_apply(change: &Change) -> bool {
    match change {
        Change::Add { cell } | Change::Remove { cell } => cell_id(cell).is_ok(),
        Change::Update { id, path, .. } => !id.is_empty() && checked_segments(path).is_ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const EXPECT: Expect<'static> = Expect {
        diagram_id: "d1",
        tab_id: "me",
        max_bytes: 400,
    };

    fn envelope(message: Message) -> Envelope {
        Envelope {
            protocol: PROTOCOL_VERSION,
            diagram_id: "d1".into(),
            tab_id: "t2".into(),
            version: 4,
            message,
        }
    }

    #[test]
    fn every_message_round_trips() {
        let commit = Message::Commit {
            changes: Some(vec![Change::update(
                "n1",
                "position/x",
                None,
                Some(json!(1)),
            )]),
            hash: Some(ChainHash::start(3)),
            overrides: vec![serde_json::from_value(json!({
                "kind": "samePath", "cellId": "n1", "path": "position/x", "replaced": 0, "tabId": "t1"
            }))
            .unwrap()],
        };
        let handoff = Message::Handoff {
            in_flight: 1,
            sets: vec![
                vec![Change::update("n1", "data/x", None, Some(json!("a")))],
                vec![Change::add(json!({ "id": "n2" }))],
            ],
        };
        let saved = Message::Saved {
            server_version: 12,
            store_version: 8,
        };
        for message in [
            commit,
            Message::Hello,
            Message::Here,
            Message::Bye,
            handoff,
            saved,
        ] {
            let sent = envelope(message);
            assert_eq!(decode_message(&sent.encode(400), EXPECT), Ok(sent));
        }
    }

    #[test]
    fn the_wire_form_is_flat_and_camel_case() {
        let text = envelope(Message::Hello).encode(400);
        let value: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            value,
            json!({ "protocol": 1, "diagramId": "d1", "tabId": "t2", "version": 4, "type": "hello" })
        );
    }

    #[test]
    fn a_commit_too_large_travels_without_its_changes() {
        let big = Change::add(json!({ "id": "n1", "data": "x".repeat(500) }));
        let text = envelope(Message::Commit {
            changes: Some(vec![big]),
            hash: Some(ChainHash::start(3)),
            overrides: Vec::new(),
        })
        .encode(400);
        assert!(text.len() < 400);
        let decoded = decode_message(&text, EXPECT).unwrap();
        assert_eq!(
            decoded.message,
            Message::Commit {
                changes: None,
                hash: None,
                overrides: Vec::new(),
            }
        );
        assert_eq!(decoded.version, 4);
    }

    #[test]
    fn a_hand_off_too_large_travels_without_its_sets() {
        let big = Change::add(json!({ "id": "n1", "data": "x".repeat(500) }));
        let text = envelope(Message::Handoff {
            in_flight: 1,
            sets: vec![vec![big]],
        })
        .encode(400);
        let decoded = decode_message(&text, EXPECT).unwrap();
        assert_eq!(
            decoded.message,
            Message::Handoff {
                in_flight: 0,
                sets: Vec::new()
            }
        );
    }

    #[test]
    fn each_refusal_has_its_reason() {
        let base = json!({ "protocol": 1, "diagramId": "d1", "tabId": "t2", "version": 4, "type": "hello" });
        let with = |field: &str, value: Value| {
            let mut message = base.clone();
            message[field] = value;
            message.to_string()
        };
        let cases = [
            ("x".repeat(401), IgnoredReason::Oversized),
            ("not json".to_owned(), IgnoredReason::Garbled),
            ("[1,2]".to_owned(), IgnoredReason::Garbled),
            ("7".to_owned(), IgnoredReason::Garbled),
            (with("protocol", json!("1")), IgnoredReason::Garbled),
            (with("protocol", json!(2)), IgnoredReason::WrongProtocol),
            (with("version", json!(-1)), IgnoredReason::Garbled),
            (with("tabId", json!(5)), IgnoredReason::Garbled),
            (with("diagramId", json!("d2")), IgnoredReason::OtherDiagram),
            (with("tabId", json!("me")), IgnoredReason::OwnMessage),
            (with("type", json!("shout")), IgnoredReason::UnknownType),
            (
                with("changes", json!("nope")).replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with(
                    "changes",
                    json!([{ "type": "add", "cell": { "shape": "rect" } }]),
                )
                .replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with(
                    "changes",
                    json!([{ "type": "update", "id": "n1", "path": "a//b" }]),
                )
                .replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with("changes", json!([["remove", { "id": "n1" }]])).replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with("hash", json!("not a hash")).replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with("hash", json!(12)).replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
            (
                with("sets", json!([{ "type": "add", "cell": { "id": "n" } }]))
                    .replace("hello", "handoff"),
                IgnoredReason::Garbled,
            ),
            (
                with("inFlight", json!(2)).replace("hello", "handoff"),
                IgnoredReason::Garbled,
            ),
            (
                with("serverVersion", json!(3)).replace("hello", "saved"),
                IgnoredReason::Garbled,
            ),
            (
                with("overrides", json!([{ "cellId": "n1" }])).replace("hello", "commit"),
                IgnoredReason::Garbled,
            ),
        ];
        for (text, reason) in cases {
            assert_eq!(decode_message(&text, EXPECT), Err(reason), "{text}");
        }
    }
}
