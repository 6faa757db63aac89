//! The merge rules for integrating another tab's committed changes under this tab's
//! pending (not yet committed) ones: what merges, what conflicts, and how a conflict is
//! settled.
//!
//! Changes to different cells, or to different paths of one cell, always merge. Two paths
//! overlap when one is the other or a prefix of it at a `/` boundary (`position` and
//! `position/x` overlap, `position/x` and `position/y` do not). Per case:
//!
//! | This tab (pending)             | Other tab (committed)          | `laterWins` (default)                 | `ask`                          |
//! |--------------------------------|--------------------------------|---------------------------------------|--------------------------------|
//! | updates a path                 | changed an overlapping path    | mine kept, `samePath` (`keptLocal`)   | theirs shown, `unresolved`     |
//! | updates a path, ends as found  | changed an overlapping path    | theirs kept, no conflict              | same                           |
//! | sets the same final value      | set that value                 | merged, no conflict                   | same                           |
//! | updates a cell                 | removed the cell               | update dropped, `removedRemotely` (`keptRemote`) | dropped, `unresolved` |
//! | removes a cell                 | updated (or replaced) it       | removed, `updatedRemotely` (`keptLocal`) | cell kept, `unresolved`     |
//! | removes a cell                 | attached an edge to it         | both removed, `updatedRemotely` (`keptLocal`) | both kept, `unresolved` |
//! | adds an edge                   | removed its source or target   | edge dropped, `removedRemotely` (`keptRemote`) | same             |
//! | removes a cell                 | removed it too                 | merged, no conflict                   | same                           |
//! | adds a cell                    | added an equal cell, same id   | merged, no conflict                   | same                           |
//! | adds a cell                    | added a different cell, same id| mine replaces theirs, `addedTwice` (`keptLocal`) | theirs kept, `unresolved` |
//!
//! "Mine" is the later commit: the pending change has not reached the store yet, so it is
//! committed after the other tab's. Not so for an adopted set (a closed tab's changes this
//! tab took over, see [`adopt`](super::adopt)): it was made before the other tab's commit,
//! so where a conflict would keep "mine" (or ask), an adopted change gives way: theirs is
//! kept, reported as `keptRemote`, whatever the policy. This tab's own later change of the
//! same path is "mine" again. A pending change that cannot be re-applied at all (its
//! parent path was removed by the other tab, or it would reconnect an edge to a cell the
//! other tab removed) is dropped and reported as `samePath` with `keptRemote`. An edge never
//! outlives the cells it connects: X6 cannot draw such an edge. Once a cell's conflict leaves the other tab's version in place (dropped or
//! unresolved), the pending changes that follow on that cell are held back with it; they
//! are part of the conflict's `local` value.
//!
//! An `unresolved` conflict leaves the diagram as the other tab made it; the editor asks the
//! user and calls `keepMine` (which re-applies `local` as a new local change) or does
//! nothing (keep theirs).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::model::serde_forms::present;
use crate::core::model::{cell_id, Change, Diagram, SharedCell};

/// How a conflict is settled. Serialized as `"laterWins"` or `"ask"`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConflictPolicy {
    /// The later commit wins: this tab's pending change is re-applied over the other tab's
    /// value, and the conflict is reported with both values.
    #[default]
    LaterWins,
    /// The other tab's value stays; this tab's change is held back and reported as
    /// `unresolved`, for the editor to ask the user (keep mine / keep theirs).
    Ask,
}

/// What kind of conflict it is. Serialized in camelCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ConflictKind {
    /// Both tabs changed the same (or an overlapping) path of a cell.
    SamePath,
    /// This tab updated a cell the other tab removed, or added an edge to a cell the other
    /// tab removed.
    RemovedRemotely,
    /// This tab removed a cell the other tab updated or attached an edge to.
    UpdatedRemotely,
    /// Both tabs added a cell with the same id, with different contents.
    AddedTwice,
}

/// How a conflict was settled. Serialized in camelCase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Resolution {
    /// This tab's value is in the diagram (and will be committed).
    KeptLocal,
    /// The other tab's value is in the diagram; this tab's change was dropped.
    KeptRemote,
    /// The other tab's value is in the diagram for now; ask the user, then `keepMine` or
    /// leave it.
    Unresolved,
    /// This tab had committed `local`; another tab's later commit replaced it with
    /// `remote` (it won the conflict under `laterWins`). Nothing to decide: it says what
    /// happened to this tab's value.
    Replaced,
}

/// A conflict between this tab's pending changes and another tab's commit, as the editor
/// sees it:
///
/// ```json
/// { "kind": "samePath", "cellId": "n1", "path": "attrs/text/text",
///   "local": "Mine", "remote": "Theirs", "resolution": "keptLocal" }
/// { "kind": "removedRemotely", "cellId": "n2", "local": { "id": "n2", … }, "resolution": "keptRemote" }
/// ```
///
/// Without `path`, the conflict is about the whole cell and `local`/`remote` are cells. An
/// absent `local` or `remote` means missing (path missing, cell removed), not `null`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Conflict {
    /// What kind of conflict.
    pub kind: ConflictKind,
    /// The cell.
    pub cell_id: String,
    /// The path inside the cell; absent for whole-cell conflicts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// This tab's value: what its pending changes made of the path (or cell).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub local: Option<Value>,
    /// The other tab's value: what its commit made of the path (or cell).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "present"
    )]
    pub remote: Option<Value>,
    /// How it was settled.
    pub resolution: Resolution,
}

impl Conflict {
    /// The changes that make `diagram` hold this conflict's `local` side ("keep mine"):
    /// one update for a path conflict, or replacing / removing / re-adding the cell for a
    /// whole-cell conflict. Empty when the diagram already holds it.
    pub fn keep_mine_changes(&self, diagram: &Diagram) -> Vec<Change> {
        let current = diagram.cell(&self.cell_id);
        match (&self.path, current) {
            (Some(path), Some(_)) => {
                let now = diagram.get(&self.cell_id, path).ok().flatten();
                if now == self.local.as_ref() {
                    Vec::new()
                } else {
                    vec![Change::update(
                        &self.cell_id,
                        path,
                        now.cloned(),
                        self.local.clone(),
                    )]
                }
            }
            (Some(_), None) => Vec::new(),
            (None, current) => {
                let mine = self.local.as_ref();
                if current.map(|cell| cell.as_ref()) == mine {
                    return Vec::new();
                }
                let mut changes = Vec::new();
                if let Some(cell) = current {
                    // Keeping a removal removes the edges attached since with the cell.
                    if mine.is_none() {
                        changes.extend(diagram.attached_to(&self.cell_id).map(|edge| {
                            Change::Remove {
                                cell: SharedCell::clone(edge),
                            }
                        }));
                    }
                    changes.push(Change::Remove {
                        cell: SharedCell::clone(cell),
                    });
                }
                if let Some(cell) = mine {
                    changes.push(Change::add(cell.clone()));
                }
                changes
            }
        }
    }
}

/// Whether two slash paths overlap: equal, or one a prefix of the other at a `/` boundary.
///
/// ```
/// use diagram_state::core::sync::paths_overlap;
/// assert!(paths_overlap("position", "position/x"));
/// assert!(!paths_overlap("position/x", "position/y"));
/// assert!(!paths_overlap("attrs/text", "attrs/textPath"));
/// ```
pub fn paths_overlap(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.strip_prefix(short)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// What another tab's committed changes touched, per cell.
#[derive(Debug, Default)]
pub(crate) struct RemoteFootprint {
    cells: HashMap<String, Touched>,
}

#[derive(Debug, Default)]
struct Touched {
    /// Added or removed: every path of the cell is touched.
    whole: bool,
    paths: Vec<String>,
}

impl RemoteFootprint {
    /// The footprint of `changes`.
    pub(crate) fn of(changes: &[Change]) -> Self {
        let mut footprint = Self::default();
        for change in changes {
            match change {
                Change::Add { cell } | Change::Remove { cell } => {
                    if let Ok(id) = cell_id(cell) {
                        footprint.cells.entry(id.to_owned()).or_default().whole = true;
                    }
                }
                Change::Update { id, path, .. } => footprint
                    .cells
                    .entry(id.to_string())
                    .or_default()
                    .paths
                    .push(path.to_string()),
            }
        }
        footprint
    }

    /// Whether the other tab touched anything of cell `id`.
    pub(crate) fn touches_cell(&self, id: &str) -> bool {
        self.cells.contains_key(id)
    }

    /// Whether the other tab touched `path` of cell `id` (or an overlapping path, or the
    /// whole cell).
    pub(crate) fn touches_path(&self, id: &str, path: &str) -> bool {
        self.cells.get(id).is_some_and(|touched| {
            touched.whole || touched.paths.iter().any(|other| paths_overlap(other, path))
        })
    }
}

/// The net effect of the pending changes per (cell, path): the value before the first and
/// after the last update of that path, and whether that last update is adopted.
#[derive(Debug, Default)]
pub(crate) struct LocalNet {
    paths: HashMap<(String, String), Net>,
}

#[derive(Debug)]
struct Net {
    first: Option<Value>,
    last: Option<Value>,
    /// The last update is in an adopted set (a closed tab's): it gives way.
    adopted: bool,
}

impl LocalNet {
    /// The net effect of `pending`, oldest set first; `adopted[i]` tells whether set `i` is
    /// adopted (missing: not adopted).
    pub(crate) fn of(pending: &[Vec<Change>], adopted: &[bool]) -> Self {
        let mut net = Self::default();
        for (index, set) in pending.iter().enumerate() {
            let adopted = adopted.get(index).copied().unwrap_or(false);
            for change in set {
                if let Change::Update {
                    id,
                    path,
                    before,
                    after,
                } = change
                {
                    net.paths
                        .entry((id.to_string(), path.to_string()))
                        .and_modify(|net| {
                            net.last.clone_from(after);
                            net.adopted = adopted;
                        })
                        .or_insert_with(|| Net {
                            first: before.clone(),
                            last: after.clone(),
                            adopted,
                        });
                }
            }
        }
        net
    }

    /// Whether the last pending update of `path` of `id` is in an adopted set.
    pub(crate) fn last_is_adopted(&self, id: &str, path: &str) -> bool {
        self.paths
            .get(&(id.to_owned(), path.to_owned()))
            .is_some_and(|net| net.adopted)
    }

    /// The value the pending changes leave at `path` of `id`; `None` when they do not
    /// update it, `Some(None)` when they leave it missing.
    pub(crate) fn last_after(&self, id: &str, path: &str) -> Option<&Option<Value>> {
        self.paths
            .get(&(id.to_owned(), path.to_owned()))
            .map(|net| &net.last)
    }

    /// Whether the pending changes leave `path` of `id` as they found it.
    pub(crate) fn leaves_unchanged(&self, id: &str, path: &str) -> bool {
        self.paths
            .get(&(id.to_owned(), path.to_owned()))
            .is_some_and(|net| net.first == net.last)
    }
}

/// What to do with the pending updates of one (cell, path), decided once per path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PathRule {
    /// No conflict: re-apply them.
    Replay,
    /// Nothing to keep (left as found, or the other tab set the same value): drop them.
    Drop,
    /// A conflict: re-apply them (`laterWins`) or hold them back (`ask`).
    Conflict,
}

/// The rule for the pending updates of `path` in cell `id`, given what the diagram holds
/// there after the other tab's changes (`remote`).
pub(crate) fn path_rule(
    footprint: &RemoteFootprint,
    local: &LocalNet,
    id: &str,
    path: &str,
    remote: Option<&Value>,
) -> PathRule {
    if !footprint.touches_path(id, path) {
        return PathRule::Replay;
    }
    if local.leaves_unchanged(id, path) {
        return PathRule::Drop;
    }
    match local.last_after(id, path) {
        Some(mine) if mine.as_ref() == remote => PathRule::Drop,
        _ => PathRule::Conflict,
    }
}

/// The resolution a policy gives a conflict whose local side can be kept.
pub(crate) fn keepable(policy: ConflictPolicy) -> Resolution {
    match policy {
        ConflictPolicy::LaterWins => Resolution::KeptLocal,
        ConflictPolicy::Ask => Resolution::Unresolved,
    }
}

/// The resolution a policy gives a conflict whose local side had to be dropped.
pub(crate) fn dropped(policy: ConflictPolicy) -> Resolution {
    match policy {
        ConflictPolicy::LaterWins => Resolution::KeptRemote,
        ConflictPolicy::Ask => Resolution::Unresolved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn x(before: i64, after: i64) -> Change {
        Change::update("n1", "position/x", Some(json!(before)), Some(json!(after)))
    }

    #[test]
    fn overlap_is_segment_aligned() {
        assert!(paths_overlap("a", "a"));
        assert!(paths_overlap("a/b/c", "a"));
        assert!(!paths_overlap("a/bc", "a/b"));
        assert!(!paths_overlap("data", "data2/x"));
    }

    #[test]
    fn path_rules() {
        let remote = RemoteFootprint::of(&[Change::update(
            "n1",
            "position",
            None,
            Some(json!({ "x": 5 })),
        )]);
        let there_and_back = LocalNet::of(&[vec![x(0, 1)], vec![x(1, 0)]], &[]);
        assert_eq!(
            path_rule(
                &remote,
                &there_and_back,
                "n1",
                "position/x",
                Some(&json!(5))
            ),
            PathRule::Drop
        );
        let moved = LocalNet::of(&[vec![x(0, 1)], vec![x(1, 2)]], &[]);
        assert_eq!(
            path_rule(&remote, &moved, "n1", "position/x", Some(&json!(5))),
            PathRule::Conflict
        );
        assert_eq!(
            path_rule(&remote, &moved, "n1", "position/x", Some(&json!(2))),
            PathRule::Drop
        );
        assert_eq!(
            path_rule(&remote, &moved, "n1", "size/width", None),
            PathRule::Replay
        );
        assert_eq!(
            path_rule(&remote, &moved, "n2", "position/x", None),
            PathRule::Replay
        );
    }

    #[test]
    fn keep_mine_restores_the_local_side() {
        let diagram = Diagram::from_cells(
            vec![
                json!({ "id": "n1", "label": "theirs" }),
                json!({ "id": "n2" }),
            ],
            0,
        )
        .unwrap();
        let path = Conflict {
            kind: ConflictKind::SamePath,
            cell_id: "n1".into(),
            path: Some("label".into()),
            local: Some(json!("mine")),
            remote: Some(json!("theirs")),
            resolution: Resolution::Unresolved,
        };
        assert_eq!(
            path.keep_mine_changes(&diagram),
            [Change::update(
                "n1",
                "label",
                Some(json!("theirs")),
                Some(json!("mine"))
            )]
        );
        let removed_here = Conflict {
            kind: ConflictKind::UpdatedRemotely,
            cell_id: "n2".into(),
            path: None,
            local: None,
            remote: Some(json!({ "id": "n2" })),
            resolution: Resolution::Unresolved,
        };
        assert_eq!(
            removed_here.keep_mine_changes(&diagram),
            [Change::remove(json!({ "id": "n2" }))]
        );
        let gone_there = Conflict {
            kind: ConflictKind::RemovedRemotely,
            cell_id: "n3".into(),
            path: None,
            local: Some(json!({ "id": "n3" })),
            remote: None,
            resolution: Resolution::Unresolved,
        };
        assert_eq!(
            gone_there.keep_mine_changes(&diagram),
            [Change::add(json!({ "id": "n3" }))]
        );
    }

    #[test]
    fn conflicts_serialize_missing_as_absent() {
        let conflict = Conflict {
            kind: ConflictKind::SamePath,
            cell_id: "n1".into(),
            path: Some("data/note".into()),
            local: Some(Value::Null),
            remote: None,
            resolution: Resolution::KeptLocal,
        };
        let value = serde_json::to_value(&conflict).unwrap();
        assert_eq!(
            value,
            json!({ "kind": "samePath", "cellId": "n1", "path": "data/note", "local": null,
                    "resolution": "keptLocal" })
        );
        assert_eq!(serde_json::from_value::<Conflict>(value).unwrap(), conflict);
    }
}
