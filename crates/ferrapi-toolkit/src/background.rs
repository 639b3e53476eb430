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

/// The outcome of a task: `()` or a `Result` whose error is logged.
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

    /// Adds the tasks to `response`, after any it already carries.
    pub fn attach(self, response: &mut Response) {
        if self.tasks.is_empty() {
            return;
        }
        let earlier = response.extensions_mut().remove::<AfterResponse>();
        let tasks = self.tasks;
        response
            .extensions_mut()
            .insert(AfterResponse::new(async move {
                if let Some(earlier) = earlier.and_then(|e| e.take()) {
                    earlier.await;
                }
                run_all(tasks).await;
            }));
    }

    /// Runs the tasks now, in order, stopping at the first failure (which is logged).
    pub async fn run(self) {
        run_all(self.tasks).await
    }
}

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
