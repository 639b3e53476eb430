//! [`JsonLines`]: a stream of values sent as JSON Lines (`application/jsonl`), FastAPI 0.134's
//! streaming of models from a generator path operation.

use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use ferrapi_toolkit::{IntoResponse, Response, Streaming};
use futures_core::Stream;
use serde::Serialize;

use crate::validation::{SchemaGenerator, Validate};

/// Values streamed as JSON Lines: each item serialised as compact JSON and a newline, sent as it
/// is produced, with `content-type: application/jsonl`. FastAPI's "Stream JSON Lines": a path
/// operation that `yield`s models. The items come from any `Stream` ([`JsonLines::new`]; boxed
/// once, so that the return type names the item, not the stream) or a collection
/// ([`JsonLines::from_items`]). The document lists the item's schema under `itemSchema`, as
/// FastAPI writes it.
///
/// ```
/// use ferrapi::responses::JsonLines;
/// use ferrapi::{get, Model};
/// use serde::Serialize;
///
/// #[derive(Model, Serialize)]
/// struct Item {
///     name: String,
///     description: Option<String>,
/// }
///
/// #[get("/items/stream")]
/// async fn stream_items() -> JsonLines<Item> {
///     JsonLines::from_items(vec![
///         Item { name: "Plumbus".into(), description: Some("A multi-purpose household device.".into()) },
///         Item { name: "Portal Gun".into(), description: None },
///     ])
/// }
/// ```
///
/// An item that does not serialise ends the body there (the client sees it cut short), as an
/// exception in a FastAPI generator does once the response has started.
pub struct JsonLines<T> {
    stream: Pin<Box<dyn Stream<Item = T> + Send>>,
}

impl<T> std::fmt::Debug for JsonLines<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JsonLines").finish_non_exhaustive()
    }
}

impl<T: Serialize + Send + 'static> JsonLines<T> {
    /// Streams the items of `stream`, each sent as it comes.
    pub fn new(stream: impl Stream<Item = T> + Send + 'static) -> JsonLines<T> {
        JsonLines {
            stream: Box::pin(stream),
        }
    }

    /// Streams the items of a collection already in memory.
    pub fn from_items(items: impl IntoIterator<Item = T>) -> JsonLines<T> {
        let items: Vec<T> = items.into_iter().collect();
        JsonLines::new(IterStream(items.into_iter()))
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

pin_project_lite::pin_project! {
    /// Each item of the inner stream as one line of JSON.
    struct Lines<S> {
        #[pin]
        inner: S,
    }
}

impl<S> Stream for Lines<S>
where
    S: Stream,
    S::Item: Serialize,
{
    type Item = Result<Bytes, serde_json::Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.project().inner.poll_next(cx).map(|item| {
            item.map(|item| {
                let mut line = serde_json::to_vec(&item)?;
                line.push(b'\n');
                Ok(Bytes::from(line))
            })
        })
    }
}

impl<T: Serialize + Send + 'static> IntoResponse for JsonLines<T> {
    fn into_response(self) -> Response {
        Streaming::new(Lines { inner: self.stream })
            .media_type("application/jsonl")
            .expect("a valid media type")
            .into_response()
    }
}

impl<T: Serialize + Send + 'static> super::ResponseClass for JsonLines<T> {
    fn respond_with(self, status: ferrapi_toolkit::StatusCode) -> Response {
        super::with_status(self, status)
    }
}

impl<T: Validate> super::ResponseDoc for JsonLines<T> {
    const MEDIA_TYPE: &'static str = "application/jsonl";
    const SCHEMA_KEY: &'static str = "itemSchema";

    fn schema(g: &mut SchemaGenerator) -> serde_json::Value {
        T::json_schema(g)
    }
}
