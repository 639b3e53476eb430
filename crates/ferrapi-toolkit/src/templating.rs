//! Templates: Starlette's `templating.py` (`Jinja2Templates`), with
//! [minijinja](https://docs.rs/minijinja) (Jinja2's syntax in Rust). Behind the cargo feature
//! `templates` (off by default).
//!
//! ```no_run
//! use ferrapi_toolkit::templating::Templates;
//! use ferrapi_toolkit::{Error, Request, Response};
//!
//! async fn home(req: Request) -> Result<Response, Error> {
//!     // Build it once (a static or app state) in real code: it caches loaded templates.
//!     let templates = Templates::new("templates");
//!     templates
//!         .response(&req, "home.html", serde_json::json!({ "title": "Hello" }))
//!         .await
//! }
//! ```
//!
//! As in Starlette, the template sees the given context plus:
//!
//! * `request`: a map with `url`, `base_url`, `path`, `root_path`, `method` and `query` (the
//!   query parameters as a map, the last value of a repeated key);
//! * `url_for(name, **params)`: the absolute URL of a named route
//!   ([`Request::url_for`]); an unknown name is a template error.
//!
//! The response is `text/html; charset=utf-8` with status 200 (change it on the returned
//! response). It carries a [`RenderedTemplate`] extension with the template name and the
//! context (Starlette's test client exposes `response.template` and `.context`).
//!
//! HTML escaping is Jinja2's: auto-escaping for `.html`, `.htm` and `.xml` templates (as
//! Starlette's environment sets `autoescape`), of `&`, `<`, `>`, `"` and `'` only.
//!
//! Differences: templates are loaded (and cached) by minijinja's path loader and rendered on
//! the [thread pool](crate::concurrency), never on the runtime's threads; no
//! `context_processors` (add values to the context), no `env=` keyword ([`Templates::from_environment`]
//! takes a configured minijinja environment); minijinja's dialect differs from Jinja2 in
//! details (see its documentation). A missing template or a rendering error is an
//! [`Error`], so a `500`.

use std::sync::Arc;

use minijinja::value::{Kwargs, Value};
use minijinja::Environment;
use serde::Serialize;

use crate::applications::AppContext;
use crate::datastructures::Url;
use crate::exceptions::Error;
use crate::requests::Request;
use crate::responses::{Html, IntoResponse, Response};

/// A template directory (Starlette's `Jinja2Templates`). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Templates {
    env: Arc<Environment<'static>>,
}

/// The name and context of a rendered template, in the response's extensions.
#[derive(Clone, Debug)]
pub struct RenderedTemplate {
    /// The template's name.
    pub name: String,
    /// The context given to [`Templates::response`] (without `request` and `url_for`).
    pub context: Value,
}

impl Templates {
    /// Templates loaded from `directory` (a name like `"pages/home.html"` is a path below it).
    pub fn new(directory: impl AsRef<std::path::Path>) -> Templates {
        let mut env = Environment::new();
        env.set_loader(minijinja::path_loader(directory));
        env.set_formatter(markupsafe_formatter);
        Templates::from_environment(env)
    }

    /// Templates from a configured environment (filters, globals, another loader…).
    pub fn from_environment(env: Environment<'static>) -> Templates {
        Templates { env: Arc::new(env) }
    }

    /// The environment.
    pub fn environment(&self) -> &Environment<'static> {
        &self.env
    }

    /// Renders `name` with `context` (anything serialisable to a map, or `()`), `request`
    /// and `url_for`, on the thread pool.
    pub async fn render<C: Serialize>(
        &self,
        req: &Request,
        name: &str,
        context: C,
    ) -> Result<String, Error> {
        self.render_value(req, name, Value::from_serialize(&context))
            .await
    }

    async fn render_value(&self, req: &Request, name: &str, user: Value) -> Result<String, Error> {
        let full = minijinja::context! {
            request => request_value(req),
            url_for => url_for_function(req),
            ..user
        };
        let env = self.env.clone();
        let name = name.to_string();
        crate::concurrency::run_in_threadpool(move || {
            env.get_template(&name).and_then(|t| t.render(full))
        })
        .await
        .map_err(Error::from)
    }

    /// Renders `name` into a `text/html; charset=utf-8` response (Starlette's
    /// `TemplateResponse(request, name, context)`).
    pub async fn response<C: Serialize>(
        &self,
        req: &Request,
        name: &str,
        context: C,
    ) -> Result<Response, Error> {
        let context = Value::from_serialize(&context);
        let html = self.render_value(req, name, context.clone()).await?;
        let mut response = Html(html).into_response();
        response.extensions_mut().insert(RenderedTemplate {
            name: name.to_string(),
            context,
        });
        Ok(response)
    }
}

/// Jinja2's (MarkupSafe's) HTML escaping: `&`, `<`, `>`, `"` and `'` only (minijinja's own
/// escaping also turns `/` into `&#x2f;`, which spoils URLs).
fn markupsafe_formatter(
    out: &mut minijinja::Output,
    state: &minijinja::State,
    value: &Value,
) -> Result<(), minijinja::Error> {
    use std::fmt::Write as _;
    let html = matches!(state.auto_escape(), minijinja::AutoEscape::Html);
    match value.as_str() {
        Some(text) if html && !value.is_safe() => {
            for c in text.chars() {
                let done = match c {
                    '&' => out.write_str("&amp;"),
                    '<' => out.write_str("&lt;"),
                    '>' => out.write_str("&gt;"),
                    '"' => out.write_str("&#34;"),
                    '\'' => out.write_str("&#39;"),
                    c => out.write_char(c),
                };
                done.map_err(|_| {
                    minijinja::Error::new(minijinja::ErrorKind::WriteFailure, "write failed")
                })?;
            }
            Ok(())
        }
        _ => minijinja::escape_formatter(out, state, value),
    }
}

fn request_value(req: &Request) -> Value {
    let query: std::collections::BTreeMap<&str, &str> = req.query_params().iter().collect();
    minijinja::context! {
        url => req.url().to_string(),
        base_url => req.base_url().to_string(),
        path => req.path(),
        root_path => req.root_path(),
        method => req.method().as_str(),
        query => query,
    }
}

/// `url_for(name, **params)` bound to the request's application and base URL.
fn url_for_function(req: &Request) -> Value {
    let app: Option<Arc<AppContext>> = req.app_context().cloned();
    let base: Url = req.base_url();
    Value::from_function(
        move |name: String, kwargs: Kwargs| -> Result<String, minijinja::Error> {
            let mut owned = Vec::new();
            for key in kwargs.args() {
                let value: Value = kwargs.get(key)?;
                let text = match value.as_str() {
                    Some(s) => s.to_string(),
                    None => value.to_string(),
                };
                owned.push((key.to_string(), text));
            }
            let params: Vec<(&str, &str)> = owned
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            let path = match &app {
                Some(app) => app.router.url_path_for(&name, &params),
                None => Err(crate::routing::NoMatchFound::new(&name, &params)),
            }
            .map_err(|err| {
                minijinja::Error::new(minijinja::ErrorKind::InvalidOperation, err.to_string())
            })?;
            let full = format!("{}{}", base.path().trim_end_matches('/'), path);
            Ok(base.with_path(&full).to_string())
        },
    )
}
