//! The one-slot channel between a connection and the app reading its request body.
//!
//! The connection (the [`Feeder`]) reads the socket only after the app (the [`Incoming`] body)
//! has asked for a chunk and the previous chunk was taken, so at most one chunk is in flight:
//! that is the backpressure ASGI gets from `receive()`. The first ask is also the moment
//! `100 Continue` is due.

use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use bytes::Bytes;
use http::HeaderMap;

use super::{BodyError, BodyErrorKind};

struct Shared {
    state: Mutex<State>,
}

struct State {
    chunk: Option<Bytes>,
    end: End,
    /// The receiver is waiting for a chunk.
    want: bool,
    rx_waker: Option<Waker>,
    tx_waker: Option<Waker>,
    rx_dropped: bool,
    trailers: Option<HeaderMap>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Open,
    Done,
    Failed(BodyErrorKind),
    /// The failure was reported once; afterwards the body reads as finished.
    Reported,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        // A panic while holding this lock cannot leave the state inconsistent (every update is
        // a plain field store), so a poisoned lock is still usable.
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// Creates the channel for one request body; `len` is its `Content-Length`, if any.
pub(crate) fn channel(len: Option<u64>) -> (Feeder, Incoming) {
    let shared = Arc::new(Shared {
        state: Mutex::new(State {
            chunk: None,
            end: End::Open,
            want: false,
            rx_waker: None,
            tx_waker: None,
            rx_dropped: false,
            trailers: None,
        }),
    });
    (
        Feeder {
            shared: shared.clone(),
        },
        Incoming {
            shared,
            remaining: len,
        },
    )
}

/// The app's end: a request body that streams in from the connection.
pub(crate) struct Incoming {
    shared: Arc<Shared>,
    remaining: Option<u64>,
}

impl Incoming {
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.remaining
    }

    pub(crate) fn is_end_stream(&self) -> bool {
        let st = self.shared.lock();
        st.chunk.is_none() && matches!(st.end, End::Done | End::Reported)
    }

    pub(crate) fn trailers(&self) -> Option<HeaderMap> {
        self.shared.lock().trailers.clone()
    }

    pub(crate) fn poll_chunk(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Bytes, BodyError>>> {
        let mut st = self.shared.lock();
        if let Some(chunk) = st.chunk.take() {
            if let Some(rem) = self.remaining.as_mut() {
                *rem = rem.saturating_sub(chunk.len() as u64);
            }
            return Poll::Ready(Some(Ok(chunk)));
        }
        match st.end {
            End::Done | End::Reported => Poll::Ready(None),
            End::Failed(kind) => {
                st.end = End::Reported;
                Poll::Ready(Some(Err(BodyError::new(kind))))
            }
            End::Open => {
                st.want = true;
                match &st.rx_waker {
                    Some(w) if w.will_wake(cx.waker()) => {}
                    _ => st.rx_waker = Some(cx.waker().clone()),
                }
                if let Some(w) = st.tx_waker.take() {
                    w.wake();
                }
                Poll::Pending
            }
        }
    }
}

impl Drop for Incoming {
    fn drop(&mut self) {
        let mut st = self.shared.lock();
        st.rx_dropped = true;
        if let Some(w) = st.tx_waker.take() {
            w.wake();
        }
    }
}

/// The connection's end: hands decoded chunks to the app when it asks for them.
pub(crate) struct Feeder {
    shared: Arc<Shared>,
}

/// What the app wants from the feeder.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Want {
    /// The app asked for the next chunk.
    Chunk,
    /// The app dropped the body: nothing more will be read.
    Dropped,
}

impl Feeder {
    /// Resolves when the app asks for a chunk (and the previous one was taken), or drops the
    /// body.
    pub(crate) fn poll_want(&mut self, cx: &mut Context<'_>) -> Poll<Want> {
        let mut st = self.shared.lock();
        if st.rx_dropped {
            return Poll::Ready(Want::Dropped);
        }
        if st.want && st.chunk.is_none() {
            return Poll::Ready(Want::Chunk);
        }
        match &st.tx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => st.tx_waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    pub(crate) fn send(&mut self, chunk: Bytes) {
        let mut st = self.shared.lock();
        st.chunk = Some(chunk);
        st.want = false;
        if let Some(w) = st.rx_waker.take() {
            w.wake();
        }
    }

    pub(crate) fn finish(&mut self, trailers: Option<HeaderMap>) {
        self.end(End::Done, trailers);
    }

    pub(crate) fn fail(&mut self, kind: BodyErrorKind) {
        self.end(End::Failed(kind), None);
    }

    fn end(&mut self, end: End, trailers: Option<HeaderMap>) {
        let mut st = self.shared.lock();
        if st.end == End::Open {
            st.end = end;
            st.trailers = trailers;
        }
        st.want = false;
        if let Some(w) = st.rx_waker.take() {
            w.wake();
        }
    }
}

impl Drop for Feeder {
    fn drop(&mut self) {
        // A body still held by the app (say, moved into a spawned task) must not wait forever
        // for a connection that is gone.
        self.fail(BodyErrorKind::Incomplete);
    }
}
