//! Guards, dependencies whose value is unused and whose failure answers: on a router
//! (`Router::dependency`), on one operation (`dependencies = [...]`) and on the whole app
//! (`App::dependency`), FastAPI's router, decorator and global dependencies, with its answers. How
//! a guard's errors join the operation's is in `dependencies_solving.rs`, its cache in
//! `dependencies_cache.rs`. In process with the toolkit's `TestClient`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::detail;
use ferrapi::toolkit::testclient::TestClient;
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException, Router};
use serde_json::{json, Value};

mod router_guard {
    use super::*;

    static OP_DEP_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// The admin router's guard: its value (`()`) is unused, its failure answers.
    #[dependency]
    async fn verify_token(#[header] x_token: String) -> Result<(), HTTPException> {
        if x_token != "secret" {
            return Err(HTTPException::new(
                StatusCode::BAD_REQUEST,
                "X-Token header invalid",
            ));
        }
        Ok(())
    }

    #[dependency]
    async fn op_dep() -> usize {
        OP_DEP_CALLS.fetch_add(1, Ordering::SeqCst) + 1
    }

    #[get("/users")]
    async fn admin_users(#[depends(op_dep)] _n: usize) -> Value {
        json!([{"username": "rick"}])
    }

    #[get("/open")]
    async fn open() -> &'static str {
        "open"
    }

    #[get("/op-guarded", dependencies = [verify_token])]
    async fn op_guarded() -> &'static str {
        "guarded"
    }

    fn app() -> App {
        let admin = Router::new()
            .prefix("/admin")
            .dependency(verify_token)
            .route(admin_users);
        App::new()
            .include_router(admin)
            .route(open)
            .route(op_guarded)
    }

    /// A router's guard runs before its operations (a missing header is a 422, a wrong one
    /// the guard's 400, FastAPI's answers) and before the operation's own dependencies;
    /// operations outside the router are not guarded; `dependencies = [...]` guards one
    /// operation.
    #[tokio::test]
    async fn a_router_guard_protects_its_operations() {
        let client = TestClient::new(app());
        let r = client.get("/admin/users").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "missing", "loc": ["header", "x-token"],
                               "msg": "Field required", "input": null}]})
        );
        let r = client
            .get("/admin/users")
            .header("x-token", "no")
            .send()
            .await;
        assert_eq!(r.status(), 400);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"detail": "X-Token header invalid"})
        );
        // The 422 (invalid guard parameters) still resolved the operation's dependency, to
        // report every error together, as FastAPI does; the guard's 400 stopped it.
        assert_eq!(OP_DEP_CALLS.load(Ordering::SeqCst), 1);
        let r = client
            .get("/admin/users")
            .header("x-token", "secret")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().unwrap(), json!([{"username": "rick"}]));
        assert_eq!(OP_DEP_CALLS.load(Ordering::SeqCst), 2);
        assert_eq!(client.get("/open").send().await.status(), 200);
        assert_eq!(client.get("/op-guarded").send().await.status(), 422);
        let r = client
            .get("/op-guarded")
            .header("x-token", "secret")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "\"guarded\"");
    }
}

mod app_guard {
    use super::*;

    static GUARD_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// An app-wide guard: counts requests and wants an `X-Key` header.
    #[dependency]
    async fn require_key(#[header] x_key: Option<String>) -> Result<usize, HTTPException> {
        let n = GUARD_CALLS.fetch_add(1, Ordering::SeqCst) + 1;
        match x_key.as_deref() {
            Some("k") => Ok(n),
            _ => Err(HTTPException::new(StatusCode::UNAUTHORIZED, "no key")),
        }
    }

    #[get("/a")]
    async fn route_a() -> &'static str {
        "a"
    }

    #[get("/b")]
    async fn route_b() -> &'static str {
        "b"
    }

    /// `App::dependency` guards every operation, routers' included; its value is ignored and
    /// its failure answers.
    #[tokio::test]
    async fn an_app_guard_protects_every_operation() {
        let router = Router::new().prefix("/r").route(route_b);
        let client = TestClient::new(
            App::new()
                .dependency(require_key)
                .route(route_a)
                .include_router(router),
        );
        for path in ["/a", "/r/b"] {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 401, "{path}");
            assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "no key"}));
        }
        assert_eq!(
            client.get("/a").header("x-key", "k").send().await.text(),
            "\"a\""
        );
        assert_eq!(
            client.get("/r/b").header("x-key", "k").send().await.text(),
            "\"b\""
        );
        assert_eq!(GUARD_CALLS.load(Ordering::SeqCst), 4);
    }
}
