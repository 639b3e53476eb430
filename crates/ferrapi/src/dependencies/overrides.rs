//! Replacing dependencies for tests (FastAPI's `app.dependency_overrides`).

use std::fmt;
use std::sync::{Arc, RwLock};

use super::{erase, DepKey, Dependency, ErasedDependency, IntoDependency};

/// Replacements for dependencies, looked up at request time (FastAPI's
/// `app.dependency_overrides`). Shared by an app and all its operations.
#[derive(Default)]
pub struct DependencyOverrides {
    // Read on every request that has dependencies; written by tests.
    map: RwLock<Vec<(DepKey, Arc<dyn ErasedDependency>)>>,
    any: std::sync::atomic::AtomicBool,
}

impl fmt::Debug for DependencyOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let len = self.map.read().map(|m| m.len()).unwrap_or(0);
        f.debug_struct("DependencyOverrides")
            .field("len", &len)
            .finish()
    }
}

impl DependencyOverrides {
    /// Replaces `original` with `replacement` (same output type) wherever it is used.
    pub fn set<D, R>(&self, original: D, replacement: R)
    where
        D: IntoDependency,
        R: IntoDependency,
        R::Dep: Dependency<Output = <D::Dep as Dependency>::Output>,
    {
        let key = original.into_dependency().key();
        if let Ok(mut map) = self.map.write() {
            map.retain(|(k, _)| *k != key);
            map.push((key, erase(replacement)));
            self.any.store(true, std::sync::atomic::Ordering::Release);
        }
    }

    /// Removes every override.
    pub fn clear(&self) {
        if let Ok(mut map) = self.map.write() {
            map.clear();
            self.any.store(false, std::sync::atomic::Ordering::Release);
        }
    }

    pub(super) fn get(&self, key: &DepKey) -> Option<Arc<dyn ErasedDependency>> {
        if !self.any.load(std::sync::atomic::Ordering::Acquire) {
            return None;
        }
        let map = self.map.read().ok()?;
        map.iter().find(|(k, _)| k == key).map(|(_, d)| d.clone())
    }
}
