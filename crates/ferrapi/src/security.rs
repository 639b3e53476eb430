//! Security schemes: FastAPI's `fastapi.security`, as dependencies.
//!
//! Each scheme reads its credentials from the request and is used like any dependency,
//! `#[depends(SCHEME)] token: String`, with the scheme in a `static` (schemes are `Copy`):
//!
//! ```
//! use ferrapi::get;
//! use ferrapi::security::{HTTPBasic, HTTPBasicCredentials, OAuth2PasswordBearer};
//! use serde_json::{json, Value};
//!
//! static OAUTH2_SCHEME: OAuth2PasswordBearer = OAuth2PasswordBearer::new("token");
//! static BASIC: HTTPBasic = HTTPBasic::new();
//!
//! #[get("/users/me")]
//! async fn read_me(#[depends(OAUTH2_SCHEME)] token: String) -> Value {
//!     json!({ "token": token })
//! }
//!
//! #[get("/basic")]
//! fn read_basic(#[depends(BASIC)] credentials: HTTPBasicCredentials) -> Value {
//!     json!({ "username": credentials.username })
//! }
//! ```
//!
//! Missing or malformed credentials are FastAPI 0.165's answers: 401 `{"detail":"Not
//! authenticated"}` with `WWW-Authenticate: Bearer` (OAuth2, HTTP Bearer), `Basic` (or
//! `Basic realm="…"`), `Digest`, or `APIKey`. The `.optional()` form of each scheme
//! (FastAPI's `auto_error=False`) gives `None` instead. [`OAuth2PasswordRequestForm`] is the
//! login form (`#[depends] form: OAuth2PasswordRequestForm`).

use std::borrow::Cow;

use base64::Engine as _;
use http::StatusCode;

use crate::dependencies::{
    BoxFuture, Context, Declaration, DepKey, Dependency, Failure, IntoDependency,
};
use crate::HTTPException;

/// FastAPI's "Not authenticated" 401 with the scheme's challenge.
fn not_authenticated(challenge: &str) -> HTTPException {
    HTTPException::new(StatusCode::UNAUTHORIZED, "Not authenticated")
        .header("www-authenticate", challenge)
}

/// `Authorization: <scheme> <param>` split as FastAPI's `get_authorization_scheme_param`.
fn authorization<'a>(cx: &Context<'a>) -> Option<(&'a str, &'a str)> {
    let value = cx.request().header("authorization")?;
    if value.is_empty() {
        return None;
    }
    let (scheme, param) = value.split_once(' ').unwrap_or((value, ""));
    Some((scheme, param.trim()))
}

/// What a scheme reads, and how it fails.
pub trait SecurityScheme: Send + Sync + 'static {
    /// The credentials it gives.
    type Credentials: Clone + Send + Sync + 'static;

    /// The scheme's name in the OpenAPI document (FastAPI's `scheme_name`, the class name by
    /// default).
    fn scheme_name(&self) -> &str;

    /// Reads the credentials: `Ok(None)` when they are missing or not for this scheme, `Err`
    /// when they are there but malformed (an error even for the optional form, as in FastAPI).
    fn read(&self, cx: &Context<'_>) -> Result<Option<Self::Credentials>, HTTPException>;

    /// The 401 for missing credentials.
    fn challenge(&self) -> HTTPException;

    /// The scheme object of the OpenAPI document (`components.securitySchemes`).
    fn openapi(&self) -> serde_json::Value;
}

/// A scheme's optional form (FastAPI's `auto_error=False`): `None` without credentials.
#[derive(Clone, Copy, Debug)]
pub struct Optional<S>(S);

macro_rules! scheme_dependency {
    ($($t:ty),*) => {$(
        impl Dependency for $t {
            type Output = <$t as SecurityScheme>::Credentials;

            fn key(&self) -> DepKey {
                DepKey::named::<$t>(format!("{self:?}"))
            }

            fn declare(&self, decl: &mut Declaration) {
                decl.security(self.scheme_name(), self.openapi(), Vec::new());
            }

            fn call<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<Self::Output, Failure>> {
                let result = match self.read(cx) {
                    Ok(Some(credentials)) => Ok(credentials),
                    Ok(None) => Err(cx.raise(self.challenge())),
                    Err(err) => Err(cx.raise(err)),
                };
                Box::pin(async move { result })
            }
        }

        impl Dependency for Optional<$t> {
            type Output = Option<<$t as SecurityScheme>::Credentials>;

            fn key(&self) -> DepKey {
                DepKey::named::<Optional<$t>>(format!("{:?}", self.0))
            }

            fn declare(&self, decl: &mut Declaration) {
                decl.security(self.0.scheme_name(), self.0.openapi(), Vec::new());
            }

            fn call<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<Self::Output, Failure>> {
                let result = self.0.read(cx).map_err(|err| cx.raise(err));
                Box::pin(async move { result })
            }
        }

        impl IntoDependency for $t {
            type Dep = $t;

            fn into_dependency(self) -> $t {
                self
            }
        }

        impl IntoDependency for Optional<$t> {
            type Dep = Optional<$t>;

            fn into_dependency(self) -> Optional<$t> {
                self
            }
        }

        impl $t {
            /// The optional form: `None` without credentials (FastAPI's `auto_error=False`).
            pub const fn optional(self) -> Optional<$t> {
                Optional(self)
            }
        }
    )*};
}

scheme_dependency!(
    OAuth2PasswordBearer,
    HTTPBasic,
    HTTPBearer,
    HTTPDigest,
    APIKeyHeader,
    APIKeyQuery,
    APIKeyCookie
);

/// OAuth2 with a bearer token obtained from a password flow at `token_url`: the token of
/// `Authorization: Bearer <token>` (FastAPI's `OAuth2PasswordBearer`).
#[derive(Clone, Copy, Debug)]
pub struct OAuth2PasswordBearer {
    token_url: &'static str,
    scheme_name: &'static str,
    scopes: &'static [(&'static str, &'static str)],
    description: Option<&'static str>,
}

impl OAuth2PasswordBearer {
    /// The scheme whose tokens come from `token_url`.
    pub const fn new(token_url: &'static str) -> OAuth2PasswordBearer {
        OAuth2PasswordBearer {
            token_url,
            scheme_name: "OAuth2PasswordBearer",
            scopes: &[],
            description: None,
        }
    }

    /// The scopes it knows, with their descriptions (for the OpenAPI document).
    pub const fn scopes(mut self, scopes: &'static [(&'static str, &'static str)]) -> Self {
        self.scopes = scopes;
        self
    }

    /// Its name in the OpenAPI document.
    pub const fn with_scheme_name(mut self, name: &'static str) -> Self {
        self.scheme_name = name;
        self
    }

    /// Its description in the OpenAPI document.
    pub const fn description(mut self, description: &'static str) -> Self {
        self.description = Some(description);
        self
    }

    /// The URL of the token endpoint.
    pub fn token_url(&self) -> &str {
        self.token_url
    }

    /// The declared scopes.
    pub fn declared_scopes(&self) -> &[(&'static str, &'static str)] {
        self.scopes
    }
}

impl SecurityScheme for OAuth2PasswordBearer {
    type Credentials = String;

    fn scheme_name(&self) -> &str {
        self.scheme_name
    }

    fn read(&self, cx: &Context<'_>) -> Result<Option<String>, HTTPException> {
        Ok(match authorization(cx) {
            Some((scheme, param)) if scheme.eq_ignore_ascii_case("bearer") => {
                Some(param.to_string())
            }
            _ => None,
        })
    }

    fn challenge(&self) -> HTTPException {
        not_authenticated("Bearer")
    }

    fn openapi(&self) -> serde_json::Value {
        let scopes: serde_json::Map<String, serde_json::Value> = self
            .scopes
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::json!(v)))
            .collect();
        let mut scheme = serde_json::json!({
            "type": "oauth2",
            "flows": {"password": {"scopes": scopes, "tokenUrl": self.token_url}}
        });
        if let Some(d) = self.description {
            scheme["description"] = serde_json::json!(d);
        }
        scheme
    }
}

/// The user name and password of HTTP Basic authentication.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HTTPBasicCredentials {
    /// The user name.
    pub username: String,
    /// The password.
    pub password: String,
}

/// HTTP Basic authentication (RFC 7617): FastAPI's `HTTPBasic`.
#[derive(Clone, Copy, Debug)]
pub struct HTTPBasic {
    realm: Option<&'static str>,
    scheme_name: &'static str,
}

impl HTTPBasic {
    /// The scheme, without a realm.
    pub const fn new() -> HTTPBasic {
        HTTPBasic {
            realm: None,
            scheme_name: "HTTPBasic",
        }
    }

    /// The realm named in the challenge (`WWW-Authenticate: Basic realm="…"`).
    pub const fn realm(mut self, realm: &'static str) -> HTTPBasic {
        self.realm = Some(realm);
        self
    }

    /// Its name in the OpenAPI document.
    pub const fn with_scheme_name(mut self, name: &'static str) -> HTTPBasic {
        self.scheme_name = name;
        self
    }
}

impl Default for HTTPBasic {
    fn default() -> Self {
        HTTPBasic::new()
    }
}

/// Python's `base64.b64decode(s)`: characters outside the alphabet are dropped, the padding
/// must be right.
fn python_b64decode(text: &str) -> Option<Vec<u8>> {
    let kept: String = text
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '='))
        .collect();
    base64::engine::general_purpose::STANDARD.decode(kept).ok()
}

impl SecurityScheme for HTTPBasic {
    type Credentials = HTTPBasicCredentials;

    fn scheme_name(&self) -> &str {
        self.scheme_name
    }

    fn read(&self, cx: &Context<'_>) -> Result<Option<HTTPBasicCredentials>, HTTPException> {
        let Some((scheme, param)) = authorization(cx) else {
            return Ok(None);
        };
        if !scheme.eq_ignore_ascii_case("basic") {
            return Ok(None);
        }
        // Bad base64, non-ASCII text or no `:` is a 401 even for the optional form.
        let text = python_b64decode(param)
            .filter(|bytes| bytes.is_ascii())
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .ok_or_else(|| self.challenge())?;
        let (username, password) = text.split_once(':').ok_or_else(|| self.challenge())?;
        Ok(Some(HTTPBasicCredentials {
            username: username.to_string(),
            password: password.to_string(),
        }))
    }

    fn openapi(&self) -> serde_json::Value {
        serde_json::json!({"type": "http", "scheme": "basic"})
    }

    fn challenge(&self) -> HTTPException {
        match self.realm {
            Some(realm) => not_authenticated(&format!("Basic realm=\"{realm}\"")),
            None => not_authenticated("Basic"),
        }
    }
}

/// The scheme and credentials of an `Authorization` header (FastAPI's
/// `HTTPAuthorizationCredentials`).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct HTTPAuthorizationCredentials {
    /// The scheme, as sent (`Bearer`).
    pub scheme: String,
    /// The credentials after it.
    pub credentials: String,
}

fn scheme_credentials(cx: &Context<'_>, wanted: &str) -> Option<HTTPAuthorizationCredentials> {
    let (scheme, credentials) = authorization(cx)?;
    if scheme.is_empty() || credentials.is_empty() || !scheme.eq_ignore_ascii_case(wanted) {
        return None;
    }
    Some(HTTPAuthorizationCredentials {
        scheme: scheme.to_string(),
        credentials: credentials.to_string(),
    })
}

macro_rules! http_scheme {
    ($(#[$doc:meta])* $name:ident, $scheme:literal, $challenge:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default)]
        pub struct $name {
            scheme_name: Option<&'static str>,
        }

        impl $name {
            /// The scheme.
            pub const fn new() -> $name {
                $name { scheme_name: None }
            }

            /// Its name in the OpenAPI document.
            pub const fn with_scheme_name(mut self, name: &'static str) -> $name {
                self.scheme_name = Some(name);
                self
            }
        }

        impl SecurityScheme for $name {
            type Credentials = HTTPAuthorizationCredentials;

            fn scheme_name(&self) -> &str {
                self.scheme_name.unwrap_or(stringify!($name))
            }

            fn read(&self, cx: &Context<'_>) -> Result<Option<Self::Credentials>, HTTPException> {
                Ok(scheme_credentials(cx, $scheme))
            }

            fn challenge(&self) -> HTTPException {
                not_authenticated($challenge)
            }

            fn openapi(&self) -> serde_json::Value {
                serde_json::json!({"type": "http", "scheme": $scheme})
            }
        }
    };
}

http_scheme!(
    /// HTTP Bearer authentication: FastAPI's `HTTPBearer`.
    HTTPBearer,
    "bearer",
    "Bearer"
);
http_scheme!(
    /// HTTP Digest authentication (the header only; checking it is the app's): FastAPI's
    /// `HTTPDigest`.
    HTTPDigest,
    "digest",
    "Digest"
);

macro_rules! api_key {
    ($(#[$doc:meta])* $name:ident, $class:literal, $in:literal, |$cx:ident, $key:ident| $read:expr) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name {
            name: &'static str,
            scheme_name: &'static str,
        }

        impl $name {
            /// The key named `name`.
            pub const fn new(name: &'static str) -> $name {
                $name {
                    name,
                    scheme_name: $class,
                }
            }

            /// Its name in the OpenAPI document.
            pub const fn with_scheme_name(mut self, scheme_name: &'static str) -> $name {
                self.scheme_name = scheme_name;
                self
            }

            /// The name the key is sent under.
            pub fn key_name(&self) -> &str {
                self.name
            }
        }

        impl SecurityScheme for $name {
            type Credentials = String;

            fn scheme_name(&self) -> &str {
                self.scheme_name
            }

            fn read(&self, $cx: &Context<'_>) -> Result<Option<String>, HTTPException> {
                let $key = self.name;
                // An empty key is a missing key, as in FastAPI.
                Ok($read.filter(|k: &&str| !k.is_empty()).map(str::to_string))
            }

            fn challenge(&self) -> HTTPException {
                not_authenticated("APIKey")
            }

            fn openapi(&self) -> serde_json::Value {
                serde_json::json!({"type": "apiKey", "in": $in, "name": self.name})
            }
        }
    };
}

api_key!(
    /// An API key in a header: FastAPI's `APIKeyHeader(name=…)`.
    APIKeyHeader,
    "APIKeyHeader",
    "header",
    |cx, key| cx.request().header(key)
);
api_key!(
    /// An API key in the query string: FastAPI's `APIKeyQuery(name=…)`.
    APIKeyQuery,
    "APIKeyQuery",
    "query",
    |cx, key| cx.request().query_params().get(key)
);
api_key!(
    /// An API key in a cookie: FastAPI's `APIKeyCookie(name=…)`.
    APIKeyCookie,
    "APIKeyCookie",
    "cookie",
    |cx, key| cx.request().cookie(key)
);

/// The OAuth2 password flow's login form (FastAPI's `OAuth2PasswordRequestForm`):
/// `username` and `password` required, `grant_type` optional but `password` when given,
/// `scope` a space-separated list.
#[derive(Clone, Debug, crate::Dependency)]
pub struct OAuth2PasswordRequestForm {
    /// `password` when given.
    #[form(pattern = "^password$")]
    pub grant_type: Option<String>,
    /// The user name.
    #[form]
    pub username: String,
    /// The password.
    #[form(format = "password")]
    pub password: String,
    /// The scopes, space-separated (see [`OAuth2PasswordRequestForm::scopes`]).
    #[form(default = String::new())]
    pub scope: String,
    /// The client id, if sent in the form.
    #[form]
    pub client_id: Option<String>,
    /// The client secret, if sent in the form.
    #[form(format = "password")]
    pub client_secret: Option<String>,
}

impl OAuth2PasswordRequestForm {
    /// The scopes asked for (`scope` split on whitespace).
    pub fn scopes(&self) -> Vec<Cow<'_, str>> {
        self.scope.split_whitespace().map(Cow::Borrowed).collect()
    }
}

/// The strict login form (FastAPI's `OAuth2PasswordRequestFormStrict`): `grant_type` is
/// required and must be `password`.
#[derive(Clone, Debug, crate::Dependency)]
pub struct OAuth2PasswordRequestFormStrict {
    /// `password`.
    #[form(pattern = "^password$")]
    pub grant_type: String,
    /// The user name.
    #[form]
    pub username: String,
    /// The password.
    #[form(format = "password")]
    pub password: String,
    /// The scopes, space-separated.
    #[form(default = String::new())]
    pub scope: String,
    /// The client id, if sent in the form.
    #[form]
    pub client_id: Option<String>,
    /// The client secret, if sent in the form.
    #[form(format = "password")]
    pub client_secret: Option<String>,
}
