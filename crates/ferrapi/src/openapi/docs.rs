//! The interactive documentation pages: Swagger UI at `/docs` (with its OAuth2 redirect page
//! at `/docs/oauth2-redirect`) and ReDoc at `/redoc`, as FastAPI serves them.
//!
//! Unlike FastAPI, the pages work offline: Swagger UI 5.35.0 and ReDoc 2.5.4 are compiled into
//! the binary (`crates/ferrapi/assets/`, about 3 MB) and served next to the pages
//! (`/docs/swagger-ui-bundle.js`, `/docs/swagger-ui.css`, `/docs/favicon.png`,
//! `/redoc/redoc.standalone.js`), so an air-gapped deployment has working docs and the build
//! downloads nothing. [`DocsConfig::cdn`] loads them from jsDelivr instead, as FastAPI does.
//! The pages and the document follow the request's root path (an app behind a proxy that
//! strips a prefix).

use bytes::Bytes;
use serde_json::{Map, Value};

/// The embedded Swagger UI version.
pub const SWAGGER_UI_VERSION: &str = "5.35.0";
/// The embedded ReDoc version.
pub const REDOC_VERSION: &str = "2.5.4";

/// `swagger-ui-bundle.js` of `swagger-ui-dist`.
pub static SWAGGER_UI_BUNDLE: &[u8] =
    include_bytes!("../../assets/swagger-ui/swagger-ui-bundle.js");
/// `swagger-ui.css` of `swagger-ui-dist`.
pub static SWAGGER_UI_CSS: &[u8] = include_bytes!("../../assets/swagger-ui/swagger-ui.css");
/// Swagger UI's favicon.
pub static FAVICON: &[u8] = include_bytes!("../../assets/swagger-ui/favicon-32x32.png");
/// Swagger UI's OAuth2 redirect page.
pub static OAUTH2_REDIRECT_HTML: &[u8] =
    include_bytes!("../../assets/swagger-ui/oauth2-redirect.html");
/// The script of the OAuth2 redirect page.
pub static OAUTH2_REDIRECT_JS: &[u8] = include_bytes!("../../assets/swagger-ui/oauth2-redirect.js");
/// `redoc.standalone.js`.
pub static REDOC_STANDALONE: &[u8] = include_bytes!("../../assets/redoc/redoc.standalone.js");

/// Where the document and the pages are served, and how (FastAPI's `openapi_url`,
/// `docs_url`, `redoc_url`, `swagger_ui_oauth2_redirect_url`, `swagger_ui_parameters`,
/// `swagger_ui_init_oauth`). `None` turns a page off; no `openapi_url` turns off all three.
#[derive(Clone, Debug)]
pub struct DocsConfig {
    /// The document's path (`/openapi.json`).
    pub openapi_url: Option<String>,
    /// Swagger UI's path (`/docs`).
    pub docs_url: Option<String>,
    /// ReDoc's path (`/redoc`).
    pub redoc_url: Option<String>,
    /// The OAuth2 redirect page's path (`/docs/oauth2-redirect`).
    pub oauth2_redirect_url: Option<String>,
    /// Load the assets from jsDelivr rather than from the app.
    pub cdn: bool,
    /// Swagger UI parameters added to (or replacing) FastAPI's defaults.
    pub swagger_ui_parameters: Map<String, Value>,
    /// `ui.initOAuth(…)` settings, if any.
    pub init_oauth: Option<Value>,
}

impl Default for DocsConfig {
    fn default() -> Self {
        DocsConfig {
            openapi_url: Some("/openapi.json".to_string()),
            docs_url: Some("/docs".to_string()),
            redoc_url: Some("/redoc".to_string()),
            oauth2_redirect_url: Some("/docs/oauth2-redirect".to_string()),
            cdn: false,
            swagger_ui_parameters: Map::new(),
            init_oauth: None,
        }
    }
}

/// JSON that is safe inside a `<script>` element (FastAPI's `_html_safe_json`).
fn html_safe_json(value: &Value) -> String {
    serde_json::to_string(value)
        .unwrap_or_default()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The URLs of Swagger UI's script, stylesheet and icon.
fn swagger_assets(
    config: &DocsConfig,
    root_path: &str,
    docs_url: &str,
) -> (String, String, String) {
    if config.cdn {
        (
            "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js".to_string(),
            "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css".to_string(),
            "https://fastapi.tiangolo.com/img/favicon.png".to_string(),
        )
    } else {
        let base = format!("{root_path}{}", docs_url.trim_end_matches('/'));
        (
            format!("{base}/swagger-ui-bundle.js?v={SWAGGER_UI_VERSION}"),
            format!("{base}/swagger-ui.css?v={SWAGGER_UI_VERSION}"),
            format!("{base}/favicon.png"),
        )
    }
}

/// The Swagger UI page (FastAPI's `get_swagger_ui_html`).
pub fn swagger_ui_html(
    config: &DocsConfig,
    title: &str,
    root_path: &str,
    docs_url: &str,
) -> String {
    let openapi_url = format!("{root_path}{}", config.openapi_url.as_deref().unwrap_or(""));
    let (js, css, icon) = swagger_assets(config, root_path, docs_url);
    let mut parameters = Map::new();
    parameters.insert("dom_id".into(), Value::String("#swagger-ui".into()));
    parameters.insert("layout".into(), Value::String("BaseLayout".into()));
    parameters.insert("deepLinking".into(), Value::Bool(true));
    parameters.insert("showExtensions".into(), Value::Bool(true));
    parameters.insert("showCommonExtensions".into(), Value::Bool(true));
    for (k, v) in &config.swagger_ui_parameters {
        parameters.insert(k.clone(), v.clone());
    }
    let mut html = format!(
        r#"<!DOCTYPE html>
<html>
<head>
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link type="text/css" rel="stylesheet" href="{css}">
<link rel="shortcut icon" href="{icon}">
<title>{title} - Swagger UI</title>
</head>
<body>
<div id="swagger-ui">
</div>
<script src="{js}"></script>
<!-- `SwaggerUIBundle` is now available on the page -->
<script>
const ui = SwaggerUIBundle({{
    url: {url},
"#,
        css = html_escape(&css),
        icon = html_escape(&icon),
        title = html_escape(title),
        js = html_escape(&js),
        url = html_safe_json(&Value::String(openapi_url)),
    );
    for (k, v) in &parameters {
        html.push_str(&format!(
            "{}: {},\n",
            html_safe_json(&Value::String(k.clone())),
            html_safe_json(v)
        ));
    }
    if let Some(redirect) = &config.oauth2_redirect_url {
        html.push_str(&format!(
            "oauth2RedirectUrl: window.location.origin + {},\n",
            html_safe_json(&Value::String(format!("{root_path}{redirect}")))
        ));
    }
    html.push_str(
        "presets: [\n        SwaggerUIBundle.presets.apis,\n        SwaggerUIBundle.SwaggerUIStandalonePreset\n        ],\n    })\n",
    );
    if let Some(init) = &config.init_oauth {
        html.push_str(&format!("ui.initOAuth({})\n", html_safe_json(init)));
    }
    html.push_str("</script>\n</body>\n</html>\n");
    html
}

/// The ReDoc page (FastAPI's `get_redoc_html`, without Google Fonts when offline).
pub fn redoc_html(config: &DocsConfig, title: &str, root_path: &str, redoc_url: &str) -> String {
    let openapi_url = format!("{root_path}{}", config.openapi_url.as_deref().unwrap_or(""));
    let (script, fonts, icon) = if config.cdn {
        (
            "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js".to_string(),
            "<link href=\"https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700\" rel=\"stylesheet\">\n",
            "https://fastapi.tiangolo.com/img/favicon.png".to_string(),
        )
    } else {
        let docs = config.docs_url.as_deref().unwrap_or("/docs");
        (
            format!(
                "{root_path}{}/redoc.standalone.js?v={REDOC_VERSION}",
                redoc_url.trim_end_matches('/')
            ),
            "",
            format!("{root_path}{}/favicon.png", docs.trim_end_matches('/')),
        )
    };
    format!(
        r#"<!DOCTYPE html>
<html>
<head>
<title>{title} - ReDoc</title>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1">
{fonts}<link rel="shortcut icon" href="{icon}">
<style>
  body {{
    margin: 0;
    padding: 0;
  }}
</style>
</head>
<body>
<noscript>
    ReDoc requires Javascript to function. Please enable it to browse the documentation.
</noscript>
<redoc spec-url="{spec}"></redoc>
<script src="{script}"> </script>
</body>
</html>
"#,
        title = html_escape(title),
        icon = html_escape(&icon),
        spec = html_escape(&openapi_url),
        script = html_escape(&script),
    )
}

/// An embedded asset: its bytes and media type.
pub fn asset(path: &str) -> Option<(Bytes, &'static str)> {
    let (bytes, media): (&'static [u8], &'static str) = match path {
        "swagger-ui-bundle.js" => (SWAGGER_UI_BUNDLE, "text/javascript; charset=utf-8"),
        "swagger-ui.css" => (SWAGGER_UI_CSS, "text/css; charset=utf-8"),
        "favicon.png" => (FAVICON, "image/png"),
        "oauth2-redirect.js" => (OAUTH2_REDIRECT_JS, "text/javascript; charset=utf-8"),
        "redoc.standalone.js" => (REDOC_STANDALONE, "text/javascript; charset=utf-8"),
        _ => return None,
    };
    Some((Bytes::from_static(bytes), media))
}
