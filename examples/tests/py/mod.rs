//! Runs the Python WebSocket clients of this directory (`chat_probe.py`, `ws_echo.py`) and
//! parses the JSON transcript each prints. They need Python 3 with the `websockets` package
//! (`requirements-test.txt`); `FERRAPI_PYTHON` names another interpreter than `python3`. A
//! missing package fails the test with instructions rather than skipping it.

use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;

fn python() -> String {
    std::env::var("FERRAPI_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Runs `script` (a file of this directory) with `args`; its stdout parsed as JSON. `logs`
/// (the server's output) is shown if it fails.
pub(crate) fn run(script: &str, args: &[&str], logs: impl FnOnce() -> String) -> Value {
    let python = python();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/py")
        .join(script);
    let out = Command::new(&python)
        .arg(&path)
        .args(args)
        // Out of the source tree: no `__pycache__` left behind, nothing picked up from it.
        .current_dir(std::env::temp_dir())
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run `{python}` ({e}): the WebSocket tests need Python 3 with the \
                 `websockets` package (`{python} -m pip install -r requirements-test.txt`)"
            )
        });
    let stderr = String::from_utf8_lossy(&out.stderr);
    if stderr.contains("No module named 'websockets'") {
        panic!(
            "`{python}` cannot import `websockets`, which the WebSocket tests drive the \
             server with; install it with `{python} -m pip install -r requirements-test.txt`"
        );
    }
    assert!(
        out.status.success(),
        "{script} {args:?} failed ({}):\n{stderr}\n{}",
        out.status,
        logs()
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{script} printed something that is not JSON ({e}):\n{}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}
