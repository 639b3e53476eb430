//! An in-memory [`Transport`] for the dispatcher's unit tests: the server side reads what the
//! test's [`MemClient`] sends and writes into a buffer the client reads, so framing,
//! `100 Continue`, drain and pipelining rules are tested without sockets or ports.
//!
//! Reads hand over at most [`MemClient::set_read_size`] bytes at a time (default: all that
//! is there), so a test can split requests at any byte as a slow network would.

use std::io::{self, IoSlice};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

use bytes::BytesMut;

use super::io::Transport;

#[derive(Default)]
struct State {
    /// Sent by the client, not yet read by the server.
    input: Vec<u8>,
    /// The client will send nothing more (EOF after `input`).
    input_closed: bool,
    read_size: Option<usize>,
    /// Written by the server, not yet read by the client.
    output: Vec<u8>,
    /// The server half-closed its side, or dropped the transport.
    output_closed: bool,
    /// The server waits for input.
    read_waker: Option<Waker>,
    /// The client waits for output.
    output_waker: Option<Waker>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The server's end.
pub(crate) struct Mem(Arc<Mutex<State>>);

/// The test's end.
pub(crate) struct MemClient(Arc<Mutex<State>>);

/// A connected pair.
pub(crate) fn pair() -> (Mem, MemClient) {
    let state = Arc::new(Mutex::new(State::default()));
    (Mem(state.clone()), MemClient(state))
}

impl Transport for Mem {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let mut s = lock(&self.0);
        if !s.input.is_empty() || s.input_closed {
            return Poll::Ready(Ok(()));
        }
        s.read_waker = Some(cx.waker().clone());
        Poll::Pending
    }

    fn poll_write_ready(&self, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn try_read_buf(&self, buf: &mut BytesMut) -> io::Result<usize> {
        let mut s = lock(&self.0);
        if s.input.is_empty() {
            return if s.input_closed {
                Ok(0)
            } else {
                Err(io::ErrorKind::WouldBlock.into())
            };
        }
        let room = (buf.capacity() - buf.len()).max(1);
        let n = s
            .input
            .len()
            .min(room)
            .min(s.read_size.unwrap_or(usize::MAX));
        buf.extend_from_slice(&s.input[..n]);
        s.input.drain(..n);
        Ok(n)
    }

    fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.try_write_vectored(&[IoSlice::new(buf)])
    }

    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        let mut s = lock(&self.0);
        let mut n = 0;
        for b in bufs {
            s.output.extend_from_slice(b);
            n += b.len();
        }
        if let Some(w) = s.output_waker.take() {
            w.wake();
        }
        Ok(n)
    }

    fn shutdown_write(&self) {
        let mut s = lock(&self.0);
        s.output_closed = true;
        if let Some(w) = s.output_waker.take() {
            w.wake();
        }
    }
}

impl Drop for Mem {
    fn drop(&mut self) {
        self.shutdown_write();
    }
}

impl MemClient {
    /// Sends bytes to the server.
    pub(crate) fn send(&self, bytes: &[u8]) {
        let mut s = lock(&self.0);
        s.input.extend_from_slice(bytes);
        if let Some(w) = s.read_waker.take() {
            w.wake();
        }
    }

    /// Ends the client's side (the server reads EOF after what was sent).
    pub(crate) fn close(&self) {
        let mut s = lock(&self.0);
        s.input_closed = true;
        if let Some(w) = s.read_waker.take() {
            w.wake();
        }
    }

    /// Hands the server at most `n` bytes per read.
    pub(crate) fn set_read_size(&self, n: usize) {
        lock(&self.0).read_size = Some(n);
    }

    /// Moves what the server wrote into `buf`; resolves once there is something new, or the
    /// server's side is closed (then `true`).
    pub(crate) async fn read_into(&self, buf: &mut Vec<u8>) -> bool {
        std::future::poll_fn(|cx| {
            let mut s = lock(&self.0);
            if !s.output.is_empty() {
                buf.append(&mut s.output);
                return Poll::Ready(false);
            }
            if s.output_closed {
                return Poll::Ready(true);
            }
            s.output_waker = Some(cx.waker().clone());
            Poll::Pending
        })
        .await
    }
}
