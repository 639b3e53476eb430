//! Drives one connection: read a head, hand the request to the app, feed its body while the
//! app runs, write the response, then decide whether the connection lives on.
//!
//! Requests are served strictly one after another, so pipelined responses leave in order. The
//! next head is parsed only after the previous response is fully encoded, and pending output is
//! flushed before every wait on the socket and whenever it passes
//! [`MAX_PENDING_WRITE`](super::io::MAX_PENDING_WRITE): a pipelining client that does not read
//! cannot make the server parse or buffer ahead without bound.

use std::any::Any;
use std::future::poll_fn;
use std::future::Future;
use std::net::SocketAddr;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;

use http::uri::PathAndQuery;
use http::{Method, Request, StatusCode, Uri, Version};
use tokio::time::Instant;

use super::decode::{Decoded, Decoder};
use super::encode::{self, ConnHeader, Framing, ResponseMeta};
use super::io::{deadline, ReadBuf, ReadError, Timer, Transport, WriteBuf, MAX_PENDING_WRITE};
use super::role::{self, BodyLength, Head, HeadError, Persist};
use crate::after::AfterResponse;
use crate::app::App;
use crate::body::{self, Body, BodyError, BodyErrorKind, Feeder, Want};
use crate::config::Config;
use crate::proto::panic::CatchUnwind;
use crate::proto::ws::{
    self,
    deflate::{self, DeflateConfig},
    handshake,
};
use crate::proxy;
use crate::scope::{Scheme, Scope};
use crate::server::Shared;
use crate::shutdown::DrainWatch;
use crate::websocket::{Accepted, WebSocketUpgrade};

/// Unread request body the server will read and discard to keep a connection alive after the
/// app answered without reading it; a larger remainder closes the connection instead.
pub(crate) const MAX_DRAIN: u64 = 64 * 1024;

/// How long a closing connection keeps reading (and discarding) what the client still sends,
/// so that the client receives the final response instead of a reset.
pub(crate) const LINGER_TIMEOUT: Duration = Duration::from_secs(2);

/// The most bytes discarded while lingering.
const MAX_LINGER: usize = 1024 * 1024;

/// What the server knows of the connection, copied into every request's [`Scope`].
#[derive(Clone, Debug)]
pub(crate) struct ConnInfo {
    pub(crate) peer: Option<SocketAddr>,
    pub(crate) local: Option<SocketAddr>,
    pub(crate) scheme: Scheme,
}

/// Serves every request of one connection, then closes it.
pub(crate) async fn serve_connection<T: Transport, A: App>(
    io: T,
    app: Arc<A>,
    shared: Arc<Shared>,
    info: ConnInfo,
) {
    let accepted = Instant::now();
    let cfg = &shared.cfg;
    let scope = Scope::new(
        info.peer,
        info.local,
        info.scheme,
        cfg.root_path.clone(),
        Version::HTTP_11,
    )
    .with_shutdown_signal(shared.shutdown_signal());
    let trust_proxy =
        cfg.proxy_headers && cfg.forwarded_allow_ips.trusts(info.peer.map(|p| p.ip()));
    let mut conn = Conn {
        timer: Timer::new(deadline(accepted, cfg.header_read_timeout)),
        io,
        rb: ReadBuf::new(),
        wb: WriteBuf::new(),
        logged_client: info.peer,
        scope,
        trust_proxy,
        served: 0,
        outcome: None,
        drain: shared.drain.watch(),
        shared,
    };
    conn.run(&*app, accepted).await;
}

struct Conn<T> {
    io: T,
    rb: ReadBuf,
    wb: WriteBuf,
    timer: Timer,
    shared: Arc<Shared>,
    /// The scope every request of this connection starts from.
    scope: Scope,
    /// The peer may set proxy headers.
    trust_proxy: bool,
    served: u64,
    /// Status and body bytes of the response last written, for the access log.
    outcome: Option<(StatusCode, u64)>,
    /// The client address of the current request, after proxy headers.
    logged_client: Option<SocketAddr>,
    /// Wakes the connection when a graceful shutdown starts while it idles.
    drain: DrainWatch,
}

/// Counts a request against `limit_concurrency` while it is handled.
struct InFlight(Arc<Shared>);

impl InFlight {
    fn enter(shared: &Arc<Shared>, limit: usize) -> Option<InFlight> {
        if shared.in_flight.fetch_add(1, Ordering::AcqRel) >= limit {
            shared.in_flight.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        Some(InFlight(shared.clone()))
    }
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::AcqRel);
    }
}

/// The outcome of reading a request head.
// Returned once per request and matched at once; boxing the head would cost an allocation.
#[allow(clippy::large_enum_variant)]
enum Next {
    Head(Head),
    /// The peer closed, failed or idled out between requests: close quietly.
    Close,
    /// A graceful shutdown reached an idle connection: close it gracefully.
    Drain,
    /// The head is unacceptable: answer and close.
    Reject(HeadError),
}

/// What happens to the connection once an exchange is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum After {
    KeepAlive,
    /// Flush, half-close, and linger so the client sees the last response.
    Close,
    /// The connection is unusable (I/O failure, truncated response): drop it.
    Abort,
}

const HEADER_TIMEOUT: HeadError = HeadError {
    status: StatusCode::REQUEST_TIMEOUT,
    reason: "Request header timeout",
};

impl<T: Transport> Conn<T> {
    async fn run<A: App>(&mut self, app: &A, accepted: Instant) {
        let mut idle_since = accepted;
        loop {
            let head = match self.read_head(idle_since).await {
                Next::Head(head) => head,
                Next::Close => {
                    // Output already produced still goes out (bounded: the peer may be gone).
                    let _ = tokio::time::timeout(LINGER_TIMEOUT, self.wb.flush(&self.io)).await;
                    return;
                }
                Next::Drain => {
                    self.close().await;
                    return;
                }
                Next::Reject(err) => {
                    self.reject(err.status, err.reason);
                    self.close().await;
                    return;
                }
            };
            self.served += 1;
            // The server-wide accounting around one exchange: the concurrency limit, the
            // request count and the access log. Inlined here rather than an `async fn` of its
            // own: each nested future is built and then moved into this one's state, and that
            // copy is measurable per request.
            let started = self.shared.cfg.access_log.then(Instant::now);
            let log_target = started.map(|_| (head.method.clone(), head.uri.clone(), head.version));
            self.outcome = None;
            let in_flight = match self.shared.cfg.limit_concurrency {
                Some(limit) => match InFlight::enter(&self.shared, limit) {
                    Some(guard) => Some(guard),
                    None => {
                        self.reject(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
                        self.log_access(started, log_target);
                        self.close().await;
                        return;
                    }
                },
                None => None,
            };
            self.shared.count_request();
            let after = self.respond(app, head).await;
            drop(in_flight);
            self.log_access(started, log_target);
            match after {
                After::KeepAlive => idle_since = Instant::now(),
                After::Close => {
                    self.close().await;
                    return;
                }
                After::Abort => return,
            }
        }
    }

    async fn read_head(&mut self, idle_since: Instant) -> Next {
        let mut started: Option<Instant> = None;
        loop {
            if self.rb.is_empty() && self.shared.drain.is_draining() {
                // A request that already arrived is served (with `connection: close`); an
                // idle connection is closed gracefully.
                match self.rb.try_read(&self.io) {
                    Ok(n) if n > 0 => {}
                    _ => return Next::Drain,
                }
            }
            if !self.rb.is_empty() {
                match role::parse_head(&mut self.rb.buf, &self.shared.cfg) {
                    Ok(Some(head)) => return Next::Head(head),
                    Ok(None) => {}
                    Err(err) => return Next::Reject(err),
                }
                started.get_or_insert_with(Instant::now);
            }
            if self.wb.has_pending() && self.wb.flush(&self.io).await.is_err() {
                return Next::Close;
            }
            self.wb.release();
            // A new connection's first head is timed from accept, so idling before the first
            // byte does not buy a slow client more time.
            let until = match started {
                _ if self.served == 0 => deadline(idle_since, self.shared.cfg.header_read_timeout),
                Some(t) => deadline(t, self.shared.cfg.header_read_timeout),
                None => deadline(idle_since, self.shared.cfg.keep_alive_timeout),
            };
            let read = if started.is_none() {
                // Idle between requests: a graceful shutdown closes the connection at once.
                tokio::select! {
                    biased;
                    r = self.rb.read(&self.io, &mut self.timer, until) => r,
                    // The loop's top serves a request that slipped in, or closes.
                    () = poll_fn(|cx| self.drain.poll(cx)) => continue,
                }
            } else {
                self.rb.read(&self.io, &mut self.timer, until).await
            };
            match read {
                Ok(0) => return Next::Close,
                Err(ReadError::Io(err)) => {
                    tracing::debug!(error = %err, "connection read failed");
                    return Next::Close;
                }
                Ok(_) => {}
                Err(ReadError::Timeout) if started.is_some() => {
                    return Next::Reject(HEADER_TIMEOUT)
                }
                Err(ReadError::Timeout) => return Next::Close,
            }
        }
    }

    #[inline]
    fn log_access(&self, started: Option<Instant>, target: Option<(Method, Uri, Version)>) {
        if started.is_some() {
            self.write_access_line(started, target);
        }
    }

    #[cold]
    fn write_access_line(&self, started: Option<Instant>, target: Option<(Method, Uri, Version)>) {
        let (Some(started), Some((method, uri, version))) = (started, target) else {
            return;
        };
        let (status, bytes) = self
            .outcome
            .unwrap_or((StatusCode::INTERNAL_SERVER_ERROR, 0));
        let client = self
            .logged_client
            .map_or_else(|| "-".to_string(), |c| c.to_string());
        let path = uri.path_and_query().map_or("*", |p| p.as_str());
        let micros = started.elapsed().as_micros() as u64;
        if self.shared.cfg.access_log_json {
            tracing::info!(
                target: "ferrapi::access",
                client = %client,
                method = %method,
                path = %path,
                http_version = ?version,
                status = status.as_u16(),
                bytes,
                duration_us = micros,
                "request"
            );
        } else {
            tracing::info!(
                target: "ferrapi::access",
                "{client} - \"{method} {path} {version:?}\" {} {} {bytes}B {}.{:03}ms",
                status.as_u16(),
                status.canonical_reason().unwrap_or(""),
                micros / 1000,
                micros % 1000,
            );
        }
    }

    /// Serves one request: runs the app, writes its response, settles the connection.
    async fn respond<A: App>(&mut self, app: &A, head: Head) -> After {
        let Head {
            method,
            uri,
            version,
            headers,
            body: framing,
            persist,
            expect_continue,
            has_proxy_headers,
            has_upgrade,
        } = head;
        let is_head = method == Method::HEAD;
        let target = Target {
            method: method.clone(),
            path: uri.path_and_query().cloned(),
        };

        let (body, mut feed) = match framing {
            BodyLength::Empty => (Body::empty(), None),
            BodyLength::Known(n) if self.shared.cfg.max_body_size.is_some_and(|max| n > max) => {
                self.reject(StatusCode::PAYLOAD_TOO_LARGE, "Request body too large");
                return After::Close;
            }
            BodyLength::Known(n) if self.rb.buf.len() as u64 >= n => {
                (Body::from(self.rb.buf.split_to(n as usize).freeze()), None)
            }
            BodyLength::Known(n) => Feed::start(Some(n), Decoder::length(n), expect_continue),
            BodyLength::Chunked => Feed::start(None, Decoder::chunked(), expect_continue),
        };

        let mut scope = self.scope.clone();
        scope.set_http_version(version);
        if self.trust_proxy && has_proxy_headers {
            let cfg = &self.shared.cfg;
            proxy::apply(
                &mut scope,
                &headers,
                &cfg.forwarded_allow_ips,
                &cfg.root_path,
            );
        }
        self.logged_client = scope.client();
        let mut req = Request::new(body);
        *req.method_mut() = method;
        *req.uri_mut() = uri;
        *req.version_mut() = version;
        *req.headers_mut() = headers;
        req.extensions_mut().insert(scope);
        let websocket = has_upgrade && handshake::is_upgrade_request(&req);
        if websocket {
            match handshake::validate(&req) {
                Ok(upgrade) => {
                    let deflate = if self.shared.cfg.ws_per_message_deflate {
                        deflate::negotiate(&upgrade.extensions, &DeflateConfig::default())
                    } else {
                        None
                    };
                    req.extensions_mut()
                        .insert(WebSocketUpgrade::new(upgrade, deflate));
                }
                Err(err) => {
                    let (parts, body) = err.response().into_parts();
                    self.write_simple(parts.status, &parts.headers, body);
                    return After::Close;
                }
            }
        }

        // Earlier pipelined responses go out before this request's body is awaited: the client
        // may be waiting for them before it sends more.
        if feed.is_some() && self.wb.has_pending() && self.wb.flush(&self.io).await.is_err() {
            return After::Abort;
        }

        // Phase 1: run the app until it returns a response, feeding the body it reads.
        // `call` may work before it returns its future (an app that builds its request and
        // routes it there, so that its future stays small): a panic there is the app's too.
        let fut = match catch_unwind(AssertUnwindSafe(|| app.call(req))) {
            Ok(fut) => fut,
            Err(panic) => {
                log_panic(&target, &*panic);
                self.reject(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
                return After::Close;
            }
        };
        let mut fut = pin!(CatchUnwind::new(fut));
        // Most apps answer in their first poll: try that before building the select below.
        let mut first = match poll_fn(|cx| Poll::Ready(fut.as_mut().poll(cx))).await {
            Poll::Ready(r) => Some(Step::Done(r)),
            Poll::Pending => None,
        };
        let response = loop {
            let step = match feed.as_mut().filter(|f| f.is_active()) {
                _ if first.is_some() => first.take().expect("checked"),
                Some(f) => tokio::select! {
                    biased;
                    r = &mut fut => Step::Done(r),
                    r = f.feed_once(&self.io, &mut self.rb, &mut self.wb, &mut self.timer, &self.shared.cfg) => Step::Fed(r),
                },
                None => tokio::select! {
                    biased;
                    r = &mut fut => Step::Done(r),
                    r = self.wb.flush(&self.io), if self.wb.has_pending() => Step::Flushed(r.is_ok()),
                    () = watch_peer(&self.io, &mut self.rb, self.shared.cfg.max_head_size) => Step::PeerGone,
                },
            };
            match step {
                Step::Done(Ok(response)) => break response,
                Step::Done(Err(panic)) => {
                    log_panic(&target, &*panic);
                    self.reject(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
                    return After::Close;
                }
                Step::Fed(Ok(())) | Step::Flushed(true) => {}
                Step::Fed(Err(err)) => {
                    if let Some(f) = feed.as_mut() {
                        f.feeder.fail(err.body_error());
                    }
                    return match err.status() {
                        Some((status, reason)) => {
                            self.reject(status, reason);
                            After::Close
                        }
                        None => After::Abort,
                    };
                }
                Step::Flushed(false) | Step::PeerGone => return After::Abort,
            }
        };

        // Phase 2: write the response.
        let (mut parts, mut body) = response.into_parts();
        if parts.status == StatusCode::SWITCHING_PROTOCOLS {
            return match parts.extensions.remove::<Accepted>().filter(|_| websocket) {
                Some(accepted) => Box::pin(self.switch_to_websocket(accepted, parts.headers)).await,
                None => {
                    tracing::error!(method = %target.method, path = %target.path(), "101 response without an accepted WebSocket upgrade");
                    self.reject(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error");
                    After::Close
                }
            };
        }
        let meta = ResponseMeta::scan(&parts.headers);
        let framing = response_framing(parts.status, meta.content_length, &body, is_head, version);
        // While draining, the last request already received closes the connection.
        let mut close = persist == Persist::Close
            || framing == Framing::UntilClose
            || meta.close
            || (self.shared.drain.is_draining() && self.rb.is_empty())
            // A denied WebSocket client may already be sending frames: do not parse them as
            // requests.
            || websocket;
        if let Some(f) = feed.as_mut() {
            let finished_without_reading = body.as_full().is_some() || body.exact_len() == Some(0);
            if finished_without_reading
                && f.decoder
                    .known_remaining()
                    .is_some_and(|rem| rem > MAX_DRAIN)
            {
                // Too much unread body to discard: say so now rather than by closing.
                close = true;
            }
            if f.expect_continue {
                let streams = body.as_full().is_none() && body.exact_len() != Some(0);
                if streams && !matches!(framing, Framing::NoBody { .. }) {
                    // The response streams and may be the request body itself (an echo): the
                    // client must be told to send it before it sees the final status.
                    self.wb.buf_mut().extend_from_slice(encode::CONTINUE);
                    f.expect_continue = false;
                } else {
                    // The client is holding the body back; without `100 Continue` it will not
                    // send it, so this connection cannot be reused safely.
                    close = true;
                }
            }
        }
        let conn_header = if close {
            ConnHeader::Close
        } else if version == Version::HTTP_10 {
            ConnHeader::KeepAlive
        } else {
            ConnHeader::None
        };
        encode::head(
            self.wb.buf_mut(),
            parts.status,
            &parts.headers,
            meta,
            framing,
            conn_header,
            &self.shared.cfg,
        );
        let status = parts.status;
        let after_response = parts.extensions.remove::<AfterResponse>();
        drop(parts);
        // Recorded now, so the access log is right even if the body is cut short.
        self.outcome = Some((status, 0));

        let sent = match framing {
            Framing::NoBody { .. } => Ok(0),
            _ => match body.as_full() {
                Some(full) => {
                    let len = full.len() as u64;
                    self.wb.push_bytes(full.clone());
                    Ok(len)
                }
                // Boxed: the streaming state is large and most responses are full bodies;
                // inline, it would enlarge every connection's future (idle memory included).
                None => Box::pin(self.stream_body(&mut body, framing, &mut feed, &target)).await,
            },
        };
        drop(body);
        match sent {
            Ok(bytes) => self.outcome = Some((status, bytes)),
            Err(after) => return after,
        }
        if self.wb.pending_len() >= MAX_PENDING_WRITE && self.wb.flush(&self.io).await.is_err() {
            return After::Abort;
        }
        if let Some(task) = after_response.and_then(|a| a.take()) {
            // The client has the whole response before the background work starts.
            if self.wb.flush(&self.io).await.is_err() {
                return After::Abort;
            }
            if let Err(panic) = CatchUnwind::new(task).await {
                let message = crate::proto::panic::message(&*panic);
                tracing::error!(method = %target.method, path = %target.path(), panic = message, "background task panicked");
            }
        }

        // Phase 3: make the connection ready for the next request.
        if let Some(mut f) = feed {
            if !f.decoder.is_done() && !close {
                // The answer goes out before the leftover body is read: an early response (say a
                // 401 to an upload) must not wait for the upload.
                if self.wb.flush(&self.io).await.is_err() {
                    return After::Abort;
                }
                if !f
                    .drain(&self.io, &mut self.rb, &mut self.timer, &self.shared.cfg)
                    .await
                {
                    close = true;
                }
            }
        }
        if close {
            After::Close
        } else {
            After::KeepAlive
        }
    }

    /// Streams a response body, feeding the request body meanwhile (an echo reads one while
    /// writing the other).
    async fn stream_body(
        &mut self,
        body: &mut Body,
        framing: Framing,
        feed: &mut Option<Feed>,
        target: &Target,
    ) -> Result<u64, After> {
        // The head (and any `100 Continue`) leaves now: a streaming response's client should
        // see the status at once, and an echo's client may wait for it before sending more.
        if self.wb.flush(&self.io).await.is_err() {
            return Err(After::Abort);
        }
        let mut written: u64 = 0;
        loop {
            let step = match feed.as_mut().filter(|f| f.is_active()) {
                Some(f) => tokio::select! {
                    biased;
                    c = poll_fn(|cx| poll_body(body, cx)) => c,
                    r = f.feed_once(&self.io, &mut self.rb, &mut self.wb, &mut self.timer, &self.shared.cfg) => match r {
                        Ok(()) => continue,
                        Err(err) => {
                            f.feeder.fail(err.body_error());
                            return Err(After::Abort);
                        }
                    },
                },
                None => tokio::select! {
                    biased;
                    c = poll_fn(|cx| poll_body(body, cx)) => c,
                    () = watch_peer(&self.io, &mut self.rb, self.shared.cfg.max_head_size) => return Err(After::Abort),
                },
            };
            let data = match step {
                BodyStep::Data(data) => data,
                BodyStep::End => break,
                BodyStep::Error(err) => {
                    tracing::error!(method = %target.method, path = %target.path(), error = %err, "response body failed; closing the connection");
                    return Err(After::Abort);
                }
                BodyStep::Panic(panic) => {
                    log_panic(target, &*panic);
                    return Err(After::Abort);
                }
            };
            if data.is_empty() {
                continue;
            }
            written += data.len() as u64;
            if let Some(outcome) = self.outcome.as_mut() {
                outcome.1 = written;
            }
            match framing {
                Framing::Length(n) if written > n => {
                    tracing::error!(method = %target.method, path = %target.path(), "response body longer than its Content-Length; closing the connection");
                    return Err(After::Abort);
                }
                Framing::Chunked => {
                    encode::chunk_header(self.wb.buf_mut(), data.len());
                    self.wb.push_bytes(data);
                    self.wb.buf_mut().extend_from_slice(encode::CHUNK_END);
                }
                _ => self.wb.push_bytes(data),
            }
            // Each chunk goes out as it is produced: streaming responses (server-sent events,
            // progress output) must not sit in a buffer.
            if self.wb.flush(&self.io).await.is_err() {
                return Err(After::Abort);
            }
        }
        match framing {
            Framing::Length(n) if written < n => {
                tracing::error!(method = %target.method, path = %target.path(), "response body shorter than its Content-Length; closing the connection");
                Err(After::Abort)
            }
            Framing::Chunked => {
                self.wb.buf_mut().extend_from_slice(encode::LAST_CHUNK);
                Ok(written)
            }
            _ => Ok(written),
        }
    }

    /// Writes the `101` head of an accepted upgrade and runs the WebSocket until it closes.
    async fn switch_to_websocket(&mut self, accepted: Accepted, extra: http::HeaderMap) -> After {
        let mut head = match accepted
            .handshake()
            .response(accepted.protocol.as_deref(), accepted.deflate())
        {
            Ok(head) => head,
            Err(_) => {
                self.reject(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Invalid WebSocket subprotocol",
                );
                return After::Close;
            }
        };
        for (name, value) in &extra {
            head.headers_mut().append(name.clone(), value.clone());
        }
        let meta = ResponseMeta::scan(head.headers());
        encode::head(
            self.wb.buf_mut(),
            StatusCode::SWITCHING_PROTOCOLS,
            head.headers(),
            meta,
            Framing::NoBody {
                content_length: None,
            },
            ConnHeader::Upgrade,
            &self.shared.cfg,
        );
        self.outcome = Some((StatusCode::SWITCHING_PROTOCOLS, 0));
        if self.wb.flush(&self.io).await.is_err() {
            return After::Abort;
        }
        // Boxed for the same reason as `stream_body`: a WebSocket's state (handler, codec,
        // queues) is large, and only upgraded connections need it.
        Box::pin(ws::conn::run(
            &self.io,
            &mut self.rb,
            &mut self.wb,
            &mut self.timer,
            &self.shared,
            &mut self.drain,
            accepted,
        ))
        .await;
        After::Close
    }

    /// Queues a complete response with a fixed body; the caller closes the connection.
    fn write_simple(&mut self, status: StatusCode, headers: &http::HeaderMap, body: &str) {
        encode::head(
            self.wb.buf_mut(),
            status,
            headers,
            ResponseMeta::scan(headers),
            Framing::Length(body.len() as u64),
            ConnHeader::Close,
            &self.shared.cfg,
        );
        self.wb.buf_mut().extend_from_slice(body.as_bytes());
        self.outcome = Some((status, body.len() as u64));
    }

    /// Queues a plain-text error response; the caller closes the connection.
    fn reject(&mut self, status: StatusCode, reason: &str) {
        encode::error(self.wb.buf_mut(), status, reason, &self.shared.cfg);
        self.outcome = Some((status, reason.len() as u64));
    }

    /// Flushes, half-closes, and reads what the client still sends for a moment, so that
    /// unread request bytes do not turn the close into a reset that destroys the response.
    async fn close(&mut self) {
        if self.wb.flush(&self.io).await.is_err() {
            return;
        }
        self.io.shutdown_write();
        let until = deadline(Instant::now(), LINGER_TIMEOUT);
        let mut discarded = 0;
        while discarded < MAX_LINGER {
            self.rb.buf.clear();
            match self.rb.read(&self.io, &mut self.timer, until).await {
                Ok(0) | Err(_) => break,
                Ok(n) => discarded += n,
            }
        }
    }
}

/// The method and path of the request being served, kept for log lines. Only the path is
/// kept: cloning and dropping the whole `Uri` (scheme, authority, path) for every request cost
/// about 100 instructions (callgrind); one shared `Bytes` handle costs a third of that.
struct Target {
    method: Method,
    path: Option<PathAndQuery>,
}

impl Target {
    fn path(&self) -> &str {
        self.path.as_ref().map_or("", PathAndQuery::path)
    }
}

enum Step {
    Done(Result<http::Response<Body>, Box<dyn Any + Send>>),
    Fed(Result<(), FeedError>),
    Flushed(bool),
    /// The client closed the connection (or it failed) while the app was working.
    PeerGone,
}

/// Resolves when the peer closes the connection or it fails, which is how a disconnect
/// cancels the app (ASGI's `http.disconnect`; hyper drops the service future the same way).
/// Bytes that arrive meanwhile (pipelined requests) are kept for later, up to `cap`; past it
/// the watch stops reading, so a client cannot make the server buffer ahead without bound.
///
/// A client that half-closes its side after sending a request is treated as gone, as hyper
/// does by default.
async fn watch_peer<T: Transport>(io: &T, rb: &mut ReadBuf, cap: usize) {
    loop {
        if rb.buf.len() >= cap {
            return std::future::pending().await;
        }
        match rb.try_read(io) {
            Ok(0) => return,
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                if poll_fn(|cx| io.poll_read_ready(cx)).await.is_err() {
                    return;
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

enum BodyStep {
    Data(Bytes),
    End,
    Error(BodyError),
    Panic(Box<dyn Any + Send>),
}

fn poll_body(body: &mut Body, cx: &mut Context<'_>) -> Poll<BodyStep> {
    match catch_unwind(AssertUnwindSafe(|| body.poll_chunk(cx))) {
        Ok(Poll::Ready(Some(Ok(data)))) => Poll::Ready(BodyStep::Data(data)),
        Ok(Poll::Ready(Some(Err(err)))) => Poll::Ready(BodyStep::Error(err)),
        Ok(Poll::Ready(None)) => Poll::Ready(BodyStep::End),
        Ok(Poll::Pending) => Poll::Pending,
        Err(panic) => Poll::Ready(BodyStep::Panic(panic)),
    }
}

fn response_framing(
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

fn log_panic(target: &Target, panic: &(dyn Any + Send)) {
    let message = crate::proto::panic::message(panic);
    tracing::error!(method = %target.method, path = %target.path(), panic = message, "exception in app");
}

/// Why feeding a request body failed.
#[derive(Debug)]
enum FeedError {
    TooLarge,
    Timeout,
    Malformed(&'static str),
    /// EOF or an I/O error: the client is gone.
    Gone,
}

impl FeedError {
    fn body_error(&self) -> BodyErrorKind {
        match self {
            FeedError::TooLarge => BodyErrorKind::TooLarge,
            FeedError::Timeout => BodyErrorKind::Timeout,
            FeedError::Malformed(_) => BodyErrorKind::Malformed,
            FeedError::Gone => BodyErrorKind::Incomplete,
        }
    }

    /// The response owed to the client, if it can still receive one.
    fn status(&self) -> Option<(StatusCode, &'static str)> {
        match self {
            FeedError::TooLarge => Some((StatusCode::PAYLOAD_TOO_LARGE, "Request body too large")),
            FeedError::Timeout => Some((StatusCode::REQUEST_TIMEOUT, "Request body timeout")),
            FeedError::Malformed(reason) => Some((StatusCode::BAD_REQUEST, reason)),
            FeedError::Gone => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FeedState {
    Active,
    /// The body was decoded to its end and handed over.
    Done,
    /// The app dropped the body.
    Dropped,
}

/// The connection's side of a streaming request body.
struct Feed {
    feeder: Feeder,
    decoder: Decoder,
    /// `100 Continue` is owed when the app first reads.
    expect_continue: bool,
    state: FeedState,
    received: u64,
}

impl Feed {
    fn start(len: Option<u64>, decoder: Decoder, expect_continue: bool) -> (Body, Option<Feed>) {
        let (feeder, incoming) = body::channel(len);
        let feed = Feed {
            feeder,
            decoder,
            expect_continue,
            state: FeedState::Active,
            received: 0,
        };
        (Body::incoming(incoming), Some(feed))
    }

    fn is_active(&self) -> bool {
        self.state == FeedState::Active
    }

    /// Waits for the app to ask for a chunk, then reads and hands over one. Cancel safe: it
    /// only awaits the app's demand, a flush (which records progress) and socket reads (bytes
    /// read are kept in the buffer).
    async fn feed_once<T: Transport>(
        &mut self,
        io: &T,
        rb: &mut ReadBuf,
        wb: &mut WriteBuf,
        timer: &mut Timer,
        cfg: &Config,
    ) -> Result<(), FeedError> {
        // While the app is not asking for the body, the socket is still watched: a client that
        // leaves cancels the app even if it never reads.
        let want = tokio::select! {
            biased;
            want = poll_fn(|cx| self.feeder.poll_want(cx)) => want,
            () = watch_peer(io, rb, cfg.max_head_size) => return Err(FeedError::Gone),
        };
        if want == Want::Dropped {
            self.state = FeedState::Dropped;
            return Ok(());
        }
        if self.expect_continue {
            wb.buf_mut().extend_from_slice(encode::CONTINUE);
            wb.flush(io).await.map_err(|_| FeedError::Gone)?;
            self.expect_continue = false;
        }
        loop {
            match self.decoder.decode(&mut rb.buf) {
                Ok(Decoded::Data(data)) => {
                    self.received += data.len() as u64;
                    if cfg.max_body_size.is_some_and(|max| self.received > max) {
                        return Err(FeedError::TooLarge);
                    }
                    self.feeder.send(data);
                    return Ok(());
                }
                Ok(Decoded::End(trailers)) => {
                    self.feeder.finish(trailers);
                    self.state = FeedState::Done;
                    return Ok(());
                }
                Ok(Decoded::NeedMore) => {}
                Err(err) => return Err(FeedError::Malformed(err.0)),
            }
            let until = deadline(Instant::now(), cfg.body_read_timeout);
            match rb.read(io, timer, until).await {
                Ok(0) | Err(ReadError::Io(_)) => return Err(FeedError::Gone),
                Ok(_) => {}
                Err(ReadError::Timeout) => return Err(FeedError::Timeout),
            }
        }
    }

    /// Reads and discards the rest of an unread body, up to [`MAX_DRAIN`]; `true` when the
    /// body ended and the connection can serve another request.
    async fn drain<T: Transport>(
        &mut self,
        io: &T,
        rb: &mut ReadBuf,
        timer: &mut Timer,
        cfg: &Config,
    ) -> bool {
        if self.expect_continue {
            return false;
        }
        let mut drained = 0u64;
        loop {
            match self.decoder.decode(&mut rb.buf) {
                Ok(Decoded::Data(data)) => {
                    drained += data.len() as u64;
                    if drained > MAX_DRAIN {
                        return false;
                    }
                }
                Ok(Decoded::End(_)) => return true,
                Ok(Decoded::NeedMore) => {
                    let until = deadline(Instant::now(), cfg.body_read_timeout);
                    match rb.read(io, timer, until).await {
                        Ok(n) if n > 0 => {}
                        _ => return false,
                    }
                }
                Err(_) => return false,
            }
        }
    }
}
