//! The toolkit's public types are `Send + Sync` where users hold or share them across tasks
//! (an app behind an `Arc`, a response handed to another task), `Send` where they move between
//! threads but are used by one task at a time (a request, a WebSocket), and the futures of its
//! public `async fn`s are `Send`, so that they can be spawned on a multi-thread runtime (tokio's
//! practice, `tests/async_send_sync.rs`). The assertions are checked by the compiler: a type or a
//! future that stops being `Send` or `Sync` fails the build of this test.

use bytes::Bytes;
use ferrapi_toolkit::concurrency::ThreadPool;
use ferrapi_toolkit::datastructures::{PathParams, QueryParams, Url};
use ferrapi_toolkit::exceptions::Panic;
use ferrapi_toolkit::middleware::cors::{CORSMiddleware, CorsConfig};
use ferrapi_toolkit::middleware::function::{FromFn, Next};
use ferrapi_toolkit::middleware::gzip::GZipMiddleware;
use ferrapi_toolkit::middleware::httpsredirect::HTTPSRedirectMiddleware;
use ferrapi_toolkit::middleware::limits::{RequestBodyLimitMiddleware, TooLarge};
use ferrapi_toolkit::middleware::trustedhost::TrustedHostMiddleware;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::responses::{InvalidHeader, SameSite};
use ferrapi_toolkit::routing::{BaseRoute, NoMatchFound, PathPattern};
use ferrapi_toolkit::server::App as _;
use ferrapi_toolkit::sse::InvalidField;
use ferrapi_toolkit::testclient::{
    LiveServer, TestClient, TestRequest, TestResponse, WebSocketSession,
};
use ferrapi_toolkit::websockets::{ReceiveError, WebSocketDisconnect, WebSocketState};
use ferrapi_toolkit::{
    AppState, Application, BackgroundTasks, Cookie, Error, EventSourceResponse, ExceptionHandlers,
    FileResponse, FormData, FormLimits, FormValue, HTTPException, Host, Html, Json, Mount,
    PlainText, Redirect, Request, Response, Route, Router, ServerSentEvent, Session,
    SessionMiddleware, StaticFiles, Streaming, UploadFile, WebSocket, WebSocketException,
    WebSocketRoute, WebSocketSender,
};

fn send_sync<T: Send + Sync>() {}

fn send<T: Send>() {}

fn assert_send<T: Send>(_: &T) {}

/// An `Application`'s middleware type: what `Application::middleware` wraps.
type Inner = Application;

#[test]
fn apps_routes_and_middleware_are_send_and_sync() {
    send_sync::<Application>();
    send_sync::<ferrapi_toolkit::BuiltApplication>();
    send_sync::<Router>();
    send_sync::<Route>();
    send_sync::<WebSocketRoute>();
    send_sync::<Mount>();
    send_sync::<Host>();
    send_sync::<BaseRoute>();
    send_sync::<PathPattern>();
    send_sync::<StaticFiles>();
    send_sync::<ExceptionHandlers>();
    send_sync::<AppState>();
    send_sync::<ThreadPool>();
    send_sync::<BoxApp>();
    send_sync::<Next>();
    send_sync::<CorsConfig>();
    send_sync::<CORSMiddleware<Inner>>();
    send_sync::<GZipMiddleware<Inner>>();
    send_sync::<HTTPSRedirectMiddleware<Inner>>();
    send_sync::<RequestBodyLimitMiddleware<Inner>>();
    send_sync::<TrustedHostMiddleware<Inner>>();
    send_sync::<SessionMiddleware<Inner>>();
    send_sync::<FromFn<fn(Request, Next) -> std::future::Ready<Response>>>();
}

#[test]
fn requests_and_websockets_are_send() {
    send::<Request>();
    send::<WebSocket>();
    send_sync::<WebSocketSender>();
    send_sync::<WebSocketState>();
    send_sync::<WebSocketDisconnect>();
    send_sync::<ReceiveError>();
    send_sync::<PathParams>();
    send_sync::<QueryParams>();
    send_sync::<Url>();
    send_sync::<Session>();
    send_sync::<FormData>();
    send_sync::<FormValue>();
    send_sync::<FormLimits>();
    send_sync::<UploadFile>();
}

#[test]
fn responses_and_errors_are_send_and_sync() {
    send_sync::<Response>();
    send_sync::<Json<serde_json::Value>>();
    send_sync::<Html<String>>();
    send_sync::<PlainText<String>>();
    send_sync::<Redirect>();
    send_sync::<Cookie>();
    send_sync::<SameSite>();
    send_sync::<Streaming>();
    send_sync::<FileResponse>();
    send::<EventSourceResponse>();
    send_sync::<ServerSentEvent>();
    send::<BackgroundTasks>();
    send_sync::<HTTPException>();
    send_sync::<WebSocketException>();
    send_sync::<Error>();
    send_sync::<Panic>();
    send_sync::<NoMatchFound>();
    send_sync::<InvalidHeader>();
    send_sync::<InvalidField>();
    send_sync::<TooLarge>();
}

#[test]
fn test_clients_are_send_and_sync() {
    send_sync::<TestClient<ferrapi_toolkit::BuiltApplication>>();
    send_sync::<TestResponse>();
    send_sync::<LiveServer>();
    send::<TestRequest<'static, Application>>();
    send::<WebSocketSession>();
}

// The futures of the public `async fn`s, built and never polled: that these functions compile
// is the assertion, so they are never called.

#[allow(dead_code)]
fn app_and_client_futures_are_send(
    app: ferrapi_toolkit::BuiltApplication,
    request: ferrapi_toolkit::http::Request<ferrapi_toolkit::server::Body>,
    client: &TestClient<ferrapi_toolkit::BuiltApplication>,
    session: &mut WebSocketSession,
) {
    assert_send(&app.call(request));
    assert_send(&app.startup());
    assert_send(&app.shutdown());
    assert_send(&client.get("/").send());
    assert_send(&client.post("/").body("x").send());
    assert_send(&client.websocket_connect("/"));
    assert_send(&client.shutdown());
    assert_send(&TestClient::start(Application::new()));
    assert_send(&LiveServer::start(Application::new()));
    assert_send(&session.send_text("x"));
    assert_send(&session.send_bytes(Bytes::new()));
    assert_send(&session.send_json(&1));
    assert_send(&session.receive());
    assert_send(&session.receive_text());
    assert_send(&session.receive_bytes());
    assert_send(&session.receive_json::<serde_json::Value>());
    assert_send(&session.close(1000));
}

#[allow(dead_code)]
fn request_and_websocket_futures_are_send(
    request: &mut Request,
    websocket: &mut WebSocket,
    sender: &WebSocketSender,
) {
    assert_send(&request.body());
    assert_send(&request.text());
    assert_send(&request.json::<serde_json::Value>());
    assert_send(&request.form());
    assert_send(&request.form_with(FormLimits::default()));
    assert_send(&websocket.accept());
    assert_send(&websocket.receive());
    assert_send(&websocket.receive_text());
    assert_send(&websocket.receive_bytes());
    assert_send(&websocket.receive_json::<serde_json::Value>());
    assert_send(&websocket.send_text("x"));
    assert_send(&websocket.send_bytes(Bytes::new()));
    assert_send(&websocket.send_json(&1));
    assert_send(&websocket.close(1000, ""));
    assert_send(&sender.send_text("x"));
    assert_send(&sender.send_bytes(Bytes::new()));
    assert_send(&sender.send_json(&1));
    assert_send(&sender.close(1000, ""));
}

#[allow(dead_code)]
fn file_form_and_task_futures_are_send(
    upload: &UploadFile,
    form: &FormData,
    tasks: BackgroundTasks,
    static_files: &StaticFiles,
    file: FileResponse,
) {
    assert_send(&upload.write(b"x"));
    assert_send(&upload.read());
    assert_send(&upload.read_chunk(1));
    assert_send(&upload.seek(0));
    assert_send(&upload.close());
    assert_send(&form.close());
    assert_send(&tasks.run());
    assert_send(&static_files.serve(ferrapi_toolkit::http::Request::default()));
    assert_send(&file.into_response_async());
    assert_send(&ThreadPool::global().run(|| 1));
    assert_send(&ferrapi_toolkit::concurrency::run_in_threadpool(|| 1));
}
