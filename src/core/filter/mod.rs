//! The visual-attribute filter: tells semantic changes (a label, a position, a new edge)
//! from visual-only ones (selection glow, hover highlight, port visibility, tools), and says
//! which rule decided.
//!
//! ```
//! use diagram_state::core::filter::VisualFilter;
//!
//! let filter = VisualFilter::default(); // the TMI-UX rules
//! assert_eq!(filter.classify_path("attrs/body/stroke").map(|rule| rule.id()), Some("selection-stroke"));
//! assert!(filter.classify_path("attrs/text/text").is_none()); // semantic
//! ```

mod contents;
mod decision;
mod error;
mod pattern;
mod rule;
mod rule_index;
mod screen;
mod visual_filter;

pub use decision::{Decision, Reason, Screened, Significance};
pub use error::FilterError;
pub use pattern::PathPattern;
pub use rule::{VisualRule, TMI_EXCLUDED_EVENTS, TMI_RULES};
pub use visual_filter::{VisualFilter, VisualMatch, INLINE_SEGMENTS};
