//! Values the framework provides as arguments: the application state and the security
//! scopes.

use std::sync::Arc;

use ferrapi_toolkit::{Error, Request};

use super::{Context, Failure};

/// The scopes of the `Security` dependencies above a dependency (FastAPI's `SecurityScopes`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SecurityScopes {
    /// The scopes, in the order they were first asked for.
    pub scopes: Vec<String>,
}

impl SecurityScopes {
    /// The scopes of `cx`.
    pub fn from_context(cx: &Context<'_>) -> SecurityScopes {
        SecurityScopes {
            scopes: cx.scopes().iter().map(|s| s.to_string()).collect(),
        }
    }

    /// The scopes separated by spaces (for a `WWW-Authenticate` header).
    pub fn scope_str(&self) -> String {
        self.scopes.join(" ")
    }
}

/// A value of the application state (set with [`App::state`](crate::App::state) or by a
/// startup hook): FastAPI's lifespan state, typed. An operation or dependency takes it as an
/// argument `models: State<Models>`.
///
/// It reads as the `T` (`Deref`): `state.field`, `state.method()`, and `state.0` for a tuple
/// struct `T` (the `State`'s own field is private, so `.0` reaches the value's).
/// [`State::arc`] gives the shared pointer.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use ferrapi::{get, State};
///
/// struct Counter(AtomicU64);
///
/// #[get("/count")]
/// async fn count(counter: State<Counter>) -> u64 {
///     counter.0.fetch_add(1, Ordering::Relaxed) + 1
/// }
/// ```
#[derive(Debug)]
pub struct State<T>(Arc<T>);

impl<T> Clone for State<T> {
    fn clone(&self) -> Self {
        State(self.0.clone())
    }
}

impl<T> std::ops::Deref for State<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> State<T> {
    /// The state value `value` (what the framework gives an argument; for tests).
    pub fn new(value: Arc<T>) -> State<T> {
        State(value)
    }

    /// The shared pointer to the value.
    pub fn arc(&self) -> &Arc<T> {
        &self.0
    }

    /// The shared pointer, taken out.
    pub fn into_arc(self) -> Arc<T> {
        self.0
    }
}

impl<T: Send + Sync + 'static> State<T> {
    /// The value of type `T` in the state of the request's app; an error naming the type when
    /// there is none (a 500: the app was built without it).
    pub fn from_request(req: &Request) -> Result<State<T>, Error> {
        req.state_get::<T>().map(State).ok_or_else(|| {
            Error::msg(format!(
                "the application state has no `{}`: add it with `App::state` or in a startup hook",
                std::any::type_name::<T>()
            ))
        })
    }

    /// As [`State::from_request`], from a dependency's context.
    pub fn from_context(cx: &Context<'_>) -> Result<State<T>, Failure> {
        State::from_request(cx.request()).map_err(|e| cx.raise(e))
    }
}
