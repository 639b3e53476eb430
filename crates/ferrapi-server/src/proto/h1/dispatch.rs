//! Drives one connection: read a head, hand the request to the app, feed its body while the
//! app runs, write the response, then decide whether the connection lives on.
//!
//! Requests are served strictly one after another, so pipelined responses leave in order. The
//! next head is parsed only after the previous response is fully encoded, and pending output is
//! flushed before every wait on the socket and whenever it passes
//! [`MAX_PENDING_WRITE`](super::io::MAX_PENDING_WRITE): a pipelining client that does not read
//! cannot make the server parse or buffer ahead without bound.
//!
//! The decisions it applies (the request built from the head, the upgrade offer, the response
//! framing, `100 Continue`, why the connection closes) are plain functions in
//! [`exchange`](super::exchange); feeding the request body to the app is [`feed`](super::feed).
//! The tests at the bottom drive a connection over the in-memory transport of `mem`.

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
use http::{Method, StatusCode, Uri, Version};
use tokio::time::Instant;

use super::decode::Decoder;
use super::encode::{self, ConnHeader, Framing, ResponseMeta};
use super::exchange::{
    self, build_request, close_after, offer_websocket, request_scope, response_framing,
    settle_unread_body, Close, Settled, UnreadBody,
};
use super::feed::{watch_peer, Feed, FeedError};
use super::io::{deadline, ReadBuf, ReadError, Timer, Transport, WriteBuf, MAX_PENDING_WRITE};
use super::role::{self, BodyLength, Head, HeadError};
use crate::after::AfterResponse;
use crate::app::App;
use crate::body::{Body, BodyError};
use crate::panic::CatchUnwind;
use crate::proto::ws;
use crate::scope::{Scheme, Scope};
use crate::server::Shared;
use crate::shutdown::DrainWatch;
use crate::websocket::Accepted;

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
        wb: WriteBuf::new().with_min_rate(cfg.min_response_rate),
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
    Close(Close),
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
                After::Close(reason) => {
                    tracing::debug!(?reason, "closing the connection");
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
                return After::Close(Close::FramingUntrusted);
            }
            BodyLength::Known(n) if self.rb.buf.len() as u64 >= n => {
                (Body::from(self.rb.buf.split_to(n as usize).freeze()), None)
            }
            BodyLength::Known(n) => Feed::start(Some(n), Decoder::length(n), expect_continue),
            BodyLength::Chunked => Feed::start(None, Decoder::chunked(), expect_continue),
        };

        let scope = request_scope(
            &self.scope,
            version,
            &headers,
            self.trust_proxy && has_proxy_headers,
            &self.shared.cfg,
        );
        self.logged_client = scope.client();
        let mut req = build_request(method, uri, version, headers, body, scope);
        let websocket = match offer_websocket(&mut req, has_upgrade, &self.shared.cfg) {
            Ok(websocket) => websocket,
            Err(err) => {
                let (parts, body) = err.response().into_parts();
                self.write_simple(parts.status, &parts.headers, body);
                return After::Close(Close::UpgradeRefused);
            }
        };

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
                return After::Close(Close::AppFailed);
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
                    return After::Close(Close::AppFailed);
                }
                Step::Fed(Ok(())) | Step::Flushed(true) => {}
                Step::Fed(Err(err)) => {
                    if let Some(f) = feed.as_mut() {
                        f.feeder.fail(err.body_error());
                    }
                    return match err.status() {
                        Some((status, reason)) => {
                            self.reject(status, reason);
                            After::Close(Close::FramingUntrusted)
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
                    After::Close(Close::AppFailed)
                }
            };
        }
        let meta = ResponseMeta::scan(&parts.headers);
        let framing = response_framing(parts.status, meta.content_length, &body, is_head, version);
        let mut close = close_after(Settled {
            persist,
            framing,
            app_close: meta.close,
            draining_idle: self.shared.drain.is_draining() && self.rb.is_empty(),
            upgrade_denied: websocket,
        });
        if let Some(f) = feed.as_mut() {
            let streams = body.as_full().is_none() && body.exact_len() != Some(0);
            let unread = UnreadBody {
                expect_continue: f.expect_continue,
                known_remaining: f.decoder.known_remaining(),
            };
            let plan =
                settle_unread_body(unread, streams, matches!(framing, Framing::NoBody { .. }));
            if plan.send_continue {
                self.wb.buf_mut().extend_from_slice(encode::CONTINUE);
                f.expect_continue = false;
            }
            close = close.or(plan.close);
        }
        let conn_header = exchange::conn_header(close, version);
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
            if let Err(panic) = CatchUnwind::<_>::new(task).await {
                let message = crate::panic::message(&*panic);
                tracing::error!(method = %target.method, path = %target.path(), panic = message, "background task panicked");
            }
        }

        // Phase 3: make the connection ready for the next request.
        if let Some(mut f) = feed {
            if !f.decoder.is_done() && close.is_none() {
                // The answer goes out before the leftover body is read: an early response (say a
                // 401 to an upload) must not wait for the upload.
                if self.wb.flush(&self.io).await.is_err() {
                    return After::Abort;
                }
                if !f
                    .drain(&self.io, &mut self.rb, &mut self.timer, &self.shared.cfg)
                    .await
                {
                    close = Some(Close::BodyUnread);
                }
            }
        }
        match close {
            Some(reason) => After::Close(reason),
            None => After::KeepAlive,
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
                return After::Close(Close::AppFailed);
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
        After::Close(Close::Upgraded)
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

fn log_panic(target: &Target, panic: &(dyn Any + Send)) {
    let message = crate::panic::message(panic);
    tracing::error!(method = %target.method, path = %target.path(), panic = message, "exception in app");
}

/// The driver over an in-memory transport: each test scripts the client's bytes and checks
/// what the server writes back, one rule at a time. The real-socket suites in `tests/` check
/// the same rules end to end.
#[cfg(test)]
mod tests {
    use std::time::Duration;

    use bytes::Bytes;
    use ferrapi_test_support::{RawResponse, ResponseReader};
    use http::{Request, Response};

    use super::super::exchange::MAX_DRAIN;
    use super::super::mem::{self, MemClient};
    use super::*;
    use crate::config::Config;
    use crate::shutdown::Drain;

    /// The test's side of one connection, reading responses with the shared test parser.
    struct Client {
        mem: MemClient,
        buf: Vec<u8>,
        eof: bool,
    }

    impl Client {
        async fn response(&mut self) -> RawResponse {
            let mut reader = ResponseReader::new(false);
            loop {
                match reader.advance(&mut self.buf, self.eof) {
                    Ok(Some(r)) => return r,
                    Ok(None) => self.fill().await,
                    Err(e) => panic!("no response: {e:?}"),
                }
            }
        }

        async fn fill(&mut self) {
            let read = self.mem.read_into(&mut self.buf);
            match tokio::time::timeout(Duration::from_secs(5), read).await {
                Ok(eof) => self.eof |= eof,
                Err(_) => panic!(
                    "the server wrote nothing for 5 s; got {:?}",
                    String::from_utf8_lossy(&self.buf)
                ),
            }
        }

        /// Waits until the server has written `needle` (and returns all it wrote so far).
        async fn wait_for(&mut self, needle: &[u8]) -> String {
            while ferrapi_test_support::find(&self.buf, needle).is_none() {
                assert!(!self.eof, "closed before {needle:?}");
                self.fill().await;
            }
            String::from_utf8_lossy(&self.buf).into_owned()
        }

        /// Asserts the server closes its side with nothing more to say.
        async fn expect_closed(&mut self) {
            while !self.eof {
                self.fill().await;
            }
            assert!(
                self.buf.is_empty(),
                "{:?}",
                String::from_utf8_lossy(&self.buf)
            );
        }
    }

    fn connect<A: App>(app: A) -> Client {
        let (io, mem) = mem::pair();
        let shared = Shared::new(Config::default(), Drain::new());
        let info = ConnInfo {
            peer: None,
            local: None,
            scheme: Scheme::Http,
        };
        tokio::spawn(serve_connection(io, Arc::new(app), shared, info));
        Client {
            mem,
            buf: Vec::new(),
            eof: false,
        }
    }

    /// Answers with the path; `/read` collects the body first, `/stream` streams two chunks.
    async fn app(req: Request<Body>) -> Response<Body> {
        match req.uri().path() {
            "/read" => match req.into_body().collect().await {
                Ok(body) => Response::new(Body::from(body)),
                Err(e) => Response::new(Body::from(format!("body error: {e}"))),
            },
            "/stream" => Response::new(Body::from_stream(Chunks(vec![
                Bytes::from_static(b"two"),
                Bytes::from_static(b"one"),
            ]))),
            path => Response::new(Body::from(path.to_owned())),
        }
    }

    /// Yields its items from the back, one per poll.
    struct Chunks(Vec<Bytes>);

    impl futures_core::Stream for Chunks {
        type Item = Result<Bytes, std::io::Error>;
        fn poll_next(
            mut self: std::pin::Pin<&mut Self>,
            _: &mut Context<'_>,
        ) -> Poll<Option<Self::Item>> {
            Poll::Ready(self.0.pop().map(Ok))
        }
    }

    #[tokio::test]
    async fn pipelined_requests_are_answered_in_order() {
        let mut c = connect(app);
        c.mem
            .send(b"GET /a HTTP/1.1\r\nHost: x\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\n\r\nGET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        for path in ["/a", "/b"] {
            let r = c.response().await;
            assert_eq!((r.status, r.text()), (200, path.to_owned()));
            assert!(!r.has("connection"), "{}", r.raw_head);
        }
        let r = c.response().await;
        assert_eq!(r.text(), "/c");
        assert_eq!(r.header("connection"), Some("close"));
        c.expect_closed().await;
    }

    #[tokio::test]
    async fn a_client_that_leaves_mid_head_gets_no_answer() {
        let mut c = connect(app);
        c.mem.send(b"GET / HTTP/1.1\r\nHo");
        c.mem.close();
        c.expect_closed().await;
    }

    #[tokio::test]
    async fn a_request_split_at_every_byte_is_served() {
        let mut c = connect(app);
        c.mem.set_read_size(1);
        c.mem
            .send(b"POST /read HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
        let r = c.response().await;
        assert_eq!((r.status, r.text()), (200, "abc".to_owned()));
    }

    #[tokio::test]
    async fn framing_follows_the_body_and_the_version() {
        let mut c = connect(app);
        c.mem.send(b"GET /full HTTP/1.1\r\nHost: x\r\n\r\n");
        let r = c.response().await;
        assert_eq!(r.header("content-length"), Some("5"));
        assert_eq!(r.chunks, None);

        c.mem.send(b"GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
        let r = c.response().await;
        assert_eq!(r.header("transfer-encoding"), Some("chunked"));
        assert_eq!(r.chunks, Some(vec![3, 3]));
        assert_eq!(r.body, b"onetwo");

        // HTTP/1.0 cannot take chunks: the close ends the body.
        c.mem
            .send(b"GET /stream HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        let r = c.response().await;
        assert!(r.until_close, "{}", r.raw_head);
        assert_eq!(r.header("connection"), Some("close"));
        assert_eq!(r.body, b"onetwo");
    }

    #[tokio::test]
    async fn http10_keep_alive_is_confirmed_and_plain_http10_closes() {
        let mut c = connect(app);
        c.mem
            .send(b"GET /a HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /b HTTP/1.0\r\n\r\n");
        let r = c.response().await;
        assert_eq!(r.header("connection"), Some("keep-alive"));
        let r = c.response().await;
        assert_eq!(r.text(), "/b");
        assert_eq!(r.header("connection"), Some("close"));
        c.expect_closed().await;
    }

    #[tokio::test]
    async fn continue_is_sent_when_the_app_reads_the_body() {
        let mut c = connect(app);
        c.mem.send(
            b"POST /read HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        );
        // The client holds its body back until told to send it.
        let sent = c.wait_for(b"\r\n\r\n").await;
        assert_eq!(sent, "HTTP/1.1 100 Continue\r\n\r\n");
        c.mem.send(b"hello");
        let interim = c.response().await;
        assert_eq!(interim.status, 100);
        let r = c.response().await;
        assert_eq!((r.status, r.text()), (200, "hello".to_owned()));
        assert!(!r.has("connection"), "{}", r.raw_head);
    }

    #[tokio::test]
    async fn no_continue_and_a_close_when_the_app_does_not_read() {
        let mut c = connect(app);
        c.mem.send(
            b"POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n",
        );
        let r = c.response().await;
        assert_eq!((r.status, r.text()), (200, "/early".to_owned()));
        assert_eq!(r.header("connection"), Some("close"));
        c.expect_closed().await;
    }

    #[tokio::test]
    async fn a_small_unread_body_is_drained_and_the_connection_kept() {
        let mut c = connect(app);
        c.mem
            .send(b"POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\n0123456789GET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        let r = c.response().await;
        assert_eq!(r.text(), "/early");
        assert!(!r.has("connection"), "{}", r.raw_head);
        let r = c.response().await;
        assert_eq!(r.text(), "/next");
    }

    #[tokio::test]
    async fn an_unread_body_sent_later_is_drained_after_the_response() {
        let mut c = connect(app);
        c.mem
            .send(b"POST /early HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        // The early answer does not wait for the body.
        let r = c.response().await;
        assert_eq!(r.text(), "/early");
        c.mem
            .send(b"5\r\nhello\r\n0\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n");
        assert_eq!(c.response().await.text(), "/next");
    }

    #[tokio::test]
    async fn a_large_unread_body_closes_the_connection() {
        let mut c = connect(app);
        let head = format!(
            "POST /early HTTP/1.1\r\nHost: x\r\nContent-Length: {}\r\n\r\n",
            MAX_DRAIN + 1
        );
        c.mem.send(head.as_bytes());
        let r = c.response().await;
        assert_eq!(r.text(), "/early");
        assert_eq!(r.header("connection"), Some("close"));
        c.expect_closed().await;
    }

    #[tokio::test]
    async fn a_chunked_unread_body_past_the_drain_limit_closes_without_notice() {
        let mut c = connect(app);
        c.mem
            .send(b"POST /early HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
        let r = c.response().await;
        // The length was unknown when the head left: no `connection: close` could be said.
        assert!(!r.has("connection"), "{}", r.raw_head);
        let chunk = vec![b'x'; MAX_DRAIN as usize + 1];
        c.mem.send(format!("{:x}\r\n", chunk.len()).as_bytes());
        c.mem.send(&chunk);
        c.expect_closed().await;
    }
}
