//! Validators (pydantic's `field_validator` / `model_validator`, "after" and "before") and the
//! serde attributes `#[derive(Model)]` honours (`rename`, `rename_all`, `alias`, `default`,
//! `skip`, `skip_serializing(_if)`, `flatten`), against FastAPI
//! (`tests/reference/shapes_validators.py`): the same answers and the same document.

use ferrapi::validation::AssertionFailed;
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use indexmap::IndexMap;
use serde::Serialize;
use serde_json::{json, Value};

fn username_alphanumeric(v: String) -> Result<String, String> {
    if v.chars().all(char::is_alphanumeric) {
        Ok(v.to_lowercase())
    } else {
        Err("must be alphanumeric".into())
    }
}

fn age_in_years(v: &Value) -> Result<Value, &'static str> {
    match v.as_str() {
        Some("old") => Err("give a number"),
        Some(s) if s.ends_with(" years") => Ok(Value::from(&s[..s.len() - " years".len()])),
        _ => Ok(v.clone()),
    }
}

fn adult(v: i64) -> Result<i64, AssertionFailed> {
    if v >= 18 {
        Ok(v)
    } else {
        Err(AssertionFailed::new("must be an adult"))
    }
}

fn passwords_match(s: Signup) -> Result<Signup, String> {
    if s.password == s.password2 {
        Ok(s)
    } else {
        Err("passwords do not match".into())
    }
}

#[derive(Model, Debug)]
#[model(validate = passwords_match)]
struct Signup {
    #[field(min_length = 2, validate = username_alphanumeric)]
    username: String,
    #[field(validate_before = age_in_years, validate = adult)]
    age: i64,
    password: String,
    password2: String,
}

#[post("/signup/")]
async fn signup(user: Signup) -> Value {
    json!({ "username": user.username, "age": user.age })
}

fn from_pair(data: &Value) -> Result<Value, String> {
    match data.as_array() {
        Some(pair) if pair.len() == 2 => Ok(json!({ "x": pair[0], "y": pair[1] })),
        Some(_) => Err("a point is two numbers".into()),
        None => Ok(data.clone()),
    }
}

#[derive(Model, Serialize, Debug)]
#[model(validate_before = from_pair)]
struct Point {
    x: i64,
    y: i64,
}

#[derive(Model, Serialize, Debug)]
struct Shape {
    name: String,
    points: Vec<Point>,
}

#[post("/shapes/")]
async fn shapes(shape: Shape) -> Value {
    json!(shape)
}

fn english() -> String {
    "en".into()
}

#[derive(Model, Serialize, Debug)]
struct Address {
    city: String,
    #[serde(default)]
    zip: Option<String>,
}

#[derive(Model, Serialize, Debug)]
#[serde(rename_all = "camelCase")]
struct Profile {
    #[serde(alias = "name", alias = "fullname")]
    full_name: String,
    #[serde(rename = "e-mail")]
    email: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default = "english")]
    language: String,
    #[serde(skip)]
    internal_id: u64,
    #[serde(skip_serializing)]
    secret: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    nickname: Option<String>,
    #[serde(flatten)]
    address: Address,
}

#[post("/profiles/")]
async fn profiles(p: Profile) -> Value {
    assert_eq!(p.internal_id, 0);
    let _ = &p.secret;
    json!(p)
}

#[derive(Model, Serialize, Debug)]
#[serde(deny_unknown_fields)]
struct Strict {
    #[serde(alias = "n")]
    name: String,
    #[serde(default)]
    count: i64,
    #[serde(skip)]
    cache: Vec<String>,
}

#[post("/strict/")]
async fn strict(s: Strict) -> Value {
    assert!(s.cache.is_empty());
    json!({ "name": s.name, "count": s.count })
}

#[derive(Model, Serialize, Debug)]
#[serde(default)]
struct Settings {
    page: i64,
    size: i64,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { page: 1, size: 50 }
    }
}

#[post("/settings/")]
async fn settings(s: Settings) -> Value {
    json!(s)
}

#[derive(Model, Serialize, Debug)]
#[model(extra = "allow")]
struct Open {
    name: String,
    #[serde(flatten)]
    extra: serde_json::Map<String, Value>,
}

#[post("/open/")]
async fn open_model(o: Open) -> Value {
    json!(o)
}

#[derive(Model, Serialize, Debug)]
struct Counts {
    name: String,
    #[serde(flatten)]
    counts: IndexMap<String, i64>,
}

#[post("/counts/")]
async fn counts(c: Counts) -> Value {
    json!(c)
}

fn trimmed(v: &Value) -> Result<Value, String> {
    Ok(match v.as_str() {
        Some(s) => Value::from(s.trim()),
        None => v.clone(),
    })
}

fn not_admin(q: String) -> Result<String, String> {
    if q == "admin" {
        Err(format!("{q} is reserved"))
    } else {
        Ok(q)
    }
}

#[derive(Model, Serialize, Debug)]
struct Paging {
    #[serde(default)]
    page: i64,
    #[field(default = 10, le = 100)]
    size: i64,
}

#[derive(Model, Serialize, Debug)]
struct Search {
    #[field(validate_before = trimmed, validate = not_admin)]
    q: String,
    #[serde(flatten)]
    paging: Paging,
    #[serde(default)]
    tags: Vec<String>,
}

#[get("/search/")]
async fn search(#[query] params: Search) -> Value {
    json!(params)
}

fn strip(v: &Value) -> Result<Value, String> {
    match v.as_str() {
        Some("") => Err("empty".into()),
        Some(s) => Ok(Value::from(s.trim())),
        None => Ok(v.clone()),
    }
}

fn upper(v: &Value) -> Result<Value, String> {
    match v.as_str() {
        Some("no") => Err("no is refused".into()),
        Some(s) => Ok(Value::from(s.to_uppercase())),
        None => Ok(v.clone()),
    }
}

fn prefixed(v: String) -> Result<String, String> {
    if v.starts_with('X') {
        Ok(format!("{v}-1"))
    } else {
        Err("must start with X".into())
    }
}

fn short(v: String) -> Result<String, String> {
    if v.chars().count() > 5 {
        Err(format!("{v} is too long"))
    } else {
        Ok(v)
    }
}

#[derive(Model, Serialize, Debug)]
struct Code {
    // pydantic runs "before" validators last-defined first: `upper` is defined before `strip`.
    #[field(
        validate_before = strip,
        validate_before = upper,
        validate = prefixed,
        validate = short
    )]
    code: String,
}

#[post("/codes/")]
async fn codes(c: Code) -> Value {
    json!(c)
}

fn app() -> App {
    App::new()
        .route(signup)
        .route(shapes)
        .route(profiles)
        .route(strict)
        .route(settings)
        .route(open_model)
        .route(counts)
        .route(search)
        .route(codes)
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for body in [
        // Pass, and transform (lower case; " years" removed before the integer is read).
        r#"{"username": "Alice", "age": "30 years", "password": "a", "password2": "a"}"#,
        r#"{"username": "bob", "age": 18, "password": "a", "password2": "a"}"#,
        // A field validator fails: value_error, then assertion_error.
        r#"{"username": "al ice", "age": 30, "password": "a", "password2": "a"}"#,
        r#"{"username": "alice", "age": "17 years", "password": "a", "password2": "a"}"#,
        // The before validator fails; the type fails after the before validator.
        r#"{"username": "alice", "age": "old", "password": "a", "password2": "a"}"#,
        r#"{"username": "alice", "age": "x years", "password": "a", "password2": "a"}"#,
        // A constraint fails: the after validator does not run.
        r#"{"username": "!", "age": 30, "password": "a", "password2": "a"}"#,
        // Several failures at once; the model validator waits for its fields.
        r#"{"username": "a b", "age": "old", "password": "a", "password2": "b"}"#,
        r#"{"username": "a b", "age": 5, "password2": "b"}"#,
        // The model validator fails.
        r#"{"username": "alice", "age": 30, "password": "a", "password2": "b"}"#,
        r#"[]"#,
    ] {
        cases.push(post("/signup/").json(body));
    }
    for body in [
        r#"{"name": "tri", "points": [[0, 0], {"x": 1, "y": 2}, [3, "4"]]}"#,
        r#"{"name": "bad", "points": [[0], {"x": 1}, "p", [1, "y"]]}"#,
        r#"{"name": "none", "points": [[1, 2, 3]]}"#,
    ] {
        cases.push(post("/shapes/").json(body));
    }
    for body in [
        r#"{"fullName": "Ada", "e-mail": "a@x", "city": "Paris"}"#,
        r#"{"name": "Ada", "e-mail": "a@x", "city": "Paris", "tags": ["x"], "language": "fr", "nickname": "ad", "zip": "75001", "secret": "s", "internalId": 5}"#,
        r#"{"fullname": "Ada", "name": "Bob", "e-mail": "a@x", "city": "Paris"}"#,
        r#"{"full_name": "Ada", "email": "a@x"}"#,
        r#"{"name": 1, "e-mail": null, "tags": [1], "city": 2, "zip": 3}"#,
        r#"{}"#,
    ] {
        cases.push(post("/profiles/").json(body));
    }
    for body in [
        r#"{"name": "a"}"#,
        r#"{"n": "a", "count": 2}"#,
        r#"{"n": "a", "name": "b"}"#,
        r#"{"cache": [], "count": "x"}"#,
    ] {
        cases.push(post("/strict/").json(body));
    }
    for body in [r#"{}"#, r#"{"size": 10}"#, r#"{"page": "x"}"#] {
        cases.push(post("/settings/").json(body));
    }
    for body in [
        r#"{"z": 1, "name": "n", "y": [1, {"a": null}]}"#,
        r#"{"name": "n"}"#,
        r#"{"z": 1}"#,
    ] {
        cases.push(post("/open/").json(body));
    }
    for body in [
        r#"{"z": "4", "name": "n", "a": 1}"#,
        r#"{"z": "x", "name": 3, "y": 2.5, "w": null}"#,
    ] {
        cases.push(post("/counts/").json(body));
    }
    for body in [
        r#"{"code": " xa "}"#,
        r#"{"code": " no "}"#,
        r#"{"code": ""}"#,
        r#"{"code": "ab"}"#,
        r#"{"code": " xab"}"#,
        r#"{"code": " xabc"}"#,
        r#"{"code": 5}"#,
    ] {
        cases.push(post("/codes/").json(body));
    }
    for query in [
        "",
        "?q=%20x%20&page=2&tags=a&tags=b",
        "?q=admin&size=500",
        "?q=%20admin&page=x&other=1",
    ] {
        cases.push(get(&format!("/search/{query}")));
    }
    cases
}

#[test]
fn validators_and_serde_attributes_answer_as_fastapi() {
    assert_same("shapes_validators", app(), cases());
}

#[test]
fn validators_and_serde_attributes_are_documented_as_fastapi_does() {
    assert_same_openapi("shapes_validators", app().openapi());
}
