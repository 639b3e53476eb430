//! Reading and validating one argument from the request's inputs, with pydantic's errors at
//! `[source, name, …]`.

use serde_json::Value;

use super::inputs::BodyInput;
use super::{Inputs, ParamSpec, Source};
use crate::validation::{Validate, Validator};

#[doc(hidden)]
/// Whether the argument's input is present (to decide whether its default applies).
pub fn is_present(inputs: &Inputs<'_>, spec: &ParamSpec) -> bool {
    if spec.param_model_fields().is_some() {
        // A parameter model is always validated: its fields have their own defaults.
        return true;
    }
    let req = inputs.req;
    match spec.source_in(req) {
        Source::Path => req.path_param(spec.wire()).is_some(),
        Source::Query => req.query_params().contains_key(spec.wire()),
        Source::Header => req.headers().contains_key(spec.wire()),
        Source::Cookie => req.cookie(spec.wire()).is_some(),
        Source::Form => !form_values(inputs, spec).is_empty(),
        Source::File => inputs.has_upload(spec.wire()),
        Source::Body => match inputs.body() {
            BodyInput::NotRead | BodyInput::Missing => false,
            BodyInput::Json(Value::Object(map)) if embedded(inputs, spec) => {
                map.contains_key(spec.wire())
            }
            // FastAPI reads an embedded argument with `body.get(name)`: a JSON body that is not
            // an object fails that, and the argument is `missing` even with a default.
            BodyInput::Json(_) if embedded(inputs, spec) => true,
            BodyInput::Text(_) if embedded(inputs, spec) => false,
            _ => true,
        },
    }
}

fn embedded(inputs: &Inputs<'_>, spec: &ParamSpec) -> bool {
    spec.embed || inputs.body_args > 1
}

#[doc(hidden)]
/// Reads and validates one argument; problems go to `v` at `[source, name, …]`.
pub fn extract<T: Validate>(inputs: &Inputs<'_>, spec: &ParamSpec, v: &mut Validator) -> Option<T> {
    let req = inputs.req;
    let wire = spec.wire();
    if let Some(fields) = spec.param_model_fields() {
        return super::model::extract::<T>(inputs, fields, spec.source_in(req), v);
    }
    match spec.source_in(req) {
        Source::Path => v.at(Source::Path.loc(), |v| {
            v.at_key(wire, |v| match req.path_param(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Query => v.at(Source::Query.loc(), |v| {
            v.at_key(wire, |v| {
                if T::IS_LIST {
                    let values: Vec<&str> = req.query_params().get_all(wire).collect();
                    many::<T>(&values, spec, v)
                } else {
                    // The last value wins, as in FastAPI; no list to build.
                    match req.query_params().get(wire) {
                        Some(text) => checked_str::<T>(text, spec, v),
                        None => T::missing(v),
                    }
                }
            })
        }),
        Source::Header => v.at(Source::Header.loc(), |v| {
            v.at_key(wire, |v| {
                let values: Vec<&str> = req
                    .headers()
                    .get_all(wire)
                    .iter()
                    .filter_map(|h| h.to_str().ok())
                    .collect();
                many::<T>(&values, spec, v)
            })
        }),
        Source::Cookie => v.at(Source::Cookie.loc(), |v| {
            v.at_key(wire, |v| match req.cookie(wire) {
                Some(text) => checked_str::<T>(text, spec, v),
                None => T::missing(v),
            })
        }),
        Source::Form => v.at(Source::Form.loc(), |v| {
            v.at_key(wire, |v| {
                let values = form_values(inputs, spec);
                many::<T>(&values, spec, v)
            })
        }),
        Source::File => v.at(Source::File.loc(), |v| {
            v.at_key(wire, |v| {
                // A file argument declared with a validated type (`String`…): FastAPI reads
                // the upload as that type; here it is a form field of that name.
                let values = inputs.form_values(wire);
                many::<T>(&values, spec, v)
            })
        }),
        Source::Body => v.at(Source::Body.loc(), |v| {
            if let BodyInput::Invalid(err, _) = inputs.body() {
                if !inputs
                    .body_error_reported
                    .swap(true, std::sync::atomic::Ordering::Relaxed)
                {
                    v.extend([(**err).clone()]);
                }
                return None;
            }
            if embedded(inputs, spec) {
                v.at_key(wire, |v| match inputs.body() {
                    BodyInput::Json(Value::Object(map)) => match map.get(wire) {
                        Some(value) => checked_json::<T>(value, spec, v),
                        None => T::missing(v),
                    },
                    BodyInput::Json(_) => {
                        v.missing();
                        None
                    }
                    _ => T::missing(v),
                })
            } else {
                match inputs.body() {
                    BodyInput::Json(value) | BodyInput::Text(value) => {
                        checked_json::<T>(value, spec, v)
                    }
                    _ => T::missing(v),
                }
            }
        }),
    }
}

/// A form field's values. FastAPI reads an empty value of a field that is not a list as no
/// value at all (its default applies, or it is `missing`), whatever the field's type; a list
/// keeps its empty values.
fn form_values<'i>(inputs: &'i Inputs<'_>, spec: &ParamSpec) -> Vec<&'i str> {
    let values = inputs.form_values(spec.wire());
    if !spec.list && values.last() == Some(&"") {
        return Vec::new();
    }
    values
}

fn many<T: Validate>(values: &[&str], spec: &ParamSpec, v: &mut Validator) -> Option<T> {
    if values.is_empty() {
        return T::missing(v);
    }
    spec.constraints.validate_many::<T>(values, v)
}

fn checked_str<T: Validate>(text: &str, spec: &ParamSpec, v: &mut Validator) -> Option<T> {
    spec.constraints.validate_str::<T>(text, v)
}

fn checked_json<T: Validate>(input: &Value, spec: &ParamSpec, v: &mut Validator) -> Option<T> {
    spec.constraints.validate::<T>(input, v)
}
