//! The types real APIs use, each validated, serialised and documented as pydantic does its
//! counterpart: [`Validate`](crate::validation::Validate) for types of the Rust ecosystem
//! (behind cargo features named after their crates) and a few types of ferrapi's own where
//! pydantic has a type Rust has not.
//!
//! Every type here works in every position: path, query, header, cookie, form field, body,
//! model field and response model. Its `Serialize` (the type's own, or the one named below)
//! writes what pydantic writes in JSON mode.
//!
//! | Python (pydantic)  | Rust                                                  | Feature          |
//! |--------------------|-------------------------------------------------------|------------------|
//! | `uuid.UUID`        | `uuid::Uuid`                                          | `uuid` (default) |
//! | `decimal.Decimal`  | `rust_decimal::Decimal` (`decimal::as_python_str`)    | `rust_decimal`   |
//! | `AnyUrl`           | `url::Url`                                            | `url`            |
//! | `HttpUrl`          | `HttpUrl`                                             | `url`            |
//! | `EmailStr`         | `EmailStr`                                            | `email`          |
//! | `NameEmail`        | `NameEmail`                                           | `email`          |
//! | `IPvAnyAddress`    | `std::net::IpAddr` ([`ip::as_python_str`])            |                  |
//! | `IPv4Address`      | `std::net::Ipv4Addr`                                  |                  |
//! | `IPv6Address`      | `std::net::Ipv6Addr` ([`ip::as_python_str`])          |                  |
//!
//! A type of your own implements [`Validate`](crate::validation::Validate): the framework
//! guide's "Types" section shows a `Slug` newtype end to end.

#[cfg(feature = "uuid")]
mod uuid;

#[cfg(feature = "rust_decimal")]
pub mod decimal;
#[cfg(feature = "email")]
mod email;
pub mod ip;
#[cfg(feature = "url")]
mod url;

#[cfg(feature = "email")]
pub use email::{EmailStr, NameEmail};
#[cfg(feature = "url")]
pub use url::{HttpUrl, HttpUrlError};
