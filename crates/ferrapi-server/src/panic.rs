//! Catching panics from app code: a panicking handler, stream or background task must cost
//! one request (or one WebSocket), never the connection task's other work or the server.
//!
//! Plumbing shared by the layers: the server catches around the app, its body streams, its
//! WebSocket handlers and its after-response work; the toolkit (and, through it, the
//! framework) catches around endpoints, background tasks and dependency teardowns with the
//! same [`CatchUnwind`], turning the payload into its own error type. It is public so that
//! there is one implementation, and hidden from the docs because it is not part of the
//! server's contract with apps: uvicorn has no counterpart (a Python exception is a value).

use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::pin::Pin;
use std::task::{Context, Poll};

/// What a panic carries, as `std::panic::catch_unwind` hands it over.
pub type Payload = Box<dyn Any + Send>;

/// What [`CatchUnwind`] turns a panic into: the [`Payload`] itself, or a layer's error type
/// (the toolkit's `Panic`).
///
/// A trait of its own rather than `From<Payload>`: the impl for the payload must hold for
/// every lifetime of the trait object, which futures spawned on tokio require of it and which
/// std's reflexive `From` cannot promise.
pub trait FromPanic {
    /// Makes the value from what the panic carried.
    fn from_panic(payload: Payload) -> Self;
}

impl<'a> FromPanic for Box<dyn Any + Send + 'a> {
    fn from_panic(payload: Payload) -> Self {
        payload
    }
}

pin_project_lite::pin_project! {
    /// Runs a future, turning a panic while polling it into an `Err` with the payload,
    /// converted to `P` (the raw [`Payload`] unless a layer names its own error type, as the
    /// toolkit's `Panic` does). It must not be polled again after that.
    ///
    /// The future is polled as if it were unwind safe: whatever it shared with the outside
    /// is not used again after the panic except to be dropped or logged.
    pub struct CatchUnwind<F, P = Payload> {
        #[pin]
        inner: F,
        // `fn() -> P`: the payload is made, never stored, so `P` need not be `Send` or `Sync`
        // for the future to be.
        payload: PhantomData<fn() -> P>,
    }
}

impl<F, P> CatchUnwind<F, P> {
    /// Wraps `inner`.
    pub fn new(inner: F) -> CatchUnwind<F, P> {
        CatchUnwind {
            inner,
            payload: PhantomData,
        }
    }
}

impl<F: Future, P: FromPanic> Future for CatchUnwind<F, P> {
    type Output = Result<F::Output, P>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let inner = self.project().inner;
        match catch_unwind(AssertUnwindSafe(|| inner.poll(cx))) {
            Ok(Poll::Ready(v)) => Poll::Ready(Ok(v)),
            Ok(Poll::Pending) => Poll::Pending,
            Err(panic) => Poll::Ready(Err(P::from_panic(panic))),
        }
    }
}

impl<F, P> std::fmt::Debug for CatchUnwind<F, P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CatchUnwind").finish_non_exhaustive()
    }
}

/// The message of a panic payload (`panic!` with a literal gives a `&str`, with arguments a
/// `String`; `panic_any` may give anything), for the log and for error texts.
pub fn message(panic: &(dyn Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("non-string panic payload")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_panic_becomes_its_payload() {
        let caught: Result<(), Payload> = CatchUnwind::new(async { panic!("boom {}", 1) }).await;
        let payload = caught.expect_err("it panicked");
        assert_eq!(message(&*payload), "boom 1");
        let caught: Result<u8, Payload> = CatchUnwind::new(async { 7 }).await;
        assert_eq!(caught.ok(), Some(7));
    }

    #[test]
    fn messages_of_every_payload() {
        assert_eq!(message(&"literal"), "literal");
        assert_eq!(message(&String::from("formatted")), "formatted");
        assert_eq!(message(&42u32), "non-string panic payload");
    }
}
