//! Decimals, URLs, e-mail addresses and IP addresses (`ferrapi::types`): validation, errors,
//! serialisation and schemas, against pydantic 2.13's answers recorded in
//! `tests/py/strnum_corpus.json` (`tests/py/strnum_cases.py` regenerates it). Run with
//! `--features rust_decimal,url,email` for every family; the IP tests need none.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ferrapi::types::ip::to_python_string as ip_str;
use ferrapi::validation::schema::{apply_constraints, Context};
use ferrapi::validation::{Constraints, SchemaGenerator, Validate, Validator};
use serde_json::{json, Value};

/// The recorded cases of one pydantic type: `(input, Ok(dumped) | Err(errors))`.
fn corpus(type_name: &str) -> Vec<(Value, Result<Value, Value>)> {
    let all: Vec<Value> =
        serde_json::from_str(include_str!("py/strnum_corpus.json")).expect("the corpus is JSON");
    let cases: Vec<_> = all
        .into_iter()
        .filter(|c| c["type"] == type_name)
        .map(|c| {
            let outcome = match c.get("ok") {
                Some(ok) => Ok(ok.clone()),
                None => Err(c["errors"].clone()),
            };
            (c["input"].clone(), outcome)
        })
        .collect();
    assert!(!cases.is_empty(), "no recorded case for {type_name}");
    cases
}

/// Validates every recorded input as `T` with `c`, from its JSON value and (for strings)
/// from its text, and compares with pydantic: the errors exactly, the value through `show`
/// (its JSON-mode serialisation), `same` deciding equality (a documented difference).
fn replay<T: Validate>(
    type_name: &str,
    c: &Constraints,
    show: impl Fn(&T) -> Value,
    same: impl Fn(&Value, &Value) -> bool,
) -> usize {
    let mut checked = 0;
    for (input, expected) in corpus(type_name) {
        let mut runs = vec![{
            let mut v = Validator::new();
            let out = c.validate::<T>(&input, &mut v);
            (out, v)
        }];
        if let Value::String(text) = &input {
            let mut v = Validator::new();
            let out = c.validate_str::<T>(text, &mut v);
            runs.push((out, v));
        }
        for (out, v) in runs {
            let errors = serde_json::to_value(v.into_errors()).unwrap();
            match (&expected, out) {
                (Ok(dumped), Some(value)) => {
                    let ours = show(&value);
                    assert!(
                        same(dumped, &ours),
                        "{type_name} {input}: pydantic {dumped}, ferrapi {ours}"
                    );
                }
                (Err(theirs), None) => {
                    assert_eq!(theirs, &errors, "{type_name} {input}");
                }
                (Ok(dumped), None) => {
                    panic!("{type_name} {input}: pydantic accepts ({dumped}), ferrapi refuses: {errors}")
                }
                (Err(theirs), Some(value)) => panic!(
                    "{type_name} {input}: pydantic refuses ({theirs}), ferrapi accepts: {}",
                    show(&value)
                ),
            }
            checked += 1;
        }
    }
    checked
}

fn schema<T: Validate>(c: &Constraints, context: Context) -> Value {
    let mut g = SchemaGenerator::new();
    let mut s = T::json_schema(&mut g);
    apply_constraints(&mut s, c, context);
    s
}

fn equal(a: &Value, b: &Value) -> bool {
    a == b
}

#[test]
fn ip_addresses_validate_as_pydantic() {
    let none = Constraints::new();
    let n = replay::<IpAddr>("IPvAnyAddress", &none, |a| json!(ip_str(a)), equal)
        + replay::<Ipv4Addr>("IPv4Address", &none, |a| json!(a.to_string()), equal)
        + replay::<Ipv6Addr>(
            "IPv6Address",
            &none,
            |a| json!(ip_str(&IpAddr::V6(*a))),
            equal,
        );
    assert!(n > 50, "{n} cases");
}

#[test]
fn ip_addresses_serialise_and_document_as_pydantic() {
    #[derive(serde::Serialize)]
    struct Host {
        #[serde(with = "ferrapi::types::ip::as_python_str")]
        any: IpAddr,
        #[serde(with = "ferrapi::types::ip::as_python_str")]
        v6: Ipv6Addr,
        v4: Ipv4Addr,
    }
    let host = Host {
        any: "::ffff:1.2.3.4".parse().unwrap(),
        v6: "2001:db8:0:0:1:0:0:1".parse().unwrap(),
        v4: Ipv4Addr::new(10, 0, 0, 1),
    };
    assert_eq!(
        serde_json::to_string(&host).unwrap(),
        r#"{"any":"::ffff:102:304","v6":"2001:db8::1:0:0:1","v4":"10.0.0.1"}"#
    );
    let none = Constraints::new();
    assert_eq!(
        schema::<IpAddr>(&none, Context::Body),
        json!({"type": "string", "format": "ipvanyaddress"})
    );
    assert_eq!(
        schema::<Ipv4Addr>(&none, Context::Body),
        json!({"type": "string", "format": "ipv4"})
    );
    assert_eq!(
        schema::<Ipv6Addr>(&none, Context::Body),
        json!({"type": "string", "format": "ipv6"})
    );
}

#[cfg(feature = "rust_decimal")]
mod decimal {
    use super::*;
    use ferrapi::types::decimal::{as_python_str, to_jsonable, to_python_string};
    use rust_decimal::Decimal;

    /// pydantic keeps a positive exponent (`"1E+3"`), rust_decimal cannot: equal in value.
    fn same_value(theirs: &Value, ours: &Value) -> bool {
        match (theirs.as_str(), ours.as_str()) {
            (Some(t), Some(o)) if t.contains("E+") => {
                Decimal::from_scientific(t).ok() == o.parse::<Decimal>().ok()
            }
            _ => theirs == ours,
        }
    }

    #[test]
    fn decimals_validate_as_pydantic() {
        let show = |d: &Decimal| json!(to_python_string(d));
        let cases = [
            ("Decimal", Constraints::new()),
            (
                "Decimal(max_digits=4,decimal_places=2)",
                Constraints::new().max_digits(4).decimal_places(2),
            ),
            ("Decimal(max_digits=3)", Constraints::new().max_digits(3)),
            (
                "Decimal(decimal_places=1)",
                Constraints::new().decimal_places(1),
            ),
            ("Decimal(gt=1,le=100)", Constraints::new().gt(1).le(100)),
            ("Decimal(ge=1.5,lt=2.5)", Constraints::new().ge(1.5).lt(2.5)),
            (
                "Decimal(multiple_of=0.25)",
                Constraints::new().multiple_of(0.25),
            ),
        ];
        let mut n = 0;
        for (name, c) in cases {
            n += replay::<Decimal>(name, &c, show, same_value);
        }
        assert!(n > 300, "{n} cases");
    }

    #[test]
    fn decimals_serialise_as_pydantic() {
        for (text, python, jsonable) in [
            ("1.50", "1.50", json!(1.5)),
            ("1E-7", "1E-7", json!(1e-7)),
            ("0.000001", "0.000001", json!(1e-6)),
            ("0E-5", "0.00000", json!(0.0)),
            ("-0", "-0", json!(0)),
            ("1000", "1000", json!(1000)),
            ("-12.300", "-12.300", json!(-12.3)),
            (
                "79228162514264337593543950335",
                "79228162514264337593543950335",
                json!(7.922816251426434e28),
            ),
        ] {
            let mut v = Validator::new();
            let d = Decimal::validate_str(text, &mut v).unwrap();
            assert_eq!(to_python_string(&d), python, "{text}");
            assert_eq!(to_jsonable(&d), jsonable, "{text}");
        }
        #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
        struct Priced {
            #[serde(with = "as_python_str")]
            price: Decimal,
            #[serde(with = "as_python_str::option")]
            discount: Option<Decimal>,
        }
        let priced = Priced {
            price: Decimal::new(1, 7),
            discount: None,
        };
        let text = serde_json::to_string(&priced).unwrap();
        assert_eq!(text, r#"{"price":"1E-7","discount":null}"#);
        assert_eq!(serde_json::from_str::<Priced>(&text).unwrap(), priced);
        let read: Priced = serde_json::from_str(r#"{"price":1.5,"discount":"2.50"}"#).unwrap();
        assert_eq!(read.discount.unwrap().to_string(), "2.50");
    }

    #[test]
    fn decimal_schema_is_pydantics() {
        let base = r"^(?!^[-+.]*$)[+-]?0*";
        assert_eq!(
            schema::<Decimal>(&Constraints::new(), Context::Body),
            json!({"anyOf": [{"type": "number"}, {"type": "string", "pattern": format!(r"{base}\d*\.?\d*$")}]})
        );
        // Bounds on the number branch as floats (in parameters too), digits in the pattern.
        assert_eq!(
            schema::<Decimal>(
                &Constraints::new().gt(1).max_digits(4).decimal_places(2),
                Context::Parameter
            ),
            json!({"anyOf": [
                {"type": "number", "exclusiveMinimum": 1.0},
                {"type": "string", "pattern": format!(r"{base}(?:\d{{0,2}}|(?=[\d.]{{1,5}}0*$)\d{{0,2}}\.\d{{0,2}}0*$)")}
            ]})
        );
        assert_eq!(
            schema::<Decimal>(&Constraints::new().max_digits(3), Context::Body)["anyOf"][1]
                ["pattern"],
            json!(format!(
                r"{base}(?:\d{{0,3}}|(?=[\d.]{{1,4}}0*$)\d*\.\d*0*$)"
            ))
        );
        assert_eq!(
            schema::<Decimal>(&Constraints::new().decimal_places(1), Context::Body)["anyOf"][1]
                ["pattern"],
            json!(format!(r"{base}\d*\.?\d{{0,1}}0*$"))
        );
        // In an optional value (`null` flattened into the union, as pydantic writes
        // `Optional[Decimal]`): the number branch, not the null one.
        let optional = schema::<Option<Decimal>>(&Constraints::new().le(5), Context::Body);
        assert_eq!(optional["anyOf"][0]["maximum"], json!(5.0));
        assert_eq!(optional["anyOf"][2], json!({"type": "null"}));
    }

    #[test]
    fn digit_constraints_apply_to_decimals_only() {
        let c = Constraints::new().max_digits(3);
        assert!(c.applies_to::<Decimal>().is_ok());
        assert!(c.applies_to::<Option<Decimal>>().is_ok());
        assert_eq!(
            c.applies_to::<f64>().unwrap_err().to_string(),
            "Unable to apply constraint 'max_digits' to a float"
        );
        assert!(Constraints::new()
            .gt(0)
            .multiple_of(0.5)
            .applies_to::<Decimal>()
            .is_ok());
        assert!(Constraints::new()
            .decimal_places(2)
            .applies_to::<String>()
            .is_err());
        assert!(!Constraints::new().decimal_places(2).is_empty());
    }
}

#[cfg(feature = "url")]
mod urls {
    use super::*;
    use ferrapi::types::HttpUrl;
    use url::Url;

    #[test]
    fn urls_validate_as_pydantic() {
        let none = Constraints::new();
        let n = replay::<Url>("AnyUrl", &none, |u| json!(u.as_str()), equal)
            + replay::<HttpUrl>("HttpUrl", &none, |u| json!(u), equal);
        assert!(n > 40, "{n} cases");
    }

    #[test]
    fn http_urls_parse_serialise_and_document_as_pydantic() {
        let url: HttpUrl = "http://EXAMPLE.com".parse().unwrap();
        assert_eq!(url.to_string(), "http://example.com/");
        assert_eq!(
            serde_json::to_string(&url).unwrap(),
            r#""http://example.com/""#
        );
        assert_eq!(url.host_str(), Some("example.com"));
        assert_eq!(
            "ftp://x.com".parse::<HttpUrl>().unwrap_err().to_string(),
            "URL scheme should be 'http' or 'https'"
        );
        assert_eq!(
            "".parse::<HttpUrl>().unwrap_err().to_string(),
            "Input should be a valid URL, input is empty"
        );
        let none = Constraints::new();
        assert_eq!(
            schema::<Url>(&none, Context::Body),
            json!({"type": "string", "format": "uri", "minLength": 1})
        );
        assert_eq!(
            schema::<HttpUrl>(&none, Context::Body),
            json!({"type": "string", "format": "uri", "minLength": 1, "maxLength": 2083})
        );
    }
}

#[cfg(feature = "email")]
mod email {
    use super::*;
    use ferrapi::types::{EmailStr, NameEmail};

    #[test]
    fn emails_validate_as_pydantic() {
        let none = Constraints::new();
        let n = replay::<EmailStr>("EmailStr", &none, |e| json!(e), equal)
            + replay::<NameEmail>("NameEmail", &none, |e| json!(e.to_string()), equal);
        assert!(n > 60, "{n} cases");
    }

    #[test]
    fn emails_serialise_and_document_as_pydantic() {
        let who = NameEmail::parse("\"a@b\" <JD@Example.com>").unwrap();
        assert_eq!(who.name, "a@b");
        assert_eq!(
            serde_json::to_string(&who).unwrap(),
            r#""\"a@b\" <JD@example.com>""#
        );
        let email = EmailStr::parse(" Postmaster@EXAMPLE.com ").unwrap();
        assert_eq!(
            serde_json::to_string(&email).unwrap(),
            r#""postmaster@example.com""#
        );
        let none = Constraints::new();
        assert_eq!(
            schema::<EmailStr>(&none, Context::Body),
            json!({"type": "string", "format": "email"})
        );
        assert_eq!(
            schema::<NameEmail>(&none, Context::Body),
            json!({"type": "string", "format": "name-email"})
        );
    }
}
