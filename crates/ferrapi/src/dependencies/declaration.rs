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
    /// The scopes the dependants being declared asked for (`#[depends(dep, scopes = …)]`),
    /// outermost first: the security schemes declared meanwhile need them.
    scopes: Vec<String>,
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

    /// Adds a sub-dependency (once, however often it is used; used again with more scopes,
    /// only the security requirements it adds are kept).
    pub fn dependency<D: Dependency>(&mut self, dep: &D) {
        let key = dep.key();
        if self.seen.contains(&key) {
            if !self.scopes.is_empty() {
                let mut scratch = Declaration {
                    scopes: self.scopes.clone(),
                    ..Declaration::default()
                };
                dep.declare(&mut scratch);
                for s in scratch.security {
                    self.add_security(s);
                }
            }
            return;
        }
        self.seen.push(key);
        dep.declare(self);
    }

    /// Declares what `declare` declares with `scopes` asked for (FastAPI's
    /// `Security(dep, scopes=[…])`): the security schemes reached meanwhile require them, after
    /// the scopes of the dependants around.
    pub fn with_scopes(&mut self, scopes: &[&str], declare: impl FnOnce(&mut Declaration)) {
        let depth = self.scopes.len();
        self.scopes.extend(scopes.iter().map(|s| s.to_string()));
        declare(self);
        self.scopes.truncate(depth);
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

    /// Declares a security scheme the operation depends on (for the document), requiring
    /// `scopes` after those its dependants asked for ([`with_scopes`](Declaration::with_scopes)).
    pub fn security(&mut self, name: &str, scheme: serde_json::Value, scopes: Vec<String>) {
        let scopes: Vec<String> = self.scopes.iter().cloned().chain(scopes).collect();
        self.add_security(SecurityRequirement {
            name: name.to_string(),
            scheme,
            scopes,
        });
    }

    /// Adds a requirement; a scheme already required gets the scopes it lacked.
    fn add_security(&mut self, requirement: SecurityRequirement) {
        if let Some(existing) = self
            .security
            .iter_mut()
            .find(|s| s.name == requirement.name)
        {
            for scope in requirement.scopes {
                if !existing.scopes.contains(&scope) {
                    existing.scopes.push(scope);
                }
            }
            return;
        }
        self.security.push(requirement);
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
