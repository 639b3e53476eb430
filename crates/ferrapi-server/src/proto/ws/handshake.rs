//! The opening handshake (RFC 6455 §4.2): recognising an upgrade request, validating it, and
//! building the `101 Switching Protocols` response head.
//!
//! [`is_upgrade_request`] only looks for `Upgrade: websocket`, so requests without it are left
//! to the HTTP path untouched. A request that has it is then held to the RFC by [`validate`]:
//! `GET`, `HTTP/1.1`, `Connection` with the `upgrade` token, `Sec-WebSocket-Version: 13`, and a
//! single `Sec-WebSocket-Key` that is the base64 of 16 bytes. Failures carry the status and the
//! short reason for the response body:
//!
//! | failure | status | extra headers |
//! |---|---|---|
//! | `Connection` lacks `upgrade` | 426 | `Upgrade: websocket`, `Connection: Upgrade` |
//! | `Sec-WebSocket-Version` not 13 | 426 | `Sec-WebSocket-Version: 13` |
//! | `Sec-WebSocket-Version` missing | 400 | `Sec-WebSocket-Version: 13` |
//! | anything else | 400 | |
//!
//! This is websockets' split (uvicorn's default WebSocket stack): an invalid upgrade is 426, an
//! invalid header 400; the version headers follow RFC 6455 §4.2.2. One difference: uvicorn's
//! httptools protocol only routes a request to WebSocket when both `Upgrade: websocket` and
//! `Connection: upgrade` are present, and serves the rest as plain HTTP; here `Upgrade:
//! websocket` alone is an attempt, and a missing `Connection` token is a 426.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use http::header::{
    HeaderMap, HeaderValue, InvalidHeaderValue, CONNECTION, CONTENT_TYPE, SEC_WEBSOCKET_ACCEPT,
    SEC_WEBSOCKET_EXTENSIONS, SEC_WEBSOCKET_KEY, SEC_WEBSOCKET_PROTOCOL, SEC_WEBSOCKET_VERSION,
    UPGRADE,
};
use http::{Method, Request, Response, StatusCode, Version};
use sha1::{Digest, Sha1};

use super::deflate::DeflateParams;

/// The GUID RFC 6455 §1.3 appends to the key before hashing.
pub(crate) const GUID: &str = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

/// One extension offered in `Sec-WebSocket-Extensions`: its name and parameters, values
/// unquoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExtensionOffer {
    /// The extension token, e.g. `permessage-deflate`.
    pub(crate) name: String,
    /// `name` or `name=value` parameters, in order.
    pub(crate) params: Vec<(String, Option<String>)>,
}

/// A valid upgrade request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Upgrade {
    /// `Sec-WebSocket-Key`, as sent.
    pub(crate) key: String,
    /// The offered subprotocols, in order (`Sec-WebSocket-Protocol`, comma-split, trimmed).
    pub(crate) protocols: Vec<String>,
    /// The offered extensions, in order (`Sec-WebSocket-Extensions`).
    pub(crate) extensions: Vec<ExtensionOffer>,
}

impl Upgrade {
    /// The `Sec-WebSocket-Accept` value for this key.
    pub(crate) fn accept_key(&self) -> String {
        accept_key(&self.key)
    }

    /// The `101 Switching Protocols` head: `Upgrade`, `Connection`, `Sec-WebSocket-Accept`,
    /// and the chosen subprotocol and agreed extension when there are any. Fails only if the
    /// subprotocol is not a valid header value.
    pub(crate) fn response(
        &self,
        subprotocol: Option<&str>,
        deflate: Option<&DeflateParams>,
    ) -> Result<Response<()>, InvalidHeaderValue> {
        let mut response = Response::new(());
        *response.status_mut() = StatusCode::SWITCHING_PROTOCOLS;
        let headers = response.headers_mut();
        headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
        headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
        headers.insert(
            SEC_WEBSOCKET_ACCEPT,
            HeaderValue::try_from(self.accept_key())?,
        );
        if let Some(protocol) = subprotocol {
            headers.insert(SEC_WEBSOCKET_PROTOCOL, HeaderValue::try_from(protocol)?);
        }
        if let Some(deflate) = deflate {
            headers.insert(
                SEC_WEBSOCKET_EXTENSIONS,
                HeaderValue::try_from(deflate.response_header())?,
            );
        }
        Ok(response)
    }
}

/// Why an upgrade request was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HandshakeError {
    /// Not `GET`.
    Method,
    /// Not HTTP/1.1.
    HttpVersion,
    /// `Connection` lacks the `upgrade` token.
    Connection,
    /// `Upgrade` lacks the `websocket` token.
    Upgrade,
    /// No `Sec-WebSocket-Version`.
    MissingVersion,
    /// `Sec-WebSocket-Version` is not 13.
    UnsupportedVersion,
    /// No `Sec-WebSocket-Key`.
    MissingKey,
    /// More than one `Sec-WebSocket-Key`.
    DuplicateKey,
    /// `Sec-WebSocket-Key` is not the base64 of 16 bytes.
    InvalidKey,
    /// `Sec-WebSocket-Protocol` is not a list of tokens.
    InvalidProtocol,
    /// `Sec-WebSocket-Extensions` does not parse.
    InvalidExtensions,
}

impl HandshakeError {
    /// The response status: 426 for an invalid upgrade or an unsupported version, else 400.
    pub(crate) fn status(self) -> StatusCode {
        match self {
            HandshakeError::Connection
            | HandshakeError::Upgrade
            | HandshakeError::UnsupportedVersion => StatusCode::UPGRADE_REQUIRED,
            _ => StatusCode::BAD_REQUEST,
        }
    }

    /// The short reason, for the response body.
    pub(crate) fn reason(self) -> &'static str {
        match self {
            HandshakeError::Method => "Unsupported HTTP method for WebSocket upgrade, expected GET",
            HandshakeError::HttpVersion => {
                "Unsupported HTTP version for WebSocket upgrade, expected HTTP/1.1"
            }
            HandshakeError::Connection => "Missing Connection: Upgrade header",
            HandshakeError::Upgrade => "Missing Upgrade: websocket header",
            HandshakeError::MissingVersion => "Missing Sec-WebSocket-Version header",
            HandshakeError::UnsupportedVersion => "Unsupported Sec-WebSocket-Version, expected 13",
            HandshakeError::MissingKey => "Missing Sec-WebSocket-Key header",
            HandshakeError::DuplicateKey => "Multiple Sec-WebSocket-Key headers",
            HandshakeError::InvalidKey => "Invalid Sec-WebSocket-Key header",
            HandshakeError::InvalidProtocol => "Invalid Sec-WebSocket-Protocol header",
            HandshakeError::InvalidExtensions => "Invalid Sec-WebSocket-Extensions header",
        }
    }

    /// The complete error response: status, the headers the table in the module docs lists,
    /// and the reason as a `text/plain` body.
    pub(crate) fn response(self) -> Response<&'static str> {
        let mut response = Response::new(self.reason());
        *response.status_mut() = self.status();
        let headers = response.headers_mut();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        match self {
            HandshakeError::Connection | HandshakeError::Upgrade => {
                headers.insert(UPGRADE, HeaderValue::from_static("websocket"));
                headers.insert(CONNECTION, HeaderValue::from_static("Upgrade"));
            }
            HandshakeError::MissingVersion | HandshakeError::UnsupportedVersion => {
                headers.insert(SEC_WEBSOCKET_VERSION, HeaderValue::from_static("13"));
            }
            _ => {}
        }
        response
    }
}

impl std::fmt::Display for HandshakeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.reason())
    }
}

impl std::error::Error for HandshakeError {}

/// Whether the request attempts a WebSocket upgrade (`Upgrade` has the `websocket` token).
pub(crate) fn is_upgrade_request<B>(request: &Request<B>) -> bool {
    has_token(request.headers(), UPGRADE, "websocket")
}

/// Validates an upgrade request (see the module docs).
pub(crate) fn validate<B>(request: &Request<B>) -> Result<Upgrade, HandshakeError> {
    if request.method() != Method::GET {
        return Err(HandshakeError::Method);
    }
    if request.version() != Version::HTTP_11 {
        return Err(HandshakeError::HttpVersion);
    }
    let headers = request.headers();
    if !has_token(headers, CONNECTION, "upgrade") {
        return Err(HandshakeError::Connection);
    }
    if !has_token(headers, UPGRADE, "websocket") {
        return Err(HandshakeError::Upgrade);
    }
    let mut versions = headers.get_all(SEC_WEBSOCKET_VERSION).iter();
    match (versions.next(), versions.next()) {
        (None, _) => return Err(HandshakeError::MissingVersion),
        (Some(version), None) if version.as_bytes().trim_ascii() == b"13" => {}
        _ => return Err(HandshakeError::UnsupportedVersion),
    }
    let mut keys = headers.get_all(SEC_WEBSOCKET_KEY).iter();
    let key = match (keys.next(), keys.next()) {
        (None, _) => return Err(HandshakeError::MissingKey),
        (Some(_), Some(_)) => return Err(HandshakeError::DuplicateKey),
        (Some(key), None) => key,
    };
    let key = key
        .to_str()
        .map_err(|_| HandshakeError::InvalidKey)?
        .trim_ascii();
    match STANDARD.decode(key) {
        Ok(bytes) if bytes.len() == 16 => {}
        _ => return Err(HandshakeError::InvalidKey),
    }
    let mut protocols = Vec::new();
    for value in headers.get_all(SEC_WEBSOCKET_PROTOCOL) {
        let value = value
            .to_str()
            .map_err(|_| HandshakeError::InvalidProtocol)?;
        for protocol in value.split(',').map(str::trim_ascii) {
            if protocol.is_empty() {
                continue;
            }
            if !protocol.bytes().all(is_tchar) {
                return Err(HandshakeError::InvalidProtocol);
            }
            protocols.push(protocol.to_owned());
        }
    }
    let mut extensions = Vec::new();
    for value in headers.get_all(SEC_WEBSOCKET_EXTENSIONS) {
        parse_extensions(value.as_bytes(), &mut extensions)
            .ok_or(HandshakeError::InvalidExtensions)?;
    }
    Ok(Upgrade {
        key: key.to_owned(),
        protocols,
        extensions,
    })
}

/// `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)).
pub(crate) fn accept_key(key: &str) -> String {
    let mut hasher = Sha1::new();
    hasher.update(key.as_bytes());
    hasher.update(GUID.as_bytes());
    STANDARD.encode(hasher.finalize())
}

/// Whether a comma-separated header (any of its lines) contains `token`, case-insensitively.
fn has_token(headers: &HeaderMap, name: http::header::HeaderName, token: &str) -> bool {
    headers.get_all(name).iter().any(|value| {
        value
            .as_bytes()
            .split(|&b| b == b',')
            .any(|item| item.trim_ascii().eq_ignore_ascii_case(token.as_bytes()))
    })
}

/// RFC 9110 `tchar`.
fn is_tchar(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte)
}

/// Parses one `Sec-WebSocket-Extensions` line (RFC 6455 §9.1) into `out`; `None` if malformed.
///
/// ```text
/// extension-list = 1#extension
/// extension      = token *( OWS ";" OWS extension-param )
/// extension-param = token [ OWS "=" OWS ( token / quoted-string ) ]
/// ```
/// A quoted value must be a token once unquoted. Empty list elements are skipped.
fn parse_extensions(value: &[u8], out: &mut Vec<ExtensionOffer>) -> Option<()> {
    let mut cursor = Cursor {
        bytes: value,
        pos: 0,
    };
    loop {
        cursor.skip_ows();
        match cursor.peek() {
            None => return Some(()),
            Some(b',') => {
                cursor.pos += 1;
                continue;
            }
            Some(_) => {}
        }
        let name = cursor.token()?;
        let mut params = Vec::new();
        loop {
            cursor.skip_ows();
            match cursor.peek() {
                None => break,
                Some(b',') => {
                    cursor.pos += 1;
                    break;
                }
                Some(b';') => {
                    cursor.pos += 1;
                    cursor.skip_ows();
                    let param = cursor.token()?;
                    cursor.skip_ows();
                    let value = if cursor.peek() == Some(b'=') {
                        cursor.pos += 1;
                        cursor.skip_ows();
                        let value = if cursor.peek() == Some(b'"') {
                            cursor.quoted()?
                        } else {
                            cursor.token()?
                        };
                        if value.is_empty() || !value.bytes().all(is_tchar) {
                            return None;
                        }
                        Some(value)
                    } else {
                        None
                    };
                    params.push((param, value));
                }
                Some(_) => return None,
            }
        }
        out.push(ExtensionOffer { name, params });
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn skip_ows(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.pos;
        while self.peek().is_some_and(is_tchar) {
            self.pos += 1;
        }
        let token = &self.bytes[start..self.pos];
        // tchar is ASCII, so this is valid UTF-8.
        (!token.is_empty()).then(|| String::from_utf8_lossy(token).into_owned())
    }

    /// A quoted-string, unescaped; only its ASCII content can be a token anyway.
    fn quoted(&mut self) -> Option<String> {
        self.pos += 1;
        let mut value = Vec::new();
        loop {
            let byte = self.peek()?;
            self.pos += 1;
            match byte {
                b'"' => return Some(String::from_utf8_lossy(&value).into_owned()),
                b'\\' => {
                    value.push(self.peek()?);
                    self.pos += 1;
                }
                _ => value.push(byte),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "dGhlIHNhbXBsZSBub25jZQ==";

    fn request(headers: &[(&str, &str)]) -> Request<()> {
        let mut builder = Request::builder().method("GET").uri("/chat");
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        builder.body(()).unwrap()
    }

    fn good_headers() -> Vec<(&'static str, &'static str)> {
        vec![
            ("host", "server.example.com"),
            ("upgrade", "websocket"),
            ("connection", "Upgrade"),
            ("sec-websocket-key", KEY),
            ("sec-websocket-version", "13"),
        ]
    }

    fn with(extra: &[(&'static str, &'static str)]) -> Request<()> {
        let mut headers = good_headers();
        headers.extend_from_slice(extra);
        request(&headers)
    }

    fn without(name: &str) -> Request<()> {
        let headers: Vec<_> = good_headers()
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect();
        request(&headers)
    }

    fn replaced(name: &'static str, value: &'static str) -> Request<()> {
        let mut headers: Vec<_> = good_headers()
            .into_iter()
            .filter(|(n, _)| *n != name)
            .collect();
        headers.push((name, value));
        request(&headers)
    }

    #[test]
    fn rfc_accept_key() {
        // RFC 6455 §1.3.
        assert_eq!(accept_key(KEY), "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
    }

    #[test]
    fn valid_request_and_response() {
        let request = request(&good_headers());
        assert!(is_upgrade_request(&request));
        let upgrade = validate(&request).unwrap();
        assert_eq!(upgrade.key, KEY);
        assert!(upgrade.protocols.is_empty());
        assert!(upgrade.extensions.is_empty());
        let response = upgrade.response(None, None).unwrap();
        assert_eq!(response.status(), StatusCode::SWITCHING_PROTOCOLS);
        let headers = response.headers();
        assert_eq!(headers["upgrade"], "websocket");
        assert_eq!(headers["connection"], "Upgrade");
        assert_eq!(
            headers["sec-websocket-accept"],
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        );
        assert!(!headers.contains_key("sec-websocket-protocol"));
        assert!(!headers.contains_key("sec-websocket-extensions"));
    }

    #[test]
    fn response_with_protocol_and_deflate() {
        let request = with(&[
            ("sec-websocket-protocol", "chat, superchat"),
            (
                "sec-websocket-extensions",
                "permessage-deflate; client_max_window_bits",
            ),
        ]);
        let upgrade = validate(&request).unwrap();
        let deflate = super::super::deflate::negotiate(&upgrade.extensions, &Default::default());
        let response = upgrade.response(Some("chat"), deflate.as_ref()).unwrap();
        assert_eq!(response.headers()["sec-websocket-protocol"], "chat");
        assert_eq!(
            response.headers()["sec-websocket-extensions"],
            "permessage-deflate"
        );
        assert!(upgrade.response(Some("bad\nvalue"), None).is_err());
    }

    #[test]
    fn non_upgrade_requests_are_left_alone() {
        assert!(!is_upgrade_request(&request(&[("host", "x")])));
        assert!(!is_upgrade_request(&request(&[
            ("upgrade", "h2c"),
            ("connection", "upgrade")
        ])));
        assert!(is_upgrade_request(&request(&[("upgrade", "WebSocket")])));
        assert!(is_upgrade_request(&request(&[(
            "upgrade",
            "foo, websocket"
        )])));
    }

    #[test]
    fn connection_token_forms() {
        for value in [
            "upgrade",
            "UPGRADE",
            "keep-alive, Upgrade",
            "Upgrade ,keep-alive",
        ] {
            assert!(validate(&replaced("connection", value)).is_ok(), "{value}");
        }
        // Split over two lines.
        let request = request(&[
            ("upgrade", "websocket"),
            ("connection", "keep-alive"),
            ("connection", "upgrade"),
            ("sec-websocket-key", KEY),
            ("sec-websocket-version", "13"),
        ]);
        assert!(validate(&request).is_ok());
        for value in ["keep-alive", "upgraded", "up grade"] {
            assert_eq!(
                validate(&replaced("connection", value)),
                Err(HandshakeError::Connection),
                "{value}"
            );
        }
        assert_eq!(
            validate(&without("connection")),
            Err(HandshakeError::Connection)
        );
    }

    #[test]
    fn failures() {
        let cases: Vec<(Request<()>, HandshakeError)> = vec![
            (
                {
                    let mut r = request(&good_headers());
                    *r.method_mut() = Method::POST;
                    r
                },
                HandshakeError::Method,
            ),
            (
                {
                    let mut r = request(&good_headers());
                    *r.version_mut() = Version::HTTP_10;
                    r
                },
                HandshakeError::HttpVersion,
            ),
            (without("upgrade"), HandshakeError::Upgrade),
            (replaced("upgrade", "h2c"), HandshakeError::Upgrade),
            (
                without("sec-websocket-version"),
                HandshakeError::MissingVersion,
            ),
            (
                replaced("sec-websocket-version", "8"),
                HandshakeError::UnsupportedVersion,
            ),
            (
                replaced("sec-websocket-version", "13, 8"),
                HandshakeError::UnsupportedVersion,
            ),
            (
                with(&[("sec-websocket-version", "13")]),
                HandshakeError::UnsupportedVersion,
            ),
            (without("sec-websocket-key"), HandshakeError::MissingKey),
            (
                with(&[("sec-websocket-key", KEY)]),
                HandshakeError::DuplicateKey,
            ),
            (
                replaced("sec-websocket-key", "not base64!"),
                HandshakeError::InvalidKey,
            ),
            // 15 and 17 bytes.
            (
                replaced("sec-websocket-key", "AAAAAAAAAAAAAAAAAAAA"),
                HandshakeError::InvalidKey,
            ),
            (
                replaced("sec-websocket-key", "AAAAAAAAAAAAAAAAAAAAAAA="),
                HandshakeError::InvalidKey,
            ),
            // 16 bytes without padding is not canonical base64.
            (
                replaced("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ"),
                HandshakeError::InvalidKey,
            ),
            (
                replaced("sec-websocket-key", ""),
                HandshakeError::InvalidKey,
            ),
            (
                with(&[("sec-websocket-protocol", "chat, a b")]),
                HandshakeError::InvalidProtocol,
            ),
            (
                with(&[("sec-websocket-extensions", "permessage-deflate;")]),
                HandshakeError::InvalidExtensions,
            ),
        ];
        for (request, expected) in cases {
            assert_eq!(validate(&request), Err(expected));
        }
    }

    #[test]
    fn error_responses() {
        let response = HandshakeError::MissingKey.response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(*response.body(), "Missing Sec-WebSocket-Key header");
        assert!(!response.headers().contains_key("sec-websocket-version"));

        let response = HandshakeError::UnsupportedVersion.response();
        assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(response.headers()["sec-websocket-version"], "13");

        let response = HandshakeError::MissingVersion.response();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST);
        assert_eq!(response.headers()["sec-websocket-version"], "13");

        let response = HandshakeError::Connection.response();
        assert_eq!(response.status(), StatusCode::UPGRADE_REQUIRED);
        assert_eq!(response.headers()["upgrade"], "websocket");
        assert_eq!(
            HandshakeError::Connection.to_string(),
            "Missing Connection: Upgrade header"
        );
    }

    #[test]
    fn subprotocols() {
        let request = with(&[
            ("sec-websocket-protocol", " chat ,superchat,, v2.json "),
            ("sec-websocket-protocol", "graphql-ws"),
        ]);
        let upgrade = validate(&request).unwrap();
        assert_eq!(
            upgrade.protocols,
            ["chat", "superchat", "v2.json", "graphql-ws"]
        );
    }

    fn parse(value: &str) -> Option<Vec<ExtensionOffer>> {
        let mut out = Vec::new();
        parse_extensions(value.as_bytes(), &mut out).map(|()| out)
    }

    fn offer(name: &str, params: &[(&str, Option<&str>)]) -> ExtensionOffer {
        ExtensionOffer {
            name: name.to_owned(),
            params: params
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
                .collect(),
        }
    }

    #[test]
    fn extension_parsing() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(
            parse("permessage-deflate").unwrap(),
            vec![offer("permessage-deflate", &[])]
        );
        assert_eq!(
            parse("permessage-deflate; client_max_window_bits").unwrap(),
            vec![offer(
                "permessage-deflate",
                &[("client_max_window_bits", None)]
            )]
        );
        assert_eq!(
            parse(
                "permessage-deflate;server_no_context_takeover ; client_max_window_bits = \"10\", \
                 permessage-deflate, x-webkit-deflate-frame"
            )
            .unwrap(),
            vec![
                offer(
                    "permessage-deflate",
                    &[
                        ("server_no_context_takeover", None),
                        ("client_max_window_bits", Some("10"))
                    ]
                ),
                offer("permessage-deflate", &[]),
                offer("x-webkit-deflate-frame", &[]),
            ]
        );
        // Escapes inside quotes, empty list elements.
        assert_eq!(
            parse(", foo; a=\"b\\c\" ,").unwrap(),
            vec![offer("foo", &[("a", Some("bc"))])]
        );
        for bad in [
            "permessage-deflate;",
            "permessage-deflate; =10",
            "permessage-deflate; a=",
            "permessage-deflate; a=\"1 0\"",
            "permessage-deflate; a=\"10",
            "permessage-deflate; a=\"\"",
            "permessage-deflate x",
            "permessage-deflate; a=b c",
            "; a",
            "\"quoted\"",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn extensions_over_several_lines() {
        let request = with(&[
            (
                "sec-websocket-extensions",
                "permessage-deflate; server_max_window_bits=10",
            ),
            ("sec-websocket-extensions", "permessage-deflate"),
        ]);
        let upgrade = validate(&request).unwrap();
        assert_eq!(upgrade.extensions.len(), 2);
        assert_eq!(
            upgrade.extensions[0].params,
            vec![("server_max_window_bits".to_owned(), Some("10".to_owned()))]
        );
    }
}
