//! Applying a history change only if the diagram still holds what the history left there.

use crate::core::model::{cell_id, Change, Diagram, SharedCell};

use super::outcome::{SkipReason, SkippedChange};

/// What [`apply_guarded`] did with a change.
pub(super) enum Guarded {
    /// Applied; the change as applied.
    Applied(Change),
    /// Not applied, and why.
    Skipped(SkippedChange),
}

/// Applies `change` if the diagram still holds its "before" side: an update's `before` at
/// its path, no cell for an add, the very same cell for a remove. The diagram's version is
/// not touched.
///
/// An edge never outlives the cells it connects (X6 cannot draw one that does): a cell
/// that still has an edge attached is not removed, and an edge whose source or target
/// cell is gone is not added or reconnected. An entry removes a node's edges before the
/// node and adds them after it (as X6 reports them), so its own edges never stand in the
/// way; only edges connected since do.
pub(super) fn apply_guarded(diagram: &mut Diagram, change: Change) -> Guarded {
    if let Err(reason) = check(diagram, &change) {
        return Guarded::Skipped(SkippedChange { change, reason });
    }
    let mut applied = change.clone();
    if diagram.apply(&mut applied).is_err() {
        return Guarded::Skipped(SkippedChange {
            change,
            reason: SkipReason::PathUnreachable,
        });
    }
    if let Change::Update { id, .. } = &applied {
        if diagram
            .cell(id)
            .is_some_and(|cell| !diagram.has_terminals(cell))
        {
            // Reconnected to a cell that is gone: put it back as it was.
            let mut revert = applied.clone().inverse();
            if diagram.apply(&mut revert).is_ok() {
                return Guarded::Skipped(SkippedChange {
                    change,
                    reason: SkipReason::TerminalMissing,
                });
            }
        }
    }
    Guarded::Applied(applied)
}

fn check(diagram: &Diagram, change: &Change) -> Result<(), SkipReason> {
    match change {
        Change::Update {
            id, path, before, ..
        } => {
            if !diagram.contains(id) {
                return Err(SkipReason::CellMissing);
            }
            let current = diagram
                .get(id, path)
                .map_err(|_| SkipReason::PathUnreachable)?;
            if current == before.as_ref() {
                Ok(())
            } else {
                Err(SkipReason::ValueChanged {
                    current: current.cloned(),
                })
            }
        }
        Change::Add { cell } => {
            let id = cell_id(cell).map_err(|_| SkipReason::CellMissing)?;
            if diagram.contains(id) {
                Err(SkipReason::CellExists)
            } else if !diagram.has_terminals(cell) {
                Err(SkipReason::TerminalMissing)
            } else {
                Ok(())
            }
        }
        Change::Remove { cell } => {
            let id = cell_id(cell).map_err(|_| SkipReason::CellMissing)?;
            match diagram.cell(id) {
                None => Err(SkipReason::CellMissing),
                Some(current) if SharedCell::ptr_eq(current, cell) || current == cell => {
                    if diagram.attached_to(id).next().is_some() {
                        Err(SkipReason::CellConnected)
                    } else {
                        Ok(())
                    }
                }
                Some(_) => Err(SkipReason::CellChanged),
            }
        }
    }
}
