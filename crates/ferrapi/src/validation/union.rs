//! What `#[derive(Model)]` on an enum generates calls: pydantic's discriminated unions
//! (`#[serde(tag = "…")]`) and smart-mode unions (`#[serde(untagged)]`), their errors and their
//! schemas.

use serde_json::{json, Map, Value};

use super::{SchemaGenerator, UnionMatch, Validate, Validator};

/// Python's `str()` of a JSON value as pydantic prints a tag it could not match (`bird`, `5`,
/// `None`, `True`, `['a']`, `{'a': 1}`).
pub fn py_str(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => py_repr(other),
    }
}

/// Python's `repr()` of a JSON value.
fn py_repr(value: &Value) -> String {
    match value {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e16 => {
                format!("{f:.1}")
            }
            (_, _, Some(f)) => f.to_string(),
            _ => n.to_string(),
        },
        Value::String(s) => {
            if s.contains('\'') && !s.contains('"') {
                format!("\"{s}\"")
            } else {
                format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
            }
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(py_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Value::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", py_repr(&Value::String(k.clone())), py_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Finds the member of a discriminated union for `input`: the index of its tag in `tags`, or
/// pydantic's error (`model_attributes_type` for a non-object, `union_tag_not_found` without
/// the tag key, `union_tag_invalid` for another value).
pub fn union_tag(input: &Value, tag: &str, tags: &[&str], v: &mut Validator) -> Option<usize> {
    let Some(object) = input.as_object() else {
        super::model::model_attributes_type(input, v);
        return None;
    };
    let discriminator = format!("'{tag}'");
    let Some(found) = object.get(tag) else {
        v.error(
            "union_tag_not_found",
            format!("Unable to extract tag using discriminator {discriminator}"),
            input.clone(),
            super::ctx([("discriminator", Value::String(discriminator))]),
        );
        return None;
    };
    if let Some(index) = found
        .as_str()
        .and_then(|found| tags.iter().position(|t| *t == found))
    {
        return Some(index);
    }
    let shown = py_str(found);
    let expected: Vec<String> = tags.iter().map(|t| format!("'{t}'")).collect();
    let expected = expected.join(", ");
    v.error(
        "union_tag_invalid",
        format!(
            "Input tag '{shown}' found using {discriminator} does not match any of the expected tags: {expected}"
        ),
        input.clone(),
        super::ctx([
            ("discriminator", Value::String(discriminator)),
            ("tag", Value::String(shown)),
            ("expected_tags", Value::String(expected)),
        ]),
    );
    None
}

/// Validates the member `T` of a discriminated union from the whole object (tag included), at
/// the tag's value in `loc`, as pydantic reports member errors. A member model that forbids
/// extra keys does not see the tag key.
pub fn tagged_member<T: Validate>(
    input: &Value,
    tag: &str,
    value: &'static str,
    v: &mut Validator,
) -> Option<T> {
    v.at(value, |v| {
        let before = v.error_count();
        if let Some(out) = T::validate(input, v) {
            return Some(out);
        }
        // The tag key reported by a model with `extra = "forbid"`: validate without it.
        let depth = v.loc().len();
        let errors = v.take_errors_since(before);
        let (tag_errors, others): (Vec<_>, Vec<_>) = errors.into_iter().partition(|e| {
            e.kind == "extra_forbidden"
                && e.loc.len() == depth + 1
                && matches!(&e.loc[depth], super::LocItem::Key(k) if k == tag)
        });
        if tag_errors.is_empty() {
            v.extend(others);
            return None;
        }
        let mut stripped = input.clone();
        if let Some(object) = stripped.as_object_mut() {
            object.shift_remove(tag);
        }
        let mut scratch = Validator::new();
        match T::validate(&stripped, &mut scratch) {
            Some(out) if others.is_empty() => Some(out),
            _ => {
                v.extend(others);
                None
            }
        }
    })
}

/// The schema of a discriminated union, as FastAPI writes it: `oneOf` the members' references
/// and a `discriminator` with its `mapping`. Each member's component gets the tag as its first
/// property (`{"type":"string","const":"cat","title":"Kind"}`), required, as pydantic writes a
/// `kind: Literal["cat"]` field.
pub fn tagged_schema(g: &mut SchemaGenerator, tag: &str, members: Vec<(&str, Value)>) -> Value {
    let mut one_of = Vec::new();
    let mut mapping = Map::new();
    for (value, reference) in members {
        if let Some(target) = reference.get("$ref").and_then(Value::as_str) {
            mapping.insert(value.to_string(), Value::String(target.to_string()));
            if let Some(name) = target.strip_prefix("#/components/schemas/") {
                if let Some(component) = g.component_mut(name) {
                    add_tag_property(component, tag, value);
                }
            }
        }
        one_of.push(reference);
    }
    json!({
        "oneOf": one_of,
        "discriminator": {"propertyName": tag, "mapping": mapping},
    })
}

/// Puts the tag first in a model component's properties and its required keys.
fn add_tag_property(component: &mut Value, tag: &str, value: &str) {
    let Some(object) = component.as_object_mut() else {
        return;
    };
    let properties = object
        .entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    if let Some(properties) = properties.as_object_mut() {
        if properties.contains_key(tag) {
            return;
        }
        let mut with_tag = Map::new();
        with_tag.insert(
            tag.to_string(),
            json!({"type": "string", "const": value, "title": super::schema::title_case(tag)}),
        );
        with_tag.extend(std::mem::take(properties));
        *properties = with_tag;
    }
    let mut required = vec![Value::String(tag.to_string())];
    if let Some(Value::Array(old)) = object.get("required") {
        required.extend(old.iter().cloned());
    }
    // `required` comes after `type`, as pydantic orders a model's keys.
    let title = object.shift_remove("title");
    object.insert("required".into(), Value::Array(required));
    if let Some(title) = title {
        object.insert("title".into(), title);
    }
}

/// The schema of a smart-mode union: `anyOf` the members' schemas, a member that is a union
/// itself (an `Option`) flattened into it, as pydantic writes `int | str | None`.
pub fn untagged_schema(members: Vec<Value>) -> Value {
    let mut any_of = Vec::new();
    for member in members {
        match member {
            Value::Object(mut object) if object.len() == 1 && object.contains_key("anyOf") => {
                if let Some(Value::Array(branches)) = object.remove("anyOf") {
                    any_of.extend(branches);
                }
            }
            other => any_of.push(other),
        }
    }
    json!({ "anyOf": any_of })
}

/// The best member so far of a smart-mode union, and how well it matched.
pub type Best<U> = Option<(U, UnionMatch)>;

/// Tries one member `T` of a smart-mode union on a JSON value, its errors at its label
/// (`["body","x","int"]`). Returns the value when it matched exactly (the union's answer, the
/// errors since `start` dropped); otherwise keeps it in `best` if it beats it.
pub fn smart_member<T: Validate, U>(
    input: &Value,
    start: usize,
    best: &mut Best<U>,
    wrap: impl FnOnce(T) -> U,
    v: &mut Validator,
) -> Option<U> {
    let label = T::union_label();
    smart_step(
        start,
        best,
        wrap,
        v,
        |v| at_label(&label, v, |v| T::validate(input, v)),
        || T::union_match(input),
    )
}

/// [`smart_member`] for a text input (a query parameter): every member reads the text, and a
/// string member matches it exactly.
pub fn smart_member_str<T: Validate, U>(
    input: &str,
    start: usize,
    best: &mut Best<U>,
    wrap: impl FnOnce(T) -> U,
    v: &mut Validator,
) -> Option<U> {
    let label = T::union_label();
    smart_step(
        start,
        best,
        wrap,
        v,
        |v| at_label(&label, v, |v| T::validate_str(input, v)),
        || T::union_match(&Value::String(input.to_string())),
    )
}

/// Runs `f` at a member's label; a nested smart-mode union (an empty label) is flattened.
fn at_label<R>(label: &str, v: &mut Validator, f: impl FnOnce(&mut Validator) -> R) -> R {
    if label.is_empty() {
        f(v)
    } else {
        v.at_key(label, f)
    }
}

/// How well a nested smart-mode union matched: the best of its members' matches.
pub fn best_match(matches: &[UnionMatch]) -> UnionMatch {
    let mut best = UnionMatch::LAX;
    for m in matches {
        if m.beats(&best) {
            best = *m;
        }
    }
    best
}

fn smart_step<T, U>(
    start: usize,
    best: &mut Best<U>,
    wrap: impl FnOnce(T) -> U,
    v: &mut Validator,
    validate: impl FnOnce(&mut Validator) -> Option<T>,
    matched: impl FnOnce() -> UnionMatch,
) -> Option<U> {
    let before = v.error_count();
    match validate(v) {
        Some(value) => {
            v.truncate_errors(before);
            let m = matched();
            if m == UnionMatch::EXACT {
                v.truncate_errors(start);
                return Some(wrap(value));
            }
            if best.as_ref().is_none_or(|(_, b)| m.beats(b)) {
                *best = Some((wrap(value), m));
            }
        }
        None => {
            // Once a member matched, the others' errors are not reported.
            if best.is_some() {
                v.truncate_errors(before);
            }
        }
    }
    None
}

/// The answer of a smart-mode union after every member was tried: the best match (the errors
/// since `start` dropped), or `None` with one group of errors per member.
pub fn smart_finish<U>(start: usize, best: Best<U>, v: &mut Validator) -> Option<U> {
    let (value, _) = best?;
    v.truncate_errors(start);
    Some(value)
}
