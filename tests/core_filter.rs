#![cfg(not(target_arch = "wasm32"))]
//! The visual-attribute filter, one test per box of TMI-UX's "History Inclusion Decision
//! Tree", "Visual Attribute Detection" and "Port Visibility Handling" diagrams, plus
//! overrides, runtime rules and explanations.

use diagram_state::core::filter::{Reason, Significance, VisualFilter};
use diagram_state::core::history::{NotRecordedReason, OperationKind, Origin, Recording};
use diagram_state::core::model::CellEvent;
use diagram_state::core::state::{DiagramState, EventOutcome};
use serde_json::{json, Value};

fn node() -> Value {
    json!({
        "id": "n1",
        "shape": "rect",
        "position": { "x": 0, "y": 0 },
        "attrs": { "body": { "fill": "#fff", "stroke": "#333", "strokeWidth": 1 }, "text": { "text": "A" } },
        "ports": { "items": [
            { "id": "p0", "group": "top", "attrs": { "circle": { "stroke": "#999", "fill": "#fff", "style": { "visibility": "hidden" } } } },
            { "id": "p1", "group": "bottom" }
        ] }
    })
}

fn loaded() -> DiagramState {
    let mut state = DiagramState::new(|| 0.0);
    state.load(vec![node()], 1).unwrap();
    state
}

fn changed(key: &str, previous: Value, current: Value) -> CellEvent {
    CellEvent::Changed {
        id: "n1".into(),
        key: key.into(),
        previous: Some(previous),
        current: Some(current),
    }
}

/// Changes `key` of n1 by editing a copy of its current value.
fn edit(state: &mut DiagramState, key: &str, edit: impl FnOnce(&mut Value)) -> EventOutcome {
    let previous = state.diagram().cell("n1").unwrap()[key].clone();
    let mut current = previous.clone();
    edit(&mut current);
    state
        .handle_event(changed(key, previous, current), Origin::Local, None)
        .unwrap()
}

fn visual(filter: &VisualFilter, path: &str) -> Option<String> {
    filter.classify_path(path).map(|rule| rule.id().to_owned())
}

fn assert_excluded(outcome: &EventOutcome) {
    assert!(outcome.applied.is_empty(), "applied {:?}", outcome.applied);
    assert_eq!(
        outcome.recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::NoSemanticChange
        }
    );
    assert_eq!(outcome.history.undo_size, 0);
}

// ---- History Inclusion Decision Tree ----

#[test]
fn event_type_check_excludes_cell_change_tools() {
    let mut state = loaded();
    let tools = json!({ "items": ["button-remove", "boundary"] });
    let outcome = state
        .handle_event(changed("tools", json!(null), tools), Origin::Local, None)
        .unwrap();
    assert_excluded(&outcome);
    assert_eq!(outcome.decisions[0].reason, Reason::ExcludedEvent);
    assert_eq!(outcome.decisions[0].path.as_deref(), Some("tools"));
    assert!(state.diagram().cell("n1").unwrap().get("tools").is_none());
}

#[test]
fn event_type_check_sends_cell_change_star_to_attribute_analysis() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["text"]["text"] = json!("B")
    });
    assert_eq!(outcome.decisions.len(), 1);
    assert_eq!(
        outcome.decisions[0].path.as_deref(),
        Some("attrs/text/text")
    );
    assert_eq!(outcome.decisions[0].reason, Reason::NoRule);
}

#[test]
fn cell_added_is_included_as_semantic_change() {
    let mut state = loaded();
    let cell = json!({ "id": "n2", "shape": "rect", "attrs": { "body": { "stroke": "#f00" } } });
    let outcome = state
        .handle_event(CellEvent::Added { cell }, Origin::Local, None)
        .unwrap();
    assert_eq!(outcome.decisions[0].reason, Reason::CellAdded);
    assert_eq!(
        outcome.recording,
        Recording::Entry {
            kind: OperationKind::NodeCreate
        }
    );
}

#[test]
fn cell_removed_is_included_as_semantic_change() {
    let mut state = loaded();
    let outcome = state
        .handle_event(CellEvent::Removed { id: "n1".into() }, Origin::Local, None)
        .unwrap();
    assert_eq!(outcome.decisions[0].reason, Reason::CellRemoved);
    assert_eq!(
        outcome.recording,
        Recording::Entry {
            kind: OperationKind::NodeDelete
        }
    );
    assert!(state.diagram().is_empty());
}

#[test]
fn extract_attribute_paths_gives_one_path_per_changed_leaf() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["fill"] = json!("#eee");
        attrs["body"]["stroke"] = json!("#39f");
        attrs["text"]["fontSize"] = json!(14);
    });
    let paths: Vec<_> = outcome
        .decisions
        .iter()
        .filter_map(|decision| decision.path.as_deref())
        .collect();
    assert_eq!(
        paths,
        [
            "attrs/body/fill",
            "attrs/body/stroke",
            "attrs/text/fontSize"
        ]
    );
}

#[test]
fn should_exclude_attribute_names_the_rule_that_matched() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["strokeWidth"] = json!(3)
    });
    assert_eq!(
        outcome.decisions[0].reason,
        Reason::Rule {
            rule_id: "selection-stroke-width".into(),
            pattern: "attrs/body/strokeWidth".into()
        }
    );
    assert_eq!(outcome.decisions[0].significance, Significance::Visual);
}

#[test]
fn all_attributes_visual_excludes_the_change_as_visual_only() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["stroke"] = json!("#39f");
        attrs["body"]["strokeWidth"] = json!(2);
        attrs["body"]["filter"] = json!({ "name": "dropShadow", "args": { "blur": 4 } });
    });
    assert_excluded(&outcome);
    assert_eq!(
        state.diagram().get("n1", "attrs/body/stroke").unwrap(),
        Some(&json!("#333"))
    );
    assert_eq!(state.diagram().version(), 1);
}

#[test]
fn has_semantic_changes_includes_only_the_semantic_paths() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["stroke"] = json!("#39f");
        attrs["text"]["text"] = json!("Renamed");
    });
    let applied_paths: Vec<_> = outcome
        .applied
        .iter()
        .map(|change| serde_json::to_value(change).unwrap()["path"].clone())
        .collect();
    assert_eq!(applied_paths, [json!("attrs/text/text")]);
    assert_eq!(
        outcome.recording,
        Recording::Entry {
            kind: OperationKind::CellUpdate
        }
    );
    let entry = state.history().undo_entries().next().unwrap();
    assert_eq!(entry.changes, outcome.applied);
    // The visual part never reached the diagram (what is saved and synced).
    assert_eq!(
        state.diagram().get("n1", "attrs/body/stroke").unwrap(),
        Some(&json!("#333"))
    );
}

#[test]
fn add_to_history_makes_the_history_state_change() {
    let mut state = loaded();
    let before = state.history_state();
    let outcome = edit(&mut state, "position", |position| position["x"] = json!(50));
    assert_ne!(outcome.history, before);
    assert!(outcome.history.can_undo);
    assert_eq!(outcome.history.last_kind, Some(OperationKind::NodeMove));
}

#[test]
fn no_history_entry_for_excluded_changes() {
    let mut state = loaded();
    edit(&mut state, "attrs", |attrs| {
        attrs["body"]["stroke"] = json!("#39f")
    });
    state
        .handle_event(
            changed("tools", json!(null), json!(["boundary"])),
            Origin::Local,
            None,
        )
        .unwrap();
    assert_eq!(state.history().undo_entries().count(), 0);
    assert_eq!(
        state.history_state().last_kind,
        Some(OperationKind::DiagramLoad)
    );
}

// ---- Visual Attribute Detection ----

#[test]
fn selection_effects_body_filter_stroke_and_stroke_width_are_visual() {
    let filter = VisualFilter::default();
    assert_eq!(
        visual(&filter, "attrs/body/filter").as_deref(),
        Some("selection-filter")
    );
    assert_eq!(
        visual(&filter, "attrs/line/filter/args/color").as_deref(),
        Some("selection-filter")
    );
    assert_eq!(
        visual(&filter, "attrs/body/stroke").as_deref(),
        Some("selection-stroke")
    );
    assert_eq!(
        visual(&filter, "attrs/body/strokeWidth").as_deref(),
        Some("selection-stroke-width")
    );
    // The selection rules name the body: a label's or an edge line's stroke is semantic.
    assert_eq!(visual(&filter, "attrs/line/stroke"), None);
    assert_eq!(visual(&filter, "attrs/text/stroke"), None);
}

#[test]
fn shadow_effects_are_visual_anywhere_under_attrs() {
    let filter = VisualFilter::default();
    for (path, rule) in [
        ("attrs/body/shadowOffsetX", "shadow-offset-x"),
        ("attrs/shadowOffsetY", "shadow-offset-y"),
        ("attrs/label/bg/shadowBlur", "shadow-blur"),
        ("attrs/body/shadowColor", "shadow-color"),
    ] {
        assert_eq!(visual(&filter, path).as_deref(), Some(rule), "{path}");
    }
    assert_eq!(visual(&filter, "data/shadowBlur"), None);
}

#[test]
fn port_highlights_circle_stroke_and_fill_are_visual() {
    let filter = VisualFilter::default();
    assert_eq!(
        visual(&filter, "ports/items/0/attrs/circle/stroke").as_deref(),
        Some("port-highlight-stroke")
    );
    assert_eq!(
        visual(&filter, "ports/items/11/attrs/circle/fill").as_deref(),
        Some("port-highlight-fill")
    );
    let mut state = loaded();
    let outcome = edit(&mut state, "ports", |ports| {
        ports["items"][0]["attrs"]["circle"]["stroke"] = json!("#39f");
        ports["items"][0]["attrs"]["circle"]["fill"] = json!("#def");
    });
    assert_excluded(&outcome);
}

#[test]
fn tool_attributes_are_visual() {
    let filter = VisualFilter::default();
    assert_eq!(visual(&filter, "tools").as_deref(), Some("tools"));
    assert_eq!(
        visual(&filter, "tools/items/0/name").as_deref(),
        Some("tools")
    );
}

#[test]
fn path_matching_no_visual_pattern_is_included_in_history() {
    let filter = VisualFilter::default();
    for path in [
        "position/x",
        "size/width",
        "attrs/text/text",
        "attrs/body/fill",
        "data/type",
        "vertices/0/x",
        "zIndex",
    ] {
        assert_eq!(visual(&filter, path), None, "{path}");
    }
}

// ---- Port Visibility Handling ----

#[test]
fn path_without_ports_items_is_not_port_related_and_follows_normal_rules() {
    let filter = VisualFilter::default();
    assert_eq!(
        visual(&filter, "ports/groups/top/attrs/circle/style/visibility"),
        None
    );
    assert_eq!(visual(&filter, "attrs/circle/style/visibility"), None);
    assert_eq!(
        visual(&filter, "attrs/body/stroke").as_deref(),
        Some("selection-stroke")
    );
}

#[test]
fn port_visibility_is_excluded_from_history() {
    let mut state = loaded();
    let outcome = edit(&mut state, "ports", |ports| {
        ports["items"][0]["attrs"]["circle"]["style"]["visibility"] = json!("visible");
    });
    assert_excluded(&outcome);
    assert_eq!(
        outcome.decisions[0].reason,
        Reason::Rule {
            rule_id: "port-visibility".into(),
            pattern: "ports/items/*/attrs/circle/style/visibility".into()
        }
    );
}

#[test]
fn port_visibility_set_on_a_port_without_attrs_is_excluded_too() {
    // X6 creates `ports/items/1/attrs` whole the first time the port is shown.
    let mut state = loaded();
    let outcome = edit(&mut state, "ports", |ports| {
        ports["items"][1]["attrs"] = json!({ "circle": { "style": { "visibility": "visible" } } });
    });
    assert_excluded(&outcome);
    assert!(
        matches!(&outcome.decisions[0].reason, Reason::ContentsRule { rule_id, .. } if &**rule_id == "port-visibility")
    );
}

#[test]
fn other_port_change_is_included_in_history() {
    let mut state = loaded();
    let outcome = edit(&mut state, "ports", |ports| {
        ports["items"][1]["group"] = json!("left")
    });
    assert_eq!(
        outcome.recording,
        Recording::Entry {
            kind: OperationKind::CellUpdate
        }
    );
    let outcome = edit(&mut state, "ports", |ports| {
        ports["items"]
            .as_array_mut()
            .unwrap()
            .push(json!({ "id": "p2", "group": "right" }));
    });
    assert_eq!(outcome.decisions[0].path.as_deref(), Some("ports/items"));
    assert_eq!(outcome.history.undo_size, 2);
}

// ---- Overrides, runtime rules, explanations ----

#[test]
fn an_explicit_override_beats_the_rules() {
    let mut state = loaded();
    let previous = state.diagram().cell("n1").unwrap()["attrs"].clone();
    let mut current = previous.clone();
    current["body"]["stroke"] = json!("#0a0");
    let event = changed("attrs", previous, current);
    let outcome = state
        .handle_event(event, Origin::Local, Some(Significance::Semantic))
        .unwrap();
    assert_eq!(outcome.decisions[0].reason, Reason::Override);
    assert_eq!(
        state.diagram().get("n1", "attrs/body/stroke").unwrap(),
        Some(&json!("#0a0"))
    );
    assert_eq!(outcome.history.undo_size, 1);

    let ghost = json!({ "id": "drag-preview" });
    let outcome = state
        .handle_event(
            CellEvent::Added { cell: ghost },
            Origin::Local,
            Some(Significance::Visual),
        )
        .unwrap();
    assert!(outcome.applied.is_empty());
    assert_eq!(
        outcome.recording,
        Recording::NotRecorded {
            reason: NotRecordedReason::NoSemanticChange
        }
    );
    assert_eq!(outcome.history.undo_size, 1);
    assert!(!state.diagram().contains("drag-preview"));
}

#[test]
fn rules_added_and_removed_at_runtime_change_what_is_recorded() {
    let mut state = loaded();
    state
        .filter_mut()
        .add_rule("hover-label", "attrs/text/fill")
        .unwrap();
    assert_excluded(&edit(&mut state, "attrs", |attrs| {
        attrs["text"]["fill"] = json!("#f00")
    }));
    state.filter_mut().remove_rule("selection-stroke").unwrap();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["stroke"] = json!("#f00")
    });
    assert_eq!(outcome.history.undo_size, 1);
}

#[test]
fn every_decision_serializes_for_the_decision_panel() {
    let mut state = loaded();
    let outcome = edit(&mut state, "attrs", |attrs| {
        attrs["body"]["stroke"] = json!("#39f");
        attrs["text"]["text"] = json!("B");
    });
    let decisions = serde_json::to_value(&outcome.decisions).unwrap();
    assert_eq!(
        decisions,
        json!([
            { "cellId": "n1", "path": "attrs/body/stroke", "significance": "visual",
              "reason": { "type": "rule", "ruleId": "selection-stroke", "pattern": "attrs/body/stroke" } },
            { "cellId": "n1", "path": "attrs/text/text", "significance": "semantic", "reason": { "type": "noRule" } }
        ])
    );
}
