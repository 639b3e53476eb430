//! FastAPI's `strict_content_type` on the app, a router and an operation, against FastAPI
//! (`tests/reference/strict_content_type.py`, the default app, and
//! `strict_content_type_lax.py`, `FastAPI(strict_content_type=False)`): a JSON body sent
//! without a `Content-Type` is read as JSON only where the setting is off; a body with another
//! content type is text under both settings.

use ferrapi::{post, App, Model, Router};
use ferrapi_integration_tests::diff::{assert_same, post, Case};
use serde::Serialize;

#[derive(Model, Serialize)]
struct Item {
    name: String,
    price: f64,
}

#[post("/items/")]
async fn create_item(item: Item) -> Item {
    item
}

#[post("/lax/items/", strict_content_type = false)]
async fn create_lax_item(item: Item) -> Item {
    item
}

#[post("/items/")]
async fn create_router_item(item: Item) -> Item {
    item
}

#[post("/strict/items/", strict_content_type = true)]
async fn create_strict_item(item: Item) -> Item {
    item
}

/// The default app: strict, but for one operation and one router (and strict again for one
/// operation of that router).
fn strict_app() -> App {
    let router = Router::new()
        .prefix("/router")
        .strict_content_type(false)
        .route(create_router_item)
        .route(create_strict_item);
    App::new()
        .route(create_item)
        .route(create_lax_item)
        .include_router(router)
}

/// `App::strict_content_type(false)`, set after the routes (it applies all the same), with an
/// operation and a router that are strict.
fn lax_app() -> App {
    let router = Router::new()
        .prefix("/router")
        .strict_content_type(true)
        .route(create_router_item);
    App::new()
        .route(create_item)
        .route(create_strict_item)
        .include_router(router)
        .strict_content_type(false)
}

/// The cases sent to each of `paths`, with whether the operation is strict.
fn cases(paths: &[(&str, bool)]) -> Vec<Case> {
    let item = r#"{"name": "Foo", "price": 3.5}"#;
    let mut cases = Vec::new();
    for &(path, strict) in paths {
        // Bytes that are not UTF-8: read as JSON, FastAPI's 400; as text, the 422 FastAPI
        // fails to encode (its `jsonable_encoder` decodes the bytes as UTF-8), a 500.
        let not_utf8 = post(path).raw(b"\x80abc");
        cases.push(if strict {
            not_utf8.differs("FastAPI answers 500: it cannot encode the bytes in its 422")
        } else {
            not_utf8
        });
        cases.push(post(path).json(item));
        // No content type: JSON only where the setting is off.
        cases.push(post(path).raw(item));
        cases.push(post(path).raw(r#"{"name": "Foo"}"#));
        cases.push(post(path).raw("{bad"));
        cases.push(post(path).raw("[1, 2]"));
        cases.push(post(path));
        // Another content type: text under both settings.
        cases.push(post(path).header("content-type", "text/plain").raw(item));
        cases.push(
            post(path)
                .header("content-type", "application/vnd.api+json")
                .raw(item),
        );
    }
    cases
}

#[test]
fn strict_by_default_lax_where_set() {
    assert_same(
        "strict_content_type",
        strict_app(),
        cases(&[
            ("/items/", true),
            ("/lax/items/", false),
            ("/router/items/", false),
            ("/router/strict/items/", true),
        ]),
    );
}

#[test]
fn lax_app_strict_where_set() {
    assert_same(
        "strict_content_type_lax",
        lax_app(),
        cases(&[
            ("/items/", false),
            ("/strict/items/", true),
            ("/router/items/", true),
        ]),
    );
}
