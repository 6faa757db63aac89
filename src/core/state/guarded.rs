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
pub(super) fn apply_guarded(diagram: &mut Diagram, change: Change) -> Guarded {
    if let Err(reason) = check(diagram, &change) {
        return Guarded::Skipped(SkippedChange { change, reason });
    }
    let mut applied = change.clone();
    match diagram.apply(&mut applied) {
        Ok(()) => Guarded::Applied(applied),
        Err(_) => Guarded::Skipped(SkippedChange {
            change,
            reason: SkipReason::PathUnreachable,
        }),
    }
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
            } else {
                Ok(())
            }
        }
        Change::Remove { cell } => {
            let id = cell_id(cell).map_err(|_| SkipReason::CellMissing)?;
            match diagram.cell(id) {
                None => Err(SkipReason::CellMissing),
                Some(current) if SharedCell::ptr_eq(current, cell) || current == cell => Ok(()),
                Some(_) => Err(SkipReason::CellChanged),
            }
        }
    }
}
