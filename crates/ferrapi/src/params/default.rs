//! A parameter's default value, shown in the document when it serialises (FastAPI shows the
//! default of `Query(default=…)`); the choice is made by type at the macro's call site.

use std::cell::Cell;

use serde::Serialize;
use serde_json::Value;

/// A default value, converted to JSON when it serialises (for the document).
pub struct DefaultJson<T>(Cell<Option<T>>);

impl<T> std::fmt::Debug for DefaultJson<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DefaultJson<{}>", std::any::type_name::<T>())
    }
}

impl<T> DefaultJson<T> {
    /// Wraps the default.
    pub fn new(value: T) -> DefaultJson<T> {
        DefaultJson(Cell::new(Some(value)))
    }
}

/// First choice: a `Serialize` default is shown.
pub trait DefaultViaSerialize {
    /// The default as JSON.
    fn json(&self) -> Option<Value>;
}

impl<T: Serialize> DefaultViaSerialize for &DefaultJson<T> {
    fn json(&self) -> Option<Value> {
        self.0.take().and_then(|v| serde_json::to_value(v).ok())
    }
}

/// Otherwise the default is not shown.
pub trait DefaultHidden {
    /// Nothing.
    fn json(&self) -> Option<Value>;
}

impl<T> DefaultHidden for DefaultJson<T> {
    fn json(&self) -> Option<Value> {
        None
    }
}
