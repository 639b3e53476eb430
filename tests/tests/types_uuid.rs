//! `uuid::Uuid` in every position against FastAPI's `UUID` (`tests/reference/types_uuid.py`):
//! the same answers, byte for byte, and the same OpenAPI document.

use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};
use uuid::Uuid;

#[derive(Model, Serialize, Debug)]
struct Thing {
    id: Uuid,
    #[field(default = None)]
    parent: Option<Uuid>,
}

#[get("/path/{value}")]
async fn in_path(value: Uuid) -> Value {
    json!({ "value": value })
}

#[get("/query")]
async fn in_query(value: Uuid) -> Value {
    json!({ "value": value })
}

#[get("/query-list")]
async fn in_query_list(#[query(default = Vec::new())] value: Vec<Uuid>) -> Value {
    json!({ "value": value })
}

#[get("/header")]
async fn in_header(#[header] x_value: Uuid) -> Value {
    json!({ "value": x_value })
}

#[get("/cookie")]
async fn in_cookie(#[cookie] value: Uuid) -> Value {
    json!({ "value": value })
}

#[post("/form")]
async fn in_form(#[form] value: Uuid) -> Value {
    json!({ "value": value })
}

#[post("/body")]
async fn in_body(thing: Thing) -> Thing {
    thing
}

#[post("/embed")]
async fn embedded(#[body(embed)] value: Uuid) -> Value {
    json!({ "value": value })
}

#[get("/response", response_model = Thing)]
async fn response(id: String) -> Value {
    json!({ "id": id })
}

fn app() -> App {
    App::new()
        .route(in_path)
        .route(in_query)
        .route(in_query_list)
        .route(in_header)
        .route(in_cookie)
        .route(in_form)
        .route(in_body)
        .route(embedded)
        .route(response)
}

const ID: &str = "0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f00";

/// The texts pydantic tells apart: every accepted form, and each reason a text is refused.
const TEXTS: &[&str] = &[
    ID,
    "0b3c0a446c5a4c5e9b1a0f0e6a3a1f00",
    "%7B0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f00%7D",
    "urn:uuid:0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f00",
    "0B3C0A44-6C5A-4C5E-9B1A-0F0E6A3A1F00",
    "00000000-0000-0000-0000-000000000000",
    "%200b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f00",
    "nope",
    "",
    "0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f0",
    "0b3c0a44-6c5a-4c5e-9b1a-0f0e6a3a1f0g",
    "0b3c0a44-6c5a-4c5e-9b1a0f0e6a3a1f00",
    "0b3c0a446c5a4c5e9b1a0f0e6a3a1f0",
];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for text in TEXTS {
        let decoded = text
            .replace("%7B", "{")
            .replace("%7D", "}")
            .replace("%20", " ");
        if !text.is_empty() {
            cases.push(get(&format!("/path/{text}")));
        }
        cases.push(get(&format!("/query?value={text}")));
        cases.push(get(&format!("/query-list?value={ID}&value={text}")));
        cases.push(get("/header").header("x-value", &decoded));
        cases.push(get("/cookie").header("cookie", &format!("value={decoded}")));
        cases.push(post("/form").form(&[("value", text)]));
        cases.push(post("/form").multipart(&[("value", &decoded)], &[]));
        let quoted = serde_json::to_string(&decoded).unwrap();
        cases.push(post("/body").json(&format!(r#"{{"id": {quoted}, "parent": {quoted}}}"#)));
        cases.push(post("/embed").json(&format!(r#"{{"value": {quoted}}}"#)));
        cases.push(get(&format!("/response?id={text}")));
    }
    for bad in ["123", "null", "true", "[]", "{}", "1.5"] {
        cases.push(post("/body").json(&format!(r#"{{"id": {bad}}}"#)));
        cases.push(post("/embed").json(&format!(r#"{{"value": {bad}}}"#)));
    }
    cases.push(get("/query"));
    cases.push(get("/query-list"));
    cases.push(get("/header"));
    cases.push(post("/body").json(r#"{"parent": null}"#));
    cases
}

#[test]
fn uuids_answer_as_fastapi() {
    assert_same("types_uuid", app(), cases());
}

#[test]
fn uuid_document_is_fastapis() {
    assert_same_openapi("types_uuid", app().openapi());
}
