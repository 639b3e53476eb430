//! `HashSet`, `BTreeSet` and `IndexSet` as pydantic's `set[T]`.
//!
//! * A JSON array is a set (any other JSON value is `set_type`, "Input should be a valid set");
//!   a single text value (a cookie, a query parameter read once) is `set_type` too, as in
//!   FastAPI; repeated query parameters, headers and form fields fill a set, one item per value.
//! * Each item is validated at its index (`["body", "tags", 2]`); items that are equal once
//!   validated collapse, the first one kept (a Python set keeps the first of equal items).
//!   Item constraints (`items(gt = 0)`) are checked per item.
//! * `max_length` is checked as pydantic-core checks it: each time an item is added, so the
//!   first item too many stops validation with `too_long` ("Set should have at most 3 items
//!   after validation, not more", `actual_length: null`) and the item errors found so far are
//!   dropped. `min_length` is checked after the items, on the set's size (duplicates
//!   counted once): `too_short`, "Set should have at least 2 items after validation, not 1".
//! * Schema: `{"type": "array", "items": …, "uniqueItems": true}`.
//! * Serialised as a JSON array (the sets' own `Serialize`): `BTreeSet` in order, `IndexSet`
//!   in the input's order, `HashSet` in its hash order (Python's order is its own hash order,
//!   so only `BTreeSet` and `IndexSet` answers are byte-for-byte predictable).
//!
//! Items are `Eq + Hash` (`HashSet`, `IndexSet`) or `Ord` (`BTreeSet`), so a set of floats
//! (`set[float]` in Python) has no counterpart.
//!
//! pydantic's `frozenset[T]` validates the same way with `frozen_set_type` and "Frozenset"
//! in the messages; Rust has no frozen set type, so it has no counterpart here.

use std::collections::{BTreeSet, HashSet};
use std::hash::{BuildHasher, Hash};

use indexmap::IndexSet;
use serde_json::{json, Value};

use crate::validation::{
    ConstraintKind, ConstraintTarget, Constraints, ErrorDetail, LocItem, SchemaGenerator, Validate,
    Validator,
};

/// The word pydantic's messages use for a set.
const FIELD_TYPE: &str = "Set";

/// A set being built: insertion keeps the first of equal items.
trait SetLike<T>: Sized {
    fn empty(capacity: usize) -> Self;
    fn add(&mut self, item: T);
    fn size(&self) -> usize;
}

impl<T: Eq + Hash, S: BuildHasher + Default> SetLike<T> for HashSet<T, S> {
    fn empty(capacity: usize) -> Self {
        HashSet::with_capacity_and_hasher(capacity, S::default())
    }
    fn add(&mut self, item: T) {
        self.insert(item);
    }
    fn size(&self) -> usize {
        self.len()
    }
}

impl<T: Ord> SetLike<T> for BTreeSet<T> {
    fn empty(_capacity: usize) -> Self {
        BTreeSet::new()
    }
    fn add(&mut self, item: T) {
        self.insert(item);
    }
    fn size(&self) -> usize {
        self.len()
    }
}

impl<T: Eq + Hash, S: BuildHasher + Default> SetLike<T> for IndexSet<T, S> {
    fn empty(capacity: usize) -> Self {
        IndexSet::with_capacity_and_hasher(capacity, S::default())
    }
    fn add(&mut self, item: T) {
        self.insert(item);
    }
    fn size(&self) -> usize {
        self.len()
    }
}

fn set_type_error(input: Value, v: &mut Validator) {
    v.error("set_type", "Input should be a valid set", input, None);
}

/// One item: with the items' constraints when there are any.
fn item<T: Validate, I: ?Sized>(
    input: &I,
    items: Option<&Constraints>,
    v: &mut Validator,
    validate: fn(&I, &Constraints, &mut Validator) -> Option<T>,
    plain: fn(&I, &mut Validator) -> Option<T>,
) -> Option<T> {
    match items {
        Some(c) => validate(input, c, v),
        None => plain(input, v),
    }
}

/// pydantic-core's `validate_iter_to_set`, then the set's `min_length`. Item errors are kept
/// aside (rooted at the current location) until the end, since a `too_long` drops them.
fn build<T, Set, I>(
    inputs: impl ExactSizeIterator<Item = I>,
    c: &Constraints,
    echo: &impl Fn() -> Value,
    v: &mut Validator,
    mut one: impl FnMut(I, Option<&Constraints>, &mut Validator) -> Option<T>,
) -> Option<Set>
where
    Set: SetLike<T>,
{
    let mut set = Set::empty(inputs.len());
    let mut errors: Vec<ErrorDetail> = Vec::new();
    let items = c.item_constraints();
    for (index, input) in inputs.enumerate() {
        let mut scratch = Validator::new();
        match one(input, items, &mut scratch) {
            Some(value) => {
                set.add(value);
                if !c.check_set_growth(FIELD_TYPE, set.size(), echo, v) {
                    return None;
                }
            }
            None => {
                let root: Vec<LocItem> = v.loc().to_vec();
                errors.extend(scratch.into_errors().into_iter().map(|mut e| {
                    let mut loc = root.clone();
                    loc.push(LocItem::Index(index));
                    loc.append(&mut e.loc);
                    e.loc = loc;
                    e
                }));
            }
        }
    }
    if !errors.is_empty() {
        v.extend(errors);
        return None;
    }
    c.check_min_items(FIELD_TYPE, set.size(), echo, v)
        .then_some(set)
}

fn validate_set<T: Validate, Set: SetLike<T>>(
    input: &Value,
    c: &Constraints,
    v: &mut Validator,
) -> Option<Set> {
    let Value::Array(values) = input else {
        set_type_error(input.clone(), v);
        return None;
    };
    build(values.iter(), c, &|| input.clone(), v, |x, items, v| {
        item(x, items, v, T::validate_constrained, T::validate)
    })
}

fn validate_many_set<T: Validate, Set: SetLike<T>>(
    inputs: &[&str],
    c: &Constraints,
    v: &mut Validator,
) -> Option<Set> {
    if inputs.is_empty() {
        v.missing();
        return None;
    }
    let echo = || Value::Array(inputs.iter().map(|s| json!(s)).collect());
    build(inputs.iter(), c, &echo, v, |x: &&str, items, v| {
        item::<T, str>(x, items, v, T::validate_str_constrained, T::validate_str)
    })
}

macro_rules! set_impls {
    ($( [$($g:tt)*] $set:ty; )*) => {$(
        #[diagnostic::do_not_recommend]
        impl<$($g)*> Validate for $set {
            const IS_LIST: bool = true;
            const KIND: ConstraintKind = ConstraintKind::List;

            fn json_schema(g: &mut SchemaGenerator) -> Value {
                json!({"type": "array", "items": T::json_schema(g), "uniqueItems": true})
            }

            fn target(&self) -> ConstraintTarget<'_> {
                ConstraintTarget::List(self.len())
            }

            fn validate(input: &Value, v: &mut Validator) -> Option<Self> {
                validate_set::<T, Self>(input, &Constraints::new(), v)
            }

            fn validate_str(input: &str, v: &mut Validator) -> Option<Self> {
                set_type_error(Value::String(input.to_owned()), v);
                None
            }

            fn validate_many(inputs: &[&str], v: &mut Validator) -> Option<Self> {
                validate_many_set::<T, Self>(inputs, &Constraints::new(), v)
            }

            fn validate_constrained(input: &Value, c: &Constraints, v: &mut Validator) -> Option<Self> {
                validate_set::<T, Self>(input, c, v)
            }

            fn validate_str_constrained(input: &str, _c: &Constraints, v: &mut Validator) -> Option<Self> {
                Self::validate_str(input, v)
            }

            fn validate_many_constrained(inputs: &[&str], c: &Constraints, v: &mut Validator) -> Option<Self> {
                validate_many_set::<T, Self>(inputs, c, v)
            }
        }
    )*};
}

set_impls! {
    [T: Validate + Eq + Hash, S: BuildHasher + Default] HashSet<T, S>;
    [T: Validate + Ord] BTreeSet<T>;
    [T: Validate + Eq + Hash, S: BuildHasher + Default] IndexSet<T, S>;
}
