//! `requests`: what an endpoint reads from a request (method, URL, headers, query, cookies,
//! client, body, state, `url_for`, root path), in process and over real sockets.

mod common;

use std::sync::Arc;

use common::{parse_raw, raw, request, within};
use ferrapi_toolkit::server::{BoxError, Server};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{blocking, AppState, Application, Error, Json, Request, Route};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;

async fn info(req: Request) -> Json<Value> {
    let url = req.url();
    let base = req.base_url();
    Json(json!({
        "method": req.method().as_str(),
        "version": format!("{:?}", req.version()),
        "url": url.to_string(),
        "scheme": url.scheme(),
        "host": url.hostname(),
        "port": url.port(),
        "path": url.path(),
        "query": url.query(),
        "netloc": url.netloc(),
        "req_path": req.path(),
        "root_path": req.root_path(),
        "base_url": base.to_string(),
        "client_ip": req.client().map(|c| c.ip().to_string()),
        "client_port": req.client().map(|c| c.port()),
    }))
}

async fn headers(req: Request) -> Json<Value> {
    Json(json!({
        "custom": req.header("X-Custom"),
        "custom_lower": req.headers().get("x-custom").and_then(|v| v.to_str().ok()),
        "multi": req.headers().get_all("x-multi").iter().map(|v| v.to_str().unwrap()).collect::<Vec<_>>(),
        "missing": req.header("x-missing"),
    }))
}

async fn query(req: Request) -> Json<Value> {
    let q = req.query_params();
    Json(json!({
        "a": q.get("a"),
        "all_a": q.get_all("a").collect::<Vec<_>>(),
        "b": q.get("b"),
        "c": q.get("c"),
        "space": q.get("space"),
        "has_c": q.contains_key("c"),
        "has_z": q.contains_key("z"),
        "len": q.len(),
        "text": q.to_string(),
    }))
}

async fn cookies(req: Request) -> Json<Value> {
    let map: serde_json::Map<String, Value> = req
        .cookies()
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    Json(Value::Object(map))
}

async fn body_all(mut req: Request) -> Result<String, Error> {
    let first = req.body().await?;
    let second = req.body().await?;
    let text = req.text().await?;
    let streamed = req.stream()?.collect().await.map_err(Error::new)?;
    assert_eq!(first, second);
    assert_eq!(first, streamed);
    Ok(format!("{} {}", first.len(), text))
}

#[derive(Debug, Deserialize)]
struct Item {
    name: String,
    price: f64,
}

async fn json_item(mut req: Request) -> Result<Json<Value>, Error> {
    let item: Item = req.json().await?;
    Ok(Json(json!({ "name": item.name, "price": item.price })))
}

async fn text_only(mut req: Request) -> Result<String, Error> {
    req.text().await
}

async fn stream_twice(mut req: Request) -> Result<String, Error> {
    let mut body = req.stream()?;
    let mut chunks = 0;
    let mut total = 0;
    while let Some(chunk) = body.chunk().await {
        let chunk = chunk.map_err(Error::new)?;
        chunks += 1;
        total += chunk.len();
    }
    let again = req.stream().unwrap_err();
    let body_after = req.body().await.unwrap_err();
    Ok(format!(
        "{total} bytes in {} {again} / {body_after}",
        if chunks > 0 { "chunks" } else { "none" }
    ))
}

fn sync_body(mut req: Request) -> Result<String, Error> {
    let body = req.body_blocking()?;
    let again = req.body_blocking()?;
    assert_eq!(body, again);
    Ok(format!(
        "{} bytes on {}",
        body.len(),
        std::thread::current().name().unwrap_or("?")
    ))
}

#[derive(Debug)]
struct Config {
    greeting: &'static str,
}

#[derive(Debug)]
struct Pool {
    size: usize,
}

async fn state(req: Request) -> String {
    let config = req.state_get::<Config>().map(|c| c.greeting).unwrap_or("-");
    let pool = req.state_get::<Pool>().map(|p| p.size).unwrap_or(0);
    let missing = req.state_get::<String>().is_none();
    let same = Arc::ptr_eq(
        &req.state().get::<Config>().unwrap(),
        &req.state_get::<Config>().unwrap(),
    );
    format!("{config} {pool} {missing} {same}")
}

async fn links(req: Request) -> Result<String, Error> {
    let url = req.url_for("item", &[("id", "5")]).map_err(Error::new)?;
    let path = req
        .url_path_for("item", &[("id", "5")])
        .map_err(Error::new)?;
    Ok(format!("{url} {path}"))
}

async fn item(_req: Request) -> &'static str {
    "item"
}

fn app() -> Application {
    Application::new()
        .state(Config { greeting: "hi" })
        .on_startup(|state: AppState| async move {
            state.insert(Pool { size: 4 });
            Ok::<(), BoxError>(())
        })
        .route(Route::new("/info/{x}", info).methods([
            http::Method::GET,
            http::Method::POST,
            http::Method::DELETE,
        ]))
        .route(Route::new("/headers", headers))
        .route(Route::new("/query", query))
        .route(Route::new("/cookies", cookies))
        .route(Route::post("/body", body_all))
        .route(Route::post("/json", json_item))
        .route(Route::post("/text", text_only))
        .route(Route::post("/stream", stream_twice))
        .route(Route::post("/sync-body", blocking(sync_body)))
        .route(Route::new("/state", state))
        .route(Route::new("/links", links))
        .route(Route::new("/items/{id:int}", item).name("item"))
}

#[tokio::test]
async fn method_url_and_client_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r: Value = client
            .post("/info/a%20b")
            .query(&[("q", "1 2"), ("r", "&")])
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["method"], "POST");
        assert_eq!(r["version"], "HTTP/1.1");
        assert_eq!(r["url"], "http://testserver/info/a%20b?q=1+2&r=%26");
        assert_eq!(r["scheme"], "http");
        assert_eq!(r["host"], "testserver");
        assert_eq!(r["port"], Value::Null);
        assert_eq!(r["path"], "/info/a%20b");
        assert_eq!(r["query"], "q=1+2&r=%26");
        assert_eq!(r["req_path"], "/info/a b");
        assert_eq!(r["root_path"], "");
        assert_eq!(r["base_url"], "http://testserver/");
        assert_eq!(r["client_ip"], "127.0.0.1");
        assert_eq!(r["client_port"], 50000);

        let r: Value = client
            .delete("/info/x")
            .header("host", "example.com:8080")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["method"], "DELETE");
        assert_eq!(r["url"], "http://example.com:8080/info/x");
        assert_eq!(r["port"], 8080);
        assert_eq!(r["netloc"], "example.com:8080");
        assert_eq!(r["query"], Value::Null);
        // The default port is left out.
        let r: Value = client
            .get("/info/x")
            .header("host", "example.com:80")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["url"], "http://example.com/info/x");
        assert_eq!(r["port"], Value::Null);
        // IPv6 literal hosts.
        let r: Value = client
            .get("/info/x")
            .header("host", "[::1]:9000")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["host"], "[::1]");
        assert_eq!(r["port"], 9000);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn method_url_and_client_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let port = server.addr().port();
        let r: Value =
            serde_json::from_slice(&common::get(&server.url("/info/x?a=1&a=2")).await.body)
                .unwrap();
        assert_eq!(r["method"], "GET");
        assert_eq!(r["url"], format!("http://127.0.0.1:{port}/info/x?a=1&a=2"));
        assert_eq!(r["host"], "127.0.0.1");
        assert_eq!(r["port"], port);
        assert_eq!(r["base_url"], format!("http://127.0.0.1:{port}/"));
        assert_eq!(r["client_ip"], "127.0.0.1");
        assert_ne!(r["client_port"], 0);
        assert_ne!(r["client_port"], Value::Null);

        // HTTP/1.0 and no Host header: the server address stands in.
        let bytes = raw(server.addr(), b"GET /info/x HTTP/1.0\r\n\r\n").await;
        let response = parse_raw(&bytes);
        assert_eq!(response.status, 200);
        let r: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(r["version"], "HTTP/1.0");
        assert_eq!(r["url"], format!("http://127.0.0.1:{port}/info/x"));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn headers_and_query_params_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r: Value = client
            .get("/headers")
            .header("X-Custom", "value")
            .header("x-multi", "one")
            .header("X-Multi", "two")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(
            r,
            json!({ "custom": "value", "custom_lower": "value", "multi": ["one", "two"], "missing": null })
        );

        let r: Value = client
            .get("/query?a=1&a=2&b=&c&space=x+y%20z")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["a"], "2", "the last value wins, as in Starlette");
        assert_eq!(r["all_a"], json!(["1", "2"]));
        assert_eq!(r["b"], "");
        assert_eq!(r["c"], "");
        assert_eq!(r["space"], "x y z");
        assert_eq!(r["has_c"], true);
        assert_eq!(r["has_z"], false);
        assert_eq!(r["len"], 5);
        assert_eq!(r["text"], "a=1&a=2&b=&c=&space=x+y+z");

        // Hostile query strings do not break parsing.
        let r: Value = client
            .get("/query?a=%FF%FE&&&=&a=%&b=%zz")
            .send()
            .await
            .json()
            .unwrap();
        assert_eq!(r["a"], "%");
        assert_eq!(r["all_a"][0], "\u{fffd}\u{fffd}");
        assert_eq!(r["b"], "%zz");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_and_query_params_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let bytes = raw(
            server.addr(),
            b"GET /headers HTTP/1.1\r\nhost: t\r\nX-CUSTOM: v1\r\nx-multi: a\r\nx-multi: b\r\nconnection: close\r\n\r\n",
        )
        .await;
        let r: Value = serde_json::from_slice(&parse_raw(&bytes).body).unwrap();
        assert_eq!(r["custom"], "v1");
        assert_eq!(r["multi"], json!(["a", "b"]));
        let r = common::get(&server.url("/query?a=1&a=2&space=%20x")).await;
        let r: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(r["all_a"], json!(["1", "2"]));
        assert_eq!(r["space"], " x");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn cookies_are_parsed_leniently() {
    within(async {
        let client = TestClient::new(app());
        let cases: [(&str, Value); 6] = [
            ("a=1; b=2", json!({ "a": "1", "b": "2" })),
            (
                r#"q="quoted \"v\" \101"; plain=x"#,
                json!({ "q": "quoted \"v\" A", "plain": "x" }),
            ),
            ("bare; k=v", json!({ "": "bare", "k": "v" })),
            (
                "eq=x=y;  spaced  =  s  ;;",
                json!({ "eq": "x=y", "spaced": "s" }),
            ),
            ("dup=1; dup=2", json!({ "dup": "2" })),
            ("\"=\"; =; ;", json!({ "\"": "\"" })),
        ];
        for (header, expected) in cases {
            let r: Value = client
                .get("/cookies")
                .header("cookie", header)
                .send()
                .await
                .json()
                .unwrap();
            assert_eq!(r, expected, "{header}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cookies_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let r = request(
            "GET",
            &server.url("/cookies"),
            &[("cookie", r#"session="a b\073c"; theme=dark"#)],
            None,
        )
        .await;
        let r: Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(r, json!({ "session": "a b;c", "theme": "dark" }));
        // Non-UTF-8 bytes in a cookie header are read lossily, not refused.
        let bytes = raw(
            server.addr(),
            b"GET /cookies HTTP/1.1\r\nhost: t\r\ncookie: x=\xff\xfe\r\nconnection: close\r\n\r\n",
        )
        .await;
        let response = parse_raw(&bytes);
        assert_eq!(response.status, 200);
        let r: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(r, json!({ "x": "\u{fffd}\u{fffd}" }));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn bodies_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r = client.post("/body").body("h\u{e9}llo").send().await;
        assert_eq!(r.text(), "6 h\u{e9}llo");
        let r = client.post("/body").send().await;
        assert_eq!(r.text(), "0 ");

        let r = client
            .post("/json")
            .json(&json!({ "name": "\u{1f980}", "price": 2.5 }))
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "{\"name\":\"\u{1f980}\",\"price\":2.5}");

        let r = client.post("/json").body("{\"name\": ").send().await;
        assert_eq!(r.status(), 400);
        assert!(r.text().starts_with("Invalid JSON body: "), "{}", r.text());
        assert!(r.text().contains("EOF"), "{}", r.text());
        let r = client.post("/json").body(r#"{"name": 1}"#).send().await;
        assert_eq!(r.status(), 400);
        assert!(r.text().contains("invalid type"), "{}", r.text());
        let r = client.post("/json").send().await;
        assert_eq!(r.status(), 400);

        let r = client.post("/text").body(&b"\xff\xfe"[..]).send().await;
        assert_eq!(r.status(), 400);
        assert_eq!(r.text(), "Request body is not valid UTF-8");
    })
    .await;
}

#[tokio::test]
async fn stream_twice_is_an_error_in_process() {
    within(async {
        let client = TestClient::new(app());
        let r = client.post("/stream").body("abcdef").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.text(),
            "6 bytes in chunks Stream consumed / Stream consumed"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let big = vec![b'x'; 300_000];
        let r = request("POST", &server.url("/body"), &[], Some(big.clone())).await;
        assert_eq!(r.status, 200);
        assert!(r.text().starts_with("300000 xxx"));

        let r = request(
            "POST",
            &server.url("/json"),
            &[("content-type", "application/json")],
            Some(br#"{"name":"n","price":1}"#.to_vec()),
        )
        .await;
        assert_eq!(r.text(), r#"{"name":"n","price":1.0}"#);
        let r = request("POST", &server.url("/json"), &[], Some(b"[1,".to_vec())).await;
        assert_eq!(r.status, 400);
        assert!(r.text().starts_with("Invalid JSON body: "));

        let r = request("POST", &server.url("/stream"), &[], Some(big)).await;
        assert_eq!(r.text(), "300000 bytes in chunks Stream consumed / Stream consumed");

        // A chunked upload streams too.
        let bytes = raw(
            server.addr(),
            b"POST /stream HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n\
              3\r\nabc\r\n4\r\ndefg\r\n0\r\n\r\n",
        )
        .await;
        let response = parse_raw(&bytes);
        assert_eq!(response.status, 200);
        assert_eq!(response.header("transfer-encoding"), None);
        assert_eq!(
            String::from_utf8_lossy(&response.body),
            "7 bytes in chunks Stream consumed / Stream consumed"
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn body_blocking_in_a_blocking_endpoint() {
    within(async {
        let client = TestClient::new(app());
        let r = client.post("/sync-body").body(vec![1u8; 1000]).send().await;
        assert_eq!(r.status(), 200);
        assert!(r.text().starts_with("1000 bytes on "), "{}", r.text());

        let server = LiveServer::start(app()).await.unwrap();
        let r = request(
            "POST",
            &server.url("/sync-body"),
            &[],
            Some(vec![7u8; 500_000]),
        )
        .await;
        assert_eq!(r.status, 200);
        assert!(r.text().starts_with("500000 bytes on "), "{}", r.text());
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_above_the_server_limit_is_413() {
    within(async {
        let server = LiveServer::start_with(Server::builder().max_body_size(Some(16)), app())
            .await
            .unwrap();
        let r = request("POST", &server.url("/body"), &[], Some(vec![b'a'; 100])).await;
        assert_eq!(r.status, 413);
        // A chunked body over the limit is cut when it passes it.
        let bytes = raw(
            server.addr(),
            b"POST /body HTTP/1.1\r\nhost: t\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n\
              10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n",
        )
        .await;
        assert_eq!(parse_raw(&bytes).status, 413);
        let r = request("POST", &server.url("/body"), &[], Some(b"small".to_vec())).await;
        assert_eq!((r.status, r.text().as_str()), (200, "5 small"));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_leaving_mid_body_is_an_error_for_the_endpoint() {
    within(async {
        /// Reports when the endpoint's future is dropped (the server cancels it when the
        /// client leaves).
        struct Dropped(mpsc::UnboundedSender<String>);
        impl Drop for Dropped {
            fn drop(&mut self) {
                let _ = self.0.send("dropped".to_string());
            }
        }
        let (tx, mut rx) = mpsc::unbounded_channel::<String>();
        let reader = move |mut req: Request| {
            let tx = tx.clone();
            async move {
                let _guard = Dropped(tx.clone());
                let outcome = match req.body().await {
                    Ok(bytes) => format!("read {}", bytes.len()),
                    Err(err) => format!("error {err}"),
                };
                let _ = tx.send(outcome);
                "done"
            }
        };
        let server = LiveServer::start(Application::new().route(Route::post("/upload", reader)))
            .await
            .unwrap();
        let mut stream = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
        stream
            .write_all(b"POST /upload HTTP/1.1\r\nhost: t\r\ncontent-length: 100\r\n\r\nonly ten b")
            .await
            .unwrap();
        stream.flush().await.unwrap();
        drop(stream);
        // Either the read fails or the endpoint is cancelled; it never sees a whole body.
        let seen = rx.recv().await.unwrap();
        assert!(seen.starts_with("error ") || seen == "dropped", "{seen}");
        if seen != "dropped" {
            assert_eq!(rx.recv().await.unwrap(), "dropped");
        }
        // The server carries on.
        let r = request("POST", &server.url("/upload"), &[], Some(b"abc".to_vec())).await;
        assert_eq!(r.text(), "done");
        assert_eq!(rx.recv().await.unwrap(), "read 3");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn state_from_the_builder_and_startup_hooks() {
    within(async {
        // Without the lifespan, only the builder's state is there.
        let client = TestClient::new(app());
        assert_eq!(client.get("/state").send().await.text(), "hi 0 true true");
        let client = TestClient::start(app()).await.unwrap();
        assert_eq!(client.get("/state").send().await.text(), "hi 4 true true");

        // A request outside an application has an empty state.
        let req = Request::from_http(http::Request::new(ferrapi_toolkit::server::Body::empty()));
        assert!(req.state_get::<Config>().is_none());
        assert!(req.url_path_for("item", &[]).is_err());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn state_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        assert_eq!(
            common::get(&server.url("/state")).await.text(),
            "hi 4 true true"
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn url_for_is_absolute() {
    within(async {
        let client = TestClient::new(app());
        assert_eq!(
            client.get("/links").send().await.text(),
            "http://testserver/items/5 /items/5"
        );
        let client = TestClient::new(app()).root_path("/api");
        assert_eq!(
            client.get("/links").send().await.text(),
            "http://testserver/api/items/5 /items/5"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_path_from_the_server_builder() {
    within(async {
        let server = LiveServer::start_with(Server::builder().root_path("/api"), app())
            .await
            .unwrap();
        let port = server.addr().port();
        let r: Value =
            serde_json::from_slice(&common::get(&server.url("/info/x?q=1")).await.body).unwrap();
        assert_eq!(r["root_path"], "/api");
        assert_eq!(r["req_path"], "/info/x");
        assert_eq!(r["url"], format!("http://127.0.0.1:{port}/api/info/x?q=1"));
        assert_eq!(r["base_url"], format!("http://127.0.0.1:{port}/api/"));
        assert_eq!(
            common::get(&server.url("/links")).await.text(),
            format!("http://127.0.0.1:{port}/api/items/5 /items/5")
        );
        server.stop().await.unwrap();
    })
    .await;
}

/// On a current-thread runtime the blocking read relies on the runtime's own thread to drive
/// the socket while the pool thread waits.
#[tokio::test(flavor = "current_thread")]
async fn body_blocking_on_a_current_thread_runtime() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let r = request(
            "POST",
            &server.url("/sync-body"),
            &[],
            Some(vec![9u8; 200_000]),
        )
        .await;
        assert_eq!(r.status, 200);
        assert!(r.text().starts_with("200000 bytes on "), "{}", r.text());
        server.stop().await.unwrap();
    })
    .await;
}
