//! chrono's dates, times and durations in every position against FastAPI
//! (`tests/reference/types_datetime.py`): the same answers, byte for byte, and the same OpenAPI
//! document. Each type has its own prefix and models (see the reference app for the pydantic
//! type each stands for); the answers are models serialised with
//! `ferrapi::types::datetime::pydantic`.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use ferrapi::types::datetime::pydantic;
use ferrapi::{get, post, App, Model};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, get, post, Case};
use serde::Serialize;

// The models of each type (a derive inside `macro_rules!` would not see its own locals).

#[derive(Model, Serialize, Debug)]
struct AwareThing {
    #[serde(with = "pydantic")]
    at: DateTime<FixedOffset>,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<DateTime<FixedOffset>>,
}

#[derive(Model, Serialize, Debug)]
struct AwareEcho {
    #[serde(with = "pydantic")]
    value: DateTime<FixedOffset>,
}

#[derive(Model, Serialize, Debug)]
struct AwareEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<DateTime<FixedOffset>>,
}

#[derive(Model, Serialize, Debug)]
struct UtcThing {
    #[serde(with = "pydantic")]
    at: DateTime<Utc>,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<DateTime<Utc>>,
}

#[derive(Model, Serialize, Debug)]
struct UtcEcho {
    #[serde(with = "pydantic")]
    value: DateTime<Utc>,
}

#[derive(Model, Serialize, Debug)]
struct UtcEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<DateTime<Utc>>,
}

#[derive(Model, Serialize, Debug)]
struct NaiveThing {
    #[serde(with = "pydantic")]
    at: NaiveDateTime,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<NaiveDateTime>,
}

#[derive(Model, Serialize, Debug)]
struct NaiveEcho {
    #[serde(with = "pydantic")]
    value: NaiveDateTime,
}

#[derive(Model, Serialize, Debug)]
struct NaiveEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<NaiveDateTime>,
}

#[derive(Model, Serialize, Debug)]
struct DateThing {
    #[serde(with = "pydantic")]
    at: NaiveDate,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<NaiveDate>,
}

#[derive(Model, Serialize, Debug)]
struct DateEcho {
    #[serde(with = "pydantic")]
    value: NaiveDate,
}

#[derive(Model, Serialize, Debug)]
struct DateEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<NaiveDate>,
}

#[derive(Model, Serialize, Debug)]
struct TimeThing {
    #[serde(with = "pydantic")]
    at: NaiveTime,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<NaiveTime>,
}

#[derive(Model, Serialize, Debug)]
struct TimeEcho {
    #[serde(with = "pydantic")]
    value: NaiveTime,
}

#[derive(Model, Serialize, Debug)]
struct TimeEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<NaiveTime>,
}

#[derive(Model, Serialize, Debug)]
struct DeltaThing {
    #[serde(with = "pydantic")]
    at: TimeDelta,
    #[field(default = None)]
    #[serde(with = "pydantic::option")]
    maybe: Option<TimeDelta>,
}

#[derive(Model, Serialize, Debug)]
struct DeltaEcho {
    #[serde(with = "pydantic")]
    value: TimeDelta,
}

#[derive(Model, Serialize, Debug)]
struct DeltaEchoList {
    #[serde(with = "pydantic::vec")]
    value: Vec<TimeDelta>,
}

/// One type's routes, under `/{prefix}/…` (the literals are the paths).
macro_rules! kind {
    (
        $module:ident, $T:ty, $Thing:ident, $Echo:ident, $EchoList:ident,
        $path:literal, $query:literal, $list:literal, $header:literal, $cookie:literal,
        $form:literal, $body:literal, $embed:literal, $response:literal
    ) => {
        mod $module {
            use super::*;
            use serde_json::{json, Value};

            // Names written here, not passed in: the route macros' locals take their
            // hygiene from the return type.
            type Thing = super::$Thing;
            type Echo = super::$Echo;
            type EchoList = super::$EchoList;

            #[get($path)]
            async fn in_path(value: $T) -> Echo {
                Echo { value }
            }

            #[get($query)]
            async fn in_query(value: $T) -> Echo {
                Echo { value }
            }

            #[get($list)]
            async fn in_query_list(#[query(default = Vec::new())] value: Vec<$T>) -> EchoList {
                EchoList { value }
            }

            #[get($header)]
            async fn in_header(#[header] x_value: $T) -> Echo {
                Echo { value: x_value }
            }

            #[get($cookie)]
            async fn in_cookie(#[cookie] value: $T) -> Echo {
                Echo { value }
            }

            #[post($form)]
            async fn in_form(#[form] value: $T) -> Echo {
                Echo { value }
            }

            #[post($body)]
            async fn in_body(thing: Thing) -> Thing {
                thing
            }

            #[post($embed)]
            async fn embedded(#[body(embed)] value: $T) -> Echo {
                Echo { value }
            }

            #[get($response, response_model = Thing)]
            async fn response(value: String) -> Value {
                json!({ "at": value })
            }

            pub(super) fn routes(app: App) -> App {
                app.route(in_path)
                    .route(in_query)
                    .route(in_query_list)
                    .route(in_header)
                    .route(in_cookie)
                    .route(in_form)
                    .route(in_body)
                    .route(embedded)
                    .route(response)
            }
        }
    };
}

kind!(
    aware,
    DateTime<FixedOffset>,
    AwareThing,
    AwareEcho,
    AwareEchoList,
    "/aware/path/{value}",
    "/aware/query",
    "/aware/query-list",
    "/aware/header",
    "/aware/cookie",
    "/aware/form",
    "/aware/body",
    "/aware/embed",
    "/aware/response"
);
kind!(
    utc,
    DateTime<Utc>,
    UtcThing,
    UtcEcho,
    UtcEchoList,
    "/utc/path/{value}",
    "/utc/query",
    "/utc/query-list",
    "/utc/header",
    "/utc/cookie",
    "/utc/form",
    "/utc/body",
    "/utc/embed",
    "/utc/response"
);
kind!(
    naive,
    NaiveDateTime,
    NaiveThing,
    NaiveEcho,
    NaiveEchoList,
    "/naive/path/{value}",
    "/naive/query",
    "/naive/query-list",
    "/naive/header",
    "/naive/cookie",
    "/naive/form",
    "/naive/body",
    "/naive/embed",
    "/naive/response"
);
kind!(
    date,
    NaiveDate,
    DateThing,
    DateEcho,
    DateEchoList,
    "/date/path/{value}",
    "/date/query",
    "/date/query-list",
    "/date/header",
    "/date/cookie",
    "/date/form",
    "/date/body",
    "/date/embed",
    "/date/response"
);
kind!(
    time,
    NaiveTime,
    TimeThing,
    TimeEcho,
    TimeEchoList,
    "/time/path/{value}",
    "/time/query",
    "/time/query-list",
    "/time/header",
    "/time/cookie",
    "/time/form",
    "/time/body",
    "/time/embed",
    "/time/response"
);
kind!(
    delta,
    TimeDelta,
    DeltaThing,
    DeltaEcho,
    DeltaEchoList,
    "/delta/path/{value}",
    "/delta/query",
    "/delta/query-list",
    "/delta/header",
    "/delta/cookie",
    "/delta/form",
    "/delta/body",
    "/delta/embed",
    "/delta/response"
);

fn app() -> App {
    let app = App::new();
    let app = aware::routes(app);
    let app = utc::routes(app);
    let app = naive::routes(app);
    let app = date::routes(app);
    let app = time::routes(app);
    delta::routes(app)
}

/// The prefixes, and a valid text of each (for the other item of a list).
const KINDS: [(&str, &str); 6] = [
    ("aware", "2020-01-01T12:00:00Z"),
    ("utc", "2020-01-01T12:00:00Z"),
    ("naive", "2020-01-01T12:00:00"),
    ("date", "2020-01-01"),
    ("time", "12:00:00"),
    ("delta", "P1D"),
];

/// Texts every type is given: each type's accepted forms, and each reason it refuses one.
const TEXTS: &[&str] = &[
    "2020-01-01T12:00:00",
    "2020-01-01T12:00:00Z",
    "2020-01-01t12:00:00.5z",
    "2020-01-01 12:00:00+01:00",
    "2020-01-01_12:00:00.123-0530",
    "2020-01-01T12:00:00.1234567+01:00",
    "2020-01-01T12:00:00\u{2212}01:00",
    "2020-01-01",
    "2020-01-01T00:00:00+01:00",
    "2020-01-01T00:00",
    "2020-01-01T12",
    "2020-13-01",
    "2020-02-30T00:00",
    "2020-01-01T24:00",
    "2020-01-01T12:00:60",
    "2020-01-01T12:00:00+24:00",
    "0001-01-01T00:00:00+01:00",
    "0000-01-01",
    "1577836800",
    "1577836800.5",
    "1577836800123",
    "1577836801",
    "99999999999999999999",
    "-300000000000000",
    "12:00",
    "12:00:00.5",
    "12:00:00Z",
    "24:00",
    "12:00:0",
    "12:00:00.",
    "P1DT2H",
    "-P1DT2H30M0.5S",
    "P1Y2M3W4DT5H6M7.5S",
    "PT1.5H30M",
    "P1000000000D",
    "PTT",
    "1 day, 12:00:00",
    "-12:00:00",
    "100:00:00.000001",
    "1 dax",
    "nope",
    " 2020-01-01",
    "",
];

/// An aware datetime whose UTC value is in year 0: `DateTime<Utc>` holds it, Python cannot.
const YEAR_ZERO_IN_UTC: &str = "0001-01-01T00:00:00+01:00";

/// Written down in `ferrapi::types::datetime` ("What differs").
const YEAR_ZERO_REASON: &str = "DateTime<Utc> accepts an aware datetime whose UTC value falls \
    in year 0 (0000-12-31T23:00:00Z); Python's datetime cannot hold it, so the reference app's \
    conversion to UTC raises OverflowError, a 500";

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn enc(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// JSON values other than strings, in a body field and embedded.
const JSON_VALUES: &[&str] = &[
    "1577836800",
    "1577836800.5",
    "1577836800123",
    "-1",
    "0",
    "3600",
    "86400",
    "0.5",
    "253402300800000",
    "true",
    "false",
    "null",
    "[]",
    "{}",
];

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for (kind, valid) in KINDS {
        for text in TEXTS {
            let e = enc(text);
            let mut these = Vec::new();
            if !text.is_empty() {
                these.push(get(&format!("/{kind}/path/{e}")));
            }
            these.push(get(&format!("/{kind}/query?value={e}")));
            these.push(get(&format!(
                "/{kind}/query-list?value={}&value={e}",
                enc(valid)
            )));
            // Header and cookie values are ASCII, without the whitespace HTTP trims.
            if text.is_ascii() && text.trim() == *text {
                these.push(get(&format!("/{kind}/header")).header("x-value", text));
                these.push(
                    get(&format!("/{kind}/cookie")).header("cookie", &format!("value={text}")),
                );
            }
            these.push(post(&format!("/{kind}/form")).form(&[("value", &e)]));
            these.push(post(&format!("/{kind}/form")).multipart(&[("value", text)], &[]));
            let quoted = serde_json::to_string(text).unwrap();
            these.push(
                post(&format!("/{kind}/body"))
                    .json(&format!(r#"{{"at": {quoted}, "maybe": {quoted}}}"#)),
            );
            these.push(post(&format!("/{kind}/embed")).json(&format!(r#"{{"value": {quoted}}}"#)));
            these.push(get(&format!("/{kind}/response?value={e}")));
            if kind == "utc" && *text == YEAR_ZERO_IN_UTC {
                these = these
                    .into_iter()
                    .map(|c| c.differs(YEAR_ZERO_REASON))
                    .collect();
            }
            cases.extend(these);
        }
        for value in JSON_VALUES {
            cases.push(
                post(&format!("/{kind}/body"))
                    .json(&format!(r#"{{"at": {value}, "maybe": {value}}}"#)),
            );
            cases.push(post(&format!("/{kind}/embed")).json(&format!(r#"{{"value": {value}}}"#)));
        }
        cases.push(get(&format!("/{kind}/query")));
        cases.push(get(&format!("/{kind}/query-list")));
        cases.push(get(&format!("/{kind}/header")));
        cases.push(post(&format!("/{kind}/form")).form(&[]));
        cases.push(post(&format!("/{kind}/body")).json(r#"{"maybe": null}"#));
    }
    cases
}

#[test]
fn dates_times_and_durations_answer_as_fastapi() {
    assert_same("types_datetime", app(), cases());
}

#[test]
fn datetime_document_is_fastapis() {
    assert_same_openapi("types_datetime", app().openapi());
}
