//! `layered`, run as a process and spoken to over real sockets: each layer's routes answer,
//! in that layer's own style (the framework's typed validation and JSON errors, the toolkit's
//! router and plain-text errors, the bare server app's view of a mounted request), over HTTP
//! with ureq and the raw client of `common`, and over a WebSocket with Python's `websockets`
//! (`py/ws_echo.py`).

mod common;
mod py;

use common::*;
use serde_json::{json, Value};

const LAYERED: &str = env!("CARGO_BIN_EXE_layered");

fn start() -> Server {
    let args = ["--host", "127.0.0.1", "--port", "0", "--no-access-log"];
    let mut server = Server::spawn(command_for(LAYERED, &args, &[]));
    server.wait_ready();
    server
}

/// `GET path`: the status, the content type and the body.
fn get(server: &Server, path: &str) -> (u16, String, String) {
    let mut res = agent(IO_TIMEOUT)
        .get(format!("http://{}{path}", server.addr()))
        .call()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"));
    let content_type = res
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    let body = res.body_mut().read_to_string().unwrap();
    (res.status().as_u16(), content_type, body)
}

fn get_json(server: &Server, path: &str) -> (u16, Value) {
    let (status, content_type, body) = get(server, path);
    assert_eq!(content_type, "application/json", "GET {path}: {body}");
    let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"));
    (status, json)
}

/// The framework layer at `/`: a typed operation validates its arguments (422 with FastAPI's
/// body), unknown paths are FastAPI's JSON 404, and the OpenAPI document lists the
/// framework's operations only, not the mounted apps.
#[test]
fn the_framework_answers_at_the_root() {
    let server = start();
    let (status, index) = get_json(&server, "/");
    assert_eq!(status, 200);
    assert_eq!(index["layer"], "framework");

    assert_eq!(
        get_json(&server, "/items/3?q=hi"),
        (200, json!({ "layer": "framework", "id": 3, "q": "hi" }))
    );
    let (status, error) = get_json(&server, "/items/0");
    assert_eq!(status, 422);
    assert_eq!(error["detail"][0]["type"], "greater_than_equal");
    assert_eq!(error["detail"][0]["loc"], json!(["path", "id"]));
    let (status, error) = get_json(&server, "/items/3?q=abcdefghijklmnopqrstuvwxyz");
    assert_eq!(status, 422);
    assert_eq!(error["detail"][0]["type"], "string_too_long");

    assert_eq!(
        get_json(&server, "/nowhere"),
        (404, json!({ "detail": "Not Found" }))
    );

    let (status, doc) = get_json(&server, "/openapi.json");
    assert_eq!(status, 200);
    let paths: Vec<&String> = doc["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, ["/", "/items/{id}"]);
}

/// The toolkit application mounted at `/toolkit`: its own router (the `{id:int}` convertor),
/// the mount's prefix moved to the root path, and its own plain-text 404, not the
/// framework's JSON one. `/toolkit` without the slash redirects to `/toolkit/`, as
/// Starlette's mounts do.
#[test]
fn the_toolkit_application_answers_under_toolkit() {
    let server = start();
    assert_eq!(
        get_json(&server, "/toolkit/"),
        (
            200,
            json!({ "layer": "toolkit", "path": "/", "root_path": "/toolkit" })
        )
    );
    assert_eq!(
        get_json(&server, "/toolkit/items/7?q=a"),
        (200, json!({ "layer": "toolkit", "id": 7, "q": "a" }))
    );
    for path in ["/toolkit/items/abc", "/toolkit/nowhere"] {
        assert_eq!(
            get(&server, path),
            (
                404,
                "text/plain; charset=utf-8".to_string(),
                "Not Found".to_string()
            ),
            "GET {path}"
        );
    }
    let res = fetch(server.addr(), "/toolkit", &[]);
    assert_eq!(res.status, 307);
    assert_eq!(res.header("location"), Some("http://test/toolkit/"));
}

/// The bare server app mounted at `/raw`: it sees the path after the prefix, the prefix as
/// its root path and the query as sent; it answers other methods with its own 405; its
/// WebSocket echo (the server's WebSocket API, through two routers) echoes text and binary
/// messages, and it refuses a handshake elsewhere with 403.
#[test]
fn the_server_app_answers_under_raw() {
    let server = start();
    assert_eq!(
        get_json(&server, "/raw/any/path?x=1"),
        (
            200,
            json!({
                "layer": "server",
                "method": "GET",
                "path": "/any/path",
                "query": "x=1",
                "root_path": "/raw",
            })
        )
    );

    let mut client = connect(server.addr());
    client
        .send(
            b"POST /raw/x HTTP/1.1\r\nHost: test\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
        )
        .unwrap();
    let res = client.read_response().unwrap();
    assert_eq!(res.status, 405);
    assert_eq!(res.header("allow"), Some("GET, HEAD"));

    let ws = format!("ws://{}", server.addr());
    let echo = py::run(
        "ws_echo.py",
        &[&format!("{ws}/raw/ws"), "hello", "ünïcode ✓"],
        || server.logs(),
    );
    assert_eq!(
        echo,
        json!({
            "accepted": true,
            "echoes": ["hello", "ünïcode ✓", [0, 98, 105, 110, 97, 114, 121, 255]],
            "close": 1000,
        })
    );
    let refused = py::run("ws_echo.py", &[&format!("{ws}/raw/elsewhere")], || {
        server.logs()
    });
    assert_eq!(refused, json!({ "refused": 403 }));
}
