//! Parameter models (FastAPI's "Query/Header/Cookie Parameter Models" and "Form Models"
//! tutorials), literals, integer enums, and the metadata of "Declare Request Example Data",
//! against FastAPI (`tests/reference/types_params.py`): the same answers and the same document.

use ferrapi::{get, post, put, App, Enum, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, put, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Enum, Serialize, Debug, Clone, Copy)]
#[enum_kind(literal)]
#[serde(rename_all = "snake_case")]
enum OrderBy {
    CreatedAt,
    UpdatedAt,
}

#[derive(Model, Serialize, Debug)]
#[model(extra = "forbid")]
struct FilterParams {
    #[field(default = 100, gt = 0, le = 100)]
    limit: i64,
    #[field(default = 0, ge = 0)]
    offset: i64,
    #[field(default = OrderBy::CreatedAt)]
    order_by: OrderBy,
    #[field(default)]
    tags: Vec<String>,
}

#[get("/items/")]
async fn read_items(#[query] filter_query: FilterParams) -> FilterParams {
    filter_query
}

#[derive(Model, Serialize, Debug)]
struct SearchParams {
    q: String,
    #[field(default = 1)]
    page: i64,
}

#[get("/search/")]
async fn search(#[query] params: SearchParams) -> SearchParams {
    params
}

#[derive(Model, Serialize, Debug)]
struct CommonHeaders {
    host: String,
    save_data: bool,
    if_modified_since: Option<String>,
    traceparent: Option<String>,
    #[field(default)]
    x_tag: Vec<String>,
}

#[get("/headers/")]
async fn read_headers(#[header] headers: CommonHeaders) -> CommonHeaders {
    headers
}

#[derive(Model, Serialize, Debug)]
#[serde(deny_unknown_fields)]
struct Cookies {
    session_id: String,
    fatebook_tracker: Option<String>,
    googall_tracker: Option<String>,
}

#[get("/cookies/")]
async fn read_cookies(#[cookie] cookies: Cookies) -> Cookies {
    cookies
}

#[derive(Model, Serialize, Debug)]
#[model(extra = "forbid")]
struct FormData {
    username: String,
    password: String,
}

#[post("/login/")]
async fn login(#[form] data: FormData) -> FormData {
    data
}

#[derive(Enum, Debug, Clone, Copy)]
enum Priority {
    Low = 1,
    Medium = 2,
    High = 3,
}

#[get("/priority/{p}")]
async fn priority(p: Priority, q: Option<Priority>) -> Value {
    json!({ "p": p, "q": q })
}

#[derive(Enum, Serialize, Debug, Clone, Copy)]
#[enum_kind(literal)]
#[serde(rename_all = "lowercase")]
enum Kind {
    Bug,
    Feature,
}

#[derive(Enum, Debug, Clone, Copy)]
#[enum_kind(literal)]
enum Size {
    One = 1,
    Two = 2,
    Three = 3,
}

#[derive(Model, Serialize, Debug)]
struct Task {
    title: String,
    #[field(default = Priority::Medium)]
    priority: Priority,
    kind: Kind,
    #[field(default = Size::One)]
    size: Size,
}

#[post("/tasks/")]
async fn create_task(task: Task) -> Task {
    task
}

#[derive(Enum, Serialize, Debug, Clone, Copy)]
#[enum_kind(literal)]
#[serde(rename_all = "lowercase")]
enum Order {
    Asc,
    Desc,
}

#[get("/sort/")]
async fn sort(#[query(default = Order::Asc)] order: Order) -> Value {
    json!({ "order": order })
}

#[derive(Model, Serialize, Debug)]
#[model(json_schema_extra = json!({
    "examples": [
        {"name": "Foo", "description": "A very nice Item", "price": 35.4, "tax": 3.2}
    ]
}))]
struct Item {
    #[field(examples = ["Foo"], description = "The name", title = "Item name")]
    name: String,
    #[field(default = None, examples = ["A very nice Item"], deprecated)]
    description: Option<String>,
    #[field(examples = [35.4], json_schema_extra = json!({"x-unit": "EUR"}))]
    price: f64,
    tax: Option<f64>,
}

#[put("/items/{item_id}")]
async fn update_item(item_id: i64, item: Item) -> Value {
    json!({ "item_id": item_id, "item": item })
}

#[put("/examples/{item_id}")]
async fn update_with_examples(
    item_id: i64,
    #[body(examples = [json!({"name": "Foo", "price": 35.4})])] item: Item,
) -> Value {
    json!({ "item_id": item_id, "item": item })
}

#[put("/openapi-examples/{item_id}")]
async fn update_with_openapi_examples(
    item_id: i64,
    #[body(openapi_examples = json!({
        "normal": {
            "summary": "A normal example",
            "description": "A **normal** item works correctly.",
            "value": {"name": "Foo", "description": "A very nice Item", "price": 35.4},
        },
        "invalid": {
            "summary": "Invalid data is rejected with an error",
            "value": {"name": "Baz", "price": "thirty five point four"},
        },
    }))]
    item: Item,
) -> Value {
    json!({ "item_id": item_id, "item": item })
}

#[get("/documented/")]
async fn documented(
    #[query(
        description = "Query string for the items to search",
        examples = ["foo"],
        openapi_examples = json!({"simple": {"summary": "A simple query", "value": "foo"}}),
        deprecated
    )]
    q: Option<String>,
) -> Value {
    json!({ "q": q })
}

#[derive(Model, Serialize, Debug)]
struct Paging {
    #[field(default = 1)]
    page: i64,
    #[field(default = 10)]
    size: i64,
}

#[get("/paging/")]
async fn paging(#[query] paging: Option<Paging>) -> Value {
    json!({ "paging": paging })
}

fn app() -> App {
    App::new()
        .route(read_items)
        .route(search)
        .route(read_headers)
        .route(read_cookies)
        .route(login)
        .route(priority)
        .route(create_task)
        .route(sort)
        .route(update_item)
        .route(update_with_examples)
        .route(update_with_openapi_examples)
        .route(documented)
        .route(paging)
}

fn cases() -> Vec<Case> {
    let mut cases = vec![
        // Query parameter models.
        get("/items/"),
        get("/items/?limit=5&offset=2&order_by=updated_at&tags=a&tags=b"),
        get("/items/?limit=0&offset=-1&order_by=name"),
        get("/items/?limit=abc&tags="),
        get("/items/?tool=plumbus"),
        get("/items/?tool=a&tool=b&z=1&limit=3"),
        get("/items/?limit=5&limit=500"),
        get("/search/"),
        get("/search/?q=x&page=two"),
        get("/search/?q=x&extra=ignored"),
        // Header models: the client's own headers are there too.
        get("/headers/")
            .header("save-data", "yes")
            .header("x-tag", "a")
            .header("x-tag", "b"),
        get("/headers/").header("save-data", "maybe"),
        get("/headers/"),
        get("/headers/")
            .header("save-data", "off")
            .header("if-modified-since", "Mon")
            .header("traceparent", "00-abc"),
        // Cookie models.
        get("/cookies/").header("cookie", "session_id=abc"),
        get("/cookies/").header(
            "cookie",
            "session_id=abc; fatebook_tracker=x; googall_tracker=y",
        ),
        get("/cookies/").header("cookie", "santa_tracker=good-list-please; session_id=1"),
        get("/cookies/").header("cookie", "b=2; a=1"),
        get("/cookies/"),
        // Form models.
        post("/login/").form(&[("username", "john"), ("password", "secret")]),
        post("/login/").form(&[("username", "john")]),
        post("/login/").form(&[("username", "john"), ("password", "x"), ("extra", "data")]),
        post("/login/").form(&[("username", ""), ("password", "")]),
        post("/login/").multipart(&[("username", "john"), ("password", "s")], &[]),
        post("/login/"),
        // Integer enums and literals.
        get("/priority/2"),
        get("/priority/02?q=3"),
        get("/priority/4"),
        get("/priority/high"),
        get("/priority/1.0"),
        get("/priority/1?q=x"),
        get("/sort/"),
        get("/sort/?order=desc"),
        get("/sort/?order=up"),
        get("/sort/?order=ASC"),
        // Examples change nothing in validation.
        put("/items/3").json(r#"{"name": "Foo", "price": 35.4}"#),
        put("/examples/3").json(r#"{"name": "Foo", "price": "x"}"#),
        put("/openapi-examples/3").json(r#"{"name": "Baz", "price": "thirty five point four"}"#),
        get("/documented/?q=foo"),
        // An optional parameter model: `None` when none of its fields came.
        get("/paging/"),
        get("/paging/?other=1"),
        get("/paging/?page=2"),
        get("/paging/?size=x"),
    ];
    for body in [
        r#"{"title": "t", "kind": "bug"}"#,
        r#"{"title": "t", "kind": "feature", "priority": 3, "size": 2}"#,
        r#"{"title": "t", "kind": "feature", "priority": "3", "size": 2.0}"#,
        r#"{"title": "t", "kind": "feature", "priority": true, "size": true}"#,
        r#"{"title": "t", "kind": "task", "priority": 5, "size": "2"}"#,
        r#"{"title": "t", "kind": 1, "priority": 2.5, "size": 4}"#,
        r#"{"title": "t", "kind": null, "priority": null, "size": null}"#,
    ] {
        cases.push(post("/tasks/").json(body));
    }
    cases
}

#[test]
fn parameter_models_and_literals_answer_as_fastapi() {
    assert_same("types_params", app(), cases());
}

#[test]
fn parameter_models_and_examples_are_documented_as_fastapi_does() {
    assert_same_openapi("types_params", app().openapi());
}
