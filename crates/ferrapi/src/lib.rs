//! ferrapi's framework layer, the counterpart of FastAPI.
//!
//! This crate wraps [`ferrapi_toolkit`]. Typed parameters, validation, dependency injection
//! and OpenAPI arrive in later milestones; for now it re-exports the layers below.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use ferrapi_macros as macros;
pub use ferrapi_toolkit as toolkit;
