//! `LocalDiagrams`: the directory of local diagrams (the demo's "Manage diagrams"): list,
//! create, rename, duplicate, delete, import and export X6 documents, kept in IndexedDB or,
//! when chosen explicitly, in memory.
//!
//! Every method returns a `Promise` and never throws synchronously: a bad argument rejects
//! it with a `DiagramStateError` of code `INVALID_ARGUMENT` (`INPUT_TOO_LARGE` for more
//! than 64 MiB, as everywhere in the package), a storage failure with the
//! store's code (`DIAGRAM_NOT_FOUND`, `INVALID_DOCUMENT`, `QUOTA_EXCEEDED`, …). Errors that
//! carry data expose it as `error.details` (e.g. the list of problems of an invalid
//! document).

use std::future::Future;
use std::rc::Rc;

use js_sys::{Function, Promise, Reflect};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::future_to_promise;

use super::convert::{is_array, required_string, stringify};
use super::diagram_state::DiagramStateJs;
use super::error::{invalid_argument, js_error, store_error};
use crate::core::storage::{DiagramStore, MemoryStore, NewDiagram, OplogWindow, StorageType};
use crate::platform::clock::BrowserClock;
use crate::platform::indexed_db::{IndexedDbStore, LocalStore, Notify, OpenOptions};

#[wasm_bindgen(typescript_custom_section)]
const LOCAL_DIAGRAMS_TYPES: &'static str = r#"
/** Where a diagram lives. A stored entry without one reads as `public`. */
export type StorageType = 'local' | 'public' | 'private';

/** One diagram of the directory (Rust `DiagramEntry`); times in ms since the epoch. */
export interface DiagramEntry {
  id: string;
  name: string;
  description: string;
  storageType: StorageType;
  createdAt: number;
  updatedAt: number;
  /** The committed version: 0 when created, one more with every commit. */
  version: number;
  publicCopyId?: string;
  lastPushedAt?: number;
  lastPulledAt?: number;
  /** The server copy's version at the last push or pull. */
  publicVersion?: number;
  /** The committed `version` whose changes the server copy holds since the last push. */
  pushedVersion?: number;
}

/** A stored record that could not be read and was skipped (Rust `CorruptRecord`). */
export interface CorruptRecord { store: 'diagrams' | 'cells' | 'oplog'; key: string; reason: string }

/** The directory: diagrams most recently updated first, and unreadable entries. */
export interface DiagramDirectory { diagrams: DiagramEntry[]; skipped: CorruptRecord[] }

/** An X6 `graph.toJSON()` document. */
export interface X6Document { cells: Array<{ id: string; [property: string]: unknown }> }

/** One problem of an invalid document (`error.details.problems` of `INVALID_DOCUMENT`). */
export interface DocumentProblem { index?: number; id?: string; problem: string }

/** Options of `LocalDiagrams.open`. */
export interface LocalDiagramsOptions {
  /** The IndexedDB database name (default `'diagram-state'`). */
  dbName?: string;
  /** `'indexeddb'` (default) or `'memory'`: nothing survives a reload, for when IndexedDB is unavailable. */
  storage?: 'indexeddb' | 'memory';
  /** How many recent versions of each diagram the op log keeps (default 200). */
  oplogWindow?: number;
  /** Called when a newer version of the app opened the same database in another tab: the connection is closed; ask the user to reload. */
  onVersionChange?: () => void;
  /** Called when opening needs an upgrade that another open tab blocks (the open then rejects with `UPGRADE_BLOCKED`). */
  onBlocked?: () => void;
}

/** What `create` needs. */
export interface NewDiagramOptions {
  name: string;
  description?: string;
  /** Default `'local'`. */
  storageType?: StorageType;
  /** Initial cells, validated like an imported document. */
  cells?: Array<{ id: string; [property: string]: unknown }>;
}

/** What `importDocument` needs besides the document. */
export interface ImportOptions { name: string; description?: string; storageType?: StorageType }
"#;

/// The directory of local diagrams.
///
/// ```js
/// const diagrams = await LocalDiagrams.open({ dbName: 'my-editor' });
/// const { diagrams: entries } = await diagrams.list();
/// const entry = await diagrams.create({ name: 'Payments' });
/// ```
///
/// Call `close()` when done (or `free()`, which also closes the connection).
#[wasm_bindgen(js_name = LocalDiagrams)]
pub struct LocalDiagrams {
    store: Rc<LocalStore>,
}

/// `create` options as JSON.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CreateOptions {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "local")]
    storage_type: StorageType,
    #[serde(default)]
    cells: Vec<Value>,
}

/// `importDocument` options as JSON.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ImportOptions {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default = "local")]
    storage_type: StorageType,
}

/// New diagrams made here are local unless asked otherwise.
fn local() -> StorageType {
    StorageType::Local
}

#[wasm_bindgen(js_class = LocalDiagrams)]
impl LocalDiagrams {
    /// Opens the directory: in IndexedDB (creating, upgrading or migrating the database as
    /// needed) or, with `storage: 'memory'`, in memory. Rejects with `STORAGE_UNAVAILABLE`
    /// when IndexedDB cannot be used (the editor may then open with `storage: 'memory'`),
    /// `UPGRADE_BLOCKED` when another open tab blocks an upgrade, `SCHEMA_TOO_NEW` when a
    /// newer version of the app wrote the database.
    ///
    /// ```js
    /// let diagrams;
    /// try {
    ///   diagrams = await LocalDiagrams.open({ onVersionChange: () => showReloadBanner() });
    /// } catch (e) {
    ///   if (e.code !== 'STORAGE_UNAVAILABLE') throw e;
    ///   diagrams = await LocalDiagrams.open({ storage: 'memory' });
    /// }
    /// ```
    #[wasm_bindgen(js_name = open, unchecked_return_type = "Promise<LocalDiagrams>")]
    pub fn open(
        #[wasm_bindgen(unchecked_optional_param_type = "LocalDiagramsOptions")] options: JsValue,
    ) -> Promise {
        let options = match read_open_options(&options) {
            Ok(options) => options,
            Err(error) => return Promise::reject(&error),
        };
        run(async move {
            let store = match options.storage {
                Storage::Memory => LocalStore::Memory(MemoryStore::with_window(
                    BrowserClock,
                    options.store.oplog_window,
                )),
                Storage::IndexedDb => LocalStore::IndexedDb(
                    IndexedDbStore::open(options.store)
                        .await
                        .map_err(store_error)?,
                ),
            };
            Ok(LocalDiagrams {
                store: Rc::new(store),
            }
            .into())
        })
    }

    /// Every diagram, most recently updated first; entries that cannot be read are listed
    /// in `skipped` rather than hidden.
    ///
    /// ```js
    /// const { diagrams: entries, skipped } = await diagrams.list();
    /// entries.filter((entry) => entry.storageType === 'local');
    /// ```
    #[wasm_bindgen(js_name = list, unchecked_return_type = "Promise<DiagramDirectory>")]
    pub fn list(&self) -> Promise {
        let store = Rc::clone(&self.store);
        run(async move { plain(&store.list().await.map_err(store_error)?) })
    }

    /// Creates a diagram (default storage type `local`) with optional initial cells, and
    /// resolves to its entry. Rejects with `INVALID_NAME` for an empty name and
    /// `INVALID_DOCUMENT` for malformed cells; nothing is written then.
    ///
    /// ```js
    /// const entry = await diagrams.create({ name: 'Payments', description: 'Q3 flows' });
    /// ```
    #[wasm_bindgen(js_name = create, unchecked_return_type = "Promise<DiagramEntry>")]
    pub fn create(
        &self,
        #[wasm_bindgen(unchecked_param_type = "NewDiagramOptions")] options: JsValue,
    ) -> Promise {
        let options: CreateOptions = match from_json(&options, "options") {
            Ok(options) => options,
            Err(error) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move {
            let diagram = NewDiagram {
                id: None,
                name: options.name,
                description: options.description,
                storage_type: options.storage_type,
                cells: options.cells,
            };
            plain(&store.create(diagram).await.map_err(store_error)?)
        })
    }

    /// Renames a diagram and resolves to its updated entry.
    ///
    /// ```js
    /// await diagrams.rename(entry.id, 'Payments v2');
    /// ```
    #[wasm_bindgen(js_name = rename, unchecked_return_type = "Promise<DiagramEntry>")]
    pub fn rename(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] name: JsValue,
    ) -> Promise {
        let (id, name) = match (string_argument(&id, "id"), string_argument(&name, "name")) {
            (Ok(id), Ok(name)) => (id, name),
            (Err(error), _) | (_, Err(error)) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move { plain(&store.rename(&id, &name).await.map_err(store_error)?) })
    }

    /// Copies a diagram with all its cells into a new diagram (named `name`, default
    /// "<name> (copy)") and resolves to the new entry. Rejects with `CORRUPT_RECORDS` when
    /// some of its cells cannot be read: a partial copy would look complete.
    ///
    /// ```js
    /// const copy = await diagrams.duplicate(entry.id);
    /// ```
    #[wasm_bindgen(js_name = duplicate, unchecked_return_type = "Promise<DiagramEntry>")]
    pub fn duplicate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] name: JsValue,
    ) -> Promise {
        let id = match string_argument(&id, "id") {
            Ok(id) => id,
            Err(error) => return Promise::reject(&error),
        };
        let name = if name.is_undefined() || name.is_null() {
            None
        } else {
            match string_argument(&name, "name") {
                Ok(name) => Some(name),
                Err(error) => return Promise::reject(&error),
            }
        };
        let store = Rc::clone(&self.store);
        run(async move {
            let entry = store
                .duplicate(&id, name.as_deref())
                .await
                .map_err(store_error)?;
            plain(&entry)
        })
    }

    /// Deletes a diagram with its cells and op log (also when its records are corrupt).
    ///
    /// ```js
    /// await diagrams.delete(entry.id);
    /// ```
    #[wasm_bindgen(js_name = delete, unchecked_return_type = "Promise<void>")]
    pub fn delete(&self, #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue) -> Promise {
        let id = match string_argument(&id, "id") {
            Ok(id) => id,
            Err(error) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move {
            store.delete(&id).await.map_err(store_error)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// Imports an X6 document (`graph.toJSON()`, as an object or as JSON text) as a new
    /// diagram and resolves to its entry. A document with problems rejects with
    /// `INVALID_DOCUMENT`, listing every problem in `error.details.problems`; nothing is
    /// written.
    ///
    /// ```js
    /// const entry = await diagrams.importDocument(graph.toJSON(), { name: 'Imported' });
    /// ```
    #[wasm_bindgen(js_name = importDocument, unchecked_return_type = "Promise<DiagramEntry>")]
    pub fn import_document(
        &self,
        #[wasm_bindgen(unchecked_param_type = "X6Document | string")] document: JsValue,
        #[wasm_bindgen(unchecked_param_type = "ImportOptions")] options: JsValue,
    ) -> Promise {
        let document = match read_document(&document) {
            Ok(document) => document,
            Err(error) => return Promise::reject(&error),
        };
        let options: ImportOptions = match from_json(&options, "options") {
            Ok(options) => options,
            Err(error) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move {
            let diagram = NewDiagram {
                id: None,
                name: options.name,
                description: options.description,
                storage_type: options.storage_type,
                cells: Vec::new(),
            };
            let entry = store
                .import_document(&document, diagram)
                .await
                .map_err(store_error)?;
            plain(&entry)
        })
    }

    /// Exports a diagram as an X6 document `{ cells }`, cells in their stored order (the
    /// imported order, then the order of addition), ready for `graph.fromJSON()`.
    /// Importing it again gives an equal document. Rejects with `CORRUPT_RECORDS` when
    /// some cells cannot be read.
    ///
    /// ```js
    /// graph.fromJSON(await diagrams.exportDocument(entry.id));
    /// ```
    #[wasm_bindgen(js_name = exportDocument, unchecked_return_type = "Promise<X6Document>")]
    pub fn export_document(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
    ) -> Promise {
        let id = match string_argument(&id, "id") {
            Ok(id) => id,
            Err(error) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move {
            let document = store.export_document(&id).await.map_err(store_error)?;
            json_value(&document)
        })
    }

    /// Opens the diagram `id` for editing on this directory's connection: a `DiagramState`
    /// loaded from the store, which commits every change as it happens and follows other
    /// tabs editing the same diagram. `options` are those of `DiagramState.open` without
    /// `diagramId`, `cells`, `version` and `storage`. Rejects with `DIAGRAM_NOT_FOUND`, or
    /// `CORRUPT_RECORDS` (listing them in `error.details`) rather than open a diagram
    /// partly.
    ///
    /// ```js
    /// const state = await diagrams.openDiagram(entry.id, { maxHistory: 200 });
    /// const unbind = bindGraph(graph, state);
    /// ```
    #[wasm_bindgen(js_name = openDiagram, unchecked_return_type = "Promise<DiagramState>")]
    pub fn open_diagram(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] id: JsValue,
        #[wasm_bindgen(
            unchecked_optional_param_type = "Omit<OpenOptions, 'diagramId' | 'cells' | 'version' | 'storage'>"
        )]
        options: JsValue,
    ) -> Promise {
        let opened = (|| {
            let id = string_argument(&id, "id")?;
            let options = if options.is_undefined() || options.is_null() {
                js_sys::Object::new().into()
            } else {
                options
            };
            let save = super::autosave_options::save_callback(&options)?;
            if is_array(&options, "options")? {
                return Err(invalid_argument("options", "an object"));
            }
            let mut options: super::options::OpenOptions = {
                let source: js_sys::Object = options.unchecked_into();
                // `assign` runs the options' getters, which may throw.
                let with_id = js_sys::Object::assign_many(&js_sys::Object::new(), &[source])
                    .map_err(|_| {
                        invalid_argument("options", "an object whose fields can be read")
                    })?;
                Reflect::set(
                    &with_id,
                    &JsValue::from_str("diagramId"),
                    &JsValue::from_str(&id),
                )
                .map_err(|_| invalid_argument("options", "an object"))?;
                super::convert::from_js_object(&with_id, "options")?
            };
            if options.storage.is_some() || options.db_name.is_some() {
                return Err(invalid_argument(
                    "options",
                    "without `storage` or `dbName` (the directory's store is used)",
                ));
            }
            options.diagram_id = id;
            Ok((options, save))
        })();
        let (options, save) = match opened {
            Ok(opened) => opened,
            Err(error) => return Promise::reject(&error),
        };
        let store = Rc::clone(&self.store);
        run(async move {
            let state = DiagramStateJs::open_with(options, save, Some(store)).await?;
            Ok(state.into())
        })
    }

    /// Closes the directory's connection; later calls reject with `STORE_CLOSED`.
    ///
    /// ```js
    /// diagrams.close();
    /// ```
    #[wasm_bindgen(js_name = close)]
    pub fn close(&self) {
        self.store.close();
    }

    /// Whether the directory is closed: by `close()`, or because a newer version of the
    /// app opened the same database in another tab.
    ///
    /// ```js
    /// if (diagrams.closed) showReloadBanner();
    /// ```
    #[wasm_bindgen(getter, js_name = closed)]
    pub fn closed(&self) -> bool {
        self.store.is_closed()
    }

    /// Where the diagrams are kept: `'indexeddb'` or `'memory'`.
    ///
    /// ```js
    /// if (diagrams.storage === 'memory') warn('Diagrams are not saved in this browser');
    /// ```
    #[wasm_bindgen(getter, js_name = storage, unchecked_return_type = "'indexeddb' | 'memory'")]
    pub fn storage(&self) -> String {
        match &*self.store {
            LocalStore::IndexedDb(_) => "indexeddb".to_owned(),
            LocalStore::Memory(_) => "memory".to_owned(),
        }
    }
}

/// Where `open` keeps the diagrams.
enum Storage {
    IndexedDb,
    Memory,
}

struct Open {
    storage: Storage,
    store: OpenOptions,
}

const OPEN_OPTIONS: [&str; 5] = [
    "dbName",
    "storage",
    "oplogWindow",
    "onVersionChange",
    "onBlocked",
];

fn read_open_options(options: &JsValue) -> Result<Open, JsValue> {
    let mut open = Open {
        storage: Storage::IndexedDb,
        store: OpenOptions::default(),
    };
    if options.is_undefined() || options.is_null() {
        return Ok(open);
    }
    if !options.is_object() || is_array(options, "options")? || options.is_function() {
        return Err(invalid_argument("options", "an object"));
    }
    let keys = Reflect::own_keys(options).map_err(|_| invalid_argument("options", "an object"))?;
    for key in keys.iter() {
        let Some(key) = key.as_string() else { continue };
        if !OPEN_OPTIONS.contains(&key.as_str()) {
            return Err(js_error(
                "INVALID_ARGUMENT",
                &format!(
                    "unknown option `{key}`; expected one of {}",
                    OPEN_OPTIONS.join(", ")
                ),
            ));
        }
    }
    // An option that is absent, `undefined` or `null` keeps its default.
    let field = |name: &str| {
        Reflect::get(options, &JsValue::from_str(name))
            .ok()
            .filter(|value| !(value.is_undefined() || value.is_null()))
    };
    if let Some(name) = field("dbName") {
        match name.as_string() {
            Some(name) if !name.is_empty() => open.store.name = name,
            _ => return Err(invalid_argument("dbName", "a non-empty string")),
        }
    }
    if let Some(storage) = field("storage") {
        open.storage = match storage.as_string().as_deref() {
            Some("indexeddb") => Storage::IndexedDb,
            Some("memory") => Storage::Memory,
            _ => return Err(invalid_argument("storage", "'indexeddb' or 'memory'")),
        };
    }
    if let Some(window) = field("oplogWindow") {
        match window.as_f64() {
            Some(size) if size.fract() == 0.0 && (1.0..=1e9).contains(&size) => {
                open.store.oplog_window = OplogWindow::new(size as u64);
            }
            _ => return Err(invalid_argument("oplogWindow", "an integer from 1 to 1e9")),
        }
    }
    open.store.on_version_change = callback(field("onVersionChange"), "onVersionChange")?;
    open.store.on_blocked = callback(field("onBlocked"), "onBlocked")?;
    Ok(open)
}

/// A JS function option as a notification; a failing callback is ignored (it is the
/// editor's, and must not break the store).
fn callback(value: Option<JsValue>, name: &str) -> Result<Option<Notify>, JsValue> {
    let Some(value) = value else {
        return Ok(None);
    };
    let function: Function = value
        .dyn_into()
        .map_err(|_| invalid_argument(name, "a function"))?;
    let notify: Notify = Rc::new(move || {
        let _ = function.call0(&JsValue::UNDEFINED);
    });
    Ok(Some(notify))
}

fn string_argument(value: &JsValue, name: &str) -> Result<String, JsValue> {
    required_string(value, name)
}

/// Reads an options object through JSON (at most `MAX_INPUT_BYTES` of it).
fn from_json<T: for<'de> Deserialize<'de>>(value: &JsValue, name: &str) -> Result<T, JsValue> {
    if !value.is_object() || is_array(value, name)? {
        return Err(invalid_argument(name, "an object"));
    }
    let text = stringify(value, name)?;
    serde_json::from_str(&text).map_err(|error| {
        js_error(
            "INVALID_ARGUMENT",
            &format!("`{name}` is not valid: {error}"),
        )
    })
}

/// Reads a document given as an object or as JSON text. Anything readable goes to the
/// core's validation, which lists what is wrong with it.
fn read_document(value: &JsValue) -> Result<Value, JsValue> {
    if value.is_undefined() {
        return Err(invalid_argument(
            "document",
            "an X6 document or its JSON text",
        ));
    }
    if value.is_string() {
        let text = required_string(value, "document")?;
        return serde_json::from_str(&text).map_err(|error| {
            js_error(
                "INVALID_DOCUMENT",
                &format!("invalid X6 document: not JSON text: {error}"),
            )
        });
    }
    let text = stringify(value, "document")?;
    serde_json::from_str(&text)
        .map_err(|error| js_error("INVALID_DOCUMENT", &format!("invalid X6 document: {error}")))
}

/// Plain objects and arrays (never `Map`s) for JavaScript.
fn plain<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    Ok(super::convert::document_to_js(value))
}

/// A large JSON value (a document) as plain objects, through JSON text: one `JSON.parse`
/// instead of one call per field.
fn json_value(value: &Value) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value)
        .map_err(|error| js_error("STORAGE_ERROR", &error.to_string()))?;
    js_sys::JSON::parse(&text)
        .map_err(|_| js_error("STORAGE_ERROR", "the document could not be converted"))
}

fn run<F>(future: F) -> Promise
where
    F: Future<Output = Result<JsValue, JsValue>> + 'static,
{
    future_to_promise(future)
}
