//! Work that runs after a response has been sent: the hook under Starlette's background tasks.
//!
//! In ASGI, a response's `__call__` can keep running after its last `http.response.body`
//! message; Starlette runs background tasks there, so the client already has the whole response
//! while they run, and the server waits for them on a graceful shutdown. Here an app puts an
//! [`AfterResponse`] in the response's extensions; the server writes and flushes the response,
//! then runs the future in the connection's task. The next request on that connection waits for
//! it (as under uvicorn), a graceful shutdown waits for it (within the drain timeout), and a
//! panic inside it is logged and costs nothing else.
//!
//! It does not run when the response could not be sent (the client went away mid-body).
//!
//! A response carries one [`AfterResponse`]; each layer that has work of its own (Starlette's
//! background tasks, the exception handlers, a framework's dependency teardowns) adds it with
//! [`AfterResponse::append`], after the work already there, so layers never drop each other's
//! work and run it in the order it was attached.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

use crate::panic::CatchUnwind;

type Task = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A future to run once the response carrying it has been sent.
///
/// ```
/// use ferrapi_server::{AfterResponse, Body, Response};
///
/// let mut response = Response::new(Body::from("queued"));
/// response.extensions_mut().insert(AfterResponse::new(async {
///     // Send the e-mail, write the audit log…
/// }));
/// ```
#[derive(Clone)]
pub struct AfterResponse {
    // `http::Extensions` wants `Clone + Sync`; the task itself runs once.
    task: Arc<Mutex<Option<Task>>>,
}

impl AfterResponse {
    /// Wraps the future to run after the response is sent.
    pub fn new(task: impl Future<Output = ()> + Send + 'static) -> AfterResponse {
        AfterResponse {
            task: Arc::new(Mutex::new(Some(Box::pin(task)))),
        }
    }

    /// Takes the future out; `None` if it was already taken. Servers and test clients call
    /// this once the response is out.
    pub fn take(&self) -> Option<Pin<Box<dyn Future<Output = ()> + Send>>> {
        self.task.lock().ok()?.take()
    }

    /// One piece of work: `self`'s, then `next`'s (each only if not already taken).
    ///
    /// The two are independent pieces of work, often from different layers, so a panic in
    /// `self`'s does not cost `next`'s: `next` still runs, and the panic is then resumed, to be
    /// logged where after-response work is run (the server logs it with the request's method
    /// and path). Were `next` to panic as well, its panic is logged here and the first one
    /// resumed.
    ///
    /// ```
    /// use ferrapi_server::AfterResponse;
    ///
    /// let first = AfterResponse::new(async { println!("first") });
    /// let both = first.then(AfterResponse::new(async { println!("second") }));
    /// # let _ = both;
    /// ```
    pub fn then(self, next: AfterResponse) -> AfterResponse {
        AfterResponse::new(async move {
            let earlier = match self.take() {
                Some(task) => CatchUnwind::<_>::new(task).await.err(),
                None => None,
            };
            match (next.take(), earlier) {
                (Some(task), None) => task.await,
                (Some(task), Some(panic)) => {
                    if let Err(second) = CatchUnwind::<_>::new(task).await {
                        tracing::error!(
                            panic = crate::panic::message(&*second),
                            "after-response work panicked after other work had panicked"
                        );
                    }
                    std::panic::resume_unwind(panic)
                }
                (None, Some(panic)) => std::panic::resume_unwind(panic),
                (None, None) => {}
            }
        })
    }

    /// Adds `next` to the work in `extensions` (a response's): it runs after the work already
    /// there, as [`AfterResponse::then`] runs it, or alone if there is none. This is how every
    /// layer attaches work, so that none replaces another's.
    ///
    /// ```
    /// use ferrapi_server::{AfterResponse, Body, Response};
    ///
    /// let mut response = Response::new(Body::from("queued"));
    /// AfterResponse::append(response.extensions_mut(), AfterResponse::new(async {
    ///     // Runs first: it was attached first.
    /// }));
    /// AfterResponse::append(response.extensions_mut(), AfterResponse::new(async {
    ///     // Runs second.
    /// }));
    /// ```
    pub fn append(extensions: &mut http::Extensions, next: AfterResponse) {
        let work = match extensions.remove::<AfterResponse>() {
            Some(earlier) => earlier.then(next),
            None => next,
        };
        extensions.insert(work);
    }
}

impl fmt::Debug for AfterResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AfterResponse").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::AfterResponse;
    use crate::panic::{message, CatchUnwind, Payload};

    type Log = Arc<Mutex<Vec<&'static str>>>;

    fn step(log: &Log, name: &'static str) -> AfterResponse {
        let log = log.clone();
        AfterResponse::new(async move {
            tokio::task::yield_now().await;
            log.lock().unwrap().push(name);
        })
    }

    async fn run(work: AfterResponse) -> Result<(), Payload> {
        let task = work.take().expect("work not yet taken");
        CatchUnwind::new(task).await
    }

    #[tokio::test]
    async fn then_runs_the_earlier_work_first() {
        let log = Log::default();
        let work = step(&log, "a").then(step(&log, "b")).then(step(&log, "c"));
        assert!(run(work).await.is_ok());
        assert_eq!(*log.lock().unwrap(), ["a", "b", "c"]);
    }

    #[tokio::test]
    async fn append_keeps_the_work_already_attached() {
        let log = Log::default();
        let mut extensions = http::Extensions::new();
        AfterResponse::append(&mut extensions, step(&log, "first"));
        AfterResponse::append(&mut extensions, step(&log, "second"));
        let work = extensions.remove::<AfterResponse>().expect("attached");
        assert!(run(work).await.is_ok());
        assert_eq!(*log.lock().unwrap(), ["first", "second"]);
    }

    #[tokio::test]
    async fn work_already_taken_is_skipped() {
        let log = Log::default();
        let first = step(&log, "first");
        drop(first.take());
        assert!(run(first.then(step(&log, "second"))).await.is_ok());
        assert_eq!(*log.lock().unwrap(), ["second"]);
    }

    #[tokio::test]
    async fn a_panic_in_earlier_work_does_not_stop_the_next() {
        let log = Log::default();
        let boom = AfterResponse::new(async { panic!("earlier work failed") });
        let panic = run(boom.then(step(&log, "next")))
            .await
            .expect_err("resumed");
        assert_eq!(*log.lock().unwrap(), ["next"]);
        assert_eq!(message(&*panic), "earlier work failed");
    }

    #[tokio::test]
    async fn when_both_panic_the_first_panic_is_resumed() {
        let first = AfterResponse::new(async { panic!("first") });
        let second = AfterResponse::new(async { panic!("second") });
        let panic = run(first.then(second)).await.expect_err("resumed");
        assert_eq!(message(&*panic), "first");
    }
}
