//! `ferrapi::types::EmailStr` and `NameEmail` in every position against pydantic's
//! (email-validator 2.4) (`tests/reference/types_email.py`): the same answers, byte for byte,
//! and the same OpenAPI document.

use ferrapi::types::{EmailStr, NameEmail};
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Contact {
    email: EmailStr,
    who: NameEmail,
    #[field(default = None)]
    backup: Option<EmailStr>,
}

#[get("/path/{value}")]
async fn in_path(value: EmailStr) -> Value {
    json!({ "value": value })
}

#[get("/query")]
async fn in_query(value: EmailStr) -> Value {
    json!({ "value": value })
}

#[get("/query-name")]
async fn in_query_name(value: NameEmail) -> Value {
    json!({ "value": value.to_string() })
}

#[get("/query-list")]
async fn in_query_list(#[query(default = Vec::new())] value: Vec<EmailStr>) -> Value {
    json!({ "value": value })
}

#[get("/header")]
async fn in_header(#[header] x_value: EmailStr) -> Value {
    json!({ "value": x_value })
}

#[get("/cookie")]
async fn in_cookie(#[cookie] value: EmailStr) -> Value {
    json!({ "value": value })
}

#[post("/form")]
async fn in_form(#[form] value: EmailStr) -> Value {
    json!({ "value": value })
}

#[post("/body")]
async fn in_body(contact: Contact) -> Contact {
    contact
}

#[post("/embed")]
async fn embedded(#[body(embed)] value: EmailStr) -> Value {
    json!({ "value": value })
}

#[get("/response", response_model = Contact)]
async fn response(email: String, who: String) -> Value {
    json!({ "email": email, "who": who })
}

fn app() -> App {
    App::new()
        .route(in_path)
        .route(in_query)
        .route(in_query_name)
        .route(in_query_list)
        .route(in_header)
        .route(in_cookie)
        .route(in_form)
        .route(in_body)
        .route(embedded)
        .route(response)
}

/// The addresses email-validator tells apart (plain text; URL-encoded where sent in a URL):
/// the accepted forms and normalisations, and each common reason for a refusal.
fn texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "jd@example.com",
        "JD@EXAMPLE.COM",
        " jd@example.com ",
        "jd+tag@example.com",
        "first.last@sub.example.co.uk",
        "Postmaster@Example.com",
        "jd@Bücher.de",
        "jd@xn--bcher-kva.de",
        "üser@example.com",
        "John Doe <jd@example.com>",
        "\"Doe, John\" <jd@example.com>",
        "<jd@example.com>",
        "jd@example.c",
        "a@b.c-d",
        "jd",
        "",
        "@example.com",
        "jd@",
        "jd@@example.com",
        "jd@example",
        "jd@localhost",
        "j d@example.com",
        "jd.@example.com",
        ".jd@example.com",
        "j..d@example.com",
        "jd@example..com",
        "jd@-example.com",
        "jd@example-.com",
        "jd@example.com.",
        "jd@.example.com",
        "jd@exa--mple.com",
        "jd@ab--c.com",
        "\"j d\"@example.com",
        "jd@[1.2.3.4]",
        "jd@[IPv6:::1]",
        "jd@1.2.3.4",
        "jd@example.123",
        "John <jd>",
        "John. <jd@example.com>",
        "John <jd@example.com",
        "John <jd@example.com> x",
        "jd@exa_mple.com",
        "jd@example.com,",
        "a@b.invalid",
        "a@b.test",
        "a@b.local",
        "a@b.onion",
        "a@x.arpa",
        "jd@ex ample.com",
        "jd@example.com>",
        "jd(comment)@example.com",
        "jd\t@example.com",
        "jd＠example.com",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    texts.push(format!("{}@example.com", "x".repeat(65)));
    texts.push(format!("{}@example.com", "x".repeat(250)));
    texts.push(format!("jd@{}.com", "a".repeat(64)));
    texts.push(format!("a@{}com", format!("{}.", "a".repeat(60)).repeat(5)));
    texts
}

fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~@!$'()*,;:".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for text in texts() {
        let encoded = encode(&text);
        if !text.is_empty() {
            cases.push(get(&format!("/path/{encoded}")));
        }
        cases.push(get(&format!("/query?value={encoded}")));
        cases.push(get(&format!("/query-name?value={encoded}")));
        cases.push(get(&format!("/query-list?value=a@b.co&value={encoded}")));
        if text.is_ascii() && !text.contains(['\t', '"', ',', ';']) {
            cases.push(get("/header").header("x-value", &text));
            cases.push(get("/cookie").header("cookie", &format!("value={text}")));
        }
        cases.push(post("/form").form(&[("value", &encoded)]));
        cases.push(post("/form").multipart(&[("value", &text)], &[]));
        let quoted = serde_json::to_string(&text).unwrap();
        cases.push(post("/body").json(&format!(
            r#"{{"email": {quoted}, "who": {quoted}, "backup": {quoted}}}"#
        )));
        cases.push(post("/embed").json(&format!(r#"{{"value": {quoted}}}"#)));
        cases.push(get(&format!("/response?email={encoded}&who={encoded}")));
    }
    for bad in ["123", "null", "true", "[]", "{}", "1.5"] {
        cases.push(post("/body").json(&format!(
            r#"{{"email": {bad}, "who": {bad}, "backup": {bad}}}"#
        )));
        cases.push(post("/embed").json(&format!(r#"{{"value": {bad}}}"#)));
    }
    cases.push(get("/query"));
    cases.push(get("/query-list"));
    cases.push(get("/header"));
    cases.push(post("/body").json(r#"{"email": "jd@example.com"}"#));
    cases
}

#[test]
fn emails_answer_as_fastapi() {
    assert_same("types_email", app(), cases());
}

#[test]
fn email_document_is_fastapis() {
    assert_same_openapi("types_email", app().openapi());
}
