//! Path templates and their convertors: Starlette's `compile_path` and `convertors.py`.
//!
//! A template is literal text with `{name}` or `{name:convertor}` parameters. The convertors
//! and what they match are Starlette's:
//!
//! | convertor | matches | Starlette regex |
//! |---|---|---|
//! | `str` (default) | one or more characters except `/` | `[^/]+` |
//! | `path` | anything, `/` included, possibly empty | `.*` |
//! | `int` | one or more ASCII digits (no sign) | `[0-9]+` |
//! | `float` | digits, optionally `.` and digits | `[0-9]+(\.[0-9]+)?` |
//! | `uuid` | a lowercase or uppercase 8-4-4-4-12 hex UUID | `[0-9a-fA-F]{8}-…` |
//!
//! Matching is a full match with backtracking, like the compiled regex, but without building
//! one: a template is a list of literal and parameter pieces, and each parameter tries the
//! longest run its convertor accepts first.

use std::fmt;
use std::sync::Arc;

use crate::datastructures::PathParams;

/// A path parameter convertor.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Convertor {
    /// `[^/]+`
    Str,
    /// `.*`
    Path,
    /// `[0-9]+`
    Int,
    /// `[0-9]+(\.[0-9]+)?`
    Float,
    /// `[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`
    Uuid,
}

impl Convertor {
    fn parse(name: &str) -> Option<Convertor> {
        Some(match name {
            "str" => Convertor::Str,
            "path" => Convertor::Path,
            "int" => Convertor::Int,
            "float" => Convertor::Float,
            "uuid" => Convertor::Uuid,
            _ => return None,
        })
    }

    /// The ends (exclusive, relative to `s`) this convertor can match at, longest first.
    fn ends(self, s: &str) -> Ends {
        let bytes = s.as_bytes();
        match self {
            Convertor::Str => {
                let run = bytes.iter().position(|&b| b == b'/').unwrap_or(bytes.len());
                Ends::range(1, run)
            }
            Convertor::Path => Ends::range(0, bytes.len()),
            Convertor::Int => {
                let run = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                Ends::range(1, run)
            }
            Convertor::Float => {
                let int = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
                if int == 0 {
                    return Ends::none();
                }
                let frac = if bytes.get(int) == Some(&b'.') {
                    bytes[int + 1..]
                        .iter()
                        .take_while(|b| b.is_ascii_digit())
                        .count()
                } else {
                    0
                };
                // `[0-9]+(\.[0-9]+)?`: any integer prefix, or the integer and 1..=frac digits.
                Ends::float(int, frac)
            }
            Convertor::Uuid => {
                if bytes.len() >= 36 && is_uuid(&bytes[..36]) {
                    Ends::range(36, 36)
                } else {
                    Ends::none()
                }
            }
        }
    }

    /// Whether `value` is a whole match, for reverse routing.
    fn accepts(self, value: &str) -> bool {
        self.ends(value).any(|end| end == value.len())
    }
}

fn is_uuid(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().all(|(i, b)| match i {
        8 | 13 | 18 | 23 => *b == b'-',
        _ => b.is_ascii_hexdigit(),
    })
}

/// The candidate ends of one parameter, longest first.
struct Ends {
    /// Integer-part ends, descending, from `hi` to `lo` inclusive.
    hi: usize,
    lo: usize,
    /// For floats: fractional ends `int + 1 + k` for k in (1..=frac) tried before the integer
    /// ends.
    int: usize,
    frac: usize,
    done: bool,
}

impl Ends {
    fn range(lo: usize, hi: usize) -> Ends {
        Ends {
            hi,
            lo,
            int: 0,
            frac: 0,
            done: hi < lo,
        }
    }

    fn none() -> Ends {
        Ends {
            hi: 0,
            lo: 1,
            int: 0,
            frac: 0,
            done: true,
        }
    }

    fn float(int: usize, frac: usize) -> Ends {
        Ends {
            hi: int,
            lo: 1,
            int,
            frac,
            done: false,
        }
    }
}

impl Iterator for Ends {
    type Item = usize;

    fn next(&mut self) -> Option<usize> {
        if self.frac > 0 {
            let end = self.int + 1 + self.frac;
            self.frac -= 1;
            return Some(end);
        }
        if self.done {
            return None;
        }
        let end = self.hi;
        if self.hi == self.lo {
            self.done = true;
        } else {
            self.hi -= 1;
        }
        Some(end)
    }
}

/// One segment of a template, as the route index sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IndexSegment<'a> {
    /// A literal segment.
    Literal(&'a str),
    /// A segment that is one parameter (one or more characters, no `/`).
    Param,
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Literal(Box<str>),
    Param {
        name: Arc<str>,
        convertor: Convertor,
    },
}

/// A compiled path (or host) template.
#[derive(Clone, PartialEq, Eq)]
pub struct PathPattern {
    template: Box<str>,
    pieces: Vec<Piece>,
}

impl fmt::Debug for PathPattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("PathPattern").field(&self.template).finish()
    }
}

/// A template that cannot be compiled.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub(crate) String);

impl fmt::Display for PatternError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PatternError {}

impl PathPattern {
    /// Compiles a template. Unknown convertors, unclosed braces, bad parameter names and
    /// duplicate names are errors (Starlette raises `ValueError` / `AssertionError`).
    pub fn parse(template: &str) -> Result<PathPattern, PatternError> {
        // The syntax is `ferrapi-path-template`'s, shared with the route macros (which check
        // a template at compile time).
        let parsed =
            ferrapi_path_template::parse(template).map_err(|e| PatternError(e.to_string()))?;
        let pieces = parsed
            .into_iter()
            .map(|piece| match piece {
                ferrapi_path_template::Piece::Literal(text) => Ok(Piece::Literal(text.into())),
                ferrapi_path_template::Piece::Param { name, convertor } => {
                    match Convertor::parse(convertor) {
                        Some(convertor) => Ok(Piece::Param {
                            name: name.into(),
                            convertor,
                        }),
                        None => Err(PatternError(format!(
                            "Unknown path convertor '{convertor}'"
                        ))),
                    }
                }
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PathPattern {
            template: template.into(),
            pieces,
        })
    }

    /// The template as written.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The parameter names, in order.
    pub fn param_names(&self) -> impl Iterator<Item = &str> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param { name, .. } => Some(&**name),
            Piece::Literal(_) => None,
        })
    }

    /// The parameters with their convertors, in order.
    pub fn params(&self) -> impl Iterator<Item = (&str, Convertor)> {
        self.pieces.iter().filter_map(|p| match p {
            Piece::Param { name, convertor } => Some((&**name, *convertor)),
            Piece::Literal(_) => None,
        })
    }

    /// The leading path segments of the template that the route index can file it under:
    /// literal segments and segments that are exactly one parameter matching within a
    /// segment (any convertor but `path`). Stops at the first other segment.
    pub(crate) fn index_segments(&self) -> Vec<IndexSegment<'_>> {
        let mut out = Vec::new();
        for component in self.template.split('/').skip(1) {
            if !component.contains('{') {
                out.push(IndexSegment::Literal(component));
                continue;
            }
            let whole_param = component.starts_with('{')
                && component.ends_with('}')
                && component[1..].find('}') == Some(component.len() - 2);
            if whole_param && !component.ends_with(":path}") {
                out.push(IndexSegment::Param);
                continue;
            }
            break;
        }
        out
    }

    /// Whether `path` matches the whole template; on a match, the parameters are appended to
    /// `params` when given.
    pub fn is_match(&self, path: &str, params: Option<&mut PathParams>) -> bool {
        match params {
            None => match_from(&self.pieces, path, &mut None),
            Some(params) => {
                let before = params.len();
                if match_from(&self.pieces, path, &mut Some(&mut *params)) {
                    // Captured innermost first.
                    params.reverse_from(before);
                    true
                } else {
                    params.truncate(before);
                    false
                }
            }
        }
    }

    /// Matches `path` as a mount prefix (the template followed by `/` and anything): returns
    /// the byte offset of the `/` where the rest starts. The template must not end in `/`.
    pub(crate) fn match_prefix(
        &self,
        path: &str,
        params: Option<&mut PathParams>,
    ) -> Option<usize> {
        // Try the shortest prefix that leaves a `/`-started rest and matches; parameters in a
        // mount template are whole segments in practice, so the first `/` boundary that works
        // is the one the `…/{path:path}` regex would pick with `[^/]+` parameters.
        let mut params = params;
        for (at, _) in path.match_indices('/') {
            if self.is_match(&path[..at], params.as_deref_mut()) {
                return Some(at);
            }
            if self.pieces.is_empty() {
                break;
            }
        }
        None
    }

    /// Fills the template with `params` (reverse routing). `None` if a name is missing or a
    /// value does not fit its convertor.
    pub fn expand(&self, params: &[(&str, &str)]) -> Option<String> {
        let mut out = String::with_capacity(self.template.len());
        for piece in &self.pieces {
            match piece {
                Piece::Literal(l) => out.push_str(l),
                Piece::Param { name, convertor } => {
                    let value = params.iter().find(|(k, _)| k == &&**name)?.1;
                    if !convertor.accepts(value) {
                        return None;
                    }
                    out.push_str(value);
                }
            }
        }
        Some(out)
    }
}

/// Backtracking full match. Captured parameters are pushed in reverse order on success.
fn match_from(pieces: &[Piece], s: &str, found: &mut Option<&mut PathParams>) -> bool {
    let Some((first, rest)) = pieces.split_first() else {
        return s.is_empty();
    };
    match first {
        Piece::Literal(l) => match s.strip_prefix(&**l) {
            Some(tail) => match_from(rest, tail, found),
            None => false,
        },
        Piece::Param { name, convertor } => {
            for end in convertor.ends(s) {
                if !s.is_char_boundary(end) {
                    continue;
                }
                if match_from(rest, &s[end..], found) {
                    if let Some(found) = found.as_deref_mut() {
                        found.push(name.clone(), s[..end].to_string());
                    }
                    return true;
                }
            }
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(template: &str, path: &str) -> Option<Vec<(String, String)>> {
        let p = PathPattern::parse(template).unwrap();
        let mut params = PathParams::new();
        p.is_match(path, Some(&mut params))
            .then(|| params.iter().map(|(k, v)| (k.into(), v.into())).collect())
    }

    #[test]
    fn convertors_match_like_starlette() {
        assert!(m("/items/{id:int}", "/items/42").is_some());
        assert!(m("/items/{id:int}", "/items/-1").is_none());
        assert!(m("/items/{id:int}", "/items/").is_none());
        assert!(m("/f/{x:float}", "/f/3.25").is_some());
        assert!(m("/f/{x:float}", "/f/3").is_some());
        assert!(m("/f/{x:float}", "/f/3.").is_none());
        assert!(m("/f/{x:float}.json", "/f/3.5.json").is_some());
        assert!(m("/f/{x:float}.json", "/f/3.json").is_some());
        assert!(m("/u/{id:uuid}", "/u/123e4567-e89b-12d3-a456-426614174000").is_some());
        assert!(m("/u/{id:uuid}", "/u/123e4567-e89b-12d3-a456-42661417400").is_none());
        assert!(m("/s/{name}", "/s/a/b").is_none());
        assert!(m("/s/{name}", "/s/").is_none());
        assert_eq!(
            m("/p/{rest:path}", "/p/a/b/c"),
            Some(vec![("rest".into(), "a/b/c".into())])
        );
        assert_eq!(
            m("/p/{rest:path}", "/p/"),
            Some(vec![("rest".into(), "".into())])
        );
        assert_eq!(
            m("/p/{rest:path}/edit", "/p/a/b/edit"),
            Some(vec![("rest".into(), "a/b".into())])
        );
        assert_eq!(
            m("/{a}-{b}", "/x-y-z"),
            Some(vec![("a".into(), "x-y".into()), ("b".into(), "z".into())])
        );
    }

    #[test]
    fn bad_templates_are_errors() {
        assert!(PathPattern::parse("/x/{id:nope}").is_err());
        assert!(PathPattern::parse("/x/{id").is_err());
        assert!(PathPattern::parse("/x/{id}/{id}").is_err());
        assert!(PathPattern::parse("/x/{1d}").is_err());
    }

    #[test]
    fn index_segments() {
        use IndexSegment::{Literal as L, Param as P};
        let segs = |t: &str| {
            PathPattern::parse(t)
                .unwrap()
                .index_segments()
                .into_iter()
                .map(|s| match s {
                    L(l) => l.to_string(),
                    P => "{}".to_string(),
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(segs("/users/me"), ["users", "me"]);
        assert_eq!(segs("/items/{id}"), ["items", "{}"]);
        assert_eq!(segs("/{tenant}/r1/{id:int}"), ["{}", "r1", "{}"]);
        assert_eq!(segs("/r{i}/x"), Vec::<String>::new());
        assert_eq!(segs("/files/{p:path}"), ["files"]);
        assert_eq!(segs("/"), [""]);
        assert_eq!(segs(""), Vec::<String>::new());
    }

    #[test]
    fn expand_checks_convertors() {
        let p = PathPattern::parse("/u/{id:int}").unwrap();
        assert_eq!(p.expand(&[("id", "3")]).as_deref(), Some("/u/3"));
        assert_eq!(p.expand(&[("id", "x")]), None);
        assert_eq!(p.expand(&[]), None);
    }

    #[test]
    fn mount_prefix() {
        let p = PathPattern::parse("/api").unwrap();
        assert_eq!(p.match_prefix("/api/u/7", None), Some(4));
        assert_eq!(p.match_prefix("/api", None), None);
        assert_eq!(p.match_prefix("/apix/", None), None);
        let p = PathPattern::parse("/users/{uid}").unwrap();
        let mut params = PathParams::new();
        assert_eq!(p.match_prefix("/users/9/posts", Some(&mut params)), Some(8));
        assert_eq!(params.get("uid"), Some("9"));
        let root = PathPattern::parse("").unwrap();
        assert_eq!(root.match_prefix("/anything", None), Some(0));
    }
}
