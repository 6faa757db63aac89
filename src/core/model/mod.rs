//! The diagram model: X6 cells as JSON, slash paths into them, changes at leaf-path
//! granularity, and the [`Diagram`] those changes apply to.
//!
//! ```
//! use diagram_state::core::model::{Change, Diagram};
//! use serde_json::json;
//!
//! let mut diagram = Diagram::new();
//! let add = Change::add(json!({ "id": "n1", "position": { "x": 10, "y": 20 } }));
//! let applied = diagram.apply_all(vec![add]).unwrap();
//! assert_eq!(diagram.get("n1", "position/x").unwrap(), Some(&json!(10)));
//!
//! // Every applied change has an exact inverse.
//! let undo: Vec<Change> = applied.into_iter().rev().map(Change::inverse).collect();
//! diagram.apply_all(undo).unwrap();
//! assert!(diagram.is_empty());
//! ```

mod cell;
mod change;
mod diagram;
mod diff;
mod error;
mod event;
pub(crate) mod serde_forms;
mod shared_str;
pub mod value_path;

pub use cell::{cell_id, cell_kind, terminal_ids, CellKind, SharedCell};
pub use change::Change;
pub use diagram::Diagram;
pub use diff::diff_change_event;
pub use error::ModelError;
pub use event::CellEvent;
pub use shared_str::SharedStr;
