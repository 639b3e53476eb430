//! Unions: `#[derive(Model)]` on enums (discriminated and smart-mode), against answers recorded
//! from pydantic 2.13.

use ferrapi::validation::{SchemaGenerator, Validate, Validator};
use ferrapi::Model;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug, PartialEq)]
struct Cat {
    meows: i64,
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
enum Pet {
    Cat(Cat),
    Dog { name: String },
    Bird,
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum IntOrStr {
    Int(i64),
    Str(String),
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum FloatOrInt {
    Float(f64),
    Int(i64),
}

fn check<T: Validate + std::fmt::Debug>(input: Value) -> Result<T, Value> {
    let mut v = Validator::new();
    match T::validate(&input, &mut v) {
        Some(x) if !v.has_errors() => Ok(x),
        _ => Err(serde_json::to_value(v.into_errors()).unwrap()),
    }
}

#[test]
fn discriminated_valid() {
    assert_eq!(
        check::<Pet>(json!({"kind": "cat", "meows": 3})).unwrap(),
        Pet::Cat(Cat { meows: 3 })
    );
    assert_eq!(
        check::<Pet>(json!({"kind": "dog", "name": "rex"})).unwrap(),
        Pet::Dog { name: "rex".into() }
    );
    assert_eq!(check::<Pet>(json!({"kind": "bird"})).unwrap(), Pet::Bird);
    assert_eq!(
        serde_json::to_value(Pet::Cat(Cat { meows: 3 })).unwrap(),
        json!({"kind": "cat", "meows": 3})
    );
}

#[test]
fn discriminated_errors() {
    assert_eq!(
        check::<Pet>(json!({"kind": "fish"})).unwrap_err(),
        json!([{"type": "union_tag_invalid", "loc": [], "msg": "Input tag 'fish' found using 'kind' does not match any of the expected tags: 'cat', 'dog', 'bird'", "input": {"kind": "fish"}, "ctx": {"discriminator": "'kind'", "tag": "fish", "expected_tags": "'cat', 'dog', 'bird'"}}])
    );
    assert_eq!(
        check::<Pet>(json!({"kind": ["a"]})).unwrap_err()[0]["ctx"]["tag"],
        json!("['a']")
    );
    assert_eq!(
        check::<Pet>(json!({"kind": null})).unwrap_err()[0]["ctx"]["tag"],
        json!("None")
    );
    assert_eq!(
        check::<Pet>(json!({})).unwrap_err(),
        json!([{"type": "union_tag_not_found", "loc": [], "msg": "Unable to extract tag using discriminator 'kind'", "input": {}, "ctx": {"discriminator": "'kind'"}}])
    );
    assert_eq!(
        check::<Pet>(json!(5)).unwrap_err(),
        json!([{"type": "model_attributes_type", "loc": [], "msg": "Input should be a valid dictionary or object to extract fields from", "input": 5}])
    );
    assert_eq!(
        check::<Pet>(json!({"kind": "cat", "meows": "x"})).unwrap_err(),
        json!([{"type": "int_parsing", "loc": ["cat", "meows"], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "x"}])
    );
    assert_eq!(
        check::<Pet>(json!({"kind": "dog"})).unwrap_err(),
        json!([{"type": "missing", "loc": ["dog", "name"], "msg": "Field required", "input": {"kind": "dog"}}])
    );
}

#[test]
fn smart_mode() {
    assert_eq!(check::<IntOrStr>(json!(5)).unwrap(), IntOrStr::Int(5));
    assert_eq!(
        check::<IntOrStr>(json!("5")).unwrap(),
        IntOrStr::Str("5".into())
    );
    assert_eq!(check::<IntOrStr>(json!(5.0)).unwrap(), IntOrStr::Int(5));
    assert_eq!(check::<IntOrStr>(json!(true)).unwrap(), IntOrStr::Int(1));
    assert_eq!(check::<FloatOrInt>(json!(5)).unwrap(), FloatOrInt::Int(5));
    assert_eq!(
        check::<FloatOrInt>(json!(5.0)).unwrap(),
        FloatOrInt::Float(5.0)
    );
    assert_eq!(
        check::<FloatOrInt>(json!("5")).unwrap(),
        FloatOrInt::Float(5.0)
    );
    assert_eq!(
        check::<IntOrStr>(json!(5.5)).unwrap_err(),
        json!([
            {"type": "int_from_float", "loc": ["int"], "msg": "Input should be a valid integer, got a number with a fractional part", "input": 5.5},
            {"type": "string_type", "loc": ["str"], "msg": "Input should be a valid string", "input": 5.5}
        ])
    );
    assert_eq!(check::<Option<IntOrStr>>(json!(null)).unwrap(), None);
}

#[test]
fn schemas() {
    let mut g = SchemaGenerator::new();
    assert_eq!(
        <Option<IntOrStr>>::json_schema(&mut g),
        json!({"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]})
    );
    assert_eq!(
        Pet::json_schema(&mut g),
        json!({"oneOf": [
            {"$ref": "#/components/schemas/Cat"},
            {"$ref": "#/components/schemas/Dog"},
            {"$ref": "#/components/schemas/Bird"}
        ], "discriminator": {"propertyName": "kind", "mapping": {
            "cat": "#/components/schemas/Cat",
            "dog": "#/components/schemas/Dog",
            "bird": "#/components/schemas/Bird"
        }}})
    );
    let components = g.into_components();
    assert_eq!(
        components["Cat"],
        json!({"properties": {
            "kind": {"type": "string", "const": "cat", "title": "Kind"},
            "meows": {"type": "integer", "title": "Meows"}
        }, "type": "object", "required": ["kind", "meows"], "title": "Cat"})
    );
    assert_eq!(
        components["Bird"],
        json!({"properties": {
            "kind": {"type": "string", "const": "bird", "title": "Kind"}
        }, "type": "object", "required": ["kind"], "title": "Bird"})
    );
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(
    tag = "type",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
enum Event {
    PageView {
        page_url: String,
    },
    #[serde(rename = "click")]
    ButtonClick {
        #[serde(rename = "id")]
        button_id: i64,
    },
}

#[test]
fn renamed_tags_and_fields() {
    let page = json!({"type": "page_view", "pageUrl": "/"});
    assert_eq!(
        check::<Event>(page.clone()).unwrap(),
        Event::PageView {
            page_url: "/".into()
        }
    );
    assert_eq!(
        serde_json::to_value(Event::PageView {
            page_url: "/".into()
        })
        .unwrap(),
        page
    );
    let click = json!({"type": "click", "id": 3});
    assert_eq!(
        check::<Event>(click.clone()).unwrap(),
        Event::ButtonClick { button_id: 3 }
    );
    assert_eq!(
        serde_json::to_value(Event::ButtonClick { button_id: 3 }).unwrap(),
        click
    );
    assert_eq!(
        check::<Event>(json!({"type": "ButtonClick"})).unwrap_err()[0]["ctx"]["expected_tags"],
        json!("'page_view', 'click'")
    );
    assert_eq!(
        check::<Event>(json!({"type": "page_view", "page_url": "/"})).unwrap_err(),
        json!([{"type": "missing", "loc": ["page_view", "pageUrl"], "msg": "Field required", "input": {"type": "page_view", "page_url": "/"}}])
    );
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum Search {
    Ids(Vec<i64>),
    ByName { name: String },
    Flag(Option<bool>),
}

#[test]
fn smart_mode_labels_and_text() {
    assert_eq!(
        check::<Search>(json!({"x": 1})).unwrap_err(),
        json!([
            {"type": "list_type", "loc": ["list[int]"], "msg": "Input should be a valid list", "input": {"x": 1}},
            {"type": "missing", "loc": ["ByName", "name"], "msg": "Field required", "input": {"x": 1}},
            {"type": "bool_type", "loc": ["bool"], "msg": "Input should be a valid boolean", "input": {"x": 1}}
        ])
    );
    assert_eq!(check::<Search>(json!(null)).unwrap(), Search::Flag(None));
    let mut v = Validator::new();
    assert_eq!(
        IntOrStr::validate_str("5", &mut v),
        Some(IntOrStr::Str("5".into()))
    );
    assert_eq!(
        FloatOrInt::validate_str("5", &mut v),
        Some(FloatOrInt::Float(5.0))
    );
    assert!(!v.has_errors());
    let mut g = SchemaGenerator::new();
    assert_eq!(
        Search::json_schema(&mut g),
        json!({"anyOf": [
            {"type": "array", "items": {"type": "integer"}},
            {"$ref": "#/components/schemas/ByName"},
            {"type": "boolean"},
            {"type": "null"}
        ]})
    );
}

#[derive(ferrapi::Enum, Serialize, Debug, PartialEq, Clone, Copy)]
#[serde(rename_all = "lowercase")]
enum Color {
    Red,
}

#[derive(ferrapi::Enum, Serialize, Debug, PartialEq, Clone, Copy)]
#[enum_kind(literal)]
#[serde(rename_all = "lowercase")]
enum Ab {
    A,
    B,
}

#[derive(ferrapi::Enum, Debug, PartialEq, Clone, Copy)]
enum Level {
    Low = 1,
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum Choice {
    Ab(Ab),
    Level(Level),
    Color(Color),
}

#[test]
fn enum_members_are_named_as_pydantic_names_them() {
    let locs: Vec<Value> = check::<Choice>(json!(null))
        .unwrap_err()
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["loc"].clone())
        .collect();
    assert_eq!(
        locs,
        [
            json!(["literal['a','b']"]),
            json!(["int-enum[Level]"]),
            json!(["str-enum[Color]"])
        ]
    );
    assert_eq!(
        check::<Choice>(json!("red")).unwrap(),
        Choice::Color(Color::Red)
    );
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum PetOrInt {
    Pet(Pet),
    Int(i64),
}

#[derive(Model, Serialize, Debug, PartialEq)]
#[serde(untagged)]
enum Nested {
    Inner(IntOrStr),
    List(Vec<i64>),
    Float(f64),
}

#[test]
fn nested_unions_as_pydantic_reports_them() {
    // A discriminated union inside a smart one is `tagged-union[…]`.
    assert_eq!(
        check::<PetOrInt>(json!({"kind": "z"})).unwrap_err(),
        json!([
            {"type": "union_tag_invalid", "loc": ["tagged-union[Cat,Dog,Bird]"], "msg": "Input tag 'z' found using 'kind' does not match any of the expected tags: 'cat', 'dog', 'bird'", "input": {"kind": "z"}, "ctx": {"discriminator": "'kind'", "tag": "z", "expected_tags": "'cat', 'dog', 'bird'"}},
            {"type": "int_type", "loc": ["int"], "msg": "Input should be a valid integer", "input": {"kind": "z"}}
        ])
    );
    // A smart union inside a smart one is flattened into it.
    assert_eq!(
        check::<Nested>(json!(null)).unwrap_err(),
        json!([
            {"type": "int_type", "loc": ["int"], "msg": "Input should be a valid integer", "input": null},
            {"type": "string_type", "loc": ["str"], "msg": "Input should be a valid string", "input": null},
            {"type": "list_type", "loc": ["list[int]"], "msg": "Input should be a valid list", "input": null},
            {"type": "float_type", "loc": ["float"], "msg": "Input should be a valid number", "input": null}
        ])
    );
    assert_eq!(
        check::<Nested>(json!(5)).unwrap(),
        Nested::Inner(IntOrStr::Int(5))
    );
    assert_eq!(check::<Nested>(json!(5.5)).unwrap(), Nested::Float(5.5));
    assert_eq!(
        check::<Nested>(json!("5")).unwrap(),
        Nested::Inner(IntOrStr::Str("5".into()))
    );
    let mut g = SchemaGenerator::new();
    assert_eq!(
        Nested::json_schema(&mut g),
        json!({"anyOf": [
            {"type": "integer"}, {"type": "string"},
            {"type": "array", "items": {"type": "integer"}}, {"type": "number"}
        ]})
    );
}
