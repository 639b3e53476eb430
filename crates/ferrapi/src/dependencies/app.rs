//! What an app's operations share about dependencies: overrides, app-wide guards and the
//! app-scoped dependencies, built once and torn down at shutdown.

use std::borrow::Cow;
use std::fmt;
use std::sync::{Arc, Mutex, RwLock};

use ferrapi_toolkit::{Error, Request};
use tokio::sync::OnceCell;

use super::lifetime::TeardownFn;
use super::{AnyValue, Context, DepKey, DependencyOverrides, ErasedDependency, Outcome, Shared};
use crate::params::Inputs;

pub(super) type Cell = Arc<OnceCell<Option<AnyValue>>>;

/// A cached dependency: its key, the scopes it was resolved with, its value.
pub(super) type CacheEntry = (DepKey, Vec<Cow<'static, str>>, Cell);

#[doc(hidden)]
/// What an app's operations share about dependencies: the overrides, the app-wide guards
/// (`FastAPI(dependencies=[…])`), and the app-scoped dependencies, built at startup (or on
/// first use) and torn down at shutdown in reverse order.
#[derive(Default)]
pub struct AppDependencies {
    cells: Mutex<Vec<(DepKey, Cell)>>,
    pub(super) teardowns: Mutex<Vec<TeardownFn>>,
    pub(super) overrides: DependencyOverrides,
    guards: RwLock<Vec<Arc<dyn ErasedDependency>>>,
    any_guard: std::sync::atomic::AtomicBool,
    /// `App::strict_content_type(false)`: a body without a content type is read as JSON by
    /// the operations that have no setting of their own.
    lax_content_type: std::sync::atomic::AtomicBool,
}

impl fmt::Debug for AppDependencies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppDependencies").finish_non_exhaustive()
    }
}

impl AppDependencies {
    /// Nothing yet.
    pub fn new() -> AppDependencies {
        AppDependencies::default()
    }

    /// The overrides.
    pub fn overrides(&self) -> &DependencyOverrides {
        &self.overrides
    }

    /// Adds a guard run before every operation of the app.
    pub fn add_guard(&self, guard: Arc<dyn ErasedDependency>) {
        if let Ok(mut guards) = self.guards.write() {
            guards.push(guard);
            self.any_guard
                .store(true, std::sync::atomic::Ordering::Release);
        }
    }

    /// Whether the app reads a body without a content type as JSON (FastAPI's
    /// `FastAPI(strict_content_type=False)`).
    pub fn set_strict_content_type(&self, strict: bool) {
        self.lax_content_type
            .store(!strict, std::sync::atomic::Ordering::Release);
    }

    /// The app's `strict_content_type` (`true` unless set otherwise).
    pub fn strict_content_type(&self) -> bool {
        !self
            .lax_content_type
            .load(std::sync::atomic::Ordering::Acquire)
    }

    /// The app-wide guards.
    pub fn guards(&self) -> Vec<Arc<dyn ErasedDependency>> {
        if !self.any_guard.load(std::sync::atomic::Ordering::Acquire) {
            return Vec::new();
        }
        self.guards.read().map(|g| g.clone()).unwrap_or_default()
    }

    pub(super) fn cell(&self, key: &DepKey) -> Cell {
        let mut cells = self.cells.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, cell)) = cells.iter().find(|(k, _)| k == key) {
            return cell.clone();
        }
        let cell: Cell = Arc::default();
        cells.push((key.clone(), cell.clone()));
        cell
    }

    /// Builds `dep` now (at startup); its error is the startup's.
    pub async fn build(&self, dep: &dyn ErasedDependency) -> Result<(), Error> {
        let request =
            Request::from_http(http::Request::new(ferrapi_toolkit::server::Body::empty()));
        let inputs = Inputs::from_request(&request);
        let shared = Shared::new(self);
        let cx = Context::new(&inputs, &shared);
        let cell = self.cell(&dep.key());
        let value = cell
            .get_or_init(|| async { dep.call_any(&cx).await.ok() })
            .await
            .clone();
        self.adopt(&shared);
        match value {
            Some(_) => Ok(()),
            None => Err(shared.take_error()),
        }
    }

    pub(super) fn adopt(&self, shared: &Shared) {
        let mut mine = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
        let mut theirs = shared.teardowns.lock().unwrap_or_else(|e| e.into_inner());
        mine.extend(theirs.drain(..).map(|(_, t)| t));
    }

    /// Runs the teardowns, last built first (at shutdown).
    pub async fn shutdown(&self) {
        let teardowns: Vec<TeardownFn> = {
            let mut t = self.teardowns.lock().unwrap_or_else(|e| e.into_inner());
            std::mem::take(&mut *t)
        };
        for teardown in teardowns.into_iter().rev() {
            teardown(Outcome::ok()).await;
        }
        self.cells.lock().unwrap_or_else(|e| e.into_inner()).clear();
    }
}
