//! The listener loop: accept connections, serve each on its own task, and drain gracefully.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinSet;

use crate::app::{App, IntoApp};
use crate::config::{Builder, Config};
use crate::error::Error;
use crate::listener::{Listener, StdListener};
use crate::proto::h1::dispatch::{serve_connection, ConnInfo};
use crate::scope::Scheme;
use crate::shutdown::{Drain, ShutdownSignal};

/// Pause after an accept error caused by resource exhaustion (`EMFILE` and friends), so that a
/// full file table does not turn the accept loop into a busy loop.
const ACCEPT_ERROR_BACKOFF: Duration = Duration::from_millis(50);

/// A bound HTTP/1.1 server, ready to serve an [`App`].
///
/// ```no_run
/// use ferrapi_server::{Body, Request, Response, Server};
///
/// # async fn run() -> Result<(), ferrapi_server::Error> {
/// let server = Server::bind("127.0.0.1:0").await?;
/// let addr = server.local_addr();
/// server
///     .serve_with_shutdown(
///         |_req: Request<Body>| async { Response::new(Body::from("ok")) },
///         async { tokio::signal::ctrl_c().await.ok(); },
///     )
///     .await
/// # }
/// ```
#[derive(Debug)]
pub struct Server {
    listener: StdListener,
    config: Config,
}

/// What every connection of one server shares: settings, the drain state and counters.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) cfg: Config,
    pub(crate) drain: Arc<Drain>,
    /// Requests being handled right now (for `limit_concurrency`).
    pub(crate) in_flight: AtomicUsize,
    /// Requests served so far (for `limit_max_requests`).
    pub(crate) served: AtomicU64,
}

impl Shared {
    pub(crate) fn new(cfg: Config, drain: Arc<Drain>) -> Arc<Shared> {
        Arc::new(Shared {
            cfg,
            drain,
            in_flight: AtomicUsize::new(0),
            served: AtomicU64::new(0),
        })
    }

    /// Counts a request; starts the drain when `limit_max_requests` is reached.
    pub(crate) fn count_request(&self) {
        if let Some(limit) = self.cfg.limit_max_requests {
            if self.served.fetch_add(1, Ordering::Relaxed) + 1 == limit {
                tracing::info!(limit, "maximum number of requests reached; shutting down");
                self.drain.start();
            }
        }
    }

    pub(crate) fn shutdown_signal(&self) -> ShutdownSignal {
        ShutdownSignal::new(self.drain.clone())
    }
}

impl Server {
    /// A [`Builder`] to set limits and timeouts before binding.
    pub fn builder() -> Builder {
        Builder::new()
    }

    /// Binds with every default setting; shorthand for `Server::builder().bind(addr)`.
    pub async fn bind(addr: impl tokio::net::ToSocketAddrs) -> Result<Server, Error> {
        Builder::new().bind(addr).await
    }

    pub(crate) fn new(listener: StdListener, config: Config) -> Server {
        Server { listener, config }
    }

    /// The TCP address the server listens on (useful after binding port 0); `None` for a Unix
    /// socket.
    pub fn local_addr(&self) -> Option<SocketAddr> {
        self.listener.local_addr()
    }

    /// Runs the app's startup hook, then serves connections until an unrecoverable accept
    /// error. Must be called inside a tokio runtime; connections are spawned as tasks.
    pub async fn serve<A: IntoApp>(self, app: A) -> Result<(), Error> {
        self.serve_with_shutdown(app, std::future::pending()).await
    }

    /// Like [`serve`](Server::serve), but drains gracefully when `signal` completes: the
    /// listener closes, idle connections close, requests in flight finish (with
    /// `connection: close`) within the graceful-shutdown timeout, then the app's shutdown hook
    /// runs and this returns.
    pub async fn serve_with_shutdown<A, F>(self, app: A, signal: F) -> Result<(), Error>
    where
        A: IntoApp,
        F: Future<Output = ()>,
    {
        let app = app.into_app();
        app.startup().await.map_err(Error::startup)?;
        let app = Arc::new(app);
        let shared = Shared::new(self.config, Drain::new());
        let listener = self.listener.into_tokio().map_err(Error::bind)?;
        let worker = run_worker(listener, app.clone(), shared.clone());
        let drain = shared.drain.clone();
        let trigger = async move {
            signal.await;
            drain.start();
        };
        let (result, ()) = tokio::join!(worker, async {
            tokio::select! {
                () = trigger => {},
                () = shared.drain.wait() => {},
            }
        });
        app.shutdown().await;
        result
    }
}

/// One worker: accepts until the drain starts, then waits for its connections (up to the
/// graceful-shutdown timeout) and closes the rest.
pub(crate) async fn run_worker<A: App>(
    listener: Listener,
    app: Arc<A>,
    shared: Arc<Shared>,
) -> Result<(), Error> {
    let mut conns = JoinSet::new();
    let result = loop {
        let accepted = tokio::select! {
            biased;
            () = shared.drain.wait() => break Ok(()),
            Some(_) = conns.join_next(), if !conns.is_empty() => continue,
            accepted = accept(&listener) => accepted,
        };
        match accepted {
            Ok(Accepted::Tcp(stream, peer, local)) => {
                if shared.cfg.nodelay {
                    // Not fatal: the connection still works, only with Nagle's delay.
                    let _ = stream.set_nodelay(true);
                }
                let info = ConnInfo {
                    peer: Some(peer),
                    local: Some(local),
                    scheme: Scheme::Http,
                };
                conns.spawn(serve_connection(stream, app.clone(), shared.clone(), info));
            }
            Ok(Accepted::Unix(stream)) => {
                let info = ConnInfo {
                    peer: None,
                    local: None,
                    scheme: Scheme::Http,
                };
                conns.spawn(serve_connection(stream, app.clone(), shared.clone(), info));
            }
            Err(err) if is_transient(&err) => {
                tracing::warn!(error = %err, "accept failed; retrying");
                if is_exhaustion(&err) {
                    tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                }
            }
            Err(err) => {
                shared.drain.start();
                break Err(Error::accept(err));
            }
        }
    };
    // New connections are refused from here on.
    drop(listener);
    if !conns.is_empty() {
        tracing::info!(
            connections = conns.len(),
            "waiting for connections to close"
        );
    }
    let timeout = tokio::time::sleep(shared.cfg.graceful_shutdown_timeout);
    tokio::select! {
        () = async { while conns.join_next().await.is_some() {} } => {}
        () = timeout => {
            tracing::warn!(
                connections = conns.len(),
                "graceful shutdown timeout exceeded; closing the remaining connections"
            );
            conns.shutdown().await;
        }
    }
    result
}

enum Accepted {
    Tcp(tokio::net::TcpStream, SocketAddr, SocketAddr),
    Unix(tokio::net::UnixStream),
}

async fn accept(listener: &Listener) -> std::io::Result<Accepted> {
    match listener.inner() {
        Listener::Tcp(l, local) => {
            let (stream, peer) = l.accept().await?;
            Ok(Accepted::Tcp(stream, peer, *local))
        }
        Listener::Unix(l) => {
            let (stream, _) = l.accept().await?;
            Ok(Accepted::Unix(stream))
        }
        Listener::Guarded { .. } => unreachable!("inner() unwraps guards"),
    }
}

fn is_transient(err: &std::io::Error) -> bool {
    use std::io::ErrorKind::*;
    matches!(
        err.kind(),
        ConnectionAborted | ConnectionReset | Interrupted | WouldBlock
    ) || is_exhaustion(err)
}

/// Out of file descriptors or memory: retrying after a pause may succeed.
fn is_exhaustion(err: &std::io::Error) -> bool {
    // EMFILE, ENFILE, ENOBUFS, ENOMEM on Linux.
    matches!(err.raw_os_error(), Some(24 | 23 | 105 | 12))
}
