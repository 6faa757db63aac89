//! Retry delays: exponential backoff with jitter, capped.

use super::config::AutoSaveConfig;
use crate::core::clock::Millis;

/// The bounds of the wait before retrying after the `failures`-th consecutive failure
/// (1 for the first): the ceiling is `retryInitialDelay × 2^(failures − 1)`, capped at
/// `retryMaxDelay`; the wait lies between `(1 − retryJitter) × ceiling` and the ceiling.
/// With the defaults: about 1 s, 2 s, 4 s, … up to 60 s.
pub fn retry_delay_bounds(config: &AutoSaveConfig, failures: u32) -> (Millis, Millis) {
    let ceiling = backoff_ceiling(config.retry_initial_delay, config.retry_max_delay, failures);
    let jitter = config.retry_jitter.clamp(0.0, 1.0);
    (ceiling * (1.0 - jitter), ceiling)
}

/// Exponential backoff: the longest wait after the `failures`-th consecutive failure (1
/// for the first), `initial × 2^(failures − 1)` capped at `max`. Auto-save's retries and
/// the session's commit retries both wait this long (auto-save with jitter below it).
pub fn backoff_ceiling(initial: Millis, max: Millis, failures: u32) -> Millis {
    let doublings = failures.saturating_sub(1).min(1_000) as i32;
    (initial * 2f64.powi(doublings)).min(max)
}

/// The wait before the next retry after `failures` consecutive failures, for a random
/// `unit` in `[0, 1]` (clamped; a non-finite unit counts as 0): `unit` 0 waits the full
/// ceiling, `unit` 1 the least.
pub fn retry_delay(config: &AutoSaveConfig, failures: u32, unit: f64) -> Millis {
    let (least, ceiling) = retry_delay_bounds(config, failures);
    let unit = if unit.is_finite() {
        unit.clamp(0.0, 1.0)
    } else {
        0.0
    };
    ceiling - (ceiling - least) * unit
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ceiling_doubles_from_one_second_to_a_minute() {
        let config = AutoSaveConfig::default();
        let ceilings: Vec<Millis> = (1..=9)
            .map(|failures| retry_delay_bounds(&config, failures).1)
            .collect();
        assert_eq!(ceilings, [1e3, 2e3, 4e3, 8e3, 16e3, 32e3, 60e3, 60e3, 60e3]);
        assert_eq!(retry_delay_bounds(&config, u32::MAX).1, 60e3);
    }

    #[test]
    fn jitter_stays_within_the_bounds() {
        let config = AutoSaveConfig::default();
        assert_eq!(retry_delay(&config, 1, 0.0), 1_000.0);
        assert_eq!(retry_delay(&config, 1, 1.0), 800.0);
        assert_eq!(retry_delay(&config, 3, 0.5), 3_600.0);
        assert_eq!(retry_delay(&config, 3, f64::NAN), 4_000.0);
        assert_eq!(retry_delay(&config, 3, 7.0), 3_200.0);
    }
}
