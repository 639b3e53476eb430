//! What an operation's return type says about its documented response: a response class names
//! its media type, a model its schema; the choice is made by type at the macro's call site.

use serde_json::Value;

use crate::validation::model::ModelName;
use crate::validation::Validate;

/// The type of a response, probed for its media type (for the document).
pub struct Probe<T>(std::marker::PhantomData<fn() -> T>);

impl<T> std::fmt::Debug for Probe<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Probe<{}>", std::any::type_name::<T>())
    }
}

impl<T> Probe<T> {
    /// A probe.
    pub fn new() -> Probe<T> {
        Probe(std::marker::PhantomData)
    }
}

impl<T> Default for Probe<T> {
    fn default() -> Self {
        Probe::new()
    }
}

/// First choice: a response class names its media type.
pub trait MediaViaClass {
    /// The media type and schema.
    fn media(&self) -> Option<crate::responses::ResponseMedia>;
}

impl<T: crate::responses::ResponseDoc> MediaViaClass for &Probe<T> {
    fn media(&self) -> Option<crate::responses::ResponseMedia> {
        T::BY_RETURN_TYPE.then_some((T::MEDIA_TYPE, T::SCHEMA_KEY, T::schema))
    }
}

/// Otherwise: JSON.
pub trait MediaDefault {
    /// None: JSON.
    fn media(&self) -> Option<crate::responses::ResponseMedia>;
}

impl<T> MediaDefault for Probe<T> {
    fn media(&self) -> Option<crate::responses::ResponseMedia> {
        None
    }
}

/// A schema function, for the document.
pub type SchemaFn = fn(&mut crate::validation::SchemaGenerator) -> Value;

/// First choice: a returned model documents the response (FastAPI uses the return annotation
/// as the response model).
pub trait ReturnViaModel {
    /// The model's schema.
    fn return_schema(&self) -> Option<SchemaFn>;
}

impl<T: Validate + ModelName> ReturnViaModel for &Probe<T> {
    fn return_schema(&self) -> Option<SchemaFn> {
        Some(T::json_schema)
    }
}

/// A list of models returned documents the response as FastAPI's `-> list[Model]` does.
impl<T: Validate + ModelName> ReturnViaModel for &Probe<Vec<T>> {
    fn return_schema(&self) -> Option<SchemaFn> {
        Some(<Vec<T>>::json_schema)
    }
}

/// An optional model returned documents the response as FastAPI's `-> Model | None` does.
impl<T: Validate + ModelName> ReturnViaModel for &Probe<Option<T>> {
    fn return_schema(&self) -> Option<SchemaFn> {
        Some(<Option<T>>::json_schema)
    }
}

/// A model returned with a status chosen at run time documents the response as the model
/// alone does.
impl<T: Validate + ModelName> ReturnViaModel for &Probe<(ferrapi_toolkit::StatusCode, T)> {
    fn return_schema(&self) -> Option<SchemaFn> {
        Some(T::json_schema)
    }
}

/// Otherwise the response is any JSON.
pub trait ReturnAnything {
    /// None.
    fn return_schema(&self) -> Option<SchemaFn>;
}

impl<T> ReturnAnything for Probe<T> {
    fn return_schema(&self) -> Option<SchemaFn> {
        None
    }
}
