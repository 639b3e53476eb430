//! Example servers for each ferrapi layer. Each binary in `src/bin/` is one example; they take
//! the server's command-line flags (`--help`), and double as smoke tests.
//!
//! Apps that tests also use live in this library: [`tutorial`] (served by the `tutorial`
//! binary) is compared with FastAPI's reference app by `tests/tests/tutorial_diff.rs`.

pub mod tutorial;
