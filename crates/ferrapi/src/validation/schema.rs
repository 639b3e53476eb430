//! JSON Schema (2020-12, as OpenAPI 3.1 uses it) for the types that can be validated: what
//! pydantic generates for the same annotations, so ferrapi's document matches FastAPI's.

use indexmap::IndexMap;
use serde_json::{json, Map, Number, Value};

use crate::validation::Constraints;

/// A type's own JSON Schema, as pydantic's `Model.model_json_schema()` writes it: the model's
/// schema at the root, the models it uses under `$defs`, referenced as `#/$defs/Name` (a model
/// that contains itself stays a `$ref` to its own entry, as pydantic leaves it). For any
/// [`Validate`](crate::validation::Validate) type, models and plain types alike (pydantic's
/// `TypeAdapter(T).json_schema()`).
///
/// ```
/// use ferrapi::validation::schema::model_json_schema;
/// use ferrapi::Model;
/// use serde_json::json;
///
/// #[derive(Model)]
/// struct Image {
///     url: String,
/// }
///
/// #[derive(Model)]
/// struct Item {
///     name: String,
///     images: Vec<Image>,
/// }
///
/// let schema = model_json_schema::<Item>();
/// assert_eq!(schema["title"], "Item");
/// assert_eq!(schema["properties"]["images"]["items"], json!({"$ref": "#/$defs/Image"}));
/// assert_eq!(schema["$defs"]["Image"]["required"], json!(["url"]));
/// ```
pub fn model_json_schema<T: crate::validation::Validate>() -> Value {
    let mut g = SchemaGenerator::new();
    let top = T::json_schema(&mut g);
    let mut defs = g.into_components();
    let root_name = top
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix("#/components/schemas/"))
        .map(str::to_string);
    let mut root = match &root_name {
        Some(name) if !refers_to(&defs, name) => defs.remove(name).unwrap_or(top),
        _ => top,
    };
    let mut defs = Value::Object(defs);
    to_defs(&mut root);
    to_defs(&mut defs);
    default_null(&mut root);
    default_null(&mut defs);
    if defs.as_object().is_some_and(|d| !d.is_empty()) {
        if let Value::Object(object) = &mut root {
            object.insert("$defs".into(), defs);
        }
    }
    root
}

/// Whether any of `defs` refers to the component `name` (a recursive model).
fn refers_to(defs: &Map<String, Value>, name: &str) -> bool {
    let target = format!("#/components/schemas/{name}");
    fn walk(value: &Value, target: &str) -> bool {
        match value {
            Value::Object(o) => o
                .iter()
                .any(|(k, v)| (k == "$ref" && v.as_str() == Some(target)) || walk(v, target)),
            Value::Array(items) => items.iter().any(|v| walk(v, target)),
            _ => false,
        }
    }
    defs.values().any(|v| walk(v, &target))
}

/// Writes `"default": null` on the optional fields that default to `None`, as
/// `model_json_schema()` does (FastAPI's document leaves it out, and so does the generator):
/// a property that is not required, has no default and accepts `null`.
fn default_null(value: &mut Value) {
    match value {
        Value::Object(object) => {
            let required: Vec<String> = object
                .get("required")
                .and_then(Value::as_array)
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            if let Some(Value::Object(properties)) = object.get_mut("properties") {
                for (name, property) in properties.iter_mut() {
                    let nullable =
                        property
                            .get("anyOf")
                            .and_then(Value::as_array)
                            .is_some_and(|branches| {
                                branches
                                    .iter()
                                    .any(|b| b.get("type") == Some(&json!("null")))
                            })
                            || property.get("type") == Some(&json!("null"));
                    if nullable && !required.contains(name) && property.get("default").is_none() {
                        if let Value::Object(p) = property {
                            p.insert("default".into(), Value::Null);
                        }
                    }
                }
            }
            for v in object.values_mut() {
                default_null(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(default_null),
        _ => {}
    }
}

/// Rewrites the OpenAPI references to pydantic's `$defs` ones.
fn to_defs(value: &mut Value) {
    match value {
        Value::Object(object) => {
            for (key, v) in object.iter_mut() {
                match v {
                    Value::String(r) if key == "$ref" => {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            *r = format!("#/$defs/{name}");
                        }
                    }
                    // A discriminator's mapping names its members by reference too.
                    other => to_defs(other),
                }
            }
            if let Some(Value::Object(mapping)) = object
                .get_mut("discriminator")
                .and_then(|d| d.get_mut("mapping"))
            {
                for target in mapping.values_mut() {
                    if let Value::String(r) = target {
                        if let Some(name) = r.strip_prefix("#/components/schemas/") {
                            *r = format!("#/$defs/{name}");
                        }
                    }
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_defs),
        _ => {}
    }
}

/// Collects the named schemas (`components.schemas`) while the schemas of operations are built.
#[derive(Debug, Default)]
pub struct SchemaGenerator {
    components: IndexMap<String, Value>,
    /// Building a parameter model's fields, which are parameters (see [`Context`]).
    parameter_fields: bool,
}

impl SchemaGenerator {
    /// An empty generator.
    pub fn new() -> SchemaGenerator {
        SchemaGenerator::default()
    }

    /// A reference to the component `name`, built by `build` the first time (a model or an
    /// enum). A model that contains itself gets its reference while it is being built.
    pub fn component(
        &mut self,
        name: &str,
        build: impl FnOnce(&mut SchemaGenerator) -> Value,
    ) -> Value {
        if !self.components.contains_key(name) {
            self.components.insert(name.to_string(), Value::Null);
            let schema = build(self);
            self.components.insert(name.to_string(), schema);
        }
        json!({ "$ref": format!("#/components/schemas/{name}") })
    }

    /// The component `name`, to complete it (a discriminated union adds its tag to its
    /// members' models); `None` if it is not there or still being built.
    pub fn component_mut(&mut self, name: &str) -> Option<&mut Value> {
        self.components.get_mut(name).filter(|c| !c.is_null())
    }

    /// Adds a component as it is.
    pub fn insert(&mut self, name: &str, schema: Value) {
        self.components.insert(name.to_string(), schema);
    }

    /// The components, sorted by name (FastAPI's order).
    pub fn into_components(self) -> Map<String, Value> {
        let mut components: Vec<(String, Value)> = self.components.into_iter().collect();
        components.sort_by(|a, b| a.0.cmp(&b.0));
        components.into_iter().collect()
    }

    /// Where the fields of the model being built are written: [`Context::Body`], or
    /// [`Context::Parameter`] while [`SchemaGenerator::inline`] builds a parameter model.
    pub fn field_context(&self) -> Context {
        if self.parameter_fields {
            Context::Parameter
        } else {
            Context::Body
        }
    }

    /// The definition of a parameter model, whose fields the caller shows as parameters:
    /// `schema_of` gives the model's reference; the model is built apart, its fields in
    /// [`Context::Parameter`], and is not a component (the models it uses are).
    pub fn inline(&mut self, schema_of: impl FnOnce(&mut SchemaGenerator) -> Value) -> Value {
        self.definition(true, schema_of)
    }

    /// The definition of a model flattened into another (`#[serde(flatten)]`): built apart, in
    /// the current field context, and not a component (the models it uses are).
    #[doc(hidden)]
    pub fn flattened(&mut self, schema_of: impl FnOnce(&mut SchemaGenerator) -> Value) -> Value {
        let parameter_fields = self.parameter_fields;
        self.definition(parameter_fields, schema_of)
    }

    fn definition(
        &mut self,
        parameter_fields: bool,
        schema_of: impl FnOnce(&mut SchemaGenerator) -> Value,
    ) -> Value {
        let mut scratch = SchemaGenerator {
            components: IndexMap::new(),
            parameter_fields,
        };
        let reference = schema_of(&mut scratch);
        // The model's reference, or the one in an optional model's `anyOf`.
        let direct = reference.get("$ref").map(|_| &reference);
        let branch = reference
            .get("anyOf")
            .and_then(Value::as_array)
            .and_then(|branches| branches.iter().find(|b| b.get("$ref").is_some()));
        let name = direct
            .or(branch)
            .and_then(|r| r.get("$ref"))
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(str::to_string);
        let mut definition = reference;
        for (key, schema) in scratch.components {
            if Some(&key) == name.as_ref() {
                definition = schema;
            } else {
                self.components.entry(key).or_insert(schema);
            }
        }
        definition
    }

    /// Whether there are components.
    pub fn is_empty(&self) -> bool {
        self.components.is_empty()
    }
}

#[doc(hidden)]
/// Python's `name.replace("_", " ").title()`: pydantic's default title of a field.
pub fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut previous_cased = false;
    for c in name.chars() {
        let c = if c == '_' { ' ' } else { c };
        if c.is_alphabetic() {
            if previous_cased {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            previous_cased = true;
        } else {
            out.push(c);
            previous_cased = false;
        }
    }
    out
}

#[doc(hidden)]
/// Where a field's schema is written: a parameter (a parameter model's fields included) keeps
/// its bounds as written; a body field (a model's, or a `Body()` parameter's) has them as
/// floats, as FastAPI renders them there (`gt=0` is `0.0`, on an integer field too).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Context {
    /// A path, query, header or cookie parameter.
    Parameter,
    /// A field of a body.
    Body,
}

fn bound(n: &Number, context: Context) -> Value {
    match context {
        Context::Parameter => Value::Number(n.clone()),
        Context::Body => n
            .as_f64()
            .and_then(Number::from_f64)
            .map(Value::Number)
            .unwrap_or_else(|| Value::Number(n.clone())),
    }
}

/// The start of pydantic's `pattern` for a decimal's string form: not empty, not only signs
/// and points, an optional sign and leading zeros.
const DECIMAL_PATTERN_START: &str = r"^(?!^[-+.]*$)[+-]?0*";

/// The `pattern` pydantic writes for a `Decimal` with these `max_digits` and
/// `decimal_places` (`GenerateJsonSchema.get_decimal_pattern`).
pub(crate) fn decimal_pattern(max_digits: Option<u32>, decimal_places: Option<u32>) -> String {
    let rest = match (max_digits, decimal_places) {
        (Some(digits), Some(places)) => {
            let whole = digits.saturating_sub(places);
            format!(
                r"(?:\d{{0,{whole}}}|(?=[\d.]{{1,{}}}0*$)\d{{0,{whole}}}\.\d{{0,{places}}}0*$)",
                digits + 1
            )
        }
        (Some(digits), None) => format!(
            r"(?:\d{{0,{digits}}}|(?=[\d.]{{1,{}}}0*$)\d*\.\d*0*$)",
            digits + 1
        ),
        (None, Some(places)) => format!(r"\d*\.?\d{{0,{places}}}0*$"),
        (None, None) => r"\d*\.?\d*$".to_string(),
    };
    format!("{DECIMAL_PATTERN_START}{rest}")
}

/// The branches of a decimal's schema (`anyOf` of a number and a string with pydantic's
/// decimal pattern), in `schema` itself or in the first branch of an optional value's.
fn decimal_branches(schema: &mut Value) -> Option<&mut Vec<Value>> {
    fn is_decimal(branches: &[Value]) -> bool {
        branches.len() >= 2
            && branches[0].get("type") == Some(&json!("number"))
            && branches[1]
                .get("pattern")
                .and_then(Value::as_str)
                .is_some_and(|p| p.starts_with(DECIMAL_PATTERN_START))
    }
    let own = schema
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|b| is_decimal(b));
    if own {
        return schema.get_mut("anyOf").and_then(Value::as_array_mut);
    }
    let first = schema.get_mut("anyOf")?.get_mut(0)?;
    let nested = first
        .get("anyOf")
        .and_then(Value::as_array)
        .is_some_and(|b| is_decimal(b));
    if nested {
        first.get_mut("anyOf").and_then(Value::as_array_mut)
    } else {
        None
    }
}

#[doc(hidden)]
/// Writes `constraints` into `schema` (into the non-null branch of an optional value).
pub fn apply_constraints(schema: &mut Value, constraints: &Constraints, context: Context) {
    // A decimal: bounds (as floats, in parameters too) on the number branch, `max_digits` and
    // `decimal_places` in the string branch's pattern, as pydantic writes them.
    if let Some(branches) = decimal_branches(schema) {
        if constraints.max_digits.is_some() || constraints.decimal_places.is_some() {
            if let Some(text) = branches[1].as_object_mut() {
                text.insert(
                    "pattern".into(),
                    json!(decimal_pattern(
                        constraints.max_digits,
                        constraints.decimal_places
                    )),
                );
            }
        }
        apply_constraints(&mut branches[0], constraints, Context::Body);
        return;
    }
    let target = match schema.get_mut("anyOf").and_then(|a| a.get_mut(0)) {
        Some(first) => first,
        None => schema,
    };
    let Some(object) = target.as_object_mut() else {
        return;
    };
    let kind = object
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let kind = kind.as_str();
    let (min, max) = match kind {
        "array" => ("minItems", "maxItems"),
        "object" => ("minProperties", "maxProperties"),
        _ => ("minLength", "maxLength"),
    };
    if let Some(n) = constraints.gt.as_ref() {
        object.insert("exclusiveMinimum".into(), bound(n, context));
    }
    if let Some(n) = constraints.ge.as_ref() {
        object.insert("minimum".into(), bound(n, context));
    }
    if let Some(n) = constraints.lt.as_ref() {
        object.insert("exclusiveMaximum".into(), bound(n, context));
    }
    if let Some(n) = constraints.le.as_ref() {
        object.insert("maximum".into(), bound(n, context));
    }
    if let Some(n) = constraints.multiple_of.as_ref() {
        object.insert("multipleOf".into(), bound(n, context));
    }
    if let Some(n) = constraints.min_length {
        object.insert(min.into(), json!(n));
    }
    if let Some(n) = constraints.max_length {
        object.insert(max.into(), json!(n));
    }
    if let Some(p) = constraints.pattern.as_ref() {
        object.insert("pattern".into(), json!(p.as_str()));
    }
    // The items' constraints go into `items`, as pydantic writes `list[Annotated[int, Gt(0)]]`.
    if let (Some(items), Some(schema)) = (constraints.items.as_deref(), object.get_mut("items")) {
        apply_constraints(schema, items, context);
    }
}

#[doc(hidden)]
/// Adds a default and a title (no title beside a reference: pydantic writes
/// `{"$ref": …, "default": …}`).
pub fn annotate(schema: &mut Value, title: &str, default: Option<Value>) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    // FastAPI leaves a `None` default out of the document (pydantic writes `"default": null`).
    if let Some(default) = default.filter(|d| !d.is_null()) {
        object.insert("default".into(), default);
    }
    if object.contains_key("$ref") {
        return;
    }
    object.insert("title".into(), Value::String(title.to_string()));
}

#[doc(hidden)]
/// Sets `key` on a schema object (a field's or a model's `description`, `examples`…).
pub fn set(schema: &mut Value, key: &str, value: Value) {
    if let Some(object) = schema.as_object_mut() {
        object.insert(key.to_string(), value);
    }
}

#[doc(hidden)]
/// Merges the keys of `extra` (pydantic's `json_schema_extra`, an object) into a schema.
pub fn extend(schema: &mut Value, extra: Value) {
    if let (Some(object), Value::Object(extra)) = (schema.as_object_mut(), extra) {
        object.extend(extra);
    }
}

#[doc(hidden)]
/// Any `Serialize` value as JSON (`null` if it does not serialise), for schema metadata.
pub fn to_json<T: serde::Serialize + ?Sized>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

#[doc(hidden)]
/// The schema of a model: its properties (in order), the required ones, its title.
pub fn object(title: &str, properties: Map<String, Value>, required: Vec<String>) -> Value {
    let mut schema = Map::new();
    schema.insert("properties".into(), Value::Object(properties));
    schema.insert("type".into(), json!("object"));
    if !required.is_empty() {
        schema.insert("required".into(), json!(required));
    }
    schema.insert("title".into(), json!(title));
    Value::Object(schema)
}

#[doc(hidden)]
/// FastAPI's `HTTPValidationError` and `ValidationError` components.
pub fn validation_error_components(g: &mut SchemaGenerator) {
    g.insert(
        "ValidationError",
        json!({
            "properties": {
                "loc": {
                    "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]},
                    "type": "array",
                    "title": "Location"
                },
                "msg": {"type": "string", "title": "Message"},
                "type": {"type": "string", "title": "Error Type"},
                "input": {"title": "Input"},
                "ctx": {"type": "object", "title": "Context"}
            },
            "type": "object",
            "required": ["loc", "msg", "type"],
            "title": "ValidationError"
        }),
    );
    g.insert(
        "HTTPValidationError",
        json!({
            "properties": {
                "detail": {
                    "items": {"$ref": "#/components/schemas/ValidationError"},
                    "type": "array",
                    "title": "Detail"
                }
            },
            "type": "object",
            "title": "HTTPValidationError"
        }),
    );
}

/// FastAPI's `deep_dict_update`: merges `update` into `main`, objects key by key (recursively),
/// arrays by appending `update`'s items, anything else replaced. How an operation's
/// `openapi_extra` is merged into its generated object.
pub fn deep_merge(main: &mut Value, update: &Value) {
    let (Some(main), Some(update)) = (main.as_object_mut(), update.as_object()) else {
        return;
    };
    for (key, value) in update {
        match (main.get_mut(key), value) {
            (Some(existing @ Value::Object(_)), Value::Object(_)) => deep_merge(existing, value),
            (Some(Value::Array(existing)), Value::Array(more)) => {
                existing.extend(more.iter().cloned())
            }
            _ => {
                main.insert(key.clone(), value.clone());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::title_case;

    #[test]
    fn titles_like_python() {
        for (name, title) in [
            ("item_id", "Item Id"),
            ("x-token", "X-Token"),
            ("user-agent", "User-Agent"),
            ("q", "Q"),
            ("a1b", "A1B"),
            ("grant_type", "Grant Type"),
            ("HTTPThing", "Httpthing"),
        ] {
            assert_eq!(title_case(name), title, "{name}");
        }
    }
}
