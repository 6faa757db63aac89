//! Applying many changes to a diagram one by one, with a way back: the all-or-nothing
//! guarantee of an integration that decides change by change.

use crate::core::model::{Change, Diagram, ModelError};

/// Changes applied to a diagram so far, so they can be taken back together.
pub(crate) struct Journal<'a> {
    diagram: &'a mut Diagram,
    applied: Vec<Change>,
}

impl<'a> Journal<'a> {
    /// Starts recording changes applied to `diagram`.
    pub(crate) fn new(diagram: &'a mut Diagram) -> Self {
        Self {
            diagram,
            applied: Vec::new(),
        }
    }

    /// The diagram as it is now.
    pub(crate) fn diagram(&self) -> &Diagram {
        self.diagram
    }

    /// Applies one change and returns it as applied; a refused change leaves the diagram
    /// unchanged. The version is not touched.
    pub(crate) fn apply(&mut self, mut change: Change) -> Result<Change, ModelError> {
        self.diagram.apply(&mut change)?;
        self.applied.push(change.clone());
        Ok(change)
    }

    /// Whether anything was applied.
    pub(crate) fn changed(&self) -> bool {
        !self.applied.is_empty()
    }

    /// Takes back everything applied, newest first.
    pub(crate) fn rollback(self) {
        for change in self.applied.into_iter().rev() {
            // The exact inverse of a change just applied always applies.
            let reverted = self.diagram.apply(&mut change.inverse());
            debug_assert!(reverted.is_ok(), "rolling back failed: {reverted:?}");
        }
    }
}
