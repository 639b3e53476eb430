//! A real HTTP client, `ureq`, configured the way every suite wants it: tests that check what a
//! well-behaved client sees, next to the raw clients that check the bytes.

use std::time::Duration;

/// A blocking `ureq` agent that returns every status as an answer (a 4xx or 5xx is not an
/// error), follows no redirect (a test asserts on the 3xx itself), and gives up on a request
/// after `timeout`, so a hung server fails one test instead of hanging the suite.
pub fn agent(timeout: Duration) -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(timeout))
        .build()
        .into()
}
