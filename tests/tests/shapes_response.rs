//! Response shaping (`response_model_exclude_unset` and friends) and the temporal response
//! (`ResponseParts`, FastAPI's `response: Response` parameter) against FastAPI
//! (`tests/reference/shapes_response.py`): the same answers (status, `content-type`, body) and
//! the same `set-cookie` and custom headers, and the same document.

use ferrapi::responses::ResponseParts;
use ferrapi::toolkit::responses::Cookie;
use ferrapi::toolkit::server::http::{HeaderName, HeaderValue};
use ferrapi::toolkit::StatusCode;
use ferrapi::{get, post, put, App, HTTPException, Model};
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

/// `response_model_by_alias = false`: field names at every depth, aliases in the document.
#[derive(Model, Serialize, Debug)]
struct Owner {
    #[serde(rename = "fullName")]
    full_name: String,
    nick: Option<String>,
}

#[derive(Model, Serialize, Debug)]
struct Pet {
    #[serde(rename = "petName")]
    pet_name: String,
    #[serde(rename = "theOwner")]
    owner: Owner,
    #[field(default)]
    friends: Vec<Owner>,
    age: i64,
}

fn pet() -> Value {
    json!({
        "petName": "Rex",
        "theOwner": {"fullName": "Ann"},
        "friends": [{"fullName": "Bob", "nick": "b"}],
        "age": 3,
    })
}

#[get("/pets/by-name", response_model = Pet, response_model_by_alias = false)]
async fn read_pet_by_name() -> Value {
    pet()
}

#[get("/pets/by-alias", response_model = Pet)]
async fn read_pet_by_alias() -> Value {
    pet()
}

#[get(
    "/pets/by-name/unset",
    response_model = Pet,
    response_model_by_alias = false,
    response_model_exclude_unset = true
)]
async fn read_pet_by_name_unset() -> Value {
    pet()
}

/// A status chosen at run time, returned with the model (FastAPI: `response.status_code = …`
/// and a `-> Task` annotation); the document keeps `Task` and the declared 200.
#[derive(Model, Serialize, Debug)]
struct Task {
    id: String,
    title: String,
}

#[put("/tasks/{task_id}", status_code = 200)]
fn put_task(task_id: String) -> Result<(StatusCode, Task), HTTPException> {
    if task_id == "gone" {
        return Err(HTTPException::new(StatusCode::NOT_FOUND, "Task not found"));
    }
    let status = if task_id == "foo" {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Task {
            id: task_id,
            title: "Listen".into(),
        },
    ))
}

fn app() -> App {
    App::new()
        .route(read_pet_by_name)
        .route(read_pet_by_alias)
        .route(read_pet_by_name_unset)
        .route(put_task)
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
    cases.push(get("/pets/by-name"));
    cases.push(get("/pets/by-alias"));
    cases.push(get("/pets/by-name/unset"));
    for id in ["foo", "new", "gone"] {
        cases.push(put(&format!("/tasks/{id}")));
    }
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
