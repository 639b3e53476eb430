//! Class dependencies: a struct whose fields are parameters (FastAPI's `Depends()` on a
//! class), `#[derive(Dependency)]`.

use std::fmt;

use super::{BoxFuture, Context, Declaration, Dependency, Failure, IntoDependency};

/// A class dependency: a struct with `#[derive(Dependency)]` whose fields are parameters
/// (FastAPI's `Depends()` on a class). Used as `#[depends] paging: Paging`.
pub trait ClassDependency: Clone + Send + Sync + Sized + 'static {
    /// Declares the fields' parameters.
    fn declare(decl: &mut Declaration);
    /// Builds the struct from the request.
    fn build<'a>(cx: &'a Context<'a>) -> BoxFuture<'a, Result<Self, Failure>>;
}

#[doc(hidden)]
/// The dependency that builds a [`ClassDependency`].
pub struct Class<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Class<T> {
    /// The dependency building `T`.
    pub const fn new() -> Class<T> {
        Class(std::marker::PhantomData)
    }
}

impl<T> Clone for Class<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Class<T> {}

impl<T> Default for Class<T> {
    fn default() -> Self {
        Class::new()
    }
}

impl<T> fmt::Debug for Class<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Class<{}>", std::any::type_name::<T>())
    }
}

impl<T: ClassDependency> IntoDependency for Class<T> {
    type Dep = Class<T>;

    fn into_dependency(self) -> Class<T> {
        self
    }
}

impl<T: ClassDependency> Dependency for Class<T> {
    type Output = T;

    fn declare(&self, decl: &mut Declaration) {
        T::declare(decl)
    }

    fn call<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<T, Failure>> {
        T::build(cx)
    }
}
