//! Keys and key ranges of the `cells` and `oplog` stores: arrays `[diagramId, cellId]` and
//! `[diagramId, version]`. `[diagramId]` sorts before every key of the diagram and
//! `[diagramId, []]` after them (arrays sort after strings and numbers), so one range
//! covers a whole diagram.

use wasm_bindgen::JsValue;
use web_sys::IdbKeyRange;

use super::errors::from_js;
use crate::core::storage::StoreError;

/// The key of a cell record.
pub(super) fn cell(diagram_id: &str, cell_id: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(diagram_id), &JsValue::from_str(cell_id)).into()
}

/// The key of an op-log record.
pub(super) fn oplog(diagram_id: &str, version: u64) -> JsValue {
    js_sys::Array::of2(
        &JsValue::from_str(diagram_id),
        &JsValue::from_f64(version as f64),
    )
    .into()
}

fn first(diagram_id: &str) -> JsValue {
    js_sys::Array::of1(&JsValue::from_str(diagram_id)).into()
}

fn past_last(diagram_id: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(diagram_id), &js_sys::Array::new()).into()
}

/// Every key of a diagram, in `cells` or `oplog`.
pub(super) fn whole_diagram(diagram_id: &str) -> Result<JsValue, StoreError> {
    IdbKeyRange::bound(&first(diagram_id), &past_last(diagram_id))
        .map(JsValue::from)
        .map_err(from_js)
}

/// The op-log keys of versions after `version`.
pub(super) fn oplog_after(diagram_id: &str, version: u64) -> Result<JsValue, StoreError> {
    IdbKeyRange::bound_with_lower_open_and_upper_open(
        &oplog(diagram_id, version),
        &past_last(diagram_id),
        true,
        true,
    )
    .map(JsValue::from)
    .map_err(from_js)
}

/// The op-log keys of versions up to and including `version`.
pub(super) fn oplog_through(diagram_id: &str, version: u64) -> Result<JsValue, StoreError> {
    IdbKeyRange::bound(&first(diagram_id), &oplog(diagram_id, version))
        .map(JsValue::from)
        .map_err(from_js)
}
