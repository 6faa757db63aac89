//! What a commit overrode: under `laterWins`, a tab whose pending change wins a conflict
//! replaces a value another tab had committed. The commit (its message and its op-log
//! record) carries each such override, so that the tab whose value lost is told when it
//! integrates the commit, with both values.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::merge::{paths_overlap, Conflict, ConflictKind, Resolution};
use crate::core::model::serde_forms::present;
use crate::core::model::Change;

/// A value another tab committed that this commit replaced, as the op log and the
/// `commit` message carry it:
///
/// ```json
/// { "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
///   "replaced": "from A", "value": "from B", "tabId": "tab-a" }
/// ```
///
/// `kind` is the conflict as the tab whose value lost sees it; without `path` the override
/// is about the whole cell and the values are cells. An absent `replaced` or `value` means
/// missing (the path, or the cell), not `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Override {
    /// The conflict, as the tab whose value lost sees it.
    pub kind: ConflictKind,
    /// The cell.
    pub cell_id: String,
    /// The path inside the cell; absent for a whole cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The value that tab had committed.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub replaced: Option<Value>,
    /// The value that replaced it.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub value: Option<Value>,
    /// The tab whose value lost.
    pub tab_id: String,
}

impl Override {
    /// The override a conflict this tab settled as `keptLocal` amounts to, against the
    /// commit of `loser` it was integrating; `None` for a conflict that kept the other
    /// tab's value or is left to the user.
    pub(crate) fn of(conflict: &Conflict, loser: &str) -> Option<Self> {
        if conflict.resolution != Resolution::KeptLocal {
            return None;
        }
        let kind = match conflict.kind {
            ConflictKind::SamePath => ConflictKind::SamePath,
            ConflictKind::AddedTwice => ConflictKind::AddedTwice,
            // This tab removed a cell the other tab updated: that tab updated a cell
            // another tab removed.
            ConflictKind::UpdatedRemotely => ConflictKind::RemovedRemotely,
            ConflictKind::RemovedRemotely => return None,
        };
        Some(Self {
            kind,
            cell_id: conflict.cell_id.clone(),
            path: conflict.path.clone(),
            replaced: conflict.remote.clone(),
            value: conflict.local.clone(),
            tab_id: loser.to_owned(),
        })
    }

    /// This override as `changes` (a commit) leave it: `None` when they no longer replace
    /// the other tab's value (they do not write the path or cell, or they end with that
    /// very value at the path); otherwise with `value` what they end with there.
    pub(crate) fn still_in(mut self, changes: &[Change]) -> Option<Self> {
        let mut written = false;
        for change in changes {
            if change.cell_id() != Some(self.cell_id.as_str()) {
                continue;
            }
            match (change, &self.path) {
                (Change::Update { path, after, .. }, Some(overridden)) => {
                    if paths_overlap(path, overridden) {
                        written = true;
                        if **path == **overridden {
                            self.value.clone_from(after);
                        }
                    }
                }
                _ => written = true,
            }
        }
        let restored = self.path.is_some() && self.value == self.replaced;
        (written && !restored).then_some(self)
    }

    /// The conflict the tab whose value lost is told about: its value (`local`), the
    /// value now in the diagram (`remote`), settled as `replaced`.
    pub(crate) fn conflict(&self) -> Conflict {
        Conflict {
            kind: self.kind,
            cell_id: self.cell_id.clone(),
            path: self.path.clone(),
            local: self.replaced.clone(),
            remote: self.value.clone(),
            resolution: Resolution::Replaced,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn won() -> Conflict {
        Conflict {
            kind: ConflictKind::SamePath,
            cell_id: "n1".into(),
            path: Some("attrs/text/text".into()),
            local: Some(json!("from B")),
            remote: Some(json!("from A")),
            resolution: Resolution::KeptLocal,
        }
    }

    #[test]
    fn a_kept_local_value_overrides_the_other_tabs() {
        let overridden = Override::of(&won(), "tab-a").unwrap();
        assert_eq!(
            serde_json::to_value(&overridden).unwrap(),
            json!({ "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
                    "replaced": "from A", "value": "from B", "tabId": "tab-a" })
        );
        let told = overridden.conflict();
        assert_eq!(
            (told.local, told.remote, told.resolution),
            (
                Some(json!("from A")),
                Some(json!("from B")),
                Resolution::Replaced
            )
        );
        let kept_theirs = Conflict {
            resolution: Resolution::KeptRemote,
            ..won()
        };
        assert_eq!(Override::of(&kept_theirs, "tab-a"), None);
        let removed_here = Conflict {
            kind: ConflictKind::UpdatedRemotely,
            path: None,
            local: None,
            ..won()
        };
        assert_eq!(
            Override::of(&removed_here, "tab-a").unwrap().kind,
            ConflictKind::RemovedRemotely
        );
    }

    #[test]
    fn it_holds_while_the_commit_still_replaces_the_value() {
        let overridden = Override::of(&won(), "tab-a").unwrap();
        let holds = |changes: Vec<Change>| overridden.clone().still_in(&changes);
        let label = |path: &str, to: &str| Change::update("n1", path, None, Some(json!(to)));
        assert_eq!(
            holds(vec![label("attrs/text/text", "later")])
                .unwrap()
                .value,
            Some(json!("later"))
        );
        assert!(holds(vec![label("attrs/text", "x")]).is_some());
        assert!(holds(vec![label("attrs/body/fill", "x")]).is_none());
        // Written back to the other tab's value: nothing was replaced.
        assert!(holds(vec![
            label("attrs/text/text", "x"),
            label("attrs/text/text", "from A")
        ])
        .is_none());
        assert!(holds(vec![Change::remove(json!({ "id": "n1" }))]).is_some());
        assert!(holds(vec![Change::remove(json!({ "id": "n2" }))]).is_none());
    }
}
