//! FastAPI's "OAuth2 scopes" tutorial without the JWT part, against FastAPI
//! (`tests/reference/security_scopes.py`): `#[depends(dep, scopes = [...])]` reaches
//! `SecurityScopes` at run time (the 401s and their `WWW-Authenticate` challenges) and the
//! document (each operation's `security` requirement lists the scopes its dependants asked
//! for, outermost first, as FastAPI writes them).

use ferrapi::security::OAuth2PasswordBearer;
use ferrapi::toolkit::StatusCode;
use ferrapi::{dependency, get, App, HTTPException, SecurityScopes};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, Case};
use serde_json::{json, Value};

static OAUTH2_SCHEME: OAuth2PasswordBearer = OAuth2PasswordBearer::new("token").scopes(&[
    ("me", "Read information about the current user."),
    ("items", "Read items."),
]);

fn user_scopes(token: &str) -> Option<&'static [&'static str]> {
    match token {
        "alice" => Some(&["me"]),
        "bob" => Some(&["me", "items"]),
        _ => None,
    }
}

#[dependency]
async fn get_current_user(
    security_scopes: SecurityScopes,
    #[depends(OAUTH2_SCHEME)] token: String,
) -> Result<String, HTTPException> {
    let authenticate_value = if security_scopes.scopes.is_empty() {
        "Bearer".to_string()
    } else {
        format!("Bearer scope=\"{}\"", security_scopes.scope_str())
    };
    let unauthorized = |detail: &str| {
        HTTPException::new(StatusCode::UNAUTHORIZED, detail)
            .header("WWW-Authenticate", &authenticate_value)
    };
    let Some(granted) = user_scopes(&token) else {
        return Err(unauthorized("Could not validate credentials"));
    };
    if security_scopes
        .scopes
        .iter()
        .any(|scope| !granted.contains(&scope.as_str()))
    {
        return Err(unauthorized("Not enough permissions"));
    }
    Ok(token)
}

#[dependency]
async fn get_current_active_user(
    #[depends(get_current_user, scopes = ["me"])] current_user: String,
) -> String {
    current_user
}

#[get("/users/me/")]
async fn read_users_me(#[depends(get_current_active_user)] current_user: String) -> Value {
    json!({ "username": current_user })
}

#[get("/users/me/items/")]
async fn read_own_items(
    #[depends(get_current_active_user, scopes = ["items"])] current_user: String,
) -> Value {
    json!([{ "item_id": "Foo", "owner": current_user }])
}

#[get("/status/")]
async fn read_system_status(#[depends(get_current_user)] current_user: String) -> Value {
    let _ = current_user;
    json!({ "status": "ok" })
}

fn app() -> App {
    App::new()
        .route(read_users_me)
        .route(read_own_items)
        .route(read_system_status)
}

#[test]
fn scopes_answer_as_fastapi() {
    let mut cases: Vec<Case> = Vec::new();
    for path in ["/users/me/", "/users/me/items/", "/status/"] {
        cases.push(get(path).compare_headers(&["www-authenticate"]));
        for token in ["alice", "bob", "eve"] {
            cases.push(
                get(path)
                    .header("authorization", &format!("Bearer {token}"))
                    .compare_headers(&["www-authenticate"]),
            );
        }
    }
    assert_same("security_scopes", app(), cases);
}

#[test]
fn scopes_are_documented_as_fastapi_does() {
    let doc = app().openapi();
    assert_eq!(
        doc["paths"]["/users/me/items/"]["get"]["security"],
        json!([{"OAuth2PasswordBearer": ["items", "me"]}])
    );
    assert_same_openapi("security_scopes", doc);
}
