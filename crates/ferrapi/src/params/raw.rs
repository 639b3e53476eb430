//! [`RawBody`]: the request body as it came, FastAPI's `await request.body()` beside the typed
//! arguments.

use bytes::Bytes;

use super::ParamSpec;

/// The request body as it came, read (within the app's limits) but never parsed: FastAPI's
/// `raw_body = await request.body()`, for a format ferrapi does not parse (YAML, a signature
/// check over the exact bytes). It is not documented: describe the body with `openapi_extra`,
/// as FastAPI's "Path Operation Advanced Configuration" does. Beside typed body arguments it
/// holds the same bytes they were read from.
///
/// ```
/// use ferrapi::params::RawBody;
/// use ferrapi::post;
///
/// #[post("/webhook")]
/// async fn webhook(body: RawBody) -> usize {
///     body.len()
/// }
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RawBody(pub Bytes);

impl RawBody {
    /// The spec of a `RawBody` argument: the body, read and never parsed, not documented.
    pub fn declare(spec: ParamSpec) -> ParamSpec {
        spec.raw_body()
    }

    /// The bytes.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }
}

impl std::ops::Deref for RawBody {
    type Target = Bytes;

    fn deref(&self) -> &Bytes {
        &self.0
    }
}
