//! Behaviours found by porting FastAPI's documentation apps (issue "FastAPI parity"), against
//! FastAPI (`tests/reference/parity.py`): the same answers, byte for byte.

use ferrapi::toolkit::{Json, StatusCode};
use ferrapi::toolkit::{Request, WebSocket};
use ferrapi::{get, post, websocket, App, Model, RequestValidationError};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Item {
    title: String,
    size: i64,
}

#[post("/items/")]
async fn create_item(item: Item) -> Item {
    item
}

#[post("/two/")]
async fn two(#[body] a: Option<i64>, #[body] b: Option<String>) -> Value {
    json!({ "a": a, "b": b })
}

#[post("/one/")]
async fn one(#[body(embed)] a: Option<i64>) -> Value {
    json!({ "a": a })
}

#[websocket("/ws/refuse")]
async fn refuse(websocket: WebSocket) {
    drop(websocket);
}

#[websocket("/ws/needs-token")]
async fn needs_token(websocket: WebSocket, token: String) -> Result<(), ferrapi::toolkit::Error> {
    let mut websocket = websocket;
    websocket.accept().await?;
    websocket.send_text(token).await?;
    websocket.close(1000, "").await?;
    Ok(())
}

#[derive(Model, Serialize, Debug)]
struct Message {
    message: String,
}

#[get(
    "/hidden/{item_id}",
    responses = [(404, Message), (499, Message), (302, "Moved")]
)]
async fn read_hidden(
    item_id: String,
    #[query(include_in_schema = false)] hidden_query: Option<String>,
    #[header(include_in_schema = false)] x_hidden: Option<String>,
) -> Value {
    json!({ "id": item_id, "hidden": hidden_query, "h": x_hidden })
}

#[get("/only-hidden/")]
async fn only_hidden(#[query(include_in_schema = false)] hidden_query: Option<String>) -> Value {
    json!({ "hidden": hidden_query })
}

#[derive(Model, Serialize, Debug)]
struct Image {
    url: String,
}

#[derive(Model, Serialize, Debug)]
struct Hero {
    name: String,
    image: Option<Image>,
}

#[get("/heroes/")]
async fn read_heroes() -> Vec<Hero> {
    vec![
        Hero {
            name: "Deadpond".into(),
            image: Some(Image {
                url: "a.png".into(),
            }),
        },
        Hero {
            name: "Spider-Boy".into(),
            image: None,
        },
    ]
}

#[get("/heroes/first")]
async fn read_first_hero() -> Option<Hero> {
    Some(Hero {
        name: "Deadpond".into(),
        image: None,
    })
}

// A plain `fn` takes an owned copy of the request (FastAPI's `def f(request: Request)`).
#[get("/sync-request/{name}")]
fn read_sync_request(name: String, request: Request) -> Value {
    let _ = name;
    json!({
        "method": request.method().as_str(),
        "path": request.path(),
        "agent": request.header("x-agent"),
        "name": request.path_param("name"),
        "q": request.query_params().get("q"),
    })
}

/// Not a model: FastAPI's `dict`.
#[derive(Serialize)]
struct RawReading {
    x: f64,
}

#[get("/floats/dict")]
fn floats_dict() -> RawReading {
    RawReading { x: f64::NAN }
}

#[derive(Model, Serialize, Debug)]
struct Reading {
    x: f64,
}

#[get("/floats/model")]
fn floats_model() -> Reading {
    Reading { x: f64::INFINITY }
}

fn app() -> App {
    App::new()
        .route(floats_dict)
        .route(floats_model)
        .route(read_sync_request)
        .route(read_heroes)
        .route(read_first_hero)
        .route(read_hidden)
        .route(only_hidden)
        .route(refuse)
        .route(needs_token)
        .route(create_item)
        .route(two)
        .route(one)
        // FastAPI's "Use the RequestValidationError body" handler.
        .exception_handler(|err: RequestValidationError| {
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                Json(json!({ "detail": err.errors(), "body": err.body() })),
            )
        })
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        // 1. The error keeps the body it got: JSON, text, JSON that does not parse.
        post("/items/").json(r#"{"title": "towel", "size": "XL"}"#),
        post("/items/")
            .header("content-type", "text/plain")
            .raw("hello"),
        post("/items/").json(r#"{"title": "#),
        post("/items/"),
    ];
    // 2. Optional embedded arguments and a JSON body that is not an object: `missing`.
    for body in ["5", "[1]", r#""x""#, "null", "{}", r#"{"a": 1, "b": "x"}"#] {
        cases.push(post("/two/").json(body));
        cases.push(post("/one/").json(body));
    }
    cases.push(post("/two/").json(""));
    cases.push(
        post("/two/")
            .header("content-type", "text/plain")
            .raw("hello"),
    );
    // 8. A refused handshake (closed before accepting, or a missing parameter): uvicorn's 403,
    // an empty body.
    for path in ["/ws/refuse", "/ws/needs-token"] {
        cases.push(
            get(path)
                .header("connection", "Upgrade")
                .header("upgrade", "websocket")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .compare_headers(&["content-type", "content-length"]),
        );
    }
    // 14. Hidden parameters are still read.
    cases.push(get("/hidden/a?hidden_query=q").header("x-hidden", "h"));
    cases.push(get("/only-hidden/?hidden_query=q"));
    // 9.
    cases.push(get("/sync-request/ann?q=1").header("x-agent", "probe"));
    // 3.
    cases.push(get("/floats/dict"));
    cases.push(get("/floats/model"));
    // 12, 13.
    cases.push(get("/heroes/"));
    cases.push(get("/heroes/first"));
    cases
}

#[test]
fn parity_cases_answer_as_fastapi() {
    assert_same("parity", app(), cases());
}

#[test]
fn parity_cases_are_documented_as_fastapi_does() {
    assert_same_openapi("parity", app().openapi());
}
