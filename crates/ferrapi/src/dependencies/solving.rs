//! Solving a request's dependencies (FastAPI's `solve_dependencies`): the context a
//! dependency is built in, the per-request cache, overrides, concurrency, and how failures
//! are collected into one 422.

use std::borrow::Cow;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use ferrapi_toolkit::{Error, Request};

use super::app::Cell;
use super::{AnyValue, DepKey, Dependency, DependencyScope, ErasedDependency, Shared, Yield};
use crate::background::BackgroundTasks;
use crate::params::Inputs;
use crate::validation::{ErrorDetail, LocItem, Validator};

/// Why a dependency has no value.
#[derive(Debug)]
#[non_exhaustive]
pub enum Failure {
    /// Its parameters (or its sub-dependencies') are invalid: the errors, reported together.
    Invalid(Vec<ErrorDetail>),
    /// It (or a sub-dependency) returned an error, kept in the request's context; it ends the
    /// request.
    Raised,
}

/// What a dependency sees while it is built: the request's inputs, the shared state, and the
/// security scopes its dependants asked for.
pub struct Context<'a> {
    inputs: &'a Inputs<'a>,
    shared: &'a Shared<'a>,
    scopes: Cow<'a, [Cow<'static, str>]>,
    /// A WebSocket operation's socket, until its `WebSocket` argument takes it.
    socket: Option<&'a Mutex<Option<ferrapi_toolkit::WebSocket>>>,
    /// The default response class of the operation's app or routers, if one is set.
    default_class: Option<crate::responses::DefaultClass>,
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
            default_class: None,
        }
    }

    /// The same context, answering with `class` the values the operation returns (its app's or
    /// routers' `default_response_class`).
    pub(crate) fn with_default_class(
        mut self,
        class: Option<crate::responses::DefaultClass>,
    ) -> Context<'a> {
        self.default_class = class;
        self
    }

    /// The default response class of the operation's app or routers, if one is set.
    pub fn default_class(&self) -> Option<crate::responses::DefaultClass> {
        self.default_class
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
            default_class: self.default_class,
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

    /// The status, headers and cookies the operation and its dependencies set for the
    /// response ([`ResponseParts`](crate::responses::ResponseParts)).
    pub fn response_parts(&self) -> crate::responses::ResponseParts {
        self.shared.response_parts()
    }

    /// Ends the resolution with `err` (an `HTTPException`, say).
    pub fn raise(&self, err: impl Into<Error>) -> Failure {
        self.shared.raise(err.into())
    }

    /// Registers a teardown to run when the request ends, per `scope`.
    pub fn defer<T>(&self, scope: DependencyScope, value: Yield<T>) -> T {
        let (value, teardown, catch) = value.into_parts();
        if let Some(catch) = catch {
            // An app-scoped value is set up once, outside any request: no request's error
            // goes through it.
            if scope != DependencyScope::App {
                self.shared
                    .catchers
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(catch);
                self.shared
                    .deferred
                    .store(true, std::sync::atomic::Ordering::Relaxed);
            }
        }
        if scope == DependencyScope::App {
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
        if dep.scope() == DependencyScope::App {
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

    pub(super) fn cell(&self, key: &DepKey) -> Cell {
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
