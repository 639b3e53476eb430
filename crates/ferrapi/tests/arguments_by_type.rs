//! An argument's source is decided by its type, not by how the type is spelled: type aliases
//! and re-exports of the framework's argument types work, a user type that happens to be
//! called `State` is an ordinary model, and a `Result` alias is a result. In process with the
//! toolkit's `TestClient`, and over a real socket.

use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::toolkit::Request;
use ferrapi::{get, post, websocket, App, BackgroundTasks, HTTPException, Model};
use serde::Serialize;
use serde_json::{json, Value};

/// An alias of the framework's `State`.
type Greeting = ferrapi::State<String>;
/// An alias of the request.
type Req<'a> = &'a Request;
/// An alias of the background tasks, under another name.
type Later = BackgroundTasks;
/// An alias of a `Result`: its `Err` is answered, not serialised.
type ApiResult<T> = Result<T, HTTPException>;

#[get("/greet/{name}")]
async fn greet(name: String, greeting: Greeting, req: Req<'_>, later: Later) -> ApiResult<Value> {
    later.add_task(async {});
    if name == "nobody" {
        return Err(HTTPException::new(
            ferrapi::toolkit::StatusCode::NOT_FOUND,
            "no such person",
        ));
    }
    Ok(json!({ "text": format!("{} {name}", *greeting), "path": req.path() }))
}

mod user {
    /// A user model that happens to be called `State`: a body, not the application state.
    #[derive(ferrapi::Model, serde::Serialize)]
    pub(crate) struct State {
        pub(crate) code: String,
    }
}

#[post("/states")]
async fn create_state(state: user::State) -> Value {
    json!({ "code": state.code })
}

#[derive(Model, Serialize)]
struct Item {
    name: String,
}

/// A re-export of the toolkit's socket under another path.
use ferrapi::toolkit::websockets::WebSocket;

#[websocket("/ws/{room}")]
async fn ws(room: String, websocket: WebSocket) -> Result<(), ferrapi::toolkit::Error> {
    let mut websocket = websocket;
    websocket.accept().await?;
    websocket.send_text(format!("room {room}")).await?;
    websocket.close(1000, "").await?;
    Ok(())
}

#[post("/items")]
async fn create_item(item: Item) -> Item {
    item
}

fn app() -> App {
    App::new()
        .state(String::from("hello"))
        .route(greet)
        .route(create_state)
        .route(create_item)
        .route(ws)
}

#[tokio::test]
async fn aliases_are_read_by_type() {
    let client = TestClient::new(app());
    let ok = client.get("/greet/ann").send().await;
    assert_eq!(ok.status(), 200);
    assert_eq!(
        ok.json::<Value>().unwrap(),
        json!({"text": "hello ann", "path": "/greet/ann"})
    );
    let missing = client.get("/greet/nobody").send().await;
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.json::<Value>().unwrap(),
        json!({"detail": "no such person"})
    );
}

#[tokio::test]
async fn a_user_type_called_state_is_a_body() {
    let client = TestClient::new(app());
    let ok = client
        .post("/states")
        .json(&json!({"code": "CA"}))
        .send()
        .await;
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.json::<Value>().unwrap(), json!({"code": "CA"}));
    let bad = client.post("/states").json(&json!({})).send().await;
    assert_eq!(bad.status(), 422);
    assert_eq!(
        bad.json::<Value>().unwrap()["detail"][0]["loc"],
        json!(["body", "code"])
    );
}

#[tokio::test]
async fn a_reexported_websocket_is_the_socket() {
    let client = TestClient::new(app());
    let mut session = client
        .websocket_connect("/ws/lobby")
        .await
        .expect("accepted");
    assert_eq!(session.receive_text().await.unwrap(), "room lobby");
}

#[tokio::test]
async fn over_a_real_socket() {
    let server = LiveServer::start(app()).await.expect("server");
    let url = format!("http://{}/greet/bob", server.addr());
    let body = tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .expect("request")
            .into_body()
            .read_to_string()
            .expect("body")
    })
    .await
    .unwrap();
    assert_eq!(body, r#"{"text":"hello bob","path":"/greet/bob"}"#);
}
