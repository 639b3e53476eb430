//! The body type shared by requests and responses: empty, full, streamed in from the
//! connection, or a stream the app produced.
//!
//! ASGI splits a body into `http.request` / `http.response.body` messages with `more_body`;
//! here a body is a stream of [`Bytes`] chunks. A request body streams in with backpressure:
//! the server reads the socket only when the app asks for the next chunk, and sends
//! `100 Continue` only on the first ask. A request body can be returned as a response body
//! unchanged, which streams it straight through (`/echo`).

mod incoming;

use std::fmt;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::{Bytes, BytesMut};
use futures_core::Stream;
use http::HeaderMap;
use sync_wrapper::SyncWrapper;

use crate::app::BoxError;

pub(crate) use incoming::{channel, Feeder, Incoming, Want};

type BoxStream = Pin<Box<dyn Stream<Item = Result<Bytes, BoxError>> + Send>>;

/// A request or response body.
///
/// Build one with `From` (`&'static str`, `String`, `Vec<u8>`, [`Bytes`]), [`Body::empty`] or
/// [`Body::from_stream`]; read one with [`Body::chunk`], [`Body::collect`] or as a
/// [`Stream`] of chunks.
///
/// ```
/// use ferrapi_server::Body;
///
/// # async fn demo() -> Result<(), ferrapi_server::BodyError> {
/// let body = Body::from("hello");
/// assert_eq!(body.exact_len(), Some(5));
/// assert_eq!(&body.collect().await?[..], b"hello");
/// # Ok(()) }
/// ```
pub struct Body {
    kind: Kind,
}

enum Kind {
    Empty,
    Full(Bytes),
    Incoming(Incoming),
    // `SyncWrapper` makes the body `Sync` without asking the same of the user's stream: a body
    // is only ever polled through `&mut`, so shared references can do nothing with it.
    Stream(SyncWrapper<BoxStream>),
}

impl Body {
    /// A body with no bytes.
    pub const fn empty() -> Body {
        Body { kind: Kind::Empty }
    }

    /// A body streamed from `stream`; each item is one chunk (sent as one HTTP chunk when the
    /// length is unknown). An error ends the response by closing the connection.
    pub fn from_stream<S, B, E>(stream: S) -> Body
    where
        S: Stream<Item = Result<B, E>> + Send + 'static,
        B: Into<Bytes> + 'static,
        E: Into<BoxError> + 'static,
    {
        let stream = MapStream { inner: stream };
        Body {
            kind: Kind::Stream(SyncWrapper::new(Box::pin(stream))),
        }
    }

    pub(crate) fn incoming(incoming: Incoming) -> Body {
        Body {
            kind: Kind::Incoming(incoming),
        }
    }

    /// The body's length in bytes, when it is known without reading it: always for empty and
    /// full bodies, for a request body that came with `Content-Length`, never for streams.
    pub fn exact_len(&self) -> Option<u64> {
        match &self.kind {
            Kind::Empty => Some(0),
            Kind::Full(b) => Some(b.len() as u64),
            Kind::Incoming(i) => i.remaining(),
            Kind::Stream(_) => None,
        }
    }

    /// Whether the body is known to have nothing more to yield.
    pub fn is_end_stream(&self) -> bool {
        match &self.kind {
            Kind::Empty => true,
            Kind::Full(b) => b.is_empty(),
            Kind::Incoming(i) => i.is_end_stream(),
            Kind::Stream(_) => false,
        }
    }

    /// Polls for the next chunk; `None` once the body is finished.
    pub fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Bytes, BodyError>>> {
        match &mut self.kind {
            Kind::Empty => Poll::Ready(None),
            Kind::Full(_) => match std::mem::replace(&mut self.kind, Kind::Empty) {
                Kind::Full(b) if !b.is_empty() => Poll::Ready(Some(Ok(b))),
                _ => Poll::Ready(None),
            },
            Kind::Incoming(i) => i.poll_chunk(cx),
            Kind::Stream(s) => match s.get_mut().as_mut().poll_next(cx) {
                Poll::Ready(Some(Ok(b))) => Poll::Ready(Some(Ok(b))),
                Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(BodyError::stream(e)))),
                Poll::Ready(None) => Poll::Ready(None),
                Poll::Pending => Poll::Pending,
            },
        }
    }

    /// The next chunk, or `None` once the body is finished.
    ///
    /// Cancel safety: dropping the future before it completes loses no data.
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        std::future::poll_fn(|cx| self.poll_chunk(cx)).await
    }

    /// Reads the whole body into one buffer. A single-chunk body is returned without copying.
    pub async fn collect(mut self) -> Result<Bytes, BodyError> {
        let first = match self.chunk().await {
            None => return Ok(Bytes::new()),
            Some(chunk) => chunk?,
        };
        let second = match self.chunk().await {
            None => return Ok(first),
            Some(chunk) => chunk?,
        };
        let mut all = BytesMut::with_capacity(first.len() + second.len());
        all.extend_from_slice(&first);
        all.extend_from_slice(&second);
        while let Some(chunk) = self.chunk().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }

    /// The trailer fields of a chunked request body, once the body has been read to its end.
    pub fn trailers(&self) -> Option<HeaderMap> {
        match &self.kind {
            Kind::Incoming(i) => i.trailers(),
            _ => None,
        }
    }

    /// The bytes of a full body, without polling.
    pub(crate) fn as_full(&self) -> Option<&Bytes> {
        match &self.kind {
            Kind::Full(b) => Some(b),
            _ => None,
        }
    }
}

impl Default for Body {
    fn default() -> Self {
        Body::empty()
    }
}

impl fmt::Debug for Body {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match &self.kind {
            Kind::Empty => "Empty",
            Kind::Full(_) => "Full",
            Kind::Incoming(_) => "Incoming",
            Kind::Stream(_) => "Stream",
        };
        f.debug_struct("Body")
            .field("kind", &kind)
            .field("exact_len", &self.exact_len())
            .finish()
    }
}

impl Stream for Body {
    type Item = Result<Bytes, BodyError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.get_mut().poll_chunk(cx)
    }
}

impl From<Bytes> for Body {
    fn from(bytes: Bytes) -> Self {
        Body {
            kind: Kind::Full(bytes),
        }
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from(Bytes::from(bytes))
    }
}

impl From<String> for Body {
    fn from(text: String) -> Self {
        Body::from(Bytes::from(text))
    }
}

impl From<&'static str> for Body {
    fn from(text: &'static str) -> Self {
        Body::from(Bytes::from_static(text.as_bytes()))
    }
}

impl From<&'static [u8]> for Body {
    fn from(bytes: &'static [u8]) -> Self {
        Body::from(Bytes::from_static(bytes))
    }
}

pin_project_lite::pin_project! {
    struct MapStream<S> {
        #[pin]
        inner: S,
    }
}

impl<S, B, E> Stream for MapStream<S>
where
    S: Stream<Item = Result<B, E>>,
    B: Into<Bytes>,
    E: Into<BoxError>,
{
    type Item = Result<Bytes, BoxError>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.project().inner.poll_next(cx) {
            Poll::Ready(Some(Ok(b))) => Poll::Ready(Some(Ok(b.into()))),
            Poll::Ready(Some(Err(e))) => Poll::Ready(Some(Err(e.into()))),
            Poll::Ready(None) => Poll::Ready(None),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// Why a body could not be read to its end.
///
/// Ask with the `is_*` predicates; the `Display` text is not a stable contract.
pub struct BodyError {
    kind: BodyErrorKind,
    source: Option<BoxError>,
}

/// What went wrong while reading a request body, as recorded by the connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyErrorKind {
    /// The peer closed the connection (or it failed) before the body ended.
    Incomplete,
    /// The body is larger than the server's `max_body_size`.
    TooLarge,
    /// The peer sent nothing for longer than the body-read timeout.
    Timeout,
    /// The chunked framing was invalid.
    Malformed,
    /// A stream supplied by the app failed.
    Stream,
}

impl BodyError {
    pub(crate) fn new(kind: BodyErrorKind) -> BodyError {
        BodyError { kind, source: None }
    }

    fn stream(source: BoxError) -> BodyError {
        BodyError {
            kind: BodyErrorKind::Stream,
            source: Some(source),
        }
    }

    /// The connection ended before the body did (the client went away).
    pub fn is_incomplete(&self) -> bool {
        self.kind == BodyErrorKind::Incomplete
    }

    /// The body exceeded the server's size limit.
    pub fn is_too_large(&self) -> bool {
        self.kind == BodyErrorKind::TooLarge
    }

    /// The client stopped sending for longer than the body-read timeout.
    pub fn is_timeout(&self) -> bool {
        self.kind == BodyErrorKind::Timeout
    }

    /// The request's chunked framing was malformed.
    pub fn is_malformed(&self) -> bool {
        self.kind == BodyErrorKind::Malformed
    }

    /// A stream supplied by the app yielded an error (see `source()`).
    pub fn is_stream(&self) -> bool {
        self.kind == BodyErrorKind::Stream
    }
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            BodyErrorKind::Incomplete => "connection closed before the body was complete",
            BodyErrorKind::TooLarge => "body exceeds the size limit",
            BodyErrorKind::Timeout => "timed out reading the body",
            BodyErrorKind::Malformed => "malformed chunked body",
            BodyErrorKind::Stream => "body stream failed",
        };
        match &self.source {
            Some(source) => write!(f, "{what}: {source}"),
            None => f.write_str(what),
        }
    }
}

impl fmt::Debug for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BodyError")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for BodyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}
