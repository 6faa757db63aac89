//! Resolving a version conflict without losing anyone's work: a three-way merge of the
//! server's copy into the diagram, with the unsaved changes (those made since the base the
//! server's copy is compared with) telling which side changed what.
//!
//! For every difference between the diagram and the server's copy:
//! - a path only this side changed since the base (the server still holds the base value)
//!   keeps this side's value, and stays unsaved;
//! - a cell only this side added stays, and a cell only this side removed stays removed
//!   (when the server's copy of it is the one this side removed);
//! - a path or cell both sides changed goes to the [`Prefer`]red side ("load theirs": the
//!   server, "keep mine": this side), and the merge reports both values as an
//!   [`Overridden`] entry when the server's value wins;
//! - anything else (only the server changed it) takes the server's value.
//!
//! So a server copy that is *older* than what this side holds (the answer of a save made on
//! a stale base) never reverts an edit that this side made and the server lacks, and "keep
//! mine" never reverts another client's edit of something this side did not change.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use serde_json::Value;

use crate::core::model::{cell_id, diff_change_event, Change, Diagram, SharedCell};
use crate::core::sync::cell_diff::diagram_changes;

/// A value of this side that the server's copy replaced in a "Load theirs".
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Overridden {
    /// The cell.
    pub cell_id: String,
    /// The path inside the cell; absent when the whole cell was at stake.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// This side's value (absent: missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local: Option<Value>,
    /// The server's value, now in the diagram (absent: missing).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server: Option<Value>,
}

/// Which side wins where both changed the same path or cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// "Load theirs": the server's value.
    Server,
    /// "Keep mine": this side's value.
    Local,
}

/// What merging the server's copy into the diagram takes and keeps.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerMerge {
    /// What to apply to the diagram (origin `remote`): the server's side of every
    /// difference not kept.
    pub apply: Vec<Change>,
    /// This side's changes kept over the server's copy, as changes of the server's copy:
    /// what the next save must carry.
    pub kept: Vec<Change>,
    /// This side's values the server's copy replaced.
    pub overridden: Vec<Overridden>,
}

/// What the unsaved changes did, per cell and path, since the base.
///
/// The list may hold more than the changes since the base (changes already saved, e.g. by
/// another tab, are kept until this tab saves), never less. So the server's copy counts as
/// having changed a path only when it holds a value this side's history of the path never
/// passed through: a server copy that merely lags behind this side is not a change of
/// theirs.
#[derive(Default)]
struct Unsaved<'a> {
    added: HashSet<&'a str>,
    removed: HashMap<&'a str, &'a Value>,
    /// Every value each updated path passed through (`before` and `after` of its updates).
    history: HashMap<(&'a str, &'a str), Vec<Option<&'a Value>>>,
}

impl<'a> Unsaved<'a> {
    fn new(changes: &'a [Change]) -> Self {
        let mut unsaved = Self::default();
        for change in changes {
            match change {
                Change::Add { cell } => {
                    if let Ok(id) = cell_id(cell) {
                        unsaved.added.insert(id);
                    }
                }
                Change::Remove { cell } => {
                    if let Ok(id) = cell_id(cell) {
                        unsaved.removed.entry(id).or_insert(&**cell);
                    }
                }
                Change::Update {
                    id,
                    path,
                    before,
                    after,
                } => {
                    let values = unsaved.history.entry((&**id, &**path)).or_default();
                    values.extend([before.as_ref(), after.as_ref()]);
                }
            }
        }
        unsaved
    }

    /// Whether `path` of cell `id` held `value` at some point of this side's history.
    fn passed(&self, id: &str, path: &str, value: Option<&Value>) -> bool {
        self.history
            .get(&(id, path))
            .is_some_and(|values| values.contains(&value))
    }

    /// Whether the server's copy of a cell this side removed differs from it only where
    /// this side's own history explains the difference (the server lags behind).
    fn removed_as_the_server_has_it(&self, id: &str, server_cell: &Value) -> Option<bool> {
        let removed = self.removed.get(id)?;
        let (Some(mine), Some(theirs)) = (removed.as_object(), server_cell.as_object()) else {
            return Some(*removed == server_cell);
        };
        let keys: HashSet<&String> = mine.keys().chain(theirs.keys()).collect();
        Some(keys.into_iter().all(|key| {
            diff_change_event(id, key, mine.get(key), theirs.get(key)).is_ok_and(|changes| {
                changes.iter().all(|change| match change {
                    Change::Update { path, after, .. } => self.passed(id, path, after.as_ref()),
                    _ => false,
                })
            })
        }))
    }

    fn touched(&self, id: &str) -> bool {
        self.added.contains(id)
            || self.removed.contains_key(id)
            || self.history.keys().any(|(cell, _)| *cell == id)
    }
}

/// Merges `server` (the server's copy) into `local` (the diagram as this side holds it),
/// given `unsaved`, the changes this side made since the base, oldest first; `prefer`
/// settles what both sides changed.
pub fn merge_server_copy(
    local: &Diagram,
    server: &Diagram,
    unsaved: &[Change],
    prefer: Prefer,
) -> ServerMerge {
    let unsaved = Unsaved::new(unsaved);
    let mut merge = ServerMerge::default();
    // Both sides changed it: this side's value stays when preferred.
    let both = |merge: &mut ServerMerge, change: Change, overridden: Overridden| match prefer {
        Prefer::Local => merge.kept.push(change.inverse()),
        Prefer::Server => {
            merge.overridden.push(overridden);
            merge.apply.push(change);
        }
    };
    for change in diagram_changes(local, server) {
        match &change {
            Change::Update {
                id,
                path,
                before,
                after,
            } => match unsaved.history.get(&(&**id, &**path)) {
                Some(_)
                    if unsaved.passed(id, path, after.as_ref())
                        && !unsaved.added.contains(&**id) =>
                {
                    merge.kept.push(change.inverse());
                }
                Some(_) => {
                    let overridden = Overridden {
                        cell_id: id.to_string(),
                        path: Some(path.to_string()),
                        local: before.clone(),
                        server: after.clone(),
                    };
                    both(&mut merge, change, overridden);
                }
                None => merge.apply.push(change),
            },
            Change::Remove { cell } => {
                let id = cell_id(cell).unwrap_or_default();
                if unsaved.added.contains(id) {
                    merge.kept.push(change.inverse());
                } else if unsaved.touched(id) {
                    let overridden = Overridden {
                        cell_id: id.to_owned(),
                        path: None,
                        local: Some((**cell).clone()),
                        server: None,
                    };
                    both(&mut merge, change, overridden);
                } else {
                    merge.apply.push(change);
                }
            }
            Change::Add { cell } => {
                let id = cell_id(cell).unwrap_or_default();
                match unsaved.removed_as_the_server_has_it(id, cell) {
                    Some(true) => merge.kept.push(change.inverse()),
                    Some(_) => {
                        let overridden = Overridden {
                            cell_id: id.to_owned(),
                            path: None,
                            local: None,
                            server: Some((**cell).clone()),
                        };
                        both(&mut merge, change, overridden);
                    }
                    None => merge.apply.push(change),
                }
            }
        }
    }
    drop_dangling_edges(local, server, &mut merge);
    merge
}

/// An edge never outlives the cells it connects: an edge left without one of its nodes by
/// the merge (the server removed a node this side connected, or this side removed one the
/// server connected) is dropped, and reported.
fn drop_dangling_edges(local: &Diagram, server: &Diagram, merge: &mut ServerMerge) {
    let mut merged = local.clone();
    if merged.apply_all(merge.apply.clone()).is_err() {
        return; // applying will fail the same way and report it
    }
    let dangling: Vec<SharedCell> = merged
        .cells()
        .filter(|cell| !merged.has_terminals(cell))
        .cloned()
        .collect();
    for edge in dangling {
        let id = cell_id(&edge).unwrap_or_default().to_owned();
        let id = id.as_str();
        let touches = |change: &Change| change.cell_id() == Some(id);
        let from_server = merge
            .apply
            .iter()
            .any(|change| matches!(change, Change::Add { .. }) && touches(change));
        if from_server {
            merge.apply.retain(|change| !touches(change));
        } else {
            merge.kept.retain(|change| !touches(change));
            merge.apply.push(Change::Remove { cell: edge });
        }
        merge.overridden.push(Overridden {
            cell_id: id.to_owned(),
            path: None,
            local: local.cell(id).map(|cell| (**cell).clone()),
            server: server.cell(id).map(|cell| (**cell).clone()),
        });
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn node(id: &str, label: &str) -> Value {
        json!({ "id": id, "shape": "rect", "attrs": { "text": { "text": label } } })
    }

    fn diagram(cells: Vec<Value>) -> Diagram {
        Diagram::from_cells(cells, 0).unwrap()
    }

    fn rename(id: &str, from: &str, to: &str) -> Change {
        Change::update(id, "attrs/text/text", Some(json!(from)), Some(json!(to)))
    }

    #[test]
    fn an_older_server_copy_never_reverts_an_unsaved_edit() {
        // This side renamed x; the server's copy (saved by another tab on a stale base)
        // has y renamed and x as it was at the base.
        let local = diagram(vec![node("x", "mine"), node("y", "theirs")]);
        let server = diagram(vec![node("x", "base"), node("y", "theirs")]);
        let merge = merge_server_copy(
            &local,
            &server,
            &[rename("x", "base", "mine")],
            Prefer::Server,
        );
        assert!(merge.apply.is_empty(), "{:?}", merge.apply);
        assert_eq!(merge.kept, [rename("x", "base", "mine")]);
        assert!(merge.overridden.is_empty());
    }

    #[test]
    fn the_servers_newer_edits_come_in_and_a_path_both_changed_takes_theirs() {
        let local = diagram(vec![
            node("x", "mine"),
            node("y", "base"),
            node("z", "mine"),
        ]);
        let server = diagram(vec![
            node("x", "base"),
            node("y", "new"),
            node("z", "server"),
        ]);
        let unsaved = [rename("x", "base", "mine"), rename("z", "base", "mine")];
        let merge = merge_server_copy(&local, &server, &unsaved, Prefer::Server);
        assert_eq!(
            merge.apply,
            [rename("y", "base", "new"), rename("z", "mine", "server")]
        );
        assert_eq!(merge.kept, [rename("x", "base", "mine")]);
        assert_eq!(
            merge.overridden,
            [Overridden {
                cell_id: "z".into(),
                path: Some("attrs/text/text".into()),
                local: Some(json!("mine")),
                server: Some(json!("server")),
            }]
        );
    }

    #[test]
    fn keep_mine_keeps_what_both_changed_and_still_takes_their_other_edits() {
        let local = diagram(vec![
            node("x", "mine"),
            node("y", "base"),
            node("z", "mine"),
        ]);
        let server = diagram(vec![
            node("x", "base"),
            node("y", "new"),
            node("z", "server"),
        ]);
        let unsaved = [rename("x", "base", "mine"), rename("z", "base", "mine")];
        let merge = merge_server_copy(&local, &server, &unsaved, Prefer::Local);
        assert_eq!(merge.apply, [rename("y", "base", "new")]);
        assert_eq!(
            merge.kept,
            [rename("x", "base", "mine"), rename("z", "server", "mine")]
        );
        assert!(merge.overridden.is_empty());
    }

    #[test]
    fn cells_added_or_removed_only_here_stay_that_way() {
        let gone = node("gone", "g");
        let local = diagram(vec![node("new", "n"), node("kept", "k")]);
        let server = diagram(vec![gone.clone(), node("kept", "k"), node("theirs", "t")]);
        let unsaved = [Change::add(node("new", "n")), Change::remove(gone.clone())];
        let merge = merge_server_copy(&local, &server, &unsaved, Prefer::Server);
        assert_eq!(merge.apply, [Change::add(node("theirs", "t"))]);
        assert_eq!(merge.kept.len(), 2);
        assert!(merge.kept.contains(&Change::add(node("new", "n"))));
        assert!(merge.kept.contains(&Change::remove(gone)));
    }

    #[test]
    fn a_cell_removed_here_after_moving_it_stays_removed_against_an_older_server_copy() {
        let moved = json!({ "id": "x", "shape": "rect", "position": { "x": 9 } });
        let at_base = json!({ "id": "x", "shape": "rect", "position": { "x": 0 } });
        let local = diagram(vec![]);
        let server = diagram(vec![at_base]);
        let unsaved = [
            Change::update("x", "position/x", Some(json!(0)), Some(json!(9))),
            Change::remove(moved),
        ];
        let merge = merge_server_copy(&local, &server, &unsaved, Prefer::Server);
        assert!(merge.apply.is_empty(), "{:?}", merge.apply);
        assert!(merge.overridden.is_empty());
    }

    #[test]
    fn a_server_copy_that_lags_behind_is_no_change_of_theirs() {
        // The server has this side's first rename (saved), not its second (unsaved); the
        // list of unsaved changes still holds both.
        let local = diagram(vec![node("x", "v2")]);
        let server = diagram(vec![node("x", "v1")]);
        let unsaved = [rename("x", "v0", "v1"), rename("x", "v1", "v2")];
        for prefer in [Prefer::Server, Prefer::Local] {
            let merge = merge_server_copy(&local, &server, &unsaved, prefer);
            assert!(merge.apply.is_empty(), "{prefer:?}: {:?}", merge.apply);
            assert_eq!(merge.kept, [rename("x", "v1", "v2")]);
        }
    }

    #[test]
    fn a_cell_removed_here_stays_removed_when_the_server_has_an_earlier_state_of_it() {
        let at_base = json!({ "id": "x", "shape": "rect", "position": { "x": 0 } });
        let saved = json!({ "id": "x", "shape": "rect", "position": { "x": 5 } });
        let removed = json!({ "id": "x", "shape": "rect", "position": { "x": 9 } });
        let unsaved = [
            Change::update("x", "position/x", Some(json!(0)), Some(json!(5))),
            Change::update("x", "position/x", Some(json!(5)), Some(json!(9))),
            Change::remove(removed),
        ];
        for server_cell in [at_base, saved] {
            let server = diagram(vec![server_cell]);
            let merge = merge_server_copy(&diagram(vec![]), &server, &unsaved, Prefer::Server);
            assert!(merge.apply.is_empty(), "{:?}", merge.apply);
        }
    }

    #[test]
    fn an_edge_to_a_node_the_server_removed_is_dropped_and_reported() {
        let edge = json!({ "id": "e", "shape": "edge", "source": { "cell": "a" }, "target": { "cell": "b" } });
        let local = diagram(vec![node("a", "a"), node("b", "b"), edge.clone()]);
        let server = diagram(vec![node("a", "a")]);
        let merge = merge_server_copy(
            &local,
            &server,
            &[Change::add(edge.clone())],
            Prefer::Server,
        );
        let mut merged = local.clone();
        merged.apply_all(merge.apply.clone()).unwrap();
        assert!(merged.cells().all(|cell| merged.has_terminals(cell)));
        assert!(merged.cell("e").is_none() && merged.cell("b").is_none());
        assert!(merge.kept.is_empty(), "{:?}", merge.kept);
        assert!(merge.overridden.iter().any(|o| o.cell_id == "e"));
    }

    #[test]
    fn a_cell_the_server_removed_goes_and_an_edit_of_it_is_reported() {
        let local = diagram(vec![node("x", "mine")]);
        let server = diagram(vec![]);
        let merge = merge_server_copy(
            &local,
            &server,
            &[rename("x", "base", "mine")],
            Prefer::Server,
        );
        assert_eq!(merge.apply, [Change::remove(node("x", "mine"))]);
        assert_eq!(merge.overridden.len(), 1);
        assert_eq!(merge.overridden[0].server, None);
    }

    #[test]
    fn with_nothing_unsaved_it_is_the_servers_copy() {
        let local = diagram(vec![node("x", "a")]);
        let server = diagram(vec![node("x", "b"), node("y", "c")]);
        let merge = merge_server_copy(&local, &server, &[], Prefer::Server);
        let mut merged = local.clone();
        merged.apply_all(merge.apply).unwrap();
        assert_eq!(
            merged.cells().collect::<Vec<_>>(),
            server.cells().collect::<Vec<_>>()
        );
        assert!(merge.kept.is_empty() && merge.overridden.is_empty());
    }
}
