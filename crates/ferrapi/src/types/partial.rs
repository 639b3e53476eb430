//! [`Partial`]: a model and the fields its input set, for partial updates (FastAPI's "Body -
//! Updates": `item.model_dump(exclude_unset=True)` and
//! `stored.model_copy(update=update_data)`).

use std::ops::Deref;

use serde::Serialize;
use serde_json::{Map, Value};

use crate::validation::model::ModelField;
use crate::validation::{ErrorDetail, SchemaGenerator, Validate, Validator};

/// A `#[derive(Model)]` value read from a body, with the fields the input actually sent:
/// pydantic's `model_fields_set`. Validation and the document are `T`'s own; what `Partial`
/// adds is telling "absent" from "sent", `null` included (a field sent as `null` is set).
///
/// FastAPI's "Body - Updates" `PATCH`, where only the fields sent replace the stored ones:
///
/// ```
/// use ferrapi::types::Partial;
/// use ferrapi::{patch, Model};
/// use serde::Serialize;
///
/// #[derive(Model, Serialize, Clone)]
/// struct Item {
///     name: Option<String>,
///     description: Option<String>,
///     price: Option<f64>,
///     #[field(default = 10.5)]
///     tax: f64,
/// }
///
/// fn stored() -> Item {
///     Item { name: Some("Bar".into()), description: None, price: Some(62.0), tax: 20.2 }
/// }
///
/// #[patch("/items/{item_id}", response_model = Item)]
/// async fn update_item(item_id: String, item: Partial<Item>) -> Item {
///     let _ = item_id;
///     // `{"price": 3}` changes the price and keeps the stored tax, where a plain `Item` would
///     // reset the tax to its default.
///     item.update(&stored()).expect("the merged item is valid")
/// }
/// ```
#[derive(Clone, Debug)]
pub struct Partial<T> {
    value: T,
    set: Vec<&'static str>,
}

impl<T> Partial<T> {
    /// The fields the input sent (`model_fields_set`), in the model's order.
    pub fn fields_set(&self) -> &[&'static str] {
        &self.set
    }

    /// Whether the input sent `field` (by its key on the wire).
    pub fn is_set(&self, field: &str) -> bool {
        self.set.contains(&field)
    }

    /// The model, all fields (the unset ones at their defaults).
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T: Serialize> Partial<T> {
    /// The fields sent, as JSON (`model_dump(exclude_unset=True)`).
    pub fn dump_set(&self) -> Map<String, Value> {
        let mut out = match serde_json::to_value(&self.value) {
            Ok(Value::Object(object)) => object,
            _ => Map::new(),
        };
        out.retain(|k, _| self.set.contains(&k.as_str()));
        out
    }
}

impl<T: Serialize + Validate> Partial<T> {
    /// `stored` with the fields sent replaced (`stored.model_copy(update=…)`), validated again
    /// as `T`; the errors if the merge is not a valid `T`.
    pub fn update(&self, stored: &T) -> Result<T, Vec<ErrorDetail>> {
        let mut merged = match serde_json::to_value(stored) {
            Ok(Value::Object(object)) => object,
            _ => Map::new(),
        };
        merged.extend(self.dump_set());
        let mut v = Validator::new();
        match T::validate(&Value::Object(merged), &mut v) {
            Some(value) if !v.has_errors() => Ok(value),
            _ => Err(v.into_errors()),
        }
    }
}

impl<T> Deref for Partial<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.value
    }
}

impl<T: Serialize> Serialize for Partial<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(serializer)
    }
}

#[diagnostic::do_not_recommend]
impl<T: Validate> Validate for Partial<T> {
    const KIND: crate::validation::ConstraintKind = T::KIND;
    const IS_MODEL: bool = T::IS_MODEL;
    const MODEL_FIELDS: Option<&'static [ModelField]> = T::MODEL_FIELDS;

    fn json_schema(g: &mut SchemaGenerator) -> Value {
        T::json_schema(g)
    }

    fn by_field_name(value: &mut Value) {
        T::by_field_name(value);
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Partial<T>> {
        let value = T::validate(input, v)?;
        let set = match (input, T::MODEL_FIELDS) {
            (Value::Object(object), Some(fields)) => fields
                .iter()
                .map(|f| f.key)
                .filter(|key| object.contains_key(*key))
                .collect(),
            _ => Vec::new(),
        };
        Some(Partial { value, set })
    }

    fn missing(v: &mut Validator) -> Option<Partial<T>> {
        T::missing(v).map(|value| Partial {
            value,
            set: Vec::new(),
        })
    }
}
