//! Buffered socket I/O: an adaptive read buffer, a reused write buffer with vectored flushes,
//! and the connection's one timer.
//!
//! Idle connections hold no buffers: both are returned to a small per-thread pool whenever a
//! connection waits for its next request with nothing buffered, and taken back when bytes
//! arrive. That keeps 10,000 idle keep-alive connections to the cost of their sockets and
//! tasks, while a busy connection reuses the same memory request after request.

use std::cell::RefCell;
use std::future::{poll_fn, Future};
use std::io::{self, IoSlice};
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::{Buf, Bytes, BytesMut};
use tokio::net::TcpStream;
use tokio::time::{Instant, Sleep};

/// First read buffer size; also the size buffers are pooled at.
pub(crate) const INIT_READ_BUF: usize = 8 * 1024;

/// Largest read buffer growth step; the buffer doubles up to it while reads fill it.
pub(crate) const MAX_READ_BUF: usize = 128 * 1024;

/// Bodies up to this size are copied into the write buffer, larger ones are written from
/// their own memory with vectored writes (copying small bodies is cheaper than an extra iovec).
pub(crate) const MAX_COPY_BODY: usize = 16 * 1024;

/// Pending output above which the connection flushes before doing more work, so pipelined
/// requests cannot make the server buffer responses without bound for a slow reader.
pub(crate) const MAX_PENDING_WRITE: usize = 64 * 1024;

/// Buffers kept per thread for reuse.
const POOL_SIZE: usize = 64;

/// Most iovecs handed to one `writev`.
const MAX_IOVECS: usize = 32;

/// A byte stream the connection can drive: readiness plus non-blocking reads and writes, so
/// that reading and writing can proceed from one task through shared references.
pub(crate) trait Transport: Send + Sync + 'static {
    fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>>;
    fn try_read_buf(&self, buf: &mut BytesMut) -> io::Result<usize>;
    fn try_write(&self, buf: &[u8]) -> io::Result<usize>;
    fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize>;
    /// Half-closes the write side (FIN), so the peer sees the end of the response.
    fn shutdown_write(&self);
}

/// Both socket types implement [`Transport`] the same way.
///
/// Reads clear the socket's read readiness as soon as a read comes back short, as tokio's own
/// `AsyncRead::poll_read` does: a read that did not fill the room it was given drained the
/// kernel's receive queue, so the next read would only fail with `EAGAIN`. Without this, every
/// keep-alive request cost two `recvfrom` calls, one of them wasted (perf tracepoints: 2.0 per
/// request, now 1.0); the wasted syscall was a larger share of a request's CPU than the whole
/// parse. New bytes raise a new readiness event (the tick makes the clearing race-free), so
/// nothing is missed.
macro_rules! socket_transport {
    ($ty:ty) => {
        impl Transport for $ty {
            fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_read_ready(self, cx)
            }

            fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                <$ty>::poll_write_ready(self, cx)
            }

            fn try_read_buf(&self, buf: &mut BytesMut) -> io::Result<usize> {
                let room = buf.capacity() - buf.len();
                let mut read = 0;
                let drained = self.try_io(tokio::io::Interest::READABLE, || {
                    read = <$ty>::try_read_buf(self, buf)?;
                    if read > 0 && read < room {
                        // `try_io` clears the readiness when told the socket would block.
                        return Err(io::ErrorKind::WouldBlock.into());
                    }
                    Ok(())
                });
                match drained {
                    Ok(()) => Ok(read),
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock && read > 0 => Ok(read),
                    Err(e) => Err(e),
                }
            }

            fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
                <$ty>::try_write(self, buf)
            }

            fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
                <$ty>::try_write_vectored(self, bufs)
            }

            fn shutdown_write(&self) {
                // Errors mean the peer is already gone; there is nothing left to tell it.
                let _ = socket2::SockRef::from(self).shutdown(std::net::Shutdown::Write);
            }
        }
    };
}

socket_transport!(TcpStream);
socket_transport!(tokio::net::UnixStream);

thread_local! {
    static READ_POOL: RefCell<Vec<BytesMut>> = const { RefCell::new(Vec::new()) };
    static WRITE_POOL: RefCell<Vec<Vec<u8>>> = const { RefCell::new(Vec::new()) };
}

/// The read side: bytes received and not yet consumed.
pub(crate) struct ReadBuf {
    pub(crate) buf: BytesMut,
    next_reserve: usize,
}

impl ReadBuf {
    pub(crate) fn new() -> ReadBuf {
        ReadBuf {
            buf: BytesMut::new(),
            next_reserve: INIT_READ_BUF,
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Gives the (empty) buffer back to the pool while the connection idles.
    pub(crate) fn release(&mut self) {
        if !self.buf.is_empty() || self.buf.capacity() == 0 {
            return;
        }
        let mut buf = std::mem::take(&mut self.buf);
        // Reclaiming succeeds only when no request still holds a slice of this memory.
        if buf.try_reclaim(INIT_READ_BUF) {
            READ_POOL.with(|pool| {
                let mut pool = pool.borrow_mut();
                if pool.len() < POOL_SIZE {
                    pool.push(buf);
                }
            });
        }
        self.next_reserve = INIT_READ_BUF;
    }

    fn reserve(&mut self) {
        if self.buf.capacity() == 0 {
            if let Some(buf) = READ_POOL.with(|pool| pool.borrow_mut().pop()) {
                self.buf = buf;
                return;
            }
        }
        if self.buf.capacity() - self.buf.len() < self.next_reserve / 2 {
            self.buf.reserve(self.next_reserve);
        }
    }

    /// One non-blocking read; `WouldBlock` when nothing is there.
    pub(crate) fn try_read<T: Transport>(&mut self, io: &T) -> io::Result<usize> {
        self.reserve();
        let room = self.buf.capacity() - self.buf.len();
        let n = io.try_read_buf(&mut self.buf)?;
        if n == room && self.next_reserve < MAX_READ_BUF {
            self.next_reserve *= 2;
        }
        Ok(n)
    }

    /// Reads at least one byte (or EOF, `Ok(0)`), waiting until `deadline`.
    pub(crate) async fn read<T: Transport>(
        &mut self,
        io: &T,
        timer: &mut Timer,
        deadline: Instant,
    ) -> Result<usize, ReadError> {
        loop {
            match self.try_read(io) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ReadError::Io(e)),
            }
            if self.buf.is_empty() {
                self.release();
            }
            timer.wait(deadline, |cx| io.poll_read_ready(cx)).await?;
        }
    }
}

/// Why a read did not produce bytes.
#[derive(Debug)]
pub(crate) enum ReadError {
    Timeout,
    Io(io::Error),
}

impl From<TimedOut> for ReadError {
    fn from(_: TimedOut) -> Self {
        ReadError::Timeout
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e)
    }
}

/// The write side: encoded output not yet written. Heads and small bodies are copied into
/// `buf`; large bodies are queued as `Bytes` and written with vectored I/O.
pub(crate) struct WriteBuf {
    buf: Vec<u8>,
    /// Bytes of `buf` already written.
    pos: usize,
    /// Large pieces queued after `buf`, each after the part of `buf` encoded before it.
    queue: Vec<(usize, Bytes)>,
    /// The slowest reader accepted (bytes per second) and the grace: a client that stops
    /// reading cannot hold the connection, its handler and the pending bytes for ever
    /// (Kestrel's `MinResponseDataRate`).
    min_rate: Option<(u64, Duration)>,
}

impl WriteBuf {
    pub(crate) fn new() -> WriteBuf {
        WriteBuf {
            buf: Vec::new(),
            pos: 0,
            queue: Vec::new(),
            min_rate: None,
        }
    }

    /// The slowest reader accepted, after `grace` of waiting; `None`: no limit.
    pub(crate) fn with_min_rate(mut self, min_rate: Option<(u64, Duration)>) -> WriteBuf {
        self.min_rate = min_rate;
        self
    }

    /// How long a flush may wait for the client, in all: its bytes at the minimum rate, and
    /// never less than the grace period (as Kestrel times each write).
    fn write_allowance(&self) -> Option<Duration> {
        let (rate, grace) = self.min_rate?;
        let pending = self.pending_len() as f64;
        Some(grace.max(Duration::from_secs_f64(pending / rate as f64)))
    }

    /// The buffer to encode into.
    pub(crate) fn buf_mut(&mut self) -> &mut Vec<u8> {
        if self.buf.capacity() == 0 {
            if let Some(buf) = WRITE_POOL.with(|pool| pool.borrow_mut().pop()) {
                self.buf = buf;
            }
        }
        &mut self.buf
    }

    /// Appends body bytes, copying small ones.
    pub(crate) fn push_bytes(&mut self, bytes: Bytes) {
        if bytes.len() <= MAX_COPY_BODY {
            self.buf_mut().extend_from_slice(&bytes);
        } else {
            let at = self.buf.len();
            self.queue.push((at, bytes));
        }
    }

    pub(crate) fn has_pending(&self) -> bool {
        self.pos < self.buf.len() || !self.queue.is_empty()
    }

    pub(crate) fn pending_len(&self) -> usize {
        self.buf.len() - self.pos + self.queue.iter().map(|(_, b)| b.len()).sum::<usize>()
    }

    /// Gives the (empty) buffer back to the pool while the connection idles.
    pub(crate) fn release(&mut self) {
        if self.has_pending() || self.buf.capacity() == 0 {
            return;
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        self.pos = 0;
        if buf.capacity() <= 4 * MAX_PENDING_WRITE {
            WRITE_POOL.with(|pool| {
                let mut pool = pool.borrow_mut();
                if pool.len() < POOL_SIZE {
                    pool.push(buf);
                }
            });
        }
    }

    fn slices<'a>(&'a self, out: &mut [IoSlice<'a>; MAX_IOVECS]) -> usize {
        let mut n = 0;
        let mut from = self.pos;
        for (at, bytes) in &self.queue {
            if n + 2 > MAX_IOVECS {
                return n;
            }
            if *at > from {
                out[n] = IoSlice::new(&self.buf[from..*at]);
                n += 1;
            }
            from = from.max(*at);
            out[n] = IoSlice::new(bytes);
            n += 1;
        }
        if from < self.buf.len() && n < MAX_IOVECS {
            out[n] = IoSlice::new(&self.buf[from..]);
            n += 1;
        }
        n
    }

    fn advance(&mut self, mut written: usize) {
        while written > 0 {
            match self.queue.first_mut() {
                Some((at, bytes)) => {
                    let before = at.saturating_sub(self.pos);
                    if written < before {
                        self.pos += written;
                        return;
                    }
                    self.pos += before;
                    written -= before;
                    let take = written.min(bytes.len());
                    bytes.advance(take);
                    written -= take;
                    if bytes.is_empty() {
                        self.queue.remove(0);
                    } else {
                        return;
                    }
                }
                None => {
                    self.pos += written;
                    return;
                }
            }
        }
        if !self.has_pending() {
            self.buf.clear();
            self.pos = 0;
        }
    }

    /// Writes everything pending. Cancel safe: progress is recorded as it is made, so a
    /// dropped flush resumes where it stopped.
    pub(crate) async fn flush<T: Transport>(&mut self, io: &T) -> io::Result<()> {
        let mut allowance: Option<Duration> = None;
        let mut waited = Duration::ZERO;
        while self.has_pending() {
            let result = {
                let mut slices = [IoSlice::new(&[]); MAX_IOVECS];
                match self.slices(&mut slices) {
                    // One contiguous piece (a head with a copied small body, the common
                    // case) goes out with `send`: the kernel's `writev` path costs ~200 ns
                    // more per call for the same bytes (loopback microbenchmark, 160-byte
                    // writes: 3.43 µs against 3.64 µs), a few percent of a small request.
                    1 => io.try_write(&slices[0]),
                    n => io.try_write_vectored(&slices[..n]),
                }
            };
            match result {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.advance(n),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // The socket is full: the client is not reading. The wait is bounded by
                    // the minimum response rate (a timer only here, on the slow path).
                    if allowance.is_none() {
                        allowance = self.write_allowance();
                    }
                    let ready = poll_fn(|cx| io.poll_write_ready(cx));
                    match allowance {
                        None => ready.await?,
                        Some(allowed) => {
                            let started = Instant::now();
                            let outcome =
                                tokio::time::timeout(allowed.saturating_sub(waited), ready).await;
                            waited += started.elapsed();
                            match outcome {
                                Ok(ready) => ready?,
                                Err(_) => return Err(io::ErrorKind::TimedOut.into()),
                            }
                        }
                    }
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
        if !self.has_pending() {
            self.buf.clear();
            self.pos = 0;
        }
        Ok(())
    }
}

/// A timeout expired.
#[derive(Debug)]
pub(crate) struct TimedOut;

/// The connection's single timer.
///
/// Arming a timer per read would cost a timer-wheel insert and removal on every request. This
/// one is coarse instead: it stays armed at the earliest deadline asked of it and is only
/// moved when a wait needs an earlier one, or when it fires before the current deadline (then
/// it is re-armed). A keep-alive connection therefore touches the timer wheel about once per
/// timeout period rather than once per request.
pub(crate) struct Timer {
    sleep: Pin<Box<Sleep>>,
    armed: Instant,
    /// Whether the sleep holds this connection task's waker for its current deadline. Polling
    /// a `Sleep` only registers the waker (and spends coop budget); once registered, a wait
    /// need not poll it again until the timer has fired, which `Sleep::is_elapsed` tells
    /// with one atomic load (callgrind: ~115 instructions per request for the poll; a clock
    /// read, used before, cost ~40). The connection is one task, so the registered waker stays
    /// the right one.
    registered: bool,
}

impl Timer {
    pub(crate) fn new(deadline: Instant) -> Timer {
        Timer {
            sleep: Box::pin(tokio::time::sleep_until(deadline)),
            armed: deadline,
            registered: false,
        }
    }

    /// Polls `ready` until it completes or `deadline` passes.
    pub(crate) async fn wait<F>(&mut self, deadline: Instant, mut ready: F) -> Result<(), ReadError>
    where
        F: FnMut(&mut Context<'_>) -> Poll<io::Result<()>>,
    {
        if self.armed > deadline {
            self.sleep.as_mut().reset(deadline);
            self.armed = deadline;
            self.registered = false;
        }
        poll_fn(|cx| {
            if let Poll::Ready(r) = ready(cx) {
                return Poll::Ready(r.map_err(ReadError::Io));
            }
            if self.registered && !self.sleep.is_elapsed() {
                return Poll::Pending;
            }
            loop {
                match self.sleep.as_mut().poll(cx) {
                    Poll::Pending => {
                        self.registered = true;
                        return Poll::Pending;
                    }
                    Poll::Ready(()) if Instant::now() >= deadline => {
                        self.registered = false;
                        return Poll::Ready(Err(ReadError::Timeout));
                    }
                    Poll::Ready(()) => {
                        self.sleep.as_mut().reset(deadline);
                        self.armed = deadline;
                        self.registered = false;
                    }
                }
            }
        })
        .await
    }
}

/// `now + timeout`, saturating far in the future for huge timeouts.
pub(crate) fn deadline(from: Instant, timeout: Duration) -> Instant {
    from.checked_add(timeout)
        .unwrap_or_else(|| from + Duration::from_secs(60 * 60 * 24 * 365))
}
