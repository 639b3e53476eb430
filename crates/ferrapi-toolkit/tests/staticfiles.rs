//! `StaticFiles`: files, content types, ETag/304, ranges, HEAD, 405, html mode (index.html,
//! the slash redirect, 404.html), hostile paths sent byte for byte over a raw socket, symbolic
//! links out of the directory, WebSocket refusal and `check_dir`.

mod common;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use common::{parse_raw, raw, within, RawResponse};
use ferrapi_toolkit::staticfiles::StaticFiles;
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{Application, Mount};

const SECRET: &str = "top secret content";

/// `<tmp>/ferrapi-static-…/` with `secret.txt` next to `public/` (the served directory).
struct Tree {
    root: PathBuf,
}

impl Tree {
    fn new() -> Tree {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let root = std::env::temp_dir().join(format!(
            "ferrapi-static-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        let public = root.join("public");
        std::fs::create_dir_all(public.join("sub")).unwrap();
        std::fs::create_dir_all(public.join("noindex")).unwrap();
        std::fs::write(root.join("secret.txt"), SECRET).unwrap();
        std::fs::write(public.join("hello.txt"), "hello, world").unwrap();
        std::fs::write(public.join("style.css"), "body{}").unwrap();
        std::fs::write(public.join("data.json"), "{}").unwrap();
        std::fs::write(public.join("index.html"), "<h1>root index</h1>").unwrap();
        std::fs::write(public.join("sub/index.html"), "<h1>sub index</h1>").unwrap();
        std::fs::write(public.join("sub/file name.txt"), "spaced").unwrap();
        Tree { root }
    }

    fn public(&self) -> PathBuf {
        self.root.join("public")
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn app(files: StaticFiles) -> Application {
    Application::new().route(Mount::app("/static", files))
}

async fn send(addr: SocketAddr, method: &str, path: &[u8], headers: &str) -> RawResponse {
    let mut request = Vec::new();
    request.extend_from_slice(method.as_bytes());
    request.push(b' ');
    request.extend_from_slice(path);
    request.extend_from_slice(b" HTTP/1.1\r\nHost: testhost\r\nConnection: close\r\n");
    request.extend_from_slice(headers.as_bytes());
    request.extend_from_slice(b"\r\n");
    parse_raw(&raw(addr, &request).await)
}

async fn get(addr: SocketAddr, path: &str) -> RawResponse {
    send(addr, "GET", path.as_bytes(), "").await
}

#[tokio::test]
async fn serves_files_with_file_response_headers() {
    within(async {
        let tree = Tree::new();
        let server = LiveServer::start(app(StaticFiles::new(tree.public())))
            .await
            .unwrap();
        let r = get(server.addr(), "/static/hello.txt").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"hello, world");
        assert_eq!(r.header("content-type"), Some("text/plain; charset=utf-8"));
        assert_eq!(r.header("content-length"), Some("12"));
        assert_eq!(r.header("accept-ranges"), Some("bytes"));
        assert!(r.header("etag").is_some());
        assert!(r.header("last-modified").is_some());

        let css = get(server.addr(), "/static/style.css").await;
        assert_eq!(css.header("content-type"), Some("text/css; charset=utf-8"));
        let json = get(server.addr(), "/static/data.json").await;
        assert_eq!(json.header("content-type"), Some("application/json"));
        let spaced = get(server.addr(), "/static/sub/file%20name.txt").await;
        assert_eq!((spaced.status, &spaced.body[..]), (200, &b"spaced"[..]));

        // Without html mode a directory is not served.
        for path in ["/static/", "/static/sub/", "/static/sub"] {
            let r = get(server.addr(), path).await;
            assert_eq!(r.status, 404, "{path}");
        }
        // `/static` itself is not under the mount: the router's slash redirect (Starlette's).
        assert_eq!(get(server.addr(), "/static").await.status, 307);
        let missing = get(server.addr(), "/static/missing.txt").await;
        assert_eq!(missing.status, 404);
        assert_eq!(missing.body, b"Not Found");
        assert_eq!(
            missing.header("content-type"),
            Some("text/plain; charset=utf-8")
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn hostile_paths_are_404() {
    within(async {
        let tree = Tree::new();
        let server = LiveServer::start(app(StaticFiles::new(tree.public()).html(false)))
            .await
            .unwrap();
        let long = format!("/static/{}", "a".repeat(300));
        let very_long = format!("/static/{}", "abcdefgh/".repeat(600));
        let hostile: Vec<&[u8]> = vec![
            b"/static/../secret.txt",
            b"/static/sub/../../secret.txt",
            b"/static/%2e%2e/secret.txt",
            b"/static/%2E%2E/secret.txt",
            b"/static/.%2e/secret.txt",
            b"/static/..%2Fsecret.txt",
            b"/static/..%2fsecret.txt",
            b"/static/sub%2F..%2F..%2Fsecret.txt",
            b"/static/..\\secret.txt",
            b"/static/..%5Csecret.txt",
            b"/static/..%5csecret.txt",
            b"/static//etc/passwd",
            b"/static/%2Fetc%2Fpasswd",
            b"/static/%2F..%2Fsecret.txt",
            b"/static/hello.txt%00",
            b"/static/hello.txt%00.png",
            b"/static/%ff%fe",
            b"/static/C:%5Cwindows",
            long.as_bytes(),
            very_long.as_bytes(),
        ];
        for path in hostile {
            let r = send(server.addr(), "GET", path, "").await;
            let shown = String::from_utf8_lossy(path);
            assert_eq!(r.status, 404, "{shown}: {}", r.raw_head);
            assert_eq!(r.body, b"Not Found", "{shown}");
        }
        // A few the server itself refuses before any app sees them: never served either.
        for path in [&b"/static/hello.txt\x00"[..], b"/static/..%00/secret.txt"] {
            let r = send(server.addr(), "GET", path, "").await;
            assert!(r.status == 404 || r.status == 400, "{}", r.raw_head);
            assert!(!String::from_utf8_lossy(&r.body).contains(SECRET));
        }
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn conditional_requests_give_304() {
    within(async {
        let tree = Tree::new();
        let server = LiveServer::start(app(StaticFiles::new(tree.public())))
            .await
            .unwrap();
        let first = get(server.addr(), "/static/hello.txt").await;
        let etag = first.header("etag").unwrap().to_string();
        let modified = first.header("last-modified").unwrap().to_string();

        for header in [
            format!("If-None-Match: {etag}\r\n"),
            format!("If-None-Match: W/{etag}\r\n"),
            format!("If-None-Match: \"other\", {etag}\r\n"),
            "If-None-Match: *\r\n".to_string(),
            format!("If-Modified-Since: {modified}\r\n"),
        ] {
            let r = send(server.addr(), "GET", b"/static/hello.txt", &header).await;
            assert_eq!(r.status, 304, "{header}");
            assert!(r.body.is_empty());
            assert_eq!(r.header("etag"), Some(etag.as_str()));
        }
        let stale = send(
            server.addr(),
            "GET",
            b"/static/hello.txt",
            "If-None-Match: \"other\"\r\n",
        )
        .await;
        assert_eq!(stale.status, 200);
        let old = send(
            server.addr(),
            "GET",
            b"/static/hello.txt",
            "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n",
        )
        .await;
        assert_eq!(old.status, 200);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn ranges_head_and_methods() {
    within(async {
        let tree = Tree::new();
        let server = LiveServer::start(app(StaticFiles::new(tree.public())))
            .await
            .unwrap();
        let r = send(
            server.addr(),
            "GET",
            b"/static/hello.txt",
            "Range: bytes=0-4\r\n",
        )
        .await;
        assert_eq!(r.status, 206);
        assert_eq!(r.body, b"hello");
        assert_eq!(r.header("content-range"), Some("bytes 0-4/12"));
        let r = send(
            server.addr(),
            "GET",
            b"/static/hello.txt",
            "Range: bytes=-5\r\n",
        )
        .await;
        assert_eq!((r.status, &r.body[..]), (206, &b"world"[..]));
        let r = send(
            server.addr(),
            "GET",
            b"/static/hello.txt",
            "Range: bytes=50-\r\n",
        )
        .await;
        assert_eq!(r.status, 416);

        let head = send(server.addr(), "HEAD", b"/static/hello.txt", "").await;
        assert_eq!(head.status, 200);
        assert_eq!(head.header("content-length"), Some("12"));
        assert!(head.body.is_empty());

        for method in ["POST", "PUT", "DELETE", "PATCH", "OPTIONS"] {
            let r = send(
                server.addr(),
                method,
                b"/static/hello.txt",
                "Content-Length: 0\r\n",
            )
            .await;
            assert_eq!(r.status, 405, "{method}");
            assert_eq!(r.header("allow"), Some("GET, HEAD"));
            assert_eq!(r.body, b"Method Not Allowed");
        }
        // 405 comes before the lookup, as in Starlette.
        let r = send(
            server.addr(),
            "POST",
            b"/static/missing",
            "Content-Length: 0\r\n",
        )
        .await;
        assert_eq!(r.status, 405);
        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn html_mode() {
    within(async {
        let tree = Tree::new();
        let files = StaticFiles::new(tree.public()).html(true);
        let server = LiveServer::start(app(files)).await.unwrap();

        let r = get(server.addr(), "/static/").await;
        assert_eq!(r.status, 200);
        assert_eq!(r.body, b"<h1>root index</h1>");
        assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        let r = get(server.addr(), "/static/sub/").await;
        assert_eq!((r.status, &r.body[..]), (200, &b"<h1>sub index</h1>"[..]));

        let r = get(server.addr(), "/static/sub?x=1").await;
        assert_eq!(r.status, 307);
        assert_eq!(
            r.header("location"),
            Some("http://testhost/static/sub/?x=1")
        );
        let r = get(server.addr(), "/static").await;
        assert_eq!(r.status, 307);
        assert_eq!(r.header("location"), Some("http://testhost/static/"));

        // A directory without index.html, and a missing file, without a 404.html: plain 404.
        assert_eq!(get(server.addr(), "/static/noindex/").await.status, 404);
        assert_eq!(
            get(server.addr(), "/static/nope.html").await.body,
            b"Not Found"
        );

        std::fs::write(tree.public().join("404.html"), "<h1>custom 404</h1>").unwrap();
        for path in [
            "/static/nope.html",
            "/static/noindex/",
            "/static/../secret.txt",
        ] {
            let r = get(server.addr(), path).await;
            assert_eq!(r.status, 404, "{path}");
            assert_eq!(r.body, b"<h1>custom 404</h1>", "{path}");
            assert_eq!(r.header("content-type"), Some("text/html; charset=utf-8"));
        }
        // A 404.html is never answered with 304 or 206.
        let r = send(
            server.addr(),
            "GET",
            b"/static/nope",
            "Range: bytes=0-1\r\n",
        )
        .await;
        assert_eq!(r.status, 404);
        // The index is a file like any other: conditional requests apply.
        let etag = get(server.addr(), "/static/")
            .await
            .header("etag")
            .unwrap()
            .to_string();
        let r = send(
            server.addr(),
            "GET",
            b"/static/",
            &format!("If-None-Match: {etag}\r\n"),
        )
        .await;
        assert_eq!(r.status, 304);
        server.stop().await.unwrap();
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn symlinks_out_of_the_directory() {
    within(async {
        let tree = Tree::new();
        let public = tree.public();
        std::os::unix::fs::symlink(tree.root.join("secret.txt"), public.join("leak.txt")).unwrap();
        std::os::unix::fs::symlink(&tree.root, public.join("up")).unwrap();
        std::os::unix::fs::symlink(public.join("hello.txt"), public.join("inside.txt")).unwrap();

        let server = LiveServer::start(app(StaticFiles::new(&public)))
            .await
            .unwrap();
        for path in ["/static/leak.txt", "/static/up/secret.txt"] {
            let r = get(server.addr(), path).await;
            assert_eq!(r.status, 404, "{path}");
        }
        let inside = get(server.addr(), "/static/inside.txt").await;
        assert_eq!(
            (inside.status, &inside.body[..]),
            (200, &b"hello, world"[..])
        );
        server.stop().await.unwrap();

        let follow = StaticFiles::new(&public).follow_symlink(true);
        let server = LiveServer::start(app(follow)).await.unwrap();
        for path in ["/static/leak.txt", "/static/up/secret.txt"] {
            let r = get(server.addr(), path).await;
            assert_eq!(r.status, 200, "{path}");
            assert_eq!(r.body, SECRET.as_bytes());
        }
        // Following links never allows `..`.
        assert_eq!(
            get(server.addr(), "/static/../secret.txt").await.status,
            404
        );
        server.stop().await.unwrap();
    })
    .await;
}

#[cfg(unix)]
#[tokio::test]
async fn permission_error_is_401() {
    use std::os::unix::fs::PermissionsExt;
    within(async {
        let tree = Tree::new();
        let locked = tree.public().join("locked");
        std::fs::create_dir(&locked).unwrap();
        std::fs::write(locked.join("f.txt"), "x").unwrap();
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&locked).is_ok() {
            // Running as root: permissions are not enforced, nothing to test.
            std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
            return;
        }
        let client = TestClient::new(app(StaticFiles::new(tree.public())));
        let r = client.get("/static/locked/f.txt").send().await;
        assert_eq!(r.status(), 401);
        assert_eq!(r.text(), "Unauthorized");
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).unwrap();
    })
    .await;
}

#[tokio::test]
async fn websocket_is_refused_and_test_client_works() {
    within(async {
        let tree = Tree::new();
        let client = TestClient::new(app(StaticFiles::new(tree.public()).html(true)));
        let denied = client
            .websocket_connect("/static/hello.txt")
            .await
            .unwrap_err();
        assert_eq!(denied.status(), 403);

        let r = client.get("/static/hello.txt").send().await;
        assert_eq!(r.text(), "hello, world");
        // The redirect names the mount prefix; the client follows it.
        let r = client.get("/static/sub").send().await;
        assert_eq!(r.text(), "<h1>sub index</h1>");
    })
    .await;
}

#[test]
fn check_dir() {
    let missing = Path::new("/definitely/not/here");
    let err = StaticFiles::try_new(missing).unwrap_err();
    assert_eq!(
        err.to_string(),
        "Directory '/definitely/not/here' does not exist"
    );
    let panicked = std::panic::catch_unwind(|| StaticFiles::new(missing));
    assert!(panicked.is_err());
    // Unchecked: built, and every request is a 404.
    let files = StaticFiles::unchecked(missing);
    assert_eq!(files.directory(), missing);
}

#[tokio::test]
async fn unchecked_missing_directory_is_404() {
    within(async {
        let client = TestClient::new(app(StaticFiles::unchecked("/definitely/not/here")));
        assert_eq!(client.get("/static/x").send().await.status(), 404);
        assert_eq!(client.get("/static/").send().await.status(), 404);
    })
    .await;
}
