//! Errors reach JavaScript as real `Error`s named `DiagramStateError` with a stable code.

use diagram_state::bindings::paths::parse_path_js;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::wasm_bindgen_test;

fn code_of(error: &JsValue) -> Option<String> {
    Reflect::get(error, &JsValue::from_str("code"))
        .ok()?
        .as_string()
}

#[wasm_bindgen_test]
fn a_malformed_path_throws_a_diagram_state_error_with_a_code() {
    let error = parse_path_js(JsValue::from_str("attrs//fill")).expect_err("must throw");
    assert!(error.is_instance_of::<js_sys::Error>());
    let error: js_sys::Error = error.unchecked_into();
    assert_eq!(String::from(error.name()), "DiagramStateError");
    assert_eq!(code_of(&error).as_deref(), Some("INVALID_PATH"));
    assert!(String::from(error.message()).contains("empty segment"));
}

#[wasm_bindgen_test]
fn a_non_string_argument_is_a_typed_error_not_a_panic() {
    for bad in [
        JsValue::from_f64(f64::NAN),
        JsValue::NULL,
        js_sys::Object::new().into(),
    ] {
        let error = parse_path_js(bad).expect_err("must throw");
        assert_eq!(code_of(&error).as_deref(), Some("INVALID_ARGUMENT"));
    }
    // The module is still usable afterwards.
    assert_eq!(
        parse_path_js(JsValue::from_str("position/x")).expect("valid path"),
        ["position", "x"]
    );
}
