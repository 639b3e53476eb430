//! [`RawBody`]: the request body as it came, FastAPI's `await request.body()` beside the typed
//! arguments.

use bytes::Bytes;

use super::ParamSpec;
use crate::dependencies::{Argument, Context, Failure, Ready};
use crate::validation::Validator;

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

impl<'r> Argument<'r> for RawBody {
    type Gathered = Ready<RawBody>;

    fn declare(spec: ParamSpec, _in_dependency: bool) -> Option<ParamSpec> {
        Some(spec.raw_body())
    }

    fn extract(
        cx: &'r Context<'r>,
        _spec: Option<&ParamSpec>,
        _v: &mut Validator,
    ) -> Result<Option<Ready<RawBody>>, Failure> {
        let bytes = cx.request().body_if_read().cloned().unwrap_or_default();
        Ok(Some(Ready(RawBody(bytes))))
    }
}
