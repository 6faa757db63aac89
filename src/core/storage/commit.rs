//! A commit: one committed set of changes of one diagram, and the rules every store applies
//! to it (the same in IndexedDB and in memory).
//!
//! A commit is based on the version the committing tab last integrated. The store writes
//! it only if that is still the stored version; then, in one transaction, it reads the
//! stored cells the changes touch, applies the changes to them leaf by leaf, writes the
//! results (or deletes the removed cells), appends one op-log record carrying the next
//! link of the hash chain, and bumps the version by one. A cell is never written as a
//! whole copy of what the committing tab holds: a tab that is out of step with the store
//! (it missed or invented something) cannot overwrite what it never saw.
//!
//! A stale base is refused with [`StoreError::StaleVersion`] (rebase and commit again);
//! changes that do not fit the stored cells (an update of a path whose stored value is
//! not the one the tab changed, a cell that is or is not there) with
//! [`StoreError::OutOfStep`] (reload the diagram). Nothing is written then.

use std::collections::HashSet;

use serde_json::Value;

use super::chain::ChainHash;
use super::error::StoreError;
use super::records::{CellRecord, OplogRecord};
use crate::core::clock::Millis;
use crate::core::model::{cell_id, Change, Diagram, ModelError, SharedCell};
use crate::core::sync::Override;

/// One set of changes to commit, made on top of `base_version`.
///
/// ```
/// use diagram_state::core::model::Change;
/// use diagram_state::core::storage::Commit;
/// use serde_json::json;
///
/// let changes = vec![Change::add(json!({ "id": "b" })), Change::update("a", "data/x", None, Some(json!(1)))];
/// let commit = Commit::new("d1", 4, "tab-1", changes);
/// assert_eq!(commit.touched(), ["b", "a"]);
/// assert_eq!(commit.new_version().unwrap(), 5);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// The diagram.
    pub diagram_id: String,
    /// The version the changes were made against.
    pub base_version: u64,
    /// The committing tab (recorded in the op log).
    pub tab_id: String,
    /// The changes as the tab applied them, in order: recorded in the op log for other tabs
    /// and applied to the stored cells.
    pub changes: Vec<Change>,
    /// The values of other tabs these changes replaced (recorded in the op log, so those
    /// tabs are told).
    pub overrides: Vec<Override>,
}

/// What the store answers to a commit it wrote: the new version and its link of the hash
/// chain (for the `commit` message).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// The version the commit produced.
    pub version: u64,
    /// Its hash: `H(the previous head, version, tabId, changes)`.
    pub hash: ChainHash,
}

/// One write of a commit to the `cells` store.
#[derive(Debug, Clone, PartialEq)]
pub enum CellWrite {
    /// Store this record under this cell id.
    Put {
        /// The cell id.
        id: String,
        /// The record: the stored order key (or a new one) and the cell with the changes.
        record: CellRecord,
    },
    /// Delete the record of this cell id.
    Delete {
        /// The cell id.
        id: String,
    },
}

impl Commit {
    /// A commit of `changes` by `tab_id` on top of `base_version`.
    pub fn new(diagram_id: &str, base_version: u64, tab_id: &str, changes: Vec<Change>) -> Self {
        Self {
            diagram_id: diagram_id.to_owned(),
            base_version,
            tab_id: tab_id.to_owned(),
            changes,
            overrides: Vec::new(),
        }
    }

    /// The same commit, recording that it replaced these values of other tabs.
    pub fn overriding(self, overrides: Vec<Override>) -> Self {
        Self { overrides, ..self }
    }

    /// The hash this commit gets when it follows `head`.
    pub fn link(&self, head: ChainHash) -> Result<ChainHash, StoreError> {
        Ok(head.next(
            self.new_version()?,
            &self.tab_id,
            &self.changes,
            &self.overrides,
        ))
    }

    /// The version this commit produces.
    pub fn new_version(&self) -> Result<u64, StoreError> {
        self.base_version
            .checked_add(1)
            .ok_or_else(|| invalid("the base version is already the largest possible".into()))
    }

    /// Checks what can be checked without the store: a diagram id, a version left to
    /// produce, and a cell id in every change.
    pub fn validate(&self) -> Result<(), StoreError> {
        if self.diagram_id.is_empty() {
            return Err(invalid("the diagram id is empty".into()));
        }
        self.new_version()?;
        for (index, change) in self.changes.iter().enumerate() {
            match change.cell_id() {
                Some(id) if !id.is_empty() => {}
                _ => return Err(invalid(format!("change {index} names no cell"))),
            }
        }
        Ok(())
    }

    /// The ids of the cells the changes touch, each once, in the order first touched: the
    /// stored cells to read.
    pub fn touched(&self) -> Vec<&str> {
        let mut seen = HashSet::new();
        self.changes
            .iter()
            .filter_map(Change::cell_id)
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// Applies the changes to the stored records of the touched cells (`stored`, in the
    /// order of [`Commit::touched`]; `None` where no record is stored) and returns what to
    /// write. A cell that is already stored keeps its order key; a new one gets
    /// `next_order`, which moves on. Fails with `OUT_OF_STEP` on the first change that does
    /// not fit: an update whose `before` is not the stored value (or whose cell is gone), a
    /// removal of a cell that is not stored exactly as the change carries it, an addition
    /// of a cell that is stored already.
    pub fn writes(
        &self,
        stored: Vec<Option<CellRecord>>,
        next_order: &mut u64,
    ) -> Result<Vec<CellWrite>, StoreError> {
        let touched = self.touched();
        let orders: Vec<Option<u64>> = stored
            .iter()
            .map(|record| record.as_ref().map(|record| record.order))
            .collect();
        let cells = stored
            .into_iter()
            .flatten()
            .map(|record| SharedCell::unwrap_or_clone(record.cell))
            .collect();
        let mut cells = Diagram::from_cells(cells, self.base_version)
            .map_err(|error| out_of_step(format!("a stored cell is unusable: {error}")))?;
        for change in &self.changes {
            fits(&cells, change)?;
            cells
                .apply(&mut change.clone())
                .map_err(|error| out_of_step(describe(change, &error)))?;
        }
        Ok(touched
            .into_iter()
            .zip(orders)
            .map(|(id, order)| match cells.cell(id) {
                Some(cell) => CellWrite::Put {
                    id: id.to_owned(),
                    record: CellRecord {
                        order: order.unwrap_or_else(|| {
                            let order = *next_order;
                            *next_order = next_order.saturating_add(1);
                            order
                        }),
                        cell: SharedCell::clone(cell),
                    },
                },
                None => CellWrite::Delete { id: id.to_owned() },
            })
            .collect())
    }

    /// The op-log record of this commit, committed at `now` as link `hash` of the chain.
    pub fn oplog_record(&self, now: Millis, hash: ChainHash) -> Result<OplogRecord, StoreError> {
        Ok(OplogRecord {
            diagram_id: self.diagram_id.clone(),
            version: self.new_version()?,
            tab_id: self.tab_id.clone(),
            committed_at: now,
            changes: self.changes.clone(),
            hash: Some(hash),
            overrides: self.overrides.clone(),
        })
    }
}

/// Whether `change` was made on what `cells` hold: an update's `before` is the stored
/// value, a removed cell is the stored one.
fn fits(cells: &Diagram, change: &Change) -> Result<(), StoreError> {
    match change {
        Change::Update {
            id, path, before, ..
        } => {
            let stored = cells
                .get(id, path)
                .map_err(|error| out_of_step(describe(change, &error)))?;
            if stored != before.as_ref() {
                return Err(out_of_step(format!(
                    "`{path}` of cell '{id}' is stored as {}, not {} as the change says",
                    shown(stored),
                    shown(before.as_ref())
                )));
            }
        }
        Change::Remove { cell } => {
            let id = cell_id(cell).unwrap_or_default();
            if let Some(stored) = cells.cell(id) {
                if stored != cell {
                    return Err(out_of_step(format!(
                        "cell '{id}' is stored with other contents than the removal carries"
                    )));
                }
            }
        }
        Change::Add { .. } => {}
    }
    Ok(())
}

fn describe(change: &Change, error: &ModelError) -> String {
    let id = change.cell_id().unwrap_or_default();
    match (change, error) {
        (Change::Add { .. }, ModelError::DuplicateCell(_)) => {
            format!("cell '{id}' is added but already stored")
        }
        (_, ModelError::CellNotFound(_)) => format!("cell '{id}' is not stored"),
        _ => format!("a change of cell '{id}' does not apply: {error}"),
    }
}

fn shown(value: Option<&Value>) -> String {
    value.map_or_else(|| "missing".to_owned(), Value::to_string)
}

fn invalid(reason: String) -> StoreError {
    StoreError::InvalidCommit { reason }
}

fn out_of_step(detail: String) -> StoreError {
    StoreError::OutOfStep { detail }
}

/// The stale check: a commit based on `base` may be written only when `stored == base`.
pub fn check_base(stored: u64, base: u64) -> Result<(), StoreError> {
    if stored == base {
        Ok(())
    } else {
        Err(StoreError::StaleVersion { base, stored })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stored(cell: Value, order: u64) -> Option<CellRecord> {
        Some(CellRecord {
            order,
            cell: SharedCell::new(cell),
        })
    }

    #[test]
    fn changes_apply_leaf_by_leaf_to_the_stored_cells() {
        let commit = Commit::new(
            "d",
            1,
            "t",
            vec![
                Change::update("a", "position/x", Some(json!(1)), Some(json!(5))),
                Change::add(json!({ "id": "c" })),
                Change::remove(json!({ "id": "b" })),
            ],
        );
        // The stored `a` has a label the tab never saw: it survives.
        let a = json!({ "id": "a", "position": { "x": 1 }, "label": "stored" });
        let mut next = 7;
        let writes = commit
            .writes(
                vec![stored(a, 3), None, stored(json!({ "id": "b" }), 4)],
                &mut next,
            )
            .unwrap();
        assert_eq!(
            writes,
            [
                CellWrite::Put {
                    id: "a".into(),
                    record: CellRecord {
                        order: 3,
                        cell: SharedCell::new(
                            json!({ "id": "a", "position": { "x": 5 }, "label": "stored" })
                        ),
                    },
                },
                CellWrite::Put {
                    id: "c".into(),
                    record: CellRecord {
                        order: 7,
                        cell: SharedCell::new(json!({ "id": "c" })),
                    },
                },
                CellWrite::Delete { id: "b".into() },
            ]
        );
        assert_eq!(next, 8);
    }

    #[test]
    fn changes_that_do_not_fit_the_stored_cells_are_out_of_step() {
        let detail = |changes: Vec<Change>, cells: Vec<Option<CellRecord>>| match Commit::new(
            "d", 1, "t", changes,
        )
        .writes(cells, &mut 0)
        {
            Err(StoreError::OutOfStep { detail }) => detail,
            other => panic!("expected OUT_OF_STEP, got {other:?}"),
        };
        let a = || stored(json!({ "id": "a", "label": "stored" }), 0);
        let stale = Change::update("a", "label", Some(json!("seen")), Some(json!("new")));
        assert!(detail(vec![stale], vec![a()]).contains("stored as \"stored\", not \"seen\""));
        let gone = Change::update("a", "label", None, Some(json!("x")));
        assert!(detail(vec![gone], vec![None]).contains("'a' is not stored"));
        assert!(
            detail(vec![Change::add(json!({ "id": "a" }))], vec![a()]).contains("already stored")
        );
        assert!(
            detail(vec![Change::remove(json!({ "id": "a" }))], vec![a()])
                .contains("other contents")
        );
        assert!(
            detail(vec![Change::remove(json!({ "id": "a" }))], vec![None]).contains("not stored")
        );
    }

    #[test]
    fn a_commit_needs_a_diagram_and_cells_to_name() {
        assert!(Commit::new("", 0, "t", vec![]).validate().is_err());
        assert!(Commit::new("d", u64::MAX, "t", vec![]).validate().is_err());
        let nameless = Change::add(json!({ "shape": "rect" }));
        assert!(Commit::new("d", 0, "t", vec![nameless]).validate().is_err());
        assert!(Commit::new("d", 0, "t", vec![]).validate().is_ok());
    }

    #[test]
    fn only_the_stored_base_may_commit() {
        assert!(check_base(3, 3).is_ok());
        assert_eq!(
            check_base(5, 3),
            Err(StoreError::StaleVersion { base: 3, stored: 5 })
        );
    }
}
