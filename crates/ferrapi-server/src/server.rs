//! The listener loop: accept connections and serve each on its own task.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;

use crate::app::App;
use crate::config::{Builder, Config};
use crate::error::Error;
use crate::proto::h1::dispatch::{serve_connection, ConnInfo};
use crate::scope::Scheme;

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
    listener: TcpListener,
    local: SocketAddr,
    config: Arc<Config>,
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

    pub(crate) fn new(listener: TcpListener, local: SocketAddr, config: Config) -> Server {
        Server {
            listener,
            local,
            config: Arc::new(config),
        }
    }

    /// The address the server listens on (useful after binding port 0).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// Runs the app's startup hook, then serves connections until an unrecoverable accept
    /// error. Must be called inside a tokio runtime; connections are spawned as tasks.
    pub async fn serve<A: App>(self, app: A) -> Result<(), Error> {
        self.serve_with_shutdown(app, std::future::pending()).await
    }

    /// Like [`serve`](Server::serve), but stops accepting when `signal` completes, then runs
    /// the app's shutdown hook and returns. Connections already accepted keep running on
    /// their tasks until they finish or the runtime stops.
    pub async fn serve_with_shutdown<A, F>(self, app: A, signal: F) -> Result<(), Error>
    where
        A: App,
        F: Future<Output = ()>,
    {
        app.startup().await.map_err(Error::startup)?;
        let app = Arc::new(app);
        let mut signal = pin!(signal);
        let result = loop {
            let accepted = tokio::select! {
                biased;
                () = &mut signal => break Ok(()),
                accepted = self.listener.accept() => accepted,
            };
            match accepted {
                Ok((stream, peer)) => {
                    if self.config.nodelay {
                        // Not fatal: the connection still works, only with Nagle's delay.
                        let _ = stream.set_nodelay(true);
                    }
                    let info = ConnInfo {
                        peer: Some(peer),
                        local: Some(self.local),
                        scheme: Scheme::Http,
                    };
                    tokio::spawn(serve_connection(
                        stream,
                        app.clone(),
                        self.config.clone(),
                        info,
                    ));
                }
                Err(err) if is_transient(&err) => {
                    tracing::warn!(error = %err, "accept failed; retrying");
                    if is_exhaustion(&err) {
                        tokio::time::sleep(ACCEPT_ERROR_BACKOFF).await;
                    }
                }
                Err(err) => break Err(Error::accept(err)),
            }
        };
        app.shutdown().await;
        result
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
