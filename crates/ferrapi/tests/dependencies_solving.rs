//! Solving a dependency from the request: function dependencies and class ones
//! (`#[derive(Dependency)]`), chains of sub-dependencies, the sources a dependency reads (query,
//! header, cookie, path, body, form, `&Request`, `State<T>`), and the errors: the parameter errors
//! of the dependencies, the guards and the operation merged into one 422 in FastAPI's order, and a
//! dependency's `Err(HTTPException)` answering instead of the endpoint. The expected answers are
//! FastAPI 0.165's (checked with FastAPI's own `TestClient`). In process with the toolkit's
//! `TestClient`.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use common::detail;
use ferrapi::toolkit::testclient::TestClient;
use ferrapi::toolkit::{Request, StatusCode};
use ferrapi::{dependency, get, post, App, Dependency, HTTPException, Router, State};
use serde_json::{json, Value};

mod function_dependency {
    use super::*;

    /// FastAPI's `common_parameters`.
    #[dependency]
    async fn common_parameters(
        q: Option<String>,
        #[query(default = 0)] skip: i64,
        #[query(default = 100)] limit: i64,
    ) -> Value {
        json!({ "q": q, "skip": skip, "limit": limit })
    }

    #[get("/items")]
    async fn read_items(#[depends(common_parameters)] commons: Value) -> Value {
        commons
    }

    /// A function dependency reads its query parameters, with defaults, and the operation gets
    /// its value.
    #[tokio::test]
    async fn a_function_dependency_reads_query_parameters() {
        let client = TestClient::new(App::new().route(read_items));
        let r = client
            .get("/items")
            .query(&[("q", "foo"), ("skip", "5")])
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": "foo", "skip": 5, "limit": 100})
        );
        let r = client.get("/items").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": null, "skip": 0, "limit": 100})
        );
        let r = client.get("/items?limit=x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "x"
            }]})
        );
    }
}

mod class_dependency {
    use super::*;

    #[dependency]
    async fn user_agent(#[header] user_agent: Option<String>) -> String {
        user_agent.unwrap_or_default()
    }

    /// FastAPI's class dependency (`Depends()` on a class): its fields are parameters, and a
    /// field may be another dependency's value.
    #[derive(Clone, Debug, Dependency)]
    struct Paging {
        q: Option<String>,
        #[query(default = 0)]
        skip: i64,
        #[query(default = 100, le = 100)]
        limit: i64,
        #[depends(user_agent)]
        agent: String,
    }

    #[get("/class")]
    async fn read_class(#[depends] paging: Paging) -> Value {
        json!({"q": paging.q, "skip": paging.skip, "limit": paging.limit, "agent": paging.agent})
    }

    /// A `#[derive(Dependency)]` struct is built from the request, its field errors reported
    /// as FastAPI reports a class's `__init__` parameters.
    #[tokio::test]
    async fn a_class_dependency_is_built_from_its_fields() {
        let client = TestClient::new(App::new().route(read_class));
        let r = client.get("/class?q=a&skip=2").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"q": "a", "skip": 2, "limit": 100, "agent": "testclient"})
        );
        let r = client.get("/class?skip=x&limit=500").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "int_parsing", "loc": ["query", "skip"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "x"},
                {"type": "less_than_equal", "loc": ["query", "limit"],
                 "msg": "Input should be less than or equal to 100", "input": "500",
                 "ctx": {"le": 100}}
            ]})
        );
    }
}

mod sub_dependencies {
    use super::*;

    /// A plain `fn` at the bottom of the chain.
    #[dependency]
    fn query_extractor(q: Option<String>) -> Option<String> {
        q
    }

    /// The middle: a sub-dependency and a cookie of its own (Python's `q or last_query`).
    #[dependency]
    fn query_or_cookie(
        #[depends(query_extractor)] q: Option<String>,
        #[cookie] last_query: Option<String>,
    ) -> Option<String> {
        q.filter(|q| !q.is_empty()).or(last_query)
    }

    /// The top, async, with a required parameter of its own.
    #[dependency]
    async fn shout(
        #[depends(query_or_cookie)] found: Option<String>,
        #[query] times: usize,
    ) -> String {
        found
            .map(|s| s.to_uppercase().repeat(times))
            .unwrap_or_else(|| "NONE".to_string())
    }

    #[get("/sub")]
    async fn read_sub(#[depends(shout)] shouted: String) -> Value {
        json!({ "shouted": shouted })
    }

    /// A three-level chain (async → sync → sync) resolves bottom up, each level reading its
    /// own parameters; a missing parameter deep in the chain is a 422 at its location.
    #[tokio::test]
    async fn a_sub_dependency_chain_resolves() {
        let client = TestClient::new(App::new().route(read_sub));
        let shouted = |r: &ferrapi::toolkit::testclient::TestResponse| {
            r.json::<Value>().unwrap()["shouted"].clone()
        };
        let r = client.get("/sub?q=ab&times=2").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(shouted(&r), json!("ABAB"));
        let r = client
            .get("/sub?q=&times=1")
            .header("cookie", "last_query=zz")
            .send()
            .await;
        assert_eq!(shouted(&r), json!("ZZ"));
        let r = client.get("/sub?times=1").send().await;
        assert_eq!(shouted(&r), json!("NONE"));
        let r = client.get("/sub?q=a").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r)["detail"],
            json!([{"type": "missing", "loc": ["query", "times"], "msg": "Field required",
                    "input": null}])
        );
    }
}

mod request_and_path {
    use super::*;

    #[dependency]
    async fn agent_of(req: &Request) -> String {
        req.header("user-agent").unwrap_or("none").to_string()
    }

    #[get("/agent")]
    async fn read_agent(#[depends(agent_of)] agent: String) -> Value {
        json!({ "agent": agent })
    }

    /// Its `item_id` is a path parameter where the operation's path has `{item_id}`, a query
    /// parameter elsewhere (FastAPI decides by the operation's path).
    #[dependency]
    async fn item_from_path(item_id: i64) -> i64 {
        item_id
    }

    #[get("/items/{item_id}")]
    async fn read_item(item_id: String, #[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "raw": item_id, "parsed": parsed })
    }

    /// The path parameter is read by the dependency only: the operation does not take it.
    #[get("/only/{item_id}")]
    async fn read_only(#[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "parsed": parsed })
    }

    /// A path parameter that only a dependency reads (FastAPI's `Depends(get_item)` on
    /// `/items/{item_id}`) compiles and is read from the path.
    #[tokio::test]
    async fn a_path_parameter_read_only_by_a_dependency() {
        let client = TestClient::new(App::new().route(read_only));
        assert_eq!(client.get("/only/7").send().await.text(), r#"{"parsed":7}"#);
        let r = client.get("/only/x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(detail(&r)["detail"][0]["loc"], json!(["path", "item_id"]));
    }

    #[get("/by-query")]
    async fn read_by_query(#[depends(item_from_path)] parsed: i64) -> Value {
        json!({ "parsed": parsed })
    }

    /// An async dependency taking `&Request` reads a header.
    #[tokio::test]
    async fn a_dependency_reads_the_request() {
        let client = TestClient::new(App::new().route(read_agent));
        let r = client
            .get("/agent")
            .header("user-agent", "probe/1")
            .send()
            .await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"agent": "probe/1"}));
    }

    /// A dependency's inferred parameter is read from the path when the operation's path has
    /// it (errors at `["path", "item_id"]`), from the query otherwise (FastAPI's answers).
    #[tokio::test]
    async fn a_dependency_reads_a_path_parameter() {
        let client = TestClient::new(App::new().route(read_item).route(read_by_query));
        let r = client.get("/items/12").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"raw": "12", "parsed": 12})
        );
        let r = client.get("/items/abc").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "int_parsing", "loc": ["path", "item_id"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "abc"}]})
        );
        let r = client.get("/by-query?item_id=5").send().await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"parsed": 5}));
        let r = client.get("/by-query").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [{"type": "missing", "loc": ["query", "item_id"],
                               "msg": "Field required", "input": null}]})
        );
    }
}

mod bodies {
    use super::*;

    use ferrapi::Model;
    use serde::Serialize;

    #[derive(Model, Serialize, Clone, Debug)]
    struct Item {
        name: String,
    }

    #[derive(Model, Serialize, Clone, Debug)]
    struct User {
        id: i64,
    }

    #[dependency]
    async fn item_dep(item: Item) -> Item {
        item
    }

    #[post("/one-body")]
    async fn one_body(#[depends(item_dep)] found: Item) -> Value {
        json!({ "i": found.name })
    }

    #[post("/two-bodies")]
    async fn two_bodies(#[depends(item_dep)] found: Item, user: User) -> Value {
        json!({ "i": found.name, "u": user.id })
    }

    #[dependency]
    async fn form_dep(#[form] username: String) -> String {
        username
    }

    #[post("/forms")]
    async fn forms(#[depends(form_dep)] name: String, #[form] extra: String) -> Value {
        json!({ "u": name, "extra": extra })
    }

    /// A dependency's body parameter is the whole body when it is the only one, and is
    /// embedded under its name next to the operation's (FastAPI's answers, errors included).
    #[tokio::test]
    async fn a_dependencys_body_joins_the_operations() {
        let client = TestClient::new(App::new().route(one_body).route(two_bodies));
        let r = client
            .post("/one-body")
            .json(&json!({"name": "a"}))
            .send()
            .await;
        assert_eq!(r.status(), 200, "{}", r.text());
        assert_eq!(r.json::<Value>().unwrap(), json!({"i": "a"}));
        let r = client
            .post("/two-bodies")
            .json(&json!({"item": {"name": "a"}, "user": {"id": 1}}))
            .send()
            .await;
        assert_eq!(r.status(), 200, "{}", r.text());
        assert_eq!(r.json::<Value>().unwrap(), json!({"i": "a", "u": 1}));
        let r = client
            .post("/two-bodies")
            .json(&json!({"item": {}, "user": {}}))
            .send()
            .await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "missing", "loc": ["body", "item", "name"], "msg": "Field required",
                 "input": {}},
                {"type": "missing", "loc": ["body", "user", "id"], "msg": "Field required",
                 "input": {}}
            ]})
        );
    }

    /// A dependency's form field and the operation's are read from one form.
    #[tokio::test]
    async fn a_dependencys_form_field_joins_the_operations() {
        let client = TestClient::new(App::new().route(forms));
        let r = client
            .post("/forms")
            .form(&[("username", "u"), ("extra", "e")])
            .send()
            .await;
        assert_eq!(r.json::<Value>().unwrap(), json!({"u": "u", "extra": "e"}));
        let r = client.post("/forms").form(&[]).send().await;
        assert_eq!(r.status(), 422);
        let missing = |field: &str| {
            json!({"type": "missing", "loc": ["body", field], "msg": "Field required",
                   "input": null})
        };
        assert_eq!(
            detail(&r),
            json!({"detail": [missing("username"), missing("extra")]})
        );
    }
}

mod state {
    use super::*;

    struct Settings {
        name: &'static str,
    }

    /// Never put in the state.
    struct Missing;

    /// Put in the state by a startup hook.
    struct Started {
        value: u32,
    }

    #[dependency]
    async fn app_name(settings: State<Settings>) -> String {
        settings.name.to_string()
    }

    #[get("/state")]
    async fn read_state(settings: State<Settings>, #[depends(app_name)] name: String) -> Value {
        json!({ "direct": settings.name, "via_dependency": name })
    }

    #[get("/missing")]
    async fn read_missing(_missing: State<Missing>) -> &'static str {
        "unreachable"
    }

    #[dependency]
    async fn needs_missing(_missing: State<Missing>) -> u8 {
        0
    }

    #[get("/missing-in-dependency")]
    async fn read_missing_in_dependency(#[depends(needs_missing)] _m: u8) -> &'static str {
        "unreachable"
    }

    #[get("/started")]
    async fn read_started(started: State<Started>) -> u32 {
        started.value
    }

    /// `State<T>` reads the app state in an operation and in a dependency; a type the state
    /// does not have is a 500 (the app was built without it).
    #[tokio::test]
    async fn state_arguments_read_the_app_state() {
        let client = TestClient::new(
            App::new()
                .state(Settings { name: "ferrapi" })
                .route(read_state)
                .route(read_missing)
                .route(read_missing_in_dependency),
        );
        let r = client.get("/state").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"direct": "ferrapi", "via_dependency": "ferrapi"})
        );
        for path in ["/missing", "/missing-in-dependency"] {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 500, "{path}");
            assert_eq!(r.text(), "Internal Server Error");
        }
    }

    /// State a startup hook inserts is there for the requests after `TestClient::start`.
    #[tokio::test]
    async fn state_from_a_startup_hook_is_readable() {
        let app = App::new()
            .route(read_started)
            .on_startup(|state| async move {
                state.insert(Started { value: 42 });
                Ok::<(), std::convert::Infallible>(())
            });
        let client = TestClient::start(app).await.unwrap();
        assert_eq!(client.get("/started").send().await.text(), "42");
        client.shutdown().await;
    }
}

mod errors_together {
    use super::*;

    #[dependency]
    async fn paging(skip: i64, #[header] x_token: String) -> i64 {
        let _ = x_token;
        skip
    }

    #[get("/combo/{item_id}")]
    async fn combo(#[depends(paging)] page: i64, item_id: i64, limit: i64) -> Value {
        json!({ "page": page, "item_id": item_id, "limit": limit })
    }

    /// The dependency's parameter errors and the operation's own come back in one 422,
    /// the dependency's first (FastAPI 0.165's exact body).
    #[tokio::test]
    async fn dependency_and_operation_errors_come_in_one_422() {
        let client = TestClient::new(App::new().route(combo));
        let r = client.get("/combo/abc?skip=x").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                {"type": "int_parsing", "loc": ["query", "skip"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "x"},
                {"type": "missing", "loc": ["header", "x-token"], "msg": "Field required",
                 "input": null},
                {"type": "int_parsing", "loc": ["path", "item_id"],
                 "msg": "Input should be a valid integer, unable to parse string as an integer",
                 "input": "abc"},
                {"type": "missing", "loc": ["query", "limit"], "msg": "Field required",
                 "input": null}
            ]})
        );
        let r = client
            .get("/combo/3?skip=1&limit=2")
            .header("x-token", "t")
            .send()
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"page": 1, "item_id": 3, "limit": 2})
        );
    }
}

mod error_order {
    use super::*;

    #[dependency]
    async fn dep_a1(a1: i64) -> i64 {
        a1
    }

    #[dependency]
    async fn dep_a(#[depends(dep_a1)] _x: i64, a: i64) -> i64 {
        a
    }

    #[dependency]
    async fn dep_b(b: i64) -> i64 {
        b
    }

    #[get("/order")]
    async fn read_order(#[depends(dep_a)] _x: i64, #[depends(dep_b)] _y: i64, own: i64) -> i64 {
        own
    }

    /// With several dependencies resolved concurrently, the errors still come in FastAPI's
    /// order: depth first in declaration order (a sub-dependency before its dependant), the
    /// operation's own last.
    #[tokio::test]
    async fn errors_come_in_declaration_order() {
        let client = TestClient::new(App::new().route(read_order));
        let r = client.get("/order?a1=x&a=y&b=z&own=w").send().await;
        assert_eq!(r.status(), 422);
        let locs: Vec<Value> = detail(&r)["detail"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| json!([e["loc"], e["input"]]))
            .collect();
        assert_eq!(
            locs,
            [
                json!([["query", "a1"], "x"]),
                json!([["query", "a"], "y"]),
                json!([["query", "b"], "z"]),
                json!([["query", "own"], "w"])
            ]
        );
    }
}

mod guard_errors_together {
    use super::*;

    #[dependency]
    async fn verify(#[header] x_token: String) -> String {
        x_token
    }

    #[dependency]
    async fn dep_b(b: i64) -> i64 {
        b
    }

    #[get("/op")]
    async fn guarded_op(n: i64, #[depends(dep_b)] _y: i64) -> i64 {
        n
    }

    #[get("/opguard", dependencies = [verify])]
    async fn op_guard(n: i64) -> i64 {
        n
    }

    /// A guard's parameter errors join the operation's in one 422 (FastAPI: the router's and
    /// the decorator's dependencies are sub-dependencies like the others), the guard's first.
    #[tokio::test]
    async fn guard_errors_join_the_operations_in_one_422() {
        let router = Router::new()
            .prefix("/g")
            .dependency(verify)
            .route(guarded_op);
        let client = TestClient::new(App::new().include_router(router).route(op_guard));
        let missing = |loc: Value| json!({"type": "missing", "loc": loc, "msg": "Field required", "input": null});
        let r = client.get("/g/op").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                missing(json!(["header", "x-token"])),
                missing(json!(["query", "b"])),
                missing(json!(["query", "n"]))
            ]})
        );
        let r = client.get("/opguard").send().await;
        assert_eq!(r.status(), 422);
        assert_eq!(
            detail(&r),
            json!({"detail": [
                missing(json!(["header", "x-token"])),
                missing(json!(["query", "n"]))
            ]})
        );
    }
}

mod short_circuit {
    use super::*;

    static ENDPOINT_CALLS: AtomicUsize = AtomicUsize::new(0);

    #[dependency]
    async fn deny() -> Result<String, HTTPException> {
        Err(HTTPException::new(StatusCode::FORBIDDEN, "go away").header("x-why", "test"))
    }

    /// A plain `fn` that fails on the pool.
    #[dependency]
    fn deny_sync(#[query(default = 0)] level: i64) -> Result<i64, HTTPException> {
        if level < 5 {
            return Err(HTTPException::new(
                StatusCode::UNAUTHORIZED,
                "level too low",
            ));
        }
        Ok(level)
    }

    #[dependency]
    async fn needs_n(n: i64) -> i64 {
        n
    }

    #[get("/denied")]
    async fn denied(#[depends(deny)] _v: String) -> &'static str {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        "reached"
    }

    #[get("/denied-sync")]
    async fn denied_sync(#[depends(deny_sync)] level: i64) -> i64 {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        level
    }

    #[get("/mixed")]
    async fn mixed(#[depends(needs_n)] _a: i64, #[depends(deny)] _b: String) -> &'static str {
        ENDPOINT_CALLS.fetch_add(1, Ordering::SeqCst);
        "reached"
    }

    /// A dependency returning `Err(HTTPException)` answers with it (headers included) and the
    /// endpoint is not called; the error wins over a sibling's validation error, as in
    /// FastAPI (which skips a dependency with invalid parameters and runs the next).
    #[tokio::test]
    async fn a_failing_dependency_short_circuits_the_endpoint() {
        let client = TestClient::new(App::new().route(denied).route(denied_sync).route(mixed));
        let r = client.get("/denied").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.header("x-why"), Some("test"));
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "go away"}));
        let r = client.get("/denied-sync?level=1").send().await;
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"detail": "level too low"})
        );
        let r = client.get("/mixed").send().await;
        assert_eq!(r.status(), 403);
        assert_eq!(r.json::<Value>().unwrap(), json!({"detail": "go away"}));
        assert_eq!(ENDPOINT_CALLS.load(Ordering::SeqCst), 0);
        let r = client.get("/denied-sync?level=7").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "7");
        assert_eq!(ENDPOINT_CALLS.load(Ordering::SeqCst), 1);
    }
}
