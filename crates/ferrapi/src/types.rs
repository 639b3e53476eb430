//! The types real APIs use, each validated, serialised and documented as pydantic does its
//! counterpart: [`Validate`](crate::validation::Validate) for types of the Rust ecosystem
//! (behind cargo features named after their crates) and a few types of ferrapi's own where
//! pydantic has a type Rust has not.
//!
//! Every type here works in every position: path, query, header, cookie, form field, body,
//! model field and response model. Its `Serialize` (the type's own, or the one named below)
//! writes what pydantic writes in JSON mode.
//!
//! | Python (pydantic)  | Rust                                    | Feature            |
//! |--------------------|-----------------------------------------|--------------------|
//! | `uuid.UUID`        | `uuid::Uuid`                            | `uuid` (default)   |
//! | `decimal.Decimal`  | `rust_decimal::Decimal`                 | `rust_decimal`     |
//! | `AnyUrl`           | `url::Url`                              | `url`              |
//! | `HttpUrl`          | `HttpUrl`                               | `url`              |
//! | `EmailStr`         | `EmailStr`                              | `email`            |
//! | `NameEmail`        | `NameEmail`                             | `email`            |
//! | `IPvAnyAddress`    | `std::net::IpAddr`                      |                    |
//! | `IPv4Address`      | `std::net::Ipv4Addr`                    |                    |
//! | `IPv6Address`      | `std::net::Ipv6Addr`                    |                    |
//!
//! Serialised with a `#[serde(with = …)]` module where the type's own `Serialize` writes other
//! text than pydantic: `decimal::as_python_str` for a `Decimal` (`"1E-7"`), and
//! [`ip::as_python_str`] for an `IpAddr` or `Ipv6Addr` (`"::ffff:102:304"`).
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
