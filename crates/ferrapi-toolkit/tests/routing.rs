//! `routing`: routes, methods, convertors, redirects, mounts, hosts, reverse routing and
//! hostile paths, in process and over real sockets.

mod common;

use common::{get, parse_raw, raw, request, within};
use ferrapi_toolkit::server::{Body, Scope, Server};
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::websockets::WebSocket;
use ferrapi_toolkit::{
    Application, Host, Method, Mount, Request, Response, Route, Router, WebSocketRoute,
};

async fn hello(_req: Request) -> &'static str {
    "hello"
}

fn param_string(req: &Request) -> String {
    let mut out: Vec<String> = req
        .path_params()
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect();
    out.sort();
    out.join("&")
}

async fn params(req: Request) -> String {
    param_string(&req)
}

async fn where_am_i(req: Request) -> String {
    format!(
        "path={} route_path={} root_path={} url={} params={}",
        req.path(),
        req.route_path(),
        req.root_path(),
        req.url(),
        param_string(&req),
    )
}

fn methods_app() -> Application {
    async fn created(_req: Request) -> &'static str {
        "created"
    }
    async fn anything(req: Request) -> String {
        req.method().to_string()
    }
    Application::new()
        .route(Route::new("/get", hello))
        .route(Route::post("/post", created))
        .route(Route::new("/multi", hello).methods([Method::PUT, Method::DELETE]))
        .route(Route::new("/any", anything).any_method())
}

#[tokio::test]
async fn methods_in_process() {
    within(async {
        let client = TestClient::new(methods_app());
        let r = client.get("/get").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "hello"));
        let r = client.head("/get").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.text(), "");

        let r = client.post("/get").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
        assert_eq!(r.text(), "Method Not Allowed");

        let r = client.get("/post").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("POST"));
        let r = client.post("/post").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "created"));

        // No GET, so no HEAD either.
        let r = client.head("/multi").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("PUT, DELETE"));
        assert_eq!(client.delete("/multi").send().await.status(), 200);

        for method in ["GET", "POST", "DELETE", "PATCH", "OPTIONS", "PROPFIND"] {
            let m = Method::from_bytes(method.as_bytes()).unwrap();
            let r = client.request(m, "/any").send().await;
            assert_eq!(r.status(), 200, "{method}");
            assert_eq!(r.text(), method);
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn methods_over_a_socket() {
    within(async {
        let server = LiveServer::start(methods_app()).await.unwrap();
        let r = get(&server.url("/get")).await;
        assert_eq!((r.status, r.text().as_str()), (200, "hello"));
        let r = request("HEAD", &server.url("/get"), &[], None).await;
        assert_eq!(r.status, 200);
        assert!(r.body.is_empty());
        assert_eq!(r.header("content-length"), Some("5"));

        let r = request("POST", &server.url("/get"), &[], Some(b"x".to_vec())).await;
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
        assert_eq!(r.text(), "Method Not Allowed");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));

        let r = get(&server.url("/post")).await;
        assert_eq!(r.status, 405);
        assert_eq!(r.header("allow"), Some("POST"));
        let r = request("POST", &server.url("/post"), &[], Some(Vec::new())).await;
        assert_eq!((r.status, r.text().as_str()), (200, "created"));
        let r = request("PATCH", &server.url("/any"), &[], Some(Vec::new())).await;
        assert_eq!(r.text(), "PATCH");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn the_first_match_wins_in_declaration_order() {
    within(async {
        async fn me(_req: Request) -> &'static str {
            "me"
        }
        async fn by_id(req: Request) -> String {
            format!("id {}", req.path_param("id").unwrap())
        }
        async fn catch_all(req: Request) -> String {
            format!("catch-all {}", req.path_param("x").unwrap())
        }
        let client = TestClient::new(
            Application::new()
                .route(Route::new("/users/me", me))
                .route(Route::new("/users/{id}", by_id))
                .route(Route::new("/teams/{id}", by_id))
                .route(Route::new("/teams/me", me))
                .route(Route::new("/users", hello))
                .route(Route::new("/{x}", catch_all)),
        );
        assert_eq!(client.get("/users/me").send().await.text(), "me");
        assert_eq!(client.get("/users/7").send().await.text(), "id 7");
        // Declared after the template, so never reached.
        assert_eq!(client.get("/teams/me").send().await.text(), "id me");
        // `/users` is filed deeper in the index than `/{x}` but was declared first.
        assert_eq!(client.get("/users").send().await.text(), "hello");
        assert_eq!(client.get("/teams").send().await.text(), "catch-all teams");

        // The other way round: a root template declared first shadows a static route.
        let client = TestClient::new(
            Application::new()
                .route(Route::new("/{x}", catch_all))
                .route(Route::new("/users", hello)),
        );
        assert_eq!(client.get("/users").send().await.text(), "catch-all users");
    })
    .await;
}

#[tokio::test]
async fn a_partial_match_gives_way_to_a_later_full_match() {
    within(async {
        async fn post(_req: Request) -> &'static str {
            "post"
        }
        let client = TestClient::new(
            Application::new()
                .route(Route::new("/thing", hello))
                .route(Route::post("/thing", post))
                .route(Route::put("/{x}", post)),
        );
        assert_eq!(client.get("/thing").send().await.text(), "hello");
        assert_eq!(client.post("/thing").send().await.text(), "post");
        // Two partial matches: the first one's methods are in `Allow`.
        let r = client.delete("/thing").send().await;
        assert_eq!(r.status(), 405);
        assert_eq!(r.header("allow"), Some("GET, HEAD"));
    })
    .await;
}

fn convertor_app() -> Application {
    Application::new()
        .route(Route::new("/int/{v:int}", params))
        .route(Route::new("/float/{v:float}", params))
        .route(Route::new("/uuid/{v:uuid}", params))
        .route(Route::new("/path/{v:path}", params))
        .route(Route::new("/str/{v}", params))
        .route(Route::new("/two/{a:int}/{b:str}", params))
        .route(Route::new("/file/{name}.{ext}", params))
}

#[tokio::test]
async fn convertors_in_process() {
    within(async {
        let client = TestClient::new(convertor_app());
        let ok = [
            ("/int/42", "v=42"),
            ("/int/007", "v=007"),
            ("/float/3.25", "v=3.25"),
            ("/float/3", "v=3"),
            (
                "/uuid/123e4567-e89b-12d3-a456-426614174000",
                "v=123e4567-e89b-12d3-a456-426614174000",
            ),
            (
                "/uuid/123E4567-E89B-12D3-A456-426614174000",
                "v=123E4567-E89B-12D3-A456-426614174000",
            ),
            ("/path/a/b/c.txt", "v=a/b/c.txt"),
            ("/path/", "v="),
            ("/str/abc", "v=abc"),
            ("/two/1/x", "a=1&b=x"),
            ("/file/archive.tar.gz", "ext=gz&name=archive.tar"),
        ];
        for (path, expected) in ok {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 200, "{path}");
            assert_eq!(r.text(), expected, "{path}");
        }
        let not_found = [
            "/int/-1",
            "/int/1.5",
            "/int/x",
            "/int/",
            "/float/-1.0",
            "/float/3.",
            "/float/.5",
            "/float/1e5",
            "/uuid/123e4567-e89b-12d3-a456-42661417400",
            "/uuid/123e4567e89b12d3a456426614174000",
            "/uuid/123e4567-e89b-12d3-a456-4266141740000",
            "/uuid/g23e4567-e89b-12d3-a456-426614174000",
            "/str/a/b",
            "/two/x/1",
            "/file/noext",
        ];
        for path in not_found {
            let r = client.get(path).send().await;
            assert_eq!(r.status(), 404, "{path}");
            assert_eq!(r.text(), "Not Found", "{path}");
            assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        }
        // `/int/5/` would match with the slash removed: that is a redirect, not a 404.
        let r = TestClient::new(convertor_app())
            .follow_redirects(false)
            .get("/int/5/")
            .send()
            .await;
        assert_eq!(r.status(), 307);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn convertors_over_a_socket() {
    within(async {
        let server = LiveServer::start(convertor_app()).await.unwrap();
        let r = get(&server.url("/int/42")).await;
        assert_eq!((r.status, r.text().as_str()), (200, "v=42"));
        let r = get(&server.url("/int/-1")).await;
        assert_eq!((r.status, r.text().as_str()), (404, "Not Found"));
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("content-length"), Some("9"));
        let r = get(&server.url("/path/x/y/z")).await;
        assert_eq!(r.text(), "v=x/y/z");
        let r = get(&server.url("/uuid/123e4567-e89b-12d3-a456-426614174000")).await;
        assert_eq!(r.status, 200);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn invalid_templates_are_errors() {
    assert!(Route::try_new("no-slash", hello).is_err());
    assert!(Route::try_new("/x/{id:nope}", hello).is_err());
    let err = Route::try_new("/x/{id}/{id}", hello).unwrap_err();
    assert!(
        err.to_string().contains("Duplicated param name id"),
        "{err}"
    );
    assert!(Route::try_new("/x/{id", hello).is_err());
    assert!(Route::try_new("/x/{1d}", hello).is_err());
    let route = Route::try_new("/x/{id:int}", hello).unwrap();
    assert_eq!(route.path(), "/x/{id:int}");
    assert_eq!(route.route_name(), Some("hello"));
    assert_eq!(
        route.allowed_methods(),
        Some(&[Method::GET, Method::HEAD][..])
    );
}

#[test]
#[should_panic(expected = "Unknown path convertor")]
fn route_new_panics_on_an_unknown_convertor() {
    let _ = Route::new("/x/{id:nope}", hello);
}

fn slash_app() -> Application {
    Application::new()
        .route(Route::new("/users/", hello))
        .route(Route::new("/items", hello))
        .route(Route::post("/forms/", hello))
        .route(Route::new("/", hello))
}

#[tokio::test]
async fn trailing_slash_redirects_in_process() {
    within(async {
        let client = TestClient::new(slash_app()).follow_redirects(false);
        let r = client.get("/users?x=1&y=a%20b").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(
            r.header("location"),
            Some("http://testserver/users/?x=1&y=a%20b")
        );
        let r = client.get("/items/").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/items"));
        // The method does not matter (a partial match counts too).
        let r = client.get("/forms").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/forms/"));
        // Nothing to toggle to: 404.
        assert_eq!(client.get("/nothing/").send().await.status(), 404);
        // `//` toggles to `/`, which matches.
        let r = client.get("//").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/"));

        // A client that follows ends on the route.
        let client = TestClient::new(slash_app());
        let r = client.get("/users").send().await;
        assert_eq!((r.status().as_u16(), r.text().as_str()), (200, "hello"));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn trailing_slash_redirects_over_a_socket() {
    within(async {
        let server = LiveServer::start(slash_app()).await.unwrap();
        let r = get(&server.url("/users?q=1")).await;
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location").map(str::to_string),
            Some(format!("http://{}/users/?q=1", server.addr()))
        );
        let r = get(&server.url("/items/")).await;
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location").map(str::to_string),
            Some(format!("http://{}/items", server.addr()))
        );
        // The host comes from the `Host` header.
        let bytes = raw(
            server.addr(),
            b"GET /users HTTP/1.1\r\nhost: example.org:8080\r\nconnection: close\r\n\r\n",
        )
        .await;
        let r = parse_raw(&bytes);
        assert_eq!(r.status, 307);
        assert_eq!(r.header("location"), Some("http://example.org:8080/users/"));
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn redirect_slashes_can_be_turned_off() {
    within(async {
        let router = Router::new()
            .redirect_slashes(false)
            .route(Route::new("/users/", hello))
            .route(Route::new("/items", hello));
        let client = TestClient::new(Application::new().router(router)).follow_redirects(false);
        assert_eq!(client.get("/users").send().await.status(), 404);
        assert_eq!(client.get("/items/").send().await.status(), 404);
        assert_eq!(client.get("/users/").send().await.status(), 200);
    })
    .await;
}

fn mount_app() -> Application {
    let posts = Router::new()
        .route(Route::new("/posts/{pid:int}", where_am_i).name("post"))
        .route(Route::new("/", where_am_i).name("index"));
    let raw_app = |req: http::Request<Body>| async move {
        let root = req
            .extensions()
            .get::<Scope>()
            .map(|s| s.root_path().to_string())
            .unwrap_or_default();
        let text = format!(
            "raw path={} query={} root={}",
            req.uri().path(),
            req.uri().query().unwrap_or("-"),
            root
        );
        Response::new(Body::from(text))
    };
    async fn inner_endpoint(req: Request) -> String {
        format!(
            "inner ver={} root_path={} path={} url={}",
            req.path_param("ver").unwrap_or("-"),
            req.root_path(),
            req.path(),
            req.url()
        )
    }
    let inner = Application::new().route(Route::new("/info", inner_endpoint));
    Application::new()
        .route(Mount::new("/users/{uid}", posts).name("users"))
        .route(Mount::app("/raw", raw_app))
        .route(Mount::app("/my dir", raw_app))
        .route(Mount::app("/v/{ver:int}", inner))
        .route(Mount::new(
            "/api/",
            Router::new().route(Route::new("/ping", hello)),
        ))
}

#[tokio::test]
async fn mounts_in_process() {
    within(async {
        let client = TestClient::new(mount_app()).follow_redirects(false);
        let r = client.get("/users/7/posts/3?x=1").send().await;
        assert_eq!(r.status(), 200);
        assert_eq!(
            r.text(),
            "path=/users/7/posts/3 route_path=/posts/3 root_path=/users/7 \
             url=http://testserver/users/7/posts/3?x=1 params=pid=3&uid=7"
        );
        let r = client.get("/users/9/").send().await;
        assert_eq!(
            r.text(),
            "path=/users/9/ route_path=/ root_path=/users/9 url=http://testserver/users/9/ params=uid=9"
        );
        // The mount's and the route's parameters together.
        let client2 = TestClient::new(
            Application::new().route(Mount::new(
                "/users/{uid}",
                Router::new().route(Route::new("/posts/{pid:int}", params)),
            )),
        );
        assert_eq!(client2.get("/users/7/posts/3").send().await.text(), "pid=3&uid=7");
        assert_eq!(client2.get("/users/7/posts/x").send().await.status(), 404);

        // A mount without the slash redirects to it.
        let r = client.get("/users/9").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/users/9/"));
        let r = client.get("/api").send().await;
        assert_eq!(r.status(), 307);
        assert_eq!(r.header("location"), Some("http://testserver/api/"));
        assert_eq!(client.get("/api/ping").send().await.text(), "hello");

        // A raw app sees the rest of the path and the prefix in its root path.
        let r = client.get("/raw/a/b?x=1").send().await;
        assert_eq!(r.text(), "raw path=/a/b query=x=1 root=/raw");
        let r = client.get("/raw/").send().await;
        assert_eq!(r.text(), "raw path=/ query=- root=/raw");
        let r = client.get("/raw/a%20b/c").send().await;
        assert_eq!(r.text(), "raw path=/a%20b/c query=- root=/raw");
        let r = client.get("/my%20dir/x%2Fy").send().await;
        assert_eq!(r.text(), "raw path=/x%2Fy query=- root=/my dir");

        // A toolkit app mounted as an app keeps the mount's parameters.
        let r = client.get("/v/2/info").send().await;
        assert_eq!(
            r.text(),
            "inner ver=2 root_path=/v/2 path=/info url=http://testserver/v/2/info"
        );
        assert_eq!(client.get("/v/x/info").send().await.status(), 404);
    })
    .await;
}

#[tokio::test]
async fn mounts_with_a_client_root_path() {
    within(async {
        let client = TestClient::new(mount_app()).root_path("/prefix");
        let r = client.get("/users/7/posts/3").send().await;
        assert_eq!(
            r.text(),
            "path=/users/7/posts/3 route_path=/posts/3 root_path=/prefix/users/7 \
             url=http://testserver/prefix/users/7/posts/3 params=pid=3&uid=7"
        );
        let r = client.get("/raw/a").send().await;
        assert_eq!(r.text(), "raw path=/a query=- root=/prefix/raw");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mounts_over_a_socket() {
    within(async {
        let server = LiveServer::start(mount_app()).await.unwrap();
        let r = get(&server.url("/users/7/posts/3")).await;
        assert_eq!(
            r.text(),
            format!(
                "path=/users/7/posts/3 route_path=/posts/3 root_path=/users/7 \
                 url=http://{}/users/7/posts/3 params=pid=3&uid=7",
                server.addr()
            )
        );
        let r = get(&server.url("/raw/a/b?x=1")).await;
        assert_eq!(r.text(), "raw path=/a/b query=x=1 root=/raw");
        let r = get(&server.url("/v/2/info")).await;
        assert_eq!(
            r.text(),
            format!(
                "inner ver=2 root_path=/v/2 path=/info url=http://{}/v/2/info",
                server.addr()
            )
        );
        server.stop().await.unwrap();

        // With the server's root path.
        let server = LiveServer::start_with(Server::builder().root_path("/api"), mount_app())
            .await
            .unwrap();
        let r = get(&server.url("/users/7/posts/3")).await;
        assert!(r.text().contains("root_path=/api/users/7 "), "{}", r.text());
        let r = get(&server.url("/raw/a")).await;
        assert_eq!(r.text(), "raw path=/a query=- root=/api/raw");
        let r = get(&server.url("/users/7")).await;
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location").map(str::to_string),
            Some(format!("http://{}/api/users/7/", server.addr()))
        );
        server.stop().await.unwrap();
    })
    .await;
}

fn host_app() -> Application {
    async fn sub(req: Request) -> String {
        format!("sub={}", req.path_param("sub").unwrap_or("-"))
    }
    async fn admin(_req: Request) -> &'static str {
        "admin"
    }
    Application::new()
        .route(Host::new(
            "admin.example.org",
            Router::new().route(Route::new("/", admin)),
        ))
        .route(
            Host::new(
                "{sub}.example.org",
                Router::new().route(Route::new("/", sub).name("home")),
            )
            .name("tenant"),
        )
        .route(Route::new("/", hello))
}

#[tokio::test]
async fn host_routing_in_process() {
    within(async {
        let client = TestClient::new(host_app());
        let with_host = |host: &'static str| client.get("/").header("host", host);
        assert_eq!(with_host("api.example.org").send().await.text(), "sub=api");
        assert_eq!(
            with_host("API.Example.ORG:8443").send().await.text(),
            "sub=api"
        );
        assert_eq!(with_host("admin.example.org").send().await.text(), "admin");
        assert_eq!(with_host("example.org").send().await.text(), "hello");
        // `{sub}` is `[^/]+`, dots included, as in Starlette.
        assert_eq!(with_host("a.b.example.org").send().await.text(), "sub=a.b");
        assert_eq!(with_host("testserver").send().await.text(), "hello");
        // A host route's path adds nothing to the path.
        let app = host_app();
        assert_eq!(
            app.url_path_for("tenant:home", &[("sub", "x")]).unwrap(),
            "/"
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn host_routing_over_a_socket() {
    within(async {
        let server = LiveServer::start(host_app()).await.unwrap();
        for (host, expected) in [
            ("api.example.org:8000", "sub=api"),
            ("ADMIN.example.org", "admin"),
            ("other.test", "hello"),
        ] {
            let req = format!("GET / HTTP/1.1\r\nhost: {host}\r\nconnection: close\r\n\r\n");
            let r = parse_raw(&raw(server.addr(), req.as_bytes()).await);
            assert_eq!(r.status, 200, "{host}");
            assert_eq!(String::from_utf8_lossy(&r.body), expected, "{host}");
        }
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn url_path_for_names_and_errors() {
    within(async {
        async fn user(_req: Request) -> &'static str {
            "user"
        }
        let api = Router::new()
            .route(Route::new("/u/{id:int}", user))
            .route(Route::new("/files/{p:path}", hello).name("file"));
        let app = Application::new()
            .route(Route::new("/", hello).name("home"))
            .route(Mount::new("/api", api).name("api"))
            .route(
                Mount::new(
                    "/org/{org}",
                    Router::new().route(Route::new("/team/{team}", hello).name("team")),
                )
                .name("org"),
            )
            .route(
                WebSocketRoute::new("/ws/{room}", |ws: WebSocket| async move { drop(ws) })
                    .name("ws"),
            );
        assert_eq!(app.url_path_for("home", &[]).unwrap(), "/");
        assert_eq!(
            app.url_path_for("api:user", &[("id", "3")]).unwrap(),
            "/api/u/3"
        );
        assert_eq!(
            app.url_path_for("api:file", &[("p", "a/b.txt")]).unwrap(),
            "/api/files/a/b.txt"
        );
        assert_eq!(
            app.url_path_for("api", &[("path", "/x")]).unwrap(),
            "/api/x"
        );
        assert_eq!(
            app.url_path_for("org:team", &[("org", "acme"), ("team", "red")])
                .unwrap(),
            "/org/acme/team/red"
        );
        assert_eq!(app.url_path_for("ws", &[("room", "1")]).unwrap(), "/ws/1");

        let err = app.url_path_for("api:user", &[("id", "x")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "No route exists for name \"api:user\" and params \"id\"."
        );
        let err = app
            .url_path_for("nope", &[("a", "1"), ("b", "2")])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "No route exists for name \"nope\" and params \"a, b\"."
        );
        // Unnamespaced names do not reach into a named mount; extra or missing params fail.
        assert!(app.url_path_for("user", &[("id", "3")]).is_err());
        assert!(app.url_path_for("home", &[("extra", "1")]).is_err());
        assert!(app.url_path_for("org:team", &[("team", "red")]).is_err());
    })
    .await;
}

#[tokio::test]
async fn url_path_for_from_a_request() {
    within(async {
        async fn link(req: Request) -> String {
            let path = req.url_path_for("item", &[("id", "5")]).unwrap();
            let url = req.url_for("item", &[("id", "5")]).unwrap();
            let missing = req.url_for("nope", &[]).unwrap_err();
            format!("{path} {url} {missing}")
        }
        let app = Application::new()
            .route(Route::new("/items/{id:int}", hello).name("item"))
            .route(Route::new("/link", link));
        let client = TestClient::new(app).root_path("/root");
        assert_eq!(
            client.get("/link").send().await.text(),
            "/items/5 http://testserver/root/items/5 No route exists for name \"nope\" and params \"\"."
        );
    })
    .await;
}

#[tokio::test]
async fn percent_encoded_and_hostile_paths_in_process() {
    within(async {
        let app = || {
            Application::new()
                .route(Route::new("/items/{name}", params))
                .route(Route::new("/files/{v:path}", params))
                .route(Route::new("/caf\u{e9}", hello))
        };
        let client = TestClient::new(app()).follow_redirects(false);
        assert_eq!(client.get("/items/a%20b").send().await.text(), "name=a b");
        assert_eq!(
            client.get("/items/%E2%82%AC").send().await.text(),
            "name=\u{20ac}"
        );
        assert_eq!(client.get("/caf%C3%A9").send().await.text(), "hello");
        // `%2F` decodes to `/`, as Starlette's decoded `scope["path"]`.
        assert_eq!(client.get("/items/a%2Fb").send().await.status(), 404);
        assert_eq!(client.get("/files/a%2Fb").send().await.text(), "v=a/b");
        assert_eq!(
            client.get("/files/../../etc/passwd").send().await.text(),
            "v=../../etc/passwd"
        );
        for path in [
            "/items/..",
            "/items/%",
            "/items/%zz",
            "/items/%FF%FE",
            "/items/%00",
            "/..",
            "/%2e%2e/%2e%2e",
            "/items/a%2F..%2F..",
        ] {
            let r = client.get(path).send().await;
            assert!(
                [200, 307, 404].contains(&r.status().as_u16()),
                "{path}: {}",
                r.status()
            );
        }
        assert_eq!(client.get("/items/%").send().await.text(), "name=%");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_paths_over_a_socket_do_not_break_the_server() {
    within(async {
        let app = Application::new()
            .route(Route::new("/items/{name}", params))
            .route(Mount::app("/raw", |req: http::Request<Body>| async move {
                Response::new(Body::from(req.uri().path().to_string()))
            }));
        let server = LiveServer::start(app).await.unwrap();
        let r = get(&server.url("/items/a%20b")).await;
        assert_eq!(r.text(), "name=a b");
        for target in [
            "/items/../x",
            "/items/%2F..%2F",
            "/items/%",
            "/items/%C3",
            "/raw/%2e%2e/%2F",
            "/raw%2Fx",
            "*",
            "http://evil.example/items/x",
            "/raw/../../",
        ] {
            let req = format!("GET {target} HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n");
            let bytes = raw(server.addr(), req.as_bytes()).await;
            let r = parse_raw(&bytes);
            assert!(r.status < 500, "{target}: {}", r.raw_head);
        }
        let bytes = raw(
            server.addr(),
            b"OPTIONS * HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(parse_raw(&bytes).status, 404);
        let r = raw(
            server.addr(),
            b"GET /raw/%2e%2e/a HTTP/1.1\r\nhost: t\r\nconnection: close\r\n\r\n",
        )
        .await;
        assert_eq!(String::from_utf8_lossy(&parse_raw(&r).body), "/%2e%2e/a");
        // Still serving.
        assert_eq!(get(&server.url("/items/ok")).await.text(), "name=ok");
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_thousand_routes_route_correctly() {
    within(async {
        async fn which(req: Request) -> String {
            format!("{} {}", req.path(), req.path_param("id").unwrap_or("-"))
        }
        let mut app = Application::new();
        for i in 0..1000 {
            app = app
                .route(Route::new(&format!("/static{i}"), which))
                .route(Route::new(&format!("/r{i}/items/{{id:int}}"), which));
        }
        app = app.route(Route::new("/{id}", which));
        let client = TestClient::new(app);
        for i in [0, 1, 499, 998, 999] {
            assert_eq!(
                client.get(&format!("/static{i}")).send().await.text(),
                format!("/static{i} -")
            );
            assert_eq!(
                client.get(&format!("/r{i}/items/42")).send().await.text(),
                format!("/r{i}/items/42 42")
            );
            assert_eq!(
                client.get(&format!("/r{i}/items/x")).send().await.status(),
                404
            );
        }
        assert_eq!(
            client.get("/static1000").send().await.text(),
            "/static1000 static1000"
        );
        assert_eq!(client.get("/r1000/items/1").send().await.status(), 404);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn websockets_to_unknown_paths_are_refused() {
    within(async {
        let app = || {
            Application::new()
                .route(Route::new("/http", hello))
                .route(WebSocketRoute::new("/ws", |mut ws: WebSocket| async move {
                    ws.accept().await?;
                    ws.send_text("hi").await?;
                    Ok::<(), ferrapi_toolkit::Error>(())
                }))
        };
        let client = TestClient::new(app());
        for path in ["/nowhere", "/http", "/ws/"] {
            let denied = client.websocket_connect(path).await.unwrap_err();
            assert_eq!(denied.status(), 403, "{path}");
        }
        let mut session = client.websocket_connect("/ws").await.unwrap();
        assert_eq!(session.receive_text().await.unwrap(), "hi");
        // A plain GET to a WebSocket route is a 404.
        assert_eq!(client.get("/ws").send().await.status(), 404);

        let server = LiveServer::start(app()).await.unwrap();
        for path in ["/nowhere", "/http"] {
            let url = format!("ws://{}{path}", server.addr());
            match common::ws_connect(&url, &[]).await {
                Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
                    assert_eq!(response.status(), 403, "{path}")
                }
                other => panic!("{path}: expected a 403, got {other:?}"),
            }
        }
        let (mut ws, _) = common::ws_connect(&format!("ws://{}/ws", server.addr()), &[])
            .await
            .unwrap();
        use futures_util::StreamExt;
        let message = ws.next().await.unwrap().unwrap();
        assert_eq!(message.to_text().unwrap(), "hi");
        // The endpoint returned: the server closes normally.
        match ws.next().await {
            Some(Ok(tokio_tungstenite::tungstenite::Message::Close(Some(frame)))) => {
                assert_eq!(u16::from(frame.code), 1000)
            }
            other => panic!("expected a close frame, got {other:?}"),
        }
        assert!(ws.next().await.is_none());
        drop(ws);
        server.stop().await.unwrap();
    })
    .await;
}
