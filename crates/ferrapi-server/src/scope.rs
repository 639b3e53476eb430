//! The connection scope carried in each request's extensions (ASGI's `scope` keys that are not
//! part of the HTTP head: `client`, `server`, `scheme`, `root_path`, `http_version`).

use std::net::SocketAddr;
use std::sync::Arc;

use http::Version;

use crate::shutdown::ShutdownSignal;

/// The URL scheme the connection was made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Scheme {
    /// Plain-text HTTP.
    Http,
    /// HTTP over TLS (set by a TLS listener or a trusted proxy header).
    Https,
}

impl Scheme {
    /// The scheme as it appears in a URL: `"http"` or `"https"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// Per-request connection information, found in `request.extensions().get::<Scope>()`.
///
/// Every request the server hands to an [`App`](crate::App) carries one. Cloning is cheap (the
/// root path is shared).
#[derive(Clone, Debug)]
pub struct Scope {
    client: Option<SocketAddr>,
    server: Option<SocketAddr>,
    scheme: Scheme,
    root_path: Arc<str>,
    version: Version,
    shutdown: ShutdownSignal,
}

impl Scope {
    /// Builds a scope; the server does this for every request, test clients and middleware
    /// may do it too. Its shutdown signal never fires; see [`Scope::with_shutdown_signal`].
    pub fn new(
        client: Option<SocketAddr>,
        server: Option<SocketAddr>,
        scheme: Scheme,
        root_path: Arc<str>,
        version: Version,
    ) -> Scope {
        Scope {
            client,
            server,
            scheme,
            root_path,
            version,
            shutdown: ShutdownSignal::never(),
        }
    }

    /// Replaces the shutdown signal.
    pub fn with_shutdown_signal(mut self, signal: ShutdownSignal) -> Scope {
        self.shutdown = signal;
        self
    }

    /// Fires when the server starts a graceful shutdown: long-lived responses should end.
    pub fn shutdown_signal(&self) -> ShutdownSignal {
        self.shutdown.clone()
    }

    /// The peer's address (ASGI `scope["client"]`), when known.
    pub fn client(&self) -> Option<SocketAddr> {
        self.client
    }

    /// The local address that accepted the connection (ASGI `scope["server"]`), when known.
    pub fn server(&self) -> Option<SocketAddr> {
        self.server
    }

    /// The URL scheme (ASGI `scope["scheme"]`).
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The path prefix under which the app is mounted (ASGI `scope["root_path"]`), `""` by
    /// default. Unlike uvicorn, the server does not prepend it to the request path: the
    /// request URI is exactly what the client sent, and routing layers strip or add the root
    /// path themselves.
    pub fn root_path(&self) -> &str {
        &self.root_path
    }

    /// The HTTP version of the request (ASGI `scope["http_version"]`).
    pub fn http_version(&self) -> Version {
        self.version
    }

    pub(crate) fn set_http_version(&mut self, version: Version) {
        self.version = version;
    }

    /// Replaces the client address, as a trusted proxy header does.
    pub fn set_client(&mut self, client: Option<SocketAddr>) {
        self.client = client;
    }

    /// Replaces the scheme, as a trusted proxy header does.
    pub fn set_scheme(&mut self, scheme: Scheme) {
        self.scheme = scheme;
    }

    /// Replaces the root path, as a mounting router does.
    pub fn set_root_path(&mut self, root_path: impl Into<Arc<str>>) {
        self.root_path = root_path.into();
    }
}
