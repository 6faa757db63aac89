//! Why a received message was ignored, and how often each reason happened.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Why a message on the cross-tab channel was ignored. Nothing in it was applied. Serialized
/// as its stable camelCase name (e.g. `"wrongProtocol"`), which is also the key in
/// [`SyncStatus::ignored`](super::SyncStatus::ignored).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum IgnoredReason {
    /// Not a string, not JSON, not an object, or a field of the wrong type or shape
    /// (including a change that could never apply, such as a cell without an id).
    Garbled,
    /// Longer than the session's size cap.
    Oversized,
    /// Sent with another protocol version (an older or newer build of the editor).
    WrongProtocol,
    /// About another diagram.
    OtherDiagram,
    /// Sent by this very tab.
    OwnMessage,
    /// A message `type` this build does not know.
    UnknownType,
    /// A commit of the version this tab already holds.
    Duplicate,
    /// A commit of a version older than the one this tab holds.
    Older,
    /// A hint the store does not back: a `commit` that does not continue this tab's hash
    /// chain (a replay or a forgery), or a message announcing a version, that the op log
    /// does not reach. Nothing is applied and nothing is reloaded.
    Unverified,
}

impl IgnoredReason {
    /// Every reason, in the order of the documentation.
    pub const ALL: [IgnoredReason; 9] = [
        Self::Garbled,
        Self::Oversized,
        Self::WrongProtocol,
        Self::OtherDiagram,
        Self::OwnMessage,
        Self::UnknownType,
        Self::Duplicate,
        Self::Older,
        Self::Unverified,
    ];

    /// The stable name, as serialized (e.g. `"otherDiagram"`).
    pub fn name(self) -> &'static str {
        match self {
            Self::Garbled => "garbled",
            Self::Oversized => "oversized",
            Self::WrongProtocol => "wrongProtocol",
            Self::OtherDiagram => "otherDiagram",
            Self::OwnMessage => "ownMessage",
            Self::UnknownType => "unknownType",
            Self::Duplicate => "duplicate",
            Self::Older => "older",
            Self::Unverified => "unverified",
        }
    }
}

/// How many messages were ignored, by reason (serialized as `{ "garbled": 2, … }`; reasons
/// that never happened are left out).
pub type IgnoredCounts = BTreeMap<IgnoredReason, u64>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_serialized_form() {
        for reason in IgnoredReason::ALL {
            let text = serde_json::to_string(&reason).unwrap();
            assert_eq!(text, format!("\"{}\"", reason.name()));
        }
    }

    #[test]
    fn counts_serialize_as_an_object_keyed_by_name() {
        let mut counts = IgnoredCounts::new();
        counts.insert(IgnoredReason::WrongProtocol, 2);
        assert_eq!(
            serde_json::to_string(&counts).unwrap(),
            r#"{"wrongProtocol":2}"#
        );
    }
}
