//! Parameter models: a `#[derive(Model)]` struct as the whole set of query, header, cookie or
//! form parameters (FastAPI 0.115's `Annotated[FilterParams, Query()]`).
//!
//! The model's input is built as FastAPI's `_request_param_model_to_args` builds it: an object
//! with, for each field present, its value (every value of a repeated key for a list field, the
//! last one otherwise; the first one for a header, as Starlette's `Headers.get` gives), then
//! every other key of the source, a repeated key as a list. The model validates that object,
//! so `extra = "forbid"` refuses the other keys with pydantic's `extra_forbidden`, and a missing
//! field echoes the object. Errors are at `[source, key]`: a header field at its header name
//! (`save_data` is read from, and reported at, `save-data`).

use serde_json::{Map, Value};

use super::{Inputs, Source};
use crate::validation::model::ModelField;
use crate::validation::{LocItem, Validate, Validator};

/// A header field's name on the wire: lowercase, underscores converted to hyphens.
fn header_name(key: &str) -> String {
    key.replace('_', "-").to_ascii_lowercase()
}

/// Adds the keys no field read, in the order they came, a repeated key as a list.
fn extras<'a>(
    object: &mut Map<String, Value>,
    items: impl Iterator<Item = (&'a str, &'a str)>,
    read: &[String],
) {
    let mut grouped: Vec<(&str, Vec<&str>)> = Vec::new();
    for (key, value) in items {
        if read.iter().any(|r| r == key) {
            continue;
        }
        match grouped.iter_mut().find(|(k, _)| *k == key) {
            Some((_, values)) => values.push(value),
            None => grouped.push((key, vec![value])),
        }
    }
    for (key, values) in grouped {
        let value = match &values[..] {
            [one] => Value::String((*one).to_owned()),
            many => Value::Array(
                many.iter()
                    .map(|v| Value::String((*v).to_owned()))
                    .collect(),
            ),
        };
        object.insert(key.to_owned(), value);
    }
}

/// Sets a field's value from the values of its key: all of them for a list, `pick`'s one
/// otherwise; an absent key (or, in a form, an empty value) sets nothing.
fn put(
    object: &mut Map<String, Value>,
    field: &ModelField,
    values: Vec<&str>,
    pick_first: bool,
    form: bool,
) {
    let value = if field.list {
        if values.is_empty() {
            return;
        }
        Value::Array(
            values
                .iter()
                .map(|v| Value::String((*v).to_owned()))
                .collect(),
        )
    } else {
        let one = if pick_first {
            values.first()
        } else {
            values.last()
        };
        match one {
            Some(v) if !(form && v.is_empty()) => Value::String((*v).to_owned()),
            _ => return,
        }
    };
    object.insert(field.key.to_owned(), value);
}

/// The object a parameter model validates, from `source`.
fn model_input(inputs: &Inputs<'_>, fields: &[ModelField], source: Source) -> Map<String, Value> {
    let req = inputs.req;
    let mut object = Map::new();
    let mut read: Vec<String> = Vec::with_capacity(fields.len() * 2);
    match source {
        Source::Header => {
            let headers = req.headers();
            for field in fields {
                let name = header_name(field.key);
                let values: Vec<&str> = headers
                    .get_all(name.as_str())
                    .iter()
                    .filter_map(|h| h.to_str().ok())
                    .collect();
                put(&mut object, field, values, true, false);
                // The unconverted name is not an extra header either.
                read.push(field.key.to_ascii_lowercase());
                read.push(name);
            }
            let items = headers
                .iter()
                .filter_map(|(k, v)| v.to_str().ok().map(|v| (k.as_str(), v)));
            extras(&mut object, items, &read);
        }
        Source::Cookie => {
            let cookies = req.cookies();
            for field in fields {
                let values: Vec<&str> = cookies
                    .get(field.key)
                    .map(String::as_str)
                    .into_iter()
                    .collect();
                put(&mut object, field, values, false, false);
                read.push(field.key.to_owned());
            }
            let items = cookies.iter().map(|(k, v)| (k.as_str(), v.as_str()));
            extras(&mut object, items, &read);
        }
        Source::Form | Source::File => {
            for field in fields {
                put(
                    &mut object,
                    field,
                    inputs.form_values(field.key),
                    false,
                    true,
                );
                read.push(field.key.to_owned());
            }
            extras(&mut object, inputs.form_items(), &read);
        }
        _ => {
            let query = req.query_params();
            for field in fields {
                put(
                    &mut object,
                    field,
                    query.get_all(field.key).collect(),
                    false,
                    false,
                );
                read.push(field.key.to_owned());
            }
            extras(&mut object, query.iter(), &read);
        }
    }
    object
}

/// Reads and validates a parameter model from `source`; errors at `[source, key]`.
pub(super) fn extract<T: Validate>(
    inputs: &Inputs<'_>,
    fields: &[ModelField],
    source: Source,
    v: &mut Validator,
) -> Option<T> {
    let object = model_input(inputs, fields, source);
    // An optional model none of whose fields came is `None`, as FastAPI leaves an
    // `Optional[Model]` parameter unset then.
    if T::IS_OPTIONAL && !fields.iter().any(|f| object.contains_key(f.key)) {
        return T::missing(v);
    }
    let object = Value::Object(object);
    let before = v.error_count();
    let out = v.at(source.loc(), |v| T::validate(&object, v));
    if source == Source::Header {
        // Reported at the header's name, as FastAPI reports them.
        let depth = v.loc().len() + 1;
        v.rewrite_since(before, |loc| {
            if let Some(LocItem::Key(key)) = loc.get_mut(depth) {
                if fields.iter().any(|f| f.key == key.as_ref()) {
                    *key = header_name(key).into();
                }
            }
        });
    }
    out
}
