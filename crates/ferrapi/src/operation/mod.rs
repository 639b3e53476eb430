//! The request pipeline of a path operation: read the inputs, run the guards, gather the
//! arguments, call the function, respond, and finish (teardowns, background tasks).
//!
//! FastAPI's counterpart is `fastapi.routing.get_request_handler`: one function, shared by
//! every operation, around the per-operation `solve_dependencies` and call. Here the route
//! macros emit only what differs per operation, a type implementing [`Run`] (gather this
//! operation's arguments, call its function, turn its output into a response); everything
//! else is this module, used by the generated HTTP and WebSocket handlers and by operations
//! built from a plain toolkit endpoint ([`guarded`]).
//!
//! Cost: the pipeline is generic over the operation, so the whole request (pipeline, guards,
//! gathering, call) is one future, boxed once where the route calls it.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context as TaskContext, Poll};
use std::time::{Duration, Instant};

use ferrapi_toolkit::endpoints::{BoxFuture, Endpoint};
use ferrapi_toolkit::exceptions::CatchUnwind;
use ferrapi_toolkit::{Error, Request, Response, WebSocket};

use crate::dependencies::{AppDependencies, Context, ErasedDependency, Failure, Failures, Shared};
use crate::params::{Inputs, ParamSpec};

mod finite;
pub(crate) mod respond;

/// What one operation's pipeline needs at request time: its guards (dependencies of the
/// operation, its routers and the app), every parameter it and its dependencies read, and the
/// app's shared dependency state.
pub(crate) struct OpContext {
    pub(crate) guards: Vec<Arc<dyn ErasedDependency>>,
    pub(crate) specs: Vec<ParamSpec>,
    pub(crate) app: Arc<AppDependencies>,
    /// The operation's or its routers' `strict_content_type`; the app's when `None`.
    pub(crate) strict_content_type: Option<bool>,
    /// The default response class of the app or the routers, when the operation has no
    /// `response_class` of its own.
    pub(crate) default_class: Option<crate::responses::DefaultClass>,
}

impl std::fmt::Debug for OpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpContext")
            .field("guards", &self.guards.len())
            .field("specs", &self.specs)
            .finish_non_exhaustive()
    }
}

impl OpContext {
    /// Whether a body without a content type is left unparsed (FastAPI's
    /// `strict_content_type`): the operation's, its routers', or the app's setting.
    fn strict_content_type(&self) -> bool {
        self.strict_content_type
            .unwrap_or_else(|| self.app.strict_content_type())
    }

    /// Runs the app's guards and the operation's (routers' and its own) together; their
    /// failures are the first of the request's.
    ///
    /// Running guards is a large future, boxed: inline, every operation's future would carry
    /// it, with guards or without.
    async fn run_guards(&self, cx: &Context<'_>) -> Failures {
        let mut failures = Failures::default();
        let app = self.app.guards();
        let result = if app.is_empty() {
            if self.guards.is_empty() {
                return failures;
            }
            Box::pin(cx.run_guards(&self.guards)).await
        } else {
            let mut all = app;
            all.extend(self.guards.iter().cloned());
            Box::pin(cx.run_guards(&all)).await
        };
        failures.take(result);
        failures
    }
}

/// What a route macro generates for one operation: gather its arguments (after the guards,
/// whose failures come in `failures`), call its function, and turn the output into
/// [`Run::Output`].
///
/// The outer `Err` is a failure to gather (invalid parameters, a dependency that raised): the
/// pipeline answers it (a 422, the raised error, a 1008 close). The inner result is the
/// operation's own.
pub trait Run: 'static {
    /// What a call gives: a `Response`, or `()` for a WebSocket operation.
    type Output;

    /// Gathers the arguments and calls the operation.
    fn run<'a>(
        cx: &'a Context<'a>,
        failures: Failures,
    ) -> impl Future<Output = Result<Result<Self::Output, Error>, Failure>> + Send + 'a;
}

/// The handler of an HTTP operation made by a route macro.
pub(crate) type HttpHandler = fn(Request, Arc<OpContext>) -> BoxFuture<Result<Response, Error>>;

/// The handler of a WebSocket operation made by `#[websocket]`.
pub(crate) type WebSocketHandler = fn(WebSocket, Arc<OpContext>) -> BoxFuture<Result<(), Error>>;

/// Serves one request with operation `R`: the handler of every macro-made HTTP operation.
pub(crate) fn serve_http<R: Run<Output = Response>>(
    req: Request,
    op: Arc<OpContext>,
) -> BoxFuture<Result<Response, Error>> {
    // Boxed here, once: the future holds the request, the inputs, the dependency state and
    // the operation's own future (callgrind: every byte of it is moved into the box).
    Box::pin(async move {
        let mut req = req;
        let inputs = Inputs::read(&mut req, &op.specs, op.strict_content_type()).await?;
        let shared = Shared::new(&op.app);
        let result = {
            let cx = Context::new(&inputs, &shared).with_default_class(op.default_class);
            let run = CatchUnwind::new(async {
                let failures = op.run_guards(&cx).await;
                if failures.raised() {
                    return Err(shared.error(Failure::Raised, &inputs));
                }
                match R::run(&cx, failures).await {
                    Ok(result) => result,
                    Err(failure) => Err(shared.error(failure, &inputs)),
                }
            });
            match run.await {
                Ok(result) => result,
                Err(panic) => Err(panic.into()),
            }
        };
        shared.finish(result).await
    })
}

/// Serves one WebSocket session with operation `R`: the handler of every `#[websocket]`
/// operation.
///
/// Invalid handshake parameters close the socket with 1008 (policy violation), as FastAPI
/// does; before `accept` the client sees a 403.
pub(crate) fn serve_websocket<R: Run<Output = ()>>(
    ws: WebSocket,
    op: Arc<OpContext>,
) -> BoxFuture<Result<(), Error>> {
    Box::pin(async move {
        let request = ws.shared_request();
        let inputs = Inputs::from_request(&request);
        let shared = Shared::new(&op.app);
        let socket = Mutex::new(Some(ws));
        let result = {
            let cx = Context::with_socket(&inputs, &shared, &socket);
            let run = CatchUnwind::new(async {
                let failures = op.run_guards(&cx).await;
                if failures.raised() {
                    return Err(Failure::Raised);
                }
                R::run(&cx, failures).await
            });
            match run.await {
                Ok(Ok(result)) => result,
                Ok(Err(Failure::Invalid(_))) => {
                    let ws = socket.lock().unwrap_or_else(|e| e.into_inner()).take();
                    if let Some(mut ws) = ws {
                        let _ = ws.close(1008, "").await;
                    }
                    Ok(())
                }
                Ok(Err(failure)) => Err(shared.error(failure, &inputs)),
                Err(panic) => Err(panic.into()),
            }
        };
        shared.finish_now(&result).await;
        result
    })
}

/// Serves one request with a toolkit endpoint after the guards its routers and the app added
/// (an operation built with [`Operation::new`](crate::Operation::new)).
pub(crate) fn guarded(
    endpoint: Arc<dyn Endpoint>,
    op: Arc<OpContext>,
    req: Request,
) -> BoxFuture<Result<Response, Error>> {
    Box::pin(async move {
        let mut req = req;
        let shared = Shared::new(&op.app);
        let guarded = {
            let inputs = Inputs::read(&mut req, &op.specs, op.strict_content_type()).await?;
            let cx = Context::new(&inputs, &shared);
            let failures = op.run_guards(&cx).await;
            failures
                .finish(crate::validation::Validator::new())
                .map_err(|f| shared.error(f, &inputs))
        };
        let result = match guarded {
            Ok(()) => endpoint.call(req).await,
            Err(err) => Err(err),
        };
        shared.finish(result).await
    })
}

/// How long one poll of an async endpoint may hold its worker before it is reported in debug
/// builds (asyncio's debug mode uses the same 100 ms for slow callbacks).
pub(crate) const SLOW_POLL: Duration = Duration::from_millis(100);

pin_project_lite::pin_project! {
    /// Reports polls of an async endpoint that block the worker (debug builds only).
    #[derive(Debug)]
    pub struct WatchPolls<F> {
        #[pin]
        inner: F,
        operation: &'static str,
    }
}

/// Wraps an async endpoint's future; in debug builds a poll longer than `SLOW_POLL` (100 ms; a
/// blocking call inside `async fn`, the classic mistake) is logged with the operation and the
/// time it held the thread.
pub fn watch<F: Future>(operation: &'static str, inner: F) -> WatchPolls<F> {
    WatchPolls { inner, operation }
}

impl<F: Future> Future for WatchPolls<F> {
    type Output = F::Output;

    fn poll(self: Pin<&mut Self>, cx: &mut TaskContext<'_>) -> Poll<F::Output> {
        let this = self.project();
        if cfg!(debug_assertions) {
            let started = Instant::now();
            let out = this.inner.poll(cx);
            let held = started.elapsed();
            if held >= SLOW_POLL {
                tracing::warn!(
                    operation = *this.operation,
                    held_ms = held.as_millis() as u64,
                    "async endpoint blocked its runtime thread for {held:?} in one poll; \
                     make it a plain `fn` (it then runs on the thread pool) or use async I/O"
                );
            }
            out
        } else {
            this.inner.poll(cx)
        }
    }
}
