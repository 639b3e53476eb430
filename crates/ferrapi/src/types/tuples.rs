//! Tuples `(A,)` … `(A, B, …, L)` (up to 12) and arrays `[T; N]` as pydantic's fixed-length
//! tuples, `tuple[A, B]` and `tuple[T, T, …]`.
//!
//! * A JSON array is a tuple (anything else is `tuple_type`, "Input should be a valid tuple";
//!   so is a single text value); repeated query parameters, headers and form fields fill it,
//!   one item per value, as FastAPI reads `tuple[int, str]` parameters.
//! * Each item is validated at its index. A missing item is `missing` ("Field required") at
//!   its index, its `input` the whole array; an array longer than the tuple is only
//!   `too_long` ("Tuple should have at most 2 items after validation, not 3", the item errors
//!   dropped), as pydantic-core does.
//! * Schema: `{"type": "array", "prefixItems": [...], "minItems": n, "maxItems": n}` (no
//!   `prefixItems` for `()` and `[T; 0]`).
//! * Serialised as a JSON array (serde's tuples and arrays).
//!
//! Constraints (`min_length`…) do not apply: a fixed-length tuple has its length.

use serde_json::{json, Value};

use crate::validation::{ctx, Constraints, SchemaGenerator, Validate, Validator};

/// `tuple_type`.
fn tuple_type_error(input: Value, v: &mut Validator) {
    v.error("tuple_type", "Input should be a valid tuple", input, None);
}

/// Items beyond the tuple: `too_long`, counted.
fn too_long(max: usize, actual: usize, input: Value, v: &mut Validator) {
    v.error(
        "too_long",
        format!(
            "Tuple should have at most {max} item{} after validation, not {actual}",
            if max == 1 { "" } else { "s" }
        ),
        input,
        ctx([
            ("field_type", json!("Tuple")),
            ("max_length", json!(max)),
            ("actual_length", json!(actual)),
        ]),
    );
}

/// One item of a tuple: validated at its index, or `missing` there (echoing the whole input).
fn item<T: Validate, I: ?Sized>(
    index: usize,
    items: &[&I],
    echo: &impl Fn() -> Value,
    v: &mut Validator,
    validate: fn(&I, &mut Validator) -> Option<T>,
) -> Option<T> {
    v.at(index, |v| match items.get(index) {
        Some(x) => validate(x, v),
        None => {
            v.error("missing", "Field required", echo(), None);
            None
        }
    })
}

/// The schema of a fixed-length tuple of these item schemas.
fn schema(prefix: Vec<Value>) -> Value {
    let n = prefix.len();
    if n == 0 {
        json!({"type": "array", "minItems": 0, "maxItems": 0})
    } else {
        json!({"type": "array", "prefixItems": prefix, "minItems": n, "maxItems": n})
    }
}

macro_rules! tuple_impls {
    ($( ($($name:ident $index:tt),+) ; )*) => {$(
        // Not listed among the types that implement `Validate` when a type does not (twelve
        // tuples would fill rustc's list).
        #[diagnostic::do_not_recommend]
        impl<$($name: Validate),+> Validate for ($($name,)+) {
            const IS_LIST: bool = true;

            fn json_schema(g: &mut SchemaGenerator) -> Value {
                schema(vec![$($name::json_schema(g)),+])
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
                let Value::Array(values) = input else {
                    tuple_type_error(input.clone(), v);
                    return None;
                };
                const N: usize = [$($index),+].len();
                if values.len() > N {
                    too_long(N, values.len(), input.clone(), v);
                    return None;
                }
                let refs: Vec<&Value> = values.iter().collect();
                let echo = || input.clone();
                let out = ($(item::<$name, Value>($index, &refs, &echo, v, $name::validate),)+);
                Some(($(out.$index?,)+))
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
                tuple_type_error(Value::String(input.to_owned()), v);
                None
            }

            fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Self> {
                if inputs.is_empty() {
                    v.missing();
                    return None;
                }
                let echo = || Value::Array(inputs.iter().map(|s| json!(s)).collect());
                const N: usize = [$($index),+].len();
                if inputs.len() > N {
                    too_long(N, inputs.len(), echo(), v);
                    return None;
                }
                let out = ($(item::<$name, str>($index, inputs, &echo, v, $name::validate_str),)+);
                Some(($(out.$index?,)+))
            }

            fn validate_many_constrained(
                inputs: &[&str],
                _c: &Constraints,
                v: &mut Validator,
            ) -> Option<Self> {
                Self::validate_many(inputs, v)
            }
        }
    )*};
}

tuple_impls! {
    (A 0);
    (A 0, B 1);
    (A 0, B 1, C 2);
    (A 0, B 1, C 2, D 3);
    (A 0, B 1, C 2, D 3, E 4);
    (A 0, B 1, C 2, D 3, E 4, F 5);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
    (A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
}

/// `[T; N]`: `N` items of `T`, as `tuple[T, T, …]`.
fn collect_array<T, const N: usize>(items: Vec<Option<T>>) -> Option<[T; N]> {
    let items: Option<Vec<T>> = items.into_iter().collect();
    items?.try_into().ok()
}

#[diagnostic::do_not_recommend]
impl<T: Validate, const N: usize> Validate for [T; N] {
    const IS_LIST: bool = true;

    fn json_schema(g: &mut SchemaGenerator) -> Value {
        let item = T::json_schema(g);
        schema(vec![item; N])
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
        let Value::Array(values) = input else {
            tuple_type_error(input.clone(), v);
            return None;
        };
        if values.len() > N {
            too_long(N, values.len(), input.clone(), v);
            return None;
        }
        let refs: Vec<&Value> = values.iter().collect();
        let echo = || input.clone();
        let items = (0..N)
            .map(|i| item::<T, Value>(i, &refs, &echo, v, T::validate))
            .collect();
        collect_array(items)
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
        tuple_type_error(Value::String(input.to_owned()), v);
        None
    }

    fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Self> {
        if inputs.is_empty() {
            v.missing();
            return None;
        }
        let echo = || Value::Array(inputs.iter().map(|s| json!(s)).collect());
        if inputs.len() > N {
            too_long(N, inputs.len(), echo(), v);
            return None;
        }
        let items = (0..N)
            .map(|i| item::<T, str>(i, inputs, &echo, v, T::validate_str))
            .collect();
        collect_array(items)
    }

    fn validate_many_constrained(
        inputs: &[&str],
        _c: &Constraints,
        v: &mut Validator,
    ) -> Option<Self> {
        Self::validate_many(inputs, v)
    }
}
