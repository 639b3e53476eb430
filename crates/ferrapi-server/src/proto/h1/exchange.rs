//! The synchronous decisions of one exchange, as plain functions beside the async driver in
//! [`dispatch`](super::dispatch): the request built from a parsed head, the WebSocket upgrade
//! offered to the app, how the response is framed, whether `100 Continue` is sent, and why the
//! connection closes afterwards ([`Close`]).
//!
//! Nothing here awaits or touches the socket, so each rule is unit-tested on its own; the
//! driver's tests (with an in-memory transport) check that the rules meet on the wire. The
//! functions take and return small `Copy` values, never allocate and are not generic over the
//! app or the transport: on the per-request path they cost what the inline conditions they
//! replace cost (one codegen unit in release builds lets LLVM inline them into the driver).
//!
//! The rules are uvicorn's (h11 and httptools protocols), which follow RFC 9112 §9.3 for
//! persistence and RFC 9110 §10.1.1 for `100 Continue`; where they differ the module that
//! applies the rule says so.

use http::{HeaderMap, Method, Request, StatusCode, Uri, Version};

use super::encode::{ConnHeader, Framing};
use super::role::Persist;
use crate::body::Body;
use crate::config::Config;
use crate::proto::ws::deflate::{self, DeflateConfig};
use crate::proto::ws::handshake::{self, HandshakeError};
use crate::proxy;
use crate::scope::Scope;
use crate::websocket::WebSocketUpgrade;

/// Unread request body the server will read and discard to keep a connection alive after the
/// app answered without reading it; a larger remainder closes the connection instead.
pub(crate) const MAX_DRAIN: u64 = 64 * 1024;

/// Why a connection closes after an exchange, instead of serving the next request.
///
/// The first reason that applies is the one kept; any reason closes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Close {
    /// The client sent `Connection: close`.
    ClientAsked,
    /// An HTTP/1.0 request without `Connection: keep-alive`.
    Http10,
    /// The app's response says `Connection: close`.
    AppAsked,
    /// The response body has no length and the client speaks HTTP/1.0: the close ends it.
    LengthUnknown,
    /// A graceful shutdown is under way and no further request has arrived.
    Shutdown,
    /// A WebSocket handshake was refused or denied: the client may already be sending frames,
    /// which must not be parsed as requests.
    UpgradeRefused,
    /// The connection carried a WebSocket session, which has ended.
    Upgraded,
    /// The client waits for a `100 Continue` the server will not send; its body never comes,
    /// so the next bytes cannot be found.
    ContinueWithheld,
    /// The app did not read the request body, and discarding the rest was too costly
    /// ([`MAX_DRAIN`]) or failed (the client stopped sending, or sent a malformed body).
    BodyUnread,
    /// The request body could not be read (too large, malformed, too slow): the server answered
    /// with an error and can no longer tell where the next request starts.
    FramingUntrusted,
    /// The app failed (a panic, or a `101` without an accepted upgrade): the server answered
    /// `500`, and the request's body may be half read.
    AppFailed,
}

/// The scope of one request: the connection's, with this request's version and, from a
/// trusted proxy, its client, scheme and root path.
pub(crate) fn request_scope(
    conn: &Scope,
    version: Version,
    headers: &HeaderMap,
    trusted_proxy: bool,
    cfg: &Config,
) -> Scope {
    let mut scope = conn.clone();
    scope.set_http_version(version);
    if trusted_proxy {
        proxy::apply(
            &mut scope,
            headers,
            &cfg.forwarded_allow_ips,
            &cfg.root_path,
        );
    }
    scope
}

/// The request handed to the app: the parsed head, the body, and the scope as an extension.
pub(crate) fn build_request(
    method: Method,
    uri: Uri,
    version: Version,
    headers: HeaderMap,
    body: Body,
    scope: Scope,
) -> Request<Body> {
    let mut req = Request::new(body);
    *req.method_mut() = method;
    *req.uri_mut() = uri;
    *req.version_mut() = version;
    *req.headers_mut() = headers;
    req.extensions_mut().insert(scope);
    req
}

/// Offers a WebSocket upgrade to the app when the request asks for one: `Ok(true)` when the
/// request carries a [`WebSocketUpgrade`] now, `Ok(false)` when it is plain HTTP, and the
/// reason when the handshake is invalid (the server answers it and closes).
///
/// `has_upgrade` is the head parser's note that an `Upgrade` header is present, so that plain
/// requests skip the header lookups.
pub(crate) fn offer_websocket(
    req: &mut Request<Body>,
    has_upgrade: bool,
    cfg: &Config,
) -> Result<bool, HandshakeError> {
    if !has_upgrade || !handshake::is_upgrade_request(req) {
        return Ok(false);
    }
    let upgrade = handshake::validate(req)?;
    let deflate = if cfg.ws_per_message_deflate {
        deflate::negotiate(&upgrade.extensions, &DeflateConfig::default())
    } else {
        None
    };
    req.extensions_mut()
        .insert(WebSocketUpgrade::new(upgrade, deflate));
    Ok(true)
}

/// How the response body is delimited: none for HEAD, `1xx`, `204` and `304`; the body's own
/// length when it knows it (over a mismatched `Content-Length` from the app, with a warning);
/// otherwise the app's `Content-Length`, chunked for HTTP/1.1, or the close for HTTP/1.0.
pub(crate) fn response_framing(
    status: StatusCode,
    declared: Option<u64>,
    body: &Body,
    is_head: bool,
    version: Version,
) -> Framing {
    if status.is_informational() || status == StatusCode::NO_CONTENT {
        return Framing::NoBody {
            content_length: None,
        };
    }
    if status == StatusCode::NOT_MODIFIED {
        return Framing::NoBody {
            content_length: declared,
        };
    }
    if is_head {
        return Framing::NoBody {
            content_length: declared.or(body.exact_len().filter(|&n| n > 0)),
        };
    }
    match (body.exact_len(), declared) {
        (Some(n), Some(d)) if n != d => {
            tracing::warn!(
                declared = d,
                actual = n,
                "response Content-Length does not match its body; sending the body's length"
            );
            Framing::Length(n)
        }
        (Some(n), _) | (None, Some(n)) => Framing::Length(n),
        (None, None) if version == Version::HTTP_11 => Framing::Chunked,
        (None, None) => Framing::UntilClose,
    }
}

/// What is known of an exchange when its response head is about to be written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settled {
    /// What the request head said about persistence.
    pub(crate) persist: Persist,
    /// How the response body is framed.
    pub(crate) framing: Framing,
    /// The app's response carries `Connection: close`.
    pub(crate) app_close: bool,
    /// A graceful shutdown is under way and no further request bytes are buffered. (While
    /// draining, the last request already received is served and closes the connection.)
    pub(crate) draining_idle: bool,
    /// The request asked for a WebSocket upgrade, and the response is not a `101`.
    pub(crate) upgrade_denied: bool,
}

/// Why the connection closes after this response, judged from its head alone (the request
/// body is judged by [`settle_unread_body`]).
pub(crate) fn close_after(s: Settled) -> Option<Close> {
    match s.persist {
        Persist::Close => Some(Close::ClientAsked),
        Persist::Http10 => Some(Close::Http10),
        Persist::KeepAlive if s.framing == Framing::UntilClose => Some(Close::LengthUnknown),
        Persist::KeepAlive if s.app_close => Some(Close::AppAsked),
        Persist::KeepAlive if s.draining_idle => Some(Close::Shutdown),
        Persist::KeepAlive if s.upgrade_denied => Some(Close::UpgradeRefused),
        Persist::KeepAlive => None,
    }
}

/// The request body the app has not (fully) read when its response head is written.
#[derive(Clone, Copy, Debug)]
pub(crate) struct UnreadBody {
    /// The client sent `Expect: 100-continue` and the app has not asked for the body yet.
    pub(crate) expect_continue: bool,
    /// How much body is left to receive, when the framing says (`Content-Length`).
    pub(crate) known_remaining: Option<u64>,
}

/// What to do about an unread request body before the response head goes out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct BodyPlan {
    /// Send `100 Continue` before the head: the response streams and may be the request body
    /// itself (an echo), so the client must be told to send it before it sees the status.
    pub(crate) send_continue: bool,
    /// The connection closes because of the unread body.
    pub(crate) close: Option<Close>,
}

/// Decides about an unread body: `response_streams` says the response body is a stream (not
/// one buffer, not empty), `no_body` that the framing sends no body at all.
///
/// A complete response with more unread body than [`MAX_DRAIN`] says `Connection: close` now,
/// rather than closing after draining fails. A client waiting for `100 Continue` gets it only
/// when the response streams a body; otherwise it is holding its body back and will not send
/// it, so the connection cannot be reused safely (uvicorn closes it the same way).
pub(crate) fn settle_unread_body(
    body: UnreadBody,
    response_streams: bool,
    no_body: bool,
) -> BodyPlan {
    let mut close = None;
    if !response_streams && body.known_remaining.is_some_and(|rem| rem > MAX_DRAIN) {
        close = Some(Close::BodyUnread);
    }
    let mut send_continue = false;
    if body.expect_continue {
        if response_streams && !no_body {
            send_continue = true;
        } else {
            close = close.or(Some(Close::ContinueWithheld));
        }
    }
    BodyPlan {
        send_continue,
        close,
    }
}

/// The `Connection` header the server adds: `close` when it will close, `keep-alive` for an
/// HTTP/1.0 client it keeps (which would otherwise assume a close), none otherwise.
pub(crate) fn conn_header(close: Option<Close>, version: Version) -> ConnHeader {
    if close.is_some() {
        ConnHeader::Close
    } else if version == Version::HTTP_10 {
        ConnHeader::KeepAlive
    } else {
        ConnHeader::None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settled() -> Settled {
        Settled {
            persist: Persist::KeepAlive,
            framing: Framing::Length(5),
            app_close: false,
            draining_idle: false,
            upgrade_denied: false,
        }
    }

    #[test]
    fn each_reason_closes_and_none_keeps_alive() {
        assert_eq!(close_after(settled()), None);
        let cases = [
            (
                Settled {
                    persist: Persist::Close,
                    ..settled()
                },
                Close::ClientAsked,
            ),
            (
                Settled {
                    persist: Persist::Http10,
                    ..settled()
                },
                Close::Http10,
            ),
            (
                Settled {
                    framing: Framing::UntilClose,
                    ..settled()
                },
                Close::LengthUnknown,
            ),
            (
                Settled {
                    app_close: true,
                    ..settled()
                },
                Close::AppAsked,
            ),
            (
                Settled {
                    draining_idle: true,
                    ..settled()
                },
                Close::Shutdown,
            ),
            (
                Settled {
                    upgrade_denied: true,
                    ..settled()
                },
                Close::UpgradeRefused,
            ),
        ];
        for (s, reason) in cases {
            assert_eq!(close_after(s), Some(reason), "{s:?}");
        }
    }

    #[test]
    fn the_client_reason_wins_over_the_others() {
        let s = Settled {
            persist: Persist::Close,
            app_close: true,
            draining_idle: true,
            ..settled()
        };
        assert_eq!(close_after(s), Some(Close::ClientAsked));
    }

    #[test]
    fn unread_body_up_to_the_drain_limit_keeps_the_connection() {
        let small = UnreadBody {
            expect_continue: false,
            known_remaining: Some(MAX_DRAIN),
        };
        let plan = settle_unread_body(small, false, false);
        assert_eq!(
            plan,
            BodyPlan {
                send_continue: false,
                close: None
            }
        );
        let large = UnreadBody {
            known_remaining: Some(MAX_DRAIN + 1),
            ..small
        };
        assert_eq!(
            settle_unread_body(large, false, false).close,
            Some(Close::BodyUnread)
        );
        // A streaming response may still read it (an echo): judged after the response.
        assert_eq!(settle_unread_body(large, true, false).close, None);
        // Chunked: the remainder is unknown until drained.
        let chunked = UnreadBody {
            known_remaining: None,
            ..small
        };
        assert_eq!(settle_unread_body(chunked, false, false).close, None);
    }

    #[test]
    fn continue_is_sent_only_for_a_streamed_body() {
        let waiting = UnreadBody {
            expect_continue: true,
            known_remaining: Some(10),
        };
        assert_eq!(
            settle_unread_body(waiting, true, false),
            BodyPlan {
                send_continue: true,
                close: None
            }
        );
        for (streams, no_body) in [(false, false), (true, true), (false, true)] {
            assert_eq!(
                settle_unread_body(waiting, streams, no_body),
                BodyPlan {
                    send_continue: false,
                    close: Some(Close::ContinueWithheld)
                },
                "streams={streams} no_body={no_body}"
            );
        }
    }

    #[test]
    fn conn_header_follows_the_decision_and_the_version() {
        assert_eq!(
            conn_header(Some(Close::AppAsked), Version::HTTP_11),
            ConnHeader::Close
        );
        assert_eq!(
            conn_header(Some(Close::Http10), Version::HTTP_10),
            ConnHeader::Close
        );
        assert_eq!(conn_header(None, Version::HTTP_10), ConnHeader::KeepAlive);
        assert_eq!(conn_header(None, Version::HTTP_11), ConnHeader::None);
    }

    #[test]
    fn framing_by_status_method_body_and_version() {
        let full = Body::from("hello");
        let stream = Body::from_stream(futures_stream());
        let v11 = Version::HTTP_11;
        assert_eq!(
            response_framing(StatusCode::NO_CONTENT, Some(3), &full, false, v11),
            Framing::NoBody {
                content_length: None
            }
        );
        assert_eq!(
            response_framing(StatusCode::NOT_MODIFIED, Some(3), &full, false, v11),
            Framing::NoBody {
                content_length: Some(3)
            }
        );
        assert_eq!(
            response_framing(StatusCode::OK, None, &full, true, v11),
            Framing::NoBody {
                content_length: Some(5)
            }
        );
        assert_eq!(
            response_framing(StatusCode::OK, Some(9), &full, false, v11),
            Framing::Length(5)
        );
        assert_eq!(
            response_framing(StatusCode::OK, Some(9), &stream, false, v11),
            Framing::Length(9)
        );
        assert_eq!(
            response_framing(StatusCode::OK, None, &stream, false, v11),
            Framing::Chunked
        );
        assert_eq!(
            response_framing(StatusCode::OK, None, &stream, false, Version::HTTP_10),
            Framing::UntilClose
        );
    }

    fn futures_stream(
    ) -> impl futures_core::Stream<Item = Result<bytes::Bytes, std::io::Error>> + Send + 'static
    {
        struct Once(Option<bytes::Bytes>);
        impl futures_core::Stream for Once {
            type Item = Result<bytes::Bytes, std::io::Error>;
            fn poll_next(
                mut self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                std::task::Poll::Ready(self.0.take().map(Ok))
            }
        }
        Once(Some(bytes::Bytes::from_static(b"x")))
    }

    #[test]
    fn websocket_offered_only_for_a_valid_upgrade() {
        let cfg = Config::default();
        let scope = Scope::new(
            None,
            None,
            crate::scope::Scheme::Http,
            cfg.root_path.clone(),
            Version::HTTP_11,
        );
        let request = |headers: &[(&str, &str)]| {
            let mut map = HeaderMap::new();
            for (k, v) in headers {
                map.append(
                    http::header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    v.parse().unwrap(),
                );
            }
            build_request(
                Method::GET,
                Uri::from_static("/ws"),
                Version::HTTP_11,
                map,
                Body::empty(),
                scope.clone(),
            )
        };
        let mut plain = request(&[("host", "x")]);
        assert_eq!(offer_websocket(&mut plain, false, &cfg), Ok(false));
        assert!(plain.extensions().get::<Scope>().is_some());

        let valid = [
            ("host", "x"),
            ("upgrade", "websocket"),
            ("connection", "Upgrade"),
            ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
            ("sec-websocket-version", "13"),
        ];
        let mut req = request(&valid);
        assert_eq!(offer_websocket(&mut req, true, &cfg), Ok(true));
        assert!(req.extensions().get::<WebSocketUpgrade>().is_some());

        let mut bad = request(&valid[..4]);
        assert!(offer_websocket(&mut bad, true, &cfg).is_err());
        assert!(bad.extensions().get::<WebSocketUpgrade>().is_none());
    }
}
