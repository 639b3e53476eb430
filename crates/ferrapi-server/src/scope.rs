//! The connection scope carried in each request's extensions (ASGI's `scope` keys that are not
//! part of the HTTP head: `client`, `server`, `scheme`, `root_path`, `http_version`).

use std::net::SocketAddr;
use std::sync::Arc;

use http::Version;

use crate::shutdown::ShutdownSignal;

/// The URL scheme the connection was made with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
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
/// Every request the server hands to an [`App`](crate::App) carries one. Cloning is cheap: what
/// the connection's requests share (addresses, scheme, root path, shutdown signal) sits behind
/// one reference count, so the server's per-request copy costs one atomic increment and a few
/// words (it was two increments and ~110 bytes). The setters copy the shared part first when
/// another scope still shares it.
#[derive(Clone, Debug)]
pub struct Scope {
    conn: Arc<ConnScope>,
    version: Version,
}

#[derive(Clone, Debug)]
struct ConnScope {
    client: Option<SocketAddr>,
    server: Option<SocketAddr>,
    scheme: Scheme,
    root_path: Arc<str>,
    shutdown: ShutdownSignal,
}

impl Scope {
    /// Builds a scope; the server does this for every connection, test clients and middleware
    /// may do it too. Its shutdown signal never fires; see [`Scope::with_shutdown_signal`].
    pub fn new(
        client: Option<SocketAddr>,
        server: Option<SocketAddr>,
        scheme: Scheme,
        root_path: Arc<str>,
        version: Version,
    ) -> Scope {
        Scope {
            conn: Arc::new(ConnScope {
                client,
                server,
                scheme,
                root_path,
                shutdown: ShutdownSignal::never(),
            }),
            version,
        }
    }

    /// Replaces the shutdown signal.
    pub fn with_shutdown_signal(mut self, signal: ShutdownSignal) -> Scope {
        Arc::make_mut(&mut self.conn).shutdown = signal;
        self
    }

    /// Fires when the server starts a graceful shutdown: long-lived responses should end.
    pub fn shutdown_signal(&self) -> ShutdownSignal {
        self.conn.shutdown.clone()
    }

    /// The peer's address (ASGI `scope["client"]`), when known.
    pub fn client(&self) -> Option<SocketAddr> {
        self.conn.client
    }

    /// The local address that accepted the connection (ASGI `scope["server"]`), when known.
    pub fn server(&self) -> Option<SocketAddr> {
        self.conn.server
    }

    /// The URL scheme (ASGI `scope["scheme"]`).
    pub fn scheme(&self) -> Scheme {
        self.conn.scheme
    }

    /// The path prefix under which the app is mounted (ASGI `scope["root_path"]`), `""` by
    /// default. Unlike uvicorn, the server does not prepend it to the request path: the
    /// request URI is exactly what the client sent, and routing layers strip or add the root
    /// path themselves.
    pub fn root_path(&self) -> &str {
        &self.conn.root_path
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
        Arc::make_mut(&mut self.conn).client = client;
    }

    /// Replaces the scheme, as a trusted proxy header does.
    pub fn set_scheme(&mut self, scheme: Scheme) {
        Arc::make_mut(&mut self.conn).scheme = scheme;
    }

    /// Replaces the root path, as a mounting router does.
    pub fn set_root_path(&mut self, root_path: impl Into<Arc<str>>) {
        Arc::make_mut(&mut self.conn).root_path = root_path.into();
    }
}
