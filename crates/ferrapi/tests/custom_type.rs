//! A type of the user's own, plugged in by implementing `Validate` alone (the framework guide's
//! `Slug`): read from the path, the query, a body field and a response model over a real
//! socket, its errors at their locations beside the request's other errors, and its schema in
//! the document.

use std::time::Duration;

use ferrapi::toolkit::testclient::LiveServer;
use ferrapi::validation::{SchemaGenerator, Validate, Validator};
use ferrapi::{get, post, App, Model};
use serde::Serialize;
use serde_json::{json, Value};

/// Lowercase letters, digits and hyphens: `my-first-post`.
#[derive(Serialize, Debug)]
struct Slug(String);

impl Slug {
    fn parse(text: &str, input: impl FnOnce() -> Value, v: &mut Validator) -> Option<Slug> {
        let ok = !text.is_empty()
            && text
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !ok {
            v.error(
                "value_error",
                "Value error, a slug is lowercase letters, digits and hyphens",
                input(),
                None,
            );
            return None;
        }
        Some(Slug(text.to_owned()))
    }
}

impl Validate for Slug {
    fn validate(input: &Value, v: &mut Validator) -> Option<Slug> {
        match input {
            Value::String(text) => Slug::parse(text, || input.clone(), v),
            _ => {
                v.error(
                    "string_type",
                    "Input should be a valid string",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Slug> {
        Slug::parse(input, || Value::String(input.to_owned()), v)
    }

    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "pattern": "^[a-z0-9-]+$"})
    }
}

#[derive(Model, Serialize, Debug)]
struct Post {
    slug: Slug,
    title: String,
    related: Vec<Slug>,
}

#[get("/posts/{slug}")]
async fn read_post(slug: Slug, tag: Option<Slug>) -> Value {
    json!({ "slug": slug, "tag": tag })
}

#[post("/posts/")]
async fn create_post(post: Post) -> Post {
    post
}

#[get("/latest", response_model = Post)]
async fn latest(slug: String) -> Value {
    json!({ "slug": slug, "title": "t", "related": [] })
}

fn app() -> App {
    App::new().route(read_post).route(create_post).route(latest)
}

fn call(base: &str, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));
    let url = format!("{base}{path}");
    let mut response = match body {
        Some(body) => agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string()),
        None if method == "GET" => agent.get(&url).call(),
        None => agent.post(&url).send_empty(),
    }
    .expect("the server answers");
    let status = response.status().as_u16();
    let text = response.body_mut().read_to_string().expect("a body");
    let body: Value = serde_json::from_str(&text).expect("a JSON body");
    (status, body)
}

#[test]
fn a_slug_works_in_every_position() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let live = runtime.block_on(LiveServer::start(app())).unwrap();
    let base = format!("http://{}", live.addr());

    let (status, body) = call(&base, "GET", "/posts/my-post?tag=rust", None);
    assert_eq!(status, 200);
    assert_eq!(body, json!({"slug": "my-post", "tag": "rust"}));

    let (status, body) = call(&base, "GET", "/posts/My%20Post?tag=Nope", None);
    assert_eq!(status, 422);
    let locs: Vec<&Value> = body["detail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["loc"])
        .collect();
    assert_eq!(locs, [&json!(["path", "slug"]), &json!(["query", "tag"])]);
    assert_eq!(body["detail"][0]["input"], json!("My Post"));
    assert_eq!(body["detail"][0]["type"], json!("value_error"));

    let good = json!({"slug": "a-b", "title": "T", "related": ["c", "d-1"]});
    let (status, body) = call(&base, "POST", "/posts/", Some(good.clone()));
    assert_eq!(status, 200);
    assert_eq!(body, good);

    let bad = json!({"slug": 5, "title": "T", "related": ["ok", "Not OK"]});
    let (status, body) = call(&base, "POST", "/posts/", Some(bad));
    assert_eq!(status, 422);
    assert_eq!(
        body,
        json!({"detail": [
            {"type": "string_type", "loc": ["body", "slug"],
             "msg": "Input should be a valid string", "input": 5},
            {"type": "value_error", "loc": ["body", "related", 1],
             "msg": "Value error, a slug is lowercase letters, digits and hyphens",
             "input": "Not OK"},
        ]})
    );

    let (status, _) = call(&base, "GET", "/latest?slug=fine", None);
    assert_eq!(status, 200);
    // A response that does not validate as the response model is the server's fault.
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));
    let response = agent.get(format!("{base}/latest?slug=BAD")).call().unwrap();
    assert_eq!(response.status().as_u16(), 500);
    drop(live);
}

#[test]
fn a_slug_is_documented_with_its_own_schema() {
    let doc = app().openapi();
    assert_eq!(
        doc["components"]["schemas"]["Post"]["properties"]["slug"],
        json!({"type": "string", "pattern": "^[a-z0-9-]+$", "title": "Slug"})
    );
    assert_eq!(
        doc["paths"]["/posts/{slug}"]["get"]["parameters"][0]["schema"],
        json!({"type": "string", "pattern": "^[a-z0-9-]+$", "title": "Slug"})
    );
}
