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
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use ferrapi_toolkit::server::AfterResponse;
use ferrapi_toolkit::{Error, Request, Response, StatusCode};
use tokio::sync::OnceCell;

use crate::background::BackgroundTasks;
use crate::exceptions::RequestValidationError;
use crate::params::{Inputs, ParamSpec};
use crate::validation::{ErrorDetail, LocItem, Validator};

mod argument;

pub use argument::Argument;
#[doc(hidden)]
pub use argument::{Complete, Dependant, InRequest, InWebSocket, Ready, SocketToken};

/// A boxed future borrowing the request.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A shared value of any type.
type AnyValue = Arc<dyn Any + Send + Sync>;

/// When a dependency's teardown runs, and how long its value lives.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scope {
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
    fn scope(&self) -> Scope {
        Scope::Request
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
    fn scope(&self) -> Scope;
    /// Declares its parameters.
    fn declare(&self, decl: &mut Declaration);
    /// The name of its output type (for messages).
    fn output_name(&self) -> &'static str;
    /// Builds the value.
    fn call_any<'a>(&'a self, cx: &'a Context<'a>) -> BoxFuture<'a, Result<AnyValue, Failure>>;
}

struct Erased<D>(D);

impl<D: Dependency> ErasedDependency for Erased<D> {
    fn key(&self) -> DepKey {
        self.0.key()
    }

    fn scope(&self) -> Scope {
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

/// What a dependency needs from the request: its parameters, those of its sub-dependencies
/// (each counted once), and the app-scoped dependencies it reaches.
#[derive(Default)]
pub struct Declaration {
    specs: Vec<ParamSpec>,
    seen: Vec<DepKey>,
    app_scoped: Vec<Arc<dyn ErasedDependency>>,
    security: Vec<crate::openapi::SecurityRequirement>,
}

impl fmt::Debug for Declaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Declaration")
            .field("specs", &self.specs)
            .field("app_scoped", &self.app_scoped.len())
            .finish()
    }
}

impl Declaration {
    /// An empty declaration.
    pub fn new() -> Declaration {
        Declaration::default()
    }

    /// Adds parameters.
    pub fn params<'s>(&mut self, specs: impl IntoIterator<Item = &'s ParamSpec>) {
        self.specs.extend(specs.into_iter().cloned());
    }

    /// Adds a sub-dependency (once, however often it is used).
    pub fn dependency<D: Dependency>(&mut self, dep: &D) {
        let key = dep.key();
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        dep.declare(self);
    }

    /// Adds an app-scoped dependency (built at startup).
    pub fn app_scoped<D: Dependency + Clone>(&mut self, dep: &D) {
        let key = dep.key();
        if self.app_scoped.iter().any(|d| d.key() == key) {
            return;
        }
        self.app_scoped.push(Arc::new(Erased(dep.clone())));
    }

    /// Adds a type-erased dependency.
    pub fn erased(&mut self, dep: &dyn ErasedDependency) {
        let key = dep.key();
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        dep.declare(self);
    }

    /// Declares a security scheme the operation depends on (for the document).
    pub fn security(&mut self, name: &str, scheme: serde_json::Value, scopes: Vec<String>) {
        if let Some(existing) = self.security.iter_mut().find(|s| s.name == name) {
            for scope in scopes {
                if !existing.scopes.contains(&scope) {
                    existing.scopes.push(scope);
                }
            }
            return;
        }
        self.security.push(crate::openapi::SecurityRequirement {
            name: name.to_string(),
            scheme,
            scopes,
        });
    }

    /// The security schemes declared.
    pub fn security_requirements(&self) -> &[crate::openapi::SecurityRequirement] {
        &self.security
    }

    /// The parameters, in declaration order.
    pub fn specs(&self) -> &[ParamSpec] {
        &self.specs
    }

    /// The app-scoped dependencies reached.
    pub fn app_dependencies(&self) -> &[Arc<dyn ErasedDependency>] {
        &self.app_scoped
    }
}

/// Why a dependency has no value.
#[derive(Debug)]
pub enum Failure {
    /// Its parameters (or its sub-dependencies') are invalid: the errors, reported together.
    Invalid(Vec<ErrorDetail>),
    /// It (or a sub-dependency) returned an error, kept in the request's context; it ends the
    /// request.
    Raised,
}

/// How the request went, as a teardown sees it (FastAPI throws the exception into the
/// generator).
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    error: Option<Arc<str>>,
    status: Option<StatusCode>,
}

impl Outcome {
    /// A request that succeeded.
    pub fn ok() -> Outcome {
        Outcome::default()
    }

    fn failed(err: &Error) -> Outcome {
        let status = if let Some(e) = err.downcast_ref::<crate::HTTPException>() {
            Some(e.status())
        } else if let Some(e) = err.downcast_ref::<ferrapi_toolkit::HTTPException>() {
            Some(e.status())
        } else if err.is::<RequestValidationError>() {
            Some(StatusCode::UNPROCESSABLE_ENTITY)
        } else {
            None
        };
        Outcome {
            error: Some(Arc::from(err.to_string())),
            status,
        }
    }

    /// Whether the operation and every dependency succeeded.
    pub fn is_ok(&self) -> bool {
        self.error.is_none()
    }

    /// The error's text, if the request failed.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The status the error answers with, when it has one (an `HTTPException`, a 422).
    pub fn status(&self) -> Option<StatusCode> {
        self.status
    }
}

type TeardownFn = Box<dyn FnOnce(Outcome) -> BoxFuture<'static, ()> + Send>;

/// A dependency's value and the code that cleans it up (FastAPI's dependencies with `yield`).
///
/// ```
/// use ferrapi::dependencies::Yield;
/// use ferrapi::{dependency, get};
///
/// #[derive(Clone)]
/// struct Session(u64);
///
/// #[dependency]
/// async fn session() -> Yield<Session> {
///     let session = Session(1);
///     Yield::new(session, |outcome| async move {
///         if let Some(error) = outcome.error() {
///             eprintln!("rolling back: {error}");
///         }
///     })
/// }
///
/// #[get("/dep/session")]
/// async fn read(#[depends(session)] db: Session) -> u64 {
///     db.0
/// }
/// ```
pub struct Yield<T> {
    value: T,
    teardown: TeardownFn,
}

impl<T: fmt::Debug> fmt::Debug for Yield<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Yield")
            .field("value", &self.value)
            .finish_non_exhaustive()
    }
}

impl<T> Yield<T> {
    /// `value`, cleaned up by the async `teardown`.
    pub fn new<F, Fut>(value: T, teardown: F) -> Yield<T>
    where
        F: FnOnce(Outcome) -> Fut + Send + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        Yield {
            value,
            teardown: Box::new(move |outcome| Box::pin(teardown(outcome))),
        }
    }

    /// `value`, cleaned up by the blocking `teardown`, run on a thread of its own (as FastAPI
    /// runs a sync generator's exit with its own limiter: it never waits for a pool thread, so
    /// closing a connection cannot deadlock behind requests waiting for one).
    pub fn blocking<F>(value: T, teardown: F) -> Yield<T>
    where
        F: FnOnce(Outcome) + Send + 'static,
    {
        Yield {
            value,
            teardown: Box::new(move |outcome| {
                Box::pin(async move {
                    if let Err(err) = tokio::task::spawn_blocking(move || teardown(outcome)).await {
                        tracing::error!(error = %err, "dependency teardown panicked");
                    }
                })
            }),
        }
    }

    /// Splits into the value and the teardown.
    fn into_parts(self) -> (T, TeardownFn) {
        (self.value, self.teardown)
    }
}

/// Replacements for dependencies, looked up at request time (FastAPI's
/// `app.dependency_overrides`). Shared by an app and all its operations.
#[derive(Default)]
pub struct DependencyOverrides {
    // Read on every request that has dependencies; written by tests.
    map: RwLock<Vec<(DepKey, Arc<dyn ErasedDependency>)>>,
    any: std::sync::atomic::AtomicBool,
}

impl fmt::Debug for DependencyOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.map.read().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("DependencyOverrides")
            .field("len", &len)
            .finish()
    }
}

impl DependencyOverrides {
    /// Replaces `original` with `replacement` (same output type) wherever it is used.
    pub fn set<D, R>(&self, original: D, replacement: R)
    where
        D: IntoDependency,
        R: IntoDependency,
        R::Dep: Dependency<Output = <D::Dep as Dependency>::Output>,
    {
        let key = original.into_dependency().key();
        if let Ok(mut map) = self.map.write() {
            map.retain(|(k, _)| *k != key);
            map.push((key, erase(replacement)));
            self.any.store(true, std::sync::atomic::Ordering::Release);
        }
    }

    /// Removes every override.
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            map.clear();
            self.any.store(false, std::sync::atomic::Ordering::Release);
        }
    }

    fn get(&self, key: &DepKey) -> Option<Arc<dyn ErasedDependency>> {
        if !self.any.load(std::sync::atomic::Ordering::Acquire) {
            return None;
        }
        let map = self.map.read().ok()?;
        map.iter().find(|(k, _)| k == key).map(|(_, d)| d.clone())
    }
}

type Cell = Arc<OnceCell<Option<AnyValue>>>;

/// A cached dependency: its key, the scopes it was resolved with, its value.
type CacheEntry = (DepKey, Vec<Cow<'static, str>>, Cell);

#[doc(hidden)]
/// What an app's operations share about dependencies: the overrides, the app-wide guards
/// (`FastAPI(dependencies=[…])`), and the app-scoped dependencies, built at startup (or on
/// first use) and torn down at shutdown in reverse order.
#[derive(Default)]
pub struct AppDependencies {
    cells: Mutex<Vec<(DepKey, Cell)>>,
    teardowns: Mutex<Vec<TeardownFn>>,
    overrides: DependencyOverrides,
    guards: RwLock<Vec<Arc<dyn ErasedDependency>>>,
    any_guard: std::sync::atomic::AtomicBool,
}

impl fmt::Debug for AppDependencies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppDependencies").finish_non_exhaustive()
    }
}

impl AppDependencies {
    /// Nothing yet.
    pub fn new() -> AppDependencies {
        AppDependencies::default()
    }

    /// The overrides.
    pub fn overrides(&self) -> &DependencyOverrides {
        &self.overrides
    }

    /// Adds a guard run before every operation of the app.
    pub fn add_guard(&self, guard: Arc<dyn ErasedDependency>) {
        if let Ok(mut guards) = self.guards.write() {
            guards.push(guard);
            self.any_guard
                .store(true, std::sync::atomic::Ordering::Release);
        }
    }

    /// The app-wide guards.
    pub fn guards(&self) -> Vec<Arc<dyn ErasedDependency>> {
        if !self.any_guard.load(std::sync::atomic::Ordering::Acquire) {
            return Vec::new();
        }
        self.guards.read().map(|g| g.clone()).unwrap_or_default()
    }

    fn cell(&self, key: &DepKey) -> Cell {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, cell)) = cells.iter().find(|(k, _)| k == key) {
            return cell.clone();
        }
        let cell: Cell = Arc::default();
        cells.push((key.clone(), cell.clone()));
        cell
    }

    /// Builds `dep` now (at startup); its error is the startup's.
    pub async fn build(&self, dep: &dyn ErasedDependency) -> Result<(), Error> {
        let request =
            Request::from_http(http::Request::new(ferrapi_toolkit::server::Body::empty()));
        let inputs = Inputs::from_request(&request);
        let shared = Shared::new(self);
        let cx = Context::new(&inputs, &shared);
        let cell = self.cell(&dep.key());
        let value = cell
            .get_or_init(|| async { dep.call_any(&cx).await.ok() })
            .await
            .clone();
        self.adopt(&shared);
        match value {
            Some(_) => Ok(()),
            None => Err(shared.take_error()),
        }
    }

    fn adopt(&self, shared: &Shared) {
        let mut mine = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
        let mut theirs = shared.teardowns.lock().unwrap_or_else(|e| e.into_inner());
        mine.extend(theirs.drain(..).map(|(_, t)| t));
    }

    /// Runs the teardowns, last built first (at shutdown).
    pub async fn shutdown(&self) {
        let teardowns: Vec<TeardownFn> = {
            let mut t = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *t)
        };
        for teardown in teardowns.into_iter().rev() {
            teardown(Outcome::ok()).await;
        }
        self.cells.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}

#[doc(hidden)]
/// Per-request state of the resolution: the cache, the teardowns, the background tasks and
/// the first error raised.
pub struct Shared<'a> {
    cache: Mutex<Vec<CacheEntry>>,
    teardowns: Mutex<Vec<(Scope, TeardownFn)>>,
    background: OnceLock<BackgroundTasks>,
    raised: Mutex<Option<Error>>,
    /// Whether a teardown was registered (so `finish` has work).
    deferred: std::sync::atomic::AtomicBool,
    app: &'a AppDependencies,
}

impl fmt::Debug for Shared<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared").finish_non_exhaustive()
    }
}

impl<'a> Shared<'a> {
    /// Fresh state for one request of an app.
    pub fn new(app: &'a AppDependencies) -> Shared<'a> {
        Shared {
            cache: Mutex::new(Vec::new()),
            teardowns: Mutex::new(Vec::new()),
            background: OnceLock::new(),
            raised: Mutex::new(None),
            deferred: std::sync::atomic::AtomicBool::new(false),
            app,
        }
    }

    fn raise(&self, err: Error) -> Failure {
        let mut raised = self.raised.lock().unwrap_or_else(|e| e.into_inner());
        if raised.is_none() {
            *raised = Some(err);
        }
        Failure::Raised
    }

    /// The error raised by a dependency.
    fn take_error(&self) -> Error {
        let raised = self.raised.lock().unwrap_or_else(|e| e.into_inner()).take();
        raised.unwrap_or_else(|| Error::msg("a dependency failed without an error"))
    }

    /// The error for `failure`.
    pub fn error(&self, failure: Failure, inputs: &Inputs<'_>) -> Error {
        match failure {
            Failure::Invalid(errors) => {
                RequestValidationError::new(errors, inputs.body_json().cloned()).into()
            }
            Failure::Raised => self.take_error(),
        }
    }

    /// The request's background tasks (one list for the operation and its dependencies).
    pub fn background(&self) -> BackgroundTasks {
        self.background.get_or_init(BackgroundTasks::new).clone()
    }

    /// Runs the function-scoped teardowns (when the operation has returned), last set up
    /// first.
    pub async fn run_function_teardowns(&self, outcome: &Outcome) {
        let function: Vec<TeardownFn> = {
            let mut all = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
            let mut function = Vec::new();
            let mut i = 0;
            while i < all.len() {
                if all[i].0 == Scope::Function {
                    function.push(all.remove(i).1);
                } else {
                    i += 1;
                }
            }
            function
        };
        for teardown in function.into_iter().rev() {
            teardown(outcome.clone()).await;
        }
    }

    /// Ends the request: runs the function-scoped teardowns, then puts the background tasks
    /// (on success) and the request-scoped teardowns (last set up first) after the response.
    pub async fn finish(&self, result: Result<Response, Error>) -> Result<Response, Error> {
        // Most requests set up nothing: no lock, no outcome, and no room for the rest in the
        // operation's future (the rest is boxed).
        if self.background.get().is_none()
            && !self.deferred.load(std::sync::atomic::Ordering::Relaxed)
        {
            return result;
        }
        Box::pin(self.finish_deferred(result)).await
    }

    /// [`Shared::finish`] when something was set up.
    async fn finish_deferred(&self, result: Result<Response, Error>) -> Result<Response, Error> {
        let outcome = match &result {
            Ok(_) => Outcome::ok(),
            Err(err) => Outcome::failed(err),
        };
        self.run_function_teardowns(&outcome).await;
        let teardowns: Vec<TeardownFn> = {
            let mut all = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
            all.drain(..).map(|(_, t)| t).collect()
        };
        match result {
            Ok(mut response) => {
                if let Some(tasks) = self.background.get() {
                    tasks.attach(&mut response);
                }
                if !teardowns.is_empty() {
                    after(&mut response, teardowns, outcome);
                }
                Ok(response)
            }
            Err(err) if teardowns.is_empty() => Err(err),
            Err(err) => Err(err.with_after(AfterResponse::new(run_teardowns(teardowns, outcome)))),
        }
    }

    /// Ends a request that has no response to carry the work (a WebSocket session): runs the
    /// teardowns (function scope first) and the background tasks now.
    pub async fn finish_now(&self, result: &Result<(), Error>) {
        let outcome = match result {
            Ok(()) => Outcome::ok(),
            Err(err) => Outcome::failed(err),
        };
        self.run_function_teardowns(&outcome).await;
        if result.is_ok() {
            if let Some(tasks) = self.background.get() {
                let mut response = Response::new(ferrapi_toolkit::server::Body::empty());
                tasks.attach(&mut response);
                if let Some(task) = response.extensions_mut().remove::<AfterResponse>() {
                    if let Some(task) = task.take() {
                        task.await;
                    }
                }
            }
        }
        let teardowns: Vec<TeardownFn> = {
            let mut all = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
            all.drain(..).map(|(_, t)| t).collect()
        };
        run_teardowns(teardowns, outcome).await;
    }
}

async fn run_teardowns(teardowns: Vec<TeardownFn>, outcome: Outcome) {
    for teardown in teardowns.into_iter().rev() {
        let run = ferrapi_toolkit::exceptions::CatchUnwind::new(teardown(outcome.clone()));
        if let Err(panic) = run.await {
            tracing::error!(error = %panic, "dependency teardown panicked");
        }
    }
}

fn after(response: &mut Response, teardowns: Vec<TeardownFn>, outcome: Outcome) {
    let earlier = response.extensions_mut().remove::<AfterResponse>();
    response
        .extensions_mut()
        .insert(AfterResponse::new(async move {
            if let Some(task) = earlier.and_then(|e| e.take()) {
                task.await;
            }
            run_teardowns(teardowns, outcome).await;
        }));
}

/// What a dependency sees while it is built: the request's inputs, the shared state, and the
/// security scopes its dependants asked for.
pub struct Context<'a> {
    inputs: &'a Inputs<'a>,
    shared: &'a Shared<'a>,
    scopes: Cow<'a, [Cow<'static, str>]>,
    /// A WebSocket operation's socket, until its `WebSocket` argument takes it.
    socket: Option<&'a Mutex<Option<ferrapi_toolkit::WebSocket>>>,
}

impl fmt::Debug for Context<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Context")
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl<'a> Context<'a> {
    /// The root context of a request.
    pub fn new(inputs: &'a Inputs<'a>, shared: &'a Shared<'a>) -> Context<'a> {
        Context {
            inputs,
            shared,
            scopes: Cow::Borrowed(&[]),
            socket: None,
        }
    }

    /// The root context of a WebSocket operation's handshake, whose `WebSocket` argument
    /// takes the socket from `socket`.
    pub(crate) fn with_socket(
        inputs: &'a Inputs<'a>,
        shared: &'a Shared<'a>,
        socket: &'a Mutex<Option<ferrapi_toolkit::WebSocket>>,
    ) -> Context<'a> {
        Context {
            socket: Some(socket),
            ..Context::new(inputs, shared)
        }
    }

    /// Takes the socket of a WebSocket operation (once).
    pub(crate) fn take_socket(&self) -> Option<ferrapi_toolkit::WebSocket> {
        self.socket?
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }

    /// A context whose dependencies see `scopes` added (FastAPI's `Security(dep, scopes=…)`).
    pub fn with_scopes(&self, scopes: &[&'static str]) -> Context<'_> {
        let mut all = self.scopes.to_vec();
        for s in scopes {
            if !all.iter().any(|have| have == s) {
                all.push(Cow::Borrowed(*s));
            }
        }
        Context {
            inputs: self.inputs,
            shared: self.shared,
            scopes: Cow::Owned(all),
            socket: self.socket,
        }
    }

    /// The request (for a WebSocket, its handshake request).
    pub fn request(&self) -> &'a Request {
        self.inputs.request()
    }

    /// The request's parsed inputs.
    pub fn inputs(&self) -> &'a Inputs<'a> {
        self.inputs
    }

    /// The scopes asked for by the dependants (FastAPI's `SecurityScopes.scopes`).
    pub fn scopes(&self) -> &[Cow<'static, str>] {
        &self.scopes
    }

    /// The request's background tasks.
    pub fn background(&self) -> BackgroundTasks {
        self.shared.background()
    }

    /// Ends the resolution with `err` (an `HTTPException`, say).
    pub fn raise(&self, err: impl Into<Error>) -> Failure {
        self.shared.raise(err.into())
    }

    /// Registers a teardown to run when the request ends, per `scope`.
    pub fn defer<T>(&self, scope: Scope, value: Yield<T>) -> T {
        let (value, teardown) = value.into_parts();
        if scope == Scope::App {
            let mut app = self
                .shared
                .app
                .teardowns
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            app.push(teardown);
        } else {
            let mut all = self
                .shared
                .teardowns
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            all.push((scope, teardown));
            self.shared
                .deferred
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        value
    }

    /// The value of `dep` for this request: its override if it has one, from the cache if it
    /// was built already (and `use_cache`), built now otherwise.
    pub async fn resolve<D: Dependency>(
        &self,
        dep: &D,
        use_cache: bool,
    ) -> Result<D::Output, Failure> {
        let key = dep.key();
        if let Some(replacement) = self.shared.app.overrides.get(&key) {
            let value = self.resolve_erased(&key, &*replacement, use_cache).await?;
            return match value.downcast::<D::Output>() {
                Ok(value) => Ok((*value).clone()),
                Err(_) => Err(self.raise(Error::msg(format!(
                    "the override of a dependency gives `{}`, not `{}`",
                    replacement.output_name(),
                    std::any::type_name::<D::Output>()
                )))),
            };
        }
        if dep.scope() == Scope::App {
            let cell = self.shared.app.cell(&key);
            let value = cell
                .get_or_init(|| async {
                    // Not built at startup (a test client that skipped the lifespan): built on
                    // first use instead, still once for the app.
                    let shared = Shared::new(self.shared.app);
                    let cx = Context::new(self.inputs, &shared);
                    let value = dep.call(&cx).await;
                    self.shared.app.adopt(&shared);
                    match value {
                        Ok(v) => Some(Arc::new(v) as AnyValue),
                        Err(_) => {
                            if let Some(err) = shared.raised.lock().ok().and_then(|mut e| e.take())
                            {
                                self.shared.raise(err);
                            }
                            None
                        }
                    }
                })
                .await;
            return match value.as_ref().and_then(|v| v.downcast_ref::<D::Output>()) {
                Some(v) => Ok(v.clone()),
                None => Err(self.raise_default("an app-scoped dependency failed to build")),
            };
        }
        if !use_cache {
            return dep.call(self).await;
        }
        let cell = self.cell(&key);
        let mut failure = None;
        let value = cell
            .get_or_init(|| async {
                match dep.call(self).await {
                    Ok(v) => Some(Arc::new(v) as AnyValue),
                    Err(f) => {
                        failure = Some(f);
                        None
                    }
                }
            })
            .await;
        match value.as_ref().and_then(|v| v.downcast_ref::<D::Output>()) {
            Some(v) => Ok(v.clone()),
            // The first user reports the errors; the others only fail.
            None => Err(failure.unwrap_or(Failure::Invalid(Vec::new()))),
        }
    }

    fn raise_default(&self, msg: &str) -> Failure {
        let raised = self
            .shared
            .raised
            .lock()
            .map(|r| r.is_some())
            .unwrap_or(true);
        if raised {
            Failure::Raised
        } else {
            self.raise(Error::msg(msg))
        }
    }

    async fn resolve_erased(
        &self,
        key: &DepKey,
        dep: &dyn ErasedDependency,
        use_cache: bool,
    ) -> Result<AnyValue, Failure> {
        if !use_cache {
            return dep.call_any(self).await;
        }
        let cell = self.cell(key);
        let mut failure = None;
        let value = cell
            .get_or_init(|| async {
                match dep.call_any(self).await {
                    Ok(v) => Some(v),
                    Err(f) => {
                        failure = Some(f);
                        None
                    }
                }
            })
            .await;
        match value {
            Some(v) => Ok(v.clone()),
            None => Err(failure.unwrap_or(Failure::Invalid(Vec::new()))),
        }
    }

    /// Runs guards (dependencies whose value is not used: `dependencies=[Depends(verify)]` on
    /// a router or the app) concurrently.
    pub async fn run_guards(&self, guards: &[Arc<dyn ErasedDependency>]) -> Result<(), Failure> {
        let mut failures = Failures::default();
        match guards {
            [] => {}
            [one] => {
                let r = self.resolve_guard(&**one).await;
                failures.take(r);
            }
            many => {
                let results = join_all(many.iter().map(|g| self.resolve_guard(&**g))).await;
                for r in results {
                    failures.take(r);
                }
            }
        }
        failures.finish(Validator::new())
    }

    async fn resolve_guard(&self, dep: &dyn ErasedDependency) -> Result<AnyValue, Failure> {
        let key = dep.key();
        match self.shared.app.overrides.get(&key) {
            Some(replacement) => self.resolve_erased(&key, &*replacement, true).await,
            None => self.resolve_erased(&key, dep, true).await,
        }
    }

    fn cell(&self, key: &DepKey) -> Cell {
        let mut cache = self.shared.cache.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, _, cell)) = cache
            .iter()
            .find(|(k, scopes, _)| k == key && scopes[..] == self.scopes[..])
        {
            return cell.clone();
        }
        let cell: Cell = Arc::default();
        cache.push((key.clone(), self.scopes.to_vec(), cell.clone()));
        cell
    }
}

/// Polls futures together, returning their outputs in order.
async fn join_all<F: Future>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output> {
    let mut futures: Vec<Pin<Box<F>>> = futures.into_iter().map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = futures.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (fut, out) in futures.iter_mut().zip(outputs.iter_mut()) {
            if out.is_none() {
                match fut.as_mut().poll(cx) {
                    std::task::Poll::Ready(v) => *out = Some(v),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().flatten().collect()
}

#[doc(hidden)]
/// Collects the outcomes of a dependant's dependencies, then its own parameters' errors.
#[derive(Debug, Default)]
pub struct Failures {
    errors: Vec<ErrorDetail>,
    raised: bool,
}

impl Failures {
    /// The value of one dependency, or `None` after noting its failure.
    pub fn take<T>(&mut self, result: Result<T, Failure>) -> Option<T> {
        match result {
            Ok(v) => Some(v),
            Err(Failure::Invalid(errors)) => {
                self.errors.extend(errors);
                None
            }
            Err(Failure::Raised) => {
                self.raised = true;
                None
            }
        }
    }

    /// Whether a dependency raised an error (nothing else should run).
    pub fn raised(&self) -> bool {
        self.raised
    }

    /// `Ok` when nothing failed; otherwise the failure, with the dependencies' errors first and
    /// then `own` (sorted by source: path, query, header, cookie, body).
    pub fn finish(self, own: Validator) -> Result<(), Failure> {
        if self.raised {
            return Err(Failure::Raised);
        }
        let mut errors = self.errors;
        errors.extend(sort_by_source(own.into_errors()));
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Failure::Invalid(errors))
        }
    }
}

#[doc(hidden)]
/// Errors in FastAPI's order: path, query, header, cookie, then body, whatever the order of
/// the arguments.
pub fn sort_by_source(mut errors: Vec<ErrorDetail>) -> Vec<ErrorDetail> {
    errors.sort_by_key(|e| match e.loc.first() {
        Some(LocItem::Key(source)) => match source.as_ref() {
            "path" => 0,
            "query" => 1,
            "header" => 2,
            "cookie" => 3,
            _ => 4,
        },
        _ => 4,
    });
    errors
}

/// The scopes of the `Security` dependencies above a dependency (FastAPI's `SecurityScopes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityScopes {
    /// The scopes, in the order they were first asked for.
    pub scopes: Vec<String>,
}

impl SecurityScopes {
    /// The scopes of `cx`.
    pub fn from_context(cx: &Context<'_>) -> SecurityScopes {
        SecurityScopes {
            scopes: cx.scopes().iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The scopes separated by spaces (for a `WWW-Authenticate` header).
    pub fn scope_str(&self) -> String {
        self.scopes.join(" ")
    }
}

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

/// A value of the application state (set with [`App::state`](crate::App::state) or by a
/// startup hook): FastAPI's lifespan state, typed. An operation or dependency takes it as an
/// argument `models: State<Models>`.
#[derive(Debug)]
pub struct State<T>(pub Arc<T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Send + Sync + 'static> State<T> {
    /// The value of type `T` in the state of the request's app; an error naming the type when
    /// there is none (a 500: the app was built without it).
    pub fn from_request(req: &Request) -> Result<State<T>, Error> {
        req.state_get::<T>().map(State).ok_or_else(|| {
            Error::msg(format!(
                "the application state has no `{}`: add it with `App::state` or in a startup hook",
                std::any::type_name::<T>()
            ))
        })
    }

    /// As [`State::from_request`], from a dependency's context.
    pub fn from_context(cx: &Context<'_>) -> Result<State<T>, Failure> {
        State::from_request(cx.request()).map_err(|e| cx.raise(e))
    }
}
