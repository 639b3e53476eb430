//! Graceful shutdown: one shared drain state for every worker and connection.
//!
//! When a drain starts (a signal, `--limit-max-requests`, or the future given to
//! [`Server::serve_with_shutdown`](crate::Server::serve_with_shutdown)) listeners close,
//! idle keep-alive connections close at once, requests in flight finish with
//! `connection: close`, and apps holding a [`ShutdownSignal`] (every request's
//! [`Scope`](crate::Scope) has one) learn that the server is going away, so long-lived
//! streams can end. What is still open when the drain timeout expires is closed.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll, Waker};

use tokio::sync::futures::OwnedNotified;
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub(crate) struct Drain {
    draining: AtomicBool,
    notify: Arc<Notify>,
}

/// One connection's standing registration for the drain notification.
///
/// Registering a fresh `Notified` for every idle wait would take the notifier's lock twice per
/// request; this registers once per connection and is then only polled.
pub(crate) struct DrainWatch {
    drain: Arc<Drain>,
    notified: Pin<Box<OwnedNotified>>,
    /// The waker the registration holds; polling again with the same waker only needs the
    /// flag check, not the notifier's lock.
    registered: Option<Waker>,
}

impl DrainWatch {
    /// Ready once draining has started.
    pub(crate) fn poll(&mut self, cx: &mut Context<'_>) -> Poll<()> {
        if self.drain.is_draining() {
            return Poll::Ready(());
        }
        if self
            .registered
            .as_ref()
            .is_some_and(|w| w.will_wake(cx.waker()))
        {
            return Poll::Pending;
        }
        let ready = self.notified.as_mut().poll(cx);
        self.registered = Some(cx.waker().clone());
        ready
    }
}

impl Drain {
    pub(crate) fn new() -> Arc<Drain> {
        Arc::new(Drain::default())
    }

    /// Starts draining; idempotent.
    pub(crate) fn start(&self) {
        if !self.draining.swap(true, Ordering::SeqCst) {
            self.notify.notify_waiters();
        }
    }

    /// A registration for one connection.
    pub(crate) fn watch(self: &Arc<Self>) -> DrainWatch {
        let mut notified = Box::pin(self.notify.clone().notified_owned());
        notified.as_mut().enable();
        DrainWatch {
            drain: self.clone(),
            notified,
            registered: None,
        }
    }

    pub(crate) fn is_draining(&self) -> bool {
        self.draining.load(Ordering::Relaxed)
    }

    /// Resolves once draining has started.
    pub(crate) async fn wait(&self) {
        let notified = self.notify.notified();
        let mut notified = std::pin::pin!(notified);
        // Registering before the check closes the window where a drain starting in between
        // would be missed.
        notified.as_mut().enable();
        if self.is_draining() {
            return;
        }
        notified.await;
    }
}

/// Tells an app that the server is shutting down; found in every request's
/// [`Scope`](crate::Scope).
///
/// A streaming response (server-sent events, long polling) should end when this fires, so the
/// drain completes before its timeout instead of being cut off:
///
/// ```
/// use ferrapi_server::{Body, Request, Response, Scope};
///
/// async fn events(req: Request<Body>) -> Response<Body> {
///     let shutdown = req.extensions().get::<Scope>().map(|s| s.shutdown_signal());
///     if let Some(signal) = shutdown {
///         if signal.is_draining() {
///             return Response::new(Body::from("going away"));
///         }
///     }
///     Response::new(Body::from("event: hello\n\n"))
/// }
/// ```
#[derive(Clone, Debug)]
pub struct ShutdownSignal {
    drain: Arc<Drain>,
}

impl ShutdownSignal {
    pub(crate) fn new(drain: Arc<Drain>) -> ShutdownSignal {
        ShutdownSignal { drain }
    }

    /// A signal that never fires, for scopes built outside a server (tests, tools).
    pub fn never() -> ShutdownSignal {
        ShutdownSignal {
            drain: Drain::new(),
        }
    }

    /// Whether the server has started shutting down.
    pub fn is_draining(&self) -> bool {
        self.drain.is_draining()
    }

    /// Resolves once the server starts shutting down. Cancel safe.
    pub async fn wait(&self) {
        self.drain.wait().await
    }
}
