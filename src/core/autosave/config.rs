//! The auto-save settings: debounce, max wait, retry backoff and the save timeout.

use serde::{Deserialize, Serialize};

use super::error::AutoSaveError;
use crate::core::clock::Millis;

/// How auto-save schedules and retries saves, in milliseconds. From JavaScript any field may
/// be left out; the defaults are
/// `{ debounce: 1000, maxWait: 10000, retryInitialDelay: 1000, retryMaxDelay: 60000, retryJitter: 0.2, saveTimeout: 60000 }`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub struct AutoSaveConfig {
    /// Quiet time after the latest change before a save starts.
    pub debounce: Millis,
    /// During continuous editing, a save starts at the latest this long after the first
    /// unsaved change, even if the editing never pauses for `debounce`.
    pub max_wait: Millis,
    /// The delay before the first retry of a failed save; it doubles on each failure.
    pub retry_initial_delay: Millis,
    /// The retry delay never exceeds this.
    pub retry_max_delay: Millis,
    /// Jitter as a fraction of the delay, from 0 to 1: each retry waits a random time
    /// between `(1 - retryJitter) × delay` and `delay`, so many tabs do not retry in step.
    pub retry_jitter: f64,
    /// A save the callback has not answered after this long counts as a retryable failure
    /// (its late answer is ignored), so the status never stays `saving`. `null`: no limit.
    pub save_timeout: Option<Millis>,
}

impl Default for AutoSaveConfig {
    fn default() -> Self {
        Self {
            debounce: 1_000.0,
            max_wait: 10_000.0,
            retry_initial_delay: 1_000.0,
            retry_max_delay: 60_000.0,
            retry_jitter: 0.2,
            save_timeout: Some(60_000.0),
        }
    }
}

impl AutoSaveConfig {
    /// Checks every setting: durations finite and not negative, a positive first retry
    /// delay no larger than the maximum, jitter between 0 and 1, a positive save timeout.
    pub fn validate(&self) -> Result<(), AutoSaveError> {
        let invalid = |field, problem| Err(AutoSaveError::InvalidConfig { field, problem });
        for (field, value) in [
            ("debounce", self.debounce),
            ("maxWait", self.max_wait),
            ("retryInitialDelay", self.retry_initial_delay),
            ("retryMaxDelay", self.retry_max_delay),
        ] {
            if !value.is_finite() || value < 0.0 {
                return invalid(field, "must be a finite number of milliseconds, 0 or more");
            }
        }
        if self.retry_initial_delay <= 0.0 {
            return invalid("retryInitialDelay", "must be more than 0");
        }
        if self.retry_max_delay < self.retry_initial_delay {
            return invalid("retryMaxDelay", "must not be less than retryInitialDelay");
        }
        if !(0.0..=1.0).contains(&self.retry_jitter) {
            return invalid("retryJitter", "must be between 0 and 1");
        }
        if let Some(timeout) = self.save_timeout {
            if !timeout.is_finite() || timeout <= 0.0 {
                return invalid(
                    "saveTimeout",
                    "must be a positive number of milliseconds or null",
                );
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn javascript_may_give_only_some_fields() {
        let config: AutoSaveConfig =
            serde_json::from_str(r#"{ "debounce": 250, "saveTimeout": null }"#).unwrap();
        assert_eq!(config.debounce, 250.0);
        assert_eq!(config.max_wait, 10_000.0);
        assert_eq!(config.save_timeout, None);
        assert!(config.validate().is_ok());
    }

    #[test]
    fn out_of_range_settings_are_refused_by_name() {
        let field_of = |config: AutoSaveConfig| match config.validate() {
            Err(AutoSaveError::InvalidConfig { field, .. }) => field,
            other => panic!("expected an invalid config, got {other:?}"),
        };
        let base = AutoSaveConfig::default();
        assert_eq!(
            field_of(AutoSaveConfig {
                debounce: f64::NAN,
                ..base
            }),
            "debounce"
        );
        assert_eq!(
            field_of(AutoSaveConfig {
                max_wait: -1.0,
                ..base
            }),
            "maxWait"
        );
        assert_eq!(
            field_of(AutoSaveConfig {
                retry_initial_delay: 0.0,
                ..base
            }),
            "retryInitialDelay"
        );
        assert_eq!(
            field_of(AutoSaveConfig {
                retry_max_delay: 10.0,
                ..base
            }),
            "retryMaxDelay"
        );
        assert_eq!(
            field_of(AutoSaveConfig {
                retry_jitter: 1.5,
                ..base
            }),
            "retryJitter"
        );
        assert_eq!(
            field_of(AutoSaveConfig {
                save_timeout: Some(0.0),
                ..base
            }),
            "saveTimeout"
        );
    }
}
