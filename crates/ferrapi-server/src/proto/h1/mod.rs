//! HTTP/1.1 (RFC 9112), split by role as hyper's `proto/h1` is: `role` parses request heads,
//! `decode` decodes request bodies, `encode` writes responses, `io` buffers the socket, and
//! `dispatch` drives one connection through its states.

pub(crate) mod decode;
pub(crate) mod dispatch;
pub(crate) mod encode;
pub(crate) mod io;
pub(crate) mod role;
