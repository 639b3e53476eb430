//! The private protocol engine. Only `h1` for now; WebSocket framing joins it later.

pub(crate) mod date;
pub(crate) mod h1;
pub(crate) mod ws;
