//! The framework's public types are `Send + Sync` where users hold or share them across tasks (an
//! app, a router, a security scheme, an error), and the futures that serve an app are `Send`, so
//! that they can be spawned on a multi-thread runtime (tokio's practice,
//! `tests/async_send_sync.rs`). The assertions are checked by the compiler: a type or a future
//! that stops being `Send` or `Sync` fails the build of this test.

use ferrapi::dependencies::{DependencyOverrides, DependencyScope};
use ferrapi::openapi::docs::DocsConfig;
use ferrapi::openapi::{Info, SchemaGenerator, SecurityRequirement};
use ferrapi::security::{
    APIKeyCookie, APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic,
    HTTPBasicCredentials, HTTPBearer, HTTPDigest, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict, Optional,
};
use ferrapi::toolkit::server::{App as _, Body};
use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::{
    get, App, BackgroundTasks, ErrorDetail, ExtraResponse, HTTPException, LocItem, Operation,
    Outcome, RequestValidationError, Router, SecurityScopes, State, Yield,
};

fn send_sync<T: Send + Sync>() {}

fn send<T: Send>() {}

fn assert_send<T: Send>(_: &T) {}

#[test]
fn apps_routers_and_operations_are_send_and_sync() {
    send_sync::<App>();
    send_sync::<ferrapi::BuiltApp>();
    send_sync::<Router>();
    send_sync::<Operation>();
    send_sync::<ExtraResponse>();
    send_sync::<DependencyOverrides>();
    send_sync::<Info>();
    send_sync::<SecurityRequirement>();
    send_sync::<DocsConfig>();
    send_sync::<SchemaGenerator>();
    send_sync::<TestClient<ferrapi::BuiltApp>>();
}

#[test]
fn arguments_and_dependencies_are_send_and_sync() {
    send_sync::<State<String>>();
    send_sync::<BackgroundTasks>();
    send_sync::<SecurityScopes>();
    send_sync::<DependencyScope>();
    send_sync::<Outcome>();
    // Not Sync: its teardown is a Send-only closure.
    send::<Yield<String>>();
}

#[test]
fn errors_are_send_and_sync() {
    send_sync::<HTTPException>();
    send_sync::<RequestValidationError>();
    send_sync::<ErrorDetail>();
    send_sync::<LocItem>();
}

#[test]
fn security_schemes_and_credentials_are_send_and_sync() {
    send_sync::<OAuth2PasswordBearer>();
    send_sync::<HTTPBasic>();
    send_sync::<HTTPBearer>();
    send_sync::<HTTPDigest>();
    send_sync::<APIKeyHeader>();
    send_sync::<APIKeyQuery>();
    send_sync::<APIKeyCookie>();
    send_sync::<Optional<HTTPBearer>>();
    send_sync::<HTTPBasicCredentials>();
    send_sync::<HTTPAuthorizationCredentials>();
    send_sync::<OAuth2PasswordRequestForm>();
    send_sync::<OAuth2PasswordRequestFormStrict>();
}

#[get("/")]
async fn root() -> &'static str {
    "root"
}

// The futures that serve an app (through it, every operation's pipeline), built and never polled: that this function compiles is the
// assertion, so it is never called.
#[allow(dead_code)]
fn serving_futures_are_send(
    app: ferrapi::BuiltApp,
    request: http::Request<Body>,
    client: &TestClient<ferrapi::BuiltApp>,
) {
    assert_send(&app.call(request));
    assert_send(&app.startup());
    assert_send(&app.shutdown());
    assert_send(&client.get("/").send());
    assert_send(&client.websocket_connect("/"));
    assert_send(&TestClient::start(App::new().route(root)));
    assert_send(&LiveServer::start(App::new().route(root)));
}
