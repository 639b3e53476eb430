//! Smart pointers and string forms as the type they hold: `Arc<T>` and `Rc<T>` are `T`
//! (as `Box<T>` is), and `Box<str>`, `Arc<str>`, `Rc<str>` and `Cow<'_, str>` are `str`, with
//! `String`'s rules, constraints and schema.

use std::borrow::Cow;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::Value;

use crate::validation::{
    ConstraintKind, ConstraintTarget, Constraints, SchemaGenerator, Validate, Validator,
};

macro_rules! pointer_impls {
    ($($ptr:ident),*) => {$(
        #[diagnostic::do_not_recommend]
        impl<T: Validate> Validate for $ptr<T> {
            const KIND: ConstraintKind = T::KIND;
            const IS_MODEL: bool = T::IS_MODEL;
            const IS_LIST: bool = T::IS_LIST;
            const IS_OPTIONAL: bool = T::IS_OPTIONAL;

            fn json_schema(g: &mut SchemaGenerator) -> Value {
                T::json_schema(g)
            }

            fn by_field_name(value: &mut Value) {
                T::by_field_name(value);
            }

            fn target(&self) -> ConstraintTarget<'_> {
                (**self).target()
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
                T::validate(input, v).map($ptr::new)
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
                T::validate_str(input, v).map($ptr::new)
            }

            fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Self> {
                T::validate_many(inputs, v).map($ptr::new)
            }

            fn missing(v: &mut Validator) -> Option<Self> {
                T::missing(v).map($ptr::new)
            }

            fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self> {
                T::validate_constrained(input, c, v).map($ptr::new)
            }

            fn validate_str_constrained(input: &str, c: &Constraints, v: &mut Validator) -> Option<Self> {
                T::validate_str_constrained(input, c, v).map($ptr::new)
            }

            fn validate_many_constrained(
                inputs: &[&str],
                c: &Constraints,
                v: &mut Validator,
            ) -> Option<Self> {
                T::validate_many_constrained(inputs, c, v).map($ptr::new)
            }
        }
    )*};
}

pointer_impls!(Arc, Rc);

macro_rules! str_impls {
    ($( [$($g:tt)*] $t:ty; )*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($g)*> Validate for $t {
            const KIND: ConstraintKind = ConstraintKind::Str;

            fn json_schema(g: &mut SchemaGenerator) -> Value {
                String::json_schema(g)
            }

            fn target(&self) -> ConstraintTarget<'_> {
                ConstraintTarget::Str(self)
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
                String::validate(input, v).map(Into::into)
            }

            fn validate_str(input: &str, _v: &mut Validator) -> Option<Self> {
                Some(String::from(input).into())
            }
        }
    )*};
}

str_impls! {
    [] Box<str>;
    [] Arc<str>;
    [] Rc<str>;
    ['a] Cow<'a, str>;
}
