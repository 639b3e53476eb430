//! What `#[derive(Model)]` and `#[derive(Enum)]` generate calls: pydantic's errors for a model
//! or an enum, one field's validation, and an enum's schema.

use serde_json::Value;

use super::{Validate, Validator};

/// One field of a `#[derive(Model)]` struct, as a parameter model reads it (FastAPI's
/// `Annotated[Model, Query()]`): its key on the wire and whether it takes every value of a
/// repeated key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ModelField {
    /// The field's key (its name, `rename` or `alias`).
    pub key: &'static str,
    /// Whether the field is a list (`Vec<T>`, a set…): repeated keys fill it.
    pub list: bool,
}

/// pydantic's answer to a key a model with `extra = "forbid"` does not have, at that key:
/// `{"type":"extra_forbidden","msg":"Extra inputs are not permitted","input":…}`.
pub fn extra_forbidden(known: &[&str], object: &serde_json::Map<String, Value>, v: &mut Validator) {
    for (key, value) in object {
        if !known.contains(&key.as_str()) {
            v.at_key(key, |v| {
                v.error(
                    "extra_forbidden",
                    "Extra inputs are not permitted",
                    value.clone(),
                    None,
                )
            });
        }
    }
}

/// The name of a model type (for messages).
pub trait ModelName {
    /// The type's name.
    const NAME: &'static str;
}

/// pydantic's answer to a model given something other than an object (FastAPI validates
/// bodies from attributes, hence `model_attributes_type`, nested models included).
pub fn model_attributes_type(input: &Value, v: &mut Validator) {
    v.error(
        "model_attributes_type",
        "Input should be a valid dictionary or object to extract fields from",
        input.clone(),
        None,
    );
}

/// pydantic's `enum` error: `Input should be 'red' or 'blue'`.
pub fn enum_error(input: &Value, expected: &str, v: &mut Validator) {
    v.error(
        "enum",
        format!("Input should be {expected}"),
        input.clone(),
        crate::validation::ctx([("expected", Value::String(expected.to_string()))]),
    );
}

/// pydantic's `literal_error`: `Input should be 'a' or 'b'`.
pub fn literal_error(input: &Value, expected: &str, v: &mut Validator) {
    v.error(
        "literal_error",
        format!("Input should be {expected}"),
        input.clone(),
        crate::validation::ctx([("expected", Value::String(expected.to_string()))]),
    );
}

/// The schema of a `Literal[...]`, inline: `{"enum": [...], "type": "string"}` (the type only
/// when every value has the same one, as pydantic writes it).
pub fn literal_schema(values: &[Value]) -> Value {
    let kind = |v: &Value| match v {
        Value::String(_) => "string",
        Value::Number(_) => "integer",
        Value::Bool(_) => "boolean",
        _ => "null",
    };
    let mut schema = serde_json::Map::new();
    schema.insert("enum".into(), Value::Array(values.to_vec()));
    if let Some(first) = values.first() {
        if values.iter().all(|v| kind(v) == kind(first)) {
            schema.insert("type".into(), Value::String(kind(first).into()));
        }
    }
    Value::Object(schema)
}

/// The schema of an integer enum: `{"enum":[1,2],"title":…,"type":"integer"}`.
pub fn int_enum_schema(title: &str, values: &[i64]) -> Value {
    serde_json::json!({"enum": values, "title": title, "type": "integer"})
}

/// An integer as an integer `Literal` takes it: a JSON integer, an integral float or a
/// boolean, never a string.
pub fn literal_int(input: &Value) -> Option<i64> {
    match input {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Number(n) => n.as_i64().or_else(|| {
            n.as_f64()
                .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                .map(|f| f as i64)
        }),
        _ => None,
    }
}

pub use super::scalars::{lax_int, lax_int_str};

/// A model field absent from the input: `None` for an `Option`, else pydantic's `missing`,
/// whose `input` is the model's whole input (`{"type":"missing","loc":["body","name"],
/// "msg":"Field required","input":{"price":1}}`).
pub fn missing_field<T: Validate>(model_input: &Value, v: &mut Validator) -> Option<T> {
    let before = v.error_count();
    let out = T::missing(v);
    v.set_input_since(before, model_input);
    out
}

/// Validates one model field and checks its constraints, in pydantic's order.
pub fn field<T: Validate>(
    input: &Value,
    constraints: &crate::validation::Constraints,
    v: &mut Validator,
) -> Option<T> {
    constraints.validate::<T>(input, v)
}

/// The schema of a string enum: `{"type":"string","enum":[…],"title":…}`.
pub fn enum_schema(title: &str, values: &[&str]) -> Value {
    serde_json::json!({"type": "string", "enum": values, "title": title})
}

/// The first of a field's names (its key, then its `#[serde(alias)]`es) present in the input,
/// as pydantic's `AliasChoices` picks it: that name and its value, or the key and `None`.
pub fn lookup<'a>(
    object: &'a serde_json::Map<String, Value>,
    names: &[&'static str],
) -> (&'static str, Option<&'a Value>) {
    for name in names {
        if let Some(value) = object.get(*name) {
            return (name, Some(value));
        }
    }
    (names[0], None)
}

/// A validator's error, seen by the derive's generated code to choose pydantic's error type
/// ([`ReportAssertion`] for [`crate::validation::AssertionFailed`], [`ReportValueError`] for
/// everything else).
#[allow(missing_debug_implementations)]
pub struct ValidatorFailure<'a, E>(pub &'a E);

/// Reports an [`crate::validation::AssertionFailed`] as pydantic's `assertion_error`.
pub trait ReportAssertion {
    /// Records the error at the current location, echoing `input`.
    fn report(&self, input: &Value, v: &mut Validator);
}

impl ReportAssertion for &ValidatorFailure<'_, crate::validation::AssertionFailed> {
    fn report(&self, input: &Value, v: &mut Validator) {
        v.error(
            "assertion_error",
            format!("Assertion failed, {}", self.0),
            input.clone(),
            crate::validation::ctx([("error", Value::Object(serde_json::Map::new()))]),
        );
    }
}

/// Reports any other error (`Display`) as pydantic's `value_error`.
pub trait ReportValueError {
    /// Records the error at the current location, echoing `input`.
    fn report(&self, input: &Value, v: &mut Validator);
}

impl<E: std::fmt::Display> ReportValueError for ValidatorFailure<'_, E> {
    fn report(&self, input: &Value, v: &mut Validator) {
        value_error(self.0, input, v);
    }
}

/// pydantic's `value_error` for a `ValueError` raised in a validator: `"Value error, {msg}"`,
/// with `ctx: {"error": {}}` (FastAPI serialises the exception object as `{}`).
pub fn value_error(error: &dyn std::fmt::Display, input: &Value, v: &mut Validator) {
    v.error(
        "value_error",
        format!("Value error, {error}"),
        input.clone(),
        crate::validation::ctx([("error", Value::Object(serde_json::Map::new()))]),
    );
}

/// The length of the concatenation of parameter-model field lists (a model's own fields and
/// those of the models it flattens).
pub const fn fields_len(parts: &[&[ModelField]]) -> usize {
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        n += parts[i].len();
        i += 1;
    }
    n
}

/// The concatenation of parameter-model field lists; `N` is [`fields_len`] of `parts`.
pub const fn fields_concat<const N: usize>(parts: &[&[ModelField]]) -> [ModelField; N] {
    let mut out = [ModelField {
        key: "",
        list: false,
    }; N];
    let mut n = 0;
    let mut i = 0;
    while i < parts.len() {
        let mut j = 0;
        while j < parts[i].len() {
            out[n] = parts[i][j];
            n += 1;
            j += 1;
        }
        i += 1;
    }
    out
}

/// A model's parameter fields, or none (for a flattened type that is not a model).
pub const fn fields_of(fields: Option<&'static [ModelField]>) -> &'static [ModelField] {
    match fields {
        Some(fields) => fields,
        None => &[],
    }
}

/// Renames the keys of an object, `(key, name)` pairs, keeping their order
/// (`response_model_by_alias = false`).
pub fn rename_keys(value: &mut Value, renames: &[(&str, &str)]) {
    let Value::Object(object) = value else {
        return;
    };
    if renames.is_empty() || !renames.iter().any(|(key, _)| object.contains_key(*key)) {
        return;
    }
    *object = std::mem::take(object)
        .into_iter()
        .map(|(k, v)| match renames.iter().find(|(key, _)| *key == k) {
            Some((_, name)) => ((*name).to_string(), v),
            None => (k, v),
        })
        .collect();
}

/// Merges the definition of a flattened model into the properties and required list of the
/// model being built (pydantic has no `flatten`: its schema is the fields written inline).
pub fn merge_flattened(
    properties: &mut serde_json::Map<String, Value>,
    required: &mut Vec<String>,
    definition: Value,
) {
    if let Some(props) = definition.get("properties").and_then(Value::as_object) {
        for (key, schema) in props {
            properties.insert(key.clone(), schema.clone());
        }
    }
    if let Some(req) = definition.get("required").and_then(Value::as_array) {
        required.extend(req.iter().filter_map(Value::as_str).map(str::to_string));
    }
}

/// The keys of a model's input that no field read (`used` holds the names the fields were
/// read by), as an object: what a `#[serde(flatten)]` map of extra keys validates.
pub fn extra_keys(used: &[&str], object: &serde_json::Map<String, Value>) -> Value {
    Value::Object(
        object
            .iter()
            .filter(|(key, _)| !used.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect(),
    )
}

/// The `additionalProperties` of a model with `extra = "allow"`, from the schema of its map of
/// extra keys: the map's value schema, or `true` for any value (as pydantic writes it).
pub fn extra_schema(map_schema: Value) -> Value {
    match map_schema.get("additionalProperties") {
        Some(Value::Object(o)) if o.is_empty() => Value::Bool(true),
        Some(schema) => schema.clone(),
        None => Value::Bool(true),
    }
}
