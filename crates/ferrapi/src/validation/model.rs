//! What `#[derive(Model)]` and `#[derive(Enum)]` generate calls: pydantic's errors for a model
//! or an enum, one field's validation, and an enum's schema.

use serde_json::Value;

use super::{Validate, Validator};

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
