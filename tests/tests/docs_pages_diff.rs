//! The docs pages against FastAPI's (tests/reference/docs_pages*.py), byte for byte: the
//! built-in `/docs`, `/redoc` and `/docs/oauth2-redirect` with Swagger UI parameters and
//! `initOAuth` (FastAPI's "Configure Swagger UI"), the same pages served offline (FastAPI's
//! page builders given ferrapi's asset URLs), the pages moved and trimmed, and the pages built
//! by hand with `swagger_ui_html`, `redoc_html` and `swagger_ui_oauth2_redirect_html`
//! (FastAPI's "Custom Docs UI Static Assets").
//!
//! The one deliberate difference, written down by `offline_pages_differ_only_in_asset_urls`:
//! ferrapi's default pages load the assets it serves itself, and ReDoc's no Google Fonts;
//! FastAPI's load them from jsDelivr (and Google Fonts). With `App::docs_cdn(true)` the pages
//! are FastAPI's exactly.

use ferrapi::openapi::docs::{
    redoc_html, swagger_ui_html, swagger_ui_oauth2_redirect_html, Redoc, SwaggerUi,
};
use ferrapi::toolkit::{Html, Mount, StaticFiles};
use ferrapi::{get, App};
use ferrapi_integration_tests::diff::{self, assert_same, get, reference_dir, send, Uvicorn};
use serde_json::{json, Value};

#[get("/users/{username}")]
async fn read_user(username: String) -> Value {
    json!({ "message": format!("Hello {username}") })
}

/// `docs_pages.py`'s settings, on the given app.
fn configured(app: App) -> App {
    app.title("Docs Pages")
        .swagger_ui_parameters(json!({
            "syntaxHighlight": {"theme": "obsidian"},
            "deepLinking": false,
            "dom_id": "#swagger-ui",
            "filter": "caf\u{e9} <b>&",
            "tryItOutEnabled": true,
            "maxDisplayedTags": 3,
            "requestSnippets": {"languages": ["curl_bash", "powershell"], "ratio": 0.5},
            "persistAuthorization": null,
        }))
        .swagger_ui_init_oauth(json!({
            "clientId": "ferrapi-docs",
            "scopes": ["read", "write"],
            "usePkceWithAuthorizationCodeGrant": true,
        }))
        .route(read_user)
}

fn pages() -> Vec<diff::Case> {
    vec![
        get("/docs"),
        get("/redoc"),
        get("/docs/oauth2-redirect"),
        get("/openapi.json").as_json_value("the document's bytes are compared elsewhere"),
        get("/users/rick"),
    ]
}

/// FastAPI's built-in pages with Swagger UI parameters and `initOAuth`: ferrapi's with the
/// assets from jsDelivr are the same bytes.
#[test]
fn configured_pages_are_fastapis() {
    assert_same("docs_pages", configured(App::new()).docs_cdn(true), pages());
}

/// ferrapi's default (offline) pages are FastAPI's page builders given ferrapi's asset URLs.
#[test]
fn offline_pages_are_fastapis_with_local_assets() {
    assert_same("docs_pages_offline", configured(App::new()), pages());
}

/// The one deliberate difference from FastAPI's built-in pages: the asset URLs (and ReDoc's
/// Google Fonts). Replacing FastAPI's CDN URLs with ferrapi's local ones gives ferrapi's pages.
#[test]
fn offline_pages_differ_only_in_asset_urls() {
    let uvicorn = Uvicorn::start("docs_pages");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let live = runtime
        .block_on(ferrapi::toolkit::testclient::LiveServer::start(configured(
            App::new(),
        )))
        .unwrap();
    let ours = format!("http://{}", live.addr());
    let text = |base: &str, path: &str| {
        String::from_utf8(send(base, &get(path)).body).expect("a UTF-8 page")
    };
    let fonts = "\n    <link href=\"https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700\" rel=\"stylesheet\">\n    ";
    let theirs = text(&uvicorn.base(), "/docs")
        .replace(
            "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js",
            "/docs/swagger-ui-bundle.js?v=5.35.0",
        )
        .replace(
            "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css",
            "/docs/swagger-ui.css?v=5.35.0",
        )
        .replace(
            "https://fastapi.tiangolo.com/img/favicon.png",
            "/docs/favicon.png",
        );
    assert_eq!(text(&ours, "/docs"), theirs);
    let theirs = text(&uvicorn.base(), "/redoc")
        .replace(
            "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js",
            "/redoc/redoc.standalone.js?v=2.5.4",
        )
        .replace(
            "https://fastapi.tiangolo.com/img/favicon.png",
            "/redoc/favicon.png",
        )
        .replacen(fonts, "", 1);
    assert_eq!(text(&ours, "/redoc"), theirs);
    // And the assets are there.
    for path in [
        "/docs/swagger-ui-bundle.js?v=5.35.0",
        "/docs/swagger-ui.css?v=5.35.0",
        "/docs/favicon.png",
        "/redoc/redoc.standalone.js?v=2.5.4",
        "/redoc/favicon.png",
    ] {
        assert_eq!(send(&ours, &get(path)).status, 200, "{path}");
    }
    drop(live);
}

/// The pages moved, Swagger UI without an OAuth2 redirect page (and an empty `initOAuth`, left
/// out), no ReDoc.
#[test]
fn moved_and_trimmed_pages_are_fastapis() {
    let app = App::new()
        .openapi_url(Some("/api/openapi.json"))
        .docs_url(Some("/api/docs"))
        .redoc_url(None)
        .swagger_ui_oauth2_redirect_url(None)
        .swagger_ui_parameters(json!({"syntaxHighlight": false}))
        .swagger_ui_init_oauth(json!({}))
        .docs_cdn(true)
        .route(read_user);
    assert_same(
        "docs_pages_plain",
        app,
        vec![
            get("/api/docs"),
            get("/api/openapi.json").as_json_value("the document's bytes are compared elsewhere"),
            get("/docs"),
            get("/redoc"),
            get("/docs/oauth2-redirect"),
            get("/openapi.json"),
        ],
    );
}

// FastAPI's "Custom Docs UI Static Assets (Self-Hosting)", in ferrapi.

#[get("/docs", include_in_schema = false)]
async fn custom_swagger_ui_html() -> Html<String> {
    Html(swagger_ui_html(
        "/openapi.json",
        "FastAPI - Swagger UI",
        &SwaggerUi::new()
            .oauth2_redirect_url("/docs/oauth2-redirect")
            .swagger_js_url("/static/swagger-ui-bundle.js")
            .swagger_css_url("/static/swagger-ui.css"),
    ))
}

#[get("/docs/oauth2-redirect", include_in_schema = false)]
async fn swagger_ui_redirect() -> Html<&'static str> {
    Html(swagger_ui_oauth2_redirect_html())
}

#[get("/redoc", include_in_schema = false)]
async fn custom_redoc_html() -> Html<String> {
    Html(redoc_html(
        "/openapi.json",
        "FastAPI - ReDoc",
        &Redoc::new().redoc_js_url("/static/redoc.standalone.js"),
    ))
}

/// The pages built by hand with the page builders are FastAPI's, and `/openapi.json` stays
/// when the built-in pages are off.
#[test]
fn custom_static_assets_tutorial_is_fastapis() {
    let app = App::new()
        .docs_url(None)
        .redoc_url(None)
        .mount(Mount::app(
            "/static",
            StaticFiles::new(reference_dir().join("static")),
        ))
        .route(custom_swagger_ui_html)
        .route(swagger_ui_redirect)
        .route(custom_redoc_html)
        .route(read_user);
    assert_same(
        "docs_pages_assets",
        app,
        vec![
            get("/docs"),
            get("/redoc"),
            get("/docs/oauth2-redirect"),
            get("/openapi.json").as_json_value("the document's bytes are compared elsewhere"),
            get("/static/swagger-ui.css"),
            get("/users/morty"),
        ],
    );
}
