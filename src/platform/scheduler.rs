//! The session engine's scheduler in the browser: tasks on the microtask queue
//! (`spawn_local`), waits on `setTimeout`.

use gloo::timers::callback::Timeout;
use js_sys::Promise;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::{spawn_local, JsFuture};

use crate::core::session::{Scheduler, Task};

/// Runs tasks with `spawn_local` and waits with `setTimeout` (in windows and workers).
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserScheduler;

impl Scheduler for BrowserScheduler {
    fn spawn(&self, task: Task) {
        spawn_local(task);
    }

    fn sleep(&self, ms: u32) -> Task {
        let promise = Promise::new(&mut |resolve, _reject| {
            Timeout::new(ms, move || {
                let _ = resolve.call0(&JsValue::UNDEFINED);
            })
            .forget();
        });
        Box::pin(async move {
            let _ = JsFuture::from(promise).await;
        })
    }
}
