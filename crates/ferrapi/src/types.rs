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
//! | `set[T]`           | `HashSet<T>`, `BTreeSet<T>`, `indexmap::IndexSet<T>` |        |
//! | `tuple[A, B]`      | `(A, B)` (1 to 12 items), `[T; N]`      |                    |
//! | `bytes`            | [`ByteString`], `bytes::Bytes` (not `Vec<u8>`: `list[int]`) |  |
//! | `int` (non-zero)   | `NonZeroU8`…`NonZeroI128`, `NonZeroUsize` |                  |
//! | `str`              | `Box<str>`, `Arc<str>`, `Rc<str>`, `Cow<str>` |                |
//! | `T`                | `Arc<T>`, `Rc<T>` (as `Box<T>`)         |                    |
//! | `list[Annotated[T, …]]` | `Vec<T>` / sets with `items(…)` constraints |             |
//!
//! A type of your own implements [`Validate`](crate::validation::Validate): the framework
//! guide's "Types" section shows a `Slug` newtype end to end.

mod binary;
mod sets;
mod tuples;
#[cfg(feature = "uuid")]
mod uuid;
mod wrappers;

pub use binary::ByteString;
