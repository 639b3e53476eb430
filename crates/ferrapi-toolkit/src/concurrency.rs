//! The bounded thread pool for blocking work: Starlette's `run_in_threadpool` over anyio's
//! default limiter.
//!
//! Starlette runs sync endpoints, sync background tasks and file I/O on anyio's worker threads,
//! limited by one shared capacity limiter of **40 tokens**. Here the threads are tokio's
//! blocking pool and the limit is a semaphore: at most [`ThreadPool::capacity`] closures run at
//! once, the rest wait their turn without holding a runtime worker. The limit can be changed at
//! any time ([`ThreadPool::set_capacity`]) and its use read ([`ThreadPool::in_use`]), which
//! anyio only offers through its private statistics.
//!
//! ```
//! use ferrapi_toolkit::concurrency::{run_in_threadpool, ThreadPool};
//!
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! let sum = run_in_threadpool(|| (1..=10u64).sum::<u64>()).await;
//! assert_eq!(sum, 55);
//! assert_eq!(ThreadPool::global().in_use(), 0);
//! # }
//! ```

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::Semaphore;

/// FastAPI's (anyio's) default number of threads for blocking work.
pub const DEFAULT_THREADPOOL_CAPACITY: usize = 40;

/// A limit on how many blocking closures run at once, over tokio's blocking threads.
///
/// Cloning gives another handle to the same pool.
#[derive(Clone, Debug)]
pub struct ThreadPool {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    permits: Semaphore,
    capacity: AtomicUsize,
    in_use: AtomicUsize,
    /// Places to withhold when released, after the capacity was lowered.
    debt: AtomicUsize,
}

impl ThreadPool {
    /// A pool that runs at most `capacity` closures at once (at least one).
    pub fn new(capacity: usize) -> ThreadPool {
        let capacity = capacity.max(1);
        ThreadPool {
            inner: Arc::new(Inner {
                permits: Semaphore::new(capacity),
                capacity: AtomicUsize::new(capacity),
                in_use: AtomicUsize::new(0),
                debt: AtomicUsize::new(0),
            }),
        }
    }

    /// The process-wide pool used by [`run_in_threadpool`], sync endpoints and sync
    /// background tasks: [`DEFAULT_THREADPOOL_CAPACITY`] threads unless changed.
    pub fn global() -> &'static ThreadPool {
        static GLOBAL: OnceLock<ThreadPool> = OnceLock::new();
        GLOBAL.get_or_init(|| ThreadPool::new(DEFAULT_THREADPOOL_CAPACITY))
    }

    /// How many closures may run at once.
    pub fn capacity(&self) -> usize {
        self.inner.capacity.load(Ordering::Acquire)
    }

    /// How many closures are running now.
    pub fn in_use(&self) -> usize {
        self.inner.in_use.load(Ordering::Acquire)
    }

    /// Changes the capacity (at least one). Lowering it lets running closures finish; new ones
    /// wait until the use is below the new capacity.
    pub fn set_capacity(&self, capacity: usize) {
        let capacity = capacity.max(1);
        let old = self.inner.capacity.swap(capacity, Ordering::AcqRel);
        if capacity > old {
            let mut extra = capacity - old;
            // Cancel places still owed from an earlier lowering before adding new ones.
            let owed = self
                .inner
                .debt
                .fetch_update(Ordering::AcqRel, Ordering::Acquire, |d| {
                    Some(d - d.min(extra))
                })
                .unwrap_or(0);
            extra -= owed.min(extra);
            self.inner.permits.add_permits(extra);
        } else if capacity < old {
            let missing = old - capacity;
            let forgotten = self.inner.permits.forget_permits(missing);
            // Places held by running closures are taken back as they are released.
            self.inner
                .debt
                .fetch_add(missing - forgotten, Ordering::AcqRel);
        }
    }

    /// Runs `f` on a blocking thread once the pool has room, and returns its result. A panic
    /// in `f` resumes in the caller.
    ///
    /// Cancel safety: dropping the future before `f` starts frees its place in the queue;
    /// once `f` runs it always runs to the end (a thread cannot be interrupted), still
    /// holding its place.
    pub async fn run<F, R>(&self, f: F) -> R
    where
        F: FnOnce() -> R + Send + 'static,
        R: Send + 'static,
    {
        let permit = self.inner.clone().permits_owned().await;
        self.inner.in_use.fetch_add(1, Ordering::AcqRel);
        let in_use = InUse(self.inner.clone());
        let joined = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let _in_use = in_use;
            f()
        })
        .await;
        match joined {
            Ok(value) => value,
            Err(err) => match err.try_into_panic() {
                Ok(panic) => std::panic::resume_unwind(panic),
                // The runtime is shutting down: nothing sensible to return.
                Err(err) => panic!("blocking task did not complete: {err}"),
            },
        }
    }
}

impl Inner {
    async fn permits_owned(self: Arc<Self>) -> OwnedPermit {
        // The semaphore is never closed, so acquiring cannot fail.
        let permit = self
            .permits
            .acquire()
            .await
            .expect("the pool's semaphore is never closed");
        permit.forget();
        OwnedPermit(self)
    }
}

/// One place in the pool, given back on drop (also when the closure panics).
struct OwnedPermit(Arc<Inner>);

impl Drop for OwnedPermit {
    fn drop(&mut self) {
        let repaid = self
            .0
            .debt
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |d| d.checked_sub(1))
            .is_ok();
        if !repaid {
            self.0.permits.add_permits(1);
        }
    }
}

struct InUse(Arc<Inner>);

impl Drop for InUse {
    fn drop(&mut self) {
        self.0.in_use.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Runs blocking `f` on the [global](ThreadPool::global) pool: Starlette's
/// `run_in_threadpool`.
pub async fn run_in_threadpool<F, R>(f: F) -> R
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    ThreadPool::global().run(f).await
}

/// Pulls the items of a blocking iterator on the [global](ThreadPool::global) pool, one at a
/// time, as a stream (Starlette's `iterate_in_threadpool`).
pub fn iterate_in_threadpool<I>(
    iter: I,
) -> impl futures_core::Stream<Item = Result<I::Item, std::convert::Infallible>> + Send + 'static
where
    I: Iterator + Send + 'static,
    I::Item: Send + 'static,
{
    IterStream {
        state: IterState::Idle(Some(iter)),
    }
}

type NextItem<I> = (I, Option<<I as Iterator>::Item>);

enum IterState<I: Iterator> {
    Idle(Option<I>),
    Pulling(std::pin::Pin<Box<dyn std::future::Future<Output = NextItem<I>> + Send>>),
    Done,
}

struct IterStream<I: Iterator> {
    state: IterState<I>,
}

// The iterator is only moved, never pinned in place.
impl<I: Iterator> Unpin for IterStream<I> {}

impl<I> futures_core::Stream for IterStream<I>
where
    I: Iterator + Send + 'static,
    I::Item: Send + 'static,
{
    type Item = Result<I::Item, std::convert::Infallible>;

    fn poll_next(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        use std::task::Poll;
        let this = self.get_mut();
        loop {
            match &mut this.state {
                IterState::Idle(iter) => {
                    let Some(mut iter) = iter.take() else {
                        this.state = IterState::Done;
                        continue;
                    };
                    this.state = IterState::Pulling(Box::pin(run_in_threadpool(move || {
                        let item = iter.next();
                        (iter, item)
                    })));
                }
                IterState::Pulling(fut) => match fut.as_mut().poll(cx) {
                    Poll::Pending => return Poll::Pending,
                    Poll::Ready((iter, Some(item))) => {
                        this.state = IterState::Idle(Some(iter));
                        return Poll::Ready(Some(Ok(item)));
                    }
                    Poll::Ready((_, None)) => this.state = IterState::Done,
                },
                IterState::Done => return Poll::Ready(None),
            }
        }
    }
}
