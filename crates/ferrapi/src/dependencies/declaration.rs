//! What a dependant declares: its parameters, its sub-dependencies (each once), the
//! app-scoped dependencies it reaches and its security requirements (for the document).

use std::fmt;
use std::sync::Arc;

use serde_json::Value;

use super::{DepKey, Dependency};
use super::{Erased, ErasedDependency};
use crate::params::ParamSpec;

/// What a dependency needs from the request: its parameters, those of its sub-dependencies
/// (each counted once), and the app-scoped dependencies it reaches.
#[derive(Default)]
pub struct Declaration {
    specs: Vec<ParamSpec>,
    seen: Vec<DepKey>,
    app_scoped: Vec<Arc<dyn ErasedDependency>>,
    security: Vec<SecurityRequirement>,
}

impl fmt::Debug for Declaration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Declaration")
            .field("specs", &self.specs)
            .field("app_scoped", &self.app_scoped.len())
            .finish()
    }
}

impl Declaration {
    /// An empty declaration.
    pub fn new() -> Declaration {
        Declaration::default()
    }

    /// Adds parameters.
    pub fn params<'s>(&mut self, specs: impl IntoIterator<Item = &'s ParamSpec>) {
        self.specs.extend(specs.into_iter().cloned());
    }

    /// Adds a sub-dependency (once, however often it is used).
    pub fn dependency<D: Dependency>(&mut self, dep: &D) {
        let key = dep.key();
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        dep.declare(self);
    }

    /// Adds an app-scoped dependency (built at startup).
    pub fn app_scoped<D: Dependency + Clone>(&mut self, dep: &D) {
        let key = dep.key();
        if self.app_scoped.iter().any(|d| d.key() == key) {
            return;
        }
        self.app_scoped.push(Arc::new(Erased(dep.clone())));
    }

    /// Adds a type-erased dependency.
    pub fn erased(&mut self, dep: &dyn ErasedDependency) {
        let key = dep.key();
        if self.seen.contains(&key) {
            return;
        }
        self.seen.push(key);
        dep.declare(self);
    }

    /// Declares a security scheme the operation depends on (for the document).
    pub fn security(&mut self, name: &str, scheme: serde_json::Value, scopes: Vec<String>) {
        if let Some(existing) = self.security.iter_mut().find(|s| s.name == name) {
            for scope in scopes {
                if !existing.scopes.contains(&scope) {
                    existing.scopes.push(scope);
                }
            }
            return;
        }
        self.security.push(SecurityRequirement {
            name: name.to_string(),
            scheme,
            scopes,
        });
    }

    /// The security schemes declared.
    pub fn security_requirements(&self) -> &[SecurityRequirement] {
        &self.security
    }

    /// The parameters, in declaration order.
    pub fn specs(&self) -> &[ParamSpec] {
        &self.specs
    }

    /// The app-scoped dependencies reached.
    pub fn app_dependencies(&self) -> &[Arc<dyn ErasedDependency>] {
        &self.app_scoped
    }
}

/// A security scheme an operation depends on, as the document lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct SecurityRequirement {
    /// The scheme's name (`components.securitySchemes` key).
    pub name: String,
    /// The scheme object.
    pub scheme: Value,
    /// The scopes the operation needs.
    pub scopes: Vec<String>,
}
