//! Transactions as the store uses them: begun on the open connection, finished with an
//! explicit commit whose failure is reported by the transaction's own error (so a
//! `QuotaExceededError` that aborts it becomes `QUOTA_EXCEEDED`). A transaction dropped
//! without being finished is aborted: nothing it wrote is kept.

use indexed_db_futures::database::Database;
use indexed_db_futures::internals::SystemRepr;
use indexed_db_futures::object_store::ObjectStore;
use indexed_db_futures::prelude::*;
use indexed_db_futures::transaction::{Transaction, TransactionMode};
use wasm_bindgen::JsCast;

use super::errors::{from_idb, from_transaction};
use crate::core::storage::StoreError;

/// Begins a transaction over `stores`.
pub(super) fn begin<'a>(
    db: &'a Database,
    stores: &[&str],
    mode: TransactionMode,
) -> Result<Transaction<'a>, StoreError> {
    db.transaction(stores)
        .with_mode(mode)
        .build()
        .map_err(from_idb)
}

/// One store of a transaction.
pub(super) fn store<'a>(
    tx: &'a Transaction<'a>,
    name: &str,
) -> Result<ObjectStore<'a>, StoreError> {
    tx.object_store(name).map_err(from_idb)
}

/// Commits a readwrite transaction and waits until it is durable (or failed).
pub(super) async fn finish(tx: Transaction<'_>) -> Result<(), StoreError> {
    let raw: web_sys::IdbTransaction = tx.as_sys().clone().unchecked_into();
    tx.commit()
        .await
        .map_err(|error| from_transaction(&raw, error))
}

/// Issues a write whose outcome the transaction reports: the request went out when it was
/// built; if it fails, the transaction aborts and [`finish`] returns the error.
pub(super) fn issued<R>(request: indexed_db_futures::Result<R>) -> Result<(), StoreError> {
    request.map(drop).map_err(from_idb)
}
