//! [`EventStream`]: typed Server-Sent Events as a path operation's return type, FastAPI 0.135's
//! `response_class=EventSourceResponse` on a generator path operation.
//!
//! Reproduced from FastAPI 0.165 (`fastapi/sse.py`, `fastapi/routing.py`):
//!
//! * the headers `content-type: text/event-stream; charset=utf-8`, `cache-control: no-cache`
//!   and `x-accel-buffering: no`, the body chunked;
//! * a plain item is sent as `data: <its compact JSON>` and a blank line; a
//!   [`ServerSentEvent`] in the wire format of FastAPI's `format_sse_event` (`: comment` lines,
//!   `event:`, one `data:` line per line of the data with `\r\n`, `\r` and `\n` all splitting,
//!   `id:`, `retry:`, then a blank line);
//! * while nothing is sent for 15 s, the keep-alive comment `: ping` is;
//! * an `event` or `id` with a line break, or an `id` with a NUL, is refused (an `Err` from the
//!   setter where FastAPI raises a validation error), and an event with both `data` and
//!   `raw_data` cannot be written (the payload is chosen by the constructor);
//! * the document: `text/event-stream` with FastAPI's event schema under `itemSchema`, the
//!   item's schema as the `contentSchema` of `data` (`required: ["data"]`) for an
//!   `EventStream<T>`, `data` any string for an untyped [`EventStream`] (FastAPI's
//!   `-> AsyncIterable[ServerSentEvent]`).
//!
//! The stream is sent with the operation's `status_code`, as FastAPI sends a generator's.
//!
//! Differences: the `contentSchema`
//! of an item that is not a model (`EventStream<u32>`) has no `title` (FastAPI writes
//! `"Streamitem …"` there); the `response_model_exclude_*` options do not reshape the items.

use std::any::Any;
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use ferrapi_toolkit::sse::{ServerSentEvent as Wire, KEEPALIVE_COMMENT};
use ferrapi_toolkit::{IntoResponse, Response, Streaming};
use futures_core::Stream;
use http::header::{self, HeaderValue};
use serde::Serialize;

use crate::validation::model::ModelName;
use crate::validation::{SchemaGenerator, Validate};

pub use ferrapi_toolkit::sse::InvalidField;

/// How long the stream may stay idle before the keep-alive comment is sent (FastAPI's
/// `_PING_INTERVAL`).
pub const PING_INTERVAL: Duration = Duration::from_secs(15);

/// The media type in the document (the response's `content-type` adds `; charset=utf-8`, as
/// Starlette's does).
const MEDIA_TYPE: &str = "text/event-stream";

/// Server-Sent Events (`text/event-stream`), each item sent as it is produced: FastAPI's
/// `response_class=EventSourceResponse` on a path operation that `yield`s. An item is a plain
/// `T`, sent as `data: <compact JSON>`, or a [`ServerSentEvent<T>`] with an event name, an id,
/// a retry delay, a comment or raw text; both kinds mix in one stream, since a `T` converts
/// into a `ServerSentEvent<T>`. The items come from any `Stream` ([`EventStream::new`]; boxed
/// once, so that the return type names the item, not the stream) or a collection
/// ([`EventStream::from_items`]).
///
/// ```
/// use ferrapi::responses::{EventStream, ServerSentEvent};
/// use ferrapi::{get, Model};
/// use serde::Serialize;
///
/// #[derive(Model, Serialize)]
/// struct Item {
///     name: String,
///     price: f64,
/// }
///
/// #[get("/items/stream")]
/// async fn stream_items() -> EventStream<Item> {
///     EventStream::from_items([
///         ServerSentEvent::data(Item { name: "Plumbus".into(), price: 32.99 })
///             .event("item_update")
///             .expect("one line")
///             .id("1")
///             .expect("one line"),
///         Item { name: "Portal Gun".into(), price: 999.0 }.into(),
///     ])
/// }
/// ```
///
/// `EventStream` without a parameter is [`EventStream<Untyped>`]: FastAPI's path operation
/// annotated `-> AsyncIterable[ServerSentEvent]`, whose data is a model or any JSON value
/// (written as FastAPI writes each) and is documented as any string.
///
/// While the stream yields nothing for [`PING_INTERVAL`] (15 s), the comment `: ping` is sent
/// so that proxies keep the connection open. The stream is dropped when it ends, or when the
/// client disconnects (the server drops the body when a write fails, at the latest at the next
/// ping). An item that does not serialise ends the body there (the client sees it cut short),
/// as an exception in a FastAPI generator does once the response has started.
pub struct EventStream<T = Untyped> {
    events: Pin<Box<dyn Stream<Item = ServerSentEvent<T>> + Send>>,
}

impl<T> fmt::Debug for EventStream<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EventStream").finish_non_exhaustive()
    }
}

impl<T: Serialize + Send + 'static> EventStream<T> {
    /// Streams the items of `stream` (plain `T`s or [`ServerSentEvent<T>`]s), each sent as it
    /// comes.
    ///
    /// ```
    /// use ferrapi::responses::{EventStream, ServerSentEvent};
    ///
    /// struct Ticks(u32);
    ///
    /// impl futures_core::Stream for Ticks {
    ///     type Item = ServerSentEvent<u32>;
    ///
    ///     fn poll_next(
    ///         mut self: std::pin::Pin<&mut Self>,
    ///         _cx: &mut std::task::Context<'_>,
    ///     ) -> std::task::Poll<Option<ServerSentEvent<u32>>> {
    ///         self.0 += 1;
    ///         std::task::Poll::Ready((self.0 <= 3).then(|| ServerSentEvent::data(self.0).retry(1000)))
    ///     }
    /// }
    ///
    /// let events: EventStream<u32> = EventStream::new(Ticks(0));
    /// ```
    pub fn new<I>(stream: impl Stream<Item = I> + Send + 'static) -> EventStream<T>
    where
        I: Into<ServerSentEvent<T>>,
    {
        EventStream {
            events: Box::pin(IntoEvents {
                inner: stream,
                item: PhantomData,
            }),
        }
    }

    /// Streams the items of a collection already in memory (plain `T`s or
    /// [`ServerSentEvent<T>`]s).
    ///
    /// ```
    /// use ferrapi::responses::EventStream;
    ///
    /// let events: EventStream<&str> = EventStream::from_items(["a", "b"]); // data: "a", data: "b"
    /// ```
    pub fn from_items<I>(items: impl IntoIterator<Item = I>) -> EventStream<T>
    where
        I: Into<ServerSentEvent<T>>,
    {
        let events: Vec<ServerSentEvent<T>> = items.into_iter().map(Into::into).collect();
        EventStream {
            events: Box::pin(IterStream(events.into_iter())),
        }
    }
}

/// The data of an untyped [`EventStream`] (FastAPI's `ServerSentEvent.data: Any`), sent as
/// FastAPI sends it: a model ([`Untyped::from`] a `#[derive(Model)]` type) as compact JSON
/// (pydantic's `model_dump_json`), any other JSON value ([`Untyped::from`] a
/// `serde_json::Value`) as Python's `json.dumps` writes it (`{"a": 1, "b": "\u00e9"}`: a space
/// after `,` and `:`, non-ASCII escaped). Documented as any string.
///
/// ```
/// use ferrapi::responses::{EventStream, ServerSentEvent, Untyped};
/// use ferrapi::{get, Model};
/// use serde::Serialize;
/// use serde_json::json;
///
/// #[derive(Model, Serialize)]
/// struct Item {
///     name: String,
/// }
///
/// #[get("/notifications")]
/// async fn notifications() -> EventStream {
///     EventStream::from_items([
///         ServerSentEvent::data(Untyped::from(Item { name: "Plumbus".into() })), // {"name":"Plumbus"}
///         ServerSentEvent::data(Untyped::from(json!({"text": "hi"}))).event("note").unwrap(), // {"text": "hi"}
///         ServerSentEvent::raw_data("plain text"),
///         ServerSentEvent::new().comment("nothing else"),
///     ])
/// }
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Untyped(Repr);

#[derive(Clone, Debug, PartialEq)]
enum Repr {
    /// Written as `json.dumps` writes it.
    Value(serde_json::Value),
    /// A model's compact JSON, or why it could not be serialised.
    Model(Result<String, String>),
}

impl From<serde_json::Value> for Untyped {
    /// Any JSON value, sent as Python's `json.dumps` writes it.
    fn from(value: serde_json::Value) -> Untyped {
        Untyped(Repr::Value(value))
    }
}

impl<M: ModelName + Serialize> From<M> for Untyped {
    /// A model, sent as compact JSON. Serialised here; a model that does not serialise ends
    /// the stream when its turn comes.
    fn from(model: M) -> Untyped {
        Untyped(Repr::Model(
            serde_json::to_string(&model).map_err(|err| err.to_string()),
        ))
    }
}

impl Serialize for Untyped {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error as _;
        match &self.0 {
            Repr::Value(value) => value.serialize(serializer),
            Repr::Model(Ok(json)) => serde_json::from_str::<serde_json::Value>(json)
                .map_err(S::Error::custom)?
                .serialize(serializer),
            Repr::Model(Err(err)) => Err(S::Error::custom(err)),
        }
    }
}

impl Untyped {
    /// The wire text: FastAPI's `model_dump_json()` for a model, `json.dumps` otherwise.
    fn to_json(&self) -> Result<String, serde_json::Error> {
        use serde::ser::Error as _;
        match &self.0 {
            Repr::Value(value) => Ok(super::python_json::python_json(value)),
            Repr::Model(Ok(json)) => Ok(json.clone()),
            Repr::Model(Err(err)) => Err(serde_json::Error::custom(err)),
        }
    }
}

/// One event of an [`EventStream`] (FastAPI's `ServerSentEvent`). Every field is optional; an
/// event with none is a lone blank line.
///
/// The payload is chosen by the constructor: [`data`](ServerSentEvent::data) (a `T`, sent as
/// JSON), [`raw_data`](ServerSentEvent::raw_data) (text sent as it is) or
/// [`new`](ServerSentEvent::new) (none), so that an event with both, which FastAPI refuses,
/// cannot be written. [`event`](ServerSentEvent::event) and [`id`](ServerSentEvent::id) check
/// their value and return an [`InvalidField`] (with FastAPI's message) for a line break, or a
/// NUL in an id: `?` it in an operation returning a `Result`, or `expect` a literal.
///
/// ```
/// use ferrapi::responses::ServerSentEvent;
///
/// let event = ServerSentEvent::data(42)
///     .event("answer")?
///     .id("7")?
///     .retry(5000)
///     .comment("keep this");
/// assert!(ServerSentEvent::<u32>::new().event("two\nlines").is_err());
/// # Ok::<(), ferrapi::responses::InvalidField>(())
/// ```
#[derive(Clone, Debug)]
pub struct ServerSentEvent<T = Untyped> {
    data: Data<T>,
    /// The event, id, retry and comment (checked by the toolkit's setters), and the wire
    /// format.
    head: Wire,
}

#[derive(Clone, Debug)]
enum Data<T> {
    None,
    Json(T),
    Raw(String),
}

impl<T> Default for ServerSentEvent<T> {
    fn default() -> Self {
        ServerSentEvent::new()
    }
}

impl<T> From<T> for ServerSentEvent<T> {
    /// A plain item: `data: <JSON>`.
    fn from(value: T) -> ServerSentEvent<T> {
        ServerSentEvent::data(value)
    }
}

impl<T> ServerSentEvent<T> {
    /// An event without data (a comment, or an `event:` / `id:` / `retry:` alone).
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// let heartbeat = ServerSentEvent::<u32>::new().comment("still here"); // `: still here`
    /// ```
    pub fn new() -> ServerSentEvent<T> {
        ServerSentEvent {
            data: Data::None,
            head: Wire::new(),
        }
    }

    /// An event whose data is `value` as JSON (a string keeps its quotes: `data: "hi"`).
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// let event = ServerSentEvent::data("hi"); // `data: "hi"`
    /// ```
    pub fn data(value: T) -> ServerSentEvent<T> {
        ServerSentEvent {
            data: Data::Json(value),
            head: Wire::new(),
        }
    }

    /// An event whose data is `text` as it is, without JSON encoding (FastAPI's `raw_data`);
    /// several lines become several `data:` lines.
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// let event = ServerSentEvent::<u32>::raw_data("<p>hi</p>"); // `data: <p>hi</p>`
    /// ```
    pub fn raw_data(text: impl Into<String>) -> ServerSentEvent<T> {
        ServerSentEvent {
            data: Data::Raw(text.into()),
            head: Wire::new(),
        }
    }

    /// The event type (`addEventListener(type, …)` in the browser). One line: a `\r` or `\n`
    /// is an error.
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// assert!(ServerSentEvent::data(1).event("tick").is_ok());
    /// assert!(ServerSentEvent::data(1).event("a\nb").is_err());
    /// ```
    pub fn event(mut self, event: impl Into<String>) -> Result<ServerSentEvent<T>, InvalidField> {
        self.head = self.head.event(event)?;
        Ok(self)
    }

    /// The event id (sent back as `Last-Event-ID` when the browser reconnects). One line, no
    /// NUL: either is an error.
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// assert!(ServerSentEvent::data(1).id("42").is_ok());
    /// assert!(ServerSentEvent::data(1).id("4\u{0}2").is_err());
    /// ```
    pub fn id(mut self, id: impl Into<String>) -> Result<ServerSentEvent<T>, InvalidField> {
        self.head = self.head.id(id)?;
        Ok(self)
    }

    /// The reconnection delay in milliseconds (`retry:`).
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// let event = ServerSentEvent::data(1).retry(3000); // `retry: 3000`
    /// ```
    pub fn retry(mut self, milliseconds: u64) -> ServerSentEvent<T> {
        self.head = self.head.retry(milliseconds);
        self
    }

    /// A comment, ignored by `EventSource` clients; several lines become several `:` lines.
    ///
    /// ```
    /// use ferrapi::responses::ServerSentEvent;
    ///
    /// let event = ServerSentEvent::data(1).comment("first\nsecond"); // `: first`, `: second`
    /// ```
    pub fn comment(mut self, comment: impl Into<String>) -> ServerSentEvent<T> {
        self.head = self.head.comment(comment);
        self
    }
}

impl<T: Serialize + 'static> ServerSentEvent<T> {
    /// The wire format, ending in a blank line.
    fn encode(self) -> Result<Bytes, serde_json::Error> {
        let head = match self.data {
            Data::None => self.head,
            Data::Raw(text) => self.head.raw_data(text),
            Data::Json(value) => self.head.raw_data(to_json(&value)?),
        };
        Ok(head.encode())
    }
}

/// A typed item as compact JSON (pydantic's `model_dump_json`); untyped data as FastAPI
/// writes it ([`Untyped`]).
fn to_json<T: Serialize + 'static>(value: &T) -> Result<String, serde_json::Error> {
    match (value as &dyn Any).downcast_ref::<Untyped>() {
        Some(untyped) => untyped.to_json(),
        None => serde_json::to_string(value),
    }
}

pin_project_lite::pin_project! {
    /// The items of a stream as events.
    struct IntoEvents<S, T> {
        #[pin]
        inner: S,
        item: PhantomData<fn() -> T>,
    }
}

impl<S, T> Stream for IntoEvents<S, T>
where
    S: Stream,
    S::Item: Into<ServerSentEvent<T>>,
{
    type Item = ServerSentEvent<T>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project()
            .inner
            .poll_next(cx)
            .map(|item| item.map(Into::into))
    }
}

/// The items of an iterator as a stream, each ready at once.
struct IterStream<I>(I);

// Never pinned structurally: the iterator is only reached through `&mut`.
impl<I> Unpin for IterStream<I> {}

impl<I: Iterator> Stream for IterStream<I> {
    type Item = I::Item;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<I::Item>> {
        Poll::Ready(self.0.next())
    }
}

/// The body: each event in the wire format, and the keep-alive comment while idle.
struct Body<T> {
    /// `None` once the stream ended or failed (dropped at once).
    events: Option<Pin<Box<dyn Stream<Item = ServerSentEvent<T>> + Send>>>,
    ping: Pin<Box<tokio::time::Sleep>>,
}

impl<T: Serialize + 'static> Stream for Body<T> {
    type Item = Result<Bytes, serde_json::Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        let Some(events) = this.events.as_mut() else {
            return Poll::Ready(None);
        };
        match events.as_mut().poll_next(cx) {
            Poll::Ready(Some(event)) => {
                this.ping
                    .as_mut()
                    .reset(tokio::time::Instant::now() + PING_INTERVAL);
                let encoded = event.encode();
                if encoded.is_err() {
                    this.events = None;
                }
                Poll::Ready(Some(encoded))
            }
            Poll::Ready(None) => {
                this.events = None;
                Poll::Ready(None)
            }
            Poll::Pending => match this.ping.as_mut().poll(cx) {
                Poll::Ready(()) => {
                    this.ping
                        .as_mut()
                        .reset(tokio::time::Instant::now() + PING_INTERVAL);
                    Poll::Ready(Some(Ok(Bytes::from_static(KEEPALIVE_COMMENT))))
                }
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl<T: Serialize + Send + 'static> IntoResponse for EventStream<T> {
    fn into_response(self) -> Response {
        let body = Body {
            events: Some(self.events),
            ping: Box::pin(tokio::time::sleep(PING_INTERVAL)),
        };
        let mut response = Streaming::new(body).into_response();
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

impl<T: Serialize + Send + 'static> super::ResponseClass for EventStream<T> {
    fn respond_with(self, status: ferrapi_toolkit::StatusCode) -> Response {
        super::with_status(self, status)
    }
}

/// FastAPI's `_SSE_EVENT_SCHEMA` (OpenAPI 3.2's event schema).
fn event_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "data": {"type": "string"},
            "event": {"type": "string"},
            "id": {"type": "string"},
            "retry": {"type": "integer", "minimum": 0},
        },
    })
}

impl<T: Validate> super::ResponseDoc for EventStream<T> {
    const MEDIA_TYPE: &'static str = MEDIA_TYPE;
    const SCHEMA_KEY: &'static str = "itemSchema";

    fn schema(g: &mut SchemaGenerator) -> serde_json::Value {
        let mut schema = event_schema();
        schema["properties"]["data"] = serde_json::json!({
            "type": "string",
            "contentMediaType": "application/json",
            "contentSchema": T::json_schema(g),
        });
        schema["required"] = serde_json::json!(["data"]);
        schema
    }
}

impl super::ResponseDoc for EventStream<Untyped> {
    const MEDIA_TYPE: &'static str = MEDIA_TYPE;
    const SCHEMA_KEY: &'static str = "itemSchema";

    fn schema(_g: &mut SchemaGenerator) -> serde_json::Value {
        event_schema()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wire<T: Serialize + 'static>(event: ServerSentEvent<T>) -> String {
        String::from_utf8(event.encode().unwrap().to_vec()).unwrap()
    }

    #[test]
    fn format_sse_event() {
        assert_eq!(wire(7u8.into()), "data: 7\n\n");
        let event = ServerSentEvent::data("hi")
            .comment("c1\r\nc2")
            .event("e")
            .unwrap()
            .id("7")
            .unwrap()
            .retry(0);
        assert_eq!(
            wire(event),
            ": c1\n: c2\nevent: e\ndata: \"hi\"\nid: 7\nretry: 0\n\n"
        );
        assert_eq!(
            wire(ServerSentEvent::<u8>::raw_data("a\rb\n")),
            "data: a\ndata: b\ndata: \n\n"
        );
        assert_eq!(wire(ServerSentEvent::<u8>::new()), "\n");
    }

    #[test]
    fn refused_as_fastapi_refuses() {
        let err = ServerSentEvent::data(1).event("a\rb").unwrap_err();
        assert_eq!(err.to_string(), "SSE 'event' must be a single line");
        let err = ServerSentEvent::data(1).id("a\0b").unwrap_err();
        assert_eq!(err.to_string(), "SSE 'id' must not contain null characters");
        assert!(ServerSentEvent::data(1).id("a\nb").is_err());
    }

    #[test]
    fn untyped_data_is_written_as_json_dumps_writes_it() {
        let data =
            Untyped::from(serde_json::json!({"a": "é😀\u{7f}", "b": [1, 2.5, null], "c": {}}));
        assert_eq!(
            wire(ServerSentEvent::data(data)),
            "data: {\"a\": \"\\u00e9\\ud83d\\ude00\\u007f\", \"b\": [1, 2.5, null], \"c\": {}}\n\n"
        );
    }
}
