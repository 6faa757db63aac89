//! The diagram state: construction, loading, settings, collaboration mode and accessors.

use serde_json::Value;

use super::error::StateError;
use crate::core::clock::Clock;
use crate::core::filter::VisualFilter;
use crate::core::history::{History, HistoryConfig, HistoryState};
use crate::core::model::{Change, Diagram};
use crate::core::sync::cell_diff::diagram_changes;

/// One diagram as the editor edits it: the semantic [`Diagram`], the [`VisualFilter`]
/// that keeps visual-only changes out of it, and its [`History`].
///
/// The editor reports X6 events with [`DiagramState::handle_event`] (and changes from other
/// tabs or collaborators with [`DiagramState::apply_changes`]); visual-only parts are
/// dropped, the rest is applied to the diagram and recorded according to its origin.
/// [`DiagramState::undo`] and [`DiagramState::redo`] apply the step to the diagram
/// themselves and return its changes for the editor to apply to X6 with origin `history`;
/// events reported back with that origin are ignored, so a step is never applied twice nor
/// recorded.
pub struct DiagramState {
    pub(super) diagram: Diagram,
    pub(super) filter: VisualFilter,
    pub(super) history: History,
    pub(super) clock: Box<dyn Clock>,
}

impl std::fmt::Debug for DiagramState {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("DiagramState")
            .field("diagram", &self.diagram)
            .field("filter", &self.filter)
            .field("history", &self.history)
            .finish_non_exhaustive()
    }
}

impl DiagramState {
    /// An empty diagram with TMI-UX's visual rules and the default history settings.
    /// `clock` gives the time in milliseconds (`Date.now()` in the browser).
    pub fn new(clock: impl Clock + 'static) -> Self {
        Self::with_settings(clock, VisualFilter::default(), HistoryConfig::default())
    }

    /// An empty diagram with the given filter and history settings.
    pub fn with_settings(
        clock: impl Clock + 'static,
        filter: VisualFilter,
        config: HistoryConfig,
    ) -> Self {
        Self {
            diagram: Diagram::new(),
            filter,
            history: History::new(config),
            clock: Box::new(clock),
        }
    }

    /// Replaces the diagram with `cells` at `version` (the initial load, or a resync). The
    /// history is cleared and its last kind becomes `DIAGRAM_LOAD`, which is never undoable.
    /// On a malformed cell or duplicate id nothing changes.
    pub fn load(&mut self, cells: Vec<Value>, version: u64) -> Result<HistoryState, StateError> {
        self.diagram = Diagram::from_cells(cells, version)?;
        self.history.reset_for_load();
        Ok(self.history.state())
    }

    /// Replaces the cells with `cells` at `version` (a refresh from the server, a reload
    /// from the store) and returns the changes that turned the old cells into the new ones,
    /// for the editor to apply to X6 as remote changes. Like a load, the history is
    /// cleared. On a malformed cell or duplicate id nothing changes.
    pub fn replace(&mut self, cells: Vec<Value>, version: u64) -> Result<Vec<Change>, StateError> {
        let target = Diagram::from_cells(cells, version)?;
        let changes = diagram_changes(&self.diagram, &target);
        self.diagram = target;
        self.history.reset_for_load();
        Ok(changes)
    }

    /// The semantic diagram.
    pub fn diagram(&self) -> &Diagram {
        &self.diagram
    }

    /// The visual filter.
    pub fn filter(&self) -> &VisualFilter {
        &self.filter
    }

    /// The visual filter, to add or remove rules at runtime.
    pub fn filter_mut(&mut self) -> &mut VisualFilter {
        &mut self.filter
    }

    /// The history, to read its entries.
    pub fn history(&self) -> &History {
        &self.history
    }

    /// The history's observable state: canUndo, canRedo, sizes, last kind.
    pub fn history_state(&self) -> HistoryState {
        self.history.state()
    }

    /// Changes the history settings (cap, "record remote changes", merge interval).
    pub fn set_history_config(&mut self, config: HistoryConfig) -> HistoryState {
        self.history.set_config(config);
        self.history.state()
    }

    /// Forgets every history entry.
    pub fn clear_history(&mut self) -> HistoryState {
        self.history.clear();
        self.history.state()
    }

    /// Joins collaboration: the local history is cleared, and undo/redo become requests for
    /// the collaboration server.
    pub fn join_collaboration(&mut self) -> HistoryState {
        self.history.join_collaboration();
        self.history.state()
    }

    /// Leaves collaboration: the history is re-initialised and local undo/redo work again.
    pub fn leave_collaboration(&mut self) -> HistoryState {
        self.history.leave_collaboration();
        self.history.state()
    }
}
