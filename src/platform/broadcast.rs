//! The cross-tab transport: a `BroadcastChannel` per diagram, carrying the sync protocol's
//! JSON text between the tabs of this browser.

use std::cell::RefCell;
use std::rc::Rc;

use gloo::events::EventListener;
use thiserror::Error;
use wasm_bindgen::JsCast;
use wasm_bindgen::JsValue;
use web_sys::{BroadcastChannel, MessageEvent};

use crate::core::error::ErrorCode;
use crate::core::session::Transport;

/// The channel name for a diagram: `diagram-state:<diagramId>`.
pub fn channel_name(diagram_id: &str) -> String {
    format!("diagram-state:{diagram_id}")
}

/// What arrived on the channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming {
    /// A text message (pass it to `SyncSession::on_message`).
    Text(String),
    /// Something that is not text, or that the browser could not deserialize (pass it on
    /// as `SyncSession::on_unreadable`, which counts it as garbled).
    Unreadable,
}

/// Why the channel could not be used.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum BroadcastError {
    /// `BroadcastChannel` is missing or refused to open (`code`: `BROADCAST_UNAVAILABLE`).
    #[error("BroadcastChannel is not available: {0}")]
    Unavailable(String),
    /// Posting failed, e.g. the channel is closed (`code`: `BROADCAST_FAILED`).
    #[error("posting on the BroadcastChannel failed: {0}")]
    PostFailed(String),
}

impl ErrorCode for BroadcastError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unavailable(_) => "BROADCAST_UNAVAILABLE",
            Self::PostFailed(_) => "BROADCAST_FAILED",
        }
    }
}

/// An open channel: posts text to the other tabs and hands what they post to a callback.
/// A tab never receives its own messages. Dropping the handle removes the listeners and
/// closes the channel.
///
/// ```no_run
/// use diagram_state::platform::broadcast::{BroadcastTransport, Incoming};
///
/// let channel = BroadcastTransport::open("d1", |incoming| match incoming {
///     Incoming::Text(text) => { /* session.on_message(&text, now) */ }
///     Incoming::Unreadable => { /* session.on_unreadable() */ }
/// })?;
/// channel.post(r#"{"protocol":1,"diagramId":"d1","tabId":"t1","version":0,"type":"hello"}"#)?;
/// # Ok::<(), diagram_state::platform::broadcast::BroadcastError>(())
/// ```
#[must_use = "the channel closes when the handle is dropped"]
pub struct BroadcastTransport {
    channel: BroadcastChannel,
    _on_message: EventListener,
    _on_error: EventListener,
}

impl std::fmt::Debug for BroadcastTransport {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("BroadcastTransport")
            .field("name", &self.channel.name())
            .finish_non_exhaustive()
    }
}

impl BroadcastTransport {
    /// Opens the channel of `diagram_id` (see [`channel_name`]).
    pub fn open(
        diagram_id: &str,
        on_incoming: impl FnMut(Incoming) + 'static,
    ) -> Result<Self, BroadcastError> {
        Self::open_named(&channel_name(diagram_id), on_incoming)
    }

    /// Opens the channel called `name`.
    pub fn open_named(
        name: &str,
        on_incoming: impl FnMut(Incoming) + 'static,
    ) -> Result<Self, BroadcastError> {
        let channel = BroadcastChannel::new(name)
            .map_err(|error| BroadcastError::Unavailable(describe(&error)))?;
        let callback: Rc<RefCell<dyn FnMut(Incoming)>> = Rc::new(RefCell::new(on_incoming));
        let deliver = move |incoming: Incoming| {
            // Messages arrive asynchronously, never from inside the callback; the check
            // only guards against a callback that somehow runs nested.
            if let Ok(mut callback) = callback.try_borrow_mut() {
                callback(incoming);
            }
        };
        let deliver = Rc::new(deliver);
        let on_text = Rc::clone(&deliver);
        let on_message = EventListener::new(&channel, "message", move |event| {
            let text = event
                .dyn_ref::<MessageEvent>()
                .and_then(|event| event.data().as_string());
            on_text(text.map_or(Incoming::Unreadable, Incoming::Text));
        });
        let on_error = EventListener::new(&channel, "messageerror", move |_event| {
            deliver(Incoming::Unreadable);
        });
        Ok(Self {
            channel,
            _on_message: on_message,
            _on_error: on_error,
        })
    }

    /// The channel's name.
    pub fn name(&self) -> String {
        self.channel.name()
    }

    /// Posts `text` to every other tab listening on this channel.
    pub fn post(&self, text: &str) -> Result<(), BroadcastError> {
        self.channel
            .post_message(&JsValue::from_str(text))
            .map_err(|error| BroadcastError::PostFailed(describe(&error)))
    }
}

/// The session engine's transport: a failed post is logged (the other tabs repair the gap).
impl Transport for BroadcastTransport {
    fn post(&self, text: &str) {
        if let Err(error) = BroadcastTransport::post(self, text) {
            web_sys::console::warn_1(&format!("diagram-state: {error}").into());
        }
    }
}

impl Drop for BroadcastTransport {
    fn drop(&mut self) {
        self.channel.close();
    }
}

/// A readable description of a thrown JavaScript value.
pub(crate) fn describe(error: &JsValue) -> String {
    error
        .dyn_ref::<js_sys::Error>()
        .map(|error| String::from(error.message()))
        .or_else(|| error.as_string())
        .unwrap_or_else(|| format!("{error:?}"))
}
