//! Route macros for ferrapi (`#[get("/items/{id}")]` and friends).
//!
//! The macros arrive with the framework milestone; the crate exists so the workspace layout is
//! final from the start.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
