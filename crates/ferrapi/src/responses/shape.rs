//! Response shaping: FastAPI's `response_model_exclude_unset`, `response_model_exclude_none`,
//! `response_model_exclude_defaults`, `response_model_include` and `response_model_exclude`,
//! applied to the response model's JSON before it is sent.
//!
//! * **Unset** fields are the ones the operation's value did not have: a key absent from what
//!   the operation returned (a `json!` object without `"tax"`, a struct field skipped by
//!   `skip_serializing_if`), at every depth, as pydantic's `model_fields_set` tells them.
//! * **Defaults** are read from the response model's schema (its properties' `default`), at
//!   every depth through nested models.
//! * **None** fields are the `null` ones, in objects at every depth.
//! * `include` and `exclude` name top-level fields (FastAPI also takes nested dicts of names;
//!   those have no counterpart here).
//! * `by_alias = false` writes each field under its Rust name rather than its key (its serde
//!   `rename`, pydantic's alias), at every depth through nested models, optionals, lists and
//!   maps ([`Validate::by_field_name`](crate::validation::Validate::by_field_name)). The fields
//!   of a union's members keep their keys.
//!
//! None of them changes the OpenAPI document: FastAPI documents the full model, under its
//! aliases, too.

use serde_json::{Map, Value};

use crate::validation::SchemaGenerator;

/// How a response model's JSON is shaped before it is sent (see the module documentation).
/// The route macros build it from `response_model_exclude_unset = true` and friends.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResponseShape {
    /// Leave out the fields the operation's value did not set.
    pub exclude_unset: bool,
    /// Leave out the fields equal to their default.
    pub exclude_defaults: bool,
    /// Leave out the `null` fields.
    pub exclude_none: bool,
    /// Keep only these top-level fields, if given.
    pub include: Option<&'static [&'static str]>,
    /// Leave out these top-level fields.
    pub exclude: &'static [&'static str],
    /// Write the fields under their keys (`true`, the default) or their Rust names.
    pub by_alias: bool,
}

impl ResponseShape {
    /// No shaping: the model as it is.
    pub const NONE: ResponseShape = ResponseShape {
        exclude_unset: false,
        exclude_defaults: false,
        exclude_none: false,
        include: None,
        exclude: &[],
        by_alias: true,
    };

    /// Whether it changes anything.
    pub fn is_none(&self) -> bool {
        *self == ResponseShape::NONE
    }

    /// Shapes `out`, the model's JSON; `raw` is what the operation returned, `schema_of` gives
    /// the model's schema (for its defaults), `by_field_name` renames its keys to field names.
    pub(crate) fn apply(
        &self,
        out: &mut Value,
        raw: &Value,
        schema_of: fn(&mut SchemaGenerator) -> Value,
        by_field_name: fn(&mut Value),
    ) {
        if let Value::Object(object) = out {
            if let Some(include) = self.include {
                object.retain(|k, _| include.contains(&k.as_str()));
            }
            object.retain(|k, _| !self.exclude.contains(&k.as_str()));
        }
        if self.exclude_unset {
            retain_set(out, raw);
        }
        if self.exclude_defaults {
            let mut g = SchemaGenerator::new();
            let schema = schema_of(&mut g);
            let components = g.into_components();
            drop_defaults(out, &schema, &components);
        }
        if self.exclude_none {
            drop_nulls(out);
        }
        // Last: every step above reads the keys.
        if !self.by_alias {
            by_field_name(out);
        }
    }
}

/// Keeps in `out` only the keys `raw` has, at every depth.
fn retain_set(out: &mut Value, raw: &Value) {
    match (out, raw) {
        (Value::Object(out), Value::Object(raw)) => {
            out.retain(|k, _| raw.contains_key(k));
            for (k, value) in out.iter_mut() {
                if let Some(given) = raw.get(k) {
                    retain_set(value, given);
                }
            }
        }
        (Value::Array(out), Value::Array(raw)) if out.len() == raw.len() => {
            for (value, given) in out.iter_mut().zip(raw) {
                retain_set(value, given);
            }
        }
        _ => {}
    }
}

/// The definition behind a schema: itself, a referenced component, or the one model of an
/// optional's `anyOf`.
fn resolve<'a>(schema: &'a Value, components: &'a Map<String, Value>) -> Option<&'a Value> {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.strip_prefix("#/components/schemas/")?;
        return components.get(name);
    }
    if let Some(branches) = schema.get("anyOf").and_then(Value::as_array) {
        return branches
            .iter()
            .find_map(|b| b.get("$ref").and_then(|_| resolve(b, components)));
    }
    Some(schema)
}

/// Removes the fields equal to their schema's default, at every depth.
fn drop_defaults(out: &mut Value, schema: &Value, components: &Map<String, Value>) {
    let Some(schema) = resolve(schema, components) else {
        return;
    };
    match out {
        Value::Object(object) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            let required: Vec<&str> = schema
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            object.retain(|k, v| match properties.get(k) {
                Some(property) => match property.get("default") {
                    Some(default) => default != v,
                    // An optional field without a written default defaults to `None` (the
                    // document leaves `"default": null` out, as FastAPI does).
                    None => required.contains(&k.as_str()) || !v.is_null(),
                },
                None => true,
            });
            for (k, value) in object.iter_mut() {
                if let Some(property) = properties.get(k) {
                    drop_defaults(value, property, components);
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for value in items {
                    drop_defaults(value, item, components);
                }
            }
        }
        _ => {}
    }
}

/// Removes the `null` fields of every object, at every depth.
fn drop_nulls(out: &mut Value) {
    match out {
        Value::Object(object) => {
            object.retain(|_, v| !v.is_null());
            object.values_mut().for_each(drop_nulls);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_nulls),
        _ => {}
    }
}
