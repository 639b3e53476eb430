//! `IpAddr`, `Ipv4Addr` and `Ipv6Addr` in every position against pydantic's `IPvAnyAddress`,
//! `IPv4Address` and `IPv6Address` (`tests/reference/types_ip.py`): the same answers, byte for
//! byte, and the same OpenAPI document.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ferrapi::types::ip::{as_python_str, to_python_string};
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;
use serde_json::{json, Value};

#[derive(Model, Serialize, Debug)]
struct Host {
    #[serde(with = "as_python_str")]
    any: IpAddr,
    v4: Ipv4Addr,
    #[serde(with = "as_python_str")]
    v6: Ipv6Addr,
    #[field(default = None)]
    gateway: Option<Ipv4Addr>,
}

/// What FastAPI's `jsonable_encoder` writes for an address: `str(address)`.
fn py(addr: impl Into<IpAddr>) -> Value {
    Value::String(to_python_string(&addr.into()))
}

#[get("/path/{value}")]
async fn in_path(value: IpAddr) -> Value {
    json!({ "value": py(value) })
}

#[get("/query")]
async fn in_query(any: IpAddr, v4: Ipv4Addr, v6: Ipv6Addr) -> Value {
    json!({ "any": py(any), "v4": py(v4), "v6": py(v6) })
}

#[get("/query-any")]
async fn in_query_any(value: IpAddr) -> Value {
    json!({ "value": py(value) })
}

#[get("/query-v4")]
async fn in_query_v4(value: Ipv4Addr) -> Value {
    json!({ "value": py(value) })
}

#[get("/query-v6")]
async fn in_query_v6(value: Ipv6Addr) -> Value {
    json!({ "value": py(value) })
}

#[get("/query-list")]
async fn in_query_list(#[query(default = Vec::new())] value: Vec<IpAddr>) -> Value {
    json!({ "value": value.into_iter().map(py).collect::<Vec<_>>() })
}

#[get("/header")]
async fn in_header(#[header] x_value: IpAddr) -> Value {
    json!({ "value": py(x_value) })
}

#[get("/cookie")]
async fn in_cookie(#[cookie] value: Ipv6Addr) -> Value {
    json!({ "value": py(value) })
}

#[post("/form")]
async fn in_form(#[form] value: Ipv4Addr) -> Value {
    json!({ "value": py(value) })
}

#[post("/body")]
async fn in_body(host: Host) -> Host {
    host
}

#[post("/embed")]
async fn embedded(#[body(embed)] value: IpAddr) -> Value {
    json!({ "value": py(value) })
}

#[get("/response", response_model = Host)]
async fn response(any: String, v4: String, v6: String) -> Value {
    json!({ "any": any, "v4": v4, "v6": v6 })
}

fn app() -> App {
    App::new()
        .route(in_path)
        .route(in_query)
        .route(in_query_any)
        .route(in_query_v4)
        .route(in_query_v6)
        .route(in_query_list)
        .route(in_header)
        .route(in_cookie)
        .route(in_form)
        .route(in_body)
        .route(embedded)
        .route(response)
}

/// IPv6 zones: Python keeps them, std's `Ipv6Addr` has none.
const ZONE: &str = "an IPv6 zone (`%eth0`) is refused: std's Ipv6Addr has no zone";

/// The texts pydantic tells apart (URL-encoded where needed).
const TEXTS: &[(&str, Option<&str>)] = &[
    ("1.2.3.4", None),
    ("0.0.0.0", None),
    ("255.255.255.255", None),
    ("::1", None),
    ("::", None),
    ("1::", None),
    ("::FFFF:1.2.3.4", None),
    ("::ffff:0102:0304", None),
    ("::1.2.3.4", None),
    ("2001:DB8:0:0:0:0:0:1", None),
    ("1:0:0:2:0:0:3:4", None),
    ("fe80::1%25eth0", Some(ZONE)),
    ("%201.2.3.4", None),
    ("01.2.3.4", None),
    ("1.2.3", None),
    ("256.1.1.1", None),
    ("1.2.3.4%2F24", None),
    ("1:2:3:4:5:6:7:8:9", None),
    ("%5B::1%5D", None),
    ("16909060", None),
    ("abc", None),
    ("", None),
];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for &(text, difference) in TEXTS {
        let decoded = text
            .replace("%20", " ")
            .replace("%25", "%")
            .replace("%2F", "/")
            .replace("%5B", "[")
            .replace("%5D", "]");
        let mut these = Vec::new();
        if !text.is_empty() && !text.contains("%2F") {
            these.push(get(&format!("/path/{text}")));
        }
        for route in ["/query-any", "/query-v4", "/query-v6"] {
            these.push(get(&format!("{route}?value={text}")));
        }
        these.push(get(&format!("/query?any={text}&v4={text}&v6={text}")));
        these.push(get(&format!("/query-list?value=1.2.3.4&value={text}")));
        these.push(get("/header").header("x-value", &decoded));
        these.push(get("/cookie").header("cookie", &format!("value={decoded}")));
        these.push(post("/form").form(&[("value", text)]));
        these.push(post("/form").multipart(&[("value", &decoded)], &[]));
        let quoted = serde_json::to_string(&decoded).unwrap();
        these.push(post("/body").json(&format!(
            r#"{{"any": {quoted}, "v4": {quoted}, "v6": {quoted}, "gateway": {quoted}}}"#
        )));
        these.push(post("/embed").json(&format!(r#"{{"value": {quoted}}}"#)));
        these.push(get(&format!("/response?any={text}&v4={text}&v6={text}")));
        cases.extend(these.into_iter().map(|c| match difference {
            Some(reason) => c.differs(reason),
            None => c,
        }));
    }
    // JSON numbers are addresses (Python's `int`, `bool` included); nothing else is.
    for bad in [
        "0",
        "16909060",
        "4294967295",
        "4294967296",
        "1099511627776",
        "-1",
        "1.5",
        "true",
        "false",
        "null",
        "[]",
        "{}",
    ] {
        cases.push(post("/body").json(&format!(
            r#"{{"any": {bad}, "v4": {bad}, "v6": {bad}, "gateway": {bad}}}"#
        )));
        cases.push(post("/embed").json(&format!(r#"{{"value": {bad}}}"#)));
    }
    cases.push(get("/query-any"));
    cases.push(get("/query-list"));
    cases.push(get("/header"));
    cases.push(post("/body").json(r#"{"any": "::1"}"#));
    cases
}

#[test]
fn ip_addresses_answer_as_fastapi() {
    assert_same("types_ip", app(), cases());
}

#[test]
fn ip_document_is_fastapis() {
    assert_same_openapi("types_ip", app().openapi());
}
