//! The OpenAPI document and the documentation pages: what they contain, where they are served,
//! and the switches that move or remove them. The tutorial's document is compared with
//! FastAPI's in `tests/tests/openapi_diff.rs`.

use ferrapi::toolkit::testclient::{LiveServer, TestClient};
use ferrapi::{dependency, get, post, App, Model};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Clone, Debug)]
struct Pet {
    #[field(min_length = 1)]
    name: String,
    age: Option<i64>,
    #[field(default = Vec::new())]
    tags: Vec<String>,
}

#[dependency]
async fn paging(#[query(default = 0, ge = 0)] skip: i64) -> i64 {
    skip
}

/// Lists pets.
#[get("/pets/{pet_id}", tags = ["pets"])]
async fn read_pet(pet_id: i64, #[depends(paging)] skip: i64, verbose: Option<bool>) -> Value {
    json!({ "pet_id": pet_id, "skip": skip, "verbose": verbose })
}

#[post("/pets", status_code = 201, response_model = Pet)]
async fn create_pet(pet: Pet) -> Pet {
    pet
}

fn app() -> App {
    App::new()
        .title("Pets")
        .version("2.0")
        .route(read_pet)
        .route(create_pet)
}

/// The document names the operations, parameters (a dependency's included, after the
/// operation's own as FastAPI's flattened dependant has them), bodies, responses and
/// components as FastAPI would.
#[test]
fn document_describes_the_operations() {
    let doc = app().openapi();
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"], json!({"title": "Pets", "version": "2.0"}));
    let get = &doc["paths"]["/pets/{pet_id}"]["get"];
    assert_eq!(get["operationId"], "read_pet_pets__pet_id__get");
    assert_eq!(get["summary"], "Read Pet");
    assert_eq!(get["description"], "Lists pets.");
    assert_eq!(get["tags"], json!(["pets"]));
    assert_eq!(
        get["parameters"],
        json!([
            {"name": "pet_id", "in": "path", "required": true, "schema": {"type": "integer", "title": "Pet Id"}},
            {"name": "verbose", "in": "query", "required": false, "schema": {"anyOf": [{"type": "boolean"}, {"type": "null"}], "title": "Verbose"}},
            {"name": "skip", "in": "query", "required": false, "schema": {"type": "integer", "minimum": 0, "default": 0, "title": "Skip"}}
        ])
    );
    let post = &doc["paths"]["/pets"]["post"];
    assert_eq!(
        post["requestBody"],
        json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Pet"}}}, "required": true})
    );
    assert_eq!(
        post["responses"]["201"]["content"]["application/json"]["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert!(post["responses"]["422"].is_object());
    assert_eq!(
        doc["components"]["schemas"]["Pet"],
        json!({
            "properties": {
                "name": {"type": "string", "minLength": 1, "title": "Name"},
                "age": {"anyOf": [{"type": "integer"}, {"type": "null"}], "title": "Age"},
                "tags": {"type": "array", "items": {"type": "string"}, "default": [], "title": "Tags"}
            },
            "type": "object",
            "required": ["name"],
            "title": "Pet"
        })
    );
    assert!(doc["components"]["schemas"]["HTTPValidationError"].is_object());
}

/// `/openapi.json` serves the document, `/docs` and `/redoc` load only the app's own assets,
/// and the assets are there.
#[tokio::test]
async fn pages_and_assets_are_served_offline() {
    let client = TestClient::new(app());
    let doc = client.get("/openapi.json").send().await;
    assert_eq!(doc.status(), 200);
    assert_eq!(doc.header("content-type"), Some("application/json"));
    assert_eq!(doc.json::<Value>().unwrap(), app().openapi());

    let page = client.get("/docs").send().await;
    assert_eq!(page.status(), 200);
    let html = page.text();
    assert!(html.contains("<title>Pets - Swagger UI</title>"), "{html}");
    assert!(html.contains("url: '/openapi.json'"), "{html}");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "offline: {html}"
    );
    let redoc = client.get("/redoc").send().await.text();
    assert!(
        redoc.contains("<redoc spec-url=\"/openapi.json\">"),
        "{redoc}"
    );
    assert!(
        !redoc.contains("http://") && !redoc.contains("https://"),
        "offline: {redoc}"
    );

    for (path, media, at_least) in [
        (
            "/docs/swagger-ui-bundle.js",
            "text/javascript; charset=utf-8",
            1_000_000,
        ),
        ("/docs/swagger-ui.css", "text/css; charset=utf-8", 100_000),
        ("/docs/favicon.png", "image/png", 100),
        ("/redoc/favicon.png", "image/png", 100),
        (
            "/redoc/redoc.standalone.js",
            "text/javascript; charset=utf-8",
            500_000,
        ),
    ] {
        let asset = client.get(path).send().await;
        assert_eq!(asset.status(), 200, "{path}");
        assert_eq!(asset.header("content-type"), Some(media), "{path}");
        assert!(asset.bytes().len() >= at_least, "{path}");
    }
    let redirect = client.get("/docs/oauth2-redirect").send().await;
    assert_eq!(redirect.status(), 200);
    assert_eq!(
        redirect.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    // FastAPI's page: the script inline.
    let redirect = redirect.text();
    assert!(
        redirect.contains("window.opener.swaggerUIRedirectOauth2"),
        "{redirect}"
    );
    assert_eq!(
        redirect,
        ferrapi::openapi::docs::swagger_ui_oauth2_redirect_html()
    );
}

/// The pages move, turn off, and switch to the CDN.
#[tokio::test]
async fn pages_are_configurable() {
    let client = TestClient::new(
        app()
            .openapi_url(Some("/api/schema.json"))
            .docs_url(Some("/api/docs"))
            .redoc_url(None),
    );
    assert_eq!(client.get("/openapi.json").send().await.status(), 404);
    assert_eq!(client.get("/api/schema.json").send().await.status(), 200);
    let html = client.get("/api/docs").send().await.text();
    assert!(html.contains("url: '/api/schema.json'"), "{html}");
    assert!(html.contains("/api/docs/swagger-ui-bundle.js"), "{html}");
    assert_eq!(
        client.get("/api/docs/swagger-ui.css").send().await.status(),
        200
    );
    assert_eq!(client.get("/redoc").send().await.status(), 404);

    let none = TestClient::new(app().openapi_url(None));
    for path in ["/openapi.json", "/docs", "/redoc"] {
        assert_eq!(none.get(path).send().await.status(), 404, "{path}");
    }

    let cdn = TestClient::new(app().docs_cdn(true));
    let html = cdn.get("/docs").send().await.text();
    assert!(html.contains("https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/swagger-ui-bundle.js"));
    assert_eq!(
        cdn.get("/docs/swagger-ui-bundle.js").send().await.status(),
        404
    );
}

/// `/docs` off: the document and ReDoc stay; the OAuth2 redirect page goes with Swagger UI, as
/// in FastAPI (an app that builds its own `/docs` serves it); ReDoc's icon is its own.
#[tokio::test]
async fn docs_off_keeps_the_document() {
    let client = TestClient::new(app().docs_url(None));
    assert_eq!(client.get("/openapi.json").send().await.status(), 200);
    assert_eq!(client.get("/docs").send().await.status(), 404);
    assert_eq!(
        client.get("/docs/oauth2-redirect").send().await.status(),
        404
    );
    assert_eq!(client.get("/docs/favicon.png").send().await.status(), 404);
    let redoc = client.get("/redoc").send().await.text();
    assert!(redoc.contains("href=\"/redoc/favicon.png\""), "{redoc}");
    assert_eq!(client.get("/redoc/favicon.png").send().await.status(), 200);
}

/// Swagger UI parameters: a `json!` object or a `serde_json::Map`, merged in FastAPI's order and
/// written with Python's `json.dumps` separators; a non-object is a configuration mistake.
#[tokio::test]
async fn swagger_ui_parameters_are_written_as_fastapi_writes_them() {
    let mut map = serde_json::Map::new();
    map.insert("docExpansion".into(), json!("none"));
    let client = TestClient::new(
        app()
            .swagger_ui_parameters(
                json!({"syntaxHighlight": {"theme": "obsidian"}, "deepLinking": false}),
            )
            .swagger_ui_parameters(map),
    );
    let html = client.get("/docs").send().await.text();
    assert!(
        html.contains(
            "\"deepLinking\": false,\n\"showExtensions\": true,\n\"showCommonExtensions\": true,\n\
             \"syntaxHighlight\": {\"theme\": \"obsidian\"},\n\"docExpansion\": \"none\",\n"
        ),
        "{html}"
    );
    let not_an_object = std::panic::catch_unwind(|| App::new().swagger_ui_parameters(json!([1])));
    assert!(not_an_object.is_err());
}

/// Behind a root path the pages and the document name it.
#[tokio::test]
async fn root_path_is_followed() {
    let client = TestClient::new(app()).root_path("/api/v1");
    let html = client.get("/docs").send().await.text();
    assert!(html.contains("url: '/api/v1/openapi.json'"), "{html}");
    assert!(
        html.contains("oauth2RedirectUrl: window.location.origin + '/api/v1/docs/oauth2-redirect'"),
        "{html}"
    );
    let redoc = client.get("/redoc").send().await.text();
    assert!(
        redoc.contains("<redoc spec-url=\"/api/v1/openapi.json\">"),
        "{redoc}"
    );
    assert!(
        redoc.contains("/api/v1/redoc/redoc.standalone.js?v="),
        "{redoc}"
    );
    assert!(html.contains("/api/v1/docs/swagger-ui-bundle.js"), "{html}");
    let doc: Value = client.get("/openapi.json").send().await.json().unwrap();
    assert_eq!(doc["servers"], json!([{"url": "/api/v1"}]));
}

/// The 3.0.3 rendering, and a replaced validation-error format reflected in the 422s.
#[tokio::test]
async fn openapi_30_and_custom_validation_errors() {
    let schema = json!({"type": "object", "properties": {"errors": {"type": "array"}}});
    let app = app()
        .openapi_30_url("/openapi-3.0.json")
        .validation_error_schema(schema.clone());
    let doc = app.openapi();
    assert_eq!(
        doc["paths"]["/pets"]["post"]["responses"]["422"]["content"]["application/json"]["schema"],
        schema
    );
    assert!(doc["components"]["schemas"]
        .get("HTTPValidationError")
        .is_none());
    let client = TestClient::new(app);
    let old: Value = client.get("/openapi-3.0.json").send().await.json().unwrap();
    assert_eq!(old["openapi"], "3.0.3");
    assert_eq!(
        old["paths"]["/pets/{pet_id}"]["get"]["parameters"][1]["schema"],
        json!({"type": "boolean", "nullable": true, "title": "Verbose"})
    );
}

/// Over a real socket: the document and a page.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn served_over_a_socket() {
    let server = LiveServer::start(app()).await.unwrap();
    let url = server.url("/openapi.json");
    let doc = tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .unwrap()
            .body_mut()
            .read_to_string()
            .unwrap()
    })
    .await
    .unwrap();
    assert_eq!(
        serde_json::from_str::<Value>(&doc).unwrap(),
        app().openapi()
    );
}

#[derive(Model, Serialize, Clone, Debug)]
struct Message {
    message: String,
}

#[get("/a", responses = [(418, "Teapot", Message), (409, "Conflict")])]
async fn declared() -> Value {
    json!(1)
}

/// Declared responses, on the operation and on its router, as FastAPI documents them
/// (`responses={404: {"description": …}}`, with a model's schema when one is given); the
/// router's come first.
#[test]
fn declared_responses_are_documented() {
    let router = ferrapi::Router::new()
        .prefix("/r")
        .response(ferrapi::ExtraResponse::new(404, "Not found"))
        .route(declared);
    let doc = App::new().include_router(router).openapi();
    assert_eq!(
        doc["paths"]["/r/a"]["get"]["responses"],
        json!({
            "200": {"description": "Successful Response", "content": {"application/json": {"schema": {}}}},
            "404": {"description": "Not found"},
            "418": {"description": "Teapot", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Message"}}}},
            "409": {"description": "Conflict"}
        })
    );
    assert!(doc["components"]["schemas"]["Message"].is_object());
}

#[get("/pets/latest")]
async fn latest_pet() -> Pet {
    Pet {
        name: "Rex".into(),
        age: None,
        tags: Vec::new(),
    }
}

#[get("/pets/count")]
async fn pet_count() -> Vec<i64> {
    vec![1]
}

/// A returned model documents the response, as FastAPI's return annotation does; other return
/// types are documented as any JSON (FastAPI without an annotation).
#[test]
fn returned_models_document_the_response() {
    let doc = App::new().route(latest_pet).route(pet_count).openapi();
    assert_eq!(
        doc["paths"]["/pets/latest"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
        json!({"$ref": "#/components/schemas/Pet"})
    );
    assert_eq!(
        doc["paths"]["/pets/count"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
        json!({})
    );
}
