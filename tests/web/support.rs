//! Helpers for the browser tests.

use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// Awaits `promise`, failing with `what` if it has not settled within `ms` milliseconds,
/// so a missing event fails the test instead of hanging it.
pub async fn within(ms: i32, what: &str, promise: Promise) -> Result<JsValue, JsValue> {
    let message = format!("timed out after {ms} ms waiting for {what}");
    let timeout = Promise::new(&mut |_resolve, reject| {
        let message = JsValue::from_str(&message);
        let reject_later = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &message);
        });
        let window = web_sys::window().expect("tests run in a window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(reject_later.unchecked_ref(), ms)
            .expect("setTimeout");
    });
    JsFuture::from(Promise::race(&js_sys::Array::of2(&promise, &timeout))).await
}
