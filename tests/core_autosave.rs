#![cfg(not(target_arch = "wasm32"))]
//! Auto-save, with a fake clock and a fake save port: one test per box of TMI-UX's
//! "Primary Auto-save Decision Flow", "Auto-save Trigger Sources" and "Auto-save Validation
//! Checks" diagrams, then scheduling (debounce, max wait, the save-storm bound, in-flight
//! coalescing), retries, conflicts, misbehaving save callbacks, offline, flush and saveNow.

use std::collections::VecDeque;

use diagram_state::core::autosave::{
    retry_delay_bounds, AutoSaveConfig, AutoSaveEngine, AutoSaveError, AutoSaveStatus,
    ConflictResolution, DecisionNode, DecisionReason, EditorContext, ResolutionOutcome, SaveCause,
    SaveRequest, SaveResult, Trigger, TriggerSource, Verdict,
};
use diagram_state::core::error::ErrorCode;
use diagram_state::core::history::OperationKind;
use diagram_state::core::model::Change;
use proptest::prelude::*;
use serde_json::{json, Value};

#[path = "fuzz/support/seed.rs"]
mod seed;

// ---- The fake clock and the fake save port ----

/// What the fake save port answers next, instead of its default behaviour.
enum Scripted {
    Answer(SaveResult),
    /// Never answers (a promise that never settles).
    Silent,
}

/// A fake server behind the save port: optimistic concurrency on `version`, answering
/// after `latency` ms of fake time.
struct FakeServer {
    version: u64,
    latency: f64,
    script: VecDeque<Scripted>,
}

impl FakeServer {
    fn answer(&mut self, request: &SaveRequest) -> Option<SaveResult> {
        match self.script.pop_front() {
            Some(Scripted::Answer(result)) => return Some(result),
            Some(Scripted::Silent) => return None,
            None => {}
        }
        if request.base_version != self.version {
            return Some(SaveResult::Conflict {
                server_version: self.version,
                server_cells: None,
            });
        }
        self.version += 1;
        Some(SaveResult::Saved {
            version: self.version,
        })
    }
}

/// An engine driven the way the browser driver drives it, with time under test control.
struct Harness {
    engine: AutoSaveEngine,
    /// The fake clock.
    now: f64,
    server: FakeServer,
    /// Every save started, in order.
    requests: Vec<SaveRequest>,
    /// The answer to the save in flight, and when it arrives.
    answer: Option<(f64, u64, SaveResult)>,
    edits: i64,
}

impl Harness {
    fn new() -> Self {
        Self::with_config(AutoSaveConfig::default())
    }

    /// A ready editor on diagram `d1`, loaded at version 1, answering saves after 100 ms.
    fn with_config(config: AutoSaveConfig) -> Self {
        let mut engine = AutoSaveEngine::with_seed(config, 7).unwrap();
        engine.set_context(EditorContext::ready("d1"));
        engine.reset(1);
        Self {
            engine,
            now: 0.0,
            server: FakeServer {
                version: 1,
                latency: 100.0,
                script: VecDeque::new(),
            },
            requests: Vec::new(),
            answer: None,
            edits: 0,
        }
    }

    fn script(&mut self, scripted: Scripted) -> &mut Self {
        self.server.script.push_back(scripted);
        self
    }

    /// One semantic node move, reported now.
    fn edit(&mut self) -> Verdict {
        self.edits += 1;
        let change = Change::update(
            "n1",
            "position/x",
            Some(json!(self.edits - 1)),
            Some(json!(self.edits)),
        );
        let decision = self.engine.on_trigger(
            Trigger::history(vec![change], Some(OperationKind::NodeMove)),
            self.now,
        );
        self.pump();
        decision.decision
    }

    /// What a driver does after any input: deliver a due answer, then poll.
    fn pump(&mut self) {
        if let Some((at, attempt, _)) = &self.answer {
            if *at <= self.now {
                let attempt = *attempt;
                if let Some((_, _, result)) = self.answer.take() {
                    self.engine.on_save_result(attempt, result, self.now);
                }
            }
        }
        if let Some(request) = self.engine.poll(self.now) {
            if let Some(result) = self.server.answer(&request) {
                self.answer = Some((self.now + self.server.latency, request.attempt, result));
            }
            self.requests.push(request);
        }
    }

    /// Advances the fake clock to `until`, waking at every deadline and answer on the way,
    /// as the browser timer would.
    fn run_until(&mut self, until: f64) {
        for _ in 0..10_000 {
            let answer_at = self.answer.as_ref().map(|(at, _, _)| *at);
            let next = [answer_at, self.engine.next_deadline()]
                .into_iter()
                .flatten()
                .fold(f64::INFINITY, f64::min);
            if next > until {
                self.now = until;
                self.pump();
                return;
            }
            self.now = self.now.max(next);
            let before = (self.requests.len(), self.engine.status());
            self.pump();
            let stuck = self.engine.next_deadline().is_some_and(|at| at <= self.now)
                && (self.requests.len(), self.engine.status()) == before
                && self.answer.as_ref().is_none_or(|(at, _, _)| *at > self.now);
            assert!(
                !stuck,
                "a passed deadline made poll do nothing: a timer would spin"
            );
        }
        panic!("run_until did not settle");
    }

    fn advance(&mut self, ms: f64) {
        self.run_until(self.now + ms);
    }

    /// Runs until nothing more is scheduled (at most ten minutes of fake time).
    fn settle(&mut self) {
        self.advance(600_000.0);
    }

    fn saves(&self) -> usize {
        self.requests.len()
    }

    fn last_request(&self) -> &SaveRequest {
        self.requests.last().expect("a save was started")
    }

    fn set_context(&mut self, edit: impl FnOnce(&mut EditorContext)) {
        let mut context = self.engine.context().clone();
        edit(&mut context);
        self.engine.set_context(context);
        self.pump();
    }
}

fn moved(n: i64) -> Change {
    Change::update("n1", "position/x", Some(json!(n)), Some(json!(n + 1)))
}

fn history(kind: OperationKind) -> Trigger {
    Trigger::history(vec![moved(0)], Some(kind))
}

fn error_of(status: AutoSaveStatus) -> (u32, Option<f64>, bool, String) {
    match status {
        AutoSaveStatus::Error {
            attempt,
            next_retry_at,
            retryable,
            message,
        } => (attempt, next_retry_at, retryable, message),
        other => panic!("expected an error status, got {other:?}"),
    }
}

/// Asserts a skip with `reason`, decided by the last node of the path, and that nothing was
/// scheduled.
fn assert_skip(harness: &mut Harness, trigger: Trigger, reason: DecisionReason) {
    let decision = harness.engine.on_trigger(trigger, harness.now);
    assert_eq!(decision.decision, Verdict::Skip);
    assert_eq!(decision.reason, reason);
    assert_eq!(
        decision.path.last().map(|node| node.skip_reason()),
        Some(reason)
    );
    assert_eq!(harness.engine.last_decision(), Some(&decision));
    harness.settle();
    assert_eq!(harness.saves(), 0, "a skipped trigger must not save");
}

// ---- Primary Auto-save Decision Flow ----

#[test]
fn skip_auto_save_loading_state_while_initial_load_is_in_progress() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.initial_load_in_progress = true);
    assert_skip(
        &mut harness,
        history(OperationKind::GroupCreation),
        DecisionReason::InitialLoadInProgress,
    );
    assert_eq!(
        harness.engine.last_decision().unwrap().path,
        [DecisionNode::InitialLoad]
    );
    assert!(
        !harness.engine.is_dirty(),
        "the load itself is not unsaved work"
    );
}

#[test]
fn skip_auto_save_websocket_handles_persistence_when_collaborating() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.collaborating = true);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::Collaborating,
    );
    assert!(!harness.engine.is_dirty());
    assert!(harness.engine.pending_changes().is_empty());
}

#[test]
fn skip_auto_save_visual_change_only() {
    let mut harness = Harness::new();
    let visual = Trigger::HistoryChange {
        changes: Vec::new(),
        semantic: Some(false),
        kind: None,
    };
    assert_skip(&mut harness, visual, DecisionReason::NotSemantic);
    assert_skip(
        &mut harness,
        Trigger::history(Vec::new(), None),
        DecisionReason::NotSemantic,
    );
    assert_eq!(harness.engine.status(), AutoSaveStatus::Idle);
}

#[test]
fn skip_auto_save_filtered_out_by_the_operation_filter() {
    let mut harness = Harness::new();
    harness.set_context(|context| {
        context
            .operation_filter
            .excluded_kinds
            .push(OperationKind::NodeMove)
    });
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::FilteredOut,
    );
    let decision = harness.engine.last_decision().unwrap();
    assert_eq!(decision.excluded_kind, Some(OperationKind::NodeMove));
    // The diagram load is filtered out by default.
    assert_skip(
        &mut harness,
        history(OperationKind::DiagramLoad),
        DecisionReason::FilteredOut,
    );
    // A filtered change does not trigger a save, but it is unsaved: it goes out with the
    // next save.
    assert_eq!(harness.engine.status(), AutoSaveStatus::Dirty);
    let rename = Change::update("n1", "attrs/text/text", Some(json!("A")), Some(json!("B")));
    let decision = harness.engine.on_trigger(
        Trigger::history(vec![rename.clone()], Some(OperationKind::CellUpdate)),
        harness.now,
    );
    assert!(decision.is_save());
    harness.settle();
    assert_eq!(harness.saves(), 1);
    assert_eq!(
        harness.last_request().changes_since_base,
        [moved(0), rename]
    );
}

#[test]
fn include_record_in_history_then_save_diagram_changes() {
    let mut harness = Harness::new();
    assert_eq!(harness.edit(), Verdict::Save);
    let decision = harness.engine.last_decision().unwrap().clone();
    assert_eq!(decision.reason, DecisionReason::ChecksPassed);
    assert_eq!(decision.path, DecisionNode::ALL);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Dirty);
    harness.settle();
    assert_eq!(harness.saves(), 1);
    let request = harness.last_request();
    assert_eq!(request.diagram_id, "d1");
    assert_eq!(request.base_version, 1);
    assert_eq!(request.changes_since_base, [moved(0)]);
    assert_eq!(
        harness.engine.status(),
        AutoSaveStatus::Saved {
            at: 1_100.0,
            version: 2
        }
    );
}

#[test]
fn required_data_not_available_log_warning_cannot_save() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.required_ids = vec!["threatModelId".into()]);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::MissingRequiredId,
    );
    assert_eq!(
        harness.engine.last_decision().unwrap().missing_ids,
        ["threatModelId"]
    );
}

// ---- Auto-save Trigger Sources ----

#[test]
fn history_state_changes_trigger_a_save() {
    let mut harness = Harness::new();
    let decision = harness
        .engine
        .on_trigger(history(OperationKind::NodeResize), 0.0);
    assert_eq!(decision.trigger, TriggerSource::HistoryChange);
    assert!(decision.is_save());
    harness.settle();
    assert_eq!(harness.saves(), 1);
}

#[test]
fn cell_metadata_changes_trigger_a_save() {
    let mut harness = Harness::new();
    let change = Change::update("n1", "data/name", Some(json!("a")), Some(json!("b")));
    let decision = harness.engine.on_trigger(
        Trigger::CellMetadataChange {
            cell_id: "n1".into(),
            changes: vec![change.clone()],
        },
        0.0,
    );
    assert_eq!(decision.trigger, TriggerSource::CellMetadataChange);
    assert!(decision.is_save());
    harness.settle();
    assert_eq!(harness.last_request().changes_since_base, [change]);
}

#[test]
fn threat_changes_trigger_a_save_as_an_external_dirty_signal() {
    let mut harness = Harness::new();
    let decision = harness.engine.on_trigger(
        Trigger::ExternalDirty {
            label: "threats".into(),
        },
        0.0,
    );
    assert_eq!(decision.trigger, TriggerSource::ExternalDirty);
    assert!(decision.is_save());
    assert!(harness.engine.is_dirty());
    harness.settle();
    assert_eq!(harness.saves(), 1);
    assert!(harness.last_request().changes_since_base.is_empty());
    assert!(!harness.engine.is_dirty());
}

#[test]
fn every_trigger_source_passes_the_same_checks_and_skips_save() {
    let triggers = [
        history(OperationKind::NodeMove),
        Trigger::CellMetadataChange {
            cell_id: "n1".into(),
            changes: Vec::new(),
        },
        Trigger::ExternalDirty {
            label: "threats".into(),
        },
    ];
    for trigger in triggers {
        let mut harness = Harness::new();
        harness.set_context(|context| context.loading = true);
        assert_skip(&mut harness, trigger, DecisionReason::StillLoading);
    }
}

// ---- Auto-save Validation Checks ----

#[test]
fn skip_graph_not_ready() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.graph_initialized = false);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::GraphNotInitialized,
    );
}

#[test]
fn skip_no_diagram_id() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.diagram_id = None);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::NoDiagramId,
    );
}

#[test]
fn skip_no_threat_model_id() {
    let mut harness = Harness::new();
    harness.set_context(|context| {
        context.required_ids = vec!["threatModelId".into()];
        context.ids.insert("threatModelId".into(), None);
    });
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::MissingRequiredId,
    );
    // Once the id is there, the next change saves everything since the base.
    harness.set_context(|context| {
        context
            .ids
            .insert("threatModelId".into(), Some("tm-1".into()));
    });
    assert_eq!(harness.edit(), Verdict::Save);
    harness.settle();
    assert_eq!(harness.saves(), 1);
}

#[test]
fn skip_still_loading() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.loading = true);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::StillLoading,
    );
    assert_eq!(
        harness.engine.last_decision().unwrap().path,
        DecisionNode::ALL
    );
}

#[test]
fn skip_collaboration_mode_uses_websocket() {
    // Collaboration that starts after a change was scheduled holds the save back.
    let mut harness = Harness::new();
    harness.edit();
    harness.set_context(|context| context.collaborating = true);
    assert_eq!(harness.engine.next_deadline(), None);
    harness.settle();
    assert_eq!(harness.saves(), 0);
    assert_skip(
        &mut harness,
        history(OperationKind::NodeMove),
        DecisionReason::Collaborating,
    );
}

#[test]
fn proceed_with_save_once_the_editor_is_ready_again() {
    let mut harness = Harness::new();
    harness.edit();
    harness.set_context(|context| context.loading = true);
    harness.settle();
    assert_eq!(harness.saves(), 0);
    harness.set_context(|context| context.loading = false);
    assert_eq!(
        harness.saves(),
        1,
        "the overdue save starts at the next poll"
    );
}

// ---- Scheduling ----

#[test]
fn debounce_waits_for_a_quiet_second() {
    let mut harness = Harness::new();
    harness.edit();
    harness.advance(900.0);
    harness.edit();
    assert_eq!(harness.engine.next_deadline(), Some(1_900.0));
    harness.advance(999.0);
    assert_eq!(harness.saves(), 0);
    harness.advance(1.0);
    assert_eq!(harness.saves(), 1);
    assert_eq!(harness.last_request().cause, SaveCause::Debounce);
}

#[test]
fn max_wait_saves_at_least_every_ten_seconds_during_continuous_editing() {
    let mut harness = Harness::new();
    let mut starts = Vec::new();
    for _ in 0..300 {
        harness.edit();
        harness.advance(100.0);
        if harness.saves() > starts.len() {
            starts.push((harness.last_request().cause, harness.now));
        }
    }
    // 30 s of editing without a pause: a save every 10 s (each one 10 s after the first
    // change it did not carry).
    assert_eq!(
        starts,
        [
            (SaveCause::MaxWait, 10_000.0),
            (SaveCause::MaxWait, 20_000.0),
            (SaveCause::MaxWait, 30_000.0)
        ]
    );
    // The last save carried the last change: nothing follows.
    harness.settle();
    assert_eq!(harness.saves(), 3);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
}

#[test]
fn dragging_1000_changes_over_2_seconds_saves_at_most_3_times() {
    let mut harness = Harness::new();
    for _ in 0..1_000 {
        harness.edit();
        harness.advance(2.0);
    }
    harness.settle();
    assert!(harness.saves() <= 3, "{} saves", harness.saves());
    assert_eq!(harness.saves(), 1);
    // The drag's 1,000 updates of one path went out as one.
    assert_eq!(harness.last_request().changes_since_base.len(), 1);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
}

#[test]
fn changes_during_a_save_cause_exactly_one_follow_up() {
    let mut harness = Harness::new();
    harness.server.latency = 3_000.0;
    harness.edit();
    harness.advance(1_000.0);
    assert_eq!(harness.saves(), 1);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Saving);
    for _ in 0..20 {
        harness.advance(100.0);
        harness.edit();
    }
    assert_eq!(harness.saves(), 1, "one save in flight at a time");
    harness.settle();
    assert_eq!(harness.saves(), 2, "exactly one follow-up");
    let follow_up = harness.last_request();
    assert_eq!(
        follow_up.base_version, 2,
        "based on the first save's version"
    );
    assert_eq!(
        follow_up.changes_since_base.len(),
        1,
        "only the later changes"
    );
    assert_eq!(
        follow_up.changes_since_base[0],
        Change::update("n1", "position/x", Some(json!(1)), Some(json!(21)))
    );
}

#[test]
fn saved_while_changed_keeps_dirty() {
    let mut harness = Harness::new();
    harness.edit();
    harness.advance(1_000.0);
    harness.advance(50.0);
    harness.edit(); // during the save
    harness.advance(50.0); // the answer arrives
    assert_eq!(harness.engine.base_version(), 2);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Dirty);
    assert!(harness.engine.is_dirty());
    assert_eq!(harness.engine.pending_changes().len(), 1);
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { version: 3, .. }
    ));
}

// ---- Retries ----

#[test]
fn retryable_failures_back_off_exponentially_with_jitter_up_to_a_minute() {
    let config = AutoSaveConfig::default();
    let mut harness = Harness::new();
    for _ in 0..10 {
        harness.script(Scripted::Answer(SaveResult::failed(
            true,
            "503 Service Unavailable",
        )));
    }
    harness.edit();
    harness.advance(1_000.0); // first save starts
    let mut previous_start = harness.now;
    for failure in 1..=10u32 {
        harness.advance(100.0); // its answer: failed
        let (attempt, next_retry_at, retryable, message) = error_of(harness.engine.status());
        assert_eq!(attempt, failure);
        assert!(retryable);
        assert_eq!(message, "503 Service Unavailable");
        let next_retry_at = next_retry_at.expect("a retry is scheduled");
        let (least, most) = retry_delay_bounds(&config, failure);
        let delay = next_retry_at - harness.now;
        assert!(
            (least..=most).contains(&delay),
            "failure {failure}: {delay} not in {least}..={most}"
        );
        assert!(most <= 60_000.0);
        assert_eq!(harness.engine.next_deadline(), Some(next_retry_at));
        // Editing during the wait does not retry earlier.
        harness.edit();
        harness.run_until(next_retry_at - 1.0);
        assert_eq!(harness.saves(), failure as usize);
        harness.run_until(next_retry_at);
        assert_eq!(harness.saves(), failure as usize + 1);
        assert_eq!(harness.last_request().cause, SaveCause::Retry);
        assert!(harness.now > previous_start);
        previous_start = harness.now;
    }
    assert_eq!(retry_delay_bounds(&config, 1), (800.0, 1_000.0));
    assert_eq!(retry_delay_bounds(&config, 10), (48_000.0, 60_000.0));
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
    assert!(harness.engine.pending_changes().is_empty());
}

#[test]
fn a_success_after_failures_resets_the_backoff() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(true, "timeout")));
    harness.script(Scripted::Answer(SaveResult::failed(true, "timeout")));
    harness.edit();
    harness.settle();
    assert_eq!(harness.saves(), 3);
    harness.script(Scripted::Answer(SaveResult::failed(true, "again")));
    harness.edit();
    harness.advance(1_100.0);
    let (attempt, next_retry_at, _, _) = error_of(harness.engine.status());
    assert_eq!(attempt, 1, "the count starts over");
    assert!(next_retry_at.unwrap() - harness.now <= 1_000.0);
}

#[test]
fn non_retryable_failures_stop_and_surface_until_a_manual_save() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(false, "403 Forbidden")));
    harness.edit();
    harness.settle();
    assert_eq!(harness.saves(), 1);
    let (attempt, next_retry_at, retryable, message) = error_of(harness.engine.status());
    assert_eq!((attempt, next_retry_at, retryable), (1, None, false));
    assert_eq!(message, "403 Forbidden");
    assert!(harness.engine.snapshot().paused);
    // Further edits stay unsaved and the error stays visible.
    harness.edit();
    harness.settle();
    assert_eq!(harness.saves(), 1);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Error { .. }
    ));
    // A manual save resumes.
    harness.engine.save_now(harness.now).unwrap();
    harness.pump();
    assert_eq!(harness.saves(), 2);
    assert_eq!(harness.last_request().cause, SaveCause::Manual);
    assert_eq!(harness.last_request().changes_since_base.len(), 1);
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
    assert!(!harness.engine.snapshot().paused);
}

// ---- Conflicts ----

/// A harness whose server moved on to version 5 behind the editor's back, with one
/// unsaved local edit that conflicted.
fn in_conflict() -> Harness {
    let mut harness = Harness::new();
    harness.server.version = 5;
    harness.edit();
    harness.settle();
    assert_eq!(
        harness.engine.status(),
        AutoSaveStatus::Conflict { server_version: 5 }
    );
    harness
}

#[test]
fn a_version_conflict_pauses_auto_save() {
    let mut harness = in_conflict();
    assert!(harness.engine.snapshot().paused);
    harness.edit();
    harness.settle();
    assert_eq!(harness.saves(), 1, "no save while the conflict is open");
    let error = harness.engine.save_now(harness.now).unwrap_err();
    assert_eq!(error.code(), "VERSION_CONFLICT");
    assert!(!harness.engine.flush(harness.now));
}

#[test]
fn refresh_adopts_the_server_state_and_sets_local_changes_aside() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::Conflict {
        server_version: 5,
        server_cells: Some(vec![json!({ "id": "server-node" })]),
    }));
    harness.edit();
    harness.settle();
    harness.edit(); // a second unsaved edit during the conflict
    let outcome = harness
        .engine
        .resolve_conflict(ConflictResolution::Refresh, harness.now)
        .unwrap();
    let ResolutionOutcome::Refresh {
        server_version,
        server_cells,
        set_aside,
    } = outcome
    else {
        panic!("expected a refresh outcome");
    };
    assert_eq!(server_version, 5);
    assert_eq!(server_cells, Some(vec![json!({ "id": "server-node" })]));
    assert_eq!(
        set_aside,
        [Change::update(
            "n1",
            "position/x",
            Some(json!(0)),
            Some(json!(2))
        )]
    );
    assert_eq!(harness.engine.base_version(), 5);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Idle);
    assert!(!harness.engine.snapshot().paused);
    harness.server.version = 5;
    harness.edit();
    harness.settle();
    assert_eq!(harness.last_request().base_version, 5);
    assert_eq!(harness.last_request().changes_since_base.len(), 1);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { version: 6, .. }
    ));
}

#[test]
fn overwrite_saves_again_with_the_server_version_as_base() {
    let mut harness = in_conflict();
    let outcome = harness
        .engine
        .resolve_conflict(ConflictResolution::Overwrite, harness.now)
        .unwrap();
    assert!(
        matches!(outcome, ResolutionOutcome::Overwrite { base_version: 5, ref unsaved, .. } if unsaved == &[moved(0)]),
        "{outcome:?}"
    );
    harness.pump();
    assert_eq!(harness.saves(), 2);
    let request = harness.last_request();
    assert_eq!(
        (request.base_version, request.cause),
        (5, SaveCause::Overwrite)
    );
    assert_eq!(
        request.changes_since_base,
        [moved(0)],
        "the local changes go again"
    );
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { version: 6, .. }
    ));
}

#[test]
fn cancel_keeps_local_changes_unsaved_and_pauses_until_the_next_resolution() {
    let mut harness = in_conflict();
    let outcome = harness
        .engine
        .resolve_conflict(ConflictResolution::Cancel, harness.now)
        .unwrap();
    assert_eq!(outcome, ResolutionOutcome::Cancel);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Dirty);
    assert!(harness.engine.snapshot().paused);
    harness.edit();
    harness.settle();
    assert_eq!(harness.saves(), 1, "auto-save stays paused");
    assert_eq!(harness.engine.pending_changes().len(), 1);
    // A later resolution still works.
    harness
        .engine
        .resolve_conflict(ConflictResolution::Overwrite, harness.now)
        .unwrap();
    harness.settle();
    assert_eq!(harness.saves(), 2);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
}

#[test]
fn cancel_then_a_manual_save_resumes() {
    let mut harness = in_conflict();
    harness
        .engine
        .resolve_conflict(ConflictResolution::Cancel, harness.now)
        .unwrap();
    harness.engine.save_now(harness.now).unwrap();
    harness.pump();
    assert_eq!(harness.saves(), 2);
    assert_eq!(harness.last_request().base_version, 1, "still the old base");
    harness.settle();
    assert_eq!(
        harness.engine.status(),
        AutoSaveStatus::Conflict { server_version: 5 },
        "the server still says conflict"
    );
}

#[test]
fn resolving_without_a_conflict_is_refused() {
    let mut harness = Harness::new();
    let error = harness
        .engine
        .resolve_conflict(ConflictResolution::Overwrite, 0.0)
        .unwrap_err();
    assert_eq!(error, AutoSaveError::NoConflict);
    assert_eq!(error.code(), "NO_CONFLICT");
}

// ---- Misbehaving save callbacks ----

#[test]
fn a_throwing_save_callback_is_a_retryable_failure_not_a_stuck_saving_state() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::callback_threw(
        "TypeError: Failed to fetch",
    )));
    harness.edit();
    harness.advance(1_100.0);
    let (_, next_retry_at, retryable, message) = error_of(harness.engine.status());
    assert!(retryable && next_retry_at.is_some());
    assert!(message.contains("threw: TypeError: Failed to fetch"));
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
}

#[test]
fn a_garbage_answer_is_a_failed_save_with_a_clear_message() {
    for garbage in [json!(undefined_like()), json!(42), json!({ "ok": true })] {
        let mut harness = Harness::new();
        harness.script(Scripted::Answer(SaveResult::from_answer(&garbage)));
        harness.edit();
        harness.settle();
        let (_, next_retry_at, retryable, message) = error_of(harness.engine.status());
        assert!(!retryable && next_retry_at.is_none());
        assert!(
            message.starts_with("the save callback answered"),
            "{message}"
        );
    }
}

/// What `undefined` becomes on its way from JavaScript.
fn undefined_like() -> Value {
    Value::Null
}

#[test]
fn a_save_that_never_answers_times_out_as_a_retryable_failure() {
    let mut harness = Harness::new();
    harness.script(Scripted::Silent);
    harness.edit();
    harness.advance(1_000.0);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Saving);
    assert_eq!(harness.engine.next_deadline(), Some(61_000.0));
    let stale_attempt = harness.last_request().attempt;
    harness.run_until(61_000.0);
    let (attempt, _, retryable, message) = error_of(harness.engine.status());
    assert_eq!((attempt, retryable), (1, true));
    assert!(
        message.contains("did not answer within 60000 ms"),
        "{message}"
    );
    // Its late answer is ignored.
    assert!(!harness.engine.on_save_result(
        stale_attempt,
        SaveResult::Saved { version: 9 },
        harness.now
    ));
    harness.settle();
    assert_eq!(harness.saves(), 2);
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { version: 2, .. }
    ));
}

#[test]
fn answers_for_unknown_attempts_are_ignored() {
    let mut harness = Harness::new();
    assert!(!harness
        .engine
        .on_save_result(99, SaveResult::Saved { version: 9 }, 0.0));
    harness.edit();
    harness.advance(1_000.0);
    let attempt = harness.last_request().attempt;
    assert!(!harness
        .engine
        .on_save_result(attempt + 1, SaveResult::Saved { version: 9 }, 0.0));
    assert_eq!(harness.engine.status(), AutoSaveStatus::Saving);
}

// ---- Offline ----

#[test]
fn offline_waits_then_saves_when_back_online() {
    let mut harness = Harness::new();
    harness.engine.set_online(false, harness.now);
    harness.edit();
    harness.advance(30_000.0);
    assert_eq!(harness.saves(), 0);
    assert_eq!(
        harness.engine.next_deadline(),
        None,
        "no timer while offline"
    );
    assert_eq!(harness.engine.status(), AutoSaveStatus::Dirty);
    assert!(!harness.engine.snapshot().online);
    harness.engine.set_online(true, harness.now);
    harness.pump();
    assert_eq!(harness.saves(), 1);
    harness.settle();
    assert!(matches!(
        harness.engine.status(),
        AutoSaveStatus::Saved { .. }
    ));
}

#[test]
fn back_online_retries_at_once() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(true, "offline")));
    harness.script(Scripted::Answer(SaveResult::failed(true, "offline")));
    harness.script(Scripted::Answer(SaveResult::failed(true, "offline")));
    harness.edit();
    harness.advance(1_100.0);
    harness.engine.set_online(false, harness.now);
    harness.advance(100_000.0);
    assert_eq!(harness.saves(), 1);
    harness.engine.set_online(true, harness.now);
    harness.pump();
    assert_eq!(harness.saves(), 2);
    assert_eq!(harness.last_request().cause, SaveCause::Retry);
}

// ---- saveNow and flush ----

#[test]
fn save_now_skips_the_debounce() {
    let mut harness = Harness::new();
    harness.edit();
    harness.engine.save_now(harness.now).unwrap();
    harness.pump();
    assert_eq!(harness.saves(), 1);
    assert_eq!(harness.last_request().cause, SaveCause::Manual);
    assert_eq!(
        harness.engine.last_decision().unwrap().trigger,
        TriggerSource::Manual
    );
    harness.settle();
    assert_eq!(harness.saves(), 1, "the debounced save was part of it");
}

#[test]
fn save_now_during_a_save_queues_one_follow_up() {
    let mut harness = Harness::new();
    harness.edit();
    harness.advance(1_000.0);
    harness.edit();
    harness.engine.save_now(harness.now).unwrap();
    harness.engine.save_now(harness.now).unwrap();
    harness.pump();
    assert_eq!(harness.saves(), 1);
    harness.advance(100.0);
    assert_eq!(harness.saves(), 2, "right after the answer, no debounce");
    assert_eq!(harness.last_request().cause, SaveCause::Manual);
    harness.settle();
    assert_eq!(harness.saves(), 2);
}

#[test]
fn save_now_goes_through_the_decision_tree() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.diagram_id = Some(String::new()));
    let error = harness.engine.save_now(0.0).unwrap_err();
    assert_eq!(
        error,
        AutoSaveError::Skipped {
            reason: DecisionReason::NoDiagramId
        }
    );
    assert_eq!(error.code(), "SAVE_SKIPPED");
    assert_eq!(
        harness.engine.last_decision().unwrap().reason,
        DecisionReason::NoDiagramId
    );
    // A manual trigger is the same thing.
    harness.set_context(|context| context.diagram_id = Some("d1".into()));
    let decision = harness.engine.on_trigger(Trigger::Manual, harness.now);
    assert!(decision.is_save());
    harness.pump();
    assert_eq!(harness.saves(), 1);
}

#[test]
fn flush_starts_a_final_save_at_once() {
    let mut harness = Harness::new();
    harness.edit();
    assert!(harness.engine.flush(harness.now));
    harness.pump();
    assert_eq!(harness.saves(), 1);
    assert_eq!(harness.last_request().cause, SaveCause::Flush);
}

#[test]
fn flush_with_nothing_unsaved_does_nothing() {
    let mut harness = Harness::new();
    assert!(!harness.engine.flush(0.0));
    harness.edit();
    harness.settle();
    assert!(!harness.engine.flush(harness.now));
    harness.pump();
    assert_eq!(harness.saves(), 1);
}

#[test]
fn flush_waits_for_the_save_in_flight_then_saves_the_rest() {
    let mut harness = Harness::new();
    harness.edit();
    harness.advance(1_000.0);
    harness.edit();
    assert!(harness.engine.flush(harness.now));
    harness.pump();
    assert_eq!(harness.saves(), 1);
    harness.advance(100.0);
    assert_eq!(harness.saves(), 2);
    assert_eq!(harness.last_request().cause, SaveCause::Flush);
}

#[test]
fn flush_skips_the_retry_backoff_but_not_a_stop() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(true, "503")));
    harness.edit();
    harness.advance(1_100.0);
    assert!(harness.engine.flush(harness.now));
    harness.pump();
    assert_eq!(harness.saves(), 2);

    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(false, "403")));
    harness.edit();
    harness.advance(1_100.0);
    assert!(!harness.engine.flush(harness.now));
}

// ---- Reset, config and observation ----

#[test]
fn reset_forgets_everything_and_ignores_the_answer_in_flight() {
    let mut harness = Harness::new();
    harness.edit();
    harness.advance(1_000.0);
    let attempt = harness.last_request().attempt;
    harness.engine.reset(10);
    assert_eq!(harness.engine.status(), AutoSaveStatus::Idle);
    assert!(!harness
        .engine
        .on_save_result(attempt, SaveResult::Saved { version: 2 }, harness.now));
    assert_eq!(harness.engine.base_version(), 10);
    assert!(harness.engine.pending_changes().is_empty());
}

#[test]
fn invalid_settings_are_refused() {
    let config = AutoSaveConfig {
        retry_jitter: 2.0,
        ..AutoSaveConfig::default()
    };
    let error = AutoSaveEngine::with_seed(config, 1).unwrap_err();
    assert_eq!(error.code(), "INVALID_AUTOSAVE_CONFIG");
    let mut harness = Harness::new();
    assert!(harness.engine.set_config(config).is_err());
    assert_eq!(harness.engine.config(), &AutoSaveConfig::default());
}

#[test]
fn status_and_snapshot_serialize_for_javascript() {
    let mut harness = Harness::new();
    harness.script(Scripted::Answer(SaveResult::failed(true, "503")));
    harness.edit();
    assert_eq!(
        serde_json::to_value(harness.engine.snapshot()).unwrap(),
        json!({
            "status": { "state": "dirty" },
            "lastDecision": {
                "decision": "save", "reason": "checksPassed", "trigger": "historyChange",
                "path": ["initialLoad", "collaborating", "semantic", "operationFilter",
                         "graphInitialized", "diagramId", "requiredIds", "loading"]
            },
            "online": true, "paused": false, "baseVersion": 1, "pendingChanges": 1,
            "nextSaveAt": 1000.0
        })
    );
    harness.advance(1_100.0);
    let status = serde_json::to_value(harness.engine.status()).unwrap();
    assert_eq!(status["state"], "error");
    assert_eq!(status["attempt"], 1);
    assert!(status["nextRetryAt"].is_f64());
    harness.settle();
    assert_eq!(
        serde_json::to_value(harness.engine.status()).unwrap(),
        json!({ "state": "saved", "at": harness.engine_saved_at(), "version": 2 })
    );
    assert_eq!(
        serde_json::to_value(AutoSaveStatus::Conflict { server_version: 4 }).unwrap(),
        json!({ "state": "conflict", "serverVersion": 4 })
    );
}

impl Harness {
    fn engine_saved_at(&self) -> f64 {
        match self.engine.status() {
            AutoSaveStatus::Saved { at, .. } => at,
            other => panic!("not saved: {other:?}"),
        }
    }
}

// ---- Properties ----

proptest! {
    #![proptest_config(seed::config(128, seed::seed()))]

    /// However the edits of a 2-second drag are spread, and however slow or failing-free
    /// the server, auto-save starts at most 3 saves, never two at once, and in the end
    /// every change is saved.
    #[test]
    fn a_two_second_drag_never_causes_a_save_storm(
        mut times in prop::collection::vec(0.0f64..2_000.0, 1..400),
        latency in 0.0f64..3_000.0,
    ) {
        times.sort_by(f64::total_cmp);
        let mut harness = Harness::new();
        harness.server.latency = latency;
        for time in times {
            harness.run_until(time);
            harness.edit();
        }
        harness.settle();
        prop_assert!(harness.saves() <= 3, "{} saves", harness.saves());
        prop_assert!(harness.engine.pending_changes().is_empty());
        prop_assert!(!harness.engine.is_dirty());
        prop_assert_eq!(harness.engine.base_version(), harness.server.version);
    }

    /// With random failures, timings and debounce settings, the status is never stuck:
    /// after enough quiet time every change is saved, and saves never overlap.
    #[test]
    fn every_change_is_eventually_saved_despite_failures(
        steps in prop::collection::vec((0.0f64..5_000.0, any::<bool>()), 1..60),
        debounce in 0.0f64..2_000.0,
        latency in 0.0f64..2_000.0,
    ) {
        let config = AutoSaveConfig { debounce, ..AutoSaveConfig::default() };
        let mut harness = Harness::with_config(config);
        harness.server.latency = latency;
        for (gap, fail) in steps {
            if fail {
                harness.script(Scripted::Answer(SaveResult::failed(true, "flaky")));
            }
            harness.advance(gap);
            harness.edit();
            let in_flight = harness.engine.status() == AutoSaveStatus::Saving;
            prop_assert!(!in_flight || harness.answer.is_some() || harness.engine.next_deadline().is_some());
        }
        harness.server.script.clear();
        harness.settle();
        prop_assert!(!harness.engine.is_dirty());
        let saved = matches!(harness.engine.status(), AutoSaveStatus::Saved { .. });
        prop_assert!(saved, "status {:?}", harness.engine.status());
        prop_assert_eq!(harness.engine.base_version(), harness.server.version);
    }
}

#[test]
fn changes_an_earlier_session_left_unsaved_are_saved_once_the_editor_is_ready() {
    let mut harness = Harness::new();
    harness.set_context(|context| context.graph_initialized = false);
    harness.engine.carry_over_unsaved(harness.now);
    assert!(harness.engine.is_dirty());
    harness.settle();
    assert_eq!(harness.saves(), 0, "not before the graph is ready");
    harness.set_context(|context| context.graph_initialized = true);
    harness.settle();
    assert_eq!(harness.saves(), 1);
    assert!(!harness.engine.is_dirty());
}

#[test]
fn a_save_by_another_tab_moves_the_base_and_keeps_the_changes_for_a_later_conflict() {
    let mut harness = Harness::new();
    harness.engine.set_online(false, harness.now); // a tab that does not lead
    harness.edit();
    harness.engine.saved_elsewhere(7);
    let snapshot = harness.engine.snapshot();
    assert_eq!(snapshot.base_version, 7);
    assert_eq!(snapshot.next_save_at, None, "nothing is due");
    assert_eq!(harness.engine.status(), AutoSaveStatus::Idle);
    // Leading later, the next save (and so a conflict's merge) still knows the change.
    harness.engine.set_online(true, harness.now);
    harness.engine.carry_over_unsaved(harness.now);
    harness.settle();
    let request = harness.last_request();
    assert_eq!(request.base_version, 7);
    assert_eq!(request.changes_since_base, [moved(0)]);
}
