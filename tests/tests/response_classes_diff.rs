//! Response classes against FastAPI's "Custom Response - HTML, Stream, File, others" tutorial
//! (`tests/reference/response_classes.py`, `tests/reference/response_classes_default.py`):
//! `response_class = C` wraps a returned value in `C` and a returned response is sent as it is;
//! `default_response_class` of the app and of routers, the innermost winning and the
//! operation's own over all; the same answers (status, body, `content-type`, `location`) and the
//! same document.

use std::pin::Pin;
use std::task::{Context, Poll};

use ferrapi::toolkit::{FileResponse, Html, Json, PlainText, Redirect, StatusCode, Streaming};
use ferrapi::{get, App, Router};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, Case};
use serde_json::{json, Value};

const PAGE: &str = r#"
    <html>
        <head>
            <title>Some HTML in here</title>
        </head>
        <body>
            <h1>Look ma! HTML!</h1>
        </body>
    </html>
    "#;

const CSS: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/reference/static/swagger-ui.css"
);

#[get("/items/", response_class = Html)]
async fn read_items() -> &'static str {
    PAGE
}

#[get("/items/direct", response_class = Html)]
async fn read_items_direct() -> Html<&'static str> {
    Html("<h1>direct</h1>")
}

#[get("/plain", response_class = PlainText)]
async fn main() -> String {
    "Hello World".to_string()
}

#[get("/created", response_class = PlainText, status_code = 201)]
async fn created() -> &'static str {
    "made"
}

#[get("/typer")]
async fn redirect_typer() -> Redirect {
    Redirect::to("https://typer.tiangolo.com")
}

#[get("/fastapi", response_class = Redirect)]
async fn redirect_fastapi() -> &'static str {
    "https://fastapi.tiangolo.com"
}

#[get("/pydantic", response_class = Redirect, status_code = 302)]
async fn redirect_pydantic() -> String {
    "https://docs.pydantic.dev/".to_string()
}

#[get("/json", response_class = Json)]
async fn json_class() -> Value {
    json!([{"item_id": "Foo"}])
}

/// Three chunks of fake video bytes.
struct FakeVideo(usize);

impl futures_core::Stream for FakeVideo {
    type Item = Result<&'static [u8], std::io::Error>;

    fn poll_next(mut self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.0 == 3 {
            return Poll::Ready(None);
        }
        self.0 += 1;
        Poll::Ready(Some(Ok(b"some fake video bytes")))
    }
}

#[get("/stream", response_class = Streaming)]
async fn stream() -> Streaming {
    Streaming::new(FakeVideo(0))
}

#[get("/file", response_class = FileResponse)]
async fn file() -> &'static str {
    CSS
}

#[get("/file/direct", response_class = FileResponse)]
async fn file_direct() -> FileResponse {
    FileResponse::new(CSS)
}

#[get("/status/html", response_class = Html)]
async fn html_status() -> (StatusCode, &'static str) {
    (StatusCode::ACCEPTED, "<p>accepted</p>")
}

#[get("/stream/raw", response_class = Streaming)]
async fn stream_raw() -> FakeVideo {
    FakeVideo(0)
}

#[derive(ferrapi::Model, serde::Serialize)]
struct Item {
    name: String,
    price: f64,
}

// FastAPI's `ORJSONResponse` (and `UJSONResponse`): `Json`, the same bytes; the returned
// model documents the response, as for any JSON class.
#[get("/orjson", response_class = Json)]
async fn orjson_item() -> Item {
    Item {
        name: "Foo".into(),
        price: 50.2,
    }
}

#[get("/page")]
async fn page() -> &'static str {
    "<p>router</p>"
}

#[get("/text", response_class = PlainText)]
async fn text() -> &'static str {
    "own class"
}

#[get("/items")]
async fn json_items() -> Value {
    json!({"item_id": "Foo"})
}

#[get("/model", response_model = Item)]
async fn json_model() -> Value {
    json!({"name": "Bar", "price": 62, "secret": "kept"})
}

#[get("/docs")]
async fn go_docs() -> &'static str {
    "https://fastapi.tiangolo.com/docs"
}

#[get("/found", status_code = 302)]
async fn go_found() -> &'static str {
    "/items/"
}

fn app() -> App {
    let json_router = Router::new()
        .prefix("/json-router")
        .default_response_class::<Json>()
        .route(json_items)
        .route(json_model);
    let router = Router::new()
        .prefix("/html")
        .default_response_class::<Html>()
        .route(page)
        .route(text)
        .include_router(json_router);
    let redirects = Router::new()
        .prefix("/go")
        .default_response_class::<Redirect>()
        .route(go_docs)
        .route(go_found);
    App::new()
        .route(read_items)
        .route(read_items_direct)
        .route(main)
        .route(created)
        .route(redirect_typer)
        .route(redirect_fastapi)
        .route(redirect_pydantic)
        .route(json_class)
        .route(stream)
        .route(file)
        .route(file_direct)
        .route(html_status)
        .route(stream_raw)
        .route(orjson_item)
        .include_router(router)
        .include_router(redirects)
}

fn cases() -> Vec<Case> {
    [
        "/items/",
        "/items/direct",
        "/plain",
        "/created",
        "/typer",
        "/fastapi",
        "/pydantic",
        "/json",
        "/stream",
        "/file",
        "/file/direct",
        "/status/html",
        "/stream/raw",
        "/orjson",
        "/html/page",
        "/html/text",
        "/html/json-router/items",
        "/html/json-router/model",
        "/go/docs",
        "/go/found",
    ]
    .into_iter()
    .map(|path| get(path).compare_headers(&["location"]))
    .collect()
}

#[test]
fn response_classes_answer_as_fastapi() {
    assert_same("response_classes", app(), cases());
}

#[test]
fn response_classes_are_documented_as_fastapi_documents_them() {
    assert_same_openapi("response_classes", app().openapi());
}

#[get("/")]
async fn home() -> &'static str {
    "<h1>Home</h1>"
}

#[get("/created", status_code = 201)]
async fn home_created() -> &'static str {
    "<p>made</p>"
}

#[get("/plain", response_class = PlainText)]
async fn plain() -> &'static str {
    "plain"
}

#[get("/direct")]
async fn direct() -> PlainText<&'static str> {
    PlainText("sent as is")
}

#[get("/one")]
async fn one() -> &'static str {
    "one"
}

fn app_default() -> App {
    App::new()
        .default_response_class::<Html>()
        .route(home)
        .route(home_created)
        .route(plain)
        .route(direct)
        .include_router(
            Router::new()
                .prefix("/texts")
                .default_response_class::<PlainText>()
                .route(one),
        )
}

#[test]
fn the_apps_default_response_class_answers_as_fastapis() {
    let cases = ["/", "/created", "/plain", "/direct", "/texts/one"]
        .into_iter()
        .map(get)
        .collect();
    assert_same("response_classes_default", app_default(), cases);
}

#[test]
fn the_apps_default_response_class_is_documented_as_fastapis() {
    assert_same_openapi("response_classes_default", app_default().openapi());
}
