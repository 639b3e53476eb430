//! The OpenAPI 3.1 document of an app, FastAPI's `app.openapi()`, and the pages that show it:
//! `/docs` (Swagger UI) and `/redoc` (see [`docs`]).
//!
//! The document is built from the registered operations: their parameters (and their
//! dependencies' parameters) with their JSON Schemas and constraints, request bodies (JSON,
//! form, multipart), responses (the success status and response model, and the 422 whenever
//! there is something to validate), tags, summaries from the function names, descriptions from
//! the doc comments, `operationId`s by FastAPI's rule, and the security schemes the operations
//! depend on. For the tutorial it is the document FastAPI serves for `tutorial.py`
//! (`tests/tests/openapi_diff.rs` compares them).

pub mod docs;

use serde_json::{json, Map, Value};

// The schema generator lives with the validators (pydantic keeps `GenerateJsonSchema` beside
// its core schemas); re-exported here, where the document is built.
pub use crate::dependencies::SecurityRequirement;
pub use crate::validation::schema::{self, SchemaGenerator};
use crate::validation::schema::{
    annotate, apply_constraints, object, title_case, validation_error_components, Context,
};

use crate::params::{ParamSpec, Source};
use crate::routing::Operation;

/// The API's metadata (OpenAPI `info` and `servers`).
#[derive(Clone)]
pub struct Info {
    /// The title.
    pub title: String,
    /// The version.
    pub version: String,
    /// The description (left out when empty).
    pub description: String,
    /// The summary, if any.
    pub summary: Option<String>,
    /// The `servers` entries (URLs), if any.
    pub servers: Vec<String>,
    /// The schema of a 422 answer when the app replaced FastAPI's format (its exception
    /// handler for `RequestValidationError`); FastAPI's `HTTPValidationError` otherwise.
    pub validation_error_schema: Option<Value>,
    /// The app-wide dependencies (`App::dependency`, FastAPI's `FastAPI(dependencies=[…])`):
    /// their parameters and security schemes are every operation's, before its own.
    pub dependencies: Vec<std::sync::Arc<dyn crate::dependencies::ErasedDependency>>,
}

impl std::fmt::Debug for Info {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Info")
            .field("title", &self.title)
            .field("version", &self.version)
            .field("description", &self.description)
            .field("summary", &self.summary)
            .field("servers", &self.servers)
            .field("validation_error_schema", &self.validation_error_schema)
            .field("dependencies", &self.dependencies.len())
            .finish()
    }
}

impl Default for Info {
    fn default() -> Self {
        Info {
            title: "FastAPI".to_string(),
            version: "0.1.0".to_string(),
            description: String::new(),
            summary: None,
            servers: Vec::new(),
            validation_error_schema: None,
            dependencies: Vec::new(),
        }
    }
}

/// FastAPI's `generate_unique_id`: the name, the path with every non-word character as `_`, and
/// the first method.
pub fn operation_id(name: &str, path: &str, method: &str) -> String {
    let raw = format!("{name}{path}");
    let cleaned: String = raw
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{cleaned}_{}", method.to_ascii_lowercase())
}

/// The path template without convertors (`/files/{path:path}` → `/files/{path}`).
pub fn path_format(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let Some(close) = rest[open..].find('}') else {
            out.push_str(&rest[open..]);
            return out;
        };
        let inner = &rest[open + 1..open + close];
        out.push('{');
        out.push_str(inner.split(':').next().unwrap_or(inner));
        out.push('}');
        rest = &rest[open + close + 1..];
    }
    out.push_str(rest);
    out
}

/// A parameter's or body field's schema: the type's, its constraints (bounds as written for a
/// parameter, as floats in a body), its title, default and format.
/// The `Body_<operation>` component holding `specs` as fields (an embedded or multi-argument
/// body, or a form): a reference to it, and whether any field is required.
fn body_object(component: &str, specs: &[&ParamSpec], g: &mut SchemaGenerator) -> (Value, bool) {
    let mut properties = Map::new();
    let mut required = Vec::new();
    for spec in specs {
        properties.insert(
            spec.wire_name().to_string(),
            field_schema(spec, g, Context::Body),
        );
        if spec.is_required() {
            required.push(spec.wire_name().to_string());
        }
    }
    let any_required = !required.is_empty();
    g.insert(component, object(component, properties, required));
    (
        json!({ "$ref": format!("#/components/schemas/{component}") }),
        any_required,
    )
}

/// An operation's `requestBody`: one media type, `required` only when it is.
fn request_body(media: &str, schema: Value, required: bool) -> Value {
    let mut out = Map::new();
    out.insert("content".into(), json!({ media: { "schema": schema } }));
    if required {
        out.insert("required".into(), json!(true));
    }
    Value::Object(out)
}

fn field_schema(spec: &ParamSpec, g: &mut SchemaGenerator, context: Context) -> Value {
    let mut schema = spec.schema(g);
    apply_constraints(&mut schema, spec.constraints(), context);
    let title = spec
        .title_text()
        .map(str::to_string)
        .unwrap_or_else(|| title_case(spec.wire_name()));
    if let (Some(format), Some(object)) = (spec.format_text(), schema.as_object_mut()) {
        object.insert("format".into(), json!(format));
    }
    annotate(&mut schema, &title, spec.default_json());
    describe(&mut schema, spec);
    schema
}

/// A parameter's or body's documentation in its schema, where FastAPI writes it: the
/// description, `deprecated`, and the `examples` (beside a `$ref` too).
fn describe(schema: &mut Value, spec: &ParamSpec) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(description) = spec.description_text() {
        if !object.contains_key("$ref") {
            object.insert("description".into(), json!(description));
        }
    }
    if spec.is_deprecated() && !object.contains_key("$ref") {
        object.insert("deprecated".into(), json!(true));
    }
    if let Some(examples) = spec.examples_value() {
        object.insert("examples".into(), examples.clone());
    }
}

/// A parameter model's fields, each its own parameter (FastAPI's documentation of
/// `Annotated[Model, Query()]`): the field's schema from the model's, required as in the model,
/// a header field under its header name. The model itself is not a component unless something
/// else uses it.
fn model_parameters(
    spec: &ParamSpec,
    location: &'static str,
    g: &mut SchemaGenerator,
    seen: &mut Vec<(&'static str, String)>,
    parameters: &mut Vec<Value>,
) {
    let model = g.inline(|g| spec.schema(g));
    let required: Vec<&str> = model
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let Some(properties) = model.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (key, schema) in properties {
        let name = if location == "header" {
            key.replace('_', "-")
        } else {
            key.clone()
        };
        if seen.iter().any(|(l, n)| *l == location && *n == name) {
            continue;
        }
        seen.push((location, name.clone()));
        let mut parameter = Map::new();
        parameter.insert("name".into(), json!(name));
        parameter.insert("in".into(), json!(location));
        parameter.insert("required".into(), json!(required.contains(&key.as_str())));
        if let Some(description) = schema.get("description") {
            parameter.insert("description".into(), description.clone());
        }
        parameter.insert("schema".into(), schema.clone());
        parameters.push(Value::Object(parameter));
    }
}

/// The OpenAPI object of one operation for `method`.
fn operation_object(
    info: &Info,
    op: &Operation,
    method: &str,
    path: &str,
    g: &mut SchemaGenerator,
    security_schemes: &mut Map<String, Value>,
    needs_validation_error: &mut bool,
) -> Value {
    let decl = op.declaration_after(&info.dependencies);
    let mut out = Map::new();
    if !op.tags().is_empty() {
        out.insert("tags".into(), json!(op.tags()));
    }
    out.insert(
        "summary".into(),
        json!(op
            .summary_text()
            .map(str::to_string)
            .unwrap_or_else(|| title_case(op.route_name()))),
    );
    if let Some(description) = op.describe() {
        out.insert("description".into(), json!(description));
    }
    let id = op
        .operation_id_text()
        .map(str::to_string)
        .unwrap_or_else(|| operation_id(op.route_name(), path, method));
    out.insert("operationId".into(), json!(id));

    // Parameters: each (location, name) once, in declaration order.
    let mut seen: Vec<(&'static str, String)> = Vec::new();
    let mut parameters = Vec::new();
    let mut body: Vec<&ParamSpec> = Vec::new();
    let mut form: Vec<&ParamSpec> = Vec::new();
    let mut hidden_inputs = false;
    for spec in decl.specs() {
        let location = match spec.source() {
            Source::Path => "path",
            Source::Query
                if spec.is_maybe_path() && path.contains(&format!("{{{}}}", spec.name())) =>
            {
                "path"
            }
            Source::Query => "query",
            Source::Header => "header",
            Source::Cookie => "cookie",
            Source::Body => {
                body.push(spec);
                continue;
            }
            Source::Form | Source::File => {
                form.push(spec);
                continue;
            }
        };
        // `include_in_schema = false`: read, not documented (the 422 stays, as in FastAPI).
        if !spec.is_in_schema() {
            hidden_inputs = true;
            continue;
        }
        if spec.param_model_fields().is_some() {
            model_parameters(spec, location, g, &mut seen, &mut parameters);
            continue;
        }
        let name = spec.wire_name().to_string();
        if seen.iter().any(|(l, n)| *l == location && *n == name) {
            continue;
        }
        seen.push((location, name.clone()));
        let required = location == "path" || spec.is_required();
        let mut parameter = Map::new();
        parameter.insert("name".into(), json!(name));
        parameter.insert("in".into(), json!(location));
        parameter.insert("required".into(), json!(required));
        if let Some(description) = spec.description_text() {
            parameter.insert("description".into(), json!(description));
        }
        parameter.insert("schema".into(), field_schema(spec, g, Context::Parameter));
        if let Some(examples) = spec.openapi_examples_value() {
            parameter.insert("examples".into(), examples.clone());
        }
        if spec.is_deprecated() {
            parameter.insert("deprecated".into(), json!(true));
        }
        parameters.push(Value::Object(parameter));
    }
    // FastAPI lists path, then query, header and cookie parameters.
    let rank = |p: &Value| match p.get("in").and_then(Value::as_str) {
        Some("path") => 0,
        Some("query") => 1,
        Some("header") => 2,
        _ => 3,
    };
    parameters.sort_by_key(rank);
    let has_inputs =
        hidden_inputs || !parameters.is_empty() || !body.is_empty() || !form.is_empty();
    if !parameters.is_empty() {
        out.insert("parameters".into(), Value::Array(parameters));
    }

    let body_component = format!("Body_{id}");
    if !form.is_empty() {
        let (schema, required) = match form[..] {
            // A form model is the body's schema itself, as FastAPI documents it.
            [spec] if spec.param_model_fields().is_some() => (spec.schema(g), true),
            _ => body_object(&body_component, &form, g),
        };
        let media = if form.iter().any(|s| s.source() == Source::File) {
            "multipart/form-data"
        } else {
            "application/x-www-form-urlencoded"
        };
        out.insert("requestBody".into(), request_body(media, schema, required));
    } else if !body.is_empty() {
        let (schema, required) = if body.len() == 1 && !body[0].is_embedded() {
            let spec = body[0];
            let mut schema = spec.schema(g);
            apply_constraints(&mut schema, spec.constraints(), Context::Body);
            annotate(
                &mut schema,
                &title_case(spec.wire_name()),
                spec.default_json(),
            );
            describe(&mut schema, spec);
            (schema, spec.is_required())
        } else {
            body_object(&body_component, &body, g)
        };
        let mut request = request_body("application/json", schema, required);
        // `openapi_examples` of the body: named examples beside the schema.
        if let Some(examples) = body.iter().find_map(|s| s.openapi_examples_value()) {
            if let Some(media) = request.pointer_mut("/content/application~1json") {
                media["examples"] = examples.clone();
            }
        }
        out.insert("requestBody".into(), request);
    }

    // Responses.
    let status = op.declared_status().map(|s| s.as_u16()).unwrap_or(200);
    let mut success = Map::new();
    success.insert("description".into(), json!("Successful Response"));
    if !matches!(status, 100..=199 | 204 | 304) {
        let (media, key, mut schema) = op.response_content(g);
        // A response model that is not a component (a union, a list) gets FastAPI's title.
        if op.documents_model() && schema.as_object().is_some_and(|o| !o.is_empty()) {
            crate::validation::schema::annotate(
                &mut schema,
                &crate::validation::schema::title_case(&format!("Response_{id}")),
                None,
            );
        }
        // A response class without a media type (a file) documents no content.
        if !media.is_empty() {
            success.insert("content".into(), json!({ media: { key: schema } }));
        }
    }
    let mut responses = Map::new();
    responses.insert(status.to_string(), Value::Object(success));
    for extra in op.extra_responses() {
        let mut response = Map::new();
        response.insert("description".into(), json!(extra.description));
        if let Some(model) = extra.model {
            response.insert(
                "content".into(),
                json!({"application/json": {"schema": model(g)}}),
            );
        }
        responses.insert(extra.status.to_string(), Value::Object(response));
    }
    if has_inputs {
        let schema = match &info.validation_error_schema {
            Some(schema) => schema.clone(),
            None => {
                *needs_validation_error = true;
                json!({"$ref": "#/components/schemas/HTTPValidationError"})
            }
        };
        responses.insert(
            "422".into(),
            json!({
                "description": "Validation Error",
                "content": {"application/json": {"schema": schema}}
            }),
        );
    }
    out.insert("responses".into(), Value::Object(responses));
    if op.is_deprecated() {
        out.insert("deprecated".into(), json!(true));
    }
    let security = decl.security_requirements();
    if !security.is_empty() {
        let mut requirements = Vec::new();
        for s in security {
            security_schemes.insert(s.name.clone(), s.scheme.clone());
            requirements.push(json!({ s.name.clone(): s.scopes }));
        }
        out.insert("security".into(), Value::Array(requirements));
    }
    Value::Object(out)
}

/// The document for `operations`.
pub fn document(info: &Info, operations: &[Operation]) -> Value {
    let mut g = SchemaGenerator::new();
    let mut security_schemes = Map::new();
    let mut needs_validation_error = false;
    let mut paths: Map<String, Value> = Map::new();
    for op in operations {
        if !op.is_in_schema() || op.is_websocket() {
            continue;
        }
        let path = path_format(op.path());
        for method in op.methods() {
            let method = method.as_str().to_ascii_lowercase();
            let object = operation_object(
                info,
                op,
                &method,
                &path,
                &mut g,
                &mut security_schemes,
                &mut needs_validation_error,
            );
            let entry = paths.entry(path.clone()).or_insert_with(|| json!({}));
            if let Some(entry) = entry.as_object_mut() {
                entry.insert(method, object);
            }
        }
    }
    if needs_validation_error {
        validation_error_components(&mut g);
    }
    let mut doc = Map::new();
    doc.insert("openapi".into(), json!("3.1.0"));
    let mut info_object = Map::new();
    info_object.insert("title".into(), json!(info.title));
    if let Some(summary) = &info.summary {
        info_object.insert("summary".into(), json!(summary));
    }
    if !info.description.is_empty() {
        info_object.insert("description".into(), json!(info.description));
    }
    info_object.insert("version".into(), json!(info.version));
    doc.insert("info".into(), Value::Object(info_object));
    if !info.servers.is_empty() {
        let servers: Vec<Value> = info
            .servers
            .iter()
            .map(|url| json!({ "url": url }))
            .collect();
        doc.insert("servers".into(), Value::Array(servers));
    }
    doc.insert("paths".into(), Value::Object(paths));
    let mut components = Map::new();
    if !g.is_empty() {
        components.insert("schemas".into(), Value::Object(g.into_components()));
    }
    if !security_schemes.is_empty() {
        components.insert("securitySchemes".into(), Value::Object(security_schemes));
    }
    if !components.is_empty() {
        doc.insert("components".into(), Value::Object(components));
    }
    Value::Object(doc)
}

/// The same document in OpenAPI 3.0.3, for generators that do not read 3.1 yet: optional
/// values (`anyOf` with `{"type":"null"}`) become `nullable`, numeric exclusive bounds become
/// the boolean form, binary content becomes `format: binary`, and 3.1-only keywords go.
pub fn to_openapi_30(document: &Value) -> Value {
    let mut doc = document.clone();
    if let Some(map) = doc.as_object_mut() {
        map.insert("openapi".into(), json!("3.0.3"));
        map.remove("webhooks");
    }
    downgrade(&mut doc);
    doc
}

fn downgrade(value: &mut Value) {
    match value {
        Value::Array(items) => items.iter_mut().for_each(downgrade),
        Value::Object(map) => {
            for v in map.values_mut() {
                downgrade(v);
            }
            // anyOf [X, {"type": "null"}] → X with nullable (a $ref is wrapped in allOf).
            if let Some(Value::Array(any)) = map.get("anyOf") {
                let null = json!({"type": "null"});
                if any.len() == 2 && any.contains(&null) {
                    let other = any
                        .iter()
                        .find(|v| **v != null)
                        .cloned()
                        .unwrap_or(json!({}));
                    map.remove("anyOf");
                    match other {
                        Value::Object(inner) if inner.contains_key("$ref") => {
                            map.insert("allOf".into(), json!([Value::Object(inner)]));
                        }
                        Value::Object(inner) => {
                            for (k, v) in inner {
                                map.entry(k).or_insert(v);
                            }
                        }
                        _ => {}
                    }
                    map.insert("nullable".into(), json!(true));
                }
            }
            for (exclusive, bound) in [
                ("exclusiveMinimum", "minimum"),
                ("exclusiveMaximum", "maximum"),
            ] {
                if let Some(n) = map.get(exclusive).filter(|v| v.is_number()).cloned() {
                    map.insert(bound.into(), n);
                    map.insert(exclusive.into(), json!(true));
                }
            }
            if map.get("contentMediaType").and_then(Value::as_str)
                == Some("application/octet-stream")
            {
                map.remove("contentMediaType");
                map.insert("format".into(), json!("binary"));
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::{operation_id, path_format, to_openapi_30};
    use serde_json::json;

    #[test]
    fn renders_3_0() {
        let doc = json!({
            "openapi": "3.1.0",
            "components": {"schemas": {"A": {"properties": {
                "q": {"anyOf": [{"type": "string", "minLength": 2}, {"type": "null"}], "title": "Q"},
                "m": {"anyOf": [{"$ref": "#/components/schemas/B"}, {"type": "null"}]},
                "p": {"type": "number", "exclusiveMinimum": 0.0},
                "f": {"type": "string", "contentMediaType": "application/octet-stream"}
            }}}}
        });
        let old = to_openapi_30(&doc);
        assert_eq!(old["openapi"], "3.0.3");
        let props = &old["components"]["schemas"]["A"]["properties"];
        assert_eq!(
            props["q"],
            json!({"type": "string", "minLength": 2, "title": "Q", "nullable": true})
        );
        assert_eq!(
            props["m"],
            json!({"allOf": [{"$ref": "#/components/schemas/B"}], "nullable": true})
        );
        assert_eq!(
            props["p"],
            json!({"type": "number", "minimum": 0.0, "exclusiveMinimum": true})
        );
        assert_eq!(props["f"], json!({"type": "string", "format": "binary"}));
    }

    #[test]
    fn operation_ids_like_fastapi() {
        assert_eq!(
            operation_id("read_item", "/items/{item_id}", "GET"),
            "read_item_items__item_id__get"
        );
        assert_eq!(operation_id("token", "/token", "post"), "token_token_post");
        assert_eq!(path_format("/paths/{file_path:path}"), "/paths/{file_path}");
    }
}
