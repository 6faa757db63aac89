//! The browser clock: `Date.now()`.

use crate::core::clock::{Clock, Millis};

/// The core's [`Clock`] backed by JavaScript's `Date.now()`.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserClock;

impl Clock for BrowserClock {
    fn now(&self) -> Millis {
        js_sys::Date::now()
    }
}
