//! The connection's side of a streaming request body: a [`Feed`] decodes the body from the
//! read buffer and hands it to the app one chunk per demand (backpressure, and `100 Continue`
//! on the first read, as uvicorn sends it), watches for the client leaving meanwhile, and
//! drains what the app left unread so the connection can serve the next request.

use std::future::poll_fn;
use std::time::Duration;

use http::StatusCode;
use tokio::time::Instant;

use super::decode::{Decoded, Decoder};
use super::encode;
use super::exchange::MAX_DRAIN;
use super::io::{deadline, ReadBuf, ReadError, Timer, Transport, WriteBuf};
use crate::body::{self, Body, BodyErrorKind, Feeder, Want};
use crate::config::Config;

/// Resolves when the peer closes the connection or it fails, which is how a disconnect
/// cancels the app (ASGI's `http.disconnect`; hyper drops the service future the same way).
/// Bytes that arrive meanwhile (pipelined requests) are kept for later, up to `cap`; past it
/// the watch stops reading, so a client cannot make the server buffer ahead without bound.
///
/// A client that half-closes its side after sending a request is treated as gone, as hyper
/// does by default.
pub(crate) async fn watch_peer<T: Transport>(io: &T, rb: &mut ReadBuf, cap: usize) {
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

/// Why feeding a request body failed.
#[derive(Debug)]
pub(crate) enum FeedError {
    TooLarge,
    Timeout,
    Malformed(&'static str),
    /// EOF or an I/O error: the client is gone.
    Gone,
}

impl FeedError {
    pub(crate) fn body_error(&self) -> BodyErrorKind {
        match self {
            FeedError::TooLarge => BodyErrorKind::TooLarge,
            FeedError::Timeout => BodyErrorKind::Timeout,
            FeedError::Malformed(_) => BodyErrorKind::Malformed,
            FeedError::Gone => BodyErrorKind::Incomplete,
        }
    }

    /// The response owed to the client, if it can still receive one.
    pub(crate) fn status(&self) -> Option<(StatusCode, &'static str)> {
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
pub(crate) struct Feed {
    pub(crate) feeder: Feeder,
    pub(crate) decoder: Decoder,
    /// `100 Continue` is owed when the app first reads.
    pub(crate) expect_continue: bool,
    state: FeedState,
    received: u64,
    /// Time spent waiting for the client's body bytes (not the app's time between reads):
    /// what the minimum body rate is measured against.
    waited: Duration,
}

impl Feed {
    pub(crate) fn start(
        len: Option<u64>,
        decoder: Decoder,
        expect_continue: bool,
    ) -> (Body, Option<Feed>) {
        let (feeder, incoming) = body::channel(len);
        let feed = Feed {
            feeder,
            decoder,
            expect_continue,
            state: FeedState::Active,
            received: 0,
            waited: Duration::ZERO,
        };
        (Body::incoming(incoming), Some(feed))
    }

    pub(crate) fn is_active(&self) -> bool {
        self.state == FeedState::Active
    }

    /// Waits for the app to ask for a chunk, then reads and hands over one. Cancel safe: it
    /// only awaits the app's demand, a flush (which records progress) and socket reads (bytes
    /// read are kept in the buffer).
    pub(crate) async fn feed_once<T: Transport>(
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
            let started = Instant::now();
            let until = deadline(started, self.read_allowance(cfg));
            let read = rb.read(io, timer, until).await;
            self.waited += started.elapsed();
            match read {
                Ok(0) | Err(ReadError::Io(_)) => return Err(FeedError::Gone),
                Ok(_) => {}
                Err(ReadError::Timeout) => return Err(FeedError::Timeout),
            }
        }
    }

    /// How long the next read may wait: the per-read timeout, or less when the minimum body
    /// rate requires the next bytes sooner (the bytes received must keep up with `rate` per
    /// second of waiting after the grace period).
    fn read_allowance(&self, cfg: &Config) -> Duration {
        let Some((rate, grace)) = cfg.min_body_rate else {
            return cfg.body_read_timeout;
        };
        let earned = grace + Duration::from_secs_f64(self.received as f64 / rate as f64);
        earned
            .saturating_sub(self.waited)
            .min(cfg.body_read_timeout)
    }

    /// Reads and discards the rest of an unread body, up to [`MAX_DRAIN`]; `true` when the
    /// body ended and the connection can serve another request.
    pub(crate) async fn drain<T: Transport>(
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
