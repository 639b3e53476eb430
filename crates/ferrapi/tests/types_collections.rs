//! Sets, tuples, arrays, bytes, `NonZero*`, string and pointer wrappers, and item
//! constraints, against what pydantic 2.13 answers for the same annotations (recorded with
//! `TypeAdapter(…).validate_python`, `e.errors(include_url=False)`).

use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};
use std::num::{NonZeroI32, NonZeroU128, NonZeroU8};
use std::rc::Rc;
use std::sync::Arc;

use ferrapi::types::ByteString;
use ferrapi::validation::{ConstraintKind, Constraints, SchemaGenerator, Validate, Validator};
use indexmap::IndexSet;
use serde_json::{json, Value};

/// Validates `input` as `T` with `c`, returning the value or the errors as JSON.
fn check<T: Validate>(c: &Constraints, input: Value) -> Result<T, Value> {
    let mut v = Validator::new();
    match c.validate::<T>(&input, &mut v) {
        Some(t) if !v.has_errors() => Ok(t),
        _ => Err(serde_json::to_value(v.into_errors()).unwrap()),
    }
}

fn errors<T: Validate + std::fmt::Debug>(c: &Constraints, input: Value) -> Value {
    check::<T>(c, input).expect_err("should fail")
}

fn many<T: Validate>(c: &Constraints, inputs: &[&str]) -> Result<T, Value> {
    let mut v = Validator::new();
    let out = v.at("query", |v| v.at("v", |v| c.validate_many::<T>(inputs, v)));
    match out {
        Some(t) if !v.has_errors() => Ok(t),
        _ => Err(serde_json::to_value(v.into_errors()).unwrap()),
    }
}

fn schema<T: Validate>() -> Value {
    T::json_schema(&mut SchemaGenerator::new())
}

fn none() -> Constraints {
    Constraints::new()
}

#[test]
fn sets_collapse_duplicates_and_report_items_at_their_index() {
    let set: BTreeSet<i64> = check(&none(), json!([3, 1, "1", 3])).unwrap();
    assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 3]);
    let set: IndexSet<i64> = check(&none(), json!([3, 1, 3])).unwrap();
    assert_eq!(serde_json::to_string(&set).unwrap(), "[3,1]");
    let set: HashSet<String> = check(&none(), json!(["a", "a"])).unwrap();
    assert_eq!(set.len(), 1);
    assert_eq!(
        errors::<BTreeSet<i64>>(&none(), json!([1, "a"])),
        json!([{"type": "int_parsing", "loc": [1], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"}])
    );
    for bad in [json!("x"), json!({"a": 1}), json!(null), json!(5)] {
        assert_eq!(
            errors::<BTreeSet<i64>>(&none(), bad.clone()),
            json!([{"type": "set_type", "loc": [], "msg": "Input should be a valid set", "input": bad}])
        );
    }
}

#[test]
fn set_lengths_are_checked_as_pydantic_core_does() {
    let c = Constraints::new().min_length(2).max_length(3);
    assert_eq!(
        errors::<BTreeSet<i64>>(&c, json!([1, 1])),
        json!([{"type": "too_short", "loc": [], "msg": "Set should have at least 2 items after validation, not 1", "input": [1, 1], "ctx": {"field_type": "Set", "min_length": 2, "actual_length": 1}}])
    );
    assert_eq!(
        errors::<BTreeSet<i64>>(&c, json!([1, "a", 3, 4, 5])),
        json!([{"type": "too_long", "loc": [], "msg": "Set should have at most 3 items after validation, not more", "input": [1, "a", 3, 4, 5], "ctx": {"field_type": "Set", "max_length": 3, "actual_length": null}}])
    );
    assert_eq!(
        errors::<BTreeSet<i64>>(&c, json!([1, 1, "a"])),
        json!([{"type": "int_parsing", "loc": [2], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"}])
    );
    let ok: BTreeSet<i64> = check(&c, json!([1, 2, 3, 3])).unwrap();
    assert_eq!(ok.len(), 3);
    assert_eq!(<HashSet<u8>>::KIND, ConstraintKind::List);
}

#[test]
fn sets_from_repeated_parameters() {
    let set: BTreeSet<u32> = many(&none(), &["2", "1", "2"]).unwrap();
    assert_eq!(set.into_iter().collect::<Vec<_>>(), [1, 2]);
    assert_eq!(
        many::<BTreeSet<u32>>(&none(), &["1", "a"]).unwrap_err(),
        json!([{"type": "int_parsing", "loc": ["query", "v", 1], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"}])
    );
    assert_eq!(
        many::<BTreeSet<u32>>(&Constraints::new().max_length(1), &["1", "2"]).unwrap_err(),
        json!([{"type": "too_long", "loc": ["query", "v"], "msg": "Set should have at most 1 item after validation, not more", "input": ["1", "2"], "ctx": {"field_type": "Set", "max_length": 1, "actual_length": null}}])
    );
    let mut v = Validator::new();
    assert!(<BTreeSet<u32>>::validate_str("1", &mut v).is_none());
    assert_eq!(v.into_errors()[0].kind, "set_type");
    const { assert!(<BTreeSet<u32>>::IS_LIST) };
}

#[test]
fn set_schema_has_unique_items() {
    assert_eq!(
        schema::<HashSet<i32>>(),
        json!({"type": "array", "items": {"type": "integer"}, "uniqueItems": true})
    );
    assert_eq!(schema::<BTreeSet<String>>(), schema::<IndexSet<String>>());
}

#[test]
fn tuples_validate_each_position() {
    let t: (i64, String) = check(&none(), json!([1, "a"])).unwrap();
    assert_eq!(t, (1, "a".to_string()));
    assert_eq!(
        errors::<(i64, String)>(&none(), json!(["a", 1])),
        json!([
            {"type": "int_parsing", "loc": [0], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"},
            {"type": "string_type", "loc": [1], "msg": "Input should be a valid string", "input": 1}
        ])
    );
    assert_eq!(
        errors::<(i64, String)>(&none(), json!(["a"])),
        json!([
            {"type": "int_parsing", "loc": [0], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"},
            {"type": "missing", "loc": [1], "msg": "Field required", "input": ["a"]}
        ])
    );
    assert_eq!(
        errors::<(i64, String)>(&none(), json!(["a", 1, 3])),
        json!([{"type": "too_long", "loc": [], "msg": "Tuple should have at most 2 items after validation, not 3", "input": ["a", 1, 3], "ctx": {"field_type": "Tuple", "max_length": 2, "actual_length": 3}}])
    );
    assert_eq!(
        errors::<(i64,)>(&none(), json!([1, 2])),
        json!([{"type": "too_long", "loc": [], "msg": "Tuple should have at most 1 item after validation, not 2", "input": [1, 2], "ctx": {"field_type": "Tuple", "max_length": 1, "actual_length": 2}}])
    );
    assert_eq!(
        errors::<(i64, String)>(&none(), json!("x")),
        json!([{"type": "tuple_type", "loc": [], "msg": "Input should be a valid tuple", "input": "x"}])
    );
    let twelve: (u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8, u8) =
        check(&none(), json!([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])).unwrap();
    assert_eq!(twelve.11, 12);
}

#[test]
fn arrays_are_fixed_length_tuples() {
    let a: [u8; 3] = check(&none(), json!([1, 2, "3"])).unwrap();
    assert_eq!(a, [1, 2, 3]);
    assert_eq!(
        errors::<[i64; 3]>(&none(), json!([1])),
        json!([
            {"type": "missing", "loc": [1], "msg": "Field required", "input": [1]},
            {"type": "missing", "loc": [2], "msg": "Field required", "input": [1]}
        ])
    );
    assert_eq!(
        errors::<[i64; 3]>(&none(), json!([1, 2, 3, 4, 5])),
        json!([{"type": "too_long", "loc": [], "msg": "Tuple should have at most 3 items after validation, not 5", "input": [1, 2, 3, 4, 5], "ctx": {"field_type": "Tuple", "max_length": 3, "actual_length": 5}}])
    );
    assert_eq!(
        schema::<[i64; 2]>(),
        json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "integer"}], "minItems": 2, "maxItems": 2})
    );
    assert_eq!(
        schema::<[i64; 0]>(),
        json!({"type": "array", "minItems": 0, "maxItems": 0})
    );
}

#[test]
fn tuples_from_repeated_parameters() {
    let t: (i64, String) = many(&none(), &["1", "a"]).unwrap();
    assert_eq!(t, (1, "a".to_string()));
    assert_eq!(
        many::<(i64, String)>(&none(), &["1"]).unwrap_err(),
        json!([{"type": "missing", "loc": ["query", "v", 1], "msg": "Field required", "input": ["1"]}])
    );
    assert_eq!(
        many::<(i64, String)>(&none(), &["a", "b", "c"]).unwrap_err(),
        json!([{"type": "too_long", "loc": ["query", "v"], "msg": "Tuple should have at most 2 items after validation, not 3", "input": ["a", "b", "c"], "ctx": {"field_type": "Tuple", "max_length": 2, "actual_length": 3}}])
    );
    let a: [u16; 2] = many(&none(), &["1", "2"]).unwrap();
    assert_eq!(a, [1, 2]);
    assert_eq!(
        schema::<(i64, String)>(),
        json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string"}], "minItems": 2, "maxItems": 2})
    );
}

#[test]
fn bytes_are_utf8_text() {
    let b: ByteString = check(&none(), json!("é")).unwrap();
    assert_eq!(b.as_bytes(), "é".as_bytes());
    assert_eq!(serde_json::to_string(&b).unwrap(), r#""é""#);
    let b: bytes::Bytes = check(&none(), json!("abc")).unwrap();
    assert_eq!(&b[..], b"abc");
    for bad in [json!(5), json!(null), json!([1]), json!(true)] {
        assert_eq!(
            errors::<ByteString>(&none(), bad.clone()),
            json!([{"type": "bytes_type", "loc": [], "msg": "Input should be a valid bytes", "input": bad}])
        );
    }
    let c = Constraints::new().min_length(2).max_length(3);
    assert_eq!(
        errors::<ByteString>(&c, json!("a")),
        json!([{"type": "bytes_too_short", "loc": [], "msg": "Data should have at least 2 bytes", "input": "a", "ctx": {"min_length": 2}}])
    );
    assert_eq!(
        errors::<ByteString>(&c, json!("éé")),
        json!([{"type": "bytes_too_long", "loc": [], "msg": "Data should have at most 3 bytes", "input": "éé", "ctx": {"max_length": 3}}])
    );
    let mut v = Validator::new();
    assert!(c.validate_str::<ByteString>("ab", &mut v).is_some());
    assert!(c.applies_to::<ByteString>().is_ok());
    assert!(Constraints::new()
        .pattern("a")
        .applies_to::<ByteString>()
        .is_err());
    assert_eq!(
        schema::<ByteString>(),
        json!({"type": "string", "contentMediaType": "application/octet-stream"})
    );
    let back: ByteString = serde_json::from_str(r#""é""#).unwrap();
    assert_eq!(back, ByteString::from("é"));
    let invalid = ByteString::new(vec![0xff, 0]);
    assert_eq!(
        serde_json::to_string(&invalid).unwrap_err().to_string(),
        "invalid utf-8 sequence of 1 bytes from index 0"
    );
}

#[test]
fn non_zero_integers() {
    let n: NonZeroU8 = check(&none(), json!("7")).unwrap();
    assert_eq!(n.get(), 7);
    for zero in [json!(0), json!("-3")] {
        assert_eq!(
            errors::<NonZeroU8>(&none(), zero.clone()),
            json!([{"type": "greater_than_equal", "loc": [], "msg": "Input should be greater than or equal to 1", "input": zero, "ctx": {"ge": 1}}])
        );
    }
    assert_eq!(
        errors::<NonZeroU8>(&none(), json!(256)),
        json!([{"type": "less_than_equal", "loc": [], "msg": "Input should be less than or equal to 255", "input": 256, "ctx": {"le": 255}}])
    );
    assert_eq!(
        errors::<NonZeroI32>(&none(), json!(0)),
        json!([{"type": "value_error", "loc": [], "msg": "Value error, Input should not be zero", "input": 0, "ctx": {"error": {}}}])
    );
    let n: NonZeroI32 = check(&none(), json!(-4)).unwrap();
    assert_eq!(n.get(), -4);
    assert_eq!(
        errors::<NonZeroI32>(&Constraints::new().le(5), json!(9)),
        json!([{"type": "less_than_equal", "loc": [], "msg": "Input should be less than or equal to 5", "input": 9, "ctx": {"le": 5}}])
    );
    let big: NonZeroU128 = check(&none(), json!(u64::MAX)).unwrap();
    assert_eq!(big.get(), u128::from(u64::MAX));
    assert_eq!(schema::<NonZeroU8>(), json!({"type": "integer"}));
    assert_eq!(<NonZeroI32>::KIND, ConstraintKind::Int);
}

#[test]
fn wrappers_are_the_type_they_hold() {
    let s: Box<str> = check(&Constraints::new().max_length(3), json!("abc")).unwrap();
    assert_eq!(&*s, "abc");
    let s: Cow<'static, str> = check(&none(), json!("x")).unwrap();
    assert_eq!(s, "x");
    let s: Arc<str> = check(&none(), json!("y")).unwrap();
    assert_eq!(&*s, "y");
    let s: Rc<str> = check(&none(), json!("z")).unwrap();
    assert_eq!(&*s, "z");
    assert_eq!(
        errors::<Box<str>>(&Constraints::new().max_length(2), json!("abc"))[0]["type"],
        "string_too_long"
    );
    assert_eq!(
        errors::<Cow<'static, str>>(&none(), json!(1))[0]["type"],
        "string_type"
    );
    let n: Arc<u8> = check(&Constraints::new().gt(1), json!(2)).unwrap();
    assert_eq!(*n, 2);
    assert_eq!(
        errors::<Rc<u8>>(&Constraints::new().gt(1), json!(1))[0]["type"],
        "greater_than"
    );
    let list: Arc<Vec<u8>> = many(&none(), &["1", "2"]).unwrap();
    assert_eq!(*list, vec![1, 2]);
    assert_eq!(schema::<Arc<Option<String>>>(), schema::<Option<String>>());
    const { assert!(<Arc<Option<String>>>::IS_OPTIONAL) };
}

#[test]
fn item_constraints_are_checked_per_item() {
    let c = Constraints::new().items(Constraints::new().gt(0));
    assert_eq!(
        errors::<Vec<i64>>(&c, json!([1, 0, -1, "a"])),
        json!([
            {"type": "greater_than", "loc": [1], "msg": "Input should be greater than 0", "input": 0, "ctx": {"gt": 0}},
            {"type": "greater_than", "loc": [2], "msg": "Input should be greater than 0", "input": -1, "ctx": {"gt": 0}},
            {"type": "int_parsing", "loc": [3], "msg": "Input should be a valid integer, unable to parse string as an integer", "input": "a"}
        ])
    );
    let c2 = Constraints::new()
        .max_length(2)
        .items(Constraints::new().gt(0));
    assert_eq!(
        errors::<Vec<i64>>(&c2, json!([1, 0, -1, "a"]))[0]["type"],
        "too_long"
    );
    assert_eq!(
        many::<Vec<i64>>(&c, &["1", "0"]).unwrap_err(),
        json!([{"type": "greater_than", "loc": ["query", "v", 1], "msg": "Input should be greater than 0", "input": "0", "ctx": {"gt": 0}}])
    );
    assert_eq!(
        errors::<BTreeSet<i64>>(&c, json!([1, 0])),
        json!([{"type": "greater_than", "loc": [1], "msg": "Input should be greater than 0", "input": 0, "ctx": {"gt": 0}}])
    );
    let strings = Constraints::new().items(Constraints::new().max_length(2).pattern("^a"));
    assert_eq!(
        errors::<Vec<String>>(&strings, json!(["abc", "b", "ab"])),
        json!([
            {"type": "string_too_long", "loc": [0], "msg": "String should have at most 2 characters", "input": "abc", "ctx": {"max_length": 2}},
            {"type": "string_pattern_mismatch", "loc": [1], "msg": "String should match pattern '^a'", "input": "b", "ctx": {"pattern": "^a"}}
        ])
    );
    let nested = Constraints::new().items(Constraints::new().items(Constraints::new().lt(3)));
    assert_eq!(
        errors::<Vec<Vec<u8>>>(&nested, json!([[1], [2, 3]]))[0]["loc"],
        json!([1, 1])
    );
    let optional: Option<Vec<i64>> = check(&c, json!(null)).unwrap();
    assert!(optional.is_none());
    assert!(c.applies_to::<Vec<i64>>().is_ok());
    assert!(c.applies_to::<String>().is_err());
    assert!(!c.is_empty());
}

#[test]
fn item_constraints_go_into_the_items_schema() {
    use ferrapi::validation::schema::{apply_constraints, Context};
    let c = Constraints::new()
        .max_length(3)
        .items(Constraints::new().gt(0));
    let mut s = schema::<Vec<i64>>();
    apply_constraints(&mut s, &c, Context::Parameter);
    assert_eq!(
        s,
        json!({"type": "array", "items": {"type": "integer", "exclusiveMinimum": 0}, "maxItems": 3})
    );
    let mut s = schema::<Option<BTreeSet<i64>>>();
    apply_constraints(&mut s, &c, Context::Body);
    assert_eq!(
        s,
        json!({"anyOf": [{"type": "array", "items": {"type": "integer", "exclusiveMinimum": 0.0}, "uniqueItems": true, "maxItems": 3}, {"type": "null"}]})
    );
}
