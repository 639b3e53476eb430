//! Dependency injection: FastAPI's `Depends`.
//!
//! A dependency is a function marked `#[dependency]` (async, or a plain `fn` that runs on the
//! thread pool), a struct with `#[derive(Dependency)]` (FastAPI's class dependencies), or any
//! value implementing [`Dependency`] (the [security](crate::security) schemes). It takes
//! arguments as a path operation does (query, header, cookie, path, body, form, other
//! dependencies, `BackgroundTasks`, `&Request` when async), and an operation or another
//! dependency asks for it with `#[depends(dep)] name: Type`:
//!
//! ```
//! use ferrapi::{dependency, get};
//! use serde_json::{json, Value};
//!
//! #[dependency]
//! async fn common_parameters(
//!     q: Option<String>,
//!     #[query(default = 0)] skip: i64,
//!     #[query(default = 100)] limit: i64,
//! ) -> Value {
//!     json!({ "q": q, "skip": skip, "limit": limit })
//! }
//!
//! #[get("/dep/items")]
//! async fn dep_items(#[depends(common_parameters)] commons: Value) -> Value {
//!     commons
//! }
//! ```
//!
//! What it does, and where it differs from FastAPI:
//!
//! - **Validation together.** A dependency's parameters join the operation's: every problem in
//!   every dependency and in the operation comes back in one 422, dependencies' errors first
//!   in declaration order, then the operation's own (path, query, header, cookie, body).
//! - **Once per request.** A dependency used twice in one request (by the operation and by
//!   another dependency, say) runs once and both get its value (so the value is `Clone`; share
//!   a resource as an `Arc`). `#[depends(dep, use_cache = false)]` runs it again for that use.
//! - **Concurrently.** The dependencies one operation or dependency asks for are independent,
//!   so they are resolved concurrently (FastAPI resolves them one after the other,
//!   fastapi#639): two async dependencies that each wait 100 ms cost 100 ms, not 200. Guards
//!   declared on a router or the app run first; one that fails ends the request before the
//!   operation's own dependencies run. A dependency used twice with invalid parameters reports
//!   its errors once (FastAPI repeats them once per use).
//! - **Where code runs.** An async dependency runs on the runtime; a plain `fn` on the
//!   toolkit's thread pool, as FastAPI runs `def` dependencies, unless it is marked
//!   `#[dependency(non_blocking)]`: cheap sync code (reading a header, building a struct) then
//!   runs in place instead of waiting for a pool thread (FastAPI's starvation problem: a trivial
//!   `def` dependency queued behind 40 blocking requests).
//! - **Teardown** (FastAPI's `yield`). A dependency returns [`Yield`]: a value and the code to
//!   run when the request is done, which gets the [`Outcome`] (the error, if the operation or a
//!   later dependency failed). By default it runs after the response is sent and after the
//!   background tasks (also after a streaming body ends); `#[dependency(scope = "function")]`
//!   runs it when the operation returns, before the response is sent. Teardowns run in the
//!   reverse order of their setups.
//! - **App-scoped** dependencies (`#[dependency(scope = "app")]`, no request parameters) are
//!   built once at startup, shared by every request, and torn down at shutdown.
//! - **Overrides** for tests: [`App::dependency_override`](crate::App::dependency_override)
//!   replaces a dependency everywhere it is used, without touching the operations.

use std::any::{Any, TypeId};
use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

mod app;
pub(crate) mod argument;
mod class;
mod declaration;
mod lifetime;
mod overrides;
mod provided;
mod solving;

pub use app::AppDependencies;
pub use class::{Class, ClassDependency};
pub use declaration::{Declaration, SecurityRequirement};
pub use lifetime::{Outcome, Shared, Yield};
pub use overrides::DependencyOverrides;
pub use provided::{SecurityScopes, State};
pub use solving::{sort_by_source, Context, Failure, Failures};

pub use argument::Argument;
#[doc(hidden)]
pub use argument::{Complete, Dependant, InRequest, InWebSocket, Ready, SocketToken};

/// A boxed future borrowing the request.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A shared value of any type.
type AnyValue = Arc<dyn Any + Send + Sync>;

/// When a dependency's teardown runs, and how long its value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DependencyScope {
    /// After the response is sent and after the background tasks (FastAPI's default,
    /// `scope="request"`).
    #[default]
    Request,
    /// When the operation returns, before the response is sent (`scope="function"`).
    Function,
    /// Built once for the application (at startup), torn down at shutdown.
    App,
}

/// What identifies a dependency: for caching within a request, and for overrides.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct DepKey {
    type_id: TypeId,
    name: Cow<'static, str>,
}

impl DepKey {
    /// The key of every value of type `D` (a function dependency: the marker type the macro
    /// makes for it).
    pub fn of<D: ?Sized + 'static>() -> DepKey {
        DepKey {
            type_id: TypeId::of::<D>(),
            name: Cow::Borrowed(""),
        }
    }

    /// The key of one configured value of type `D` (a security scheme reading header `name`).
    pub fn named<D: ?Sized + 'static>(name: impl Into<Cow<'static, str>>) -> DepKey {
        DepKey {
            type_id: TypeId::of::<D>(),
            name: name.into(),
        }
    }
}

/// A dependency: something built for a request from the request and other dependencies.
///
/// The `#[dependency]` attribute, `#[derive(Dependency)]` and the security schemes implement
/// it; implement it by hand for anything else.
///
/// ```
/// use ferrapi::dependencies::{BoxFuture, Context, Declaration, Dependency, Failure};
///
/// /// The caller's user agent, or `"unknown"`.
/// struct UserAgent;
///
/// impl Dependency for UserAgent {
///     type Output = String;
///
///     fn declare(&self, _decl: &mut Declaration) {}
///
///     fn call<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<String, Failure>> {
///         let agent = cx.request().header("user-agent").unwrap_or("unknown").to_string();
///         Box::pin(async move { Ok(agent) })
///     }
/// }
/// ```
pub trait Dependency: Send + Sync + 'static {
    /// The value it gives; shared within a request, hence `Clone`.
    type Output: Clone + Send + Sync + 'static;

    /// Identifies it for caching and overrides: its type by default.
    fn key(&self) -> DepKey {
        DepKey::of::<Self>()
    }

    /// When its value is built and its teardown runs.
    fn scope(&self) -> DependencyScope {
        DependencyScope::Request
    }

    /// Declares its parameters and sub-dependencies (to read the body, and for the schema).
    fn declare(&self, decl: &mut Declaration);

    /// Builds the value for one request. Use [`Context::resolve`] for sub-dependencies.
    fn call<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<Self::Output, Failure>>;
}

/// What `#[depends(…)]`, `dependencies = […]` and the dependency methods accept: a
/// `#[dependency]` function (the macro makes it a function returning its dependency, so the
/// name stays free for arguments: `#[depends(db)] db: Pool` is fine), a security scheme, a class
/// dependency, or any type implementing [`Dependency`] that implements this too:
///
/// ```
/// # use ferrapi::dependencies::{BoxFuture, Context, Declaration, Dependency, Failure, IntoDependency};
/// # #[derive(Clone, Copy)] struct UserAgent;
/// # impl Dependency for UserAgent {
/// #     type Output = String;
/// #     fn declare(&self, _: &mut Declaration) {}
/// #     fn call<'a>(&'a self, _: &'a Context<'a>) -> BoxFuture<'a, Result<String, Failure>> {
/// #         Box::pin(async { Ok(String::new()) })
/// #     }
/// # }
/// impl IntoDependency for UserAgent {
///     type Dep = UserAgent;
///     fn into_dependency(self) -> UserAgent {
///         self
///     }
/// }
/// ```
pub trait IntoDependency {
    /// The dependency.
    type Dep: Dependency;
    /// Gives the dependency.
    fn into_dependency(self) -> Self::Dep;
}

impl<F, D> IntoDependency for F
where
    F: Fn() -> D,
    D: Dependency,
{
    type Dep = D;

    fn into_dependency(self) -> D {
        self()
    }
}

#[doc(hidden)]
/// The dependency of `value` (what `#[depends(value)]` resolves).
pub fn into_dependency<T: IntoDependency>(value: T) -> T::Dep {
    value.into_dependency()
}

/// A dependency with its output type erased (for overrides, routers' guards and app scope).
pub trait ErasedDependency: Send + Sync + 'static {
    /// Its key.
    fn key(&self) -> DepKey;
    /// Its scope.
    fn scope(&self) -> DependencyScope;
    /// Declares its parameters.
    fn declare(&self, decl: &mut Declaration);
    /// The name of its output type (for messages).
    fn output_name(&self) -> &'static str;
    /// Builds the value.
    fn call_any<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<AnyValue, Failure>>;
}

pub(super) struct Erased<D>(pub(super) D);

impl<D: Dependency> ErasedDependency for Erased<D> {
    fn key(&self) -> DepKey {
        self.0.key()
    }

    fn scope(&self) -> DependencyScope {
        self.0.scope()
    }

    fn declare(&self, decl: &mut Declaration) {
        self.0.declare(decl)
    }

    fn output_name(&self) -> &'static str {
        std::any::type_name::<D::Output>()
    }

    fn call_any<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<AnyValue, Failure>> {
        // Called by whoever did the caching (the cache under the original's key, the
        // app-scoped cell): this builds the value itself.
        Box::pin(async move {
            let value = self.0.call(cx).await?;
            Ok(Arc::new(value) as AnyValue)
        })
    }
}

#[doc(hidden)]
/// Erases a dependency's output type.
pub fn erase<D: IntoDependency>(dep: D) -> Arc<dyn ErasedDependency> {
    Arc::new(Erased(dep.into_dependency()))
}
