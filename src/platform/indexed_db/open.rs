//! Opening the database: the upgrade (and migration) when needed, a `blocked` upgrade
//! reported as `UPGRADE_BLOCKED` instead of waiting forever, and IndexedDB missing or
//! refused reported as `STORAGE_UNAVAILABLE`.

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use indexed_db_futures::database::Database;
use indexed_db_futures::error::OpenDbError;
use indexed_db_futures::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::errors::from_open;
use super::migration::{Migration, MigrationReport};
use super::schema::{upgrade, DB_VERSION};
use crate::core::storage::StoreError;

/// A notification without data (the database was closed by a newer version, an upgrade
/// is blocked).
pub type Notify = Rc<dyn Fn()>;

/// How an open settles: the request's result, or the news that it is blocked.
#[derive(Default)]
struct Settlement {
    result: RefCell<Option<Result<Database, OpenDbError>>>,
    blocked: Cell<bool>,
    abandoned: Cell<bool>,
    wake: RefCell<Option<js_sys::Function>>,
}

impl Settlement {
    fn wake(&self) {
        if let Some(resolve) = self.wake.borrow_mut().take() {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// The opened database and what the upgrade migrated, if it migrated anything.
pub(super) struct Opened {
    pub db: Database,
    pub migration: Option<MigrationReport>,
}

/// Opens (creating or upgrading) the database `name`.
///
/// If another tab keeps an older version open and does not close it, the upgrade is
/// blocked: `on_blocked` is called and the open fails at once with `UPGRADE_BLOCKED`. The
/// browser keeps the request pending; if the other tab closes later, the upgrade still runs
/// to completion and the connection it yields is closed at once, so the next open is quick.
pub(super) async fn open_database(
    name: &str,
    on_blocked: Option<Notify>,
) -> Result<Opened, StoreError> {
    let settlement = Rc::new(Settlement::default());
    let migration = Migration::default();
    let settled = js_sys::Promise::new(&mut |resolve, _reject| {
        *settlement.wake.borrow_mut() = Some(resolve);
    });
    let request = Database::open(name)
        .with_version(DB_VERSION)
        .with_on_blocked({
            let settlement = Rc::clone(&settlement);
            move |_event| {
                settlement.blocked.set(true);
                if let Some(notify) = &on_blocked {
                    notify();
                }
                settlement.wake();
                Ok(())
            }
        })
        .with_on_upgrade_needed({
            let migration = Rc::clone(&migration);
            move |event, db| upgrade(&event, &db, &migration)
        })
        .build()
        .map_err(from_open)?;
    wasm_bindgen_futures::spawn_local({
        let settlement = Rc::clone(&settlement);
        async move {
            let result = request.await;
            if settlement.abandoned.get() {
                if let Ok(db) = result {
                    db.close();
                }
                return;
            }
            *settlement.result.borrow_mut() = Some(result);
            settlement.wake();
        }
    });
    // Resolves when the open settles or is reported blocked; never rejects.
    let _ = JsFuture::from(settled).await;

    let result = settlement.result.borrow_mut().take();
    match result {
        Some(Ok(db)) => {
            let report = migration.borrow_mut().report.take();
            Ok(Opened {
                db,
                migration: report,
            })
        }
        Some(Err(error)) => {
            let state = migration.borrow();
            if let Some(reason) = &state.failure {
                return Err(StoreError::MigrationFailed {
                    reason: reason.clone(),
                });
            }
            let error = from_open(error);
            if state.started {
                return Err(StoreError::MigrationFailed {
                    reason: error.to_string(),
                });
            }
            Err(error)
        }
        None => {
            settlement.abandoned.set(true);
            Err(StoreError::UpgradeBlocked)
        }
    }
}
