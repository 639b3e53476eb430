//! The server's one opaque error type.

use std::fmt;

use crate::app::BoxError;

/// An error that stops [`Server::serve`](crate::Server::serve): binding failed, the app's
/// startup hook failed, or accepting connections failed.
///
/// Ask what happened with the `is_*` predicates; the `Display` text is for people and is not a
/// stable contract.
pub struct Error {
    kind: Kind,
    source: Option<BoxError>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Bind,
    Startup,
    Accept,
}

impl Error {
    pub(crate) fn bind(err: std::io::Error) -> Error {
        Error {
            kind: Kind::Bind,
            source: Some(Box::new(err)),
        }
    }

    pub(crate) fn startup(err: BoxError) -> Error {
        Error {
            kind: Kind::Startup,
            source: Some(err),
        }
    }

    pub(crate) fn accept(err: std::io::Error) -> Error {
        Error {
            kind: Kind::Accept,
            source: Some(Box::new(err)),
        }
    }

    /// The listening socket could not be bound.
    pub fn is_bind(&self) -> bool {
        self.kind == Kind::Bind
    }

    /// The app's [`startup`](crate::App::startup) hook failed.
    pub fn is_startup(&self) -> bool {
        self.kind == Kind::Startup
    }

    /// Accepting a connection failed in a way the server cannot recover from.
    pub fn is_accept(&self) -> bool {
        self.kind == Kind::Accept
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            Kind::Bind => "could not bind the listening socket",
            Kind::Startup => "application startup failed",
            Kind::Accept => "accepting connections failed",
        };
        match &self.source {
            Some(source) => write!(f, "{what}: {source}"),
            None => f.write_str(what),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.kind)
            .field("source", &self.source)
            .finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_ref()
            .map(|e| &**e as &(dyn std::error::Error + 'static))
    }
}
