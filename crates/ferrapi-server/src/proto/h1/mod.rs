//! HTTP/1.1 (RFC 9112), split by role as hyper's `proto/h1` is: `role` parses request heads,
//! `decode` decodes request bodies, `encode` writes responses, `io` buffers the socket,
//! `exchange` makes the synchronous decisions of one exchange (the request, the upgrade, the
//! framing, why the connection closes), `feed` hands a streaming request body to the app, and
//! `dispatch` drives one connection through its states.

pub(crate) mod decode;
pub(crate) mod dispatch;
pub(crate) mod encode;
pub(crate) mod exchange;
pub(crate) mod feed;
pub(crate) mod io;
#[cfg(test)]
pub(crate) mod mem;
pub(crate) mod role;
