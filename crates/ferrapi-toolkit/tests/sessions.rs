//! `SessionMiddleware`: the session across requests through the test client's cookie jar,
//! Starlette's Set-Cookie strings (set, cleared, attributes), `Vary: Cookie`, and every kind of
//! bad cookie giving an empty session.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use common::within;
use ferrapi_toolkit::middleware::BoxApp;
use ferrapi_toolkit::responses::SameSite;
use ferrapi_toolkit::sessions::{sign_session, Session, SessionMiddleware, DEFAULT_MAX_AGE};
use ferrapi_toolkit::testclient::TestClient;
use ferrapi_toolkit::{Application, Json, Request, Route};
use hmac::{KeyInit, Mac};
use serde_json::{json, Map, Value};

const SECRET: &str = "s3cret";

async fn set(req: Request) -> &'static str {
    let session = req
        .extensions()
        .get::<Session>()
        .expect("session installed");
    for (k, v) in req.query_params().iter() {
        session.insert(k, v);
    }
    "set"
}

async fn show(req: Request) -> Json<Map<String, Value>> {
    Json(Session::of(&req).unwrap().to_map())
}

async fn clear(req: Request) -> &'static str {
    Session::of(&req).unwrap().clear();
    "cleared"
}

async fn remove(req: Request) -> &'static str {
    let session = Session::of(&req).unwrap();
    session.remove(req.query_params().get("key").unwrap_or(""));
    "removed"
}

async fn noop(_req: Request) -> &'static str {
    "noop"
}

fn routes() -> Application {
    Application::new()
        .route(Route::new("/set", set))
        .route(Route::new("/show", show))
        .route(Route::new("/clear", clear))
        .route(Route::new("/remove", remove))
        .route(Route::new("/noop", noop))
}

fn client() -> TestClient<ferrapi_toolkit::BuiltApplication> {
    TestClient::new(routes().middleware(|inner: BoxApp| SessionMiddleware::new(inner, SECRET)))
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn data(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => panic!("not an object"),
    }
}

/// A cookie value signed with `secret` around an arbitrary payload (not necessarily JSON).
fn sign_raw(secret: &str, payload: &[u8], timestamp: u64) -> String {
    let message = format!("{}.{timestamp}", URL_SAFE_NO_PAD.encode(payload));
    let mut mac = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(message.as_bytes());
    format!(
        "{message}.{}",
        URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
    )
}

#[tokio::test]
async fn set_and_read_across_requests() {
    within(async {
        let client = client();
        let r = client.get("/show").send().await;
        assert_eq!(r.text(), "{}");
        assert_eq!(r.header("set-cookie"), None);
        assert_eq!(r.header("vary"), Some("Cookie"));

        let r = client.get("/set?user=ann&lang=en").send().await;
        let cookie = r.header("set-cookie").unwrap();
        let value = cookie
            .strip_prefix("session=")
            .and_then(|c| c.split_once(';'))
            .unwrap()
            .0;
        assert_eq!(
            cookie,
            format!("session={value}; path=/; Max-Age=1209600; httponly; samesite=lax")
        );
        assert_eq!(
            client.cookies().get("session").map(String::as_str),
            Some(value)
        );

        let r = client.get("/show").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "ann", "lang": "en"})
        );
        // Read but not modified: no Set-Cookie.
        assert_eq!(r.header("set-cookie"), None);

        client.get("/set?user=bob").send().await;
        let r = client.get("/show").send().await;
        assert_eq!(
            r.json::<Value>().unwrap(),
            json!({"user": "bob", "lang": "en"})
        );

        // The value is signed by the same scheme `sign_session` documents.
        let expected = sign_session(
            SECRET.as_bytes(),
            &data(json!({"user": "ann", "lang": "en"})),
            value.rsplit('.').nth(1).unwrap().parse().unwrap(),
        );
        assert_eq!(expected, value);
    })
    .await;
}

#[tokio::test]
async fn no_set_cookie_when_unmodified() {
    within(async {
        let client = client();
        client.get("/set?a=1").send().await;
        let r = client.get("/noop").send().await;
        assert_eq!(r.header("set-cookie"), None);
        // Not touched: no Vary either.
        assert_eq!(r.header("vary"), None);
        // Removing a missing key does not modify.
        let r = client.get("/remove?key=missing").send().await;
        assert_eq!(r.header("set-cookie"), None);
        assert_eq!(r.header("vary"), Some("Cookie"));
    })
    .await;
}

#[tokio::test]
async fn cleared_when_emptied() {
    within(async {
        let client = client();
        // Clearing a session that was empty: nothing to clear.
        let r = client.get("/clear").send().await;
        assert_eq!(r.header("set-cookie"), None);

        client.get("/set?a=1").send().await;
        let r = client.get("/clear").send().await;
        assert_eq!(
            r.header("set-cookie"),
            Some("session=null; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=lax")
        );
        // The jar keeps `null` (no Max-Age): an invalid cookie, so an empty session.
        assert_eq!(client.get("/show").send().await.text(), "{}");

        client.get("/set?a=1&b=2").send().await;
        client.get("/remove?key=a").send().await;
        assert_eq!(client.get("/show").send().await.text(), r#"{"b":"2"}"#);
        let r = client.get("/remove?key=b").send().await;
        assert!(r.header("set-cookie").unwrap().starts_with("session=null; "));
    })
    .await;
}

#[tokio::test]
async fn bad_cookies_give_an_empty_session() {
    within(async {
        let client = client();
        let good = sign_session(SECRET.as_bytes(), &data(json!({"a": 1})), now());
        client.set_cookie("session", &good);
        assert_eq!(client.get("/show").send().await.text(), r#"{"a":1}"#);

        let forged = sign_session(b"another secret", &data(json!({"admin": true})), now());
        let expired = sign_session(
            SECRET.as_bytes(),
            &data(json!({"a": 1})),
            now() - DEFAULT_MAX_AGE - 10,
        );
        let future = sign_session(SECRET.as_bytes(), &data(json!({"a": 1})), now() + 3600);
        let mut tampered_payload = good.clone();
        tampered_payload.replace_range(0..1, if good.starts_with('e') { "f" } else { "e" });
        let cases = [
            forged,
            expired,
            future,
            tampered_payload,
            good[..good.len() - 3].to_string(),
            good[..10].to_string(),
            good.rsplit_once('.').unwrap().0.to_string(),
            sign_raw(SECRET, b"not json", now()),
            sign_raw(SECRET, b"[1,2,3]", now()),
            sign_raw(SECRET, b"\"text\"", now()),
            sign_raw(SECRET, b"{\"a\":", now()),
            format!("{}.notanumber.{}", "e30", "x"),
            "garbage".to_string(),
            "...".to_string(),
            "null".to_string(),
            "%%%".to_string(),
        ];
        for cookie in cases {
            client.set_cookie("session", &cookie);
            let r = client.get("/show").send().await;
            assert_eq!(r.status(), 200, "{cookie}");
            assert_eq!(r.text(), "{}", "{cookie}");
            // An invalid cookie counts as no session: emptying it again sends nothing.
            let r = client.get("/clear").send().await;
            assert_eq!(r.header("set-cookie"), None, "{cookie}");
        }
        // A new session replaces a bad cookie.
        client.set_cookie("session", "garbage");
        let r = client.get("/set?x=1").send().await;
        assert!(r.header("set-cookie").unwrap().starts_with("session="));
        assert_eq!(client.get("/show").send().await.text(), r#"{"x":"1"}"#);
    })
    .await;
}

#[tokio::test]
async fn options_and_attributes() {
    within(async {
        let client = TestClient::new(routes().middleware(|inner: BoxApp| {
            SessionMiddleware::new(inner, SECRET)
                .session_cookie("sid")
                .max_age(Some(60))
                .path("/app")
                .same_site(SameSite::Strict)
                .https_only(true)
                .domain(Some("example.com".to_string()))
                .partitioned(true)
        }));
        let r = client.get("/set?a=1").send().await;
        let cookie = r.header("set-cookie").unwrap();
        assert!(cookie.starts_with("sid="), "{cookie}");
        assert!(
            cookie.ends_with(
                "; path=/app; Max-Age=60; httponly; samesite=strict; secure; domain=example.com; partitioned"
            ),
            "{cookie}"
        );
        assert_eq!(client.get("/show").send().await.text(), r#"{"a":"1"}"#);
        let r = client.get("/clear").send().await;
        assert_eq!(
            r.header("set-cookie"),
            Some("sid=null; path=/app; expires=Thu, 01 Jan 1970 00:00:00 GMT; httponly; samesite=strict; secure; domain=example.com; partitioned")
        );

        // max_age None: no Max-Age, and old timestamps stay valid.
        let client = TestClient::new(
            routes().middleware(|inner: BoxApp| SessionMiddleware::new(inner, SECRET).max_age(None)),
        );
        let r = client.get("/set?a=1").send().await;
        assert!(r
            .header("set-cookie")
            .unwrap()
            .ends_with("; path=/; httponly; samesite=lax"));
        let old = sign_session(SECRET.as_bytes(), &data(json!({"old": true})), 1);
        client.set_cookie("session", &old);
        assert_eq!(client.get("/show").send().await.text(), r#"{"old":true}"#);
    })
    .await;
}

#[tokio::test]
async fn vary_is_appended() {
    within(async {
        async fn with_vary(req: Request) -> ferrapi_toolkit::Response {
            use ferrapi_toolkit::IntoResponse;
            Session::of(&req).unwrap().get("a");
            let mut r = "x".into_response();
            r.headers_mut()
                .insert("vary", "Accept-Encoding".parse().unwrap());
            r
        }
        let app = Application::new()
            .route(Route::new("/", with_vary))
            .middleware(|inner: BoxApp| SessionMiddleware::new(inner, SECRET));
        let r = TestClient::new(app).get("/").send().await;
        assert_eq!(r.header("vary"), Some("Accept-Encoding, Cookie"));
    })
    .await;
}
