//! `rust_decimal::Decimal` in every position against FastAPI's `Decimal`
//! (`tests/reference/types_decimal.py`): the same answers, byte for byte, and the same OpenAPI
//! document, but for the differences `ferrapi::types::decimal` documents (marked below).

use ferrapi::types::decimal::{as_python_str, to_jsonable};
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Debug)]
struct Thing {
    price: Decimal,
    // Validated (and documented as `Optional[Decimal]`), not sent back: `Out` has no discount.
    #[allow(dead_code)]
    discount: Option<Decimal>,
}

#[derive(Model, Debug)]
struct Bounded {
    #[field(gt = 0, le = 1000, multiple_of = 0.5)]
    amount: Decimal,
    #[field(max_digits = 4, decimal_places = 2)]
    small: Decimal,
}

/// A response model: pydantic writes a `Decimal` as `str(d)`.
#[derive(Model, Serialize, Debug)]
struct Out {
    #[serde(with = "as_python_str")]
    price: Decimal,
}

#[get("/path/{value}")]
async fn in_path(value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[get("/query")]
async fn in_query(value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[get("/query-bounded")]
async fn in_query_bounded(
    #[query(gt = 1, max_digits = 4, decimal_places = 2)] value: Decimal,
) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[get("/query-digits")]
async fn in_query_digits(#[query(max_digits = 3)] value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[get("/query-list")]
async fn in_query_list(#[query(default = Vec::new())] value: Vec<Decimal>) -> Value {
    json!({ "value": value.iter().map(to_jsonable).collect::<Vec<_>>() })
}

#[get("/header")]
async fn in_header(#[header] x_value: Decimal) -> Value {
    json!({ "value": to_jsonable(&x_value) })
}

#[get("/cookie")]
async fn in_cookie(#[cookie] value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[post("/form")]
async fn in_form(#[form] value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[post("/body", response_model = Out)]
async fn in_body(thing: Thing) -> Out {
    Out { price: thing.price }
}

#[post("/bounded")]
async fn bounded(b: Bounded) -> Value {
    json!({ "amount": to_jsonable(&b.amount), "small": to_jsonable(&b.small) })
}

#[post("/embed")]
async fn embedded(#[body(embed)] value: Decimal) -> Value {
    json!({ "value": to_jsonable(&value) })
}

#[get("/response", response_model = Out)]
async fn response(price: String) -> Value {
    json!({ "price": price })
}

fn app() -> App {
    App::new()
        .route(in_path)
        .route(in_query)
        .route(in_query_bounded)
        .route(in_query_digits)
        .route(in_query_list)
        .route(in_header)
        .route(in_cookie)
        .route(in_form)
        .route(in_body)
        .route(bounded)
        .route(embedded)
        .route(response)
}

/// Python prints floats with an exponent as `1e-07` / `1e+20`, serde_json as `1e-7` / `1e20`.
const FLOAT_NOTATION: &str = "float notation (Python `1e-07`, serde_json `1e-7`)";
/// rust_decimal has no positive exponent (`1E+3` is `1000`) and at most 28 places and 96 bits.
const RANGE: &str = "rust_decimal holds no positive exponent, 28 places and 96 bits at most";

/// Where a positive exponent shows: pydantic's `str(d)` of a response model (`"1E+3"`, ours
/// `"1000"`); everywhere else (`jsonable_encoder`'s integer, the digit counts) it agrees.
const EXPONENT: &str =
    "rust_decimal holds no positive exponent: a response model writes 1000 for 1E+3";

/// The texts pydantic tells apart, URL-encoded, each with the difference it shows, if any.
const TEXTS: &[(&str, Option<&str>)] = &[
    ("1.50", None),
    ("%201.5%20", None),
    ("1e3", Some(EXPONENT)),
    ("1E-7", Some(FLOAT_NOTATION)),
    ("0.000001", Some(FLOAT_NOTATION)),
    ("1_000", None),
    ("_1", None),
    ("-0", None),
    ("-0.0", None),
    (".5", None),
    ("1.", None),
    ("%2B5", None),
    ("00012.300", None),
    ("0E-5", None),
    ("12.34", None),
    ("123.4", None),
    ("1.234", None),
    ("12345", None),
    ("0.5", None),
    ("abc", None),
    ("", None),
    ("NaN", None),
    ("-Infinity", None),
    ("inf", None),
    ("1.2.3", None),
    ("1e", None),
    ("0x10", None),
    ("1%2C5", None),
    ("1e-30", Some(RANGE)),
    ("12345678901234567890123456789012345", Some(RANGE)),
];

fn mark(case: Case, difference: Option<&'static str>) -> Case {
    match difference {
        Some(FLOAT_NOTATION) => case.as_json_value(FLOAT_NOTATION),
        Some(EXPONENT) => {
            let label = case.label();
            if label.starts_with("POST /body ") || label.starts_with("GET /response?") {
                case.differs(EXPONENT)
            } else {
                case
            }
        }
        Some(reason) => case.differs(reason),
        None => case,
    }
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(text, difference) in TEXTS {
        let decoded = text
            .replace("%20", " ")
            .replace("%2B", "+")
            .replace("%2C", ",");
        let mut these = Vec::new();
        if !text.is_empty() {
            these.push(get(&format!("/path/{text}")));
        }
        these.push(get(&format!("/query?value={text}")));
        these.push(get(&format!("/query-bounded?value={text}")));
        these.push(get(&format!("/query-digits?value={text}")));
        these.push(get(&format!("/query-list?value=1.5&value={text}")));
        these.push(get("/header").header("x-value", &decoded));
        these.push(get("/cookie").header("cookie", &format!("value={decoded}")));
        these.push(post("/form").form(&[("value", text)]));
        these.push(post("/form").multipart(&[("value", &decoded)], &[]));
        let quoted = serde_json::to_string(&decoded).unwrap();
        these.push(post("/body").json(&format!(r#"{{"price": {quoted}}}"#)));
        these.push(post("/embed").json(&format!(r#"{{"value": {quoted}}}"#)));
        these.push(post("/bounded").json(&format!(r#"{{"amount": {quoted}, "small": {quoted}}}"#)));
        these.push(get(&format!("/response?price={text}")));
        cases.extend(these.into_iter().map(|c| mark(c, difference)));
    }
    // JSON numbers: integers as they are, floats as `Decimal(repr(x))`.
    for (number, difference) in [
        ("3", None),
        ("-7", None),
        ("1.5", None),
        ("100.0", None),
        ("0.1", None),
        ("0.3", None),
        ("1000", None),
        ("1000.5", None),
        ("123456.789", None),
        ("0.0001", None),
        ("0.00001", Some(FLOAT_NOTATION)),
        ("1e20", Some(RANGE)),
        ("1e15", None),
        ("1e16", Some(EXPONENT)),
        ("true", None),
        ("false", None),
        ("null", None),
        ("[]", None),
        ("{}", None),
        ("[1.5]", None),
    ] {
        for case in [
            post("/body").json(&format!(r#"{{"price": {number}}}"#)),
            post("/embed").json(&format!(r#"{{"value": {number}}}"#)),
            post("/bounded").json(&format!(r#"{{"amount": {number}, "small": {number}}}"#)),
        ] {
            cases.push(mark(case, difference));
        }
    }
    cases.push(get("/query"));
    cases.push(get("/query-list"));
    cases.push(get("/header"));
    cases.push(post("/body").json("{}"));
    cases.push(post("/body").json(r#"{"price": "1", "discount": null}"#));
    cases.push(post("/body").json(r#"{"price": "1", "discount": "0.5"}"#));
    cases.push(post("/body").json(r#"{"price": "1", "discount": "half"}"#));
    cases.push(post("/bounded").json(r#"{"amount": "2.5"}"#));
    cases
}

#[test]
fn decimals_answer_as_fastapi() {
    assert_same("types_decimal", app(), cases());
}

/// The one deliberate difference: FastAPI documents a response model's `Decimal` in
/// serialization mode (the string branch alone); ferrapi writes the validation-mode schema.
/// Patched here to FastAPI's, the rest must be equal.
#[test]
fn decimal_document_is_fastapis() {
    let mut ours = app().openapi();
    let price = &mut ours["components"]["schemas"]["Out"]["properties"]["price"];
    assert_eq!(
        price["anyOf"][1]["type"], "string",
        "ferrapi writes the validation-mode schema: {price}"
    );
    let mut serialization = price["anyOf"][1].clone();
    serialization["title"] = price["title"].clone();
    *price = serialization;
    assert_same_openapi("types_decimal", ours);
}
