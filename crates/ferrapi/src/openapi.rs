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
    /// `info.termsOfService`, if any.
    pub terms_of_service: Option<String>,
    /// `info.contact` (name, url, email), if any.
    pub contact: Option<Value>,
    /// `info.license` (name, identifier or url), if any.
    pub license_info: Option<Value>,
    /// The document's `tags` (name, description, externalDocs), in order (FastAPI's
    /// `openapi_tags`).
    pub tags: Vec<Value>,
    /// The document's `externalDocs`, if any (FastAPI's `openapi_external_docs`).
    pub external_docs: Option<Value>,
    /// The app's `operationId` rule (FastAPI's `generate_unique_id_function`), for the
    /// operations without their own or their router's; [`operation_id`]'s rule by default.
    pub generate_unique_id: Option<fn(&Operation) -> String>,
    /// The webhooks (FastAPI's `app.webhooks`): documented under `webhooks`, keyed by their
    /// path (the webhook's name), not served.
    pub webhooks: Vec<Operation>,
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
            .field("terms_of_service", &self.terms_of_service)
            .field("contact", &self.contact)
            .field("license_info", &self.license_info)
            .field("tags", &self.tags)
            .field("external_docs", &self.external_docs)
            .field("generate_unique_id", &self.generate_unique_id.is_some())
            .field("webhooks", &self.webhooks)
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
            terms_of_service: None,
            contact: None,
            license_info: None,
            tags: Vec::new(),
            external_docs: None,
            generate_unique_id: None,
            webhooks: Vec::new(),
        }
    }
}

/// A tag's metadata, an item of the document's `tags` (FastAPI's `openapi_tags` items), for
/// [`App::openapi_tags`](crate::App::openapi_tags) (which takes JSON too).
///
/// ```
/// use ferrapi::openapi::{ExternalDocs, Tag};
/// use ferrapi::App;
///
/// let app = App::new().openapi_tags([
///     Tag::new("users").description("Operations with users."),
///     Tag::new("items").external_docs(
///         ExternalDocs::new("https://fastapi.tiangolo.com/").description("Items external docs"),
///     ),
/// ]);
/// assert_eq!(app.openapi()["tags"][1]["externalDocs"]["url"], "https://fastapi.tiangolo.com/");
/// ```
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Tag {
    /// The name the operations use in `tags = [...]`.
    pub name: String,
    /// The description (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where more is documented.
    #[serde(rename = "externalDocs", skip_serializing_if = "Option::is_none")]
    pub external_docs: Option<ExternalDocs>,
}

impl Tag {
    /// A tag named `name`, without description.
    pub fn new(name: impl Into<String>) -> Tag {
        Tag {
            name: name.into(),
            ..Tag::default()
        }
    }

    /// The description (Markdown).
    pub fn description(mut self, description: impl Into<String>) -> Tag {
        self.description = Some(description.into());
        self
    }

    /// Where more is documented.
    pub fn external_docs(mut self, docs: ExternalDocs) -> Tag {
        self.external_docs = Some(docs);
        self
    }
}

/// An OpenAPI external documentation object (`url`, `description`): a tag's, or the document's
/// ([`App::openapi_external_docs`](crate::App::openapi_external_docs)).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct ExternalDocs {
    /// The description (Markdown).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The URL.
    pub url: String,
}

impl ExternalDocs {
    /// Documentation at `url`.
    pub fn new(url: impl Into<String>) -> ExternalDocs {
        ExternalDocs {
            description: None,
            url: url.into(),
        }
    }

    /// The description (Markdown).
    pub fn description(mut self, description: impl Into<String>) -> ExternalDocs {
        self.description = Some(description.into());
        self
    }
}

/// The API's contact, OpenAPI `info.contact`, for [`App::contact`](crate::App::contact) (which
/// takes JSON too).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Contact {
    /// The person's or organisation's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// A URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// An email address.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

impl Contact {
    /// A contact named `name`.
    pub fn new(name: impl Into<String>) -> Contact {
        Contact {
            name: Some(name.into()),
            ..Contact::default()
        }
    }

    /// A URL.
    pub fn url(mut self, url: impl Into<String>) -> Contact {
        self.url = Some(url.into());
        self
    }

    /// An email address.
    pub fn email(mut self, email: impl Into<String>) -> Contact {
        self.email = Some(email.into());
        self
    }
}

/// The API's license, OpenAPI `info.license` (FastAPI's `license_info`), for
/// [`App::license_info`](crate::App::license_info) (which takes JSON too): a name, and an SPDX
/// identifier or a URL.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct License {
    /// The license's name.
    pub name: String,
    /// Its SPDX identifier (`MIT`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identifier: Option<String>,
    /// Its URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

impl License {
    /// A license named `name`.
    pub fn new(name: impl Into<String>) -> License {
        License {
            name: name.into(),
            ..License::default()
        }
    }

    /// Its SPDX identifier (`MIT`).
    pub fn identifier(mut self, identifier: impl Into<String>) -> License {
        self.identifier = Some(identifier.into());
        self
    }

    /// Its URL.
    pub fn url(mut self, url: impl Into<String>) -> License {
        self.url = Some(url.into());
        self
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

/// FastAPI's `generate_unique_id(route)`, the default `operationId` rule, as a function of an
/// operation: its name, its path with every non-word character as `_`, and its first method.
/// A custom rule ([`App::generate_unique_id_function`](crate::App::generate_unique_id_function))
/// has this signature.
pub fn generate_unique_id(op: &Operation) -> String {
    let method = op.methods().first().map(|m| m.as_str()).unwrap_or("");
    operation_id(op.route_name(), &path_format(op.path()), method)
}

pub use crate::validation::schema::deep_merge;

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

/// What the operations being documented share: the schemas, security schemes and whether the
/// validation error components are needed.
struct Shared<'a> {
    info: &'a Info,
    g: SchemaGenerator,
    security_schemes: Map<String, Value>,
    needs_validation_error: bool,
}

/// The path item of `op` (an object keyed by lowercase method). `app_level`: whether the
/// app's dependencies run before it (not for webhooks and callbacks, which FastAPI keeps in
/// routers of their own).
fn path_item(shared: &mut Shared<'_>, op: &Operation, app_level: bool) -> Map<String, Value> {
    let path = path_format(op.path());
    let mut item = Map::new();
    for method in op.methods() {
        let method = method.as_str().to_ascii_lowercase();
        let mut object = operation_object(shared, op, &method, &path, app_level);
        if let Some(extra) = op.openapi_extra_value() {
            deep_merge(&mut object, extra);
        }
        item.insert(method, object);
    }
    item
}

/// The OpenAPI object of one operation for `method`.
fn operation_object(
    shared: &mut Shared<'_>,
    op: &Operation,
    method: &str,
    path: &str,
    app_level: bool,
) -> Value {
    let info = shared.info;
    let outer: &[std::sync::Arc<dyn crate::dependencies::ErasedDependency>] =
        if app_level { &info.dependencies } else { &[] };
    let decl = op.declaration_after(outer);
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
    // The app's rule is for the app's operations: FastAPI's webhooks and callbacks are in
    // routers of their own, with the default rule unless they have theirs.
    let app_rule = info.generate_unique_id.filter(|_| app_level);
    let id = match (op.operation_id_text(), op.unique_id_function(), app_rule) {
        (Some(id), _, _) => id.to_string(),
        (None, Some(rule), _) | (None, None, Some(rule)) => rule(op),
        (None, None, None) => operation_id(op.route_name(), path, method),
    };
    out.insert("operationId".into(), json!(id));
    let g = &mut shared.g;

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
            // The body as it came: documented by the app (`openapi_extra`), as FastAPI
            // documents nothing for `await request.body()`.
            Source::Body if spec.is_raw_body() => continue,
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

    // Callbacks: `{name: {path: path item}}`, each documented as an operation of its own.
    if !op.callback_operations().is_empty() {
        let mut callbacks = Map::new();
        for callback in op.callback_operations() {
            let item = path_item(shared, callback, false);
            let mut by_path = Map::new();
            by_path.insert(callback.path().to_string(), Value::Object(item));
            callbacks.insert(callback.route_name().to_string(), Value::Object(by_path));
        }
        out.insert("callbacks".into(), Value::Object(callbacks));
    }
    let g = &mut shared.g;

    // Responses.
    let status = op.documented_status();
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
                shared.needs_validation_error = true;
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
            shared
                .security_schemes
                .insert(s.name.clone(), s.scheme.clone());
            requirements.push(json!({ s.name.clone(): s.scopes }));
        }
        out.insert("security".into(), Value::Array(requirements));
    }
    Value::Object(out)
}

/// The document for `operations` (and `info.webhooks`), as FastAPI's `get_openapi` writes it.
pub fn document(info: &Info, operations: &[Operation]) -> Value {
    let mut shared = Shared {
        info,
        g: SchemaGenerator::new(),
        security_schemes: Map::new(),
        needs_validation_error: false,
    };
    let mut paths: Map<String, Value> = Map::new();
    for op in operations {
        if !op.is_in_schema() || op.is_websocket() {
            continue;
        }
        let item = path_item(&mut shared, op, true);
        let entry = paths
            .entry(path_format(op.path()))
            .or_insert_with(|| json!({}));
        if let Some(entry) = entry.as_object_mut() {
            entry.extend(item);
        }
    }
    let mut webhooks: Map<String, Value> = Map::new();
    for op in &info.webhooks {
        if !op.is_in_schema() || op.is_websocket() {
            continue;
        }
        let item = path_item(&mut shared, op, false);
        let entry = webhooks
            .entry(path_format(op.path()))
            .or_insert_with(|| json!({}));
        if let Some(entry) = entry.as_object_mut() {
            entry.extend(item);
        }
    }
    let Shared {
        mut g,
        security_schemes,
        needs_validation_error,
        ..
    } = shared;
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
    if let Some(terms) = &info.terms_of_service {
        info_object.insert("termsOfService".into(), json!(terms));
    }
    if let Some(contact) = &info.contact {
        info_object.insert("contact".into(), contact.clone());
    }
    if let Some(license) = &info.license_info {
        info_object.insert("license".into(), license.clone());
    }
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
    if !webhooks.is_empty() {
        doc.insert("webhooks".into(), Value::Object(webhooks));
    }
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
    if !info.tags.is_empty() {
        doc.insert("tags".into(), Value::Array(info.tags.clone()));
    }
    if let Some(external_docs) = &info.external_docs {
        doc.insert("externalDocs".into(), external_docs.clone());
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
    use super::{deep_merge, operation_id, path_format, to_openapi_30};
    use serde_json::json;

    #[test]
    fn merges_as_deep_dict_update() {
        let mut main = json!({
            "tags": ["a"],
            "responses": {"200": {"description": "OK", "content": {}}},
            "summary": "S",
        });
        deep_merge(
            &mut main,
            &json!({
                "tags": ["b"],
                "responses": {"200": {"description": "Yes"}, "404": {"description": "No"}},
                "summary": {"not": "a string"},
                "x-new": 1,
            }),
        );
        assert_eq!(
            main,
            json!({
                "tags": ["a", "b"],
                "responses": {
                    "200": {"description": "Yes", "content": {}},
                    "404": {"description": "No"},
                },
                "summary": {"not": "a string"},
                "x-new": 1,
            })
        );
    }

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
