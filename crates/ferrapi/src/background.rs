//! Background tasks in path operations: FastAPI's `BackgroundTasks` parameter.
//!
//! An operation that takes a [`BackgroundTasks`] argument gets a fresh list for its request;
//! what it adds runs after the response has been sent, in order (the toolkit's
//! [`BackgroundTasks`](ferrapi_toolkit::BackgroundTasks), through the server's after-response
//! hook). As in FastAPI, the tasks run only when the operation succeeded: an error response
//! does not run them.
//!
//! ```
//! use ferrapi::{post, BackgroundTasks};
//! use serde_json::{json, Value};
//!
//! #[post("/notify/{email}")]
//! async fn notify(email: String, tasks: BackgroundTasks) -> Value {
//!     tasks.add_blocking(move || println!("mail to {email}"));
//!     json!({ "message": "Notification sent in the background" })
//! }
//! ```

use std::future::Future;
use std::sync::{Arc, Mutex};

use ferrapi_toolkit::background::TaskOutcome;
use ferrapi_toolkit::Response;

/// The background tasks of one request; clones share the same list.
#[derive(Clone, Debug, Default)]
pub struct BackgroundTasks {
    tasks: Arc<Mutex<ferrapi_toolkit::BackgroundTasks>>,
}

impl BackgroundTasks {
    /// An empty list.
    pub fn new() -> BackgroundTasks {
        BackgroundTasks::default()
    }

    /// Adds an async task.
    pub fn add_task<F>(&self, task: F)
    where
        F: Future + Send + 'static,
        F::Output: TaskOutcome,
    {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.add(task);
        }
    }

    /// Adds a blocking task, run on the thread pool (FastAPI runs a sync task function there).
    pub fn add_blocking<F, R>(&self, task: F)
    where
        F: FnOnce() -> R + Send + 'static,
        R: TaskOutcome,
    {
        if let Ok(mut tasks) = self.tasks.lock() {
            tasks.add_blocking(task);
        }
    }

    /// How many tasks are queued.
    pub fn len(&self) -> usize {
        self.tasks.lock().map(|t| t.len()).unwrap_or(0)
    }

    /// Whether no task is queued.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Moves the queued tasks onto `response`, to run after it is sent.
    pub fn attach(&self, response: &mut Response) {
        let tasks = match self.tasks.lock() {
            Ok(mut tasks) => std::mem::take(&mut *tasks),
            Err(_) => return,
        };
        tasks.attach(response);
    }

    /// Runs the queued tasks now, one after the other, each panic caught and logged as after a
    /// response (a WebSocket session has no response to carry them).
    pub(crate) async fn run_now(&self) {
        let tasks = match self.tasks.lock() {
            Ok(mut tasks) => std::mem::take(&mut *tasks),
            Err(_) => return,
        };
        tasks.run().await;
    }
}
