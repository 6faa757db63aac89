//! Typed events for JavaScript listeners: `state.on('history', listener)` returns a function
//! that unsubscribes.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::to_js;
use super::error::js_error;

/// The events a `DiagramState` emits, in the order their names are documented.
pub(crate) const EVENT_TYPES: &[&str] = &[
    "history", "change", "decision", "save", "sync", "conflict", "dispose",
];

#[derive(Default)]
struct Listeners {
    next_id: u32,
    entries: Vec<(u32, &'static str, js_sys::Function)>,
}

/// A set of listeners by event type. Cloning shares the set.
#[derive(Clone, Default)]
pub(crate) struct Emitter {
    listeners: Rc<RefCell<Listeners>>,
}

impl Emitter {
    /// Adds `listener` for `event` and returns a JS function that removes it again (calling
    /// it more than once is harmless).
    pub(crate) fn subscribe(&self, event: &str, listener: JsValue) -> Result<JsValue, JsValue> {
        let Some(event) = EVENT_TYPES.iter().find(|known| **known == event) else {
            return Err(js_error(
                "UNKNOWN_EVENT",
                &format!(
                    "there is no '{event}' event; the events are: {}",
                    EVENT_TYPES.join(", ")
                ),
            ));
        };
        let listener: js_sys::Function = listener
            .dyn_into()
            .map_err(|_| super::error::invalid_argument("listener", "a function"))?;
        let id = {
            let mut listeners = self.listeners.borrow_mut();
            listeners.next_id = listeners.next_id.wrapping_add(1);
            let id = listeners.next_id;
            listeners.entries.push((id, event, listener));
            id
        };
        let weak = Rc::downgrade(&self.listeners);
        let unsubscribe = Closure::<dyn FnMut()>::new(move || {
            if let Some(listeners) = weak.upgrade() {
                listeners
                    .borrow_mut()
                    .entries
                    .retain(|(entry, _, _)| *entry != id);
            }
        });
        Ok(unsubscribe.into_js_value())
    }

    /// Whether anyone listens to `event` (so the payload need not be built otherwise).
    pub(crate) fn has_listeners(&self, event: &str) -> bool {
        self.listeners
            .borrow()
            .entries
            .iter()
            .any(|(_, name, _)| *name == event)
    }

    /// Calls every listener of `event` with `payload` as plain JS data, built only when
    /// someone listens. A listener that throws does not stop the others; its error is
    /// reported on the console. Listeners may subscribe, unsubscribe and call back into the
    /// state while this runs.
    pub(crate) fn emit<T: Serialize + ?Sized>(&self, event: &str, payload: &T) {
        let listeners: Vec<js_sys::Function> = self
            .listeners
            .borrow()
            .entries
            .iter()
            .filter(|(_, name, _)| *name == event)
            .map(|(_, _, listener)| listener.clone())
            .collect();
        if listeners.is_empty() {
            return;
        }
        let payload = to_js(payload);
        for listener in listeners {
            if let Err(error) = listener.call1(&JsValue::NULL, &payload) {
                web_sys::console::error_2(
                    &JsValue::from_str(&format!("diagram-state: a '{event}' listener threw")),
                    &error,
                );
            }
        }
    }

    /// Removes every listener.
    pub(crate) fn clear(&self) {
        self.listeners.borrow_mut().entries.clear();
    }
}
