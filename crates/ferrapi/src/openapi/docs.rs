//! The interactive documentation pages: Swagger UI at `/docs` (with its OAuth2 redirect page
//! at `/docs/oauth2-redirect`) and ReDoc at `/redoc`, as FastAPI builds them, and the page
//! builders FastAPI exports for pages made by hand ([`swagger_ui_html`], [`redoc_html`],
//! [`swagger_ui_oauth2_redirect_html`]: FastAPI's `get_swagger_ui_html`, `get_redoc_html` and
//! `get_swagger_ui_oauth2_redirect_html`, byte for byte).
//!
//! Unlike FastAPI, the built-in pages work offline: Swagger UI 5.35.0 and ReDoc 2.5.4 are
//! compiled into the binary (`crates/ferrapi/assets/`, about 3 MB) and served next to the pages
//! (`/docs/swagger-ui-bundle.js`, `/docs/swagger-ui.css`, `/docs/favicon.png`,
//! `/redoc/redoc.standalone.js`, `/redoc/favicon.png`), so an air-gapped deployment has working
//! docs and the build downloads nothing; the pages are FastAPI's with those URLs, and ReDoc's
//! loads no Google Fonts. [`DocsConfig::cdn`] (`App::docs_cdn(true)`) loads them from jsDelivr
//! instead, and the pages are then FastAPI's default pages exactly. The pages and the document
//! follow the request's root path (an app behind a proxy that strips a prefix).
//!
//! ```
//! use ferrapi::openapi::docs::{swagger_ui_html, SwaggerUi};
//! use serde_json::json;
//!
//! let page = swagger_ui_html(
//!     "/openapi.json",
//!     "FastAPI - Swagger UI",
//!     &SwaggerUi::new()
//!         .swagger_js_url("/static/swagger-ui-bundle.js")
//!         .swagger_ui_parameters(json!({"syntaxHighlight": {"theme": "obsidian"}})),
//! );
//! assert!(page.contains(r#""syntaxHighlight": {"theme": "obsidian"},"#));
//! assert!(page.contains(r#"<script src="/static/swagger-ui-bundle.js"></script>"#));
//! ```

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
/// `swagger-ui-dist`'s own OAuth2 redirect page (not served: the app serves FastAPI's,
/// [`swagger_ui_oauth2_redirect_html`]).
pub static OAUTH2_REDIRECT_HTML: &[u8] =
    include_bytes!("../../assets/swagger-ui/oauth2-redirect.html");
/// The script of `swagger-ui-dist`'s OAuth2 redirect page (not served).
pub static OAUTH2_REDIRECT_JS: &[u8] = include_bytes!("../../assets/swagger-ui/oauth2-redirect.js");
/// `redoc.standalone.js`.
pub static REDOC_STANDALONE: &[u8] = include_bytes!("../../assets/redoc/redoc.standalone.js");

/// FastAPI's default Swagger UI script (jsDelivr).
pub const SWAGGER_JS_CDN: &str =
    "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js";
/// FastAPI's default Swagger UI stylesheet (jsDelivr).
pub const SWAGGER_CSS_CDN: &str = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui.css";
/// FastAPI's default ReDoc script (jsDelivr).
pub const REDOC_JS_CDN: &str = "https://cdn.jsdelivr.net/npm/redoc@2/bundles/redoc.standalone.js";
/// FastAPI's default favicon of both pages.
pub const FAVICON_CDN: &str = "https://fastapi.tiangolo.com/img/favicon.png";

/// FastAPI's `swagger_ui_default_parameters`, in its order: `dom_id`, `layout`,
/// `deepLinking`, `showExtensions`, `showCommonExtensions`. Parameters given to a page are
/// merged into these as Python's `dict.update` does (a known key keeps its place, a new one
/// comes after).
pub fn swagger_ui_default_parameters() -> Map<String, Value> {
    let mut parameters = Map::new();
    parameters.insert("dom_id".into(), Value::String("#swagger-ui".into()));
    parameters.insert("layout".into(), Value::String("BaseLayout".into()));
    parameters.insert("deepLinking".into(), Value::Bool(true));
    parameters.insert("showExtensions".into(), Value::Bool(true));
    parameters.insert("showCommonExtensions".into(), Value::Bool(true));
    parameters
}

/// The optional arguments of [`swagger_ui_html`] (FastAPI's `get_swagger_ui_html`), with
/// FastAPI's defaults: Swagger UI from jsDelivr, FastAPI's favicon, no OAuth2 redirect, no
/// `initOAuth`, the default parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct SwaggerUi {
    /// `swagger_js_url`: Swagger UI's script.
    pub swagger_js_url: String,
    /// `swagger_css_url`: Swagger UI's stylesheet.
    pub swagger_css_url: String,
    /// `swagger_favicon_url`: the page's icon.
    pub swagger_favicon_url: String,
    /// `oauth2_redirect_url`: the OAuth2 redirect page's path, if any.
    pub oauth2_redirect_url: Option<String>,
    /// `init_oauth`: `ui.initOAuth(…)` settings, if any (left out when empty, as FastAPI does).
    pub init_oauth: Option<Value>,
    /// `swagger_ui_parameters`: merged into [`swagger_ui_default_parameters`].
    pub swagger_ui_parameters: Map<String, Value>,
}

impl Default for SwaggerUi {
    fn default() -> Self {
        SwaggerUi {
            swagger_js_url: SWAGGER_JS_CDN.to_string(),
            swagger_css_url: SWAGGER_CSS_CDN.to_string(),
            swagger_favicon_url: FAVICON_CDN.to_string(),
            oauth2_redirect_url: None,
            init_oauth: None,
            swagger_ui_parameters: Map::new(),
        }
    }
}

impl SwaggerUi {
    /// FastAPI's defaults.
    pub fn new() -> SwaggerUi {
        SwaggerUi::default()
    }

    /// Swagger UI's script (`swagger_js_url`).
    pub fn swagger_js_url(mut self, url: impl Into<String>) -> SwaggerUi {
        self.swagger_js_url = url.into();
        self
    }

    /// Swagger UI's stylesheet (`swagger_css_url`).
    pub fn swagger_css_url(mut self, url: impl Into<String>) -> SwaggerUi {
        self.swagger_css_url = url.into();
        self
    }

    /// The page's icon (`swagger_favicon_url`).
    pub fn swagger_favicon_url(mut self, url: impl Into<String>) -> SwaggerUi {
        self.swagger_favicon_url = url.into();
        self
    }

    /// The OAuth2 redirect page's path (`oauth2_redirect_url`), written as
    /// `oauth2RedirectUrl: window.location.origin + '…'`.
    pub fn oauth2_redirect_url(mut self, url: impl Into<String>) -> SwaggerUi {
        self.oauth2_redirect_url = Some(url.into());
        self
    }

    /// `ui.initOAuth(…)` settings (`init_oauth`), a JSON object.
    pub fn init_oauth(mut self, settings: Value) -> SwaggerUi {
        self.init_oauth = Some(settings);
        self
    }

    /// Swagger UI parameters (`swagger_ui_parameters`): a JSON object (or anything that
    /// serialises to one) merged into FastAPI's defaults, as `dict.update` does.
    ///
    /// # Panics
    ///
    /// When `parameters` is not a JSON object.
    pub fn swagger_ui_parameters(mut self, parameters: impl serde::Serialize) -> SwaggerUi {
        self.swagger_ui_parameters
            .extend(parameters_object(parameters));
        self
    }
}

/// `parameters` as a JSON object; panics otherwise (a configuration mistake).
pub(crate) fn parameters_object(parameters: impl serde::Serialize) -> Map<String, Value> {
    match serde_json::to_value(parameters) {
        Ok(Value::Object(map)) => map,
        Ok(other) => panic!("swagger_ui_parameters must be a JSON object, not {other}"),
        Err(err) => panic!("swagger_ui_parameters cannot be serialised: {err}"),
    }
}

/// The optional arguments of [`redoc_html`] (FastAPI's `get_redoc_html`), with FastAPI's
/// defaults: ReDoc from jsDelivr, FastAPI's favicon, Google Fonts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Redoc {
    /// `redoc_js_url`: ReDoc's script.
    pub redoc_js_url: String,
    /// `redoc_favicon_url`: the page's icon.
    pub redoc_favicon_url: String,
    /// `with_google_fonts`: load Montserrat and Roboto from Google Fonts.
    pub with_google_fonts: bool,
}

impl Default for Redoc {
    fn default() -> Self {
        Redoc {
            redoc_js_url: REDOC_JS_CDN.to_string(),
            redoc_favicon_url: FAVICON_CDN.to_string(),
            with_google_fonts: true,
        }
    }
}

impl Redoc {
    /// FastAPI's defaults.
    pub fn new() -> Redoc {
        Redoc::default()
    }

    /// ReDoc's script (`redoc_js_url`).
    pub fn redoc_js_url(mut self, url: impl Into<String>) -> Redoc {
        self.redoc_js_url = url.into();
        self
    }

    /// The page's icon (`redoc_favicon_url`).
    pub fn redoc_favicon_url(mut self, url: impl Into<String>) -> Redoc {
        self.redoc_favicon_url = url.into();
        self
    }

    /// Whether the page loads Google Fonts (`with_google_fonts`, on by default).
    pub fn with_google_fonts(mut self, on: bool) -> Redoc {
        self.with_google_fonts = on;
        self
    }
}

/// The Swagger UI page (FastAPI's `get_swagger_ui_html`, byte for byte): `openapi_url` is the
/// document Swagger UI loads, `title` the page's whole `<title>` (FastAPI's app passes
/// `"{title} - Swagger UI"`). Serve it as `Html(…)`.
///
/// Each parameter is written as FastAPI writes it, with Python's `json.dumps` (`", "` and
/// `": "` separators, non-ASCII as `\uXXXX`) and `<`, `>`, `&` escaped. Unlike FastAPI, the
/// URLs and the title are escaped too (`'` and `\` in the JavaScript strings, `&<>"` in the
/// HTML), which changes nothing for ordinary ones.
pub fn swagger_ui_html(openapi_url: &str, title: &str, options: &SwaggerUi) -> String {
    let mut parameters = swagger_ui_default_parameters();
    for (k, v) in &options.swagger_ui_parameters {
        parameters.insert(k.clone(), v.clone());
    }
    let mut html = format!(
        r#"
    <!DOCTYPE html>
    <html>
    <head>
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
    <link type="text/css" rel="stylesheet" href="{css}">
    <link rel="shortcut icon" href="{icon}">
    <title>{title}</title>
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
        css = html_escape(&options.swagger_css_url),
        icon = html_escape(&options.swagger_favicon_url),
        title = html_escape(title),
        js = html_escape(&options.swagger_js_url),
        url = js_string(openapi_url),
    );
    for (k, v) in &parameters {
        html.push_str(&html_safe_json(&Value::String(k.clone())));
        html.push_str(": ");
        html.push_str(&html_safe_json(v));
        html.push_str(",\n");
    }
    if let Some(redirect) = options
        .oauth2_redirect_url
        .as_deref()
        .filter(|r| !r.is_empty())
    {
        html.push_str("oauth2RedirectUrl: window.location.origin + ");
        html.push_str(&js_string(redirect));
        html.push(',');
    }
    html.push_str(
        "
    presets: [
        SwaggerUIBundle.presets.apis,
        SwaggerUIBundle.SwaggerUIStandalonePreset
        ],
    })",
    );
    if let Some(init) = options.init_oauth.as_ref().filter(|v| truthy(v)) {
        html.push_str("\n        ui.initOAuth(");
        html.push_str(&html_safe_json(init));
        html.push_str(")\n        ");
    }
    html.push_str(
        "
    </script>
    </body>
    </html>
    ",
    );
    html
}

/// The ReDoc page (FastAPI's `get_redoc_html`, byte for byte): `openapi_url` is the document
/// ReDoc loads, `title` the page's whole `<title>` (FastAPI's app passes `"{title} - ReDoc"`).
/// Serve it as `Html(…)`. Unlike FastAPI, the URLs and the title are HTML-escaped (`&<>"`),
/// which changes nothing for ordinary ones.
pub fn redoc_html(openapi_url: &str, title: &str, options: &Redoc) -> String {
    let mut html = format!(
        r#"
    <!DOCTYPE html>
    <html>
    <head>
    <title>{title}</title>
    <!-- needed for adaptive design -->
    <meta charset="utf-8"/>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    "#,
        title = html_escape(title)
    );
    if options.with_google_fonts {
        html.push_str(
            r#"
    <link href="https://fonts.googleapis.com/css?family=Montserrat:300,400,700|Roboto:300,400,700" rel="stylesheet">
    "#,
        );
    }
    html.push_str(&format!(
        r#"
    <link rel="shortcut icon" href="{icon}">
    <!--
    ReDoc doesn't change outer page styles
    -->
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
        icon = html_escape(&options.redoc_favicon_url),
        spec = html_escape(openapi_url),
        script = html_escape(&options.redoc_js_url),
    ));
    html
}

/// Swagger UI's OAuth2 redirect page (FastAPI's `get_swagger_ui_oauth2_redirect_html`, byte
/// for byte: Swagger UI 4.14.0's page with its script inline, which hands the authorization
/// response to `window.opener.swaggerUIRedirectOauth2` and closes the window).
pub fn swagger_ui_oauth2_redirect_html() -> &'static str {
    OAUTH2_REDIRECT_PAGE
}

const OAUTH2_REDIRECT_PAGE: &str = r##"
    <!doctype html>
    <html lang="en-US">
    <head>
        <title>Swagger UI: OAuth2 Redirect</title>
    </head>
    <body>
    <script>
        'use strict';
        function run () {
            var oauth2 = window.opener.swaggerUIRedirectOauth2;
            var sentState = oauth2.state;
            var redirectUrl = oauth2.redirectUrl;
            var isValid, qp, arr;

            if (/code|token|error/.test(window.location.hash)) {
                qp = window.location.hash.substring(1).replace('?', '&');
            } else {
                qp = location.search.substring(1);
            }

            arr = qp.split("&");
            arr.forEach(function (v,i,_arr) { _arr[i] = '"' + v.replace('=', '":"') + '"';});
            qp = qp ? JSON.parse('{' + arr.join() + '}',
                    function (key, value) {
                        return key === "" ? value : decodeURIComponent(value);
                    }
            ) : {};

            isValid = qp.state === sentState;

            if ((
              oauth2.auth.schema.get("flow") === "accessCode" ||
              oauth2.auth.schema.get("flow") === "authorizationCode" ||
              oauth2.auth.schema.get("flow") === "authorization_code"
            ) && !oauth2.auth.code) {
                if (!isValid) {
                    oauth2.errCb({
                        authId: oauth2.auth.name,
                        source: "auth",
                        level: "warning",
                        message: "Authorization may be unsafe, passed state was changed in server. The passed state wasn't returned from auth server."
                    });
                }

                if (qp.code) {
                    delete oauth2.state;
                    oauth2.auth.code = qp.code;
                    oauth2.callback({auth: oauth2.auth, redirectUrl: redirectUrl});
                } else {
                    let oauthErrorMsg;
                    if (qp.error) {
                        oauthErrorMsg = "["+qp.error+"]: " +
                            (qp.error_description ? qp.error_description+ ". " : "no accessCode received from the server. ") +
                            (qp.error_uri ? "More info: "+qp.error_uri : "");
                    }

                    oauth2.errCb({
                        authId: oauth2.auth.name,
                        source: "auth",
                        level: "error",
                        message: oauthErrorMsg || "[Authorization failed]: no accessCode received from the server."
                    });
                }
            } else {
                oauth2.callback({auth: oauth2.auth, token: qp, isValid: isValid, redirectUrl: redirectUrl});
            }
            window.close();
        }

        if (document.readyState !== 'loading') {
            run();
        } else {
            document.addEventListener('DOMContentLoaded', function () {
                run();
            });
        }
    </script>
    </body>
    </html>
        "##;

/// Where the document and the built-in pages are served, and how (FastAPI's `openapi_url`,
/// `docs_url`, `redoc_url`, `swagger_ui_oauth2_redirect_url`, `swagger_ui_parameters`,
/// `swagger_ui_init_oauth`). `None` turns a page off; no `openapi_url` turns off all three.
/// As in FastAPI, the OAuth2 redirect page is served only with Swagger UI (`docs_url`); an app
/// that builds its own `/docs` serves it with [`swagger_ui_oauth2_redirect_html`].
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
    /// Load the assets from jsDelivr rather than from the app (the pages are then FastAPI's
    /// default pages exactly).
    pub cdn: bool,
    /// Swagger UI parameters merged into [`swagger_ui_default_parameters`].
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

impl DocsConfig {
    /// The built-in Swagger UI page at `docs_url`, for an app titled `app_title`, behind
    /// `root_path` (FastAPI's `swagger_ui_html` route): FastAPI's page, with the embedded
    /// assets' URLs unless [`DocsConfig::cdn`].
    pub fn swagger_ui_page(&self, app_title: &str, root_path: &str, docs_url: &str) -> String {
        let root = root_path.trim_end_matches('/');
        let openapi_url = format!("{root}{}", self.openapi_url.as_deref().unwrap_or(""));
        let mut options = SwaggerUi {
            oauth2_redirect_url: self
                .oauth2_redirect_url
                .as_deref()
                .filter(|r| !r.is_empty())
                .map(|r| format!("{root}{r}")),
            init_oauth: self.init_oauth.clone(),
            swagger_ui_parameters: self.swagger_ui_parameters.clone(),
            ..SwaggerUi::default()
        };
        if !self.cdn {
            let base = format!("{root}{}", docs_url.trim_end_matches('/'));
            options.swagger_js_url = format!("{base}/swagger-ui-bundle.js?v={SWAGGER_UI_VERSION}");
            options.swagger_css_url = format!("{base}/swagger-ui.css?v={SWAGGER_UI_VERSION}");
            options.swagger_favicon_url = format!("{base}/favicon.png");
        }
        swagger_ui_html(&openapi_url, &format!("{app_title} - Swagger UI"), &options)
    }

    /// The built-in ReDoc page at `redoc_url`, for an app titled `app_title`, behind
    /// `root_path` (FastAPI's `redoc_html` route): FastAPI's page, with the embedded assets'
    /// URLs and no Google Fonts unless [`DocsConfig::cdn`].
    pub fn redoc_page(&self, app_title: &str, root_path: &str, redoc_url: &str) -> String {
        let root = root_path.trim_end_matches('/');
        let openapi_url = format!("{root}{}", self.openapi_url.as_deref().unwrap_or(""));
        let options = if self.cdn {
            Redoc::default()
        } else {
            let base = format!("{root}{}", redoc_url.trim_end_matches('/'));
            Redoc {
                redoc_js_url: format!("{base}/redoc.standalone.js?v={REDOC_VERSION}"),
                redoc_favicon_url: format!("{base}/favicon.png"),
                with_google_fonts: false,
            }
        };
        redoc_html(&openapi_url, &format!("{app_title} - ReDoc"), &options)
    }
}

/// Python's truthiness of a JSON value (FastAPI's `if init_oauth:`).
fn truthy(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// JSON as Python's `json.dumps` writes it (`", "`, `": "`, ASCII only), safe inside a
/// `<script>` element (FastAPI's `_html_safe_json`).
pub(crate) fn html_safe_json(value: &Value) -> String {
    crate::responses::python_json::python_json(value)
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// A JavaScript single-quoted string: FastAPI writes `'{url}'`; the same for an ordinary URL,
/// escaped for one with `'`, `\`, a line break or `<>&`.
fn js_string(text: &str) -> String {
    let mut out = String::from("'");
    for c in text.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

fn html_escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_is_written_as_python_writes_it() {
        let value = json!({"theme": "obsidian", "a": [1, 2.5, null, true], "é": "<x>&\n\u{1f600}"});
        assert_eq!(
            html_safe_json(&value),
            r#"{"theme": "obsidian", "a": [1, 2.5, null, true], "\u00e9": "\u003cx\u003e\u0026\n\ud83d\ude00"}"#
        );
        for (f, python) in [
            (1.0, "1.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.5e-7, "1.5e-07"),
            (-2.5e300, "-2.5e+300"),
            (123.456, "123.456"),
        ] {
            assert_eq!(
                crate::responses::python_json::python_float(f),
                python,
                "{f}"
            );
        }
    }

    #[test]
    fn parameters_keep_fastapi_order() {
        let page = swagger_ui_html(
            "/openapi.json",
            "T",
            &SwaggerUi::new()
                .swagger_ui_parameters(json!({"syntaxHighlight": false, "deepLinking": false})),
        );
        assert!(page.contains(
            "\"dom_id\": \"#swagger-ui\",\n\"layout\": \"BaseLayout\",\n\"deepLinking\": false,\n\
             \"showExtensions\": true,\n\"showCommonExtensions\": true,\n\"syntaxHighlight\": false,\n"
        ), "{page}");
    }

    /// The one place the builders differ from FastAPI's: what they write is escaped (FastAPI
    /// writes the title and the URLs as they are).
    #[test]
    fn titles_and_urls_are_escaped() {
        let page = swagger_ui_html(
            "/a'b<c>.json",
            "Tom & Jerry <3",
            &SwaggerUi::new()
                .swagger_js_url("/s.js?a=1&b=\"2\"")
                .oauth2_redirect_url("/r'\\"),
        );
        assert!(
            page.contains("<title>Tom &amp; Jerry &lt;3</title>"),
            "{page}"
        );
        assert!(
            page.contains("url: '/a\\'b\\u003cc\\u003e.json',"),
            "{page}"
        );
        assert!(
            page.contains(r#"src="/s.js?a=1&amp;b=&quot;2&quot;""#),
            "{page}"
        );
        assert!(
            page.contains(r"window.location.origin + '/r\'\\',"),
            "{page}"
        );
        let page = redoc_html("/o.json?a&b", "<T>", &Redoc::new());
        assert!(page.contains("<title>&lt;T&gt;</title>"), "{page}");
        assert!(
            page.contains(r#"<redoc spec-url="/o.json?a&amp;b"></redoc>"#),
            "{page}"
        );
    }
}
