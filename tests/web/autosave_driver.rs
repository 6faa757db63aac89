//! The auto-save driver in a real browser: the gloo timer fires a debounced save through a
//! JavaScript callback, and misbehaving callbacks end in an `error` status with a message,
//! never a stuck `saving`.

use std::cell::RefCell;
use std::rc::Rc;

use diagram_state::core::autosave::{
    AutoSaveConfig, AutoSaveEngine, AutoSaveStatus, EditorContext, Trigger,
};
use diagram_state::core::history::OperationKind;
use diagram_state::core::model::Change;
use diagram_state::platform::autosave_driver::AutoSaveDriver;
use js_sys::{Function, Object, Promise, Reflect};
use serde_json::json;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::wasm_bindgen_test;

/// Waits `ms` milliseconds of real time.
async fn sleep(ms: i32) {
    let promise = Promise::new(&mut |resolve, _reject| {
        let window = web_sys::window().expect("tests run in a window");
        window
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .expect("setTimeout");
    });
    JsFuture::from(promise).await.expect("sleep");
}

/// Waits until `done` holds, failing with `what` after `ms` milliseconds.
async fn wait_for(ms: i32, what: &str, done: impl Fn() -> bool) {
    let mut waited = 0;
    while !done() {
        assert!(waited < ms, "timed out after {ms} ms waiting for {what}");
        sleep(10).await;
        waited += 10;
    }
}

/// A driver on diagram `d1` (loaded at version 1, one cell), debounced by `debounce` ms,
/// saving with `save`, and the statuses it reported.
fn driver(save: Function, debounce: f64) -> (AutoSaveDriver, Rc<RefCell<Vec<AutoSaveStatus>>>) {
    let config = AutoSaveConfig {
        debounce,
        ..AutoSaveConfig::default()
    };
    let mut engine = AutoSaveEngine::with_seed(config, 1).expect("valid config");
    engine.set_context(EditorContext::ready("d1"));
    engine.reset(1);
    let statuses = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&statuses);
    let driver = AutoSaveDriver::new(
        engine,
        save,
        || Some(vec![json!({ "id": "n1", "shape": "rect" })]),
        move |status| log.borrow_mut().push(status.clone()),
        true,
    );
    driver.set_online(true);
    (driver, statuses)
}

fn move_node(driver: &AutoSaveDriver) {
    let change = Change::update("n1", "position/x", Some(json!(0)), Some(json!(40)));
    let decision = driver.trigger(Trigger::history(
        vec![change],
        Some(OperationKind::NodeMove),
    ));
    assert!(decision.is_save(), "{decision:?}");
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &JsValue::from_str(key)).expect("readable property")
}

/// A save callback that records each request and answers `saved` with baseVersion + 1.
fn recording_save() -> (Function, Rc<RefCell<Vec<JsValue>>>) {
    let calls = Rc::new(RefCell::new(Vec::new()));
    let log = Rc::clone(&calls);
    let save = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |request: JsValue| {
        let version = get(&request, "baseVersion").as_f64().unwrap_or(0.0) + 1.0;
        log.borrow_mut().push(request);
        let answer = Object::new();
        Reflect::set(&answer, &"status".into(), &"saved".into()).expect("set");
        Reflect::set(&answer, &"version".into(), &version.into()).expect("set");
        JsValue::from(Promise::resolve(&answer))
    });
    (save.into_js_value().unchecked_into(), calls)
}

fn error_message(status: &AutoSaveStatus) -> Option<&str> {
    match status {
        AutoSaveStatus::Error { message, .. } => Some(message),
        _ => None,
    }
}

#[wasm_bindgen_test]
async fn the_real_timer_fires_a_debounced_save_through_the_js_callback() {
    let (save, calls) = recording_save();
    let (driver, statuses) = driver(save, 50.0);
    move_node(&driver);
    assert!(
        calls.borrow().is_empty(),
        "debounced, not saved synchronously"
    );
    wait_for(3_000, "the debounced save", || {
        matches!(driver.status(), AutoSaveStatus::Saved { version: 2, .. })
    })
    .await;

    let calls = calls.borrow();
    assert_eq!(calls.len(), 1);
    let request = &calls[0];
    assert_eq!(get(request, "diagramId").as_string().as_deref(), Some("d1"));
    assert_eq!(get(request, "baseVersion").as_f64(), Some(1.0));
    assert_eq!(
        get(request, "cause").as_string().as_deref(),
        Some("debounce")
    );
    let cells: js_sys::Array = get(request, "cells").unchecked_into();
    assert_eq!(cells.length(), 1);
    assert!(Object::get_prototype_of(&cells.get(0)) == Object::get_prototype_of(&Object::new()));
    let changes: js_sys::Array = get(request, "changesSinceBase").unchecked_into();
    assert_eq!(changes.length(), 1);
    assert_eq!(
        get(&changes.get(0), "path").as_string().as_deref(),
        Some("position/x")
    );

    let statuses = statuses.borrow();
    assert!(statuses.contains(&AutoSaveStatus::Dirty), "{statuses:?}");
    assert!(statuses.contains(&AutoSaveStatus::Saving), "{statuses:?}");
}

#[wasm_bindgen_test]
async fn a_throwing_callback_becomes_an_error_status_with_a_message() {
    let save = Function::new_with_args("request", "throw new Error('boom')");
    let (driver, _statuses) = driver(save, 10.0);
    move_node(&driver);
    wait_for(3_000, "the error status", || {
        error_message(&driver.status()).is_some()
    })
    .await;
    let status = driver.status();
    let AutoSaveStatus::Error {
        attempt,
        next_retry_at,
        retryable,
        message,
    } = status
    else {
        panic!("expected an error");
    };
    assert_eq!(attempt, 1);
    assert!(retryable && next_retry_at.is_some());
    assert_eq!(message, "the save callback threw: Error: boom");
}

#[wasm_bindgen_test]
async fn garbage_answers_and_rejections_become_error_statuses_not_a_stuck_saving() {
    let cases = [
        ("return 42;", "the save callback answered 42"),
        (
            "return Promise.resolve({ status: 'done' });",
            "unknown status \"done\"",
        ),
        (
            "return Promise.resolve({ status: 'saved' });",
            "`version` is missing",
        ),
        ("return;", "the save callback answered undefined"),
        (
            "return Promise.reject(new TypeError('Failed to fetch'));",
            "the save callback's promise was rejected: TypeError: Failed to fetch",
        ),
    ];
    for (body, expected) in cases {
        let (driver, statuses) = driver(Function::new_with_args("request", body), 10.0);
        move_node(&driver);
        wait_for(3_000, expected, || {
            error_message(&driver.status()).is_some()
        })
        .await;
        let status = driver.status();
        let message = error_message(&status).unwrap_or_default();
        assert!(message.contains(expected), "{body}: {message}");
        assert!(
            statuses.borrow().contains(&AutoSaveStatus::Saving),
            "it did start saving"
        );
    }
}

#[wasm_bindgen_test]
async fn offline_waits_and_saves_when_back_online() {
    let (save, calls) = recording_save();
    let (driver, _statuses) = driver(save, 10.0);
    driver.set_online(false);
    move_node(&driver);
    sleep(150).await;
    assert!(calls.borrow().is_empty(), "no save while offline");
    assert_eq!(driver.status(), AutoSaveStatus::Dirty);
    driver.set_online(true);
    wait_for(3_000, "the save once online", || calls.borrow().len() == 1).await;
}

#[wasm_bindgen_test]
async fn a_tab_that_does_not_lead_never_saves_until_it_leads() {
    let (save, calls) = recording_save();
    let (driver, _statuses) = driver(save, 10.0);
    driver.set_leading(false);
    move_node(&driver);
    // The window's `online` event (or `navigator.onLine`) does not make a follower save.
    let online = web_sys::Event::new("online").expect("an event");
    web_sys::window()
        .expect("tests run in a window")
        .dispatch_event(&online)
        .expect("dispatched");
    driver.set_online(true);
    driver.flush();
    sleep(150).await;
    assert!(calls.borrow().is_empty(), "a follower does not save");
    assert_eq!(driver.status(), AutoSaveStatus::Dirty);
    driver.set_leading(true);
    wait_for(3_000, "the save once leading", || calls.borrow().len() == 1).await;
}

#[wasm_bindgen_test]
async fn flush_starts_the_final_save_without_waiting_for_the_debounce() {
    let (save, calls) = recording_save();
    let (driver, _statuses) = driver(save, 60_000.0);
    move_node(&driver);
    assert!(driver.flush());
    wait_for(500, "the flushed save", || calls.borrow().len() == 1).await;
    assert_eq!(
        get(&calls.borrow()[0], "cause").as_string().as_deref(),
        Some("flush")
    );
}

#[wasm_bindgen_test]
async fn dropping_the_driver_cancels_its_timer() {
    let (save, calls) = recording_save();
    let (driver, _statuses) = driver(save, 30.0);
    move_node(&driver);
    drop(driver);
    sleep(150).await;
    assert!(calls.borrow().is_empty());
}
