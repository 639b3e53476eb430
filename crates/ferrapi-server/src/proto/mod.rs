//! The private protocol engine: HTTP/1.1 (`h1`), WebSocket framing (`ws`), and the cached
//! `Date` header (`date`).

pub(crate) mod date;
pub(crate) mod h1;
pub(crate) mod ws;
