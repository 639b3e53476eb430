//! The differential test of the framework layer: FastAPI's reference app
//! (`tests/reference/tutorial.py`, under uvicorn) and ferrapi's port of it
//! (`ferrapi_examples::tutorial`, on a real socket in this process) get the same requests over
//! HTTP, and their answers must agree: status, the headers that carry meaning (`content-type`,
//! `location`, `allow`, `x-error`, `www-authenticate`, the CORS headers, `vary`,
//! `content-encoding`) and the body, byte for byte (after gzip decoding, when the answer is
//! gzipped). Every operation of `tutorial.py` is covered, the stateful ones in sequence (a
//! dependency's teardown is counted by `/dep/teardowns` right after the response that set it
//! up). A second test drives the WebSocket routes with Python's `websockets` client
//! (`tests/reference/ws_probe.py`) against both servers and compares the transcripts.
//!
//! Python with FastAPI 0.165.0, uvicorn and python-multipart must be installed
//! (`pip install -r requirements-test.txt`; `.ci/run` does it). Without them the test fails,
//! it does not skip: it is the check that the framework answers as FastAPI does. Set
//! `FERRAPI_PYTHON` to use another interpreter than `python3`.
//!
//! What is not compared, and why:
//!
//! * `date`, `server`, `content-length`, `transfer-encoding`: the servers', not the apps'.
//! * `x-process-time`: a duration, different on every request. It must be on both answers and
//!   parse as a number of seconds; its value is not compared.
//! * Gzipped bodies: the compressed bytes differ (CPython's zlib and zlib-rs pick different
//!   matches, the gzip header's OS byte differs), so a body with `content-encoding: gzip` is
//!   decoded (it must decode) and the decoded bytes are compared. ureq's own decompression is
//!   off (the workspace builds it without its `gzip` feature), so the test reads the raw
//!   bytes and does the decoding itself.
//! * `vary` may be sent as several header lines: all the values are joined with `, `, in
//!   order, and compared as one list.
//! * `allow`: ferrapi's `GET` operations answer `HEAD` too, on purpose (FastAPI does not:
//!   fastapi#1773, anchors §3.2), so `HEAD` is dropped from ferrapi's `allow` before comparing.
//!   For the same reason `HEAD` on a `GET` route is 405 in FastAPI and 200 in ferrapi; that
//!   case is sent to both and shown, not compared.
//! * Python's `int` is unbounded, ferrapi's integer parameters are `i64`: a path integer beyond
//!   `i64` is a 200 in FastAPI and a 422 (`less_than_equal`) in ferrapi; shown, not compared.
//! * Float rendering: Python's `json.dumps` writes `1e-05` and `1e+16` where `serde_json`
//!   writes `1e-5` and `1e16` (pydantic's own serialiser writes a third form, `0.00001`). The
//!   digits are the same shortest round-trip ones and the notation switches at the same
//!   magnitudes, so these cases are compared as JSON values rather than bytes.
//! * JSON that Python reads and `serde_json` does not (`NaN`, `Infinity`, `1e400`): FastAPI
//!   accepts it, then fails to write the value back (a 500); ferrapi answers `json_invalid`.
//!   Shown, not compared.
//! * Python 3.13 reworded `json`'s trailing-comma errors ("Illegal trailing comma before end of
//!   object", at the comma); ferrapi answers as 3.13 does, so with an older Python those cases
//!   are shown, not compared.
//!
//! Requests go over a fresh connection each (uvicorn closes a connection after a 500), with no
//! automatic `User-Agent` or `Accept-Encoding`, and redirects are not followed.

use std::io::Read;

use std::process::Command;

use std::time::Duration;

use ferrapi::toolkit::testclient::LiveServer;
use ferrapi_integration_tests::diff::Uvicorn;
use flate2::read::GzDecoder;
use serde_json::Value;
use ureq::config::AutoHeaderValue;

/// The FastAPI version whose answers ferrapi reproduces.
const FASTAPI_VERSION: &str = "0.165.0";

fn python() -> String {
    std::env::var("FERRAPI_PYTHON").unwrap_or_else(|_| "python3".to_string())
}

/// Fails with instructions unless the reference stack is importable, at the pinned version;
/// returns Python's `(major, minor)`.
fn check_python() -> (u32, u32) {
    let python = python();
    let probe = Command::new(&python)
        .args([
            "-c",
            "import sys, fastapi, uvicorn, python_multipart; \
             print(fastapi.__version__, *sys.version_info[:2])",
        ])
        .output();
    let out = match probe {
        Ok(out) => out,
        Err(err) => panic!(
            "cannot run `{python}` ({err}): the tutorial differential test needs Python with \
             FastAPI {FASTAPI_VERSION}, uvicorn and python-multipart \
             (`{python} -m pip install -r requirements-test.txt`)"
        ),
    };
    assert!(
        out.status.success(),
        "`{python}` cannot import fastapi, uvicorn and python_multipart; install them with \
         `{python} -m pip install -r requirements-test.txt` (the tutorial differential test \
         compares ferrapi with FastAPI and does not skip without it):\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let words: Vec<&str> = stdout.split_whitespace().collect();
    let [version, major, minor] = words[..] else {
        panic!("unexpected answer from `{python}`: {stdout}");
    };
    assert_eq!(
        version, FASTAPI_VERSION,
        "FastAPI {version} is installed; the reference answers are FastAPI \
         {FASTAPI_VERSION}'s (`{python} -m pip install -r requirements-test.txt`)"
    );
    (major.parse().unwrap(), minor.parse().unwrap())
}

/// How two answers are compared.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Status, significant headers, body bytes.
    Exact,
    /// Status, significant headers, body as a JSON value (the reason is in the case).
    JsonValue(&'static str),
    /// A known, deliberate difference: both answers are shown, not compared.
    Differs(&'static str),
}

/// One request, sent to both servers.
struct Case {
    method: &'static str,
    path: String,
    headers: Vec<(&'static str, String)>,
    body: Option<Vec<u8>>,
    mode: Mode,
    /// The oldest Python whose `json` module answers as ferrapi does, if the answer depends on
    /// it; with an older one the case is shown, not compared.
    since_python: Option<(u32, u32)>,
    /// Whether both answers must be gzipped (a check that the compression is really there).
    gzipped: bool,
}

impl Case {
    fn new(method: &'static str, path: &str) -> Case {
        Case {
            method,
            path: path.to_string(),
            headers: Vec::new(),
            body: None,
            mode: Mode::Exact,
            since_python: None,
            gzipped: false,
        }
    }

    fn header(mut self, name: &'static str, value: &str) -> Case {
        self.headers.push((name, value.to_string()));
        self
    }

    /// A body sent as it is, with no content type.
    fn raw(self, body: &str) -> Case {
        self.bytes(body.as_bytes())
    }

    fn bytes(mut self, body: &[u8]) -> Case {
        self.body = Some(body.to_vec());
        self
    }

    /// Python 3.13 reworded the `json` errors for a trailing comma ("Illegal trailing comma
    /// before end of object", at the comma); ferrapi answers as 3.13 and later do.
    fn trailing_comma(mut self) -> Case {
        self.since_python = Some((3, 13));
        self
    }

    /// A body with `content-type: application/json`.
    fn json(self, body: &str) -> Case {
        self.header("content-type", "application/json").raw(body)
    }

    /// Both answers must come with `content-encoding: gzip`.
    fn gzipped(mut self) -> Case {
        self.gzipped = true;
        self
    }

    fn mode(mut self, mode: Mode) -> Case {
        self.mode = mode;
        self
    }

    fn label(&self) -> String {
        let mut label = format!("{} {}", self.method, self.path);
        for (name, value) in &self.headers {
            label.push_str(&format!(" [{name}: {value}]"));
        }
        if let Some(body) = &self.body {
            label.push_str(&format!(" {}", String::from_utf8_lossy(body)));
        }
        label
    }
}

fn get(path: &str) -> Case {
    Case::new("GET", path)
}

fn post(path: &str) -> Case {
    Case::new("POST", path)
}

fn put(path: &str) -> Case {
    Case::new("PUT", path)
}

/// A CORS preflight: `OPTIONS` with `Origin` and `Access-Control-Request-Method` (and
/// `Access-Control-Request-Headers` if given).
fn preflight(path: &str, origin: &str, method: &str, headers: Option<&str>) -> Case {
    let case = Case::new("OPTIONS", path)
        .header("origin", origin)
        .header("access-control-request-method", method);
    match headers {
        Some(headers) => case.header("access-control-request-headers", headers),
        None => case,
    }
}

/// The headers compared, normalised as the module documentation explains.
const SIGNIFICANT: &[&str] = &[
    "content-type",
    "location",
    "allow",
    "x-error",
    // The security schemes' challenge.
    "www-authenticate",
    // The middleware's: CORS, GZip (`vary` gathers both).
    "access-control-allow-origin",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-allow-credentials",
    "access-control-max-age",
    "access-control-expose-headers",
    "vary",
    "content-encoding",
];

#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(&'static str, Option<String>)>,
    /// The body, gzip-decoded when `content-encoding` is `gzip`.
    body: Vec<u8>,
    /// Every `x-process-time` value sent.
    process_time: Vec<String>,
    /// Whether the body came gzipped (and was decoded).
    gzipped: bool,
}

impl Answer {
    fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

fn send(agent: &ureq::Agent, base: &str, case: &Case) -> Answer {
    let mut builder = ureq::http::Request::builder()
        .method(case.method)
        .uri(format!("{base}{}", case.path));
    for (name, value) in &case.headers {
        builder = builder.header(*name, value.as_str());
    }
    let result = match &case.body {
        Some(body) => agent.run(builder.body(body.clone()).expect("a valid request")),
        None => agent.run(builder.body(()).expect("a valid request")),
    };
    let mut response = result.unwrap_or_else(|err| panic!("{} to {base}: {err}", case.label()));
    let headers = SIGNIFICANT
        .iter()
        .map(|name| {
            let values: Vec<&str> = response
                .headers()
                .get_all(*name)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .collect();
            let value = (!values.is_empty()).then(|| values.join(", "));
            // Redirects of `redirect_slashes` are absolute, with each server's own address.
            let value = value.map(|v| v.replace(base, "<base>"));
            (*name, value)
        })
        .collect();
    let process_time = response
        .headers()
        .get_all("x-process-time")
        .iter()
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .collect();
    let gzipped = response
        .headers()
        .get("content-encoding")
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let status = response.status().as_u16();
    let raw = response
        .body_mut()
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .unwrap_or_else(|err| panic!("{}: reading the body from {base}: {err}", case.label()));
    let body = if gzipped {
        let mut decoded = Vec::new();
        GzDecoder::new(&raw[..])
            .read_to_end(&mut decoded)
            .unwrap_or_else(|err| {
                panic!(
                    "{}: the gzipped body from {base} does not decode ({err}): {raw:?}",
                    case.label()
                )
            });
        decoded
    } else {
        raw
    };
    Answer {
        status,
        headers,
        body,
        process_time,
        gzipped,
    }
}

/// Whether the answer carries one `x-process-time`, a number of seconds.
fn process_time_ok(answer: &Answer) -> bool {
    matches!(&answer.process_time[..], [one] if one.parse::<f64>().is_ok_and(|s| s >= 0.0))
}

/// ferrapi's `allow` without the `HEAD` its `GET` operations add.
fn without_head(allow: &str) -> String {
    allow
        .split(',')
        .map(str::trim)
        .filter(|m| *m != "HEAD")
        .collect::<Vec<_>>()
        .join(", ")
}

/// The differences between FastAPI's answer and ferrapi's, if any.
fn compare(case: &Case, fastapi: &Answer, ferrapi: &Answer) -> Vec<String> {
    let mut problems = Vec::new();
    if fastapi.status != ferrapi.status {
        problems.push(format!(
            "status: FastAPI {} / ferrapi {}",
            fastapi.status, ferrapi.status
        ));
    }
    for ((name, theirs), (_, ours)) in fastapi.headers.iter().zip(&ferrapi.headers) {
        let ours = match (*name, ours) {
            ("allow", Some(allow)) => Some(without_head(allow)),
            _ => ours.clone(),
        };
        if *theirs != ours {
            problems.push(format!("{name}: FastAPI {theirs:?} / ferrapi {ours:?}"));
        }
    }
    for (who, answer) in [("FastAPI", fastapi), ("ferrapi", ferrapi)] {
        if !process_time_ok(answer) {
            problems.push(format!(
                "x-process-time: {who} sent {:?}, expected one number of seconds",
                answer.process_time
            ));
        }
        if case.gzipped && !answer.gzipped {
            problems.push(format!("content-encoding: {who}'s answer is not gzipped"));
        }
    }
    if fastapi.body != ferrapi.body {
        let parsed = (
            serde_json::from_slice::<Value>(&fastapi.body),
            serde_json::from_slice::<Value>(&ferrapi.body),
        );
        let same_value = matches!(&parsed, (Ok(a), Ok(b)) if a == b);
        if !(same_value && matches!(case.mode, Mode::JsonValue(_))) {
            problems.push(format!(
                "body{}:\n      FastAPI {}\n      ferrapi {}",
                if same_value {
                    " (same JSON value, different bytes)"
                } else {
                    ""
                },
                fastapi.body_text(),
                ferrapi.body_text()
            ));
        }
    }
    problems
}

/// Every in-scope endpoint of the tutorial: happy paths and each kind of error.
fn cases() -> Vec<Case> {
    let item = r#"{"name":"Foo","price":50.2}"#;
    let long_name = "x".repeat(51);
    vec![
        // ---------------------------------------------------------------- basics
        get("/"),
        get("/items/5"),
        get("/items/5?q=hello"),
        get("/items/5?q=&short=1"),
        get("/items/5?short=yes&q=a+b%21"),
        get("/items/5?q=first&q=last"),
        get("/items/5?short=maybe"),
        get("/items/abc"),
        get("/items/5.0"),
        get("/items/%2B7"),
        get("/items/4.5?short=2"),
        get("/items/").header("user-agent", "difftest"),
        get("/items/?skip=1&limit=1"),
        get("/items/?skip=-1"),
        get("/items/?limit=-1"),
        get("/items/?skip=9223372036854775807&limit=9223372036854775807"),
        get("/items/?skip=x&limit=1.5"),
        get("/items/?skip=&limit=%20"),
        get("/items"),
        post("/items/").json(item),
        post("/items/")
            .json(r#"{"name":"Foo","description":"d","price":50.2,"tax":10.5,"tags":["a","b"]}"#),
        post("/items/").json(r#"{"name":"Foo","price":"12","tax":3}"#),
        post("/items/").json(r#"{"name":"Foo","price":3,"unknown":true}"#),
        post("/items/").json(r#"{"name":"Ünïcødé ✓","price":1e2,"description":"a\"b\\c\n"}"#),
        post("/items/").json(""),
        post("/items/").json(r#"{"name": "#),
        post("/items/").json(r#"{"name": "Foo",}"#).trailing_comma(),
        post("/weights").json(r#"{"1": [1, 2, ]}"#).trailing_comma(),
        post("/items/").json("{\"name\": \"a\tb\", \"price\": 1}"),
        post("/items/").json(r#"{"name": "\u12", "price": 1}"#),
        post("/items/").json(r#"{"name": "\x", "price": 1}"#),
        post("/items/").json(r#"{"name": "é\u00e9\ud83d\ude00", "price": 1}"#),
        post("/items/").json(r#"{"name": "é", "price": 1} x"#),
        post("/items/").json(r#"{"name": "é", "price": 01}"#),
        post("/items/").json(r#"{"name" "é"}"#),
        post("/items/")
            .header("content-type", "application/json")
            .bytes(b"\xEF\xBB\xBF{\"name\":\"bom\",\"price\":2}"),
        post("/items/")
            .header("content-type", "application/json")
            .bytes(b"{\"name\":\"\xFF\",\"price\":2}"),
        post("/items/")
            .json(r#"{"name":"x","price":NaN}"#)
            .mode(Mode::Differs(
            "Python's json reads NaN, Infinity and 1e400, then FastAPI cannot write them in its \
             422 or its answer (500); serde_json rejects them: json_invalid (422)",
        )),
        post("/items/").json("[1, 2"),
        post("/items/").raw(item),
        post("/items/")
            .header("content-type", "text/plain")
            .raw(item),
        post("/items/")
            .header("content-type", "application/json; charset=utf-8")
            .raw(item),
        post("/items/")
            .header("content-type", "application/vnd.api+json")
            .raw(item),
        post("/items/").json("null"),
        post("/items/").json("[]"),
        post("/items/").json(r#""Foo""#),
        post("/items/").json("{}"),
        post("/items/").json(r#"{"name":"","price":0,"tags":"x","tax":"abc"}"#),
        post("/items/").json(&format!(
            r#"{{"name":"{long_name}","price":-1,"tags":["a",2,null]}}"#
        )),
        post("/items/").json(r#"{"name":5,"price":true,"description":7}"#),
        post("/items"),
        put("/items/3?q=x").json(item),
        put("/items/3").json(r#"{"name":"Foo","price":1.5,"tax":null,"tags":[]}"#),
        put("/items/abc").json(r#"{"price":0}"#),
        put("/items/3"),
        Case::new("DELETE", "/items/5"),
        Case::new("DELETE", "/items/abc"),
        get("/strict/foo"),
        get("/strict/bar"),
        get("/strict/baz"),
        get("/strict/nope"),
        // ---------------------------------------------------------------- params
        get("/search"),
        get("/search?q=abc"),
        get("/search?q=a%20b%20c"),
        get("/search?q="),
        get("/search?q=ab"),
        get("/search?q=ABC"),
        get("/search?q=abc&q=ABC"),
        get(&format!("/search?q={}", "a".repeat(51))),
        get("/bounded/1"),
        get("/bounded/1000?size=10.4"),
        get("/bounded/5?size=2"),
        get("/bounded/5?size=1e-3"),
        get("/bounded/0"),
        get("/bounded/1001"),
        get("/bounded/-3"),
        get("/bounded/5?size=0"),
        get("/bounded/5?size=10.5"),
        get("/bounded/5?size=abc"),
        get("/bounded/5?size="),
        get("/bounded/5?size=inf"),
        get("/bounded/5?size=nan"),
        get("/bounded/0?size=11"),
        get("/bounded/x?size=y"),
        get("/bounded/5?size=0.00001").mode(Mode::JsonValue(
            "Python writes 1e-05, serde_json 1e-5 (module documentation)",
        )),
        get("/tags"),
        get("/tags?tag=a&tag=b"),
        get("/tags?tag="),
        get("/tags?tag=1&other=2&tag=%C3%A9"),
        get("/models/alexnet"),
        get("/models/lenet"),
        get("/models/resnet"),
        get("/models/vgg"),
        get("/models/AlexNet"),
        get("/paths/a/b/c.txt"),
        get("/paths//etc/passwd"),
        get("/paths/a%20b"),
        get("/paths/a%2Fb"),
        get("/paths/"),
        get("/headers"),
        get("/headers").header("user-agent", "difftest/1.0"),
        get("/headers")
            .header("x-token", "a")
            .header("x-token", "b"),
        get("/headers").header("X-Token", "a, b"),
        get("/headers").header("x_token", "underscored"),
        get("/headers").header("USER-AGENT", "shouting"),
        get("/cookies"),
        get("/cookies").header("cookie", "ads_id=abc"),
        get("/cookies").header("cookie", "other=1; ads_id=abc; last=2"),
        get("/cookies").header("cookie", "ads_id="),
        get("/cookies").header("cookie", r#"ads_id="quoted""#),
        get("/cookies").header("cookie", "ads_id=a b"),
        // ---------------------------------------------------------------- bodies
        post("/offers").json(r#"{"name":"o","items":[]}"#),
        post("/offers")
            .json(r#"{"name":"o","items":[{"name":"a","price":0.1},{"name":"b","price":0.2}]}"#),
        post("/offers").json(r#"{"name":"o","items":[{"name":"a","price":1},{"price":"x"}]}"#),
        post("/offers").json(r#"{"items":{"name":"a"}}"#),
        put("/multi/1").json(&format!(
            r#"{{"item":{item},"user":{{"username":"u"}},"importance":3}}"#
        )),
        put("/multi/1").json(&format!(
            r#"{{"item":{item},"user":{{"username":"u","full_name":"U U"}},"importance":"5"}}"#
        )),
        put("/multi/1").json(&format!(
            r#"{{"item":{item},"user":{{"username":"u"}},"importance":0}}"#
        )),
        put("/multi/1").json(&format!(r#"{{"item":{item}}}"#)),
        put("/multi/1").json(item),
        put("/multi/x").json(r#"{"item":[],"user":{"full_name":1},"importance":1.5}"#),
        put("/multi/1").json("[1]"),
        put("/multi/1").raw(item),
        put("/multi/1").json("{"),
        put("/multi/1"),
        put("/embed/1").json(&format!(r#"{{"item":{item}}}"#)),
        put("/embed/1").json(item),
        put("/embed/1").json(r#"{"item":{"name":"","price":1}}"#),
        put("/embed/1").json(r#"{"item":null}"#),
        put("/embed/1").raw(item),
        post("/weights").json(r#"{"1":2,"3":4.5}"#),
        post("/weights").json(r#"{"3":1,"1":2,"2":0.5}"#),
        post("/weights").json(r#"{"01":1," 2 ":"2.5","+3":true,"4.0":-1}"#),
        post("/weights").json(r#"{"1":1,"01":2}"#),
        post("/weights").json("{}"),
        post("/weights").json(r#"{"a":"b","1":null,"1.5":2,"x":3}"#),
        post("/weights").json("[]"),
        post("/weights").json("7"),
        post("/weights").raw(r#"{"1":2}"#),
        post("/weights"),
        // ---------------------------------------------------------------- forms
        post("/login/")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("username=ann&password=secret"),
        post("/login/")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("username=ann"),
        post("/login/"),
        post("/login/").json(r#"{"username":"ann","password":"x"}"#),
        post("/login/")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .raw("--XyZ\r\nContent-Disposition: form-data; name=\"username\"\r\n\r\nbob\r\n--XyZ\r\nContent-Disposition: form-data; name=\"password\"\r\n\r\npw\r\n--XyZ--\r\n"),
        post("/files/")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .raw("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ--\r\n"),
        post("/files/"),
        post("/uploadfile/")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .raw("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\nContent-Type: text/plain\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nn1\r\n--XyZ--\r\n"),
        post("/uploadfile/")
            .header("content-type", "multipart/form-data; boundary=XyZ")
            .raw("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.bin\"\r\nContent-Type: application/octet-stream\r\n\r\nxy\r\n--XyZ--\r\n"),
        post("/uploadfile/")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("note=n"),
        // ---------------------------------------------------------------- background
        post("/notify/ann@example.com"),
        get("/sleep/sync?seconds=0.01"),
        get("/sleep/async?seconds=0.01"),
        get("/sleep/sync?seconds=6"),
        get("/sleep/async?seconds=-1"),
        get("/sleep/async?seconds=abc"),
        // ---------------------------------------------------------------- responses
        post("/users/").json(r#"{"username":"ann","password":"hunter22","email":"a@example.com"}"#),
        post("/users/").json(
            r#"{"username":"ann","password":"hunter22","email":"a@example.com","full_name":"Ann"}"#,
        ),
        post("/users/").json(r#"{"username":"an","password":"short"}"#),
        post("/users/").json(r#"{"username":"ann","password":12345678,"email":"a"}"#),
        post("/users"),
        get("/html"),
        get("/plain"),
        get("/redirect"),
        get("/stream"),
        get("/large"),
        get("/teapots/pot"),
        get("/teapots/yolo"),
        // ---------------------------------------------------------------- dependencies
        get("/dep/items"),
        get("/dep/items?q=a&skip=2&limit=3"),
        get("/dep/items?skip=x&limit=y"),
        get("/dep/class"),
        get("/dep/class?q=zz&skip=1"),
        get("/dep/class?skip=-1&limit=1"),
        get("/dep/class?skip=bad&limit=1.5"),
        get("/dep/sub"),
        get("/dep/sub?q=query"),
        get("/dep/sub").header("cookie", "last_query=from-cookie"),
        get("/dep/sub?q=").header("cookie", "last_query=from-cookie"),
        get("/dep/sub?q=query").header("cookie", "last_query=from-cookie"),
        get("/dep/cached"),
        get("/dep/cached"),
        // A teardown runs after the response is sent: the next request sees it counted.
        get("/dep/teardowns"),
        get("/dep/session"),
        get("/dep/teardowns"),
        get("/dep/session"),
        get("/dep/session"),
        get("/dep/teardowns"),
        // The admin router's `X-Token` dependency guards both of its operations.
        get("/admin/users"),
        get("/admin/users").header("x-token", "wrong"),
        get("/admin/users").header("x-token", "fake-super-secret-token"),
        get("/admin/users/rick"),
        get("/admin/users/rick").header("x-token", "fake-super-secret-token"),
        get("/admin/users/rick").header("x-token", ""),
        post("/admin/users").header("x-token", "fake-super-secret-token"),
        get("/admin/nope").header("x-token", "fake-super-secret-token"),
        // ---------------------------------------------------------------- security
        post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("username=johndoe&password=secret"),
        post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("username=johndoe&password=wrong"),
        post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("grant_type=password&username=johndoe&password=secret&scope=me+items"),
        post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("grant_type=client_credentials&username=johndoe&password=secret"),
        post("/token")
            .header("content-type", "application/x-www-form-urlencoded")
            .raw("username=johndoe"),
        post("/token"),
        post("/token").json(r#"{"username":"johndoe","password":"secret"}"#),
        get("/users/me"),
        get("/users/me").header("authorization", "Bearer token-johndoe"),
        get("/users/me").header("authorization", "bearer token-johndoe"),
        get("/users/me").header("authorization", "Bearer wrong"),
        get("/users/me").header("authorization", "Basic dXNlcjpwYXNz"),
        get("/users/me").header("authorization", "Bearer"),
        get("/users/me").header("authorization", ""),
        get("/basic"),
        get("/basic").header("authorization", "Basic am9objpzZWNyZXQ="),
        get("/basic").header("authorization", "basic am9objpzZWNyZXQ="),
        // `john:` (an empty password), and `:pw`.
        get("/basic").header("authorization", "Basic am9objo="),
        get("/basic").header("authorization", "Basic OnB3"),
        // Not base64, not `user:password`, not ASCII, bad padding.
        get("/basic").header("authorization", "Basic !!!"),
        get("/basic").header("authorization", "Basic am9obg=="),
        get("/basic").header("authorization", "Basic w6k6eA=="),
        get("/basic").header("authorization", "Basic am9objpzZWNyZXQ"),
        get("/basic").header("authorization", "Bearer am9objpzZWNyZXQ="),
        // ---------------------------------------------------------------- lifespan
        get("/state"),
        // ---------------------------------------------------------------- middleware
        // CORS preflights: answered by the middleware, never by a route.
        preflight("/items/", "http://localhost:3000", "POST", Some("X-Token")),
        preflight("/items/", "http://localhost:3000", "GET", None),
        preflight("/items/", "http://evil.example", "POST", Some("X-Token")),
        preflight("/items/", "http://localhost:3000", "PUT", Some("X-Token")),
        preflight("/items/", "http://localhost:3000", "POST", Some("X-Other")),
        preflight(
            "/items/",
            "http://evil.example",
            "PUT",
            Some("X-Other, X-Token"),
        ),
        preflight(
            "/nope",
            "http://localhost:3000",
            "GET",
            Some("x-token, content-type"),
        ),
        // Simple requests: the app answers, CORS adds its headers.
        get("/").header("origin", "http://localhost:3000"),
        get("/").header("origin", "http://evil.example"),
        get("/strict/nope").header("origin", "http://localhost:3000"),
        post("/items/")
            .header("origin", "http://localhost:3000")
            .json(item),
        // `OPTIONS` with an `Origin` but no `Access-Control-Request-Method` is no preflight.
        Case::new("OPTIONS", "/items/").header("origin", "http://localhost:3000"),
        // GZip: above `minimum_size` compressed, below not, a stream always.
        get("/large").header("accept-encoding", "gzip").gzipped(),
        get("/large")
            .header("accept-encoding", "gzip, deflate, br")
            .gzipped(),
        get("/large").header("accept-encoding", "br"),
        get("/large")
            .header("accept-encoding", "gzip")
            .header("origin", "http://localhost:3000")
            .gzipped(),
        get("/").header("accept-encoding", "gzip"),
        get("/items/5").header("accept-encoding", "gzip"),
        get("/stream").header("accept-encoding", "gzip").gzipped(),
        get("/stream")
            .header("accept-encoding", "gzip")
            .header("origin", "http://evil.example")
            .gzipped(),
        get("/html").header("accept-encoding", "gzip"),
        // ---------------------------------------------------------------- routing errors
        get("/nope"),
        get("/items/5/extra"),
        Case::new("DELETE", "/"),
        Case::new("POST", "/items/5"),
        Case::new("PATCH", "/items/5"),
        Case::new("PUT", "/items/"),
        Case::new("DELETE", "/search"),
        Case::new("OPTIONS", "/items/"),
        post("/teapots/pot").json("{}"),
        Case::new("HEAD", "/items/5").mode(Mode::Differs(
            "ferrapi's GET operations answer HEAD (200); FastAPI's do not (405, fastapi#1773)",
        )),
        get("/items/99999999999999999999").mode(Mode::Differs(
            "Python's int is unbounded (200); ferrapi's i64 parameter reports the bound (422)",
        )),
    ]
}

/// The tutorial on a real socket, with the runtime that serves it (keep both alive).
fn start_tutorial() -> (tokio::runtime::Runtime, LiveServer) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ferrapi = rt
        .block_on(LiveServer::start(ferrapi_examples::tutorial::app()))
        .expect("start ferrapi");
    (rt, ferrapi)
}

#[test]
fn tutorial_answers_as_fastapi_does() {
    let python = check_python();
    let uvicorn = Uvicorn::start("tutorial");
    let (_rt, ferrapi) = start_tutorial();
    let ferrapi_base = ferrapi.url("").trim_end_matches('/').to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(AutoHeaderValue::None)
        .accept_encoding(AutoHeaderValue::None)
        .timeout_global(Some(Duration::from_secs(10)))
        // A connection per request: uvicorn closes the connection after a 500, and a pooled
        // one could be reused just as it goes.
        .max_idle_connections(0)
        .build()
        .into();

    // Make sure the port is uvicorn's, not something else that grabbed it.
    let probe = agent
        .get(format!("{}/", uvicorn.base()))
        .call()
        .expect("uvicorn answers");
    let server = probe.headers().get("server").and_then(|v| v.to_str().ok());
    assert_eq!(
        server,
        Some("uvicorn"),
        "another server took uvicorn's port"
    );

    let cases = cases();
    let mut failures = Vec::new();
    let mut compared = 0;
    for case in &cases {
        let theirs = send(&agent, &uvicorn.base(), case);
        let ours = send(&agent, &ferrapi_base, case);
        let line = format!(
            "{:>3} {:>3}  {}",
            theirs.status,
            ours.status,
            truncate(&case.label(), 110)
        );
        let mode = match case.since_python {
            Some(oldest) if python < oldest => Mode::Differs(
                "Python before 3.13 words a trailing comma in JSON differently; \
                 ferrapi answers as 3.13 and later",
            ),
            _ => case.mode,
        };
        match mode {
            Mode::Differs(reason) => {
                println!("skip {line}\n        ({reason})");
                continue;
            }
            Mode::Exact | Mode::JsonValue(_) => compared += 1,
        }
        let problems = compare(case, &theirs, &ours);
        if problems.is_empty() {
            println!("ok   {line}");
        } else {
            println!("DIFF {line}");
            failures.push(format!("{}\n    {}", case.label(), problems.join("\n    ")));
        }
    }
    println!(
        "{compared} requests compared, {} differ, {} known differences shown",
        failures.len(),
        cases.len() - compared
    );
    assert!(
        failures.is_empty(),
        "{} of {compared} answers differ from FastAPI's:\n\n{}\n\nuvicorn's log:\n{}",
        failures.len(),
        failures.join("\n\n"),
        uvicorn.log()
    );
}

/// The tutorial's WebSocket routes, driven by `tests/reference/ws_probe.py` (Python's
/// `websockets` client) against both servers: the transcripts must be the same.
#[test]
fn websockets_answer_as_fastapi_does() {
    check_python();
    let uvicorn = Uvicorn::start("tutorial");
    let (_rt, ferrapi) = start_tutorial();
    let probe = |base: &str| -> String {
        let ws = base.replacen("http://", "ws://", 1);
        let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("reference/ws_probe.py");
        let out = Command::new(python())
            .arg(script)
            .arg(ws.trim_end_matches('/'))
            .output()
            .expect("run ws_probe.py");
        assert!(
            out.status.success(),
            "ws_probe.py failed against {base}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).expect("UTF-8 transcript")
    };
    let theirs = probe(&uvicorn.base());
    let ours = probe(&ferrapi.url(""));
    println!("FastAPI:\n{theirs}\nferrapi:\n{ours}");
    assert!(
        theirs.contains("\"open\""),
        "the probe talked to FastAPI: {theirs}"
    );
    assert_eq!(ours, theirs, "WebSocket transcripts differ");
}

fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let cut: String = text.chars().take(max).collect();
        format!("{cut}…")
    }
}
