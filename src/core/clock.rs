//! Time as the core sees it: an injected clock, so debounce, undo grouping and retry
//! backoff are testable with a fake clock and never read the system time directly.

/// Milliseconds since the Unix epoch, as JavaScript's `Date.now()` reports them.
pub type Millis = f64;

/// A source of the current time.
pub trait Clock {
    /// The current time in milliseconds since the Unix epoch.
    fn now(&self) -> Millis;
}

impl<F: Fn() -> Millis> Clock for F {
    fn now(&self) -> Millis {
        self()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn closures_are_clocks() {
        let time = Cell::new(5.0);
        let clock = || time.get();
        assert_eq!(clock.now(), 5.0);
        time.set(12.5);
        assert_eq!(clock.now(), 12.5);
    }
}
