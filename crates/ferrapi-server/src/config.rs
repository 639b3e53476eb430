//! Server configuration: limits, timeouts and default headers, set through [`Builder`].
//!
//! Every limit and timeout is a named constant with its default here; the code that enforces it
//! lives in `proto::h1`. uvicorn has none of the timeouts below and no head or body limits
//! (anchors §1.12); the defaults follow nginx and hyper where uvicorn gives no guidance.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use http::HeaderValue;
use tokio::net::TcpListener;

use crate::error::Error;
use crate::server::Server;

/// Time a connection may stay idle between requests before it is closed (uvicorn's
/// `--timeout-keep-alive` is 5 s). 75 s, nginx's default, outlives the usual 60 s idle timeout
/// of load balancers, which avoids the sporadic 502s a shorter value causes.
pub const DEFAULT_KEEP_ALIVE_TIMEOUT: Duration = Duration::from_secs(75);

/// Time allowed to receive a whole request head, counted from its first byte (and from accept
/// for a new connection). Stops slowloris clients, which uvicorn lets in forever.
pub const DEFAULT_HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// Time allowed between two reads of a request body before the request fails with `408`.
pub const DEFAULT_BODY_READ_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest request head (request line plus headers) accepted, in bytes; beyond it `431`.
pub const DEFAULT_MAX_HEAD_SIZE: usize = 32 * 1024;

/// Largest request target accepted, in bytes; beyond it `414`.
pub const DEFAULT_MAX_URI_LENGTH: usize = 8 * 1024;

/// Most header fields accepted in one request head; beyond it `431` (hyper's default).
pub const DEFAULT_MAX_HEADERS: usize = 100;

/// Largest request body accepted, in bytes; beyond it `413` (before reading it when
/// `Content-Length` already says so). The same as uvicorn's WebSocket message limit.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 16 * 1024 * 1024;

/// The settled configuration one server runs with, shared by all its connections.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) keep_alive_timeout: Duration,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    pub(crate) max_head_size: usize,
    pub(crate) max_uri_length: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_body_size: Option<u64>,
    pub(crate) server_header: Option<HeaderValue>,
    pub(crate) date_header: bool,
    pub(crate) root_path: Arc<str>,
    pub(crate) nodelay: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keep_alive_timeout: DEFAULT_KEEP_ALIVE_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            max_head_size: DEFAULT_MAX_HEAD_SIZE,
            max_uri_length: DEFAULT_MAX_URI_LENGTH,
            max_headers: DEFAULT_MAX_HEADERS,
            max_body_size: Some(DEFAULT_MAX_BODY_SIZE),
            server_header: Some(HeaderValue::from_static("ferrapi")),
            date_header: true,
            root_path: Arc::from(""),
            nodelay: true,
        }
    }
}

/// Builds a [`Server`]: set limits and timeouts, then [`bind`](Builder::bind) or
/// [`from_listener`](Builder::from_listener).
///
/// ```no_run
/// use std::time::Duration;
/// use ferrapi_server::Server;
///
/// # async fn run() -> Result<(), ferrapi_server::Error> {
/// let server = Server::builder()
///     .keep_alive_timeout(Duration::from_secs(5))
///     .max_body_size(Some(1024 * 1024))
///     .bind("127.0.0.1:8000")
///     .await?;
/// println!("listening on {}", server.local_addr());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, Default)]
pub struct Builder {
    config: Config,
}

impl Builder {
    /// A builder with every default from this module's constants.
    pub fn new() -> Builder {
        Builder::default()
    }

    /// Idle time allowed between requests on a keep-alive connection
    /// ([`DEFAULT_KEEP_ALIVE_TIMEOUT`]).
    pub fn keep_alive_timeout(mut self, timeout: Duration) -> Self {
        self.config.keep_alive_timeout = timeout;
        self
    }

    /// Time allowed to receive a request head from its first byte
    /// ([`DEFAULT_HEADER_READ_TIMEOUT`]). On expiry the connection is closed after a `408`
    /// if part of a head had arrived.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.header_read_timeout = timeout;
        self
    }

    /// Time allowed between two reads of a request body ([`DEFAULT_BODY_READ_TIMEOUT`]).
    pub fn body_read_timeout(mut self, timeout: Duration) -> Self {
        self.config.body_read_timeout = timeout;
        self
    }

    /// Largest request head in bytes ([`DEFAULT_MAX_HEAD_SIZE`]).
    pub fn max_head_size(mut self, bytes: usize) -> Self {
        self.config.max_head_size = bytes.max(64);
        self
    }

    /// Longest request target in bytes ([`DEFAULT_MAX_URI_LENGTH`]).
    pub fn max_uri_length(mut self, bytes: usize) -> Self {
        self.config.max_uri_length = bytes.max(1);
        self
    }

    /// Most header fields in one request ([`DEFAULT_MAX_HEADERS`]).
    pub fn max_headers(mut self, count: usize) -> Self {
        self.config.max_headers = count.max(1);
        self
    }

    /// Largest request body in bytes, `None` for no limit ([`DEFAULT_MAX_BODY_SIZE`]).
    pub fn max_body_size(mut self, bytes: Option<u64>) -> Self {
        self.config.max_body_size = bytes;
        self
    }

    /// The `Server` response header, `None` to send none (uvicorn's `--no-server-header`).
    /// Default: `ferrapi`.
    pub fn server_header(mut self, value: Option<HeaderValue>) -> Self {
        self.config.server_header = value;
        self
    }

    /// Whether to send a `Date` header, rendered at most once a second (default `true`).
    pub fn date_header(mut self, enabled: bool) -> Self {
        self.config.date_header = enabled;
        self
    }

    /// The root path reported in every request's [`Scope`](crate::Scope) (default `""`).
    pub fn root_path(mut self, root_path: impl Into<Arc<str>>) -> Self {
        self.config.root_path = root_path.into();
        self
    }

    /// Whether to set `TCP_NODELAY` on accepted sockets (default `true`).
    pub fn tcp_nodelay(mut self, enabled: bool) -> Self {
        self.config.nodelay = enabled;
        self
    }

    /// Binds a TCP listener (an `address:port` string, or anything `tokio` can resolve) and
    /// returns the server, ready to [`serve`](Server::serve). Port 0 picks a free port, which
    /// [`Server::local_addr`] then reports.
    pub async fn bind(self, addr: impl tokio::net::ToSocketAddrs) -> Result<Server, Error> {
        let listener = TcpListener::bind(addr).await.map_err(Error::bind)?;
        self.from_listener(listener)
    }

    /// Serves on a listener bound elsewhere (socket activation, tests).
    pub fn from_listener(self, listener: TcpListener) -> Result<Server, Error> {
        let local: SocketAddr = listener.local_addr().map_err(Error::bind)?;
        Ok(Server::new(listener, local, self.config))
    }
}
