//! A commit: one committed semantic entry of one diagram, and the rules every store applies
//! to it (the same in IndexedDB and in memory).
//!
//! A commit is based on the version the committing tab last saw. The store writes it only
//! if that is still the stored version; then, in one transaction, it writes the touched
//! cells, deletes the removed ones, appends one op-log record, and bumps the version by
//! one. Otherwise nothing is written and the store answers
//! [`StoreError::StaleVersion`] with the stored version, so the tab can rebase.

use std::collections::HashSet;

use super::error::StoreError;
use super::records::OplogRecord;
use crate::core::clock::Millis;
use crate::core::model::{cell_id, Change, Diagram, SharedCell};

/// One semantic entry to commit, with the final content of every cell it touches.
///
/// ```
/// use diagram_state::core::model::{Change, Diagram};
/// use diagram_state::core::storage::Commit;
/// use serde_json::json;
///
/// let mut diagram = Diagram::from_cells(vec![json!({ "id": "a" })], 4).unwrap();
/// let changes = diagram
///     .apply_all(vec![Change::add(json!({ "id": "b" })), Change::remove(json!({ "id": "a" }))])
///     .unwrap();
/// let commit = Commit::from_diagram("d1", 4, "tab-1", changes, &diagram);
/// assert_eq!(commit.put_cells[0]["id"], "b");
/// assert_eq!(commit.deleted_cells, ["a"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Commit {
    /// The diagram.
    pub diagram_id: String,
    /// The version the changes were made against.
    pub base_version: u64,
    /// The committing tab (recorded in the op log).
    pub tab_id: String,
    /// The changes as applied, recorded in the op log for other tabs.
    pub changes: Vec<Change>,
    /// The final content of every added or updated cell.
    pub put_cells: Vec<SharedCell>,
    /// The ids of the removed cells.
    pub deleted_cells: Vec<String>,
}

impl Commit {
    /// The commit of `changes`, already applied to `diagram`: every cell they touch is
    /// written with its content in `diagram`, or deleted when `diagram` no longer has it.
    pub fn from_diagram(
        diagram_id: &str,
        base_version: u64,
        tab_id: &str,
        changes: Vec<Change>,
        diagram: &Diagram,
    ) -> Self {
        let mut seen = HashSet::new();
        let mut put_cells = Vec::new();
        let mut deleted_cells = Vec::new();
        for id in changes.iter().filter_map(Change::cell_id) {
            if !seen.insert(id) {
                continue;
            }
            match diagram.cell(id) {
                Some(cell) => put_cells.push(SharedCell::clone(cell)),
                None => deleted_cells.push(id.to_owned()),
            }
        }
        Self {
            diagram_id: diagram_id.to_owned(),
            base_version,
            tab_id: tab_id.to_owned(),
            changes,
            put_cells,
            deleted_cells,
        }
    }

    /// The version this commit produces.
    pub fn new_version(&self) -> Result<u64, StoreError> {
        self.base_version
            .checked_add(1)
            .ok_or_else(|| invalid("the base version is already the largest possible".into()))
    }

    /// Checks the commit rules and returns the ids of the written cells, in order: every
    /// written cell has a non-empty string id, no cell is written twice or both written and
    /// deleted, and every cell a change touches is written or deleted.
    pub fn validate(&self) -> Result<Vec<&str>, StoreError> {
        if self.diagram_id.is_empty() {
            return Err(invalid("the diagram id is empty".into()));
        }
        self.new_version()?;
        let mut written = HashSet::with_capacity(self.put_cells.len());
        let mut ids = Vec::with_capacity(self.put_cells.len());
        for (index, cell) in self.put_cells.iter().enumerate() {
            let id =
                cell_id(cell).map_err(|error| invalid(format!("written cell {index}: {error}")))?;
            if !written.insert(id) {
                return Err(invalid(format!("cell '{id}' is written twice")));
            }
            ids.push(id);
        }
        let mut deleted = HashSet::with_capacity(self.deleted_cells.len());
        for id in &self.deleted_cells {
            if id.is_empty() {
                return Err(invalid("a deleted cell id is empty".into()));
            }
            if written.contains(id.as_str()) {
                return Err(invalid(format!("cell '{id}' is both written and deleted")));
            }
            if !deleted.insert(id.as_str()) {
                return Err(invalid(format!("cell '{id}' is deleted twice")));
            }
        }
        if let Some(id) = self
            .changes
            .iter()
            .filter_map(Change::cell_id)
            .find(|id| !written.contains(id) && !deleted.contains(id))
        {
            return Err(invalid(format!(
                "a change touches cell '{id}' but the commit neither writes nor deletes it"
            )));
        }
        Ok(ids)
    }

    /// The op-log record of this commit, committed at `now`.
    pub fn oplog_record(&self, now: Millis) -> Result<OplogRecord, StoreError> {
        Ok(OplogRecord {
            diagram_id: self.diagram_id.clone(),
            version: self.new_version()?,
            tab_id: self.tab_id.clone(),
            committed_at: now,
            changes: self.changes.clone(),
        })
    }
}

fn invalid(reason: String) -> StoreError {
    StoreError::InvalidCommit { reason }
}

/// The stale check: a commit based on `base` may be written only when `stored == base`.
pub fn check_base(stored: u64, base: u64) -> Result<(), StoreError> {
    if stored == base {
        Ok(())
    } else {
        Err(StoreError::StaleVersion { base, stored })
    }
}

/// The order keys of written cells: a cell that is already stored keeps its key, a new one
/// gets the next key of the diagram (so it comes after every existing cell).
pub fn assign_orders(
    existing: impl IntoIterator<Item = Option<u64>>,
    next_order: &mut u64,
) -> Vec<u64> {
    existing
        .into_iter()
        .map(|order| {
            order.unwrap_or_else(|| {
                let order = *next_order;
                *next_order = next_order.saturating_add(1);
                order
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn commit(put: Vec<serde_json::Value>, deleted: &[&str], changes: Vec<Change>) -> Commit {
        Commit {
            diagram_id: "d".into(),
            base_version: 1,
            tab_id: "t".into(),
            changes,
            put_cells: put.into_iter().map(SharedCell::new).collect(),
            deleted_cells: deleted.iter().map(|id| (*id).to_owned()).collect(),
        }
    }

    #[test]
    fn the_rules_refuse_ambiguous_commits() {
        let reason = |commit: Commit| match commit.validate() {
            Err(StoreError::InvalidCommit { reason }) => reason,
            other => panic!("expected an invalid commit, got {other:?}"),
        };
        assert!(reason(commit(
            vec![json!({ "id": "a" }), json!({ "id": "a" })],
            &[],
            vec![]
        ))
        .contains("written twice"));
        assert!(reason(commit(vec![json!({ "id": "a" })], &["a"], vec![]))
            .contains("both written and deleted"));
        assert!(reason(commit(vec![json!({ "x": 1 })], &[], vec![])).contains("written cell 0"));
        let untouched = vec![Change::update("b", "position/x", None, Some(json!(1)))];
        assert!(reason(commit(vec![json!({ "id": "a" })], &[], untouched)).contains("'b'"));
        let ok = commit(vec![json!({ "id": "a" })], &["b"], vec![]);
        assert_eq!(ok.validate().unwrap(), ["a"]);
    }

    #[test]
    fn only_the_stored_base_may_commit() {
        assert!(check_base(3, 3).is_ok());
        assert_eq!(
            check_base(5, 3),
            Err(StoreError::StaleVersion { base: 3, stored: 5 })
        );
    }

    #[test]
    fn existing_cells_keep_their_order_and_new_ones_go_last() {
        let mut next = 10;
        assert_eq!(assign_orders([Some(2), None, None], &mut next), [2, 10, 11]);
        assert_eq!(next, 12);
    }
}
