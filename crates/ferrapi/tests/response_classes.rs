//! The toolkit's server-sent-event response is a path operation return type, sent as the
//! toolkit sends it, over a real socket. (A `FileResponse` needs the request to answer ranges
//! and conditional requests; returning one from an operation is not supported yet.)

use std::time::Duration;

use ferrapi::toolkit::testclient::LiveServer;
use ferrapi::toolkit::{EventSourceResponse, ServerSentEvent};
use ferrapi::{get, App};

struct Events(Vec<ServerSentEvent>);

impl futures_core::Stream for Events {
    type Item = ServerSentEvent;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<ServerSentEvent>> {
        std::task::Poll::Ready(if self.0.is_empty() {
            None
        } else {
            Some(self.0.remove(0))
        })
    }
}

#[get("/events")]
async fn events() -> EventSourceResponse {
    EventSourceResponse::new(Events(vec![
        ServerSentEvent::new().data("a"),
        ServerSentEvent::new().data("b"),
    ]))
}

#[test]
fn event_streams_are_return_types() {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let app = App::new().route(events);
    let doc = app.openapi();
    let live = runtime.block_on(LiveServer::start(app)).unwrap();
    let agent = ferrapi_test_support::agent(Duration::from_secs(10));

    let mut response = agent.get(live.url("/events")).call().unwrap();
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "text/event-stream; charset=utf-8"
    );
    let text = response.body_mut().read_to_string().unwrap();
    assert_eq!(text, "data: \"a\"\n\ndata: \"b\"\n\n");

    // Documented as FastAPI documents a response returned without `response_class`.
    assert_eq!(
        doc["paths"]["/events"]["get"]["responses"]["200"]["content"],
        serde_json::json!({"application/json": {"schema": {}}})
    );
    drop(live);
}
