//! [`DiagramState`]: the diagram, the visual filter and the history of one diagram,
//! working together as the editor sees them.
//!
//! ```
//! use diagram_state::core::history::Origin;
//! use diagram_state::core::model::CellEvent;
//! use diagram_state::core::state::{DiagramState, Step};
//! use serde_json::json;
//!
//! let mut state = DiagramState::new(|| 0.0);
//! let cell = json!({ "id": "n1", "position": { "x": 0, "y": 0 } });
//! state.handle_event(CellEvent::Added { cell }, Origin::Local, None).unwrap();
//! state.handle_event(
//!     CellEvent::Changed {
//!         id: "n1".into(),
//!         key: "position".into(),
//!         previous: Some(json!({ "x": 0, "y": 0 })),
//!         current: Some(json!({ "x": 40, "y": 0 })),
//!     },
//!     Origin::Local,
//!     None,
//! ).unwrap();
//!
//! let undo = state.undo().unwrap();
//! assert!(matches!(undo.step, Step::Applied { .. })); // position/x back to 0
//! assert_eq!(state.diagram().get("n1", "position/x").unwrap(), Some(&json!(0)));
//! ```

mod diagram_state;
mod error;
mod events;
mod guarded;
mod outcome;
mod rebase;
mod steps;

pub use diagram_state::DiagramState;
pub use error::StateError;
pub use outcome::{EventOutcome, SkipReason, SkippedChange, Step, StepAction, StepOutcome};
pub use rebase::Integration;
