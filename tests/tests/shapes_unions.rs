//! Unions (issue 18, item 1): discriminated unions (`#[serde(tag = "kind")]`) and smart-mode
//! unions (`#[serde(untagged)]`), in bodies, model fields, query parameters and return types,
//! against FastAPI (`tests/reference/shapes_unions.py`): the same answers and the same document.

use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Cat {
    meows: i64,
}

#[derive(Model, Serialize, Debug)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog {
        name: String,
        #[field(default = true)]
        good: bool,
    },
    Bird,
}

#[derive(Model, Serialize, Debug)]
struct Owner {
    name: String,
    pet: Pet,
    #[field(default = None)]
    backup: Option<Pet>,
}

#[post("/pets/")]
async fn create_pet(pet: Pet) -> Value {
    json!(pet)
}

#[post("/owners/")]
async fn create_owner(owner: Owner) -> Owner {
    owner
}

#[get("/pets/{n}")]
async fn read_pet(n: i64) -> Pet {
    if n == 1 {
        Pet::Cat(Cat { meows: 3 })
    } else {
        Pet::Dog {
            name: "rex".into(),
            good: true,
        }
    }
}

#[derive(Model, Serialize, Debug)]
#[serde(untagged)]
enum IntOrStr {
    Int(i64),
    Str(String),
}

#[post("/values/")]
async fn values(#[body(embed)] value: IntOrStr, #[body(embed)] maybe: Option<IntOrStr>) -> Value {
    json!({ "value": value, "maybe": maybe })
}

#[derive(Model, Serialize, Debug)]
struct Point {
    x: i64,
    y: i64,
}

#[derive(Model, Serialize, Debug)]
struct Tag {
    name: String,
}

#[derive(Model, Serialize, Debug)]
#[serde(untagged)]
enum Shape {
    Point(Point),
    Tag(Tag),
    List(Vec<i64>),
    Circle { r: f64 },
}

#[post("/shapes/")]
async fn shapes(#[body(embed)] shape: Shape) -> Value {
    json!({ "shape": shape })
}

#[derive(Model, Serialize, Debug)]
#[serde(untagged)]
enum FloatOrInt {
    Float(f64),
    Int(i64),
}

#[post("/numbers/")]
async fn numbers(#[body(embed)] n: FloatOrInt) -> Value {
    json!({ "n": n })
}

#[derive(Model, Serialize, Debug)]
#[serde(untagged)]
enum IntOrBool {
    Int(i64),
    Bool(bool),
}

#[get("/search/")]
async fn search(q: IntOrStr, page: Option<IntOrBool>) -> Value {
    json!({ "q": q, "page": page })
}

#[derive(Model, Serialize, Debug)]
#[model(extra = "forbid")]
struct Fish {
    fins: i64,
}

#[derive(Model, Serialize, Debug)]
#[serde(tag = "kind")]
enum Animal {
    #[serde(rename = "salmon")]
    Fish(Fish),
    Worm {
        segments: Vec<i64>,
    },
}

#[post("/animals/", response_model = Vec<Animal>)]
async fn animals(animals: Vec<Animal>) -> Vec<Animal> {
    animals
}

fn app() -> App {
    App::new()
        .route(create_pet)
        .route(create_owner)
        .route(read_pet)
        .route(values)
        .route(shapes)
        .route(numbers)
        .route(search)
        .route(animals)
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    // A discriminated union as the body, and as a model's fields.
    for body in [
        r#"{"kind": "cat", "meows": 3}"#,
        r#"{"kind": "dog", "name": "rex"}"#,
        r#"{"kind": "dog", "name": "rex", "good": "no"}"#,
        r#"{"kind": "bird", "extra": 1}"#,
        r#"{"kind": "fish"}"#,
        r#"{"kind": 5}"#,
        r#"{"kind": null}"#,
        r#"{"kind": ["cat"]}"#,
        r#"{"kind": "Cat"}"#,
        r#"{}"#,
        r#"5"#,
        r#""cat""#,
        r#"[{"kind": "cat"}]"#,
        r#"null"#,
        r#"{"kind": "cat", "meows": "x"}"#,
        r#"{"kind": "cat"}"#,
        r#"{"kind": "dog", "name": 5, "good": 3}"#,
    ] {
        cases.push(post("/pets/").json(body));
    }
    for body in [
        r#"{"name": "a", "pet": {"kind": "cat", "meows": 1}}"#,
        r#"{"name": "a", "pet": {"kind": "dog", "name": "d"}, "backup": {"kind": "bird"}}"#,
        r#"{"name": "a", "pet": {"kind": "bird"}, "backup": null}"#,
        r#"{"name": "a", "pet": 5}"#,
        r#"{"name": "a", "pet": {}}"#,
        r#"{"name": "a", "pet": {"kind": "cat"}, "backup": {"kind": "x"}}"#,
        r#"{"pet": {"kind": "dog"}, "backup": []}"#,
    ] {
        cases.push(post("/owners/").json(body));
    }
    cases.push(get("/pets/1"));
    cases.push(get("/pets/2"));
    // Smart-mode unions of scalars: an exact match wins, else the first lax one.
    for body in [
        r#"{"value": 5}"#,
        r#"{"value": "5"}"#,
        r#"{"value": 5.0}"#,
        r#"{"value": true}"#,
        r#"{"value": 5.5}"#,
        r#"{"value": null}"#,
        r#"{"value": [1]}"#,
        r#"{"value": {"a": 1}}"#,
        r#"{"value": 1, "maybe": null}"#,
        r#"{"value": 1, "maybe": "x"}"#,
        r#"{"value": 1, "maybe": 2.5}"#,
        r#"{}"#,
    ] {
        cases.push(post("/values/").json(body));
    }
    for body in [
        r#"{"n": 5}"#,
        r#"{"n": 5.0}"#,
        r#"{"n": "5"}"#,
        r#"{"n": "5.5"}"#,
        r#"{"n": true}"#,
        r#"{"n": "x"}"#,
    ] {
        cases.push(post("/numbers/").json(body));
    }
    // Smart-mode unions of models and lists: errors at each member's name.
    for body in [
        r#"{"shape": {"x": 1, "y": 2}}"#,
        r#"{"shape": {"name": "a"}}"#,
        r#"{"shape": [1, 2]}"#,
        r#"{"shape": {"x": 1}}"#,
        r#"{"shape": [1, "a"]}"#,
        r#"{"shape": "a"}"#,
        r#"{"shape": 3}"#,
        r#"{"shape": {"r": 1}}"#,
        r#"{"shape": {"r": "x"}}"#,
        r#"{"shape": {"x": 1, "y": 2, "r": 3}}"#,
        r#"{"shape": {}}"#,
    ] {
        cases.push(post("/shapes/").json(body));
    }
    // A list of a discriminated union; a member model that forbids extra keys accepts the tag.
    for body in [
        r#"[{"kind": "salmon", "fins": 2}, {"kind": "Worm", "segments": [1, "2"]}]"#,
        r#"[{"kind": "salmon", "fins": 2, "scales": 1}, {"kind": "Fish"}, {"kind": "Worm", "segments": ["x"]}]"#,
        r#"[{"kind": "salmon"}, 3, {}]"#,
        r#"[]"#,
        r#"{"kind": "salmon", "fins": 2}"#,
    ] {
        cases.push(post("/animals/").json(body));
    }
    // A union as a query parameter: the text is a string, exactly.
    for query in [
        "q=5",
        "q=abc",
        "q=5&page=2",
        "q=5&page=true",
        "q=5&page=x",
        "",
    ] {
        cases.push(get(&format!("/search/?{query}")));
    }
    cases
}

#[test]
fn unions_answer_as_fastapi() {
    assert_same("shapes_unions", app(), cases());
}

#[test]
fn unions_are_documented_as_fastapi_does() {
    assert_same_openapi("shapes_unions", app().openapi());
}
