//! [`ResponseParts`]: FastAPI's `response: Response` parameter, the status, headers and cookies
//! an operation (or a dependency) sets while it returns a model.

use std::sync::{Arc, Mutex};

use ferrapi_toolkit::responses::Cookie;
use ferrapi_toolkit::{Response, StatusCode};
use http::header::{HeaderName, HeaderValue, SET_COOKIE};
use http::HeaderMap;

/// The status, headers and cookies of the response to come, set from the operation or its
/// dependencies: FastAPI's `response: Response` parameter (its "temporal" response).
///
/// Take it as an argument (`response: ResponseParts`); what is set is merged into the response
/// the operation's value becomes: the status replaces the operation's `status_code`, headers
/// and cookies are added. The operation's model stays its model, in the answer and in the
/// document. Clones share the same parts, so an operation and its dependencies see one set.
///
/// ```
/// use ferrapi::responses::ResponseParts;
/// use ferrapi::toolkit::responses::Cookie;
/// use ferrapi::{post, put};
/// use serde_json::{json, Value};
///
/// #[post("/cookie-and-object/")]
/// async fn create_cookie(response: ResponseParts) -> Value {
///     response
///         .set_cookie(Cookie::new("fakesession", "fake-cookie-session-value"))
///         .expect("a valid cookie");
///     json!({ "message": "Come to the dark side, we have cookies" })
/// }
///
/// #[put("/get-or-create-task/{task_id}")]
/// async fn get_or_create_task(task_id: String, response: ResponseParts) -> String {
///     if task_id != "foo" {
///         response.set_status(ferrapi::toolkit::StatusCode::CREATED);
///     }
///     "Listen to the Bar Fighters".to_string()
/// }
/// ```
///
/// It is applied to the operation's own answer only: an error (an `HTTPException`, a 422)
/// is answered without it. One difference from FastAPI: a response class returned as it is
/// (`Html`, a toolkit `Response`) gets the parts too, where FastAPI ignores its temporal
/// response then.
#[derive(Clone, Debug, Default)]
pub struct ResponseParts {
    inner: Arc<Mutex<Parts>>,
}

#[derive(Debug, Default)]
struct Parts {
    status: Option<StatusCode>,
    headers: HeaderMap,
}

impl ResponseParts {
    /// Empty parts: nothing changes.
    pub fn new() -> ResponseParts {
        ResponseParts::default()
    }

    fn with<R>(&self, f: impl FnOnce(&mut Parts) -> R) -> R {
        f(&mut self.inner.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// Sets the status (FastAPI's `response.status_code = …`).
    pub fn set_status(&self, status: StatusCode) {
        self.with(|p| p.status = Some(status));
    }

    /// The status set, if any.
    pub fn status(&self) -> Option<StatusCode> {
        self.with(|p| p.status)
    }

    /// Sets a header, replacing any value set before under that name
    /// (`response.headers["X-Cat-Dog"] = …`).
    pub fn insert_header(&self, name: HeaderName, value: HeaderValue) {
        self.with(|p| p.headers.insert(name, value));
    }

    /// Adds a header value, keeping the others of that name.
    pub fn append_header(&self, name: HeaderName, value: HeaderValue) {
        self.with(|p| p.headers.append(name, value));
    }

    /// Sets a cookie (a `Set-Cookie` header; `response.set_cookie(…)`). A cookie that cannot
    /// be a header value (a control character in its value) is an error.
    pub fn set_cookie(
        &self,
        cookie: Cookie,
    ) -> Result<(), ferrapi_toolkit::responses::InvalidHeader> {
        let value = cookie.to_header()?;
        self.append_header(SET_COOKIE, value);
        Ok(())
    }

    /// Deletes a cookie on the client (`Max-Age=0` and an `expires` in the past, path `/`;
    /// `response.delete_cookie(…)`).
    pub fn delete_cookie(
        &self,
        name: &str,
    ) -> Result<(), ferrapi_toolkit::responses::InvalidHeader> {
        self.set_cookie(
            Cookie::new(name, "")
                .max_age(0)
                .expires(std::time::UNIX_EPOCH)
                .path(Some("/")),
        )
    }

    /// Merges the parts into `response`: the status if one was set, the headers added.
    pub(crate) fn apply(&self, response: &mut Response) {
        self.with(|p| {
            if let Some(status) = p.status {
                *response.status_mut() = status;
            }
            for (name, value) in p.headers.iter() {
                response.headers_mut().append(name.clone(), value.clone());
            }
        });
    }
}
