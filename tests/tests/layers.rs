//! Each layer can be served by the server: the toolkit and framework crates re-export the
//! server they wrap, so a request made over a real socket reaches an app built against any of
//! them.

use ferrapi::toolkit::server::{Body, Request, Response, Server};

#[test]
fn an_app_written_against_the_framework_crate_serves_over_a_socket() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = rt.block_on(async {
        let server = Server::bind("127.0.0.1:0").await.unwrap();
        let addr = server.local_addr().unwrap();
        tokio::spawn(server.serve(|req: Request<Body>| async move {
            Response::new(Body::from(format!("layered {}", req.uri().path())))
        }));
        addr
    });
    let body = ureq::get(&format!("http://{addr}/x"))
        .call()
        .unwrap()
        .into_body()
        .read_to_string()
        .unwrap();
    assert_eq!(body, "layered /x");
}
