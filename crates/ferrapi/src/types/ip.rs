//! `std::net::IpAddr`, `Ipv4Addr` and `Ipv6Addr` as pydantic's `IPvAnyAddress`,
//! `IPv4Address` and `IPv6Address` (no feature: the types are std's).
//!
//! # Reproduced
//!
//! * **Strings** are parsed as Python's `ipaddress` parses them, which for addresses without
//!   a zone agrees with std's parsers: dotted quads without leading zeros (`"01.2.3.4"` is
//!   refused), every IPv6 form including `::` and an embedded IPv4 tail; nothing is trimmed.
//! * **JSON integers** are addresses, as pydantic reads Python integers: `0..=2^32-1` for
//!   `Ipv4Addr`; `0..=2^128-1` for `Ipv6Addr`; for `IpAddr` an IPv4 address below 2^32, else
//!   IPv6. `true`/`false` are 1/0 (Python's `bool` is an `int`). Floats, negatives and other
//!   JSON values are refused. Text integers (`?ip=16909060`) are refused, as in pydantic.
//! * Errors: `ip_any_address` (`value is not a valid IPv4 or IPv6 address`),
//!   `ip_v4_address` (`Input is not a valid IPv4 address`), `ip_v6_address` (`Input is not a
//!   valid IPv6 address`), no `ctx`.
//! * **Schema**: `{"type": "string", "format": "ipvanyaddress" | "ipv4" | "ipv6"}`.
//! * **Serialisation**: a string. An `Ipv4Addr` as std writes it. An IPv6 address as
//!   Python's `str()` writes it, which differs from std's `Display` for IPv4-mapped addresses
//!   (Python `::ffff:102:304`, std `::ffff:1.2.3.4`): use [`as_python_str`]
//!   (`#[serde(with = "ferrapi::types::ip::as_python_str")]`) on an `Ipv6Addr` or `IpAddr`
//!   field; [`to_python_string`] gives the text.
//!
//! # Differs
//!
//! * An IPv6 zone (`"fe80::1%eth0"`) is accepted by Python (kept in the value) and refused
//!   here: std's `Ipv6Addr` has no zone.
//! * Integers beyond `u64` cannot arrive in a JSON body (`serde_json` reads them as floats),
//!   so large IPv6 addresses cannot be given as integers.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde_json::{json, Value};

use crate::validation::{text_input, SchemaGenerator, Validate, Validator};

/// A JSON integer (or boolean) as an unsigned number, as Python's `int` sees it.
fn integer(input: &Value) -> Option<u128> {
    match input {
        Value::Bool(b) => Some(u128::from(*b)),
        Value::Number(n) => n.as_u64().map(u128::from),
        _ => None,
    }
}

fn v4_error(v: &mut Validator, input: Value) {
    v.error(
        "ip_v4_address",
        "Input is not a valid IPv4 address",
        input,
        None,
    );
}

fn v6_error(v: &mut Validator, input: Value) {
    v.error(
        "ip_v6_address",
        "Input is not a valid IPv6 address",
        input,
        None,
    );
}

fn any_error(v: &mut Validator, input: Value) {
    v.error(
        "ip_any_address",
        "value is not a valid IPv4 or IPv6 address",
        input,
        None,
    );
}

#[diagnostic::do_not_recommend]
impl Validate for Ipv4Addr {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "ipv4"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Ipv4Addr> {
        let parsed = match input {
            Value::String(text) => text.parse().ok(),
            _ => integer(input)
                .and_then(|n| u32::try_from(n).ok())
                .map(Ipv4Addr::from),
        };
        if parsed.is_none() {
            v4_error(v, input.clone());
        }
        parsed
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Ipv4Addr> {
        let parsed = input.parse().ok();
        if parsed.is_none() {
            v4_error(v, text_input(input));
        }
        parsed
    }
}

#[diagnostic::do_not_recommend]
impl Validate for Ipv6Addr {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "ipv6"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Ipv6Addr> {
        let parsed = match input {
            Value::String(text) => text.parse().ok(),
            _ => integer(input).map(Ipv6Addr::from),
        };
        if parsed.is_none() {
            v6_error(v, input.clone());
        }
        parsed
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Ipv6Addr> {
        let parsed = input.parse().ok();
        if parsed.is_none() {
            v6_error(v, text_input(input));
        }
        parsed
    }
}

#[diagnostic::do_not_recommend]
impl Validate for IpAddr {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "ipvanyaddress"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<IpAddr> {
        let parsed = match input {
            Value::String(text) => text.parse().ok(),
            _ => integer(input).map(|n| match u32::try_from(n) {
                Ok(n) => IpAddr::V4(Ipv4Addr::from(n)),
                Err(_) => IpAddr::V6(Ipv6Addr::from(n)),
            }),
        };
        if parsed.is_none() {
            any_error(v, input.clone());
        }
        parsed
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<IpAddr> {
        let parsed = input.parse().ok();
        if parsed.is_none() {
            any_error(v, text_input(input));
        }
        parsed
    }
}

/// Python's `str()` of an IPv6 address: lowercase hex groups without leading zeros, the
/// first longest run of two or more zero groups as `::`, never a dotted IPv4 tail.
fn ipv6_python(addr: &Ipv6Addr) -> String {
    let groups = addr.segments();
    let (mut best_start, mut best_len) = (usize::MAX, 0);
    let mut i = 0;
    while i < 8 {
        if groups[i] == 0 {
            let start = i;
            while i < 8 && groups[i] == 0 {
                i += 1;
            }
            if i - start > best_len {
                best_start = start;
                best_len = i - start;
            }
        } else {
            i += 1;
        }
    }
    let hex = |g: &[u16]| -> String {
        g.iter()
            .map(|g| format!("{g:x}"))
            .collect::<Vec<_>>()
            .join(":")
    };
    if best_len < 2 {
        return hex(&groups);
    }
    format!(
        "{}::{}",
        hex(&groups[..best_start]),
        hex(&groups[best_start + best_len..])
    )
}

/// Python's `str()` of an address (what pydantic writes): IPv4 dotted, IPv6 as
/// `ipaddress.IPv6Address.__str__` compresses it (`::ffff:102:304`, not std's
/// `::ffff:1.2.3.4`).
pub fn to_python_string(addr: &IpAddr) -> String {
    match addr {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => ipv6_python(v6),
    }
}

/// `#[serde(with = "ferrapi::types::ip::as_python_str")]` on an `IpAddr`, `Ipv4Addr` or
/// `Ipv6Addr` field: written as Python's `str()` ([`to_python_string`]), read with std's
/// parser.
pub mod as_python_str {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
    use std::str::FromStr;

    use serde::{Deserialize, Deserializer, Serializer};

    /// An address type [`as_python_str`](self) handles.
    pub trait PythonStr: FromStr {
        /// Python's `str()` of the address.
        fn python_str(&self) -> String;
    }

    impl PythonStr for IpAddr {
        fn python_str(&self) -> String {
            super::to_python_string(self)
        }
    }

    impl PythonStr for Ipv4Addr {
        fn python_str(&self) -> String {
            self.to_string()
        }
    }

    impl PythonStr for Ipv6Addr {
        fn python_str(&self) -> String {
            super::ipv6_python(self)
        }
    }

    /// Writes the address as Python's `str()`.
    pub fn serialize<T: PythonStr, S: Serializer>(
        addr: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&addr.python_str())
    }

    /// Reads the address from a string.
    pub fn deserialize<'de, T: PythonStr, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        let text = String::deserialize(deserializer)?;
        T::from_str(&text).map_err(|_| serde::de::Error::custom("invalid IP address"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_as_python_writes_it() {
        for (text, shown) in [
            ("::1", "::1"),
            ("::", "::"),
            ("1::", "1::"),
            ("::FFFF:1.2.3.4", "::ffff:102:304"),
            ("2001:DB8:0:0:0:0:0:1", "2001:db8::1"),
            ("1:0:2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
            ("1:0:0:2:0:0:3:4", "1::2:0:0:3:4"),
            ("::1.2.3.4", "::102:304"),
        ] {
            let addr: Ipv6Addr = text.parse().unwrap();
            assert_eq!(ipv6_python(&addr), shown, "{text}");
        }
    }
}
