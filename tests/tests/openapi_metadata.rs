//! The document-level metadata and hooks of the OpenAPI document against FastAPI, key for key:
//! the API's metadata and the tags' (`tests/reference/openapi_metadata.py`,
//! `openapi_license_url.py`: "Metadata and Docs URLs"), `openapi_extra`
//! (`openapi_extra.py`: "Path Operation Advanced Configuration"), custom `operationId`s at the
//! app, router and operation (`openapi_unique_ids.py`: "Generating SDKs"), webhooks
//! (`openapi_webhooks.py`: "OpenAPI Webhooks"), callbacks (`openapi_callbacks.py`: "OpenAPI
//! Callbacks") and a hook editing the generated document (`openapi_extending.py`: "Extending
//! OpenAPI"), the served document compared too.

use chrono::{DateTime, Utc};
use ferrapi::openapi::{self, Contact, ExternalDocs, Info, License, Tag};
use ferrapi::routing::Operation;
use ferrapi::toolkit::Request;
use ferrapi::types::HttpUrl;
use ferrapi::{get, post, App, Model, Router};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post};
use serde::Serialize;
use serde_json::{json, Value};

mod metadata {
    use super::*;

    const DESCRIPTION: &str = "
ChimichangApp API helps you do awesome stuff. 🚀

## Items

You can **read items**.

## Users

You will be able to:

* **Create users** (_not implemented_).
* **Read users** (_not implemented_).
";

    #[get("/users/", tags = ["users"])]
    async fn get_users() -> Value {
        json!([{"name": "Harry"}, {"name": "Ron"}])
    }

    #[get("/items/", tags = ["items"])]
    async fn get_items() -> Value {
        json!([{"name": "wand"}, {"name": "flying broom"}])
    }

    pub(crate) fn app() -> App {
        App::new()
            .title("ChimichangApp")
            .description(DESCRIPTION)
            .summary("Deadpool's favorite app. Nuff said.")
            .version("0.0.1")
            .terms_of_service("http://example.com/terms/")
            .contact(json!({
                "name": "Deadpoolio the Amazing",
                "url": "http://x-force.example.com/contact/",
                "email": "dp@x-force.example.com",
            }))
            .license_info(json!({"name": "Apache 2.0", "identifier": "MIT"}))
            .openapi_tags(json!([
                {
                    "name": "users",
                    "description": "Operations with users. The **login** logic is also here.",
                },
                {
                    "name": "items",
                    "description": "Manage items. So _fancy_ they have their own docs.",
                    "externalDocs": {
                        "description": "Items external docs",
                        "url": "https://fastapi.tiangolo.com/",
                    },
                },
            ]))
            .openapi_external_docs(json!({
                "description": "More about ChimichangApp",
                "url": "https://example.com/docs",
            }))
            .route(get_users)
            .route(get_items)
    }

    #[get("/items/")]
    async fn read_items() -> Value {
        json!([{"name": "Katana"}])
    }

    /// The same metadata as [`app`], typed.
    pub(crate) fn typed_app() -> App {
        App::new()
            .title("ChimichangApp")
            .description(DESCRIPTION)
            .summary("Deadpool's favorite app. Nuff said.")
            .version("0.0.1")
            .terms_of_service("http://example.com/terms/")
            .contact(
                Contact::new("Deadpoolio the Amazing")
                    .url("http://x-force.example.com/contact/")
                    .email("dp@x-force.example.com"),
            )
            .license_info(License::new("Apache 2.0").identifier("MIT"))
            .openapi_tags([
                Tag::new("users")
                    .description("Operations with users. The **login** logic is also here."),
                Tag::new("items")
                    .description("Manage items. So _fancy_ they have their own docs.")
                    .external_docs(
                        ExternalDocs::new("https://fastapi.tiangolo.com/")
                            .description("Items external docs"),
                    ),
            ])
            .openapi_external_docs(
                ExternalDocs::new("https://example.com/docs")
                    .description("More about ChimichangApp"),
            )
            .route(get_users)
            .route(get_items)
    }

    pub(crate) fn license_url_app() -> App {
        App::new()
            .title("ChimichangApp")
            .version("0.0.1")
            .terms_of_service("http://example.com/terms/")
            .contact(
                Contact::new("Deadpoolio the Amazing")
                    .url("http://x-force.example.com/contact/")
                    .email("dp@x-force.example.com"),
            )
            .license_info(
                License::new("Apache 2.0").url("https://www.apache.org/licenses/LICENSE-2.0.html"),
            )
            .route(read_items)
    }
}

#[test]
fn metadata_and_tags_as_fastapi() {
    assert_same_openapi("openapi_metadata", metadata::app().openapi());
    assert_same_openapi("openapi_metadata", metadata::typed_app().openapi());
    assert_same_openapi("openapi_license_url", metadata::license_url_app().openapi());
}

#[test]
fn served_metadata_as_fastapi() {
    assert_same(
        "openapi_metadata",
        metadata::app(),
        vec![
            get("/openapi.json").as_json_value("key order"),
            get("/items/"),
        ],
    );
}

mod extra {
    use super::*;

    #[get("/items/", openapi_extra = json!({"x-aperture-labs-portal": "blue"}))]
    async fn read_items() -> Value {
        json!([{"item_id": "portal-gun"}])
    }

    #[post(
        "/items/",
        openapi_extra = json!({
            "requestBody": {
                "content": {
                    "application/json": {
                        "schema": {
                            "required": ["name", "price"],
                            "type": "object",
                            "properties": {
                                "name": {"type": "string"},
                                "price": {"type": "number"},
                                "description": {"type": "string"},
                            },
                        }
                    }
                },
                "required": true,
            },
        })
    )]
    async fn create_item(request: &Request) -> Value {
        json!({ "content_type": request.header("content-type") })
    }

    #[get(
        "/merged/{item_id}",
        tags = ["a"],
        openapi_extra = json!({
            "tags": ["b"],
            "responses": {"200": {"description": "The item", "x-cached": true}},
            "parameters": [{"name": "x-trace", "in": "header", "schema": {"type": "string"}}],
            "summary": "Replaced",
        })
    )]
    async fn read_merged(item_id: i64) -> Value {
        json!({ "item_id": item_id })
    }

    pub(crate) fn app() -> App {
        App::new()
            .route(read_items)
            .route(create_item)
            .route(read_merged)
    }
}

#[test]
fn openapi_extra_as_fastapi() {
    assert_same_openapi("openapi_extra", extra::app().openapi());
    assert_same(
        "openapi_extra",
        extra::app(),
        vec![
            get("/items/"),
            post("/items/").json(r#"{"name": "Portal Gun", "price": 42}"#),
            get("/merged/3"),
        ],
    );
}

mod unique_ids {
    use super::*;

    fn custom_generate_unique_id(op: &Operation) -> String {
        format!("{}-{}", op.tags()[0], op.route_name())
    }

    fn router_unique_id(op: &Operation) -> String {
        format!("router-{}", op.route_name())
    }

    fn own_unique_id(op: &Operation) -> String {
        format!("own-{}", op.route_name())
    }

    #[derive(Model, Serialize, Debug)]
    pub(crate) struct Item {
        name: String,
        price: f64,
    }

    #[derive(Model, Serialize, Debug)]
    struct ResponseMessage {
        message: String,
    }

    #[derive(Model, Serialize, Debug)]
    struct User {
        username: String,
        email: String,
    }

    #[post("/items/", response_model = ResponseMessage, tags = ["items"])]
    async fn create_item(item: Item) -> Value {
        let _ = item;
        json!({"message": "Item received"})
    }

    #[get("/items/", response_model = Vec<Item>, tags = ["items"])]
    async fn get_items() -> Value {
        json!([
            {"name": "Plumbus", "price": 3},
            {"name": "Portal Gun", "price": 9001},
        ])
    }

    #[post("/users/", response_model = ResponseMessage, tags = ["users"])]
    async fn create_user(user: User) -> Value {
        let _ = user;
        json!({"message": "User received"})
    }

    #[post("/things/", tags = ["things"])]
    async fn create_thing(name: String, #[query(default = 0.0)] price: f64) -> Value {
        let _ = price;
        json!({ "name": name })
    }

    #[post(
        "/things/own",
        tags = ["things"],
        generate_unique_id_function = own_unique_id
    )]
    async fn create_own_thing(item: Item) -> Item {
        item
    }

    #[get("/things/explicit", tags = ["things"], operation_id = "explicit_id")]
    async fn read_explicit() -> Value {
        json!([])
    }

    pub(crate) fn app() -> App {
        let router = Router::new()
            .generate_unique_id_function(router_unique_id)
            .route(create_thing)
            .route(create_own_thing)
            .route(read_explicit);
        App::new()
            .generate_unique_id_function(custom_generate_unique_id)
            .route(create_item)
            .route(get_items)
            .route(create_user)
            .include_router(Router::new().prefix("/r").include_router(router))
    }
}

#[test]
fn custom_operation_ids_as_fastapi() {
    assert_same_openapi("openapi_unique_ids", unique_ids::app().openapi());
}

mod webhooks {
    use super::*;

    #[derive(Model, Serialize, Debug)]
    struct Subscription {
        username: String,
        monthly_fee: f64,
        start_date: DateTime<Utc>,
    }

    /// When a new user subscribes to your service we'll send you a POST request with this
    /// data to the URL that you register for the event `new-subscription` in the dashboard.
    #[post("new-subscription")]
    pub(crate) fn new_subscription(body: Subscription) {
        let _ = body;
    }

    #[get("/users/")]
    fn read_users() -> Value {
        json!(["Rick", "Morty"])
    }

    pub(crate) fn app() -> App {
        App::new().webhook(new_subscription).route(read_users)
    }
}

#[test]
fn webhooks_as_fastapi() {
    assert_same_openapi("openapi_webhooks", webhooks::app().openapi());
    // Documented, not served.
    assert_same(
        "openapi_webhooks",
        webhooks::app(),
        vec![get("/users/"), post("/new-subscription").json("{}")],
    );
}

mod callbacks {
    use super::*;

    #[derive(Model, Serialize, Debug)]
    struct Invoice {
        id: String,
        #[field(default = None)]
        title: Option<String>,
        customer: String,
        total: f64,
    }

    #[derive(Model, Serialize, Debug)]
    struct InvoiceEvent {
        description: String,
        paid: bool,
    }

    #[derive(Model, Serialize, Debug)]
    struct InvoiceEventReceived {
        ok: bool,
    }

    #[post(
        "{$callback_url}/invoices/{$request.body.id}",
        response_model = InvoiceEventReceived
    )]
    fn invoice_notification(body: InvoiceEvent) {
        let _ = body;
    }

    pub(crate) fn invoices_callback_router() -> Router {
        Router::new().route(invoice_notification)
    }

    /// Create an invoice.
    ///
    /// This will (let's imagine) let the API user create an invoice.
    ///
    /// And this path operation will:
    ///
    /// * Send the invoice to the client.
    /// * Collect the money from the client.
    /// * Send a notification back to the API user (the callback), at the `callback_url`.
    ///     * The callback will contain the `id` of the created invoice.
    #[post("/invoices/", callbacks = [invoices_callback_router()])]
    fn create_invoice(invoice: Invoice, callback_url: Option<HttpUrl>) -> Value {
        let _ = (invoice, callback_url);
        // Send the invoice, collect the money, send the notification (the callback)
        json!({"msg": "Invoice received"})
    }

    pub(crate) fn app() -> App {
        App::new().route(create_invoice)
    }
}

#[test]
fn callbacks_as_fastapi() {
    assert_same_openapi("openapi_callbacks", callbacks::app().openapi());
    assert_same(
        "openapi_callbacks",
        callbacks::app(),
        vec![
            post("/invoices/?callback_url=https://www.external.org/events")
                .json(r#"{"id": "foo", "customer": "Pepe", "total": 9.5}"#),
        ],
    );
}

/// The callbacks given to a router (FastAPI's `APIRouter(callbacks=…)`) or one by one
/// (`Operation::callback`) document the same.
mod router_callbacks {
    use super::*;

    #[derive(Model, Serialize, Debug)]
    struct Invoice {
        id: String,
        #[field(default = None)]
        title: Option<String>,
        customer: String,
        total: f64,
    }

    /// Create an invoice.
    ///
    /// This will (let's imagine) let the API user create an invoice.
    ///
    /// And this path operation will:
    ///
    /// * Send the invoice to the client.
    /// * Collect the money from the client.
    /// * Send a notification back to the API user (the callback), at the `callback_url`.
    ///     * The callback will contain the `id` of the created invoice.
    #[post("/invoices/")]
    pub(crate) fn create_invoice(invoice: Invoice, callback_url: Option<HttpUrl>) -> Value {
        let _ = (invoice, callback_url);
        json!({"msg": "Invoice received"})
    }
}

#[test]
fn router_callbacks_as_fastapi() {
    let app = App::new().include_router(
        Router::new()
            .callbacks(callbacks::invoices_callback_router())
            .route(router_callbacks::create_invoice),
    );
    assert_same_openapi("openapi_callbacks", app.openapi());
    let one_by_one = App::new().route(
        router_callbacks::create_invoice().callback(
            callbacks::invoices_callback_router()
                .into_operations()
                .remove(0),
        ),
    );
    assert_same_openapi("openapi_callbacks", one_by_one.openapi());
}

#[test]
#[should_panic(expected = "`new-subscription` is not a path")]
fn a_webhook_is_not_served() {
    let _ = App::new().route(webhooks::new_subscription);
}

mod extending {
    use super::*;

    #[get("/items/")]
    pub(crate) async fn read_items() -> Value {
        json!([{"name": "Foo"}])
    }

    pub(crate) fn app() -> App {
        App::new().route(read_items).openapi_hook(|doc| {
            let info = doc["info"].as_object_mut().expect("info");
            info.insert("title".into(), json!("Custom title"));
            info.insert("version".into(), json!("2.5.0"));
            info.insert(
                "summary".into(),
                json!("This is a very custom OpenAPI schema"),
            );
            info.insert(
                "description".into(),
                json!("Here's a longer description of the custom **OpenAPI** schema"),
            );
            info.insert(
                "x-logo".into(),
                json!({"url": "https://fastapi.tiangolo.com/img/logo-margin/logo-teal.png"}),
            );
        })
    }

    /// The same, the document replaced by one built anew from the app's operations with other
    /// metadata (FastAPI's `get_openapi(title=…, routes=app.routes)`).
    pub(crate) fn rebuilt(app: App) -> Value {
        let info = Info {
            title: "Custom title".into(),
            version: "2.5.0".into(),
            summary: Some("This is a very custom OpenAPI schema".into()),
            description: "Here's a longer description of the custom **OpenAPI** schema".into(),
            ..Info::default()
        };
        let mut doc = openapi::document(&info, app.operations());
        doc["info"]["x-logo"] =
            json!({"url": "https://fastapi.tiangolo.com/img/logo-margin/logo-teal.png"});
        doc
    }
}

#[test]
fn extending_openapi_as_fastapi() {
    assert_same_openapi("openapi_extending", extending::app().openapi());
    assert_same_openapi(
        "openapi_extending",
        extending::rebuilt(App::new().route(extending::read_items)),
    );
    // The served document is the hooked one, generated once.
    assert_same(
        "openapi_extending",
        extending::app(),
        vec![
            get("/openapi.json").as_json_value("key order"),
            get("/items/"),
        ],
    );
}

#[test]
fn hooks_run_in_order_and_once_per_document() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    let calls = Arc::new(AtomicUsize::new(0));
    let counted = calls.clone();
    let app = App::new()
        .route(extending::read_items)
        .openapi_hook(|doc| doc["info"]["title"] = json!("first"))
        .openapi_hook(move |doc| {
            counted.fetch_add(1, Ordering::SeqCst);
            let title = doc["info"]["title"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            doc["info"]["title"] = json!(format!("{title}, second"));
        });
    assert_eq!(app.openapi()["info"]["title"], "first, second");
    assert_eq!(calls.load(Ordering::SeqCst), 1);
    let _built = app.build();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
}
