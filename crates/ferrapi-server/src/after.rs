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

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};

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
}

impl fmt::Debug for AfterResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AfterResponse").finish_non_exhaustive()
    }
}
