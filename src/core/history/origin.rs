//! Where a change comes from, which decides whether it is recorded.

use serde::{Deserialize, Serialize};

/// Who made a change. Serialized as `"local"`, `"tab"`, `"remote"` or `"history"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Origin {
    /// This user in this tab: always recorded.
    Local,
    /// Another tab of this browser: recorded only with the "record remote changes" preference.
    Tab,
    /// A collaborator, or a pulled server copy: recorded only with the same preference.
    Remote,
    /// An undo or redo being applied: never recorded.
    History,
}
