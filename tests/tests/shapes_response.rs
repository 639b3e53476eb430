//! Response shaping (`response_model_exclude_unset` and friends) and the temporal response
//! (`ResponseParts`, FastAPI's `response: Response` parameter) against FastAPI
//! (`tests/reference/shapes_response.py`): the same answers (status, `content-type`, body) and
//! the same `set-cookie` and custom headers, and the same document.

use ferrapi::responses::ResponseParts;
use ferrapi::toolkit::responses::Cookie;
use ferrapi::toolkit::server::http::{HeaderName, HeaderValue};
use ferrapi::toolkit::StatusCode;
use ferrapi::{get, post, put, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, put, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Item {
    name: String,
    description: Option<String>,
    price: f64,
    #[field(default = 10.5)]
    tax: f64,
    #[field(default)]
    tags: Vec<String>,
}

#[derive(Model, Serialize, Debug)]
struct Image {
    url: String,
    #[field(default = 100)]
    width: i64,
}

#[derive(Model, Serialize, Debug)]
struct Gallery {
    title: String,
    cover: Option<Image>,
    #[field(default)]
    images: Vec<Image>,
}

fn items(id: &str) -> Value {
    match id {
        "foo" => json!({"name": "Foo", "price": 50.2}),
        "bar" => json!({"name": "Bar", "description": "The bartenders", "price": 62, "tax": 20.2}),
        _ => json!({"name": "Baz", "description": null, "price": 50.2, "tax": 10.5, "tags": []}),
    }
}

fn gallery() -> Value {
    json!({"title": "One", "cover": {"url": "a.png"}, "images": [{"url": "b.png", "width": 100}]})
}

#[get("/items/{item_id}", response_model = Item, response_model_exclude_unset = true)]
async fn read_item(item_id: String) -> Value {
    items(&item_id)
}

#[get("/items/{item_id}/defaults", response_model = Item, response_model_exclude_defaults = true)]
async fn read_item_defaults(item_id: String) -> Value {
    items(&item_id)
}

#[get("/items/{item_id}/none", response_model = Item, response_model_exclude_none = true)]
async fn read_item_none(item_id: String) -> Value {
    items(&item_id)
}

#[get(
    "/items/{item_id}/name",
    response_model = Item,
    response_model_include = ["name", "description"]
)]
async fn read_item_name(item_id: String) -> Value {
    items(&item_id)
}

#[get("/items/{item_id}/public", response_model = Item, response_model_exclude = ["tax"])]
async fn read_item_public_data(item_id: String) -> Value {
    items(&item_id)
}

#[get("/galleries/{gallery_id}", response_model = Gallery, response_model_exclude_unset = true)]
async fn read_gallery(gallery_id: String) -> Value {
    let _ = gallery_id;
    gallery()
}

#[get(
    "/galleries/{gallery_id}/defaults",
    response_model = Gallery,
    response_model_exclude_defaults = true
)]
async fn read_gallery_defaults(gallery_id: String) -> Value {
    let _ = gallery_id;
    gallery()
}

#[post("/cookie-and-object/")]
async fn create_cookie(response: ResponseParts) -> Value {
    response
        .set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))
        .expect("a valid cookie");
    json!({ "message": "Come to the dark side, we have cookies" })
}

#[get("/headers-and-object/")]
async fn get_headers(response: ResponseParts) -> Value {
    response.insert_header(
        HeaderName::from_static("x-cat-dog"),
        HeaderValue::from_static("alone in the world"),
    );
    json!({ "message": "Hello World" })
}

#[put("/get-or-create-task/{task_id}", status_code = 200)]
fn get_or_create_task(task_id: String, response: ResponseParts) -> String {
    if task_id == "foo" {
        "Listen to the Bar Fighters".to_string()
    } else {
        response.set_status(StatusCode::CREATED);
        "This didn't exist before".to_string()
    }
}

#[get("/model-and-cookie/", response_model = Item)]
async fn model_and_cookie(response: ResponseParts) -> Value {
    response
        .set_cookie(Cookie::new("seen", "yes"))
        .expect("a valid cookie");
    response.insert_header(
        HeaderName::from_static("x-model"),
        HeaderValue::from_static("item"),
    );
    items("foo")
}

fn app() -> App {
    App::new()
        .route(read_item)
        .route(read_item_defaults)
        .route(read_item_none)
        .route(read_item_name)
        .route(read_item_public_data)
        .route(read_gallery)
        .route(read_gallery_defaults)
        .route(create_cookie)
        .route(get_headers)
        .route(get_or_create_task)
        .route(model_and_cookie)
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for id in ["foo", "bar", "baz"] {
        for suffix in ["", "/defaults", "/none", "/name", "/public"] {
            cases.push(get(&format!("/items/{id}{suffix}")));
        }
    }
    cases.push(get("/galleries/one"));
    cases.push(get("/galleries/one/defaults"));
    let set = ["set-cookie", "x-cat-dog", "x-model"];
    cases.push(post("/cookie-and-object/").compare_headers(&set));
    cases.push(get("/headers-and-object/").compare_headers(&set));
    cases.push(put("/get-or-create-task/foo").compare_headers(&set));
    cases.push(put("/get-or-create-task/bar").compare_headers(&set));
    cases.push(get("/model-and-cookie/").compare_headers(&set));
    cases
}

#[test]
fn shaped_responses_and_response_parts_answer_as_fastapi() {
    assert_same("shapes_response", app(), cases());
}

#[test]
fn shaping_does_not_change_the_document() {
    assert_same_openapi("shapes_response", app().openapi());
}
