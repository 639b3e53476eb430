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
//!
//! chrono's types are serialised as pydantic writes them with
//! `#[serde(with = "ferrapi::types::datetime::pydantic")]` (`TimeDelta` has no `Serialize` of
//! its own; the others' differ in fractions of a second): see [`datetime`].
//!
//! A type of your own implements [`Validate`](crate::validation::Validate): the framework
//! guide's "Types" section shows a `Slug` newtype end to end.

#[cfg(feature = "uuid")]
mod uuid;

#[cfg(feature = "chrono")]
pub mod datetime;
#[cfg(feature = "chrono")]
mod datetime_parse;
#[cfg(feature = "chrono")]
mod duration;
