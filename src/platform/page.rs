//! The page's lifecycle: `pagehide` (the tab may close) and `visibilitychange`.

use gloo::events::EventListener;

/// Calls `on_pagehide` when the page goes away and `on_visibility(visible)` when it is
/// hidden or shown again, until the returned listeners are dropped. Outside a window
/// (a worker) there are none.
pub fn page_lifecycle(
    on_pagehide: impl Fn() + 'static,
    on_visibility: impl Fn(bool) + 'static,
) -> Vec<EventListener> {
    let Some(window) = web_sys::window() else {
        return Vec::new();
    };
    let mut listeners = vec![EventListener::new(&window, "pagehide", move |_| {
        on_pagehide()
    })];
    if let Some(document) = window.document() {
        let watched = document.clone();
        listeners.push(EventListener::new(
            &document,
            "visibilitychange",
            move |_| on_visibility(watched.visibility_state() == web_sys::VisibilityState::Visible),
        ));
    }
    listeners
}
