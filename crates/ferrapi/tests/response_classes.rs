//! Return types beside models, over a real socket: the toolkit's server-sent-event response
//! (sent as the toolkit sends it), a `FileResponse` (answering the operation's request: ranges,
//! conditional requests, `HEAD`) and a status chosen at run time (`(StatusCode, T)`).

use std::time::Duration;

use ferrapi::toolkit::testclient::LiveServer;
use ferrapi::toolkit::{EventSourceResponse, FileResponse, Html, ServerSentEvent, StatusCode};
use ferrapi::{get, App};

struct Events(Vec<ServerSentEvent>);

impl futures_core::Stream for Events {
    type Item = ServerSentEvent;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<ServerSentEvent>> {
        std::task::Poll::Ready(if self.0.is_empty() {
            None
        } else {
            Some(self.0.remove(0))
        })
    }
}

#[get("/events")]
async fn events() -> EventSourceResponse {
    EventSourceResponse::new(Events(vec![
        ServerSentEvent::new().data("a"),
        ServerSentEvent::new().data("b"),
    ]))
}

#[test]
fn event_streams_are_return_types() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App::new().route(events);
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));

    let mut response = agent.get(live.url("/events")).call().unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream; charset=utf-8"
    );
    let text = response.body_mut().read_to_string().unwrap();
    assert_eq!(text, "data: \"a\"\n\ndata: \"b\"\n\n");

    // Documented as FastAPI documents a response returned without `response_class`.
    assert_eq!(
        doc["paths"]["/events"]["get"]["responses"]["200"]["content"],
        serde_json::json!({"application/json": {"schema": {}}})
    );
    drop(live);
}

/// A file written once (its ETag follows its modification time).
fn file_path() -> std::path::PathBuf {
    static PATH: std::sync::OnceLock<std::path::PathBuf> = std::sync::OnceLock::new();
    PATH.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ferrapi-file-return-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.txt");
        std::fs::write(&path, "0123456789").unwrap();
        path
    })
    .clone()
}

#[get("/file")]
async fn file() -> FileResponse {
    FileResponse::new(file_path())
}

#[get("/file/missing")]
fn missing_file() -> FileResponse {
    FileResponse::new("/nonexistent/ferrapi/file.txt")
}

#[get("/file/accepted")]
async fn accepted_file() -> (StatusCode, FileResponse) {
    (StatusCode::ACCEPTED, FileResponse::new(file_path()))
}

#[get("/html/created")]
async fn created_html() -> (StatusCode, Html<&'static str>) {
    (StatusCode::CREATED, Html("<p>made</p>"))
}

fn return_types_app() -> App {
    App::new()
        .route(file)
        .route(missing_file)
        .route(accepted_file)
        .route(created_html)
}

#[test]
fn files_answer_the_operations_request() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = return_types_app();
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));

    let mut whole = agent.get(live.url("/file")).call().unwrap();
    assert_eq!(whole.status(), 200);
    assert_eq!(whole.headers()["accept-ranges"], "bytes");
    assert_eq!(
        whole.headers()["content-type"].to_str().unwrap(),
        "text/plain; charset=utf-8"
    );
    let etag = whole.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(whole.body_mut().read_to_string().unwrap(), "0123456789");

    let mut part = agent
        .get(live.url("/file"))
        .header("range", "bytes=2-4")
        .call()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.headers()["content-range"], "bytes 2-4/10");
    assert_eq!(part.body_mut().read_to_string().unwrap(), "234");

    let fresh = agent
        .get(live.url("/file"))
        .header("if-none-match", &etag)
        .call()
        .unwrap();
    assert_eq!(fresh.status(), 304);

    let head = agent.head(live.url("/file")).call().unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "10");

    // A status chosen at run time applies to the file (and turns range handling off, as
    // Starlette's does for a status other than 200).
    let mut accepted = agent
        .get(live.url("/file/accepted"))
        .header("range", "bytes=2-4")
        .call()
        .unwrap();
    assert_eq!(accepted.status(), 202);
    assert_eq!(accepted.body_mut().read_to_string().unwrap(), "0123456789");

    // A missing file is the server's fault: a 500, as in Starlette; the server goes on.
    let missing = agent.get(live.url("/file/missing")).call().unwrap();
    assert_eq!(missing.status(), 500);
    assert_eq!(agent.get(live.url("/file")).call().unwrap().status(), 200);

    // Documented as FastAPI documents `response_class=FileResponse`: no content.
    assert_eq!(
        doc["paths"]["/file"]["get"]["responses"]["200"],
        serde_json::json!({"description": "Successful Response"})
    );
    drop(live);
}

#[test]
fn a_status_chosen_at_run_time_applies_to_response_classes() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = return_types_app();
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));
    let mut created = agent.get(live.url("/html/created")).call().unwrap();
    assert_eq!(created.status(), 201);
    assert_eq!(
        created.headers()["content-type"].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
    assert_eq!(created.body_mut().read_to_string().unwrap(), "<p>made</p>");
    // The class's media type stays in the document.
    assert_eq!(
        doc["paths"]["/html/created"]["get"]["responses"]["200"]["content"],
        serde_json::json!({"text/html": {"schema": {"type": "string"}}})
    );
    drop(live);
}

/// A response class of the application's own: rows as `text/csv`.
struct Csv;

impl ferrapi::responses::ResponseDoc for Csv {
    const MEDIA_TYPE: &'static str = "text/csv";
}

impl ferrapi::responses::ResponseClassFor<Vec<Vec<&'static str>>> for Csv {
    fn wrap(
        rows: Vec<Vec<&'static str>>,
        status: Option<StatusCode>,
    ) -> ferrapi::responses::Answer {
        let body: String = rows.iter().map(|row| row.join(",") + "\n").collect();
        let mut response = ferrapi::toolkit::Response::new(body.into());
        *response.status_mut() = status.unwrap_or(StatusCode::OK);
        response.headers_mut().insert(
            "content-type",
            ferrapi::toolkit::server::http::HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        response.into()
    }
}

#[get("/report.csv", response_class = Csv)]
async fn report() -> Vec<Vec<&'static str>> {
    vec![vec!["name", "price"], vec!["Foo", "50.2"]]
}

#[get("/class/file", response_class = FileResponse)]
async fn class_file() -> std::path::PathBuf {
    file_path()
}

#[get("/class/moved", response_class = ferrapi::toolkit::Redirect)]
async fn class_moved() -> (StatusCode, &'static str) {
    (StatusCode::MOVED_PERMANENTLY, "/elsewhere")
}

#[get("/default/not-a-string")]
async fn not_a_string() -> serde_json::Value {
    serde_json::json!({"a": 1})
}

#[test]
fn response_classes_wrap_returned_values() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App::new()
        .route(report)
        .route(class_file)
        .route(class_moved)
        .include_router(
            ferrapi::Router::new()
                .default_response_class::<Html>()
                .route(not_a_string),
        );
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));

    let mut csv = agent.get(live.url("/report.csv")).call().unwrap();
    assert_eq!(csv.status(), 200);
    assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
    assert_eq!(
        csv.body_mut().read_to_string().unwrap(),
        "name,price\nFoo,50.2\n"
    );
    assert_eq!(
        doc["paths"]["/report.csv"]["get"]["responses"]["200"]["content"],
        serde_json::json!({"text/csv": {"schema": {"type": "string"}}})
    );

    // A path wrapped in `FileResponse` answers the request: ranges honoured.
    let mut part = agent
        .get(live.url("/class/file"))
        .header("range", "bytes=2-4")
        .call()
        .unwrap();
    assert_eq!(part.status(), 206);
    assert_eq!(part.body_mut().read_to_string().unwrap(), "234");

    // A status chosen at run time is the redirect's.
    let moved = agent.get(live.url("/class/moved")).call().unwrap();
    assert_eq!(moved.status(), 301);
    assert_eq!(moved.headers()["location"], "/elsewhere");
    assert_eq!(
        doc["paths"]["/class/moved"]["get"]["responses"],
        serde_json::json!({"307": {"description": "Successful Response"}})
    );

    // `Html` as a default class wraps a string; another value is a 500, as FastAPI's
    // `HTMLResponse` refuses a `dict`.
    let refused = agent.get(live.url("/default/not-a-string")).call().unwrap();
    assert_eq!(refused.status(), 500);
    drop(live);
}
