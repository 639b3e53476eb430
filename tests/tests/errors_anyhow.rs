//! `anyhow::Result` from operations and dependencies (feature `anyhow`), over a real socket:
//! `?` converts any error, an error that is not handled is a 500, and the error an
//! `anyhow::Error` wraps is still found by the exception handlers (an `HTTPException` answers
//! as itself, a custom error reaches its handler).

use std::time::Duration;

use ferrapi::toolkit::testclient::LiveServer;
use ferrapi::toolkit::StatusCode;
use ferrapi::{get, App, HTTPException};

#[derive(Debug, serde::Serialize, ferrapi::Model)]
struct Parsed {
    value: i64,
}

/// `?` on any error, and an `HTTPException` carried through `anyhow`.
#[get("/anyhow/{text}")]
async fn parse_anyhow(text: String) -> anyhow::Result<Parsed> {
    if text == "teapot" {
        return Err(HTTPException::new(StatusCode::IM_A_TEAPOT, "short and stout").into());
    }
    let value: i64 = text.parse()?;
    Ok(Parsed { value })
}

#[ferrapi::dependency]
fn checked_token(#[header] x_token: String) -> anyhow::Result<String> {
    anyhow::ensure!(x_token == "secret", "bad token {x_token}");
    Ok(x_token)
}

#[get("/anyhow-dependency")]
async fn anyhow_dependency(#[depends(checked_token)] token: String) -> String {
    token
}

#[derive(Debug)]
struct OutOfStock(String);

impl std::fmt::Display for OutOfStock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} is out of stock", self.0)
    }
}

impl std::error::Error for OutOfStock {}

#[get("/stock/{name}")]
async fn stock(name: String) -> anyhow::Result<String> {
    Err(anyhow::Error::new(OutOfStock(name)).context("while reading the stock"))
}

fn app() -> App {
    App::new()
        .route(parse_anyhow)
        .route(anyhow_dependency)
        .route(stock)
        .exception_handler(|err: OutOfStock| {
            (
                StatusCode::CONFLICT,
                ferrapi::toolkit::PlainText(format!("sorry: {err}")),
            )
        })
}

#[test]
fn anyhow_errors_convert_with_the_question_mark() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = app();
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(10)))
        .build()
        .new_agent();

    let mut ok = agent.get(live.url("/anyhow/42")).call().unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.body_mut().read_to_string().unwrap(), r#"{"value":42}"#);

    // Any other error is a 500, logged; the client sees no detail.
    let mut failed = agent.get(live.url("/anyhow/forty-two")).call().unwrap();
    assert_eq!(failed.status(), 500);
    assert_eq!(
        failed.body_mut().read_to_string().unwrap(),
        "Internal Server Error"
    );

    // anyhow gives back the error it wraps: an HTTPException answers as itself.
    let mut teapot = agent.get(live.url("/anyhow/teapot")).call().unwrap();
    assert_eq!(teapot.status(), 418);
    assert_eq!(
        teapot.body_mut().read_to_string().unwrap(),
        r#"{"detail":"short and stout"}"#
    );

    // A dependency returning anyhow::Result.
    let mut token = agent
        .get(live.url("/anyhow-dependency"))
        .header("x-token", "secret")
        .call()
        .unwrap();
    assert_eq!(token.body_mut().read_to_string().unwrap(), r#""secret""#);
    let bad = agent
        .get(live.url("/anyhow-dependency"))
        .header("x-token", "guess")
        .call()
        .unwrap();
    assert_eq!(bad.status(), 500);

    // A custom error wrapped (with context) reaches its handler.
    let mut stock = agent.get(live.url("/stock/tea")).call().unwrap();
    assert_eq!(stock.status(), 409);
    assert_eq!(
        stock.body_mut().read_to_string().unwrap(),
        "sorry: tea is out of stock"
    );

    // The returned model documents the response, as with any `Result`.
    assert_eq!(
        doc["paths"]["/anyhow/{text}"]["get"]["responses"]["200"]["content"]["application/json"]
            ["schema"],
        serde_json::json!({"$ref": "#/components/schemas/Parsed"})
    );
    drop(live);
}
