//! WebSocket interoperability with Python's `websockets` (the library behind uvicorn's default
//! WebSocket stack): `tests/py/ws_client.py` runs one scenario against a server started here,
//! and the test checks its exit status and its `OK ...` lines.
//!
//! Needs `python3` with `websockets>=13` (`pip install -r requirements-test.txt`, which
//! `.ci/run` does); a missing module fails the tests rather than skipping them.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::ws::{next_seen, Seen, WsApp};
use common::*;
use ferrapi_server::websocket::Message;
use ferrapi_server::Builder;
use tokio::process::Command;
use tokio::sync::mpsc::UnboundedReceiver;

const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/py/ws_client.py");
const PY_TIMEOUT: Duration = Duration::from_secs(45);

/// Fails (never skips) when `websockets` cannot be imported.
async fn require_websockets() {
    let out = Command::new("python3")
        .args(["-c", "import websockets"])
        .output()
        .await;
    match out {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!(
            "Python `websockets` is missing ({}): run `pip install -r requirements-test.txt`",
            String::from_utf8_lossy(&out.stderr)
                .lines()
                .last()
                .unwrap_or("no output")
        ),
        Err(e) => panic!(
            "cannot run python3 ({e}): install Python 3 and run `pip install -r requirements-test.txt`"
        ),
    }
}

/// Runs one scenario of `ws_client.py` against `srv`; returns its stdout, failing the test
/// (with the script's stderr) if it exits non-zero or takes too long.
async fn run_scenario(srv: &TestServer, scenario: &str) -> String {
    require_websockets().await;
    let mut cmd = Command::new("python3");
    cmd.arg(SCRIPT)
        .arg(srv.addr.port().to_string())
        .arg(scenario)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    for var in [
        "http_proxy",
        "https_proxy",
        "all_proxy",
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
    ] {
        cmd.env_remove(var);
    }
    let child = cmd.spawn().expect("spawn python3");
    let out = tokio::time::timeout(PY_TIMEOUT, child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("ws_client.py {scenario} did not finish within {PY_TIMEOUT:?}"))
        .expect("wait for python3");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "ws_client.py {scenario} failed ({}):\nstdout:\n{stdout}\nstderr:\n{stderr}",
        out.status
    );
    stdout
}

async fn start(builder: Builder) -> (TestServer, UnboundedReceiver<Seen>) {
    let (app, seen) = WsApp::new();
    (serve(builder, app).await, seen)
}

fn assert_lines(stdout: &str, expected: &[&str]) {
    for want in expected {
        assert!(
            stdout.lines().any(|l| l.starts_with(want)),
            "missing {want:?} in:\n{stdout}"
        );
    }
}

fn field<'a>(stdout: &'a str, name: &str) -> &'a str {
    let key = format!("{name}=");
    stdout
        .split_whitespace()
        .find_map(|w| w.strip_prefix(key.as_str()))
        .unwrap_or_else(|| panic!("no {name}= in {stdout}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_echo_text_and_binary() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "echo").await;
        assert_lines(&out, &["OK echo"]);
        // websockets offers permessage-deflate by default and the server agrees.
        assert!(
            field(&out, "extensions").starts_with("permessage-deflate"),
            "{out}"
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_one_mib_messages() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "big").await;
        assert_lines(&out, &["OK big"]);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_permessage_deflate() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "deflate").await;
        assert_lines(&out, &["OK deflate"]);
        assert!(
            field(&out, "extensions").starts_with("permessage-deflate"),
            "{out}"
        );
        // The echoes really were compressed: 3 MiB of repetitive text in far fewer bytes.
        let wire: u64 = field(&out, "wire_bytes").parse().unwrap();
        let plain: u64 = field(&out, "message_bytes").parse().unwrap();
        assert!(wire * 20 < plain, "{wire} bytes on the wire for {plain}");
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_deflate_disabled() {
    bounded(async {
        let (srv, _seen) = start(builder().ws_per_message_deflate(false)).await;
        let out = run_scenario(&srv, "no_deflate").await;
        assert_lines(&out, &["OK no_deflate extensions=none"]);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_ping_pong() {
    bounded(async {
        let (srv, mut seen) = start(builder()).await;
        let out = run_scenario(&srv, "ping").await;
        assert_lines(&out, &["OK ping"]);
        // The handler saw the client's pings.
        let mut pings = 0;
        loop {
            match next_seen(&mut seen).await {
                Seen::Msg(Message::Ping(_)) => pings += 1,
                Seen::Msg(Message::Close(_)) => break,
                _ => {}
            }
        }
        assert_eq!(pings, 3);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_close_codes() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "close_codes").await;
        assert_lines(
            &out,
            &[
                "OK close_codes client=4000",
                "OK close_codes handler=4001",
                "OK close_codes return=1000",
                "OK close_codes panic=1011",
            ],
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_max_size() {
    bounded(async {
        let (srv, mut seen) = start(builder().ws_max_size(64 * 1024)).await;
        let out = run_scenario(&srv, "max_size").await;
        assert_lines(
            &out,
            &[
                "OK max_size server=1009",
                "OK max_size server_deflated=1009",
                "OK max_size client=1009",
            ],
        );
        // The handlers saw 1009 three times: twice the server's, once the client's.
        let mut codes = Vec::new();
        while codes.len() < 3 {
            if let Seen::Msg(Message::Close(f)) = next_seen(&mut seen).await {
                codes.push(f.map(|f| f.code));
            }
        }
        assert_eq!(codes, vec![Some(1009); 3]);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_subprotocol() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "subprotocol").await;
        assert_lines(&out, &["OK subprotocol b"]);
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_denials() {
    bounded(async {
        let (srv, _seen) = start(builder()).await;
        let out = run_scenario(&srv, "reject").await;
        assert_lines(
            &out,
            &[
                "OK reject /reject=403",
                "OK reject /deny=401",
                "OK reject /panic-before=500",
            ],
        );
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn python_keepalive() {
    bounded(async {
        let (srv, _seen) = start(
            builder()
                .ws_ping_interval(Some(Duration::from_millis(100)))
                .ws_ping_timeout(Some(Duration::from_millis(500))),
        )
        .await;
        let out = run_scenario(&srv, "keepalive").await;
        assert_lines(&out, &["OK keepalive"]);
    })
    .await
}
