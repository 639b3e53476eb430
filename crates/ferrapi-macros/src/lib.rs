//! Route macros for ferrapi: `#[get("/items/{id}")]` and friends, FastAPI's decorators.
//!
//! ```
//! #[ferrapi::get("/items/{item_id}", tags = ["items"])]
//! async fn read_item(item_id: i64, q: Option<String>) -> serde_json::Value {
//!     serde_json::json!({ "item_id": item_id, "q": q })
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = ferrapi::App::new().route(read_item);
//! let client = ferrapi::toolkit::testclient::TestClient::new(app);
//! assert_eq!(client.get("/items/5?q=x").send().await.text(), r#"{"item_id":5,"q":"x"}"#);
//! assert_eq!(client.get("/items/five").send().await.status(), 422);
//! # }
//! ```
//!
//! The macro turns the function into a function of the same name, without arguments, that
//! returns its `ferrapi::routing::Operation` (so `App::route(read_item)` takes it, and the name
//! stays free for arguments and locals); the original function is kept inside it and called
//! with the validated arguments. `#[dependency]` does the same for a dependency.
//!
//! Where each argument comes from is inferred as FastAPI infers it:
//! a name in the path template is a path parameter; a model (`#[derive(Model)]`) is the body;
//! anything else (scalars, `Option`, `Vec`, enums) is a query parameter. Attributes override
//! it and add constraints: `#[path(ge = 1)]`, `#[query(max_length = 50, alias = "item-query")]`,
//! `#[header]`, `#[cookie]`, `#[body]`, `#[body(embed)]`, `#[param(gt = 0)]` (constraints with
//! the inferred source), and `default = <expr>` in any of them; `title = "…"` and
//! `description = "…"` are documentation only (FastAPI's `Path(title=…)`).
//!
//! An `async fn` runs on the runtime; a plain `fn` runs on the toolkit's bounded thread pool,
//! FastAPI's rule for `def` endpoints.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod dependant;
mod dependency;
mod model;
mod route;
mod union;

use proc_macro::TokenStream;

macro_rules! method_macro {
    ($($(#[$doc:meta])* $name:ident => $method:literal;)*) => {
        $(
            $(#[$doc])*
            #[proc_macro_attribute]
            pub fn $name(args: TokenStream, item: TokenStream) -> TokenStream {
                route::expand(&[$method], args.into(), item.into())
                    .unwrap_or_else(syn::Error::into_compile_error)
                    .into()
            }
        )*
    };
}

method_macro! {
    /// A `GET` path operation (it answers `HEAD` too, which FastAPI does not).
    get => "GET";
    /// A `POST` path operation.
    post => "POST";
    /// A `PUT` path operation.
    put => "PUT";
    /// A `PATCH` path operation.
    patch => "PATCH";
    /// A `DELETE` path operation.
    delete => "DELETE";
    /// An `OPTIONS` path operation.
    options => "OPTIONS";
    /// A `HEAD` path operation.
    head => "HEAD";
    /// A `TRACE` path operation.
    trace => "TRACE";
}

/// A WebSocket operation: `#[websocket("/ws/rooms/{room}")] async fn ws(websocket: WebSocket,
/// room: String)`. Its other arguments (path, query, header, cookie parameters, dependencies)
/// are read from the handshake; when they are invalid the socket is closed with 1008 before it
/// is accepted, as FastAPI does.
#[proc_macro_attribute]
pub fn websocket(args: TokenStream, item: TokenStream) -> TokenStream {
    route::expand(&[], args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// A dependency (FastAPI's `Depends`): `#[dependency] async fn common(q: Option<String>) ->
/// T`. Its arguments are read as a path operation's are; it returns its value, a
/// `Result` (an error ends the request), or a `ferrapi::Yield` (a value and its teardown).
/// Options: `scope = "request"` (default: teardown after the response), `"function"`
/// (teardown before the response), `"app"` (built once at startup); `non_blocking` for a plain
/// `fn` cheap enough to run in place rather than on the thread pool.
#[proc_macro_attribute]
pub fn dependency(args: TokenStream, item: TokenStream) -> TokenStream {
    dependency::expand(args.into(), item.into())
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives a class dependency (FastAPI's `Depends()` on a class) for a struct whose fields are
/// parameters, with the same attributes as a path operation's arguments (but `#[path]`, a
/// built-in attribute: a field named like a path parameter of the route is read from the path):
/// `#[depends] paging: Paging`.
#[proc_macro_derive(
    Dependency,
    attributes(query, header, cookie, body, form, file, param, depends, security)
)]
pub fn derive_dependency(input: TokenStream) -> TokenStream {
    dependency::derive(syn::parse_macro_input!(input as syn::DeriveInput))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `ferrapi::Validate` for a struct with named fields: pydantic's `BaseModel`.
///
/// Fields are read from a JSON object by name (or `#[serde(rename)]` / `rename_all`, or
/// `#[field(alias = "…")]`), validated by type with pydantic's lax rules, and checked against
/// `#[field(gt = 0, min_length = 2, pattern = "^a", …)]`; `#[field(default)]` or
/// `#[field(default = expr)]` applies when the field is absent, and `Option` fields are `None`
/// when absent. Every field's errors are reported, at `[…, "field"]`. Unknown fields are
/// ignored, as pydantic ignores them by default; `#[model(extra = "forbid")]` (or
/// `#[serde(deny_unknown_fields)]`) refuses them with pydantic's `extra_forbidden`, and a
/// `#[serde(flatten)]` map keeps them (`#[model(extra = "allow")]`).
///
/// Validators: `#[field(validate = f)]` (after: `fn(T) -> Result<T, E>`),
/// `#[field(validate_before = f)]` (`fn(&Value) -> Result<Value, E>`), and the same on the
/// model, `#[model(validate = f)]` (`fn(Self) -> Result<Self, E>`) and
/// `#[model(validate_before = f)]`: an error is pydantic's `value_error` at the field's (or the
/// model's) location.
///
/// Every `#[serde(...)]` attribute is honoured by validation and the schema (`rename`,
/// `rename_all`, `alias`, `default`, `skip`, `skip_serializing(_if)`, `flatten`, `with`) or
/// refused with a compile error that says why; the "Serde attributes" section of the framework
/// guide has the table.
#[proc_macro_derive(Model, attributes(field, model))]
pub fn derive_model(input: TokenStream) -> TokenStream {
    model::derive_model(syn::parse_macro_input!(input as syn::DeriveInput))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `ferrapi::Validate` for an enum of unit variants: Python's `str, Enum`. The values
/// follow `#[serde(rename_all)]` / `#[serde(rename)]` so the same enum serialises the same way;
/// any other input is pydantic's `enum` error (`Input should be 'red' or 'blue'`).
///
/// With explicit discriminants (`Low = 1, High = 2`) it is an integer enum, Python's
/// `IntEnum`: the input is read as an integer (pydantic's lax rules: `"2"`, `2.0`, `true`) and
/// must be one of the values, else `enum` (`Input should be 1 or 2`); the derive then also
/// implements `serde::Serialize` (as the number), which serde cannot derive for it.
///
/// `#[enum_kind(literal)]` makes it a `Literal[...]` instead of an `Enum`: no component in the
/// document (the schema is inline, `{"enum": [...], "type": "string"}`), pydantic's
/// `literal_error`, and for integer literals no conversion from strings.
#[proc_macro_derive(Enum, attributes(enum_kind))]
pub fn derive_enum(input: TokenStream) -> TokenStream {
    model::derive_enum(syn::parse_macro_input!(input as syn::DeriveInput))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
