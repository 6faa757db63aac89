//! The decision at open of a diagram kept in a store: where it starts, and what the server
//! copy may lack (for auto-save to carry over from an earlier session).

use serde_json::Value;

use crate::core::model::Change;
use crate::core::storage::{ChainHash, DiagramStore, OplogSince, StoreError};

/// A diagram loaded from a store, and what its server copy may lack.
#[derive(Debug, Clone, PartialEq)]
pub struct Opening {
    /// The stored cells.
    pub cells: Vec<Value>,
    /// The committed version.
    pub version: u64,
    /// Its link of the hash chain.
    pub head: ChainHash,
    /// The server version of the last save (auto-save's base), if any.
    pub public_version: Option<u64>,
    /// The store version the server copy includes: as recorded by the last save, or the
    /// loaded one unless an earlier session closed before saving.
    pub pushed: Option<u64>,
    /// Whether the server copy may lack committed versions (auto-save then saves at once).
    pub unpushed: bool,
    /// The committed changes after `pushed`, for auto-save to carry (a later conflict's
    /// merge must know them as this browser's, or it would revert them); the whole log
    /// when `pushed` is unknown, a superset, which is safe. Empty unless asked for.
    pub carried: Vec<Change>,
}

/// Loads diagram `diagram_id` from `store` (refusing an incomplete load) and, when
/// `carry` (auto-save is on), reads the changes the server copy may lack from the op log
/// (none when the log no longer has them).
pub async fn open_stored<S: DiagramStore>(
    store: &S,
    diagram_id: &str,
    carry: bool,
) -> Result<Opening, StoreError> {
    let loaded = store.load(diagram_id).await?.into_complete()?;
    let version = loaded.version;
    let pushed = (loaded.entry.pushed_version)
        .or_else(|| (!loaded.entry.has_unpushed_changes()).then_some(version));
    let unpushed = pushed.is_none_or(|pushed| version > pushed);
    let after = pushed.unwrap_or(0);
    let carried = if carry && version > after {
        match store.oplog_since(diagram_id, after).await {
            Ok(OplogSince::Records { records }) => records
                .into_iter()
                .filter(|record| record.version <= version)
                .flat_map(|record| record.changes)
                .collect(),
            Ok(OplogSince::NotCovered { .. }) | Err(_) => Vec::new(),
        }
    } else {
        Vec::new()
    };
    Ok(Opening {
        cells: loaded.cells,
        version,
        head: loaded.head_hash,
        public_version: loaded.entry.public_version,
        pushed,
        unpushed,
        carried,
    })
}
