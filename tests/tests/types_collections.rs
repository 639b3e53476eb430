//! Sets, tuples and arrays, bytes, `NonZero*`, string and pointer wrappers, and item
//! constraints in every position against FastAPI (`tests/reference/types_collections.py`):
//! the same answers, byte for byte, and the same OpenAPI document.
//!
//! Sets are `BTreeSet`s of small non-negative integers: CPython iterates such sets in
//! ascending order, so both sides serialise them alike.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::num::{NonZeroI32, NonZeroU8};
use std::sync::Arc;

use bytes::Bytes;
use ferrapi::types::ByteString;
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Bag {
    tags: BTreeSet<i64>,
    pair: (i64, String),
    triple: [i64; 3],
    data: ByteString,
    count: NonZeroU8,
    delta: NonZeroI32,
    name: Box<str>,
    #[field(default = None)]
    label: Option<Cow<'static, str>>,
    #[field(default = Vec::new(), max_length = 3, items(gt = 0))]
    scores: Vec<i64>,
    #[field(default = BTreeSet::new(), items(max_length = 2))]
    codes: BTreeSet<String>,
    #[field(default = BTreeSet::from([1]), min_length = 1, max_length = 2)]
    limited: BTreeSet<i64>,
    #[field(default = Vec::new(), items(items(lt = 3)))]
    grid: Vec<Vec<i64>>,
}

// Sets.

#[get("/set/query")]
async fn set_query(#[query] v: BTreeSet<i64>) -> Value {
    json!({ "v": v })
}

#[get("/set/query-limited")]
async fn set_query_limited(
    #[query(min_length = 2, max_length = 3, default = BTreeSet::from([0, 1]))] v: BTreeSet<i64>,
) -> Value {
    json!({ "v": v })
}

#[get("/set/header")]
async fn set_header(#[header] x_v: BTreeSet<i64>) -> Value {
    json!({ "v": x_v })
}

#[get("/set/cookie")]
async fn set_cookie(#[cookie] v: BTreeSet<i64>) -> Value {
    json!({ "v": v })
}

#[post("/set/form")]
async fn set_form(#[form] v: BTreeSet<i64>) -> Value {
    json!({ "v": v })
}

#[post("/set/embed")]
async fn set_embed(#[body(embed)] v: indexmap::IndexSet<i64>) -> Value {
    let sorted: BTreeSet<i64> = v.into_iter().collect();
    json!({ "v": sorted })
}

#[post("/set/body")]
async fn set_body(#[body(max_length = 2)] v: std::collections::HashSet<i64>) -> Value {
    let sorted: BTreeSet<i64> = v.into_iter().collect();
    json!({ "v": sorted })
}

// Tuples and fixed-size arrays.

#[get("/tuple/query")]
async fn tuple_query(#[query] v: (i64, String)) -> Value {
    json!({ "v": v })
}

#[get("/tuple/header")]
async fn tuple_header(#[header] x_v: [i64; 3]) -> Value {
    json!({ "v": x_v })
}

#[get("/tuple/cookie")]
async fn tuple_cookie(#[cookie] v: (i64, String)) -> Value {
    json!({ "v": v })
}

#[post("/tuple/form")]
async fn tuple_form(#[form] v: (i64, i64, i64)) -> Value {
    json!({ "v": v })
}

#[post("/tuple/embed")]
async fn tuple_embed(#[body(embed)] v: (i64, String)) -> Value {
    json!({ "v": v })
}

// Bytes.

fn echo(v: impl Into<ByteString>) -> Value {
    let v: ByteString = v.into();
    json!({ "v": v, "len": v.len() })
}

#[get("/bytes/path/{v}")]
async fn bytes_path(v: Bytes) -> Value {
    echo(v)
}

#[get("/bytes/query")]
async fn bytes_query(v: Bytes) -> Value {
    echo(v)
}

#[get("/bytes/query-limited")]
async fn bytes_query_limited(#[query(min_length = 2, max_length = 3)] v: ByteString) -> Value {
    echo(v)
}

#[get("/bytes/header")]
async fn bytes_header(#[header] x_v: ByteString) -> Value {
    echo(x_v)
}

#[get("/bytes/cookie")]
async fn bytes_cookie(#[cookie] v: Bytes) -> Value {
    echo(v)
}

#[post("/bytes/form")]
async fn bytes_form(#[form] v: ByteString) -> Value {
    echo(v)
}

#[post("/bytes/file")]
async fn bytes_file(#[file] file: Bytes) -> Value {
    json!({ "file_size": file.len() })
}

#[post("/bytes/body")]
async fn bytes_body(#[body] v: ByteString) -> Value {
    echo(v)
}

#[post("/bytes/embed")]
async fn bytes_embed(#[body(embed, max_length = 4)] v: Bytes) -> Value {
    echo(v)
}

// Non-zero integers and string wrappers.

#[get("/nonzero/{u}")]
async fn non_zero_path(
    u: NonZeroU8,
    #[query(default = NonZeroI32::new(1).unwrap())] i: NonZeroI32,
    opt: Option<NonZeroI32>,
) -> Value {
    json!({ "u": u, "i": i, "opt": opt })
}

#[get("/strings")]
async fn strings(
    boxed: Box<str>,
    #[query(max_length = 3, default = Cow::Borrowed("abc"))] cow: Cow<'static, str>,
    shared: Option<Arc<str>>,
    #[query(gt = 1, default = Arc::new(2))] counted: Arc<i64>,
) -> Value {
    json!({ "boxed": boxed, "cow": cow, "shared": shared.as_deref(), "counted": *counted })
}

// Item constraints.

#[get("/items/query")]
async fn items_query(
    #[query(max_length = 3, items(gt = 0), default = Vec::new())] v: Vec<i64>,
) -> Value {
    json!({ "v": v })
}

#[get("/items/query-set")]
async fn items_query_set(#[query(items(lt = 5))] v: BTreeSet<i64>) -> Value {
    json!({ "v": v })
}

#[post("/items/form")]
async fn items_form(#[form(items(min_length = 2))] v: Vec<String>) -> Value {
    json!({ "v": v })
}

// Models.

#[post("/bag")]
async fn bag(bag: Bag) -> Bag {
    bag
}

#[get("/response", response_model = Bag)]
async fn response(data: String, count: i64) -> Value {
    json!({
        "tags": [3, 1, 3],
        "pair": [1, "a"],
        "triple": [1, 2, 3],
        "data": data,
        "count": count,
        "delta": -1,
        "name": "n",
    })
}

fn app() -> App {
    App::new()
        .route(set_query)
        .route(set_query_limited)
        .route(set_header)
        .route(set_cookie)
        .route(set_form)
        .route(set_embed)
        .route(set_body)
        .route(tuple_query)
        .route(tuple_header)
        .route(tuple_cookie)
        .route(tuple_form)
        .route(tuple_embed)
        .route(bytes_path)
        .route(bytes_query)
        .route(bytes_query_limited)
        .route(bytes_header)
        .route(bytes_cookie)
        .route(bytes_form)
        .route(bytes_file)
        .route(bytes_body)
        .route(bytes_embed)
        .route(non_zero_path)
        .route(strings)
        .route(items_query)
        .route(items_query_set)
        .route(items_form)
        .route(bag)
        .route(response)
}

fn set_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for query in [
        "v=1&v=2&v=1",
        "v=3&v=a&v=b",
        "v=",
        "v=1",
        "v=1&v=",
        "",
        "v=%201%20",
    ] {
        cases.push(get(&format!("/set/query?{query}")));
    }
    for query in [
        "v=1&v=1",
        "v=1&v=2&v=3&v=4",
        "v=1&v=a&v=3&v=4&v=5",
        "v=1&v=a&v=3&v=4",
        "v=2&v=1&v=2",
        "",
    ] {
        cases.push(get(&format!("/set/query-limited?{query}")));
    }
    cases.push(get("/set/header").header("x-v", "2").header("x-v", "1"));
    cases.push(get("/set/header").header("x-v", "a"));
    cases.push(get("/set/header").header("x-v", "1,2"));
    cases.push(get("/set/header"));
    cases.push(get("/set/cookie").header("cookie", "v=1"));
    cases.push(get("/set/cookie"));
    cases.push(post("/set/form").form(&[("v", "1"), ("v", "2"), ("v", "1")]));
    cases.push(post("/set/form").form(&[("v", "a")]));
    cases.push(post("/set/form").form(&[("v", "")]));
    cases.push(post("/set/form").form(&[]));
    cases.push(post("/set/form").multipart(&[("v", "2"), ("v", "1")], &[]));
    for body in [
        r#"{"v": [1, 2, 2]}"#,
        r#"{"v": "x"}"#,
        r#"{"v": [1, "a", "b"]}"#,
        r#"{"v": null}"#,
        r#"{"v": {"a": 1}}"#,
        r#"{"v": []}"#,
        r#"{}"#,
    ] {
        cases.push(post("/set/embed").json(body));
    }
    for body in [
        "[1, 2]",
        "[1, 2, 3]",
        "[1, 1, 1]",
        r#""x""#,
        "[1, true, 1.0]",
        "[1.5]",
    ] {
        cases.push(post("/set/body").json(body));
    }
    cases
}

fn tuple_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for query in ["v=1&v=a", "v=1", "v=a&v=b&v=c", "v=x&v=y", "", "v=1&v="] {
        cases.push(get(&format!("/tuple/query?{query}")));
    }
    cases.push(
        get("/tuple/header")
            .header("x-v", "1")
            .header("x-v", "2")
            .header("x-v", "3"),
    );
    cases.push(get("/tuple/header").header("x-v", "1").header("x-v", "2"));
    cases.push(
        get("/tuple/header")
            .header("x-v", "1")
            .header("x-v", "2")
            .header("x-v", "3")
            .header("x-v", "4"),
    );
    cases.push(get("/tuple/header").header("x-v", "a"));
    cases.push(get("/tuple/cookie").header("cookie", "v=1"));
    cases.push(post("/tuple/form").form(&[("v", "1"), ("v", "2"), ("v", "3")]));
    cases.push(post("/tuple/form").form(&[("v", "1")]));
    cases.push(post("/tuple/form").form(&[("v", "1"), ("v", "x"), ("v", "3"), ("v", "4")]));
    cases.push(post("/tuple/form").multipart(&[("v", "1"), ("v", "2"), ("v", "z")], &[]));
    for body in [
        r#"{"v": [1, "a"]}"#,
        r#"{"v": [1]}"#,
        r#"{"v": []}"#,
        r#"{"v": ["a", 1, 3]}"#,
        r#"{"v": ["a", 1]}"#,
        r#"{"v": "x"}"#,
        r#"{"v": {"a": 1}}"#,
        r#"{"v": null}"#,
    ] {
        cases.push(post("/tuple/embed").json(body));
    }
    cases
}

fn bytes_cases() -> Vec<Case> {
    let mut cases = vec![
        get("/bytes/path/abc"),
        get("/bytes/path/h%C3%A9llo"),
        get("/bytes/query?v=abc"),
        get("/bytes/query?v="),
        get("/bytes/query?v=%C3%A9"),
        get("/bytes/query"),
        get("/bytes/header").header("x-v", "abc"),
        get("/bytes/header"),
        get("/bytes/cookie").header("cookie", "v=abc"),
        post("/bytes/form").form(&[("v", "abc")]),
        post("/bytes/form").form(&[("v", "")]),
        post("/bytes/form").form(&[("v", "h%C3%A9")]),
        post("/bytes/form").multipart(&[("v", "xyz")], &[]),
        post("/bytes/file").multipart(
            &[],
            &[("file", "a.bin", "application/octet-stream", b"\xff\x00abc")],
        ),
        post("/bytes/file").multipart(&[("file", "abc")], &[]),
        post("/bytes/file").multipart(&[("other", "abc")], &[]),
        post("/bytes/file").form(&[("file", "abcd")]),
    ];
    for query in ["v=a", "v=abcd", "v=ab", "v=%C3%A9%C3%A9", "v=%C3%A9"] {
        cases.push(get(&format!("/bytes/query-limited?{query}")));
    }
    for body in [r#""abc""#, "5", "null", "[1]", r#""""#, "true"] {
        cases.push(post("/bytes/body").json(body));
    }
    for body in [
        r#"{"v": "abc"}"#,
        r#"{"v": "abcde"}"#,
        r#"{"v": "ééé"}"#,
        r#"{"v": 5}"#,
        r#"{}"#,
    ] {
        cases.push(post("/bytes/embed").json(body));
    }
    cases
}

fn other_cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for path in [
        "/nonzero/5",
        "/nonzero/0",
        "/nonzero/-1",
        "/nonzero/256",
        "/nonzero/x",
        "/nonzero/3?i=0",
        "/nonzero/3?i=-7",
        "/nonzero/3?i=a",
        "/nonzero/3?opt=0",
        "/nonzero/3?opt=2",
        "/nonzero/0?i=0&opt=0",
        "/strings?boxed=x",
        "/strings",
        "/strings?boxed=x&cow=abcd",
        "/strings?boxed=&shared=s&counted=1",
        "/strings?boxed=y&counted=5&cow=z",
        "/items/query?v=1&v=0&v=a",
        "/items/query?v=1&v=2&v=3&v=4",
        "/items/query?v=0&v=2&v=3&v=4",
        "/items/query",
        "/items/query?v=3&v=1",
        "/items/query-set?v=1&v=7",
        "/items/query-set?v=2&v=1&v=2",
        "/items/query-set?v=x&v=9",
    ] {
        cases.push(get(path));
    }
    cases.push(post("/items/form").form(&[("v", "ab"), ("v", "a")]));
    cases.push(post("/items/form").form(&[("v", "ab"), ("v", "cd")]));
    cases.push(post("/items/form").multipart(&[("v", "x")], &[]));
    let valid = r#"{"tags": [3, 1, 1], "pair": [1, "a"], "triple": [1, 2, "3"], "data": "héllo", "count": 5, "delta": -2, "name": "n"}"#;
    cases.push(post("/bag").json(valid));
    let with = |extra: &str| valid.replacen('}', &format!(", {extra}}}"), 1);
    for extra in [
        r#""label": "l", "scores": [1, 2], "codes": ["ab"], "limited": [2, 2]"#,
        r#""scores": [1, 0, -1]"#,
        r#""scores": [1, 2, 3, 4]"#,
        r#""scores": [0, 2, 3, 4]"#,
        r#""codes": ["abc", "a"]"#,
        r#""codes": "ab""#,
        r#""limited": []"#,
        r#""limited": [1, 2, 3]"#,
        r#""limited": [1, 1, 1]"#,
        r#""label": 5"#,
        r#""grid": [[1, 2], [3, "a", 0]]"#,
        r#""grid": [[], [2]]"#,
    ] {
        cases.push(post("/bag").json(&with(extra)));
    }
    cases.push(post("/bag").json(
        r#"{"tags": "x", "pair": [1], "triple": [1, 2, 3, 4], "data": 5, "count": 0, "delta": 0, "name": 1}"#,
    ));
    cases.push(post("/bag").json(
        r#"{"tags": [1, "a"], "pair": ["a", 1, 3], "triple": ["a"], "data": [], "count": 300, "delta": "x", "name": null}"#,
    ));
    cases.push(post("/bag").json("{}"));
    cases.push(post("/bag").json("[]"));
    cases.push(get("/response?data=x&count=3"));
    cases.push(get("/response?data=&count=0"));
    cases
}

#[test]
fn collections_answer_as_fastapi() {
    let mut cases = set_cases();
    cases.extend(tuple_cases());
    cases.extend(bytes_cases());
    cases.extend(other_cases());
    assert_same("types_collections", app(), cases);
}

#[test]
fn collections_document_is_fastapis() {
    assert_same_openapi("types_collections", app().openapi());
}
