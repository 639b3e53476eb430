//! Dependency overrides (FastAPI's `app.dependency_overrides`): an override replaces a dependency
//! where operations and other dependencies use it, reads its own parameters from the request, and
//! may be set and cleared while the app serves. In process with the toolkit's `TestClient`.

use ferrapi::toolkit::testclient::TestClient;
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException, Router};
use serde_json::{json, Value};

mod overrides {
    use super::*;

    use ferrapi::toolkit::server::{App as ServerApp, Body};
    use std::sync::Arc;

    #[dependency]
    async fn current_user() -> String {
        "real".to_string()
    }

    #[dependency]
    async fn fake_user() -> String {
        "fake".to_string()
    }

    /// A replacement with a parameter of its own.
    #[dependency]
    async fn user_from_query(name: String) -> String {
        format!("query:{name}")
    }

    /// Uses `current_user` as a sub-dependency.
    #[dependency]
    async fn greeting(#[depends(current_user)] who: String) -> String {
        format!("hello {who}")
    }

    #[get("/me")]
    async fn read_me(
        #[depends(current_user)] user: String,
        #[depends(greeting)] hello: String,
    ) -> Value {
        json!({ "user": user, "greeting": hello })
    }

    #[dependency]
    async fn strict_guard() -> Result<(), HTTPException> {
        Err(HTTPException::new(StatusCode::FORBIDDEN, "guarded"))
    }

    #[dependency]
    async fn allow_all() {}

    #[get("/guarded")]
    async fn read_guarded() -> &'static str {
        "in"
    }

    /// `dependency_override` replaces a dependency where the operation uses it and where
    /// another dependency uses it.
    #[tokio::test]
    async fn an_override_replaces_a_dependency_and_a_sub_dependency() {
        let client = TestClient::new(
            App::new()
                .route(read_me)
                .dependency_override(current_user, fake_user),
        );
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "fake", "greeting": "hello fake"})
        );
    }

    /// An override's own parameters are read from the request (FastAPI builds the override's
    /// dependant at request time).
    #[tokio::test]
    async fn an_override_reads_its_own_parameters() {
        let client = TestClient::new(
            App::new()
                .route(read_me)
                .dependency_override(current_user, user_from_query),
        );
        let r = client.get("/me?name=ann").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "query:ann", "greeting": "hello query:ann"})
        );
    }

    /// Overrides are looked up at request time: set and cleared while the app serves, for
    /// dependencies and for a router's guard.
    #[tokio::test]
    async fn overrides_change_while_the_app_runs_and_clear_restores() {
        let guarded = Router::new().dependency(strict_guard).route(read_guarded);
        let app = Arc::new(App::new().route(read_me).include_router(guarded).build());
        let serving = app.clone();
        let client = TestClient::new(move |req: http::Request<Body>| {
            let app = serving.clone();
            async move { app.call(req).await }
        });
        assert_eq!(client.get("/guarded").send().await.status(), 403);
        app.dependency_overrides().set(current_user, fake_user);
        app.dependency_overrides().set(strict_guard, allow_all);
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "fake", "greeting": "hello fake"})
        );
        assert_eq!(client.get("/guarded").send().await.text(), "\"in\"");
        app.dependency_overrides().clear();
        let r = client.get("/me").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "real", "greeting": "hello real"})
        );
        assert_eq!(client.get("/guarded").send().await.status(), 403);
    }
}
