//! What the tutorial differential test (`tests/tests/tutorial_diff.rs`, ferrapi against FastAPI
//! 0.165 over HTTP) found missing or different, pinned here with FastAPI's answers: dicts with
//! integer keys, `title` on a parameter, a constrained scalar in a multi-part body, the `path`
//! convertor, Python's `json` error messages and positions, the 400 for a body that is not
//! UTF-8, the `input` of a model's missing field, the 204's content type, and the order of
//! errors from several sources.

use std::collections::{BTreeMap, HashMap};

use ferrapi::toolkit::testclient::TestClient;
use ferrapi::validation::{Constraints, Validator};
use ferrapi::{delete, get, post, put, App, Model};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize)]
struct Item {
    name: String,
    #[field(gt = 0)]
    price: f64,
    tax: Option<f64>,
}

#[derive(Model, Serialize)]
struct User {
    username: String,
}

#[derive(Model, Serialize)]
struct Offer {
    name: String,
    items: Vec<Item>,
}

#[post("/weights")]
async fn create_weights(weights: IndexMap<i64, f64>) -> IndexMap<i64, f64> {
    weights
}

#[post("/sorted")]
async fn create_sorted(weights: BTreeMap<u8, String>) -> BTreeMap<u8, String> {
    weights
}

#[post("/hashed")]
async fn create_hashed(weights: HashMap<i32, bool>) -> usize {
    weights.len()
}

#[get("/bounded/{item_id}")]
async fn read_bounded(
    #[path(title = "The ID of the item to get", ge = 1, le = 1000)] item_id: i64,
    #[query(description = "a size", gt = 0, lt = 10.5, default = 1.0)] size: f64,
) -> Value {
    json!({ "item_id": item_id, "size": size })
}

#[put("/multi/{item_id}")]
async fn update_multi(
    item_id: i64,
    item: Item,
    user: User,
    #[body(gt = 0)] importance: i64,
) -> Value {
    json!({ "item_id": item_id, "item": item, "user": user, "importance": importance })
}

#[get("/paths/{file_path:path}")]
async fn read_path(file_path: String) -> Value {
    json!({ "file_path": file_path })
}

#[post("/offers")]
async fn create_offer(offer: Offer) -> usize {
    offer.items.len()
}

#[delete("/items/{item_id}", status_code = 204)]
async fn delete_item(item_id: i64) {
    let _ = item_id;
}

#[post("/order/{p}")]
async fn error_order(item: Item, q: i64, p: i64, #[header] h: i64, #[cookie] c: i64) -> Value {
    json!([item.name, q, p, h, c])
}

fn app() -> App {
    App::new()
        .route(create_weights)
        .route(create_sorted)
        .route(create_hashed)
        .route(read_bounded)
        .route(update_multi)
        .route(read_path)
        .route(create_offer)
        .route(delete_item)
        .route(error_order)
}

async fn post_json(
    client: &TestClient<ferrapi::BuiltApp>,
    path: &str,
    body: &str,
) -> (u16, String) {
    let r = client
        .post(path)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await;
    (r.status().as_u16(), r.text())
}

fn int_parsing(loc: Value, input: &str) -> Value {
    json!({"type":"int_parsing","loc":loc,"msg":"Input should be a valid integer, unable to parse string as an integer","input":input})
}

#[tokio::test]
async fn dicts_with_integer_keys() {
    let client = TestClient::new(app());
    // Keys are converted as pydantic converts them; the input's order is kept (`IndexMap`),
    // and keys that become equal keep the first place and the last value, as in Python.
    assert_eq!(
        post_json(
            &client,
            "/weights",
            r#"{"3":1,"01":2," 2 ":"2.5","+1":true}"#
        )
        .await,
        (200, r#"{"3":1.0,"1":1.0,"2":2.5}"#.to_string())
    );
    assert_eq!(
        post_json(&client, "/sorted", r#"{"3":"c","1":"a"}"#).await,
        (200, r#"{"1":"a","3":"c"}"#.to_string())
    );
    assert_eq!(
        post_json(&client, "/hashed", r#"{"1":true,"2":"no"}"#).await,
        (200, "2".to_string())
    );
    // A bad key is reported at `[key, "[key]"]`, and its value is still checked.
    let (status, body) = post_json(&client, "/weights", r#"{"a":"b","1":null,"1.5":2}"#).await;
    assert_eq!(status, 422);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"detail":[
            int_parsing(json!(["body","a","[key]"]), "a"),
            {"type":"float_parsing","loc":["body","a"],"msg":"Input should be a valid number, unable to parse string as a number","input":"b"},
            {"type":"float_type","loc":["body","1"],"msg":"Input should be a valid number","input":null},
            int_parsing(json!(["body","1.5","[key]"]), "1.5"),
        ]})
    );
    let (status, body) = post_json(&client, "/sorted", r#"{"300":"x"}"#).await;
    assert_eq!(status, 422);
    assert!(
        body.contains(r#""loc":["body","300","[key]"]"#) && body.contains("less_than_equal"),
        "{body}"
    );
    assert_eq!(
        post_json(&client, "/weights", "[]").await,
        (
            422,
            r#"{"detail":[{"type":"dict_type","loc":["body"],"msg":"Input should be a valid dictionary","input":[]}]}"#.to_string()
        )
    );
}

#[test]
fn dict_length_is_counted_after_key_conversion() {
    // pydantic: "Dictionary should have at least 2 items after validation, not 1".
    let mut v = Validator::new();
    let out: Option<IndexMap<i64, i64>> = Constraints::new()
        .min_length(2)
        .validate(&json!({"1": 1, "01": 2}), &mut v);
    assert!(out.is_none());
    let errors = serde_json::to_value(v.into_errors()).unwrap();
    assert_eq!(errors[0]["type"], "too_short", "{errors}");
    assert_eq!(errors[0]["ctx"]["actual_length"], 1, "{errors}");
}

#[tokio::test]
async fn titles_are_documentation_and_bounds_apply() {
    let client = TestClient::new(app());
    let r = client.get("/bounded/1000?size=10.4").send().await;
    assert_eq!(r.text(), r#"{"item_id":1000,"size":10.4}"#);
    let r = client.get("/bounded/0?size=11").send().await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":[
            {"type":"greater_than_equal","loc":["path","item_id"],"msg":"Input should be greater than or equal to 1","input":"0","ctx":{"ge":1}},
            {"type":"less_than","loc":["query","size"],"msg":"Input should be less than 10.5","input":"11","ctx":{"lt":10.5}}
        ]})
    );
}

#[tokio::test]
async fn constrained_scalar_among_several_bodies() {
    let client = TestClient::new(app());
    let r = client
        .put("/multi/1")
        .json(&json!({"item":{"name":"a","price":1},"user":{"username":"u"},"importance":"5"}))
        .send()
        .await;
    assert_eq!(
        r.text(),
        r#"{"item_id":1,"item":{"name":"a","price":1.0,"tax":null},"user":{"username":"u"},"importance":5}"#
    );
    let r = client
        .put("/multi/1")
        .json(&json!({"item":{"name":"a","price":1},"user":{"username":"u"},"importance":0}))
        .send()
        .await;
    assert_eq!(
        r.text(),
        r#"{"detail":[{"type":"greater_than","loc":["body","importance"],"msg":"Input should be greater than 0","input":0,"ctx":{"gt":0}}]}"#
    );
}

#[tokio::test]
async fn path_convertor_takes_the_rest_of_the_path() {
    let client = TestClient::new(app());
    for (path, expected) in [
        ("/paths/a/b/c.txt", "a/b/c.txt"),
        ("/paths//etc/passwd", "/etc/passwd"),
        ("/paths/", ""),
    ] {
        let r = client.get(path).send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({ "file_path": expected }),
            "{path}"
        );
    }
}

#[tokio::test]
async fn json_errors_are_pythons() {
    let client = TestClient::new(app());
    // (body, Python's message, its position in characters)
    let cases = [
        (r#"{"name": "#, "Expecting value", 9),
        ("[1, 2", "Expecting ',' delimiter", 5),
        ("{", "Expecting property name enclosed in double quotes", 1),
        (r#"{"a" 1}"#, "Expecting ':' delimiter", 5),
        (r#"{"a": "é\u12"}"#, "Invalid \\uXXXX escape", 9),
        ("{\"a\": \"\t\"}", "Invalid control character at", 7),
        (r#"{"a": "\q"}"#, "Invalid \\escape", 7),
        (r#"{"a": "x"#, "Unterminated string starting at", 6),
        ("{} []", "Extra data", 3),
        (
            r#"{"a": 1,}"#,
            "Illegal trailing comma before end of object",
            7,
        ),
        ("[1,]", "Illegal trailing comma before end of array", 2),
    ];
    for (body, message, position) in cases {
        let (status, answer) = post_json(&client, "/offers", body).await;
        assert_eq!(status, 422, "{body}");
        assert_eq!(
            serde_json::from_str::<Value>(&answer).unwrap(),
            json!({"detail":[{"type":"json_invalid","loc":["body",position],"msg":"JSON decode error","input":{},"ctx":{"error":message}}]}),
            "{body}"
        );
    }
}

#[tokio::test]
async fn body_bytes_are_read_as_python_reads_them() {
    let client = TestClient::new(app());
    // Not UTF-8: decoding fails before parsing, FastAPI's 400.
    let r = client
        .post("/offers")
        .header("content-type", "application/json")
        .body(b"{\"name\":\"\xff\",\"items\":[]}".to_vec())
        .send()
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text(),
        r#"{"detail":"There was an error parsing the body"}"#
    );
    // A UTF-8 byte order mark is skipped.
    let r = client
        .post("/offers")
        .header("content-type", "application/json")
        .body(b"\xEF\xBB\xBF{\"name\":\"o\",\"items\":[]}".to_vec())
        .send()
        .await;
    assert_eq!((r.status().as_u16(), r.text()), (200, "0".to_string()));
}

#[tokio::test]
async fn a_missing_field_echoes_the_models_input() {
    let client = TestClient::new(app());
    let (status, body) = post_json(
        &client,
        "/offers",
        r#"{"items":[{"name":"a","price":1},{"price":"x"}]}"#,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        serde_json::from_str::<Value>(&body).unwrap(),
        json!({"detail":[
            {"type":"missing","loc":["body","name"],"msg":"Field required","input":{"items":[{"name":"a","price":1},{"price":"x"}]}},
            {"type":"missing","loc":["body","items",1,"name"],"msg":"Field required","input":{"price":"x"}},
            {"type":"float_parsing","loc":["body","items",1,"price"],"msg":"Input should be a valid number, unable to parse string as a number","input":"x"}
        ]})
    );
}

#[tokio::test]
async fn no_content_still_names_json() {
    let client = TestClient::new(app());
    let r = client.delete("/items/5").send().await;
    assert_eq!(r.status(), 204);
    assert_eq!(r.header("content-type"), Some("application/json"));
    assert!(r.bytes().is_empty());
}

#[tokio::test]
async fn errors_come_in_fastapis_source_order() {
    let client = TestClient::new(app());
    let r = client
        .post("/order/x?q=y")
        .header("h", "w")
        .header("cookie", "c=v")
        .json(&json!({"name": "n", "price": "z"}))
        .send()
        .await;
    let locs: Vec<Value> = r.json::<Value>().unwrap()["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"].clone())
        .collect();
    assert_eq!(
        locs,
        [
            json!(["path", "p"]),
            json!(["query", "q"]),
            json!(["header", "h"]),
            json!(["cookie", "c"]),
            json!(["body", "price"]),
        ]
    );
}

mod one_http_exception {
    use super::*;
    use ferrapi::toolkit::{PlainText, StatusCode};
    use ferrapi::HTTPException;

    #[get("/teapot")]
    async fn teapot() -> Result<Value, HTTPException> {
        Err(HTTPException::new(
            StatusCode::IM_A_TEAPOT,
            json!({"why": "short"}),
        ))
    }

    fn toolkit_handler(exc: ferrapi::toolkit::HTTPException) -> (StatusCode, PlainText<String>) {
        (
            exc.status(),
            PlainText(format!("toolkit: {}", exc.detail())),
        )
    }

    /// A handler for the toolkit's `HTTPException` (Starlette's) takes the router's 404 and
    /// the operations' `HTTPException`s, as FastAPI's `@app.exception_handler(
    /// StarletteHTTPException)`; an app's own handler for `ferrapi::HTTPException` keeps those,
    /// registered before or after (FastAPI picks the most specific class).
    #[tokio::test]
    async fn a_toolkit_http_exception_handler_takes_the_frameworks_too() {
        let client = TestClient::new(App::new().exception_handler(toolkit_handler).route(teapot));
        let r = client.get("/teapot").send().await;
        assert_eq!(r.status(), 418);
        assert_eq!(r.text(), r#"toolkit: {"why":"short"}"#);
        let r = client.get("/nowhere").send().await;
        assert_eq!(
            (r.status().as_u16(), r.text()),
            (404, "toolkit: Not Found".to_string())
        );

        for app in [
            App::new()
                .exception_handler(|exc: HTTPException| (exc.status(), PlainText("own")))
                .exception_handler(toolkit_handler),
            App::new()
                .exception_handler(toolkit_handler)
                .exception_handler(|exc: HTTPException| (exc.status(), PlainText("own"))),
        ] {
            let client = TestClient::new(app.route(teapot));
            assert_eq!(client.get("/teapot").send().await.text(), "own");
            assert_eq!(
                client.get("/nowhere").send().await.text(),
                "toolkit: Not Found"
            );
        }
    }
}
