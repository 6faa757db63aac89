//! Auto-save: an explicit decision tree that says whether a change is saved (and why not
//! when it isn't), then debouncing, one save in flight, retries with backoff, and
//! optimistic-concurrency conflicts.
//!
//! Pure logic: [`AutoSaveEngine`] takes the time as an argument and hands out
//! [`SaveRequest`]s; the browser timer and the editor's JavaScript save callback are the
//! driver's business (`platform::autosave_driver`).
//!
//! ```
//! use diagram_state::core::autosave::{
//!     AutoSaveConfig, AutoSaveEngine, AutoSaveStatus, EditorContext, SaveResult, Trigger,
//! };
//! use diagram_state::core::history::OperationKind;
//! use diagram_state::core::model::Change;
//! use serde_json::json;
//!
//! let mut engine = AutoSaveEngine::with_seed(AutoSaveConfig::default(), 7).unwrap();
//! engine.set_context(EditorContext::ready("dfd-1"));
//! engine.reset(3); // the diagram was loaded at version 3
//!
//! let moved = Change::update("n1", "position/x", Some(json!(0)), Some(json!(40)));
//! let decision = engine.on_trigger(Trigger::history(vec![moved], Some(OperationKind::NodeMove)), 0.0);
//! assert!(decision.is_save());
//! assert_eq!(engine.next_deadline(), Some(1_000.0)); // debounced by 1 s
//!
//! assert!(engine.poll(999.0).is_none());
//! let request = engine.poll(1_000.0).unwrap();
//! assert_eq!((request.diagram_id.as_str(), request.base_version), ("dfd-1", 3));
//! assert_eq!(engine.status(), AutoSaveStatus::Saving);
//!
//! engine.on_save_result(request.attempt, SaveResult::Saved { version: 4 }, 1_050.0);
//! assert_eq!(engine.status(), AutoSaveStatus::Saved { at: 1_050.0, version: 4 });
//! ```

mod answer;
mod backoff;
mod config;
mod conflict;
mod context;
mod decision;
mod engine;
mod error;
mod inputs;
mod jitter;
mod observe;
mod pending;
mod reason;
mod results;
mod save;
mod schedule;
mod server_merge;
mod status;
mod trigger;

pub use backoff::{backoff_ceiling, retry_delay, retry_delay_bounds};
pub use config::AutoSaveConfig;
pub use conflict::{ConflictResolution, ResolutionOutcome};
pub use context::{EditorContext, OperationFilter};
pub use decision::{decide, readiness, AutoSaveDecision};
pub use engine::AutoSaveEngine;
pub use error::AutoSaveError;
pub use jitter::{JitterSource, SplitMix64};
pub use reason::{DecisionNode, DecisionReason, Verdict};
pub use save::{SaveCause, SaveRequest, SaveResult};
pub use server_merge::{merge_server_copy, Overridden, Prefer, ServerMerge};
pub use status::{AutoSaveSnapshot, AutoSaveStatus};
pub use trigger::{Trigger, TriggerSource};
