//! ferrapi's toolkit layer, the counterpart of Starlette.
//!
//! This crate wraps [`ferrapi_server`]: a toolkit application implements the server's app
//! contract. Requests, responses, routing and middleware arrive in a later milestone; for now
//! the crate re-exports the server so the layering is in place.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use ferrapi_server as server;
