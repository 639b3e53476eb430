//! Templates (feature `templates`): the context, `request`, `url_for`, the response type and
//! the errors. Run with `cargo test -p ferrapi-toolkit --features templates --test templates`.
#![cfg(feature = "templates")]

mod common;

use std::path::PathBuf;
use std::sync::OnceLock;

use common::within;
use ferrapi_toolkit::templating::{RenderedTemplate, Templates};
use ferrapi_toolkit::testclient::TestClient;
use ferrapi_toolkit::{Application, Error, Request, Response, Route};

fn dir() -> PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("ferrapi-templates-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("pages")).unwrap();
        std::fs::write(
            dir.join("pages/home.html"),
            "<h1>{{ title }}</h1>\n<a href=\"{{ url_for('user', id=7) }}\">{{ request.path }}?q={{ request.query.q }}</a>\n{{ request.method }} {{ request.url }}",
        )
        .unwrap();
        std::fs::write(dir.join("bad_link.html"), "{{ url_for('nope') }}").unwrap();
        std::fs::write(dir.join("escaped.html"), "{{ text }}").unwrap();
        std::fs::write(dir.join("plain.txt"), "{{ request.path }} <{{ text }}>").unwrap();
        dir
    })
    .clone()
}

fn templates() -> &'static Templates {
    static T: OnceLock<Templates> = OnceLock::new();
    T.get_or_init(|| Templates::new(dir()))
}

async fn home(req: Request) -> Result<Response, Error> {
    let response = templates()
        .response(&req, "pages/home.html", serde_json::json!({"title": "Hi"}))
        .await?;
    let rendered = response.extensions().get::<RenderedTemplate>().unwrap();
    assert_eq!(rendered.name, "pages/home.html");
    assert_eq!(
        rendered.context.get_attr("title").unwrap().as_str(),
        Some("Hi")
    );
    Ok(response)
}

async fn template(req: Request) -> Result<Response, Error> {
    let name = req.path_param("name").unwrap_or_default().to_string();
    templates()
        .response(&req, &name, serde_json::json!({"text": "<b>&</b>\"'"}))
        .await
}

async fn plain(req: Request) -> Result<Response, Error> {
    templates().response(&req, "plain.txt", ()).await
}

async fn user(_req: Request) -> &'static str {
    "user"
}

fn app() -> Application {
    Application::new()
        .route(Route::new("/home", home))
        .route(Route::new("/t/{name}", template))
        .route(Route::new("/users/{id}", user).name("user"))
        .route(Route::new("/plain", plain))
}

#[tokio::test]
async fn renders_with_request_and_url_for() {
    within(async {
        let client = TestClient::new(app());
        let r = client.get("/home?q=rust").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        assert_eq!(
            r.text(),
            "<h1>Hi</h1>\n<a href=\"http://testserver/users/7\">/home?q=rust</a>\nGET http://testserver/home?q=rust"
        );
    })
    .await;
}

#[tokio::test]
async fn html_is_escaped_and_errors_are_500() {
    within(async {
        let client = TestClient::new(app());
        // Auto-escaping for `.html` templates, as Jinja2Templates' `autoescape`.
        let r = client.get("/t/escaped.html").send().await;
        assert_eq!(r.text(), "&lt;b&gt;&amp;&lt;/b&gt;&#34;&#39;");
        // No context at all, and no escaping outside HTML templates.
        assert_eq!(client.get("/plain").send().await.text(), "/plain <>");
        let r = client.get("/t/plain.txt").send().await;
        assert_eq!(r.text(), "/t/plain.txt <<b>&</b>\"'>");
        assert_eq!(client.get("/t/missing.html").send().await.status(), 500);
        assert_eq!(client.get("/t/bad_link.html").send().await.status(), 500);
    })
    .await;
}
