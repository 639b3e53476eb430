//! Server configuration: limits, timeouts and default headers, set through [`Builder`].
//!
//! Every limit and timeout is a named constant with its default here; the code that enforces it
//! lives in `proto::h1`. uvicorn has none of the timeouts below and no head or body limits
//! (anchors §1.12); the defaults follow nginx and hyper where uvicorn gives no guidance.

use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};

use crate::error::Error;
use crate::listener::{BindTarget, StdListener, DEFAULT_BACKLOG};
use crate::proxy::TrustedProxies;
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

/// Slowest request body accepted, in bytes per second, once [`DEFAULT_MIN_BODY_RATE_GRACE`]
/// has passed: a body trickled slower fails with `408` and the connection closes (Kestrel's
/// `MinRequestBodyDataRate`, 240 bytes/s after 5 s). Only the time spent waiting for the
/// client counts, not the time the app takes between its reads.
pub const DEFAULT_MIN_BODY_RATE: u64 = 240;

/// Time a request body is given before [`DEFAULT_MIN_BODY_RATE`] applies.
pub const DEFAULT_MIN_BODY_RATE_GRACE: Duration = Duration::from_secs(5);

/// Slowest client accepted when it reads a response, in bytes per second, once
/// [`DEFAULT_MIN_RESPONSE_RATE_GRACE`] of waiting has passed: a client that stops reading a
/// large or streaming response has its connection closed (the handler's stream is dropped)
/// rather than holding it, the handler and the pending bytes (Kestrel's
/// `MinResponseDataRate`, 240 bytes/s after 5 s). Only the time the server spends waiting for
/// the client counts.
pub const DEFAULT_MIN_RESPONSE_RATE: u64 = 240;

/// Time of waiting for a reader allowed before [`DEFAULT_MIN_RESPONSE_RATE`] applies.
pub const DEFAULT_MIN_RESPONSE_RATE_GRACE: Duration = Duration::from_secs(5);

/// Largest request head (request line plus headers) accepted, in bytes; beyond it `431`.
pub const DEFAULT_MAX_HEAD_SIZE: usize = 32 * 1024;

/// Largest request target accepted, in bytes; beyond it `414`.
pub const DEFAULT_MAX_URI_LENGTH: usize = 8 * 1024;

/// Most header fields accepted in one request head; beyond it `431` (hyper's default).
pub const DEFAULT_MAX_HEADERS: usize = 100;

/// Largest request body accepted, in bytes; beyond it `413` (before reading it when
/// `Content-Length` already says so). The same as uvicorn's WebSocket message limit.
pub const DEFAULT_MAX_BODY_SIZE: u64 = 16 * 1024 * 1024;

/// Time a graceful shutdown waits for requests in flight before closing what is left
/// (uvicorn's `--timeout-graceful-shutdown` defaults to waiting forever, so one open stream keeps
/// the process alive; 30 s is gunicorn's default).
pub const DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(30);

/// Largest WebSocket message accepted (uvicorn's `--ws-max-size`); beyond it close 1009.
pub const DEFAULT_WS_MAX_SIZE: usize = crate::proto::ws::message::DEFAULT_MAX_MESSAGE_SIZE;

/// Interval between keepalive pings on an idle WebSocket (uvicorn's `--ws-ping-interval`).
pub const DEFAULT_WS_PING_INTERVAL: Duration = Duration::from_secs(20);

/// Time a peer has to answer a ping before the socket is closed with 1011 (uvicorn's
/// `--ws-ping-timeout`).
pub const DEFAULT_WS_PING_TIMEOUT: Duration = Duration::from_secs(20);

/// Headers that frame the message or the connection, which only the server may set.
pub(crate) fn is_framing_header(name: &HeaderName) -> bool {
    name == http::header::CONTENT_LENGTH
        || name == http::header::TRANSFER_ENCODING
        || name == http::header::CONNECTION
        || name == http::header::UPGRADE
}

/// The settled configuration one server runs with, shared by all its connections.
#[derive(Clone, Debug)]
pub(crate) struct Config {
    pub(crate) keep_alive_timeout: Duration,
    pub(crate) header_read_timeout: Duration,
    pub(crate) body_read_timeout: Duration,
    /// The slowest body accepted (bytes per second) and the time before it applies.
    pub(crate) min_body_rate: Option<(u64, Duration)>,
    /// The slowest reader of a response accepted (bytes per second) and the grace before it.
    pub(crate) min_response_rate: Option<(u64, Duration)>,
    pub(crate) max_head_size: usize,
    pub(crate) max_uri_length: usize,
    pub(crate) max_headers: usize,
    pub(crate) max_body_size: Option<u64>,
    pub(crate) server_header: Option<HeaderValue>,
    pub(crate) date_header: bool,
    pub(crate) root_path: Arc<str>,
    pub(crate) nodelay: bool,
    pub(crate) default_headers: Vec<(HeaderName, HeaderValue)>,
    pub(crate) backlog: u32,
    pub(crate) limit_concurrency: Option<usize>,
    pub(crate) limit_max_requests: Option<u64>,
    pub(crate) graceful_shutdown_timeout: Duration,
    pub(crate) proxy_headers: bool,
    pub(crate) forwarded_allow_ips: TrustedProxies,
    pub(crate) access_log: bool,
    pub(crate) access_log_json: bool,
    pub(crate) ws_max_size: usize,
    pub(crate) ws_ping_interval: Option<Duration>,
    pub(crate) ws_ping_timeout: Option<Duration>,
    pub(crate) ws_per_message_deflate: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            keep_alive_timeout: DEFAULT_KEEP_ALIVE_TIMEOUT,
            header_read_timeout: DEFAULT_HEADER_READ_TIMEOUT,
            body_read_timeout: DEFAULT_BODY_READ_TIMEOUT,
            min_body_rate: Some((DEFAULT_MIN_BODY_RATE, DEFAULT_MIN_BODY_RATE_GRACE)),
            min_response_rate: Some((DEFAULT_MIN_RESPONSE_RATE, DEFAULT_MIN_RESPONSE_RATE_GRACE)),
            max_head_size: DEFAULT_MAX_HEAD_SIZE,
            max_uri_length: DEFAULT_MAX_URI_LENGTH,
            max_headers: DEFAULT_MAX_HEADERS,
            max_body_size: Some(DEFAULT_MAX_BODY_SIZE),
            server_header: Some(HeaderValue::from_static("ferrapi")),
            date_header: true,
            root_path: Arc::from(""),
            nodelay: true,
            default_headers: Vec::new(),
            backlog: DEFAULT_BACKLOG,
            limit_concurrency: None,
            limit_max_requests: None,
            graceful_shutdown_timeout: DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT,
            proxy_headers: true,
            forwarded_allow_ips: TrustedProxies::default(),
            access_log: false,
            access_log_json: false,
            ws_max_size: DEFAULT_WS_MAX_SIZE,
            ws_ping_interval: Some(DEFAULT_WS_PING_INTERVAL),
            ws_ping_timeout: Some(DEFAULT_WS_PING_TIMEOUT),
            ws_per_message_deflate: true,
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
/// println!("listening on {:?}", server.local_addr());
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

    /// Slowest request body accepted, in bytes per second, after `grace`
    /// ([`DEFAULT_MIN_BODY_RATE`] after [`DEFAULT_MIN_BODY_RATE_GRACE`]); `None` turns the
    /// check off (the per-read [`body_read_timeout`](Builder::body_read_timeout) stays). A body
    /// whose bytes arrive slower, counting only the time spent waiting for the client, fails
    /// with `408` and the connection closes: a client trickling a byte every few seconds cannot
    /// hold a connection and a handler for as long as it likes.
    pub fn min_body_rate(mut self, rate: Option<u64>, grace: Duration) -> Self {
        self.config.min_body_rate = rate.filter(|r| *r > 0).map(|r| (r, grace));
        self
    }

    /// Slowest reader of a response accepted, in bytes per second, after `grace` of waiting
    /// ([`DEFAULT_MIN_RESPONSE_RATE`] after [`DEFAULT_MIN_RESPONSE_RATE_GRACE`]); `None` turns
    /// the check off. A client that reads slower (or not at all) has its connection closed:
    /// it cannot hold a connection, a handler and the unsent bytes for as long as it likes.
    pub fn min_response_rate(mut self, rate: Option<u64>, grace: Duration) -> Self {
        self.config.min_response_rate = rate.filter(|r| *r > 0).map(|r| (r, grace));
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

    /// Extra headers sent on every response, after `date` and `server` and before the app's
    /// (uvicorn's `--header`); the app's own value wins. A `server` header here replaces the
    /// default `Server` header. Framing headers (`Content-Length`, `Transfer-Encoding`,
    /// `Connection`) belong to the server and are ignored.
    pub fn default_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        if is_framing_header(&name) {
            tracing::warn!(header = %name, "ignoring a default header the server sets itself");
        } else if name == http::header::SERVER {
            self.config.server_header = Some(value);
        } else {
            self.config.default_headers.push((name, value));
        }
        self
    }

    /// The listen backlog (uvicorn's `--backlog`, default 2048).
    pub fn backlog(mut self, backlog: u32) -> Self {
        self.config.backlog = backlog.max(1);
        self
    }

    /// Most requests handled at once; a request beyond it gets `503 Service Unavailable` at
    /// once (uvicorn's `--limit-concurrency`). Unlike uvicorn, idle keep-alive connections do
    /// not count, so a limit of 1 still serves one request at a time. Default: no limit.
    pub fn limit_concurrency(mut self, limit: Option<usize>) -> Self {
        self.config.limit_concurrency = limit.map(|l| l.max(1));
        self
    }

    /// Starts a graceful shutdown after this many requests (uvicorn's `--limit-max-requests`),
    /// so a supervisor can replace the process. Default: no limit.
    pub fn limit_max_requests(mut self, limit: Option<u64>) -> Self {
        self.config.limit_max_requests = limit.map(|l| l.max(1));
        self
    }

    /// How long a graceful shutdown waits for requests in flight before closing the rest
    /// ([`DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT`]).
    pub fn graceful_shutdown_timeout(mut self, timeout: Duration) -> Self {
        self.config.graceful_shutdown_timeout = timeout;
        self
    }

    /// Whether to honour `X-Forwarded-*` and `Forwarded` headers from trusted peers (default
    /// `true`, as uvicorn).
    pub fn proxy_headers(mut self, enabled: bool) -> Self {
        self.config.proxy_headers = enabled;
        self
    }

    /// The peers trusted to set proxy headers (default loopback: `127.0.0.1,::1`).
    pub fn forwarded_allow_ips(mut self, trusted: TrustedProxies) -> Self {
        self.config.forwarded_allow_ips = trusted;
        self
    }

    /// Whether to log one line per completed request at target `ferrapi::access` (default
    /// `false` for the library; the `run` entry point turns it on, as uvicorn does).
    pub fn access_log(mut self, enabled: bool) -> Self {
        self.config.access_log = enabled;
        self
    }

    /// Largest WebSocket message in bytes ([`DEFAULT_WS_MAX_SIZE`]).
    pub fn ws_max_size(mut self, bytes: usize) -> Self {
        self.config.ws_max_size = bytes.max(1);
        self
    }

    /// Keepalive ping interval, `None` for no pings ([`DEFAULT_WS_PING_INTERVAL`]).
    pub fn ws_ping_interval(mut self, interval: Option<Duration>) -> Self {
        self.config.ws_ping_interval = interval;
        self
    }

    /// Time to wait for a pong, `None` to wait forever ([`DEFAULT_WS_PING_TIMEOUT`]).
    pub fn ws_ping_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.config.ws_ping_timeout = timeout;
        self
    }

    /// Whether to accept permessage-deflate when the client offers it (default `true`).
    pub fn ws_per_message_deflate(mut self, enabled: bool) -> Self {
        self.config.ws_per_message_deflate = enabled;
        self
    }

    /// Binds a TCP listener (an `address:port` string, or anything `tokio` can resolve) and
    /// returns the server, ready to [`serve`](Server::serve). Port 0 picks a free port, which
    /// [`Server::local_addr`] then reports.
    pub async fn bind(self, addr: impl tokio::net::ToSocketAddrs) -> Result<Server, Error> {
        let mut addrs = tokio::net::lookup_host(addr).await.map_err(Error::bind)?;
        let addr = addrs.next().ok_or_else(|| {
            Error::bind(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "the address resolved to nothing",
            ))
        })?;
        self.bind_target(&BindTarget::Tcp(addr))
    }

    /// Binds a TCP address, a Unix socket path, or adopts an inherited descriptor.
    pub fn bind_target(self, target: &BindTarget) -> Result<Server, Error> {
        let listener =
            StdListener::bind(target, self.config.backlog, false).map_err(Error::bind)?;
        Ok(Server::new(listener, self.config))
    }

    /// Serves on a TCP listener bound elsewhere (tests, custom socket setup).
    pub fn from_listener(self, listener: tokio::net::TcpListener) -> Result<Server, Error> {
        let std = listener.into_std().map_err(Error::bind)?;
        let listener = StdListener::from_std_tcp(std).map_err(Error::bind)?;
        Ok(Server::new(listener, self.config))
    }

    pub(crate) fn into_config(self) -> Config {
        self.config
    }
}
