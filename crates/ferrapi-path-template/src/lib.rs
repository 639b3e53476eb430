//! The syntax of ferrapi's path templates: literal text with `{name}` or `{name:convertor}`
//! parameters, as Starlette's `compile_path` reads them.
//!
//! One parser for the two places that read a template: the toolkit's router (which compiles
//! it into a matcher) and the route macros (which check it at compile time, so that an
//! unknown convertor is a compile error, not a panic when the route is added). No
//! dependencies, so the macros pay nothing for it.
//!
//! ```
//! use ferrapi_path_template::{parse, Piece};
//!
//! let pieces = parse("/items/{item_id:int}").unwrap();
//! assert_eq!(pieces, [Piece::Literal("/items/"), Piece::Param { name: "item_id", convertor: "int" }]);
//! assert_eq!(parse("/files/{name:blob}").unwrap_err().to_string(), "Unknown path convertor 'blob'");
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

use std::fmt;

/// The convertors a parameter may name (Starlette's `CONVERTOR_TYPES`); `str` when none is
/// named.
pub const CONVERTORS: &[&str] = &["str", "path", "int", "float", "uuid"];

/// One piece of a template.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text, matched as it is.
    Literal(&'a str),
    /// A parameter and the name of its convertor (one of [`CONVERTORS`]).
    Param {
        /// The parameter's name.
        name: &'a str,
        /// Its convertor's name.
        convertor: &'a str,
    },
}

/// A template that cannot be compiled; the message is Starlette's where it has one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError(String);

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for TemplateError {}

/// Splits a template into pieces. Unknown convertors, unclosed braces, bad parameter names and
/// duplicate names are errors (Starlette raises `ValueError` / `AssertionError`).
pub fn parse(template: &str) -> Result<Vec<Piece<'_>>, TemplateError> {
    let mut pieces = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err(TemplateError(format!("unclosed '{{' in path {template:?}")));
        };
        let inner = &rest[open + 1..close];
        let (name, convertor) = inner.split_once(':').unwrap_or((inner, "str"));
        let valid_name = name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid_name {
            return Err(TemplateError(format!(
                "invalid parameter name {name:?} in path {template:?}"
            )));
        }
        if !CONVERTORS.contains(&convertor) {
            return Err(TemplateError(format!(
                "Unknown path convertor '{convertor}'"
            )));
        }
        let duplicate = pieces
            .iter()
            .any(|p| matches!(p, Piece::Param { name: n, .. } if *n == name));
        if duplicate {
            return Err(TemplateError(format!(
                "Duplicated param name {name} at path {template}"
            )));
        }
        if open > 0 {
            pieces.push(Piece::Literal(&rest[..open]));
        }
        pieces.push(Piece::Param { name, convertor });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Literal(rest));
    }
    Ok(pieces)
}

/// The parameter names of a template, in order.
pub fn param_names(template: &str) -> Result<Vec<&str>, TemplateError> {
    Ok(parse(template)?
        .into_iter()
        .filter_map(|p| match p {
            Piece::Param { name, .. } => Some(name),
            Piece::Literal(_) => None,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_and_errors() {
        assert_eq!(
            parse("/a/{x}/b{y:path}").unwrap(),
            [
                Piece::Literal("/a/"),
                Piece::Param {
                    name: "x",
                    convertor: "str"
                },
                Piece::Literal("/b"),
                Piece::Param {
                    name: "y",
                    convertor: "path"
                },
            ]
        );
        assert_eq!(parse("/").unwrap(), [Piece::Literal("/")]);
        assert!(parse("/{x")
            .unwrap_err()
            .to_string()
            .starts_with("unclosed"));
        assert!(parse("/{1x}")
            .unwrap_err()
            .to_string()
            .starts_with("invalid parameter name"));
        assert_eq!(
            parse("/{x}/{x}").unwrap_err().to_string(),
            "Duplicated param name x at path /{x}/{x}"
        );
        assert_eq!(param_names("/{a}/{b:int}").unwrap(), ["a", "b"]);
    }
}
