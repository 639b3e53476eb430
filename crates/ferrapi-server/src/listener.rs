//! Listening sockets: TCP (IPv4, IPv6, dual-stack), Unix domain sockets, and inherited file
//! descriptors, bound with the backlog and `SO_REUSEPORT` settings tokio does not expose.

use std::fmt;
use std::io;
use std::net::SocketAddr;
use std::os::fd::{FromRawFd, RawFd};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

/// uvicorn's `--backlog` default: the length of the kernel's accept queue.
pub const DEFAULT_BACKLOG: u32 = 2048;

/// Where a server listens.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum BindTarget {
    /// A TCP address. `0.0.0.0` is IPv4 only; `::` is dual-stack (IPv6 and IPv4).
    Tcp(SocketAddr),
    /// A Unix domain socket path (uvicorn's `--uds`): created with mode 0o666, a stale socket
    /// file is replaced, and the file is removed when the server stops.
    Unix(PathBuf),
    /// An already-listening socket inherited from a process manager (uvicorn's `--fd`), TCP or
    /// Unix.
    Fd(RawFd),
}

impl fmt::Display for BindTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BindTarget::Tcp(addr) => write!(f, "http://{addr}"),
            BindTarget::Unix(path) => write!(f, "unix:{}", path.display()),
            BindTarget::Fd(fd) => write!(f, "fd://{fd}"),
        }
    }
}

/// A bound, listening socket not yet attached to a runtime; it can be duplicated so that
/// several workers (each with its own runtime) accept from it.
#[derive(Debug)]
pub(crate) struct StdListener {
    socket: Socket,
    kind: Kind,
    /// Removes a Unix socket file when the last copy of the listener is dropped.
    _unlink: Option<Arc<Unlink>>,
}

#[derive(Clone, Debug)]
pub(crate) enum Kind {
    Tcp(SocketAddr),
    Unix,
}

#[derive(Debug)]
pub(crate) struct Unlink(PathBuf);

impl Drop for Unlink {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

impl StdListener {
    /// Binds `target`. With `reuse_port`, more listeners can later bind the same TCP address
    /// (one per worker, load-balanced by the kernel).
    pub(crate) fn bind(target: &BindTarget, backlog: u32, reuse_port: bool) -> io::Result<Self> {
        match target {
            BindTarget::Tcp(addr) => Self::bind_tcp(*addr, backlog, reuse_port),
            BindTarget::Unix(path) => Self::bind_unix(path, backlog),
            BindTarget::Fd(fd) => Self::from_fd(*fd),
        }
    }

    fn bind_tcp(addr: SocketAddr, backlog: u32, reuse_port: bool) -> io::Result<Self> {
        let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
        if addr.is_ipv6() {
            // `::` serves IPv4 too (dual-stack), whatever the system default.
            socket.set_only_v6(false)?;
        }
        socket.set_reuse_address(true)?;
        if reuse_port {
            socket.set_reuse_port(true)?;
        }
        socket.set_nonblocking(true)?;
        socket.bind(&addr.into())?;
        socket.listen(backlog.min(i32::MAX as u32) as i32)?;
        let local = socket
            .local_addr()?
            .as_socket()
            .ok_or_else(|| io::Error::other("TCP listener without an address"))?;
        Ok(StdListener {
            socket,
            kind: Kind::Tcp(local),
            _unlink: None,
        })
    }

    fn bind_unix(path: &Path, backlog: u32) -> io::Result<Self> {
        if let Ok(meta) = std::fs::symlink_metadata(path) {
            if meta.file_type().is_socket() {
                std::fs::remove_file(path)?;
            } else {
                return Err(io::Error::new(
                    io::ErrorKind::AlreadyExists,
                    format!("{} exists and is not a socket", path.display()),
                ));
            }
        }
        let socket = Socket::new(Domain::UNIX, Type::STREAM, None)?;
        socket.set_nonblocking(true)?;
        socket.bind(&SockAddr::unix(path)?)?;
        let unlink = Arc::new(Unlink(path.to_path_buf()));
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o666))?;
        socket.listen(backlog.min(i32::MAX as u32) as i32)?;
        Ok(StdListener {
            socket,
            kind: Kind::Unix,
            _unlink: Some(unlink),
        })
    }

    fn from_fd(fd: RawFd) -> io::Result<Self> {
        if fd < 0 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "negative file descriptor",
            ));
        }
        // Check the descriptor is open before taking ownership: dropping an owned descriptor
        // that was never open is a fatal I/O-safety violation. Duplicating a borrowed one fails
        // cleanly with EBADF instead.
        // SAFETY: the borrow lives only for this statement; if `fd` is not open, `fcntl`
        // reports EBADF and nothing is done with it.
        let probe = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) }.try_clone_to_owned();
        drop(probe?);
        // SAFETY: `--fd` hands this process a listening socket it owns from now on (socket
        // activation, process managers); it was just checked to be open, and nothing else in
        // the process uses the descriptor.
        let socket = unsafe { Socket::from_raw_fd(fd) };
        let local = socket.local_addr()?;
        if !socket.r#type().is_ok_and(|t| t == Type::STREAM) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("fd {fd} is not a stream socket"),
            ));
        }
        socket.set_nonblocking(true)?;
        let kind = match local.as_socket() {
            Some(addr) => Kind::Tcp(addr),
            None => Kind::Unix,
        };
        Ok(StdListener {
            socket,
            kind,
            _unlink: None,
        })
    }

    /// Adopts a bound std TCP listener.
    pub(crate) fn from_std_tcp(listener: std::net::TcpListener) -> io::Result<Self> {
        let local = listener.local_addr()?;
        let socket = Socket::from(listener);
        socket.set_nonblocking(true)?;
        Ok(StdListener {
            socket,
            kind: Kind::Tcp(local),
            _unlink: None,
        })
    }

    /// Another handle to the same listening socket.
    pub(crate) fn try_clone(&self) -> io::Result<Self> {
        Ok(StdListener {
            socket: self.socket.try_clone()?,
            kind: self.kind.clone(),
            _unlink: self._unlink.clone(),
        })
    }

    /// The TCP address, if this is a TCP listener.
    pub(crate) fn local_addr(&self) -> Option<SocketAddr> {
        match self.kind {
            Kind::Tcp(addr) => Some(addr),
            Kind::Unix => None,
        }
    }

    /// Attaches the listener to the current tokio runtime.
    pub(crate) fn into_tokio(self) -> io::Result<Listener> {
        let unlink = self._unlink;
        let listener = match self.kind {
            Kind::Tcp(addr) => {
                let std: std::net::TcpListener = self.socket.into();
                Listener::Tcp(tokio::net::TcpListener::from_std(std)?, addr)
            }
            Kind::Unix => {
                let std: std::os::unix::net::UnixListener = self.socket.into();
                Listener::Unix(tokio::net::UnixListener::from_std(std)?)
            }
        };
        Ok(match unlink {
            Some(unlink) => Listener::Guarded {
                inner: Box::new(listener),
                _unlink: unlink,
            },
            None => listener,
        })
    }
}

/// A listener attached to a runtime.
#[derive(Debug)]
pub(crate) enum Listener {
    Tcp(tokio::net::TcpListener, SocketAddr),
    Unix(tokio::net::UnixListener),
    /// A Unix listener whose socket file is removed when the last copy is dropped.
    Guarded {
        inner: Box<Listener>,
        _unlink: Arc<Unlink>,
    },
}

impl Listener {
    pub(crate) fn inner(&self) -> &Listener {
        match self {
            Listener::Guarded { inner, .. } => inner.inner(),
            other => other,
        }
    }
}
