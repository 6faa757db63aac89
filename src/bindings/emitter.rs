//! Typed events for JavaScript listeners: `state.on('history', listener)` returns a function
//! that unsubscribes.

use std::cell::RefCell;
use std::rc::Rc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::convert::{from_js_object, to_js};
use super::error::js_error;

/// The events a `DiagramState` emits, in the order their names are documented.
pub(crate) const EVENT_TYPES: &[&str] = &[
    "history", "change", "decision", "save", "sync", "conflict", "dispose",
];

/// One listener: its id, its event, whether it skips the changes the editor reported
/// itself (`{ skipReported: true }`, `change` only), and the function.
struct Entry {
    id: u32,
    event: &'static str,
    skip_reported: bool,
    listener: js_sys::Function,
}

#[derive(Default)]
struct Listeners {
    next_id: u32,
    entries: Vec<Entry>,
}

/// The options of `on(event, listener, options)`.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListenOptions {
    /// `change` only: not called for the changes of `handleEvent` and `handleProperty`,
    /// which the caller already has (the X6 adapter's graph made them).
    #[serde(default)]
    skip_reported: bool,
}

/// A set of listeners by event type. Cloning shares the set.
#[derive(Clone, Default)]
pub(crate) struct Emitter {
    listeners: Rc<RefCell<Listeners>>,
}

impl Emitter {
    /// Adds `listener` for `event` with `options` (`{ skipReported? }`, or `undefined`) and
    /// returns a JS function that removes it again (calling it more than once is harmless).
    pub(crate) fn subscribe(
        &self,
        event: &str,
        listener: JsValue,
        options: &JsValue,
    ) -> Result<JsValue, JsValue> {
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
        let options: ListenOptions = if options.is_undefined() || options.is_null() {
            ListenOptions::default()
        } else {
            from_js_object(options, "options")?
        };
        if options.skip_reported && *event != "change" {
            return Err(js_error(
                "INVALID_ARGUMENT",
                "`skipReported` is an option of the 'change' event only",
            ));
        }
        let id = {
            let mut listeners = self.listeners.borrow_mut();
            listeners.next_id = listeners.next_id.wrapping_add(1);
            let id = listeners.next_id;
            listeners.entries.push(Entry {
                id,
                event,
                skip_reported: options.skip_reported,
                listener,
            });
            id
        };
        let weak = Rc::downgrade(&self.listeners);
        let unsubscribe = Closure::<dyn FnMut()>::new(move || {
            if let Some(listeners) = weak.upgrade() {
                listeners
                    .borrow_mut()
                    .entries
                    .retain(|entry| entry.id != id);
            }
        });
        Ok(unsubscribe.into_js_value())
    }

    /// Whether anyone listens to `event` (so the payload need not be built otherwise).
    pub(crate) fn has_listeners(&self, event: &str) -> bool {
        self.has_listeners_for(event, false)
    }

    /// Whether anyone listens to `event` for changes the editor reported itself
    /// (`reported`) or for others.
    pub(crate) fn has_listeners_for(&self, event: &str, reported: bool) -> bool {
        self.listeners
            .borrow()
            .entries
            .iter()
            .any(|entry| entry.event == event && !(reported && entry.skip_reported))
    }

    /// Calls every listener of `event` with `payload` as plain JS data, built only when
    /// someone listens. A listener that throws does not stop the others; its error is
    /// reported on the console. Listeners may subscribe, unsubscribe and call back into the
    /// state while this runs.
    pub(crate) fn emit<T: Serialize + ?Sized>(&self, event: &str, payload: &T) {
        self.emit_for(event, false, payload);
    }

    /// [`Emitter::emit`], leaving out the listeners that skip what the editor reported
    /// itself when `reported`.
    pub(crate) fn emit_for<T: Serialize + ?Sized>(&self, event: &str, reported: bool, payload: &T) {
        self.emit_built(event, reported, || to_js(payload));
    }

    /// Calls the listeners of `event` (see [`Emitter::emit_for`]) with the payload `build`
    /// makes, built once and only when someone listens.
    pub(crate) fn emit_built(&self, event: &str, reported: bool, build: impl FnOnce() -> JsValue) {
        let listeners: Vec<js_sys::Function> = self
            .listeners
            .borrow()
            .entries
            .iter()
            .filter(|entry| entry.event == event && !(reported && entry.skip_reported))
            .map(|entry| entry.listener.clone())
            .collect();
        if listeners.is_empty() {
            return;
        }
        let payload = build();
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
