//! The tutorial's OpenAPI document against FastAPI's for `tests/reference/tutorial.py`: the
//! same paths, operations, parameters, schemas, components and titles. Python with the pinned
//! FastAPI must be installed (`pip install -r requirements-test.txt`; `.ci/run` does it).

use std::process::Command;

use serde_json::Value;

fn python() -> String {
    std::env::var("FERRAPI_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// FastAPI's document for the reference app.
fn fastapi_document() -> Value {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference");
    let out = Command::new(python())
        .current_dir(&dir)
        .args([
            "-c",
            "import json, tutorial; print(json.dumps(tutorial.app.openapi()))",
        ])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python could not build FastAPI's document (pip install -r requirements-test.txt): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("FastAPI's document is JSON")
}

/// Every place where `a` and `b` differ, as JSON paths.
fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for (k, va) in x {
                match y.get(k) {
                    Some(vb) => differences(&format!("{path}/{k}"), va, vb, out),
                    None => out.push(format!("{path}/{k}: only in FastAPI's: {va}")),
                }
            }
            for (k, vb) in y {
                if !x.contains_key(k) {
                    out.push(format!("{path}/{k}: only in ferrapi's: {vb}"));
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                differences(&format!("{path}/{i}"), va, vb, out);
            }
        }
        _ if a == b => {}
        _ => out.push(format!("{path}: FastAPI {a} / ferrapi {b}")),
    }
}

#[test]
fn tutorial_document_is_fastapis() {
    let theirs = fastapi_document();
    let ours = ferrapi_examples::tutorial::app().openapi();
    let mut diffs = Vec::new();
    differences("", &theirs, &ours, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences from FastAPI's document:\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
