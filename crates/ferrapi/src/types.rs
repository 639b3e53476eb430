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
//! | `AwareDatetime`    | `chrono::DateTime<FixedOffset>`         | `chrono` (default) |
//! | `AwareDatetime` (to UTC) | `chrono::DateTime<Utc>`           | `chrono` (default) |
//! | `NaiveDatetime`    | `chrono::NaiveDateTime`                 | `chrono` (default) |
//! | `datetime.date`    | `chrono::NaiveDate`                     | `chrono` (default) |
//! | `datetime.time` (naive) | `chrono::NaiveTime`                | `chrono` (default) |
//! | `datetime.timedelta` | `chrono::TimeDelta`                   | `chrono` (default) |
//! | `set[T]` (`frozenset[T]` has none) | `HashSet<T>`, `BTreeSet<T>`, `indexmap::IndexSet<T>` | |
//! | `tuple[A, B]`, `tuple[T, T, T]` | `(A, B)` (1 to 12 items), `[T; N]` | |
//! | `bytes` | [`ByteString`] (serialises), `bytes::Bytes` (arguments); `Vec<u8>` is `list[int]` | |
//! | `int` without 0 (no pydantic type) | `NonZeroU8`…`NonZeroU128`, `NonZeroI8`…`NonZeroI128`, `NonZeroUsize`, `NonZeroIsize` | |
//! | `str` | `Box<str>`, `Arc<str>`, `Rc<str>`, `Cow<str>` | |
//! | `T` | `Arc<T>`, `Rc<T>` (as `Box<T>`) | |
//! | `list[Annotated[T, Gt(0)]]`, `conlist(conint(gt=0))` | `Vec<T>` or a set with `items(gt = 0)` ([`Constraints::items`](crate::validation::Constraints::items)) | |
//! | `decimal.Decimal`  | `rust_decimal::Decimal`                 | `rust_decimal`     |
//! | `AnyUrl`           | `url::Url`                              | `url`              |
//! | `HttpUrl`          | `HttpUrl`                               | `url`              |
//! | `EmailStr`         | `EmailStr`                              | `email`            |
//! | `NameEmail`        | `NameEmail`                             | `email`            |
//! | `IPvAnyAddress`    | `std::net::IpAddr`                      |                    |
//! | `IPv4Address`      | `std::net::Ipv4Addr`                    |                    |
//! | `IPv6Address`      | `std::net::Ipv6Addr`                    |                    |
//! | a model and its `model_fields_set` | [`Partial<T>`] (partial updates) | |
//!
//! chrono's types are serialised as pydantic writes them with
//! `#[serde(with = "ferrapi::types::datetime::pydantic")]` (`TimeDelta` has no `Serialize` of
//! its own; the others' differ in fractions of a second): see [`datetime`].
//!
//! The rules of each family, and what differs from pydantic on purpose, are in its source
//! file (`src/types/*.rs`; `NonZero*` beside the integers in `src/validation/scalars.rs`):
//!
//! * Sets: items at their index, duplicates collapse; `max_length` is checked as each item is
//!   added (`too_long` "…not more", `actual_length: null`), `min_length` on the set's size.
//!   A `HashSet` serialises in its own hash order, as a Python set does in its own: only
//!   `BTreeSet` and `IndexSet` answers are predictable.
//! * Tuples and arrays: `missing` at a missing item's index, `too_long` with the count; a
//!   single text value is `tuple_type`, repeated parameters fill them.
//! * Bytes: UTF-8 text in both directions (`bytes_type`, `bytes_too_short`/`bytes_too_long`
//!   in bytes); FastAPI's schema `{"type": "string", "contentMediaType":
//!   "application/octet-stream"}`; as a file argument, the upload's content (or a text field's
//!   bytes, as in FastAPI).
//! * `NonZero*` (pydantic has no such type; a choice of ferrapi's): an unsigned one is an `int`
//!   with the implied bounds `[1, MAX]` (0 is `greater_than_equal` with `{"ge": 1}`, as
//!   `conint(ge=1)`); a signed one given 0 is `value_error`, "Value error, Input should not be
//!   zero", `ctx` `{"error": {}}` (what FastAPI answers for an `AfterValidator` raising that
//!   `ValueError`). The schema is `{"type": "integer"}`. `NonZeroU128` stops at `i128::MAX`.
//! * `Arc<T>` and `Rc<T>` serialise with serde's `rc` feature (a default or a response needs
//!   it).
//!
//! These impls are `#[diagnostic::do_not_recommend]`: rustc's list of the types that
//! implement [`Validate`](crate::validation::Validate), shown when a type does not, keeps
//! naming the common ones.
//!
//! Serialised with a `#[serde(with = …)]` module where the type's own `Serialize` writes other
//! text than pydantic: `decimal::as_python_str` for a `Decimal` (`"1E-7"`), and
//! [`ip::as_python_str`] for an `IpAddr` or `Ipv6Addr` (`"::ffff:102:304"`).
//!
//! A type of your own implements [`Validate`](crate::validation::Validate): the framework
//! guide's "Types" section shows a `Slug` newtype end to end.

mod binary;
mod partial;
mod sets;
mod tuples;
#[cfg(feature = "uuid")]
mod uuid;
mod wrappers;

#[cfg(feature = "chrono")]
pub mod datetime;
#[cfg(feature = "chrono")]
mod datetime_parse;
#[cfg(feature = "chrono")]
mod duration;

pub use binary::ByteString;
pub use partial::Partial;

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
