//! Helpers shared by the framework's dependency tests (`dependencies_*.rs`): an ordered event
//! log, a bounded wait, a blocking `GET` over a real socket, and the JSON body of an error.
// Each test binary uses its own part of these helpers.
#![allow(dead_code)]

use std::sync::Mutex;
use std::time::Duration;

use serde_json::Value;

/// An ordered log of events, shared by a test's dependencies, endpoint and tasks.
pub(crate) struct EventLog(Mutex<Vec<String>>);

impl EventLog {
    pub(crate) const fn new() -> EventLog {
        EventLog(Mutex::new(Vec::new()))
    }

    pub(crate) fn push(&self, event: impl Into<String>) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(event.into());
    }

    pub(crate) fn snapshot(&self) -> Vec<String> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    pub(crate) fn contains(&self, event: &str) -> bool {
        self.snapshot().iter().any(|e| e == event)
    }
}

/// Waits (at most 10 s, a guard against a hang, not a timing check) until `done` holds.
pub(crate) async fn wait_until(what: &str, done: impl Fn() -> bool) {
    let waited = tokio::time::timeout(Duration::from_secs(10), async {
        while !done() {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await;
    assert!(waited.is_ok(), "gave up waiting until {what}");
}

/// A blocking HTTP client that reports every status instead of failing on 4xx/5xx.
fn agent() -> ureq::Agent {
    ferrapi_test_support::agent(std::time::Duration::from_secs(60))
}

/// `GET url` over a real socket, from a blocking thread: (status, body).
pub(crate) async fn live_get(url: String) -> (u16, String) {
    tokio::task::spawn_blocking(move || {
        let mut response = agent().get(&url).call().expect("the request failed");
        let status = response.status().as_u16();
        let body = response
            .body_mut()
            .read_to_string()
            .expect("the body is text");
        (status, body)
    })
    .await
    .expect("the client thread panicked")
}

/// The body of a 422 as JSON.
pub(crate) fn detail(response: &ferrapi::toolkit::testclient::TestResponse) -> Value {
    response.json::<Value>().expect("a JSON body")
}
