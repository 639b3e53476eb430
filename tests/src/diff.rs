//! The differential harness of the model-type tests: a FastAPI reference app from
//! `tests/reference/` under uvicorn and ferrapi's port of it on a real socket get the same
//! requests over HTTP, and their answers must agree: status, `content-type` and the body, byte
//! for byte. The OpenAPI documents are compared as JSON values.
//!
//! ```no_run
//! use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post};
//! # fn app() -> ferrapi::App { ferrapi::App::new() }
//! assert_same("types_uuid", app(), vec![
//!     get("/uuid/0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f00"),
//!     post("/uuid").json(r#"{"id": "nope"}"#),
//! ]);
//! assert_same_openapi("types_uuid", app().openapi());
//! ```
//!
//! Python with the pinned FastAPI, uvicorn, python-multipart and email-validator must be
//! installed (`pip install -r requirements-test.txt`; `.ci/run` does it). Without them a test
//! fails, it does not skip. Set `FERRAPI_PYTHON` to use another interpreter than `python3`.
//!
//! Not compared: `date`, `server`, `content-length` and `transfer-encoding` (the servers', not
//! the apps'). A case may compare bodies as JSON values instead of bytes
//! ([`Case::as_json_value`], with the reason), or be shown and not compared
//! ([`Case::differs`], with the reason: a deliberate difference, written down).

use std::io::Read;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ferrapi::toolkit::server::IntoApp;
use ferrapi::toolkit::testclient::LiveServer;
use serde_json::Value;

/// The FastAPI version whose answers ferrapi reproduces.
pub const FASTAPI_VERSION: &str = "0.165.0";

/// The interpreter: `$FERRAPI_PYTHON`, or `python3`.
pub fn python() -> String {
    std::env::var("FERRAPI_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// `tests/reference/`.
pub fn reference_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("reference")
}

/// Fails with instructions unless the reference stack is importable at the pinned version.
pub fn check_python() {
    let python = python();
    let out = Command::new(&python)
        .args([
            "-c",
            "import fastapi, uvicorn, python_multipart, email_validator; \
             print(fastapi.__version__)",
        ])
        .output()
        .unwrap_or_else(|err| {
            panic!(
                "cannot run `{python}` ({err}): the differential tests need Python with FastAPI \
                 {FASTAPI_VERSION} (`{python} -m pip install -r requirements-test.txt`)"
            )
        });
    assert!(
        out.status.success(),
        "`{python}` cannot import fastapi, uvicorn, python_multipart and email_validator; \
         install them with `{python} -m pip install -r requirements-test.txt`:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert_eq!(
        version, FASTAPI_VERSION,
        "FastAPI {version} is installed; the reference answers are FastAPI {FASTAPI_VERSION}'s"
    );
}

/// A reference app (`tests/reference/{module}.py`, its `app`) under uvicorn; killed when
/// dropped.
#[derive(Debug)]
pub struct Uvicorn {
    child: Child,
    addr: SocketAddr,
    stderr: Arc<Mutex<Vec<u8>>>,
}

impl Uvicorn {
    /// Starts uvicorn on a free loopback port and waits until it listens.
    pub fn start(module: &str) -> Uvicorn {
        check_python();
        let dir = reference_dir();
        let file = dir.join(format!("{module}.py"));
        assert!(file.is_file(), "{} is missing", file.display());
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut child = Command::new(python())
            .args([
                "-m",
                "uvicorn",
                &format!("{module}:app"),
                "--host",
                "127.0.0.1",
            ])
            .args(["--port", &port.to_string()])
            .args(["--no-access-log", "--log-level", "warning"])
            .current_dir(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start uvicorn");
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let mut pipe = child.stderr.take().expect("piped stderr");
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = pipe.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().extend_from_slice(&buf[..n]);
            }
        });
        let mut server = Uvicorn {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            stderr,
        };
        server.wait_ready();
        server
    }

    /// What uvicorn wrote to stderr so far.
    pub fn log(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    fn wait_ready(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("uvicorn exited ({status}) before serving:\n{}", self.log());
            }
            if TcpStream::connect_timeout(&self.addr, Duration::from_millis(200)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "uvicorn did not listen on {} within 30 s:\n{}",
                self.addr,
                self.log()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Uvicorn {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How two answers are compared.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    /// Status, `content-type`, body bytes.
    Exact,
    /// Status, `content-type`, body as a JSON value (the reason).
    JsonValue(&'static str),
    /// A deliberate difference (the reason): both answers are shown, not compared.
    Differs(&'static str),
}

/// One request, sent to both servers.
#[derive(Clone, Debug)]
pub struct Case {
    method: &'static str,
    path: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    mode: Mode,
    /// Headers compared beside `content-type` (every value, in order).
    compared: Vec<&'static str>,
}

/// The boundary of [`Case::multipart`] bodies.
const BOUNDARY: &str = "ferrapi-diff-boundary";

impl Case {
    /// A request with no body.
    pub fn new(method: &'static str, path: &str) -> Case {
        Case {
            method,
            path: path.to_string(),
            headers: Vec::new(),
            body: None,
            mode: Mode::Exact,
            compared: Vec::new(),
        }
    }

    /// Compares these response headers too (all their values, in order): `set-cookie`, a
    /// custom header an operation sets.
    pub fn compare_headers(mut self, names: &[&'static str]) -> Case {
        self.compared.extend_from_slice(names);
        self
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Case {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// A body sent as it is.
    pub fn raw(mut self, body: impl AsRef<[u8]>) -> Case {
        self.body = Some(body.as_ref().to_vec());
        self
    }

    /// A body with `content-type: application/json`.
    pub fn json(self, body: &str) -> Case {
        self.header("content-type", "application/json").raw(body)
    }

    /// An `application/x-www-form-urlencoded` body of these (already encoded) pairs.
    pub fn form(self, pairs: &[(&str, &str)]) -> Case {
        let body: Vec<String> = pairs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        self.header("content-type", "application/x-www-form-urlencoded")
            .raw(body.join("&"))
    }

    /// A `multipart/form-data` body: text fields, then files (`name`, filename, content type,
    /// bytes).
    pub fn multipart(self, fields: &[(&str, &str)], files: &[(&str, &str, &str, &[u8])]) -> Case {
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"{name}\"\r\n\r\n\
                     {value}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, filename, content_type, bytes) in files {
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\ncontent-disposition: form-data; name=\"{name}\"; \
                     filename=\"{filename}\"\r\ncontent-type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        self.header(
            "content-type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .raw(body)
    }

    /// Compares the bodies as JSON values, for the reason given (float notation, say).
    pub fn as_json_value(mut self, reason: &'static str) -> Case {
        self.mode = Mode::JsonValue(reason);
        self
    }

    /// A deliberate, documented difference: shown, not compared.
    pub fn differs(mut self, reason: &'static str) -> Case {
        self.mode = Mode::Differs(reason);
        self
    }

    /// `METHOD path [headers] body`, for messages.
    pub fn label(&self) -> String {
        let mut label = format!("{} {}", self.method, self.path);
        for (name, value) in &self.headers {
            if name != "content-type" || !value.starts_with("multipart/") {
                label.push_str(&format!(" [{name}: {value}]"));
            }
        }
        if let Some(body) = &self.body {
            let text = String::from_utf8_lossy(body);
            let short: String = text.chars().take(160).collect();
            label.push_str(&format!(" {short}"));
        }
        label
    }
}

/// A `GET`.
pub fn get(path: &str) -> Case {
    Case::new("GET", path)
}

/// A `POST`.
pub fn post(path: &str) -> Case {
    Case::new("POST", path)
}

/// A `PUT`.
pub fn put(path: &str) -> Case {
    Case::new("PUT", path)
}

/// An answer, as compared.
#[derive(Debug, PartialEq)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The `content-type` header.
    pub content_type: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The values of the headers the case compares, `name: value` in order.
    pub headers: Vec<String>,
}

impl Answer {
    fn show(&self) -> String {
        format!(
            "{} [{}]{} {}",
            self.status,
            self.content_type.as_deref().unwrap_or("-"),
            self.headers
                .iter()
                .map(|h| format!(" [{h}]"))
                .collect::<String>(),
            String::from_utf8_lossy(&self.body)
        )
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(ureq::config::AutoHeaderValue::None)
        .accept_encoding(ureq::config::AutoHeaderValue::None)
        .timeout_global(Some(Duration::from_secs(30)))
        .build()
        .into()
}

/// Sends `case` to `base` on a fresh connection.
pub fn send(base: &str, case: &Case) -> Answer {
    let agent = agent();
    let mut builder = ureq::http::Request::builder()
        .method(case.method)
        .uri(format!("{base}{}", case.path));
    for (name, value) in &case.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let result = match &case.body {
        Some(body) => agent.run(builder.body(body.clone()).expect("a valid request")),
        None => agent.run(builder.body(()).expect("a valid request")),
    };
    let mut response = result.unwrap_or_else(|err| panic!("{} to {base}: {err}", case.label()));
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
    let headers = case
        .compared
        .iter()
        .flat_map(|name| {
            response
                .headers()
                .get_all(*name)
                .iter()
                .map(move |v| format!("{name}: {}", String::from_utf8_lossy(v.as_bytes())))
        })
        .collect();
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap_or_else(|err| panic!("{}: reading the body from {base}: {err}", case.label()));
    Answer {
        status,
        content_type,
        body,
        headers,
    }
}

/// The answer with the server's own address (echoed by a `Host` header, say) replaced by
/// `<host>`, so that the two servers' answers can be compared.
fn without_host(mut answer: Answer, base: &str) -> Answer {
    let host = base.trim_start_matches("http://").as_bytes();
    let mut out = Vec::with_capacity(answer.body.len());
    let mut rest = &answer.body[..];
    while !rest.is_empty() {
        if rest.starts_with(host) {
            out.extend_from_slice(b"<host>");
            rest = &rest[host.len()..];
        } else {
            out.push(rest[0]);
            rest = &rest[1..];
        }
    }
    answer.body = out;
    answer
}

/// Sends every case to both servers; returns the differences, one line each, and prints the
/// deliberate ones.
pub fn compare(reference: &str, ours: &str, cases: &[Case]) -> Vec<String> {
    let mut diffs = Vec::new();
    for case in cases {
        let theirs = without_host(send(reference, case), reference);
        let mine = without_host(send(ours, case), ours);
        let same = match case.mode {
            Mode::Exact => theirs == mine,
            Mode::JsonValue(_) => {
                theirs.status == mine.status
                    && theirs.content_type == mine.content_type
                    && theirs.headers == mine.headers
                    && serde_json::from_slice::<Value>(&theirs.body).ok()
                        == serde_json::from_slice::<Value>(&mine.body).ok()
            }
            Mode::Differs(reason) => {
                println!(
                    "differs on purpose ({reason}): {}\n  FastAPI: {}\n  ferrapi: {}",
                    case.label(),
                    theirs.show(),
                    mine.show()
                );
                true
            }
        };
        if !same {
            diffs.push(format!(
                "{}\n  FastAPI: {}\n  ferrapi: {}",
                case.label(),
                theirs.show(),
                mine.show()
            ));
        }
    }
    diffs
}

/// Serves `tests/reference/{module}.py` under uvicorn and `app` on a real socket, sends every
/// case to both, and fails listing every difference.
pub fn assert_same(module: &str, app: impl IntoApp, cases: Vec<Case>) {
    let uvicorn = Uvicorn::start(module);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let live = runtime
        .block_on(LiveServer::start(app))
        .expect("ferrapi listens");
    let ours = format!("http://{}", live.addr());
    let diffs = compare(&uvicorn.base(), &ours, &cases);
    assert!(
        diffs.is_empty(),
        "{} of {} answers differ from FastAPI's ({module}.py):\n{}\nuvicorn's log:\n{}",
        diffs.len(),
        cases.len(),
        diffs.join("\n"),
        uvicorn.log()
    );
    drop(live);
}

/// FastAPI's OpenAPI document for `tests/reference/{module}.py`.
pub fn fastapi_document(module: &str) -> Value {
    check_python();
    let out = Command::new(python())
        .current_dir(reference_dir())
        .args([
            "-c",
            &format!("import json, {module}; print(json.dumps({module}.app.openapi()))"),
        ])
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "python could not build FastAPI's document for {module}.py: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("FastAPI's document is JSON")
}

/// Every place where `a` (FastAPI's) and `b` (ferrapi's) differ, as JSON paths.
pub fn differences(path: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
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

/// Fails unless `ours` equals FastAPI's document for `tests/reference/{module}.py`.
pub fn assert_same_openapi(module: &str, ours: Value) {
    let theirs = fastapi_document(module);
    let mut diffs = Vec::new();
    differences("", &theirs, &ours, &mut diffs);
    assert!(
        diffs.is_empty(),
        "{} differences from FastAPI's document ({module}.py):\n{}",
        diffs.len(),
        diffs.join("\n")
    );
}
