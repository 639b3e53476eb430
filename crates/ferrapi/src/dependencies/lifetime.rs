//! How long a dependency's value lives: teardowns (FastAPI's `yield`), their scopes, the
//! outcome they see, and the end of the request (background tasks, work after the response).

use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, OnceLock};

use ferrapi_toolkit::server::AfterResponse;
use ferrapi_toolkit::{Error, Response, StatusCode};

use super::app::CacheEntry;
use super::{AppDependencies, BoxFuture, DependencyScope, Failure};
use crate::background::BackgroundTasks;
use crate::exceptions::RequestValidationError;
use crate::params::Inputs;
use crate::responses::ResponseParts;

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

pub(super) type TeardownFn = Box<dyn FnOnce(Outcome) -> BoxFuture<'static, ()> + Send>;

/// What a dependency does with an error raised after it (FastAPI's `except` around `yield`):
/// the error to answer with.
pub(super) type CatchFn = Box<dyn FnOnce(Error) -> BoxFuture<'static, Error> + Send>;

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
    catch: Option<CatchFn>,
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
            catch: None,
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
            catch: None,
        }
    }

    /// Also sees the error when the operation (or a dependency set up after this one) fails,
    /// before it is answered, and gives the error to answer with: the same one, or another
    /// (FastAPI's `try: yield db` / `except OwnerError as e: raise HTTPException(400, …)`).
    /// Dependencies set up later see the error first, as exceptions unwind in FastAPI; the
    /// teardown then sees the error that is answered.
    ///
    /// ```
    /// use ferrapi::dependencies::Yield;
    /// use ferrapi::toolkit::StatusCode;
    /// use ferrapi::{dependency, HTTPException};
    ///
    /// #[derive(Debug)]
    /// struct OwnerError(String);
    ///
    /// impl std::fmt::Display for OwnerError {
    ///     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
    ///         f.write_str(&self.0)
    ///     }
    /// }
    ///
    /// impl std::error::Error for OwnerError {}
    ///
    /// #[dependency]
    /// async fn get_username() -> Yield<String> {
    ///     Yield::new("Rick".to_string(), |_| async {}).on_error(|err| async move {
    ///         match err.downcast_ref::<OwnerError>() {
    ///             Some(e) => HTTPException::new(
    ///                 StatusCode::BAD_REQUEST,
    ///                 format!("Owner error: {e}"),
    ///             )
    ///             .into(),
    ///             None => err,
    ///         }
    ///     })
    /// }
    /// ```
    pub fn on_error<F, Fut>(mut self, catch: F) -> Yield<T>
    where
        F: FnOnce(Error) -> Fut + Send + 'static,
        Fut: Future<Output = Error> + Send + 'static,
    {
        self.catch = Some(Box::new(move |err| Box::pin(catch(err))));
        self
    }

    /// Splits into the value, the teardown and the error handler.
    pub(super) fn into_parts(self) -> (T, TeardownFn, Option<CatchFn>) {
        (self.value, self.teardown, self.catch)
    }
}

#[doc(hidden)]
/// Per-request state of the resolution: the cache, the teardowns, the background tasks and
/// the first error raised.
pub struct Shared<'a> {
    pub(super) cache: Mutex<Vec<CacheEntry>>,
    pub(super) teardowns: Mutex<Vec<(DependencyScope, TeardownFn)>>,
    /// The error handlers of the dependencies set up ([`Yield::on_error`]), in set-up order.
    pub(super) catchers: Mutex<Vec<CatchFn>>,
    background: OnceLock<BackgroundTasks>,
    /// The status, headers and cookies set through a `ResponseParts` argument.
    response: OnceLock<ResponseParts>,
    pub(super) raised: Mutex<Option<Error>>,
    /// Whether a teardown was registered (so `finish` has work).
    pub(super) deferred: std::sync::atomic::AtomicBool,
    pub(super) app: &'a AppDependencies,
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
            catchers: Mutex::new(Vec::new()),
            background: OnceLock::new(),
            response: OnceLock::new(),
            raised: Mutex::new(None),
            deferred: std::sync::atomic::AtomicBool::new(false),
            app,
        }
    }

    pub(super) fn raise(&self, err: Error) -> Failure {
        let mut raised = self.raised.lock().unwrap_or_else(|e| e.into_inner());
        if raised.is_none() {
            *raised = Some(err);
        }
        Failure::Raised
    }

    /// The error raised by a dependency.
    pub(super) fn take_error(&self) -> Error {
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

    /// The response's parts set by the operation and its dependencies (one set for all).
    pub fn response_parts(&self) -> ResponseParts {
        self.response.get_or_init(ResponseParts::new).clone()
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
                if all[i].0 == DependencyScope::Function {
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
            && self.response.get().is_none()
            && !self.deferred.load(std::sync::atomic::Ordering::Relaxed)
        {
            return result;
        }
        Box::pin(self.finish_deferred(result)).await
    }

    /// [`Shared::finish`] when something was set up.
    async fn finish_deferred(&self, result: Result<Response, Error>) -> Result<Response, Error> {
        let result = match result {
            Err(err) => Err(self.catch(err).await),
            ok => ok,
        };
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
                if let Some(parts) = self.response.get() {
                    parts.apply(&mut response);
                }
                if let Some(tasks) = self.background.get() {
                    tasks.attach(&mut response);
                }
                if !teardowns.is_empty() {
                    // After the background tasks and any other work the response carries.
                    AfterResponse::append(
                        response.extensions_mut(),
                        AfterResponse::new(run_teardowns(teardowns, outcome)),
                    );
                }
                Ok(response)
            }
            Err(err) if teardowns.is_empty() => Err(err),
            Err(err) => Err(err.with_after(AfterResponse::new(run_teardowns(teardowns, outcome)))),
        }
    }

    /// Passes an error through the dependencies' error handlers, the last set up first.
    async fn catch(&self, mut err: Error) -> Error {
        let catchers: Vec<CatchFn> = {
            let mut all = self.catchers.lock().unwrap_or_else(|e| e.into_inner());
            all.drain(..).collect()
        };
        for catch in catchers.into_iter().rev() {
            // The work attached to the error (teardowns of a failed dependency) stays with it.
            let after = err.take_after();
            err = match ferrapi_toolkit::exceptions::CatchUnwind::new(catch(err)).await {
                Ok(err) => err,
                Err(panic) => Error::new(panic),
            };
            if let Some(after) = after {
                err = err.with_after(after);
            }
        }
        err
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
                tasks.run_now().await;
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
