//! The tutorial's OpenAPI document and docs pages, checked by real tools:
//!
//! * the document is checked in (`examples/tutorial.openapi.json`) and this test fails when the
//!   generated one drifts from it (`FERRAPI_BLESS=1 cargo test --test openapi_tools` rewrites
//!   it after a deliberate change);
//! * `openapi-spec-validator` accepts the document and its 3.0.3 rendering;
//! * `schemathesis` run against the live tutorial finds no server error and no response that
//!   violates the document;
//! * headless Chromium, with every host but 127.0.0.1 unresolvable, loads `/docs`, shows every
//!   operation, and "Try it out" on `GET /items/{item_id}` gets the real answer.
//!
//! The Python tools come from `requirements-test.txt` and Chromium from Debian's `chromium`
//! package; `scripts/test-deps.sh` installs both (`.ci/run` runs it). Without them these tests
//! fail with that instruction, they do not skip.

use std::path::{Path, PathBuf};
use std::process::Command;

use ferrapi::toolkit::testclient::LiveServer;
use serde_json::Value;

fn python() -> String {
    std::env::var("FERRAPI_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn run_python(args: &[&str]) -> std::process::Output {
    // In the temporary directory: schemathesis and hypothesis leave their caches in the
    // working directory.
    Command::new(python())
        .args(args)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run python3")
}

fn start_tutorial() -> (tokio::runtime::Runtime, LiveServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt
        .block_on(LiveServer::start(ferrapi_examples::tutorial::app()))
        .expect("start the tutorial");
    (rt, server)
}

/// The checked-in document is the one the tutorial generates.
#[test]
fn checked_in_document_has_not_drifted() {
    let path = root().join("examples/tutorial.openapi.json");
    let generated = ferrapi_examples::tutorial::app().openapi();
    let pretty = serde_json::to_string_pretty(&generated).unwrap() + "\n";
    if std::env::var_os("FERRAPI_BLESS").is_some() {
        std::fs::write(&path, &pretty).unwrap();
        return;
    }
    let stored = std::fs::read_to_string(&path).unwrap_or_default();
    let stored_value: Value = serde_json::from_str(&stored).unwrap_or(Value::Null);
    assert!(
        stored_value == generated && stored == pretty,
        "{} differs from the tutorial's document; if the change is deliberate, run \
         `FERRAPI_BLESS=1 cargo test -p ferrapi-integration-tests --test openapi_tools` and \
         commit the file",
        path.display()
    );
}

/// `openapi-spec-validator` accepts the 3.1 document and the 3.0.3 rendering.
#[test]
fn openapi_spec_validator_accepts_the_documents() {
    let app = ferrapi_examples::tutorial::app();
    let dir = std::env::temp_dir().join(format!("ferrapi-openapi-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, doc) in [("3.1.json", app.openapi()), ("3.0.json", app.openapi_30())] {
        let file = dir.join(name);
        std::fs::write(&file, serde_json::to_vec(&doc).unwrap()).unwrap();
        let out = run_python(&["-m", "openapi_spec_validator", file.to_str().unwrap()]);
        assert!(
            out.status.success(),
            "openapi-spec-validator rejected the {name} document (pip install -r \
             requirements-test.txt if it is missing):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `schemathesis` finds no 5xx and no response outside the document.
#[test]
fn schemathesis_finds_no_server_error_or_schema_violation() {
    let (_rt, server) = start_tutorial();
    let url = server.url("/openapi.json");
    let out = run_python(&[
        "-c",
        "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())",
        "run",
        &url,
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--max-examples",
        "10",
        "--seed",
        "1",
        "--no-color",
    ]);
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    println!("{report}");
    assert!(
        out.status.success(),
        "schemathesis found problems (pip install -r requirements-test.txt if it is missing):\n{report}"
    );
}

fn chromium() -> String {
    if let Ok(path) = std::env::var("FERRAPI_CHROMIUM") {
        return path;
    }
    for candidate in ["chromium", "chromium-browser", "google-chrome"] {
        let found = Command::new("sh")
            .args(["-c", &format!("command -v {candidate}")])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false);
        if found {
            return candidate.to_string();
        }
    }
    panic!(
        "no Chromium found: run `bash scripts/test-deps.sh` (it installs Debian's `chromium`), \
         or set FERRAPI_CHROMIUM to a Chromium or Chrome binary"
    );
}

/// Headless Chromium, offline, shows every operation and gets a real answer from "Try it out".
#[test]
fn chromium_shows_the_docs_offline_and_try_it_out_works() {
    let browser = chromium();
    let (_rt, server) = start_tutorial();
    let base = server.url("");
    let script = root().join("tests/reference/docs_browser.py");
    let out = run_python(&[
        script.to_str().unwrap(),
        &browser,
        base.trim_end_matches('/'),
    ]);
    assert!(
        out.status.success(),
        "the browser run failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    println!("{report}");
    let doc = ferrapi_examples::tutorial::app().openapi();
    let operations: usize = doc["paths"]
        .as_object()
        .unwrap()
        .values()
        .map(|p| p.as_object().unwrap().len())
        .sum();
    assert_eq!(report["operations_shown"], operations, "{report}");
    assert_eq!(
        report["requests_elsewhere"],
        serde_json::json!([]),
        "{report}"
    );
    assert_eq!(report["try_it_out_status"], "200", "{report}");
    let body: Value = serde_json::from_str(report["try_it_out_body"].as_str().unwrap()).unwrap();
    assert_eq!(body["item_id"], 5, "{report}");
}
