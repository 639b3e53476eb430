//! Route matching cost against the number of routes: 10, 100 and 1,000.
//!
//! ```text
//! cargo run --release --target-dir target/bench -p ferrapi-benches --bin route_scaling
//! ```
//!
//! For each size it builds a toolkit `Router` and times `Router::handle` (matching, parameter
//! capture and the call of an endpoint that answers at once) for a request to the first, the
//! middle and the last route, and for a path no route matches (the 404 path also tries the
//! trailing-slash redirect). Two route sets:
//!
//! * `static prefix`: `/r{i}/items/{id}`-like APIs, where each route starts with its own
//!   literal segment (`/users/{id}`, `/orders/{id}`…): the index files each route under its
//!   prefix, so the cost should not depend on the number of routes;
//! * `parameter first`: `/{tenant}/r{i}`, where the first segment is a parameter: the index
//!   follows parameter segments too, so this stays flat as well;
//! * `mixed first segment`: `/v{n}-r{i}`, where the first segment mixes literal text and a
//!   parameter: the index cannot file these, every route is a candidate and the cost grows
//!   linearly. It is here to show the index's limit.
//!
//! Output: one Markdown table, nanoseconds per request (median of 7 runs of 20,000 calls),
//! pinned to one CPU with `taskset -c 0` when called from `benches/route_scaling.sh`.

use std::future::Future;
use std::hint::black_box;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

use ferrapi_toolkit::server::{Body, Request as HttpRequest};
use ferrapi_toolkit::{Request, Route, Router};

async fn endpoint(_req: Request) -> &'static str {
    "ok"
}

#[derive(Clone, Copy)]
enum Set {
    StaticPrefix,
    ParameterFirst,
    MixedFirst,
}

impl Set {
    fn label(self) -> &'static str {
        match self {
            Set::StaticPrefix => "static prefix `/r{i}/items/{id:int}`",
            Set::ParameterFirst => "parameter first `/{tenant}/r{i}`",
            Set::MixedFirst => "mixed first segment `/v{n}-r{i}`",
        }
    }
}

fn router(n: usize, set: Set) -> Router {
    let mut router = Router::new();
    for i in 0..n {
        let path = match set {
            Set::StaticPrefix => format!("/r{i}/items/{{id:int}}"),
            Set::ParameterFirst => format!("/{{tenant}}/r{i}"),
            Set::MixedFirst => format!("/v{{n}}-r{i}"),
        };
        router = router.route(Route::new(&path, endpoint));
    }
    router
}

fn path(i: usize, set: Set) -> String {
    match set {
        Set::StaticPrefix => format!("/r{i}/items/42"),
        Set::ParameterFirst => format!("/acme/r{i}"),
        Set::MixedFirst => format!("/v2-r{i}"),
    }
}

/// Polls a future that is expected to be ready at once (the endpoint never waits).
fn run_now<F: Future>(fut: F) -> F::Output {
    let mut fut = pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    match fut.as_mut().poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("the benchmark endpoint never waits"),
    }
}

fn time_path(router: &Router, path: &str) -> f64 {
    const CALLS: usize = 20_000;
    let uri: ferrapi_toolkit::server::http::Uri = path.parse().expect("valid path");
    let mut samples = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        for _ in 0..CALLS {
            let mut req = HttpRequest::new(Body::empty());
            *req.uri_mut() = uri.clone();
            let response = run_now(router.handle(Request::from_http(req)));
            black_box(&response);
        }
        samples.push(start.elapsed().as_nanos() as f64 / CALLS as f64);
    }
    samples.sort_by(|a, b| a.total_cmp(b));
    samples[samples.len() / 2]
}

fn main() {
    println!("| route set | routes | first route | middle route | last route | no match (404) |");
    println!("|---|---:|---:|---:|---:|---:|");
    for set in [Set::StaticPrefix, Set::ParameterFirst, Set::MixedFirst] {
        for n in [10, 100, 1000] {
            let router = router(n, set);
            let first = time_path(&router, &path(0, set));
            let middle = time_path(&router, &path(n / 2, set));
            let last = time_path(&router, &path(n - 1, set));
            let missing = time_path(&router, "/nothing/here");
            println!(
                "| {} | {n} | {first:.0} ns | {middle:.0} ns | {last:.0} ns | {missing:.0} ns |",
                set.label()
            );
        }
    }
}
