//! `testclient`: the in-process client (cookies, redirects, builders, root path, WebSocket
//! sessions, bare server apps) and `LiveServer`.

mod common;

use common::within;
use ferrapi_toolkit::server::websocket::{Message, WebSocketUpgrade};
use ferrapi_toolkit::server::{Body, Scope};
use ferrapi_toolkit::testclient::{LiveServer, TestClient, MAX_REDIRECTS, TEST_HOST};
use ferrapi_toolkit::{
    Application, Cookie, IntoResponse, Json, Method, PlainText, Redirect, Request, Response,
    ResponseExt, Route, StatusCode, WebSocket, WebSocketRoute,
};
use http::HeaderMap;
use serde_json::{json, Value};

async fn echo(mut req: Request) -> Json<Value> {
    let body = req.text().await.unwrap_or_default();
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .keys()
        .map(|k| {
            let values: Vec<Value> = req
                .headers()
                .get_all(k)
                .iter()
                .map(|v| Value::String(v.to_str().unwrap_or("?").to_string()))
                .collect();
            (k.as_str().to_string(), Value::Array(values))
        })
        .collect();
    Json(json!({
        "method": req.method().as_str(),
        "path": req.path(),
        "raw_path": req.uri().path(),
        "query": req.uri().query(),
        "body": body,
        "headers": headers,
        "root_path": req.root_path(),
        "url": req.url().to_string(),
        "client": req.client().map(|c| c.to_string()),
    }))
}

async fn set_cookie(req: Request) -> Response {
    let mut response = PlainText("set").into_response();
    for (name, value) in req.query_params().iter() {
        response.set_cookie(Cookie::new(name, value)).unwrap();
    }
    response
}

async fn delete_cookie(req: Request) -> Response {
    let mut response = PlainText("deleted").into_response();
    let name = req.query_params().get("name").unwrap_or("a").to_string();
    response.delete_cookie(&name, None, None).unwrap();
    response
}

async fn cookie_header(req: Request) -> String {
    req.header("cookie").unwrap_or("-").to_string()
}

async fn redirect(req: Request) -> Redirect {
    let to = req.query_params().get("to").unwrap_or("/echo").to_string();
    let status = req
        .query_params()
        .get("status")
        .and_then(|s| s.parse().ok())
        .unwrap_or(307);
    Redirect::to(&to).with_status(StatusCode::from_u16(status).unwrap())
}

async fn hop(req: Request) -> Redirect {
    let n: u32 = req.path_params().parse("n").unwrap();
    if n == 0 {
        Redirect::to("/echo?arrived=1")
    } else {
        Redirect::to(&format!("http://testserver/hop/{}", n - 1))
    }
}

async fn forever(_req: Request) -> Redirect {
    Redirect::to("/forever")
}

fn app() -> Application {
    let all = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];
    Application::new()
        .route(Route::new("/echo", echo).methods(all.clone()))
        .route(Route::new("/echo/{rest:path}", echo).methods(all.clone()))
        .route(Route::new("/set", set_cookie))
        .route(Route::new("/delete", delete_cookie))
        .route(Route::new("/cookie", cookie_header))
        .route(Route::new("/redirect", redirect).methods(all))
        .route(Route::new("/hop/{n:int}", hop))
        .route(Route::new("/forever", forever))
        .route(WebSocketRoute::new("/ws", |mut ws: WebSocket| async move {
            let name = ws.query_params().get("name").unwrap_or("anon").to_string();
            ws.accept().await?;
            ws.send_text(format!("hello {name}")).await?;
            let reply = ws
                .receive_text()
                .await
                .map_err(ferrapi_toolkit::Error::new)?;
            ws.send_text(format!("got {reply}")).await?;
            ws.close(4000, "done").await?;
            Ok::<(), ferrapi_toolkit::Error>(())
        }))
        .route(WebSocketRoute::new(
            "/ws-headers",
            |mut ws: WebSocket| async move {
                let text = format!(
                    "x-default={} x-extra={}",
                    ws.headers()
                        .get("x-default")
                        .map_or("-", |v| v.to_str().unwrap()),
                    ws.headers()
                        .get("x-extra")
                        .map_or("-", |v| v.to_str().unwrap()),
                );
                ws.deny((StatusCode::BAD_REQUEST, text))?;
                Ok::<(), ferrapi_toolkit::Error>(())
            },
        ))
}

#[tokio::test]
async fn cookies_persist_and_are_deleted_by_max_age_zero() {
    within(async {
        let client = TestClient::new(app());
        assert_eq!(client.get("/cookie").send().await.text(), "-");
        client
            .get("/set")
            .query(&[("a", "1"), ("b", "two words")])
            .send()
            .await;
        assert_eq!(client.cookies().get("a").map(String::as_str), Some("1"));
        assert_eq!(
            client.cookies().get("b").map(String::as_str),
            Some("\"two words\"")
        );
        assert_eq!(
            client.get("/cookie").send().await.text(),
            "a=1; b=\"two words\""
        );
        // The request parser unquotes what the jar sends back.
        let r: Value = client.get("/echo").send().await.json().unwrap();
        assert_eq!(r["headers"]["cookie"][0], "a=1; b=\"two words\"");

        client.get("/set").query(&[("a", "replaced")]).send().await;
        assert_eq!(
            client.get("/cookie").send().await.text(),
            "a=replaced; b=\"two words\""
        );

        client.get("/delete").query(&[("name", "a")]).send().await;
        assert!(!client.cookies().contains_key("a"));
        assert_eq!(client.get("/cookie").send().await.text(), "b=\"two words\"");
        client.get("/delete").query(&[("name", "b")]).send().await;
        assert!(client.cookies().is_empty());
        assert_eq!(client.get("/cookie").send().await.text(), "-");

        // Set by hand, and overridden by an explicit header.
        client.set_cookie("manual", "m");
        assert_eq!(client.get("/cookie").send().await.text(), "manual=m");
        let r = client
            .get("/cookie")
            .header("cookie", "explicit=e")
            .send()
            .await;
        assert_eq!(r.text(), "explicit=e");
    })
    .await;
}

#[tokio::test]
async fn redirects_are_followed_or_not() {
    within(async {
        let client = TestClient::new(app());
        let r = client.get("/hop/3").send().await;
        assert_eq!(r.status(), 200);
        let body: Value = r.json().unwrap();
        assert_eq!(body["query"], "arrived=1");

        let client = TestClient::new(app()).follow_redirects(false);
        let r = client.get("/hop/3").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/hop/2"));

        // A loop ends after the limit with the last redirect.
        let client = TestClient::new(app());
        let r = client.get("/forever").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(MAX_REDIRECTS, 20);
    })
    .await;
}

#[tokio::test]
async fn redirect_methods_follow_httpx_rules() {
    within(async {
        let client = TestClient::new(app());
        let post = |status: &'static str| {
            client
                .post("/redirect")
                .query(&[("status", status), ("to", "/echo")])
                .body("payload")
        };
        let r: Value = post("303").send().await.json().unwrap();
        assert_eq!(
            (r["method"].as_str(), r["body"].as_str()),
            (Some("GET"), Some(""))
        );
        let r: Value = post("302").send().await.json().unwrap();
        assert_eq!(r["method"], "GET");
        let r: Value = post("301").send().await.json().unwrap();
        assert_eq!(r["method"], "GET");
        let r: Value = post("307").send().await.json().unwrap();
        assert_eq!(
            (r["method"].as_str(), r["body"].as_str()),
            (Some("POST"), Some("payload"))
        );
        let r: Value = post("308").send().await.json().unwrap();
        assert_eq!(
            (r["method"].as_str(), r["body"].as_str()),
            (Some("POST"), Some("payload"))
        );
        // 303 turns any method into GET; 302 keeps PUT.
        let r: Value = client
            .put("/redirect")
            .query(&[("status", "303")])
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["method"], "GET");
        let r: Value = client
            .put("/redirect")
            .query(&[("status", "302")])
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["method"], "PUT");
    })
    .await;
}

#[tokio::test]
async fn head_has_an_empty_body() {
    within(async {
        let client = TestClient::new(app());
        // Redirected to `/echo`, still as HEAD.
        let r = client.head("/hop/0").send().await;
        assert_eq!(r.status(), 200);
        assert!(r.bytes().is_empty());
        assert_eq!(r.header("content-type"), Some("application/json"));
        let r = TestClient::new(
            Application::new().route(Route::new("/", |_r: Request| async { "a body" })),
        )
        .head("/")
        .send()
        .await;
        assert_eq!(r.status(), 200);
        assert!(r.bytes().is_empty());
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
    })
    .await;
}

#[tokio::test]
async fn request_builders() {
    within(async {
        let client = TestClient::new(app()).default_header("x-default", "d");
        let r: Value = client
            .post("/echo")
            .json(&json!({ "k": [1, "two"] }))
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["body"], r#"{"k":[1,"two"]}"#);
        assert_eq!(r["headers"]["content-type"], json!(["application/json"]));
        assert_eq!(r["headers"]["content-length"], json!(["15"]));
        assert_eq!(r["headers"]["host"], json!([TEST_HOST]));
        assert_eq!(r["headers"]["x-default"], json!(["d"]));

        let r: Value = client
            .patch("/echo")
            .form(&[("name", "a b"), ("sym", "&=?"), ("name", "c")])
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["method"], "PATCH");
        assert_eq!(r["body"], "name=a+b&sym=%26%3D%3F&name=c");
        assert_eq!(
            r["headers"]["content-type"],
            json!(["application/x-www-form-urlencoded"])
        );

        let r: Value = client
            .get("/echo?x=1")
            .query(&[("y", "2 3"), ("x", "4")])
            .header("x-default", "overridden")
            .header("x-multi", "1")
            .header("x-multi", "2")
            .header("bad header", "ignored")
            .header("x-bad-value", "a\r\nb")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["query"], "x=1&y=2+3&x=4");
        assert_eq!(r["headers"]["x-default"], json!(["overridden"]));
        assert_eq!(r["headers"]["x-multi"], json!(["1", "2"]));
        assert_eq!(r["headers"].get("x-bad-value"), None);
        assert_eq!(r["client"], "127.0.0.1:50000");

        for (method, expected) in [
            (client.delete("/echo"), "DELETE"),
            (client.options("/echo"), "OPTIONS"),
            (client.put("/echo").body(vec![1u8, 2]), "PUT"),
            (client.request(Method::POST, "/echo"), "POST"),
        ] {
            let r: Value = method.send().await.json().unwrap();
            assert_eq!(r["method"], expected);
        }
    })
    .await;
}

#[tokio::test]
async fn request_targets_are_encoded_like_httpx() {
    within(async {
        let client = TestClient::new(app());
        let r: Value = client
            .get("/echo/a b/caf\u{e9}")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["raw_path"], "/echo/a%20b/caf%C3%A9");
        assert_eq!(r["path"], "/echo/a b/caf\u{e9}");
        let r: Value = client.get("/echo/x%2Fy?q=a b").send().await.json().unwrap();
        assert_eq!(r["raw_path"], "/echo/x%2Fy");
        assert_eq!(r["query"], "q=a%20b");
        // A fragment never reaches the app.
        let r: Value = client.get("/echo/f?q=1#frag").send().await.json().unwrap();
        assert_eq!(
            (r["path"].as_str(), r["query"].as_str()),
            (Some("/echo/f"), Some("q=1"))
        );
        let r: Value = client
            .get("http://testserver/echo/abs")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["path"], "/echo/abs");
        let r: Value = client.get("echo/no-slash").send().await.json().unwrap();
        assert_eq!(r["path"], "/echo/no-slash");
        let r: Value = client
            .get("https://other.host")
            .send()
            .await
            .json()
            .unwrap_or_default();
        assert_eq!(r, Value::Null, "`/` is not routed here");
    })
    .await;
}

#[tokio::test]
async fn root_path_is_the_mount_prefix() {
    within(async {
        let client = TestClient::new(app()).root_path("/api/v1");
        let r: Value = client.get("/echo").send().await.json().unwrap();
        assert_eq!(r["root_path"], "/api/v1");
        assert_eq!(r["path"], "/echo");
        assert_eq!(r["url"], "http://testserver/api/v1/echo");
    })
    .await;
}

#[tokio::test]
async fn websocket_sessions() {
    within(async {
        let client = TestClient::new(app());
        let mut ws = client.websocket_connect("/ws?name=ann").await.unwrap();
        assert_eq!(ws.protocol(), None);
        assert_eq!(ws.receive_text().await.unwrap(), "hello ann");
        ws.send_text("ping").await.unwrap();
        assert_eq!(ws.receive_text().await.unwrap(), "got ping");
        match ws.receive().await {
            Some(Message::Close(Some(frame))) => {
                assert_eq!((frame.code, frame.reason.as_str()), (4000, "done"))
            }
            other => panic!("expected a close, got {other:?}"),
        }
        assert!(ws.receive().await.is_none());
        // Sending after the close fails instead of hanging.
        assert!(ws.send_text("late").await.is_err());

        let denied = client.websocket_connect("/echo").await.unwrap_err();
        assert_eq!(denied.status(), 403);

        // Default headers reach the handshake too.
        let client = TestClient::new(app()).default_header("x-default", "d");
        let mut headers = HeaderMap::new();
        headers.insert("x-extra", http::HeaderValue::from_static("e"));
        let r = client
            .websocket_connect_with("/ws-headers", &[], headers)
            .await
            .unwrap_err();
        assert_eq!(r.status(), 400);
        assert_eq!(r.text(), "x-default=d x-extra=e");
    })
    .await;
}

/// A bare server app: no toolkit routing, just a closure.
async fn bare(mut req: http::Request<Body>) -> Response {
    if let Some(upgrade) = req.extensions_mut().remove::<WebSocketUpgrade>() {
        return upgrade
            .accept()
            .protocol("echo")
            .on_upgrade(|mut ws| async move {
                while let Some(message) = ws.recv().await {
                    let echo = matches!(message, Message::Text(_) | Message::Binary(_));
                    if matches!(message, Message::Close(_))
                        || (echo && ws.send(message).await.is_err())
                    {
                        break;
                    }
                }
            });
    }
    let scope = req.extensions().get::<Scope>().cloned();
    let text = format!(
        "{} {} root={:?} client={:?} host={:?}",
        req.method(),
        req.uri(),
        scope.as_ref().map(|s| s.root_path().to_string()),
        scope
            .as_ref()
            .and_then(|s| s.client())
            .map(|c| c.to_string()),
        req.headers()
            .get("host")
            .map(|h| h.to_str().unwrap().to_string()),
    );
    let mut response = Response::new(Body::from(text));
    if req.uri().path() == "/cookie" {
        response
            .set_cookie(Cookie::new("bare", "1").max_age(60))
            .unwrap();
    }
    response
}

#[tokio::test]
async fn a_bare_server_closure_app() {
    within(async {
        let client = TestClient::new(bare).root_path("/r");
        let r = client.get("/x?y=1").send().await;
        assert_eq!(
            r.text(),
            "GET /x?y=1 root=Some(\"/r\") client=Some(\"127.0.0.1:50000\") host=Some(\"testserver\")"
        );
        client.get("/cookie").send().await;
        assert_eq!(client.cookies().get("bare").map(String::as_str), Some("1"));

        let mut ws = client
            .websocket_connect_with("/ws", &["echo", "other"], HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(ws.protocol(), Some("echo"));
        ws.send_bytes(&b"raw"[..]).await.unwrap();
        assert_eq!(&ws.receive_bytes().await.unwrap()[..], b"raw");
        ws.send_json(&json!({ "a": 1 })).await.unwrap();
        assert_eq!(ws.receive_json::<Value>().await.unwrap(), json!({ "a": 1 }));
        ws.close(1000).await;
        assert!(ws.receive_text().await.unwrap_err().is_disconnect());
    })
    .await;
}

#[tokio::test]
async fn lifespan_of_a_bare_app_is_a_no_op() {
    within(async {
        let client = TestClient::start(bare).await.unwrap();
        assert_eq!(client.get("/").send().await.status(), 200);
        client.shutdown().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_server_serves_a_bare_app() {
    within(async {
        let server = LiveServer::start(bare).await.unwrap();
        assert!(server.addr().ip().is_loopback());
        assert_ne!(server.addr().port(), 0);
        assert_eq!(server.url("/p"), format!("http://{}/p", server.addr()));
        let r = common::get(&server.url("/p?q=1")).await;
        assert!(
            r.text()
                .starts_with("GET /p?q=1 root=Some(\"\") client=Some(\"127.0.0.1:"),
            "{}",
            r.text()
        );
        server.stop().await.unwrap();

        // Dropping a live server stops it too.
        let server = LiveServer::start(bare).await.unwrap();
        let addr = server.addr();
        assert_eq!(common::get(&server.url("/")).await.status, 200);
        drop(server);
        // The abort lands asynchronously: poll for the listener to go away (up to 5 s).
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(5);
        while tokio::net::TcpStream::connect(addr).await.is_ok() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the dropped server still accepts connections"
            );
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    })
    .await;
}
