//! Why a cell or a change was refused by the model.

use thiserror::Error;

use super::value_path::PathAccessError;
use crate::core::error::ErrorCode;
use crate::core::path::PathError;

/// A cell or a change the model refuses. The diagram is unchanged when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ModelError {
    /// The cell JSON is not an object (`code`: `CELL_NOT_OBJECT`).
    #[error("a cell must be a JSON object")]
    CellNotObject,
    /// The cell has no `id` (`code`: `CELL_ID_MISSING`).
    #[error("a cell must have an \"id\"")]
    CellIdMissing,
    /// The cell's `id` is not a string (`code`: `CELL_ID_NOT_STRING`).
    #[error("a cell's \"id\" must be a string")]
    CellIdNotString,
    /// The cell's `id` is the empty string (`code`: `CELL_ID_EMPTY`).
    #[error("a cell's \"id\" must not be empty")]
    CellIdEmpty,
    /// An `add` for an id the diagram already has (`code`: `DUPLICATE_CELL`).
    #[error("a cell with id '{0}' already exists")]
    DuplicateCell(String),
    /// An `update` or `remove` for an id the diagram does not have (`code`: `CELL_NOT_FOUND`).
    #[error("no cell with id '{0}'")]
    CellNotFound(String),
    /// A malformed path (`code`: `INVALID_PATH`).
    #[error(transparent)]
    InvalidPath(#[from] PathError),
    /// The path cannot be reached in the cell (`code`: `PATH_NOT_FOUND`).
    #[error("path '{path}' cannot be reached in cell '{id}': {reason}")]
    PathNotFound {
        /// The cell's id.
        id: String,
        /// The path that was asked for.
        path: String,
        /// What blocked it.
        reason: PathAccessError,
    },
    /// An update that would change a cell's `id` (`code`: `IMMUTABLE_ID`).
    #[error("the id of cell '{0}' cannot be changed by an update; remove and add instead")]
    ImmutableId(String),
}

impl ErrorCode for ModelError {
    fn code(&self) -> &'static str {
        match self {
            Self::CellNotObject => "CELL_NOT_OBJECT",
            Self::CellIdMissing => "CELL_ID_MISSING",
            Self::CellIdNotString => "CELL_ID_NOT_STRING",
            Self::CellIdEmpty => "CELL_ID_EMPTY",
            Self::DuplicateCell(_) => "DUPLICATE_CELL",
            Self::CellNotFound(_) => "CELL_NOT_FOUND",
            Self::InvalidPath(error) => error.code(),
            Self::PathNotFound { reason, .. } => reason.code(),
            Self::ImmutableId(_) => "IMMUTABLE_ID",
        }
    }
}
