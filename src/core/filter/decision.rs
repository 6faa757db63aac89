//! The filter's verdicts as data: what was kept, what was dropped, and why.

use serde::{Deserialize, Serialize};

use crate::core::model::serde_forms::{serialize_optional_shared_str, shared_str};
use crate::core::model::{Change, SharedStr};

/// Whether a change matters to the document (`semantic`) or only to what the user sees
/// at this moment (`visual`). Also the editor's explicit override on an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Significance {
    /// Enters history, saves and sync.
    Semantic,
    /// Never enters history, saves or sync.
    Visual,
}

/// Why a change or path got its significance. Serialized with a `type` tag, e.g.
/// `{ "type": "rule", "ruleId": "port-visibility", "pattern": "ports/items/*/attrs/circle/style/visibility" }`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum Reason {
    /// A cell was added: always semantic.
    CellAdded,
    /// A cell was removed: always semantic.
    CellRemoved,
    /// The whole `cell:change:<key>` event is excluded (e.g. `tools`).
    ExcludedEvent,
    /// The path, or one of its ancestors, matches a visual rule.
    #[serde(rename_all = "camelCase")]
    Rule {
        /// The rule's id.
        #[serde(serialize_with = "shared_str::serialize")]
        rule_id: SharedStr,
        /// The rule's pattern.
        #[serde(serialize_with = "shared_str::serialize")]
        pattern: SharedStr,
    },
    /// The value is an object or array whose every differing leaf matches a visual rule;
    /// this is the first one.
    #[serde(rename_all = "camelCase")]
    ContentsRule {
        /// The rule's id.
        #[serde(serialize_with = "shared_str::serialize")]
        rule_id: SharedStr,
        /// The rule's pattern.
        #[serde(serialize_with = "shared_str::serialize")]
        pattern: SharedStr,
    },
    /// No visual rule matches: semantic.
    NoRule,
    /// The editor said so explicitly.
    Override,
}

/// One verdict: a cell and, for updates and excluded events, the path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// The cell's id (empty for a malformed cell, which the model then refuses).
    #[serde(serialize_with = "shared_str::serialize")]
    pub cell_id: SharedStr,
    /// The path for an update, the key for an excluded event, `None` for add/remove.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "serialize_optional_shared_str"
    )]
    pub path: Option<SharedStr>,
    /// The verdict.
    pub significance: Significance,
    /// Why.
    pub reason: Reason,
}

/// The result of screening changes: the semantic ones to apply, and every verdict.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Screened {
    /// The semantic changes, in their original order.
    pub kept: Vec<Change>,
    /// One verdict per change screened.
    pub decisions: Vec<Decision>,
}
