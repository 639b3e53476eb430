//! The incoming request: Starlette's `Request` and `HTTPConnection`.
//!
//! A [`Request`] wraps the server's `http::Request<Body>` and adds what Starlette's request
//! offers: the decoded path, query parameters, path parameters, cookies, the client address,
//! application state, the body as bytes, text, JSON or a stream, and `url_for`. Query
//! parameters and cookies are parsed on first use and once.
//!
//! Differences from Starlette: reading the body needs `&mut self` (Rust's borrow rules make the
//! "consumed once" rule a compile-time matter where it can be); a second
//! [`stream`](Request::stream) after the body was streamed is an error, as Starlette's
//! `RuntimeError("Stream consumed")`; a body that was read with [`body`](Request::body) can be
//! read again.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use ferrapi_server::{Body, Scope};
use http::header::{self, HeaderMap};
use http::{Extensions, Method, StatusCode, Uri, Version};
use serde::de::DeserializeOwned;

use crate::applications::AppContext;
use crate::datastructures::{parse_cookies, AppState, PathParams, QueryParams, Url};
use crate::exceptions::{body_error, Error, HTTPException};
use crate::formparsers::{self, FormData, FormLimits};
use crate::routing::NoMatchFound;

/// An HTTP request (or the handshake of a WebSocket), as endpoints see it.
///
/// One pointer wide: a request is handed down the layers by value (application, router,
/// endpoint, the operation's future), and with its ~550 bytes inline each hand-over was a
/// copy of all of them; one allocation costs less than those copies (callgrind).
#[derive(Debug)]
pub struct Request {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    head: http::request::Parts,
    body: BodyState,
    /// The percent-decoded path, when it differs from the raw one.
    decoded: Option<Box<str>>,
    /// Where the path still to be routed starts (after the mounts that matched).
    route_offset: usize,
    path_params: PathParams,
    app: Option<Arc<AppContext>>,
    /// Where routing leaves the route's path parameters for the copy of this request an
    /// exception handler gets (see [`Request::snapshot`]); `None` unless one wants it.
    params_slot: Option<ParamsSlot>,
    query: OnceLock<QueryParams>,
    cookies: OnceLock<indexmap::IndexMap<String, String>>,
}

/// The route's path parameters, passed from a request to its copy (see
/// [`Request::snapshot`]).
#[derive(Clone, Debug, Default)]
struct ParamsSlot(Arc<std::sync::Mutex<Option<PathParams>>>);

#[derive(Debug)]
enum BodyState {
    Unread(Body),
    Read(Bytes),
    Streamed,
}

impl Request {
    /// Wraps a request from the server (or built by hand, as a test client does).
    pub fn from_http(req: http::Request<Body>) -> Request {
        let (head, body) = req.into_parts();
        let path = head.uri.path();
        let decoded = if path.contains('%') {
            Some(
                percent_encoding::percent_decode_str(path)
                    .decode_utf8_lossy()
                    .into_owned()
                    .into_boxed_str(),
            )
        } else {
            None
        };
        Request {
            inner: Box::new(Inner {
                head,
                body: BodyState::Unread(body),
                decoded,
                route_offset: 0,
                path_params: PathParams::new(),
                app: None,
                params_slot: None,
                query: OnceLock::new(),
                cookies: OnceLock::new(),
            }),
        }
    }

    /// Gives the request back in the server's terms; a body already read is put back.
    pub fn into_http(self) -> http::Request<Body> {
        let body = match self.inner.body {
            BodyState::Unread(body) => body,
            BodyState::Read(bytes) => Body::from(bytes),
            BodyState::Streamed => Body::empty(),
        };
        http::Request::from_parts(self.inner.head, body)
    }

    /// An owned copy of the request: method, URI, version, headers, extensions, path
    /// parameters and the application, with the body if it was already read (empty
    /// otherwise: a stream cannot be copied). What a plain `fn` running on the thread pool,
    /// which cannot borrow the request, gets (FastAPI's `def read_main(request: Request)`).
    pub fn head_copy(&self) -> Request {
        let body = match &self.inner.body {
            BodyState::Read(bytes) => BodyState::Read(bytes.clone()),
            BodyState::Unread(_) | BodyState::Streamed => BodyState::Unread(Body::empty()),
        };
        Request {
            inner: Box::new(Inner {
                head: self.inner.head.clone(),
                body,
                decoded: self.inner.decoded.clone(),
                route_offset: self.inner.route_offset,
                path_params: self.inner.path_params.clone(),
                app: self.inner.app.clone(),
                params_slot: None,
                query: OnceLock::new(),
                cookies: OnceLock::new(),
            }),
        }
    }

    /// A copy of the request's head for an exception handler: method, URI, version, headers,
    /// extensions, the path parameters so far and the application; an empty body. The route's
    /// path parameters, found later by routing this request, reach the copy through a slot
    /// they share: [`Request::publish_params`] fills it, [`Request::take_published_params`]
    /// reads it.
    pub(crate) fn snapshot(&mut self) -> Request {
        let slot = ParamsSlot::default();
        self.inner.params_slot = Some(slot.clone());
        Request {
            inner: Box::new(Inner {
                head: self.inner.head.clone(),
                body: BodyState::Unread(Body::empty()),
                decoded: self.inner.decoded.clone(),
                route_offset: self.inner.route_offset,
                path_params: self.inner.path_params.clone(),
                app: self.inner.app.clone(),
                params_slot: Some(slot),
                query: OnceLock::new(),
                cookies: OnceLock::new(),
            }),
        }
    }

    /// Leaves the path parameters routing found for the request's copy, if one was taken.
    pub(crate) fn publish_params(&self) {
        if let Some(slot) = &self.inner.params_slot {
            let mut published = slot.0.lock().unwrap_or_else(|e| e.into_inner());
            *published = Some(self.inner.path_params.clone());
        }
    }

    /// In a copy: takes in the path parameters routing published for the original.
    pub(crate) fn take_published_params(&mut self) {
        if let Some(slot) = self.inner.params_slot.take() {
            let published = slot.0.lock().unwrap_or_else(|e| e.into_inner()).take();
            if let Some(params) = published {
                self.inner.path_params = params;
            }
        }
    }

    pub(crate) fn set_app(&mut self, app: Arc<AppContext>) {
        self.inner.app = Some(app);
    }

    #[cfg(feature = "templates")]
    pub(crate) fn app_context(&self) -> Option<&Arc<AppContext>> {
        self.inner.app.as_ref()
    }

    /// The method.
    pub fn method(&self) -> &Method {
        &self.inner.head.method
    }

    /// The request target as sent (path and query, percent-encoded).
    pub fn uri(&self) -> &Uri {
        &self.inner.head.uri
    }

    /// The HTTP version.
    pub fn version(&self) -> Version {
        self.inner.head.version
    }

    /// The headers (case-insensitive multi-map).
    pub fn headers(&self) -> &HeaderMap {
        &self.inner.head.headers
    }

    /// A header as text, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.inner.head.headers.get(name)?.to_str().ok()
    }

    /// The percent-decoded path (Starlette's `scope["path"]`, without the root path).
    pub fn path(&self) -> &str {
        self.inner
            .decoded
            .as_deref()
            .unwrap_or(self.inner.head.uri.path())
    }

    /// The part of the path the current router matches against (after any mounts).
    pub fn route_path(&self) -> &str {
        &self.path()[self.inner.route_offset..]
    }

    pub(crate) fn route_offset(&self) -> usize {
        self.inner.route_offset
    }

    pub(crate) fn set_route_offset(&mut self, offset: usize) {
        self.inner.route_offset = offset;
    }

    /// The mount prefix of the current router: the server's root path plus the mounts that
    /// matched (Starlette's `scope["root_path"]` inside a mount).
    pub fn root_path(&self) -> String {
        let mut root = self
            .scope()
            .map(|s| s.root_path().to_string())
            .unwrap_or_default();
        root.push_str(&self.path()[..self.inner.route_offset]);
        root
    }

    /// The connection scope from the server.
    pub fn scope(&self) -> Option<&Scope> {
        self.inner.head.extensions.get::<Scope>()
    }

    /// The client's address (Starlette's `request.client`).
    pub fn client(&self) -> Option<SocketAddr> {
        self.scope().and_then(Scope::client)
    }

    fn is_websocket(&self) -> bool {
        self.inner
            .head
            .extensions
            .get::<ferrapi_server::websocket::WebSocketUpgrade>()
            .is_some()
    }

    /// The scheme of the URL: `http`/`https`, or `ws`/`wss` for a WebSocket.
    pub fn scheme(&self) -> &'static str {
        let secure = self
            .scope()
            .is_some_and(|s| s.scheme() == ferrapi_server::Scheme::Https);
        match (self.is_websocket(), secure) {
            (false, false) => "http",
            (false, true) => "https",
            (true, false) => "ws",
            (true, true) => "wss",
        }
    }

    fn authority(&self) -> String {
        if let Some(host) = self.header("host") {
            return host.to_string();
        }
        if let Some(authority) = self.inner.head.uri.authority() {
            return authority.to_string();
        }
        self.scope()
            .and_then(Scope::server)
            .map(|a| a.to_string())
            .unwrap_or_else(|| "localhost".to_string())
    }

    /// The full URL: scheme, host (from `Host`), root path, path and query.
    pub fn url(&self) -> Url {
        let root = self.scope().map(Scope::root_path).unwrap_or("");
        let path = format!("{root}{}", self.inner.head.uri.path());
        Url::new(
            self.scheme(),
            &self.authority(),
            &path,
            self.inner.head.uri.query(),
        )
    }

    /// The application's base URL: scheme, host and the server's root path, with a trailing
    /// `/` (Starlette's `base_url`).
    pub fn base_url(&self) -> Url {
        let root = self.scope().map(Scope::root_path).unwrap_or("");
        let path = format!("{}/", root.trim_end_matches('/'));
        Url::new(self.scheme(), &self.authority(), &path, None)
    }

    /// The query parameters (parsed on first use).
    pub fn query_params(&self) -> &QueryParams {
        self.inner
            .query
            .get_or_init(|| QueryParams::from_uri(&self.inner.head.uri))
    }

    /// The path parameters captured by the matching routes.
    pub fn path_params(&self) -> &PathParams {
        &self.inner.path_params
    }

    /// One path parameter.
    pub fn path_param(&self, name: &str) -> Option<&str> {
        self.inner.path_params.get(name)
    }

    pub(crate) fn path_params_mut(&mut self) -> &mut PathParams {
        &mut self.inner.path_params
    }

    /// The cookies, in the order the client sent them (parsed leniently on first use; the last
    /// of a repeated name wins).
    pub fn cookies(&self) -> &indexmap::IndexMap<String, String> {
        self.inner.cookies.get_or_init(|| {
            let mut cookies = indexmap::IndexMap::new();
            for value in self.inner.head.headers.get_all(header::COOKIE) {
                if let Ok(value) = value.to_str() {
                    parse_cookies(value, &mut cookies);
                } else {
                    parse_cookies(&String::from_utf8_lossy(value.as_bytes()), &mut cookies);
                }
            }
            cookies
        })
    }

    /// One cookie.
    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies().get(name).map(String::as_str)
    }

    /// The application state (filled while building the app and by its startup hooks). Empty
    /// for a request that did not come through an [`Application`](crate::Application).
    pub fn state(&self) -> AppState {
        self.inner
            .app
            .as_ref()
            .map(|a| a.state.clone())
            .unwrap_or_default()
    }

    /// A value of the application state by type.
    pub fn state_get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        self.inner.app.as_ref()?.state.get::<T>()
    }

    /// Per-request values (Starlette's `request.state`), typed.
    pub fn extensions(&self) -> &Extensions {
        &self.inner.head.extensions
    }

    /// Per-request values, mutable.
    pub fn extensions_mut(&mut self) -> &mut Extensions {
        &mut self.inner.head.extensions
    }

    /// The body, if it was already read (by [`Request::body`], or by the layer above for its
    /// arguments); `None` while it is unread or was streamed.
    pub fn body_if_read(&self) -> Option<&Bytes> {
        match &self.inner.body {
            BodyState::Read(bytes) => Some(bytes),
            BodyState::Unread(_) | BodyState::Streamed => None,
        }
    }

    /// The whole body, read once and kept (Starlette's `await request.body()`). Errors carry
    /// the right status: 413 too large, 408 too slow, 400 malformed or cut short.
    ///
    /// Cancel safety: not cancel safe; a body partly read when the future is dropped is lost.
    pub async fn body(&mut self) -> Result<Bytes, Error> {
        match &mut self.inner.body {
            BodyState::Read(bytes) => Ok(bytes.clone()),
            BodyState::Streamed => Err(stream_consumed()),
            BodyState::Unread(body) => {
                let body = std::mem::take(body);
                self.inner.body = BodyState::Streamed;
                let bytes = body.collect().await.map_err(body_error)?;
                self.inner.body = BodyState::Read(bytes.clone());
                Ok(bytes)
            }
        }
    }

    /// The body as UTF-8 text (invalid UTF-8 is a 400).
    pub async fn text(&mut self) -> Result<String, Error> {
        let bytes = self.body().await?;
        String::from_utf8(bytes.to_vec()).map_err(|_| {
            HTTPException::new(StatusCode::BAD_REQUEST)
                .with_detail("Request body is not valid UTF-8")
                .into()
        })
    }

    /// The body parsed as JSON (malformed JSON or the wrong shape is a 400 naming the problem).
    pub async fn json<T: DeserializeOwned>(&mut self) -> Result<T, Error> {
        let bytes = self.body().await?;
        serde_json::from_slice(&bytes).map_err(|err| {
            HTTPException::new(StatusCode::BAD_REQUEST)
                .with_detail(format!("Invalid JSON body: {err}"))
                .into()
        })
    }

    /// The body for a blocking endpoint: reads it by blocking this thread. Only for code on the
    /// [thread pool](crate::concurrency) (a plain `fn` endpoint); on a runtime worker it would
    /// stall the worker.
    pub fn body_blocking(&mut self) -> Result<Bytes, Error> {
        if let BodyState::Read(bytes) = &self.inner.body {
            return Ok(bytes.clone());
        }
        let handle = tokio::runtime::Handle::try_current()
            .map_err(|_| Error::msg("body_blocking called outside a tokio runtime"))?;
        handle.block_on(self.body())
    }

    /// The body as a stream of chunks, read as the app polls it (with backpressure). A second
    /// call is an error (`Stream consumed`), unless the body was read whole before.
    pub fn stream(&mut self) -> Result<Body, Error> {
        match std::mem::replace(&mut self.inner.body, BodyState::Streamed) {
            BodyState::Unread(body) => Ok(body),
            BodyState::Read(bytes) => {
                self.inner.body = BodyState::Read(bytes.clone());
                Ok(Body::from(bytes))
            }
            BodyState::Streamed => Err(stream_consumed()),
        }
    }

    /// The body parsed as a form (Starlette's `await request.form()`), urlencoded or
    /// multipart, with Starlette's default [limits](FormLimits): 1000 fields, 1000 files,
    /// 1 MiB per text part. Any other content type gives an empty form and leaves the body
    /// unread. Uploads are spooled to temporary files past 1 MiB, deleted when the form is
    /// dropped (after the request at the latest). See [`formparsers`].
    pub async fn form(&mut self) -> Result<FormData, Error> {
        self.form_with(FormLimits::default()).await
    }

    /// [`form`](Request::form) with other limits (Starlette's `request.form(max_files=,
    /// max_fields=, max_part_size=)`, plus a whole-body limit).
    pub async fn form_with(&mut self, limits: FormLimits) -> Result<FormData, Error> {
        if !formparsers::is_form(self.headers()) {
            return Ok(FormData::default());
        }
        let body = self.stream()?;
        formparsers::parse_form(self.headers(), body, &limits).await
    }

    /// The path of the route named `name` with `params` (Starlette's `url_path_for`), from the
    /// application's top router, without the root path.
    pub fn url_path_for(
        &self,
        name: &str,
        params: &[(&str, &str)],
    ) -> Result<String, NoMatchFound> {
        match &self.inner.app {
            Some(app) => app.router.url_path_for(name, params),
            None => Err(NoMatchFound::new(name, params)),
        }
    }

    /// The absolute URL of the route named `name` (Starlette's `url_for`): the base URL (with
    /// the root path) plus the route's path.
    pub fn url_for(&self, name: &str, params: &[(&str, &str)]) -> Result<Url, NoMatchFound> {
        let path = self.url_path_for(name, params)?;
        let base = self.base_url();
        let full = format!("{}{}", base.path().trim_end_matches('/'), path);
        Ok(base.with_path(&full))
    }
}

fn stream_consumed() -> Error {
    Error::msg("Stream consumed")
}
