//! [`AutoSaveEngine`]: the sans-IO auto-save state machine — construction, settings and
//! accessors. Inputs, scheduling, results and observation live in their own files.

use super::config::AutoSaveConfig;
use super::conflict::OpenConflict;
use super::context::EditorContext;
use super::decision::AutoSaveDecision;
use super::error::AutoSaveError;
use super::jitter::{JitterSource, SplitMix64};
use super::pending::PendingChanges;
use super::save::SaveCause;
use crate::core::clock::Millis;
use crate::core::model::Change;

/// The auto-save engine of one diagram. It never sleeps, reads the clock or calls
/// JavaScript: every method that depends on time takes `now`, and a driver
///
/// 1. reports triggers ([`on_trigger`](Self::on_trigger)), context changes, `saveNow`,
///    `flush` and online/offline,
/// 2. calls [`poll`](Self::poll) after each of them and whenever
///    [`next_deadline`](Self::next_deadline) is reached, and starts the [`SaveRequest`]
///    it returns (if any) with the editor's save callback,
/// 3. reports the answer with [`on_save_result`](Self::on_save_result).
///
/// One save is in flight at a time; changes made meanwhile cause exactly one follow-up.
///
/// [`SaveRequest`]: super::SaveRequest
pub struct AutoSaveEngine {
    pub(super) config: AutoSaveConfig,
    pub(super) context: EditorContext,
    pub(super) jitter: Box<dyn JitterSource>,
    pub(super) online: bool,
    /// The server version the unsaved changes are based on.
    pub(super) base_version: u64,
    pub(super) pending: PendingChanges,
    /// How many inputs made the diagram dirty so far…
    pub(super) edits: u64,
    /// …and how many of them a successful save (or a reset) covers.
    pub(super) saved_edits: u64,
    /// A save the decision tree asked for, not started yet.
    pub(super) wanted: Option<Wanted>,
    /// A save to start as soon as possible, bypassing debounce and backoff.
    pub(super) forced: Option<Forced>,
    pub(super) in_flight: Option<InFlight>,
    pub(super) next_attempt: u64,
    pub(super) failure: Option<Failure>,
    pub(super) conflict: Option<OpenConflict>,
    /// When the latest successful save was answered, and its version.
    pub(super) last_saved: Option<(Millis, u64)>,
    pub(super) last_decision: Option<AutoSaveDecision>,
}

/// The first and the latest trigger of a save not started yet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Wanted {
    pub(super) first_at: Millis,
    pub(super) last_at: Millis,
}

/// A save requested to start at once.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Forced {
    pub(super) cause: SaveCause,
    pub(super) at: Millis,
}

/// The save in flight.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct InFlight {
    pub(super) attempt: u64,
    /// `edits` when it started: if still equal when it succeeds, nothing changed meanwhile.
    pub(super) edits: u64,
    pub(super) started_at: Millis,
}

/// Consecutive failed saves.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Failure {
    pub(super) failures: u32,
    /// `None`: not retryable, auto-save stopped until a manual save.
    pub(super) next_retry_at: Option<Millis>,
    pub(super) retryable: bool,
    pub(super) message: String,
}

impl std::fmt::Debug for AutoSaveEngine {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter
            .debug_struct("AutoSaveEngine")
            .field("config", &self.config)
            .field("context", &self.context)
            .field("online", &self.online)
            .field("base_version", &self.base_version)
            .field("pending", &self.pending)
            .field("wanted", &self.wanted)
            .field("forced", &self.forced)
            .field("in_flight", &self.in_flight)
            .field("failure", &self.failure)
            .field("conflict", &self.conflict)
            .finish_non_exhaustive()
    }
}

impl AutoSaveEngine {
    /// An engine with `config`, drawing retry jitter from `jitter`. It starts online, at
    /// base version 0, with a context that is not ready (no graph, no diagram id): call
    /// [`set_context`](Self::set_context) and [`reset`](Self::reset) when the diagram is
    /// loaded. Fails with `INVALID_AUTOSAVE_CONFIG` on a setting out of range.
    pub fn new(
        config: AutoSaveConfig,
        jitter: impl JitterSource + 'static,
    ) -> Result<Self, AutoSaveError> {
        config.validate()?;
        Ok(Self {
            config,
            context: EditorContext::default(),
            jitter: Box::new(jitter),
            online: true,
            base_version: 0,
            pending: PendingChanges::default(),
            edits: 0,
            saved_edits: 0,
            wanted: None,
            forced: None,
            in_flight: None,
            next_attempt: 1,
            failure: None,
            conflict: None,
            last_saved: None,
            last_decision: None,
        })
    }

    /// An engine whose jitter comes from a [`SplitMix64`] seeded with `seed`.
    pub fn with_seed(config: AutoSaveConfig, seed: u64) -> Result<Self, AutoSaveError> {
        Self::new(config, SplitMix64::new(seed))
    }

    /// The settings.
    pub fn config(&self) -> &AutoSaveConfig {
        &self.config
    }

    /// Changes the settings; a scheduled save is rescheduled with the new ones. Fails with
    /// `INVALID_AUTOSAVE_CONFIG` (and changes nothing) on a setting out of range.
    pub fn set_config(&mut self, config: AutoSaveConfig) -> Result<(), AutoSaveError> {
        config.validate()?;
        self.config = config;
        Ok(())
    }

    /// The editor's context as last set.
    pub fn context(&self) -> &EditorContext {
        &self.context
    }

    /// Replaces the editor's context. A save scheduled while the editor was not ready
    /// (e.g. during loading) starts once it is, at the next poll.
    pub fn set_context(&mut self, context: EditorContext) {
        self.context = context;
    }

    /// The server version the next save is based on.
    pub fn base_version(&self) -> u64 {
        self.base_version
    }

    /// The changes since the base version, oldest first (updates of a path squashed).
    pub fn pending_changes(&self) -> &[Change] {
        self.pending.as_slice()
    }

    /// Whether there are unsaved changes (or unsaved external dirty signals).
    pub fn is_dirty(&self) -> bool {
        self.edits > self.saved_edits
    }

    /// Whether the driver last reported the browser online.
    pub fn is_online(&self) -> bool {
        self.online
    }

    /// The decision tree's latest decision.
    pub fn last_decision(&self) -> Option<&AutoSaveDecision> {
        self.last_decision.as_ref()
    }
}
