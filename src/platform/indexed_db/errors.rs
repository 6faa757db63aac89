//! IndexedDB failures as [`StoreError`]s. A DOMException is mapped by its name
//! ([`StoreError::from_dom_exception`]): `QuotaExceededError` becomes `QUOTA_EXCEEDED`, and
//! so on.

use indexed_db_futures::error::{Error, OpenDbError};
use indexed_db_futures::internals::SystemRepr;
use wasm_bindgen::{JsCast, JsValue};

use crate::core::storage::StoreError;

/// The store error for a DOMException raised by IndexedDB, e.g. `QUOTA_EXCEEDED` for a
/// `QuotaExceededError`.
pub fn store_error_from_dom_exception(exception: &web_sys::DomException) -> StoreError {
    StoreError::from_dom_exception(&exception.name(), &exception.message())
}

/// The store error for any value IndexedDB or the browser threw.
pub(super) fn from_js(value: JsValue) -> StoreError {
    if let Some(exception) = value.dyn_ref::<web_sys::DomException>() {
        return store_error_from_dom_exception(exception);
    }
    let message = if let Some(error) = value.dyn_ref::<js_sys::Error>() {
        String::from(error.message())
    } else if let Some(text) = value.as_string() {
        text
    } else {
        format!("{value:?}")
    };
    StoreError::Backend {
        name: "Error".into(),
        message,
    }
}

/// The store error for an `indexed_db_futures` error.
pub(super) fn from_idb(error: Error) -> StoreError {
    match error {
        Error::DomException(exception) => store_error_from_dom_exception(exception.as_sys()),
        other => StoreError::Backend {
            name: "Error".into(),
            message: other.to_string(),
        },
    }
}

/// The store error for a failed open: no `indexedDB` at all means storage is unavailable.
pub(super) fn from_open(error: OpenDbError) -> StoreError {
    match error {
        OpenDbError::NullFactory | OpenDbError::UnsupportedEnvironment => StoreError::Unavailable {
            reason: error.to_string(),
        },
        OpenDbError::Base(error) => match from_idb(error) {
            // Opening failures other than a version problem mean IndexedDB cannot be used
            // here (disabled, private mode, opaque origin, browser storage failure).
            StoreError::Backend { name, message } => StoreError::Unavailable {
                reason: format!("{name}: {message}"),
            },
            other => other,
        },
        other => StoreError::Unavailable {
            reason: other.to_string(),
        },
    }
}

/// The store error of a transaction that did not commit: the transaction's own error (for
/// example `QuotaExceededError`, which aborts the transaction) wins over the generic one.
pub(super) fn from_transaction(transaction: &web_sys::IdbTransaction, error: Error) -> StoreError {
    match transaction.error() {
        Some(exception) => store_error_from_dom_exception(&exception),
        None => from_idb(error),
    }
}
