//! Cross-layer integration tests live in `tests/`; this crate holds what they share: the
//! differential harness ([`diff`]) that compares ferrapi with the real FastAPI.

pub mod diff;
