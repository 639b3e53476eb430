//! The small value types of requests: Starlette's `datastructures.py` (`URL`, `QueryParams`,
//! `State`, here `AppState`) and its cookie parser.

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, RwLock};

/// Query parameters: an ordered multi-map (Starlette's `QueryParams`). `get` returns the last
/// value for a key, as Starlette's does; [`get_all`](QueryParams::get_all) returns every value.
/// Keys and values are percent-decoded and `+` is a space.
///
/// Parsing allocates nothing for a query of up to four pairs without escapes: the pairs are
/// byte ranges into the request target (a shared, reference-counted handle), kept inline, and
/// only components with escapes are decoded into a buffer. Each allocation avoided saves about
/// 350 instructions per request with glibc's allocator (callgrind).
#[derive(Clone, Debug, Default)]
pub struct QueryParams {
    raw: Option<http::uri::PathAndQuery>,
    decoded: String,
    pairs: Pairs,
}

/// Where one key or value is: in the raw query, or (decoded) in the buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part {
    Raw(u32, u32),
    Decoded(u32, u32),
}

const INLINE_PAIRS: usize = 4;

#[derive(Clone, Debug)]
enum Pairs {
    Inline(usize, [(Part, Part); INLINE_PAIRS]),
    Heap(Vec<(Part, Part)>),
}

impl Default for Pairs {
    fn default() -> Pairs {
        Pairs::Inline(0, [(Part::Raw(0, 0), Part::Raw(0, 0)); INLINE_PAIRS])
    }
}

impl Pairs {
    fn push(&mut self, pair: (Part, Part)) {
        match self {
            Pairs::Inline(len, items) if *len < INLINE_PAIRS => {
                items[*len] = pair;
                *len += 1;
            }
            Pairs::Inline(len, items) => {
                let mut heap = items[..*len].to_vec();
                heap.push(pair);
                *self = Pairs::Heap(heap);
            }
            Pairs::Heap(items) => items.push(pair),
        }
    }

    fn as_slice(&self) -> &[(Part, Part)] {
        match self {
            Pairs::Inline(len, items) => &items[..*len],
            Pairs::Heap(items) => items,
        }
    }
}

/// `s.split_once(byte)` for an ASCII byte, as a plain byte scan. `str::split_once` with a
/// `char` goes through `CharSearcher` and `memchr`, whose setup costs more than the scan itself
/// on the short segments of a path or a query (callgrind: ~100 instructions per call saved).
pub(crate) fn split_once_ascii(s: &str, byte: u8) -> Option<(&str, &str)> {
    debug_assert!(byte.is_ascii());
    let at = s.bytes().position(|b| b == byte)?;
    // An ASCII byte is never inside a multi-byte character: both sides are `str`s.
    Some((&s[..at], &s[at + 1..]))
}

impl PartialEq for QueryParams {
    fn eq(&self, other: &QueryParams) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for QueryParams {}

impl QueryParams {
    /// Parses a query string (without the `?`). Blank values are kept (`?a=&b` gives `a=""`,
    /// `b=""`), as Starlette keeps them.
    pub fn parse(query: &str) -> QueryParams {
        match http::uri::PathAndQuery::try_from(format!("/?{query}")) {
            Ok(pq) => QueryParams::from_target(Some(pq)),
            // Characters a request target cannot hold: decode from an owned copy instead.
            Err(_) => {
                let mut params = QueryParams::default();
                for part in query.split('&').filter(|p| !p.is_empty()) {
                    let (key, value) = part.split_once('=').unwrap_or((part, ""));
                    let key = params.decode(key);
                    let value = params.decode(value);
                    params.pairs.push((key, value));
                }
                params
            }
        }
    }

    /// The query parameters of a request target.
    pub fn from_uri(uri: &http::Uri) -> QueryParams {
        QueryParams::from_target(
            uri.path_and_query()
                .filter(|pq| pq.query().is_some())
                .cloned(),
        )
    }

    fn from_target(raw: Option<http::uri::PathAndQuery>) -> QueryParams {
        let mut params = QueryParams {
            raw,
            ..QueryParams::default()
        };
        let Some(pq) = params.raw.clone() else {
            return params;
        };
        let query = pq.query().unwrap_or("");
        let base = query.as_ptr() as usize;
        // The `application/x-www-form-urlencoded` rules (`+` is a space, `%XX` escapes, invalid
        // UTF-8 replaced), as `form_urlencoded::parse` applies them.
        let mut rest = Some(query);
        while let Some(text) = rest {
            let part;
            (part, rest) = match split_once_ascii(text, b'&') {
                Some((part, next)) => (part, Some(next)),
                None => (text, None),
            };
            if part.is_empty() {
                continue;
            }
            let (key, value) = split_once_ascii(part, b'=').unwrap_or((part, ""));
            let key = params.component(key, base);
            let value = params.component(value, base);
            params.pairs.push((key, value));
        }
        params
    }

    /// A component of the raw query: a range into it, or decoded into the buffer.
    fn component(&mut self, text: &str, base: usize) -> Part {
        if text.is_empty() {
            // Possibly the `""` of a key without `=`, which is not inside the query.
            return Part::Raw(0, 0);
        }
        if text.bytes().any(|b| b == b'%' || b == b'+') {
            return self.decode(text);
        }
        let start = (text.as_ptr() as usize - base) as u32;
        Part::Raw(start, start + text.len() as u32)
    }

    fn decode(&mut self, text: &str) -> Part {
        let start = self.decoded.len() as u32;
        let spaced = text.replace('+', " ");
        self.decoded
            .push_str(&percent_encoding::percent_decode_str(&spaced).decode_utf8_lossy());
        Part::Decoded(start, self.decoded.len() as u32)
    }

    fn text(&self, part: Part) -> &str {
        match part {
            Part::Raw(s, e) => {
                let query = self.raw.as_ref().and_then(|pq| pq.query()).unwrap_or("");
                &query[s as usize..e as usize]
            }
            Part::Decoded(s, e) => &self.decoded[s as usize..e as usize],
        }
    }

    /// The last value for `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().rev().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Every value for `key`, in order.
    pub fn get_all<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter().filter(move |(k, _)| *k == key).map(|(_, v)| v)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.iter().any(|(k, _)| k == key)
    }

    /// All pairs, in order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> {
        self.pairs
            .as_slice()
            .iter()
            .map(|(k, v)| (self.text(*k), self.text(*v)))
    }

    /// Number of pairs.
    pub fn len(&self) -> usize {
        self.pairs.as_slice().len()
    }

    /// Whether there are no pairs.
    pub fn is_empty(&self) -> bool {
        self.pairs.as_slice().is_empty()
    }
}

impl fmt::Display for QueryParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in self.iter() {
            out.append_pair(k, v);
        }
        f.write_str(&out.finish())
    }
}

/// Path parameters captured by the routes that matched, in order (mount parameters first).
/// Values are percent-decoded text that passed the parameter's convertor (`int`, `uuid`…).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PathParams {
    pairs: Vec<(Arc<str>, String)>,
}

impl PathParams {
    /// No parameters.
    pub fn new() -> PathParams {
        PathParams::default()
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| &**k == name)
            .map(|(_, v)| v.as_str())
    }

    /// Parses the value of `name` (`req.path_params().parse::<u32>("id")`).
    pub fn parse<T: std::str::FromStr>(&self, name: &str) -> Option<T> {
        self.get(name)?.parse().ok()
    }

    /// All parameters, in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.pairs.iter().map(|(k, v)| (&**k, v.as_str()))
    }

    /// Number of parameters.
    pub fn len(&self) -> usize {
        self.pairs.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pairs.is_empty()
    }

    pub(crate) fn push(&mut self, name: Arc<str>, value: String) {
        self.pairs.push((name, value));
    }

    pub(crate) fn reverse_from(&mut self, start: usize) {
        self.pairs[start..].reverse();
    }

    pub(crate) fn truncate(&mut self, len: usize) {
        self.pairs.truncate(len);
    }
}

/// A request URL (Starlette's `URL`): scheme, host, port, path and query, rendered absolute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Url {
    scheme: String,
    host: String,
    port: Option<u16>,
    path: String,
    query: Option<String>,
}

impl Url {
    pub(crate) fn new(scheme: &str, authority: &str, path: &str, query: Option<&str>) -> Url {
        let (host, port) = split_authority(authority);
        // The default port is left out, as Starlette leaves it out of `url`.
        let port =
            port.filter(|p| !matches!((scheme, *p), ("http" | "ws", 80) | ("https" | "wss", 443)));
        Url {
            scheme: scheme.to_string(),
            host: host.to_string(),
            port,
            path: path.to_string(),
            query: query.map(str::to_string),
        }
    }

    /// `http`, `https`, `ws` or `wss`.
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// The host name (from the `Host` header, else the server address).
    pub fn hostname(&self) -> &str {
        &self.host
    }

    /// The port, when it is not the scheme's default.
    pub fn port(&self) -> Option<u16> {
        self.port
    }

    /// The path, as sent (percent-encoded).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The query string, without `?`.
    pub fn query(&self) -> Option<&str> {
        self.query.as_deref()
    }

    /// `host[:port]`.
    pub fn netloc(&self) -> String {
        match self.port {
            Some(port) => format!("{}:{port}", self.host),
            None => self.host.clone(),
        }
    }

    /// The same URL with another path (and no query).
    pub fn with_path(&self, path: &str) -> Url {
        Url {
            path: path.to_string(),
            query: None,
            ..self.clone()
        }
    }

    /// The same URL with another query.
    pub fn with_query(&self, query: Option<&str>) -> Url {
        Url {
            query: query.map(str::to_string),
            ..self.clone()
        }
    }

    /// The same URL with another scheme.
    pub fn with_scheme(&self, scheme: &str) -> Url {
        Url {
            scheme: scheme.to_string(),
            ..self.clone()
        }
    }
}

impl fmt::Display for Url {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}://{}{}", self.scheme, self.netloc(), self.path)?;
        if let Some(query) = &self.query {
            write!(f, "?{query}")?;
        }
        Ok(())
    }
}

/// Splits `host[:port]`, IPv6 literals included.
pub(crate) fn split_authority(authority: &str) -> (&str, Option<u16>) {
    if let Some(rest) = authority.strip_prefix('[') {
        if let Some(end) = rest.find(']') {
            let host = &authority[..end + 2];
            let port = rest[end + 1..]
                .strip_prefix(':')
                .and_then(|p| p.parse().ok());
            return (host, port);
        }
    }
    match authority.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => (host, port.parse().ok()),
        _ => (authority, None),
    }
}

/// Parses a `Cookie` header leniently, as Starlette's `cookie_parser` does (browsers send
/// anything): pairs split on `;`, a chunk without `=` is a value with an empty name, and quotes
/// are unwrapped. The last occurrence of a name wins, at the place of the first (a Python dict's
/// rule).
pub fn parse_cookies(header: &str, into: &mut indexmap::IndexMap<String, String>) {
    for chunk in header.split(';') {
        let (key, value) = match chunk.split_once('=') {
            Some((k, v)) => (k.trim(), v.trim()),
            None => ("", chunk.trim()),
        };
        if key.is_empty() && value.is_empty() {
            continue;
        }
        let value = unquote_cookie(value);
        into.insert(key.to_string(), value);
    }
}

/// Undoes Python's cookie quoting (`"a\"b"`, octal escapes).
fn unquote_cookie(value: &str) -> String {
    let Some(inner) = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .filter(|_| value.len() >= 2)
    else {
        return value.to_string();
    };
    let bytes = inner.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' {
            let octal = bytes
                .get(i + 1..i + 4)
                .filter(|o| o.iter().all(|b| (b'0'..=b'7').contains(b)));
            if let Some(octal) = octal {
                let code = octal
                    .iter()
                    .fold(0u32, |acc, b| acc * 8 + u32::from(b - b'0'));
                if let Some(c) = char::from_u32(code) {
                    let mut buf = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
                i += 4;
                continue;
            }
            if let Some(&next) = bytes.get(i + 1) {
                out.push(next);
                i += 2;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Application state: a map from type to one shared value of that type (Starlette's `State`,
/// typed). Filled while the application is built and by its startup hooks; read by every
/// request with [`Request::state`](crate::Request::state).
#[derive(Clone, Default)]
pub struct AppState {
    values: Arc<RwLock<HashMap<TypeId, Arc<dyn Any + Send + Sync>>>>,
}

impl fmt::Debug for AppState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.values.read().map(|v| v.len()).unwrap_or(0);
        f.debug_struct("AppState").field("len", &len).finish()
    }
}

impl AppState {
    /// An empty state.
    pub fn new() -> AppState {
        AppState::default()
    }

    /// Stores `value`, replacing any earlier value of its type.
    pub fn insert<T: Send + Sync + 'static>(&self, value: T) {
        if let Ok(mut values) = self.values.write() {
            values.insert(TypeId::of::<T>(), Arc::new(value));
        }
    }

    /// The value of type `T`.
    pub fn get<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let values = self.values.read().ok()?;
        let value = values.get(&TypeId::of::<T>())?.clone();
        value.downcast().ok()
    }

    /// Removes and returns the value of type `T`.
    pub fn remove<T: Send + Sync + 'static>(&self) -> Option<Arc<T>> {
        let mut values = self.values.write().ok()?;
        values.remove(&TypeId::of::<T>())?.downcast().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::QueryParams;

    #[test]
    fn query_decoding_matches_form_urlencoded() {
        for query in [
            "",
            "a=1&b=2",
            "a=1&a=2&&b",
            "q=hello+world&x=%41%42&y=%zz&z=%e2%82%ac&w=%ff",
            "=v&k=&k2",
            "a=b=c",
            "1=a&2=b&3=c&4=d&5=e&6=f",
            "k=%41&k=B&k=%43+d&k=&k=e&k",
        ] {
            let ours: Vec<(String, String)> = QueryParams::parse(query)
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let reference: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            assert_eq!(ours, reference, "{query}");
            let uri: http::Uri = format!("/p?{query}").parse().unwrap();
            let from_uri: Vec<(String, String)> = QueryParams::from_uri(&uri)
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            assert_eq!(from_uri, reference, "{query}");
        }
    }
}
