//! `url::Url` and `ferrapi::types::HttpUrl` in every position against pydantic's `AnyUrl` and
//! `HttpUrl` (`tests/reference/types_url.py`): the same answers, byte for byte, and the same
//! OpenAPI document.

use ferrapi::types::HttpUrl;
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};
use url::Url;

#[derive(Model, Serialize, Debug)]
struct Site {
    home: HttpUrl,
    feed: Url,
    #[field(default = None)]
    mirror: Option<HttpUrl>,
}

#[get("/path/{value}")]
async fn in_path(value: Url) -> Value {
    json!({ "value": value })
}

#[get("/query")]
async fn in_query(value: HttpUrl) -> Value {
    json!({ "value": value })
}

#[get("/query-any")]
async fn in_query_any(value: Url) -> Value {
    json!({ "value": value })
}

#[get("/query-list")]
async fn in_query_list(#[query(default = Vec::new())] value: Vec<HttpUrl>) -> Value {
    json!({ "value": value })
}

#[get("/header")]
async fn in_header(#[header] x_value: HttpUrl) -> Value {
    json!({ "value": x_value })
}

#[get("/cookie")]
async fn in_cookie(#[cookie] value: Url) -> Value {
    json!({ "value": value })
}

#[post("/form")]
async fn in_form(#[form] value: HttpUrl) -> Value {
    json!({ "value": value })
}

#[post("/body")]
async fn in_body(site: Site) -> Site {
    site
}

#[post("/embed")]
async fn embedded(#[body(embed)] value: HttpUrl) -> Value {
    json!({ "value": value })
}

#[get("/response", response_model = Site)]
async fn response(home: String, feed: String) -> Value {
    json!({ "home": home, "feed": feed })
}

fn app() -> App {
    App::new()
        .route(in_path)
        .route(in_query)
        .route(in_query_any)
        .route(in_query_list)
        .route(in_header)
        .route(in_cookie)
        .route(in_form)
        .route(in_body)
        .route(embedded)
        .route(response)
}

/// The texts pydantic tells apart, URL-encoded: every normalisation, each `url` crate error,
/// the scheme and the length limits.
fn texts() -> Vec<String> {
    let mut texts: Vec<String> = [
        "http://EXAMPLE.com",
        "https://example.com/a%20b?q=1%202%23f",
        "http://example.com:80/",
        "https://example.com:443",
        "http://ex.com:8080/x/../y",
        "HTTP://A.COM/Path",
        "%20http://a.com%20",
        "http://user:pass@a.com",
        "http:/a.com",
        "https://a.com?x",
        "http://[::1]:8000",
        "http://1.2.3.4",
        "http://m%C3%BCnchen.de",
        "http://%2541.com",
        "ftp://x.com",
        "mailto:a@b.c",
        "file:///etc/passwd",
        "urn:isbn:123",
        "foo",
        "",
        "http://",
        "http://exa%20mple.com",
        "http://999.1.1.1",
        "http://ex.com:99999",
        "//a.com",
        "http://[::1",
        "http://a.com:x",
        "%20",
    ]
    .iter()
    .map(|t| t.to_string())
    .collect();
    // The 2083-byte limit, in bytes: 2083 passes, 2084 fails, two-byte characters count twice.
    let base = "http://a.com/";
    texts.push(format!("{base}{}", "x".repeat(2083 - base.len())));
    texts.push(format!("{base}{}", "x".repeat(2084 - base.len())));
    texts.push(format!("{base}{}", "%C3%A9".repeat(1050)));
    texts
}

fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Ok(b) = u8::from_str_radix(&text[i + 1..i + 3], 16) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).expect("UTF-8")
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for text in texts() {
        let decoded = decode(&text);
        let long = text.len() > 2000;
        // A path parameter cannot hold a `/` (Starlette decodes `%2F` before routing).
        if !text.is_empty() && !text.contains('/') {
            cases.push(get(&format!("/path/{text}")));
        }
        cases.push(get(&format!("/query?value={text}")));
        cases.push(get(&format!("/query-any?value={text}")));
        cases.push(get(&format!("/query-list?value=http://a.com&value={text}")));
        if !decoded.contains(['\u{e9}', 'ü']) {
            cases.push(get("/header").header("x-value", &decoded));
            cases.push(get("/cookie").header("cookie", &format!("value={decoded}")));
        }
        cases.push(post("/form").form(&[("value", &text)]));
        cases.push(post("/form").multipart(&[("value", &decoded)], &[]));
        let quoted = serde_json::to_string(&decoded).unwrap();
        cases.push(post("/body").json(&format!(
            r#"{{"home": {quoted}, "feed": {quoted}, "mirror": {quoted}}}"#
        )));
        cases.push(post("/embed").json(&format!(r#"{{"value": {quoted}}}"#)));
        if !long {
            cases.push(get(&format!("/response?home={text}&feed={text}")));
        }
    }
    for bad in ["123", "null", "true", "[]", "{}", "1.5"] {
        cases.push(post("/body").json(&format!(
            r#"{{"home": {bad}, "feed": {bad}, "mirror": {bad}}}"#
        )));
        cases.push(post("/embed").json(&format!(r#"{{"value": {bad}}}"#)));
    }
    cases.push(get("/query"));
    cases.push(get("/query-list"));
    cases.push(get("/header"));
    cases.push(post("/body").json(r#"{"home": "http://a.com"}"#));
    cases
}

#[test]
fn urls_answer_as_fastapi() {
    assert_same("types_url", app(), cases());
}

#[test]
fn url_document_is_fastapis() {
    assert_same_openapi("types_url", app().openapi());
}
