//! Security schemes end to end: OAuth2 password bearer, HTTP Basic (with a realm), HTTP Bearer,
//! HTTP Digest and API keys in a header, the query string or a cookie, each required and
//! optional; the OAuth2 password form; `SecurityScopes` collected from `scopes = [...]`; schemes
//! as router guards and in WebSocket operations. The expected status codes, bodies and
//! `WWW-Authenticate` values are FastAPI 0.165's (`anchors.md` §3.11, each checked with
//! FastAPI's own `TestClient`). In process with the toolkit's `TestClient`, and over a real
//! socket with `LiveServer`.

use base64::Engine as _;
use ferrapi::security::{
    APIKeyCookie, APIKeyHeader, APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic,
    HTTPBasicCredentials, HTTPBearer, HTTPDigest, OAuth2PasswordBearer, OAuth2PasswordRequestForm,
    OAuth2PasswordRequestFormStrict,
};
use ferrapi::toolkit::testclient::{LiveServer, TestClient, TestResponse};
use ferrapi::toolkit::{StatusCode, WebSocket};
use ferrapi::{dependency, get, post, websocket, App, HTTPException, Router, SecurityScopes};
use serde_json::{json, Value};

static OAUTH2: OAuth2PasswordBearer = OAuth2PasswordBearer::new("token");
static BASIC: HTTPBasic = HTTPBasic::new();
static BASIC_REALM: HTTPBasic = HTTPBasic::new().realm("x");
static BEARER: HTTPBearer = HTTPBearer::new();
static DIGEST: HTTPDigest = HTTPDigest::new();
static KEY_HEADER: APIKeyHeader = APIKeyHeader::new("x-key");
static KEY_QUERY: APIKeyQuery = APIKeyQuery::new("key");
static KEY_COOKIE: APIKeyCookie = APIKeyCookie::new("session");

#[get("/oauth")]
async fn oauth(#[depends(OAUTH2)] token: String) -> Value {
    json!({ "token": token })
}

#[get("/oauth-opt")]
async fn oauth_opt(#[depends(OAUTH2.optional())] token: Option<String>) -> Value {
    json!({ "token": token })
}

#[get("/basic")]
async fn basic(#[depends(BASIC)] credentials: HTTPBasicCredentials) -> HTTPBasicCredentials {
    credentials
}

#[get("/basic-realm")]
async fn basic_realm(
    #[depends(BASIC_REALM)] credentials: HTTPBasicCredentials,
) -> HTTPBasicCredentials {
    credentials
}

#[get("/basic-opt")]
async fn basic_opt(
    #[depends(BASIC.optional())] credentials: Option<HTTPBasicCredentials>,
) -> Value {
    json!({ "c": credentials })
}

#[get("/bearer")]
async fn bearer(
    #[depends(BEARER)] credentials: HTTPAuthorizationCredentials,
) -> HTTPAuthorizationCredentials {
    credentials
}

#[get("/bearer-opt")]
async fn bearer_opt(
    #[depends(BEARER.optional())] credentials: Option<HTTPAuthorizationCredentials>,
) -> Value {
    json!({ "c": credentials })
}

#[get("/digest")]
async fn digest(
    #[depends(DIGEST)] credentials: HTTPAuthorizationCredentials,
) -> HTTPAuthorizationCredentials {
    credentials
}

#[get("/digest-opt")]
async fn digest_opt(
    #[depends(DIGEST.optional())] credentials: Option<HTTPAuthorizationCredentials>,
) -> Value {
    json!({ "c": credentials })
}

#[get("/kh")]
async fn key_header(#[depends(KEY_HEADER)] key: String) -> Value {
    json!({ "key": key })
}

#[get("/kq")]
async fn key_query(#[depends(KEY_QUERY)] key: String) -> Value {
    json!({ "key": key })
}

#[get("/kc")]
async fn key_cookie(#[depends(KEY_COOKIE)] key: String) -> Value {
    json!({ "key": key })
}

#[get("/keys-opt")]
async fn keys_opt(
    #[depends(KEY_HEADER.optional())] header: Option<String>,
    #[depends(KEY_QUERY.optional())] query: Option<String>,
    #[depends(KEY_COOKIE.optional())] cookie: Option<String>,
) -> Value {
    json!({ "header": header, "query": query, "cookie": cookie })
}

#[post("/token")]
async fn login(#[depends] form: OAuth2PasswordRequestForm) -> Value {
    json!({
        "u": form.username,
        "p": form.password,
        "scopes": form.scopes(),
        "gt": form.grant_type,
        "cid": form.client_id,
    })
}

#[post("/token-strict")]
async fn login_strict(#[depends] form: OAuth2PasswordRequestFormStrict) -> Value {
    json!({ "gt": form.grant_type })
}

fn app() -> App {
    App::new()
        .route(oauth)
        .route(oauth_opt)
        .route(basic)
        .route(basic_realm)
        .route(basic_opt)
        .route(bearer)
        .route(bearer_opt)
        .route(digest)
        .route(digest_opt)
        .route(key_header)
        .route(key_query)
        .route(key_cookie)
        .route(keys_opt)
        .route(login)
        .route(login_strict)
}

/// `Basic` credentials for `text`.
fn basic_auth(text: &str) -> String {
    format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(text)
    )
}

/// `GET path` with an `Authorization` header (none when `authorization` is empty).
async fn get_with(
    client: &TestClient<ferrapi::BuiltApp>,
    path: &str,
    authorization: &str,
) -> TestResponse {
    let request = client.get(path);
    let request = if authorization.is_empty() {
        request
    } else {
        request.header("authorization", authorization)
    };
    request.send().await
}

/// FastAPI's 401 for missing or malformed credentials, with the scheme's challenge.
#[track_caller]
fn assert_not_authenticated(r: &TestResponse, challenge: &str, case: &str) {
    assert_eq!(r.status(), 401, "{case}: {}", r.text());
    assert_eq!(r.header("www-authenticate"), Some(challenge), "{case}");
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": "Not authenticated"}),
        "{case}"
    );
}

#[track_caller]
fn assert_json(r: &TestResponse, expected: Value, case: &str) {
    assert_eq!(r.status(), 200, "{case}: {}", r.text());
    assert_eq!(r.json::<Value>().unwrap(), expected, "{case}");
}

/// Every scheme without credentials: 401 `{"detail":"Not authenticated"}` with its exact
/// `WWW-Authenticate` (Bearer, Basic, Basic realm="x", Digest, APIKey).
#[tokio::test]
async fn missing_credentials_are_a_401_with_the_schemes_challenge() {
    let client = TestClient::new(app());
    for (path, challenge) in [
        ("/oauth", "Bearer"),
        ("/basic", "Basic"),
        ("/basic-realm", "Basic realm=\"x\""),
        ("/bearer", "Bearer"),
        ("/digest", "Digest"),
        ("/kh", "APIKey"),
        ("/kq", "APIKey"),
        ("/kc", "APIKey"),
    ] {
        let r = client.get(path).send().await;
        assert_not_authenticated(&r, challenge, path);
    }
}

/// Credentials for another scheme are missing credentials for this one (the same 401), and
/// an HTTP Bearer or Digest header without credentials is too.
#[tokio::test]
async fn a_wrong_scheme_is_a_401() {
    let client = TestClient::new(app());
    for (path, authorization, challenge) in [
        ("/oauth", "Basic abc", "Bearer"),
        ("/basic", "Bearer x", "Basic"),
        ("/basic-realm", "Bearer x", "Basic realm=\"x\""),
        ("/bearer", "Basic abc", "Bearer"),
        ("/bearer", "Bearer", "Bearer"),
        ("/digest", "Bearer abc", "Digest"),
        ("/digest", "Digest", "Digest"),
    ] {
        let r = get_with(&client, path, authorization).await;
        assert_not_authenticated(&r, challenge, &format!("{path} with {authorization:?}"));
    }
}

/// Valid credentials give the scheme's value (FastAPI's exact values, the scheme matched
/// without regard to case).
#[tokio::test]
async fn valid_credentials_give_the_value() {
    let client = TestClient::new(app());
    let cases = [
        (
            "/oauth",
            "Bearer tok1".to_string(),
            json!({"token": "tok1"}),
        ),
        (
            "/oauth",
            "bearer tok1".to_string(),
            json!({"token": "tok1"}),
        ),
        // FastAPI's `get_authorization_scheme_param`: no token is an empty token.
        ("/oauth", "Bearer".to_string(), json!({"token": ""})),
        (
            "/basic",
            basic_auth("alice:s3cret:x"),
            json!({"username": "alice", "password": "s3cret:x"}),
        ),
        (
            "/basic",
            format!("basic {}", &basic_auth("a:")[6..]),
            json!({"username": "a", "password": ""}),
        ),
        (
            "/basic",
            basic_auth(":b"),
            json!({"username": "", "password": "b"}),
        ),
        (
            "/basic-realm",
            basic_auth("bob:pw"),
            json!({"username": "bob", "password": "pw"}),
        ),
        (
            "/bearer",
            "Bearer abc".to_string(),
            json!({"scheme": "Bearer", "credentials": "abc"}),
        ),
        // Spaces around the credentials are dropped, spaces inside kept (FastAPI's answers).
        (
            "/oauth",
            "Bearer  spaced ".to_string(),
            json!({"token": "spaced"}),
        ),
        ("/oauth", "Bearer a b".to_string(), json!({"token": "a b"})),
        (
            "/bearer",
            "Bearer  abc ".to_string(),
            json!({"scheme": "Bearer", "credentials": "abc"}),
        ),
        // Python's `b64decode` drops characters outside the alphabet.
        (
            "/basic",
            "Basic YWxp Y2U6cHc=".to_string(),
            json!({"username": "alice", "password": "pw"}),
        ),
        (
            "/basic",
            "Basic  YWxpY2U6cHc=".to_string(),
            json!({"username": "alice", "password": "pw"}),
        ),
        (
            "/digest",
            "Digest username=x".to_string(),
            json!({"scheme": "Digest", "credentials": "username=x"}),
        ),
    ];
    for (path, authorization, expected) in cases {
        let r = get_with(&client, path, &authorization).await;
        assert_json(&r, expected, &format!("{path} with {authorization:?}"));
    }
    let r = client.get("/kh").header("x-key", "k1").send().await;
    assert_json(&r, json!({"key": "k1"}), "header key");
    let r = client.get("/kq?key=k2").send().await;
    assert_json(&r, json!({"key": "k2"}), "query key");
    let r = client
        .get("/kc")
        .header("cookie", "session=k3")
        .send()
        .await;
    assert_json(&r, json!({"key": "k3"}), "cookie key");
}

/// An empty API key is a missing one (401), as in FastAPI.
#[tokio::test]
async fn an_empty_api_key_is_missing() {
    let client = TestClient::new(app());
    let r = client.get("/kh").header("x-key", "").send().await;
    assert_not_authenticated(&r, "APIKey", "empty header key");
    let r = client.get("/kq?key=").send().await;
    assert_not_authenticated(&r, "APIKey", "empty query key");
    let r = client.get("/kc").header("cookie", "session=").send().await;
    assert_not_authenticated(&r, "APIKey", "empty cookie key");
}

/// The optional form (`auto_error=False`) gives `None` without credentials or with another
/// scheme's, and the value with them.
#[tokio::test]
async fn optional_schemes_give_none_without_credentials() {
    let client = TestClient::new(app());
    for (path, authorization, expected) in [
        ("/oauth-opt", "", json!({"token": null})),
        ("/oauth-opt", "Basic abc", json!({"token": null})),
        ("/oauth-opt", "Bearer t", json!({"token": "t"})),
        ("/basic-opt", "", json!({"c": null})),
        ("/basic-opt", "Bearer x", json!({"c": null})),
        ("/bearer-opt", "", json!({"c": null})),
        ("/bearer-opt", "Basic abc", json!({"c": null})),
        (
            "/bearer-opt",
            "Bearer abc",
            json!({"c": {"scheme": "Bearer", "credentials": "abc"}}),
        ),
        ("/digest-opt", "", json!({"c": null})),
        ("/digest-opt", "Bearer abc", json!({"c": null})),
    ] {
        let r = get_with(&client, path, authorization).await;
        assert_json(&r, expected, &format!("{path} with {authorization:?}"));
    }
    let r = client
        .get("/basic-opt")
        .header("authorization", &basic_auth("u:p"))
        .send()
        .await;
    assert_json(
        &r,
        json!({"c": {"username": "u", "password": "p"}}),
        "basic-opt valid",
    );
    let r = client.get("/keys-opt").send().await;
    assert_json(
        &r,
        json!({"header": null, "query": null, "cookie": null}),
        "no keys",
    );
    let r = client
        .get("/keys-opt?key=q")
        .header("x-key", "h")
        .header("cookie", "session=c")
        .send()
        .await;
    assert_json(
        &r,
        json!({"header": "h", "query": "q", "cookie": "c"}),
        "all keys",
    );
}

/// Malformed Basic credentials (bad base64, non-ASCII text, no `:`) are a 401 even for the
/// optional form, with the realm in the challenge when there is one (FastAPI's answers).
#[tokio::test]
async fn malformed_basic_credentials_are_a_401_even_when_optional() {
    let client = TestClient::new(app());
    let no_colon = basic_auth("nocolon");
    let non_ascii = basic_auth("jos\u{e9}:x");
    for (path, authorization, challenge) in [
        ("/basic", "Basic !!!notb64", "Basic"),
        ("/basic", no_colon.as_str(), "Basic"),
        ("/basic", non_ascii.as_str(), "Basic"),
        ("/basic-realm", no_colon.as_str(), "Basic realm=\"x\""),
        ("/basic-opt", "Basic !!!notb64", "Basic"),
        ("/basic-opt", no_colon.as_str(), "Basic"),
        ("/basic-opt", "Basic abc", "Basic"),
    ] {
        let r = get_with(&client, path, authorization).await;
        assert_not_authenticated(&r, challenge, &format!("{path} with {authorization:?}"));
    }
}

/// The OAuth2 password form: missing fields are 422s at `["body", …]`, `grant_type` must be
/// `password` when given (required in the strict form), `scope` splits on whitespace.
#[tokio::test]
async fn the_password_form_validates_like_fastapi() {
    let client = TestClient::new(app());
    let r = client
        .post("/token")
        .form(&[("username", "u")])
        .send()
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": [{"type": "missing", "loc": ["body", "password"],
                           "msg": "Field required", "input": null}]})
    );
    let r = client.post("/token").form(&[]).send().await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": [
            {"type": "missing", "loc": ["body", "username"], "msg": "Field required",
             "input": null},
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required",
             "input": null}
        ]})
    );
    let r = client
        .post("/token")
        .form(&[
            ("username", "u"),
            ("password", "p"),
            ("grant_type", "client"),
        ])
        .send()
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": [{"type": "string_pattern_mismatch", "loc": ["body", "grant_type"],
                           "msg": "String should match pattern '^password$'", "input": "client",
                           "ctx": {"pattern": "^password$"}}]})
    );
    let r = client
        .post("/token")
        .form(&[
            ("username", "u"),
            ("password", "p"),
            ("grant_type", "password"),
            ("scope", " read  write items:x "),
            ("client_id", "c"),
        ])
        .send()
        .await;
    assert_json(
        &r,
        json!({"u": "u", "p": "p", "scopes": ["read", "write", "items:x"], "gt": "password",
               "cid": "c"}),
        "full form",
    );
    let r = client
        .post("/token")
        .form(&[("username", "u"), ("password", "p")])
        .send()
        .await;
    assert_json(
        &r,
        json!({"u": "u", "p": "p", "scopes": [], "gt": null, "cid": null}),
        "minimal form",
    );
    let r = client
        .post("/token")
        .json(&json!({"username": "u", "password": "p"}))
        .send()
        .await;
    assert_eq!(r.status(), 422, "a JSON body is not the form");
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": [
            {"type": "missing", "loc": ["body", "username"], "msg": "Field required",
             "input": null},
            {"type": "missing", "loc": ["body", "password"], "msg": "Field required",
             "input": null}
        ]})
    );
    let r = client
        .post("/token-strict")
        .form(&[("username", "u"), ("password", "p")])
        .send()
        .await;
    assert_eq!(r.status(), 422);
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail": [{"type": "missing", "loc": ["body", "grant_type"],
                           "msg": "Field required", "input": null}]})
    );
    let r = client
        .post("/token-strict")
        .form(&[
            ("username", "u"),
            ("password", "p"),
            ("grant_type", "password"),
        ])
        .send()
        .await;
    assert_json(&r, json!({"gt": "password"}), "strict form");
}

// ------------------------------------------------------------------------- security scopes

mod scopes {
    use super::*;

    /// The scopes its dependants asked for.
    #[dependency]
    async fn inner(security_scopes: SecurityScopes) -> Value {
        json!({ "scopes": security_scopes.scopes, "scope_str": security_scopes.scope_str() })
    }

    #[dependency]
    async fn middle(#[depends(inner, scopes = ["b", "a"])] seen: Value) -> Value {
        seen
    }

    #[get("/scopes")]
    async fn read_scopes(#[depends(middle, scopes = ["a", "c"])] seen: Value) -> Value {
        seen
    }

    #[get("/no-scopes")]
    async fn read_no_scopes(#[depends(inner)] seen: Value) -> Value {
        seen
    }

    #[get("/two-ways")]
    async fn read_two_ways(
        #[depends(inner, scopes = ["x"])] with: Value,
        #[depends(inner)] without: Value,
    ) -> Value {
        json!({ "with": with["scopes"], "without": without["scopes"] })
    }

    /// `SecurityScopes` collects the scopes of every `scopes = [...]` above it, outermost
    /// first, without repeats (FastAPI's `["a","c","b"]`); none without any.
    #[tokio::test]
    async fn security_scopes_collect_the_ancestors_scopes() {
        let client = TestClient::new(
            App::new()
                .route(read_scopes)
                .route(read_no_scopes)
                .route(read_two_ways),
        );
        let r = client.get("/scopes").send().await;
        assert_json(
            &r,
            json!({"scopes": ["a", "c", "b"], "scope_str": "a c b"}),
            "nested scopes",
        );
        let r = client.get("/no-scopes").send().await;
        assert_json(&r, json!({"scopes": [], "scope_str": ""}), "no scopes");
    }

    /// The request cache is keyed by the dependency and its scopes (FastAPI's cache key): the
    /// same dependency asked for with and without scopes runs for each.
    #[tokio::test]
    async fn the_cache_is_keyed_by_scopes() {
        let client = TestClient::new(App::new().route(read_two_ways));
        let r = client.get("/two-ways").send().await;
        assert_json(&r, json!({"with": ["x"], "without": []}), "two ways");
    }
}

mod oauth2_scopes {
    use super::*;

    static SCHEME: OAuth2PasswordBearer = OAuth2PasswordBearer::new("token")
        .scopes(&[("me", "Read yourself"), ("items", "Read items")]);

    /// FastAPI's "OAuth2 scopes" tutorial: a token carries scopes (`user:me+items`); the
    /// dependency checks the ones its dependants need, answering with the scopes in the
    /// challenge.
    #[dependency]
    async fn current_user(
        security_scopes: SecurityScopes,
        #[depends(SCHEME)] token: String,
    ) -> Result<String, HTTPException> {
        let challenge = if security_scopes.scopes.is_empty() {
            "Bearer".to_string()
        } else {
            format!("Bearer scope=\"{}\"", security_scopes.scope_str())
        };
        let (user, granted) = token.split_once(':').unwrap_or((token.as_str(), ""));
        let granted: Vec<&str> = granted.split('+').collect();
        for needed in &security_scopes.scopes {
            if !granted.contains(&needed.as_str()) {
                return Err(
                    HTTPException::new(StatusCode::UNAUTHORIZED, "Not enough permissions")
                        .header("www-authenticate", &challenge),
                );
            }
        }
        Ok(user.to_string())
    }

    #[get("/users/me")]
    async fn read_me(#[depends(current_user, scopes = ["me"])] user: String) -> Value {
        json!({ "user": user })
    }

    #[get("/users/me/items")]
    async fn read_my_items(
        #[depends(current_user, scopes = ["me", "items"])] user: String,
    ) -> Value {
        json!({ "user": user, "items": ["a"] })
    }

    /// Scopes reach a dependency that also uses the OAuth2 scheme: enough scopes pass, too
    /// few are a 401 naming the needed scopes, no token is the scheme's own 401.
    #[tokio::test]
    async fn oauth2_scopes_are_checked_by_the_dependency() {
        let client = TestClient::new(App::new().route(read_me).route(read_my_items));
        let r = get_with(&client, "/users/me", "Bearer ann:me").await;
        assert_json(&r, json!({"user": "ann"}), "me with me");
        let r = get_with(&client, "/users/me/items", "Bearer ann:me+items").await;
        assert_json(
            &r,
            json!({"user": "ann", "items": ["a"]}),
            "items with both",
        );
        let r = get_with(&client, "/users/me/items", "Bearer ann:me").await;
        assert_eq!(r.status(), 401);
        assert_eq!(
            r.header("www-authenticate"),
            Some("Bearer scope=\"me items\"")
        );
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"detail": "Not enough permissions"})
        );
        let r = client.get("/users/me").send().await;
        assert_not_authenticated(&r, "Bearer", "no token");
    }
}

// --------------------------------------------------------------------- guards and WebSockets

mod scheme_guard {
    use super::*;

    #[get("/reports")]
    async fn reports() -> Value {
        json!(["q1"])
    }

    /// A scheme as a router guard (`APIRouter(dependencies=[Depends(api_key)])`): its 401
    /// answers for the router's operations, its value is unused.
    #[tokio::test]
    async fn a_scheme_guards_a_router() {
        let router = Router::new()
            .prefix("/api")
            .dependency(KEY_HEADER)
            .route(reports);
        let client = TestClient::new(App::new().include_router(router));
        let r = client.get("/api/reports").send().await;
        assert_not_authenticated(&r, "APIKey", "no key");
        let r = client.get("/api/reports").header("x-key", "k").send().await;
        assert_json(&r, json!(["q1"]), "with key");
    }
}

mod websocket_key {
    use super::*;

    #[websocket("/ws")]
    async fn keyed_ws(mut websocket: WebSocket, #[depends(KEY_QUERY)] key: String) {
        if websocket.accept().await.is_err() {
            return;
        }
        let _ = websocket.send_text(format!("key {key}")).await;
        let _ = websocket.close(1000, "").await;
    }

    /// An API key in the query string authenticates a WebSocket handshake (browsers cannot
    /// set headers on one); without it the handshake is denied.
    #[tokio::test]
    async fn a_query_key_authenticates_a_websocket() {
        let client = TestClient::new(App::new().route(keyed_ws));
        let mut session = client
            .websocket_connect("/ws?key=k9")
            .await
            .expect("the handshake is accepted");
        assert_eq!(session.receive_text().await.unwrap(), "key k9");
        match client.websocket_connect("/ws").await {
            Ok(_) => panic!("a handshake without a key was accepted"),
            Err(denied) => assert!(
                denied.status().is_client_error(),
                "denied with {}",
                denied.status()
            ),
        }
    }
}

// ------------------------------------------------------------------------------ real socket

/// Over a real socket: the 401 and its challenge reach an HTTP client, and valid Basic
/// credentials give the user.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_a_socket_schemes_answer_like_fastapi() {
    let server = LiveServer::start(app()).await.unwrap();
    let oauth_url = server.url("/oauth");
    let basic_url = server.url("/basic-realm");
    let credentials = basic_auth("bob:pw");
    let results = tokio::task::spawn_blocking(move || {
        let agent = ferrapi_test_support::agent(std::time::Duration::from_secs(60));
        let mut out = Vec::new();
        for (url, authorization) in [
            (&oauth_url, None),
            (&basic_url, None),
            (&basic_url, Some(credentials.as_str())),
        ] {
            let mut request = agent.get(url.as_str());
            if let Some(value) = authorization {
                request = request.header("authorization", value);
            }
            let mut response = request.call().expect("the request failed");
            let challenge = response
                .headers()
                .get("www-authenticate")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let body = response.body_mut().read_to_string().unwrap();
            out.push((response.status().as_u16(), challenge, body));
        }
        out
    })
    .await
    .unwrap();
    assert_eq!(
        results,
        [
            (
                401,
                Some("Bearer".to_string()),
                r#"{"detail":"Not authenticated"}"#.to_string()
            ),
            (
                401,
                Some("Basic realm=\"x\"".to_string()),
                r#"{"detail":"Not authenticated"}"#.to_string()
            ),
            (
                200,
                None,
                r#"{"username":"bob","password":"pw"}"#.to_string()
            ),
        ]
    );
    server.stop().await.unwrap();
}
