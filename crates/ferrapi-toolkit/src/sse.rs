//! Server-Sent Events: FastAPI's `fastapi.sse` (`EventSourceResponse`, `ServerSentEvent`).
//!
//! An [`EventSourceResponse`] streams [`ServerSentEvent`]s in the `text/event-stream` wire
//! format:
//!
//! ```
//! use std::time::Duration;
//! use ferrapi_toolkit::sse::{EventSourceResponse, ServerSentEvent};
//! use ferrapi_toolkit::Request;
//!
//! async fn ticks(req: Request) -> EventSourceResponse {
//!     let events = futures_util::stream::iter(0..3).map(|n| {
//!         ServerSentEvent::new().data(&n).event("tick").unwrap()
//!     });
//!     EventSourceResponse::new(events).until_shutdown(&req)
//! }
//! # use futures_util::StreamExt;
//! ```
//!
//! Reproduced from FastAPI:
//!
//! * the headers `content-type: text/event-stream; charset=utf-8`, `cache-control: no-cache` and
//!   `x-accel-buffering: no` (the body is chunked, with no `content-length`);
//! * the wire format of `format_sse_event`: `: comment` lines, then `event:`, `data:` (one
//!   line per line of the data; `\r\n`, `\r` and `\n` all split), `id:`, `retry:`, each line
//!   ending in `\n` and the event in a blank line;
//! * [`ServerSentEvent::data`] JSON-encodes its value (`"hello"` is sent as `data: "hello"`,
//!   with the quotes), [`ServerSentEvent::raw_data`] sends text as is;
//! * an `event` or `id` with a line break, or an `id` with a NUL, is refused (an error from
//!   the setter, where FastAPI raises a validation error);
//! * while the stream yields nothing for 15 s ([`ping_interval`](EventSourceResponse::ping_interval)),
//!   a keep-alive comment `: ping\n\n` is sent.
//!
//! The stream ends, and is dropped, when it ends by itself, when the client disconnects (the
//! server drops the response body when a write fails, at the latest at the next ping) or,
//! with [`until_shutdown`](EventSourceResponse::until_shutdown) /
//! [`until`](EventSourceResponse::until), when the server starts a graceful shutdown: the
//! response is then finished cleanly (the terminating chunk is sent), so a shutdown is never
//! held up by an event stream. FastAPI's streams end only on disconnect, which is why uvicorn
//! shutdowns hang on them without `--timeout-graceful-shutdown`.
//!
//! Differences: the response is built from a stream of events rather than by declaring
//! `response_class=EventSourceResponse` on a generator endpoint; plain values are not
//! wrapped implicitly (map them with [`ServerSentEvent::new`]`().data(…)`).

use std::convert::Infallible;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use ferrapi_server::ShutdownSignal;
use futures_core::Stream;
use http::header::{self, HeaderValue};
use serde::Serialize;

use crate::requests::Request;
use crate::responses::{IntoResponse, Response, Streaming};

/// The keep-alive comment (FastAPI's `KEEPALIVE_COMMENT`).
pub const KEEPALIVE_COMMENT: &[u8] = b": ping\n\n";

/// How long the stream may stay idle before a keep-alive comment is sent (FastAPI's
/// `_PING_INTERVAL`).
pub const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(15);

/// An `event` or `id` that cannot be sent (a line break, or a NUL in an id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidField {
    message: String,
}

impl fmt::Display for InvalidField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for InvalidField {}

/// One event (FastAPI's `ServerSentEvent`). All fields are optional; an event with none of
/// them is a lone blank line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerSentEvent {
    data: Option<String>,
    event: Option<String>,
    id: Option<String>,
    retry: Option<u64>,
    comment: Option<String>,
}

fn single_line(value: &str, field: &str) -> Result<(), InvalidField> {
    if value.contains(['\r', '\n']) {
        return Err(InvalidField {
            message: format!("SSE '{field}' must be a single line"),
        });
    }
    Ok(())
}

impl ServerSentEvent {
    /// An empty event.
    pub fn new() -> ServerSentEvent {
        ServerSentEvent::default()
    }

    /// The payload, JSON-encoded (a string keeps its quotes). A value that cannot be
    /// serialised (a map with non-string keys) gives `null`.
    pub fn data<T: Serialize + ?Sized>(mut self, value: &T) -> ServerSentEvent {
        self.data = Some(serde_json::to_string(value).unwrap_or_else(|err| {
            tracing::error!(error = %err, "SSE data could not be serialised to JSON");
            "null".to_string()
        }));
        self
    }

    /// The payload as is, without JSON encoding (FastAPI's `raw_data`); several lines become
    /// several `data:` lines.
    pub fn raw_data(mut self, text: impl Into<String>) -> ServerSentEvent {
        self.data = Some(text.into());
        self
    }

    /// The event type (`addEventListener(type, …)` in the browser). Must be one line.
    pub fn event(mut self, event: impl Into<String>) -> Result<ServerSentEvent, InvalidField> {
        let event = event.into();
        single_line(&event, "event")?;
        self.event = Some(event);
        Ok(self)
    }

    /// The event id (sent back as `Last-Event-ID` on reconnection). One line, no NUL.
    pub fn id(mut self, id: impl Into<String>) -> Result<ServerSentEvent, InvalidField> {
        let id = id.into();
        if id.contains('\0') {
            return Err(InvalidField {
                message: "SSE 'id' must not contain null characters".to_string(),
            });
        }
        single_line(&id, "id")?;
        self.id = Some(id);
        Ok(self)
    }

    /// The reconnection delay in milliseconds.
    pub fn retry(mut self, milliseconds: u64) -> ServerSentEvent {
        self.retry = Some(milliseconds);
        self
    }

    /// A comment (ignored by `EventSource` clients); several lines become several `:` lines.
    pub fn comment(mut self, comment: impl Into<String>) -> ServerSentEvent {
        self.comment = Some(comment.into());
        self
    }

    /// The wire format (FastAPI's `format_sse_event`), ending in a blank line.
    pub fn encode(&self) -> Bytes {
        let mut out = String::new();
        if let Some(comment) = &self.comment {
            for line in split_lines(comment) {
                out.push_str(": ");
                out.push_str(line);
                out.push('\n');
            }
        }
        if let Some(event) = &self.event {
            out.push_str("event: ");
            out.push_str(event);
            out.push('\n');
        }
        if let Some(data) = &self.data {
            for line in split_lines(data) {
                out.push_str("data: ");
                out.push_str(line);
                out.push('\n');
            }
        }
        if let Some(id) = &self.id {
            out.push_str("id: ");
            out.push_str(id);
            out.push('\n');
        }
        if let Some(retry) = self.retry {
            out.push_str(&format!("retry: {retry}\n"));
        }
        out.push('\n');
        Bytes::from(out)
    }
}

/// Splits on `\r\n`, `\r` and `\n`, keeping empty lines (a trailing terminator gives a final
/// empty line, as Python's `split("\n")`).
fn split_lines(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(value);
    std::iter::from_fn(move || {
        let text = rest?;
        match text.find(['\r', '\n']) {
            None => {
                rest = None;
                Some(text)
            }
            Some(at) => {
                let skip = if text[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&text[at + skip..]);
                Some(&text[..at])
            }
        }
    })
}

type BoxStream = Pin<Box<dyn Stream<Item = ServerSentEvent> + Send>>;
type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A `text/event-stream` response (FastAPI's `EventSourceResponse`). See the
/// [module docs](self).
pub struct EventSourceResponse {
    events: BoxStream,
    ping: Option<Duration>,
    shutdown: Option<ShutdownSignal>,
}

impl fmt::Debug for EventSourceResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventSourceResponse")
            .field("ping", &self.ping)
            .field("until_shutdown", &self.shutdown.is_some())
            .finish_non_exhaustive()
    }
}

impl EventSourceResponse {
    /// Streams `events`, with a keep-alive comment every 15 s of silence.
    pub fn new<S>(events: S) -> EventSourceResponse
    where
        S: Stream<Item = ServerSentEvent> + Send + 'static,
    {
        EventSourceResponse {
            events: Box::pin(events),
            ping: Some(DEFAULT_PING_INTERVAL),
            shutdown: None,
        }
    }

    /// The idle time before a keep-alive comment (`None`: no keep-alive). A zero interval is
    /// taken as one millisecond.
    pub fn ping_interval(mut self, interval: Option<Duration>) -> EventSourceResponse {
        self.ping = interval.map(|d| d.max(Duration::from_millis(1)));
        self
    }

    /// Ends the stream when `signal` fires (`None` leaves the stream running).
    pub fn until(mut self, signal: Option<ShutdownSignal>) -> EventSourceResponse {
        self.shutdown = signal;
        self
    }

    /// Ends the stream when the server that received `req` starts shutting down (the
    /// shutdown signal of the request's [`Scope`](ferrapi_server::Scope)).
    pub fn until_shutdown(self, req: &Request) -> EventSourceResponse {
        let signal = req.scope().map(ferrapi_server::Scope::shutdown_signal);
        self.until(signal)
    }
}

impl IntoResponse for EventSourceResponse {
    fn into_response(self) -> Response {
        let ping = self
            .ping
            .map(|every| (every, Box::pin(tokio::time::sleep(every))));
        let shutdown: Option<BoxFuture> = self
            .shutdown
            .map(|signal| Box::pin(async move { signal.wait().await }) as BoxFuture);
        let stream = EventStream {
            events: Some(self.events),
            ping,
            shutdown,
        };
        let mut response = Streaming::new(stream).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream; charset=utf-8"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        headers.insert("x-accel-buffering", HeaderValue::from_static("no"));
        response
    }
}

/// The body: events, keep-alive comments while idle, and the end on shutdown.
struct EventStream {
    /// `None` once the stream ended (it is dropped at once).
    events: Option<BoxStream>,
    ping: Option<(Duration, Pin<Box<tokio::time::Sleep>>)>,
    shutdown: Option<BoxFuture>,
}

impl Stream for EventStream {
    type Item = Result<Bytes, Infallible>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(events) = this.events.as_mut() else {
            return Poll::Ready(None);
        };
        if let Some(shutdown) = this.shutdown.as_mut() {
            if shutdown.as_mut().poll(cx).is_ready() {
                this.events = None;
                return Poll::Ready(None);
            }
        }
        match events.as_mut().poll_next(cx) {
            Poll::Ready(Some(event)) => {
                if let Some((every, sleep)) = this.ping.as_mut() {
                    sleep.as_mut().reset(tokio::time::Instant::now() + *every);
                }
                return Poll::Ready(Some(Ok(event.encode())));
            }
            Poll::Ready(None) => {
                this.events = None;
                return Poll::Ready(None);
            }
            Poll::Pending => {}
        }
        if let Some((every, sleep)) = this.ping.as_mut() {
            if sleep.as_mut().poll(cx).is_ready() {
                sleep.as_mut().reset(tokio::time::Instant::now() + *every);
                return Poll::Ready(Some(Ok(Bytes::from_static(KEEPALIVE_COMMENT))));
            }
        }
        Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_format() {
        let event = ServerSentEvent::new()
            .comment("c1\nc2")
            .data(&"hi")
            .event("e")
            .unwrap()
            .id("7")
            .unwrap()
            .retry(100);
        assert_eq!(
            &event.encode()[..],
            b": c1\n: c2\nevent: e\ndata: \"hi\"\nid: 7\nretry: 100\n\n"
        );
        let raw = ServerSentEvent::new().raw_data("a\r\nb\rc\n");
        assert_eq!(&raw.encode()[..], b"data: a\ndata: b\ndata: c\ndata: \n\n");
        assert_eq!(&ServerSentEvent::new().encode()[..], b"\n");
        assert!(ServerSentEvent::new().event("a\nb").is_err());
        assert!(ServerSentEvent::new().id("a\0b").is_err());
        assert!(ServerSentEvent::new().id("a\rb").is_err());
    }
}
