//! Background tasks: Starlette's `BackgroundTask` / `BackgroundTasks`.
//!
//! Tasks attached to a response run after the response has been sent, one after another in the
//! order they were added, in the connection's task (through the server's
//! [`ferrapi_server::AfterResponse`] hook): the server waits for them on a graceful
//! shutdown, as uvicorn waits for Starlette's. Async tasks run on the runtime, blocking ones on
//! the [thread pool](crate::concurrency).
//!
//! As in Starlette, a failing task (an `Err` or a panic) is logged and the tasks after it do
//! not run; the response already sent is not affected.
//!
//! ```
//! use ferrapi_toolkit::background::BackgroundTasks;
//! use ferrapi_toolkit::responses::{PlainText, IntoResponse, ResponseExt};
//!
//! let mut tasks = BackgroundTasks::new();
//! tasks.add(async { println!("after the response"); });
//! tasks.add_blocking(|| std::thread::sleep(std::time::Duration::from_millis(1)));
//! let response = PlainText("sent first").into_response().with_background(tasks);
//! ```

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use ferrapi_server::AfterResponse;

use crate::exceptions::{CatchUnwind, Error};
use crate::responses::Response;

type Task = Pin<Box<dyn Future<Output = Result<(), Error>> + Send>>;

/// What a task or a WebSocket endpoint may return: `()`, or a `Result` whose error is
/// logged (a task's) or handled (an endpoint's).
///
/// The one conversion for work that ends without a response: background tasks, the
/// toolkit's [`WebSocketEndpoint`](crate::endpoints::WebSocketEndpoint)s, and a framework's
/// WebSocket operations.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a task or WebSocket outcome",
    note = "return `()` or `Result<(), E>` where `E` converts into `ferrapi_toolkit::Error`"
)]
pub trait TaskOutcome: Send + 'static {
    /// Converts to a result.
    fn into_result(self) -> Result<(), Error>;
}

impl TaskOutcome for () {
    fn into_result(self) -> Result<(), Error> {
        Ok(())
    }
}

impl<E: Into<Error> + Send + 'static> TaskOutcome for Result<(), E> {
    fn into_result(self) -> Result<(), Error> {
        self.map_err(Into::into)
    }
}

/// An ordered list of tasks to run after a response.
#[derive(Default)]
pub struct BackgroundTasks {
    tasks: Vec<Task>,
}

impl fmt::Debug for BackgroundTasks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BackgroundTasks")
            .field("len", &self.tasks.len())
            .finish()
    }
}

impl BackgroundTasks {
    /// No tasks.
    pub fn new() -> BackgroundTasks {
        BackgroundTasks::default()
    }

    /// Adds an async task.
    pub fn add<F>(&mut self, task: F)
    where
        F: Future + Send + 'static,
        F::Output: TaskOutcome,
    {
        self.tasks
            .push(Box::pin(async move { task.await.into_result() }));
    }

    /// Adds a blocking task, run on the thread pool.
    pub fn add_blocking<F, R>(&mut self, task: F)
    where
        F: FnOnce() -> R + Send + 'static,
        R: TaskOutcome,
    {
        self.tasks.push(Box::pin(async move {
            crate::concurrency::run_in_threadpool(task)
                .await
                .into_result()
        }));
    }

    /// How many tasks are queued.
    pub fn len(&self) -> usize {
        self.tasks.len()
    }

    /// Whether no task is queued.
    pub fn is_empty(&self) -> bool {
        self.tasks.is_empty()
    }

    /// Adds the tasks to `response`, after any work it already carries
    /// ([`AfterResponse::append`]).
    pub fn attach(self, response: &mut Response) {
        if self.tasks.is_empty() {
            return;
        }
        let tasks = self.tasks;
        AfterResponse::append(
            response.extensions_mut(),
            AfterResponse::new(run_all(tasks)),
        );
    }

    /// Runs the tasks now, in order, stopping at the first failure (which is logged), exactly
    /// as they run after a response. For work that has no response to carry it: a WebSocket
    /// session's tasks run when the session ends.
    ///
    /// Cancel safety: dropping the future drops the tasks not yet run.
    pub async fn run(self) {
        run_all(self.tasks).await
    }
}

/// The one runner for both paths ([`BackgroundTasks::attach`] and [`BackgroundTasks::run`]):
/// a panic in a task is caught and logged like an `Err`, so it never reaches the server's
/// after-response hook and never costs the work chained after the tasks.
async fn run_all(tasks: Vec<Task>) {
    for task in tasks {
        let outcome = match CatchUnwind::new(task).await {
            Ok(outcome) => outcome,
            Err(panic) => Err(panic.into()),
        };
        if let Err(err) = outcome {
            tracing::error!(error = %err, "background task failed; the tasks after it are skipped");
            return;
        }
    }
}
