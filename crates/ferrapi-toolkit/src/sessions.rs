//! Cookie sessions: Starlette's `SessionMiddleware` (`middleware/sessions.py`).
//!
//! [`SessionMiddleware`] wraps an app. The session is a JSON object kept by the client in a
//! signed cookie; endpoints reach it through the [`Session`] handle the middleware puts in the
//! request's extensions (`req.extensions().get::<Session>()`, or [`Session::of`]). The handle
//! is cheap to clone and shares the data, so changes made through any clone end up in the
//! response's cookie.
//!
//! ```
//! use ferrapi_toolkit::middleware::BoxApp;
//! use ferrapi_toolkit::sessions::{Session, SessionMiddleware};
//! use ferrapi_toolkit::testclient::TestClient;
//! use ferrapi_toolkit::{Application, Request, Route};
//!
//! async fn visit(req: Request) -> String {
//!     let session = Session::of(&req).expect("SessionMiddleware is installed");
//!     let visits = session.get("visits").and_then(|v| v.as_u64()).unwrap_or(0) + 1;
//!     session.insert("visits", visits);
//!     format!("visit {visits}")
//! }
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let app = Application::new()
//!     .route(Route::new("/", visit))
//!     .middleware(|inner: BoxApp| SessionMiddleware::new(inner, "change me"));
//! let client = TestClient::new(app);
//! assert_eq!(client.get("/").send().await.text(), "visit 1");
//! assert_eq!(client.get("/").send().await.text(), "visit 2");
//! # }
//! ```
//!
//! Options and defaults are Starlette's: `session_cookie = "session"`, `max_age = 14 days`
//! (`None`: a browser-session cookie with no `Max-Age`, and no expiry check), `path = "/"`,
//! `same_site = lax`, `https_only = false` (adds `secure`), `domain = None`,
//! `partitioned = false`. As in Starlette:
//!
//! * `Set-Cookie` is sent only when the session was modified (an insert, remove or clear),
//!   written as `session=<value>; path=/; Max-Age=1209600; httponly; samesite=lax`
//!   (then `; secure`, `; domain=…`, `; partitioned`);
//! * a session that was emptied, when the request came with a valid non-empty session, is
//!   cleared with `session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly;
//!   samesite=lax`;
//! * using the session (any method of [`Session`]) adds `Vary: Cookie` to the response;
//! * a cookie with a bad signature, an expired timestamp, a malformed value or a payload that
//!   is not a JSON object gives an **empty session**, never an error.
//!
//! Difference: the cookie is **not byte-compatible with itsdangerous**, so sessions cannot
//! be shared with a Python Starlette app using the same secret. The value is
//! `<payload>.<timestamp>.<signature>`: the payload is the session JSON in URL-safe base64
//! without padding, the timestamp the signing time in decimal seconds since the Unix epoch,
//! and the signature the HMAC-SHA256, keyed with the secret, of `<payload>.<timestamp>`,
//! URL-safe base64 without padding, checked in constant time. As itsdangerous'
//! `TimestampSigner`, a timestamp older than `max_age` seconds or in the future is refused.
//! The session is signed, not encrypted: the client can read it.

use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use ferrapi_server::{App, Body, BoxError, IntoApp};
use hmac::{KeyInit, Mac};
use http::header::{self, HeaderValue};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::requests::Request;
use crate::responses::{Response, SameSite};

type HmacSha256 = hmac::Hmac<Sha256>;

/// Starlette's default `max_age`: 14 days, in seconds.
pub const DEFAULT_MAX_AGE: u64 = 14 * 24 * 60 * 60;

/// The session of one request: a JSON object with interior mutability, shared by its clones
/// (Starlette's `request.session`). Found in the request's extensions when
/// [`SessionMiddleware`] is installed.
#[derive(Clone, Default)]
pub struct Session {
    state: Arc<Mutex<State>>,
}

#[derive(Default)]
struct State {
    data: Map<String, Value>,
    accessed: bool,
    modified: bool,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock_quiet();
        f.debug_struct("Session")
            .field("data", &state.data)
            .field("modified", &state.modified)
            .finish()
    }
}

impl Session {
    /// A session holding `data`, neither accessed nor modified.
    pub fn new(data: Map<String, Value>) -> Session {
        Session {
            state: Arc::new(Mutex::new(State {
                data,
                accessed: false,
                modified: false,
            })),
        }
    }

    /// The session of `req`, if [`SessionMiddleware`] is installed (the same as
    /// `req.extensions().get::<Session>().cloned()`).
    pub fn of(req: &Request) -> Option<Session> {
        req.extensions().get::<Session>().cloned()
    }

    fn lock_quiet(&self) -> MutexGuard<'_, State> {
        // A panic while the lock was held leaves plain data behind: keep using it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn read(&self) -> MutexGuard<'_, State> {
        let mut state = self.lock_quiet();
        state.accessed = true;
        state
    }

    fn write(&self) -> MutexGuard<'_, State> {
        let mut state = self.read();
        state.modified = true;
        state
    }

    /// The value of `key`, cloned.
    pub fn get(&self, key: &str) -> Option<Value> {
        self.read().data.get(key).cloned()
    }

    /// The value of `key` deserialised into `T` (`None` if missing or of another shape).
    pub fn get_as<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        self.get(key).and_then(|v| serde_json::from_value(v).ok())
    }

    /// Whether `key` is set.
    pub fn contains_key(&self, key: &str) -> bool {
        self.read().data.contains_key(key)
    }

    /// Sets `key` (marks the session modified); returns the previous value.
    pub fn insert(&self, key: impl Into<String>, value: impl Into<Value>) -> Option<Value> {
        self.write().data.insert(key.into(), value.into())
    }

    /// Removes `key`; the session is marked modified only if it was there (as Starlette's
    /// `pop`).
    pub fn remove(&self, key: &str) -> Option<Value> {
        let mut state = self.read();
        let old = state.data.remove(key);
        if old.is_some() {
            state.modified = true;
        }
        old
    }

    /// Empties the session (marks it modified: the cookie is cleared).
    pub fn clear(&self) {
        self.write().data.clear();
    }

    /// How many keys the session holds.
    pub fn len(&self) -> usize {
        self.read().data.len()
    }

    /// Whether the session is empty.
    pub fn is_empty(&self) -> bool {
        self.read().data.is_empty()
    }

    /// A copy of the whole session.
    pub fn to_map(&self) -> Map<String, Value> {
        self.read().data.clone()
    }

    /// Whether the session was changed during this request.
    pub fn is_modified(&self) -> bool {
        self.lock_quiet().modified
    }
}

/// Starlette's `SessionMiddleware`: a signed-cookie session around an app. See the
/// [module docs](self).
#[derive(Clone)]
pub struct SessionMiddleware<A> {
    inner: A,
    config: Arc<Config>,
}

struct Config {
    mac: HmacSha256,
    cookie: String,
    max_age: Option<u64>,
    path: String,
    same_site: SameSite,
    https_only: bool,
    domain: Option<String>,
    partitioned: bool,
}

impl<A> fmt::Debug for SessionMiddleware<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionMiddleware")
            .field("session_cookie", &self.config.cookie)
            .field("max_age", &self.config.max_age)
            .field("path", &self.config.path)
            .finish_non_exhaustive()
    }
}

impl<A> SessionMiddleware<A> {
    /// Sessions signed with `secret_key`, with Starlette's defaults.
    pub fn new(inner: impl IntoApp<App = A>, secret_key: impl AsRef<[u8]>) -> SessionMiddleware<A> {
        let inner = inner.into_app();
        let mac = <HmacSha256 as KeyInit>::new_from_slice(secret_key.as_ref())
            .expect("HMAC accepts keys of any length");
        SessionMiddleware {
            inner,
            config: Arc::new(Config {
                mac,
                cookie: "session".to_string(),
                max_age: Some(DEFAULT_MAX_AGE),
                path: "/".to_string(),
                same_site: SameSite::Lax,
                https_only: false,
                domain: None,
                partitioned: false,
            }),
        }
    }

    fn config_mut(&mut self) -> &mut Config {
        Arc::get_mut(&mut self.config).expect("options are set before the middleware is shared")
    }

    /// The cookie's name (`"session"`).
    ///
    /// # Panics
    /// Options must be set before the middleware is cloned.
    pub fn session_cookie(mut self, name: impl Into<String>) -> Self {
        self.config_mut().cookie = name.into();
        self
    }

    /// The session's lifetime in seconds (14 days); `None` for a browser-session cookie.
    pub fn max_age(mut self, seconds: Option<u64>) -> Self {
        self.config_mut().max_age = seconds;
        self
    }

    /// The cookie's path (`"/"`).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.config_mut().path = path.into();
        self
    }

    /// The cookie's `SameSite` (`lax`).
    pub fn same_site(mut self, same_site: SameSite) -> Self {
        self.config_mut().same_site = same_site;
        self
    }

    /// Adds `secure` to the cookie (off).
    pub fn https_only(mut self, https_only: bool) -> Self {
        self.config_mut().https_only = https_only;
        self
    }

    /// The cookie's domain (none).
    pub fn domain(mut self, domain: Option<String>) -> Self {
        self.config_mut().domain = domain;
        self
    }

    /// Adds `partitioned` to the cookie (off).
    pub fn partitioned(mut self, partitioned: bool) -> Self {
        self.config_mut().partitioned = partitioned;
        self
    }
}

impl Config {
    fn signature(&self, message: &[u8]) -> HmacSha256 {
        let mut mac = self.mac.clone();
        mac.update(message);
        mac
    }

    fn sign(&self, data: &Map<String, Value>, now: u64) -> String {
        let json = serde_json::to_vec(data).unwrap_or_else(|_| b"{}".to_vec());
        let message = format!("{}.{now}", URL_SAFE_NO_PAD.encode(json));
        let tag = self.signature(message.as_bytes()).finalize().into_bytes();
        format!("{message}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The session in a cookie value, or `None` if it is forged, expired or malformed.
    fn unsign(&self, value: &str, now: u64) -> Option<Map<String, Value>> {
        let (message, tag) = value.rsplit_once('.')?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        self.signature(message.as_bytes()).verify_slice(&tag).ok()?;
        let (payload, timestamp) = message.rsplit_once('.')?;
        let timestamp: u64 = timestamp.parse().ok()?;
        if timestamp > now {
            return None;
        }
        if let Some(max_age) = self.max_age {
            if now - timestamp > max_age {
                return None;
            }
        }
        let json = URL_SAFE_NO_PAD.decode(payload).ok()?;
        match serde_json::from_slice(&json).ok()? {
            Value::Object(map) => Some(map),
            _ => None,
        }
    }

    fn flags(&self) -> String {
        let mut flags = String::from("httponly; samesite=");
        flags.push_str(match self.same_site {
            SameSite::Lax => "lax",
            SameSite::Strict => "strict",
            SameSite::None => "none",
        });
        if self.https_only {
            flags.push_str("; secure");
        }
        if let Some(domain) = &self.domain {
            flags.push_str("; domain=");
            flags.push_str(domain);
        }
        if self.partitioned {
            flags.push_str("; partitioned");
        }
        flags
    }
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Signs `data` as [`SessionMiddleware`] with `secret_key` would at `timestamp` (seconds since
/// the epoch): for tests and tools that forge or inspect session cookies.
pub fn sign_session(secret_key: &[u8], data: &Map<String, Value>, timestamp: u64) -> String {
    // The wrapped app is never called: only the signing configuration is used.
    SessionMiddleware::new(crate::routing::Router::new(), secret_key)
        .config
        .sign(data, timestamp)
}

impl<A: App> SessionMiddleware<A> {
    async fn handle(&self, mut req: http::Request<Body>) -> Response {
        let config = &self.config;
        let mut cookies = indexmap::IndexMap::new();
        for value in req.headers().get_all(header::COOKIE) {
            if let Ok(text) = value.to_str() {
                crate::datastructures::parse_cookies(text, &mut cookies);
            }
        }
        let initial = cookies
            .get(&config.cookie)
            .and_then(|value| config.unsign(value, now()));
        let initial_was_empty = initial.is_none();
        let session = Session::new(initial.unwrap_or_default());
        req.extensions_mut().insert(session.clone());

        let mut response = self.inner.call(req).await;

        let state = session.lock_quiet();
        let headers = response.headers_mut();
        if state.accessed {
            let vary = headers
                .get_all(header::VARY)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .chain(["Cookie"])
                .collect::<Vec<_>>()
                .join(", ");
            if let Ok(vary) = HeaderValue::from_str(&vary) {
                headers.insert(header::VARY, vary);
            }
        }
        let cookie = if state.modified && !state.data.is_empty() {
            let max_age = config
                .max_age
                .map(|age| format!("Max-Age={age}; "))
                .unwrap_or_default();
            Some(format!(
                "{}={}; path={}; {max_age}{}",
                config.cookie,
                config.sign(&state.data, now()),
                config.path,
                config.flags()
            ))
        } else if state.modified && !initial_was_empty {
            Some(format!(
                "{}=null; path={}; expires=Thu, 01 Jan 1970 00:00:00 GMT; {}",
                config.cookie,
                config.path,
                config.flags()
            ))
        } else {
            None
        };
        if let Some(cookie) = cookie {
            match HeaderValue::from_str(&cookie) {
                Ok(value) => {
                    headers.append(header::SET_COOKIE, value);
                }
                Err(_) => tracing::error!("session cookie options make an invalid header"),
            }
        }
        drop(state);
        response
    }
}

impl<A: App> App for SessionMiddleware<A> {
    fn call(&self, req: http::Request<Body>) -> impl std::future::Future<Output = Response> + Send {
        self.handle(req)
    }

    fn startup(&self) -> impl std::future::Future<Output = Result<(), BoxError>> + Send {
        self.inner.startup()
    }

    fn shutdown(&self) -> impl std::future::Future<Output = ()> + Send {
        self.inner.shutdown()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_and_unsign() {
        let m = SessionMiddleware::new(crate::routing::Router::new(), "k");
        let mut data = Map::new();
        data.insert("a".into(), Value::from(1));
        let value = m.config.sign(&data, 1000);
        assert_eq!(m.config.unsign(&value, 1000), Some(data.clone()));
        assert_eq!(m.config.unsign(&value, 1000 + DEFAULT_MAX_AGE), Some(data));
        assert_eq!(m.config.unsign(&value, 1001 + DEFAULT_MAX_AGE), None);
        assert_eq!(m.config.unsign(&value, 999), None);
        assert_eq!(
            SessionMiddleware::new(crate::routing::Router::new(), "other")
                .config
                .unsign(&value, 1000),
            None
        );
        assert_eq!(m.config.unsign(&value[..value.len() - 1], 1000), None);
        assert_eq!(m.config.unsign("", 1000), None);
        assert_eq!(m.config.unsign("a.b.c.d", 1000), None);
    }
}
