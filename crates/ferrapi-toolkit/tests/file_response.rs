//! `FileResponse`: Starlette's headers, conditional requests (`304`), ranges (`206`, multipart
//! byte ranges, `416`, the `400` texts), `If-Range`, `HEAD`, errors, and a large file over a
//! real socket sent with an exact `content-length` rather than chunked.

mod common;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::{agent, parse_raw, raw, within, REQUEST_TIMEOUT};
use ferrapi_toolkit::testclient::{LiveServer, TestClient, TestResponse};
use ferrapi_toolkit::{
    Application, Error, FileResponse, IntoResponse, Request, Response, Route, StatusCode,
};
use http::header::{self, HeaderValue};

const CONTENT: &[u8] = b"0123456789abcdefghij";

/// A file in a directory of its own under the temp dir, removed on drop.
struct TempFile {
    dir: PathBuf,
    path: PathBuf,
}

impl TempFile {
    fn new(name: &str, content: &[u8]) -> TempFile {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "ferrapi-file-response-{}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, content).unwrap();
        TempFile { dir, path }
    }

    fn path(&self) -> PathBuf {
        self.path.clone()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// An app serving at `/f` the response `make` builds.
fn app(make: impl Fn() -> FileResponse + Send + Sync + 'static) -> Application {
    let make = Arc::new(make);
    Application::new().route(Route::new("/f", move |req: Request| {
        let make = make.clone();
        async move { make().respond(&req).await }
    }))
}

/// A client for the file at `path`.
fn client_for(path: PathBuf) -> TestClient<ferrapi_toolkit::BuiltApplication> {
    TestClient::new(app(move || FileResponse::new(path.clone())))
}

fn header<'a>(response: &'a TestResponse, name: &str) -> &'a str {
    response
        .header(name)
        .unwrap_or_else(|| panic!("no {name} header in {response:?}"))
}

#[tokio::test]
async fn full_get_sends_the_file_with_starlettes_headers() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let response = client.get("/f").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=utf-8"
    );
    assert_eq!(header(&response, "content-length"), "20");
    assert_eq!(header(&response, "accept-ranges"), "bytes");
    assert!(response.header("content-disposition").is_none());

    let mtime = std::fs::metadata(file.path()).unwrap().modified().unwrap();
    assert_eq!(
        header(&response, "last-modified"),
        httpdate::fmt_http_date(mtime)
    );
    let etag = header(&response, "etag");
    assert!(
        etag.starts_with('"') && etag.ends_with('"') && etag.len() > 2,
        "{etag}"
    );
    assert!(!etag.starts_with("W/"));
    // Stable while the file is unchanged, different once it changes.
    let again = client.get("/f").send().await;
    assert_eq!(header(&again, "etag"), etag);
    std::fs::write(file.path(), b"0123456789abcdefghijk").unwrap();
    let changed = client.get("/f").send().await;
    assert_ne!(header(&changed, "etag"), etag);
    assert_eq!(header(&changed, "content-length"), "21");
}

#[tokio::test]
async fn head_sends_the_headers_without_the_body() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let get = client.get("/f").send().await;
    let head = client.head("/f").send().await;
    assert_eq!(head.status(), 200);
    assert!(head.bytes().is_empty());
    for name in [
        "content-type",
        "content-length",
        "accept-ranges",
        "etag",
        "last-modified",
    ] {
        assert_eq!(head.header(name), get.header(name), "{name}");
    }

    // And a range answered to HEAD: the 206 headers, no body.
    let head = client.head("/f").header("range", "bytes=2-5").send().await;
    assert_eq!(head.status(), 206);
    assert_eq!(header(&head, "content-range"), "bytes 2-5/20");
    assert_eq!(header(&head, "content-length"), "4");
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn content_type_is_guessed_from_the_file_name() {
    let cases = [
        ("page.html", "text/html; charset=utf-8"),
        ("image.png", "image/png"),
        ("data.json", "application/json"),
        ("archive.unknownext", "application/octet-stream"),
        ("no_extension", "application/octet-stream"),
    ];
    for (name, expected) in cases {
        let file = TempFile::new(name, CONTENT);
        let response = client_for(file.path()).get("/f").send().await;
        assert_eq!(header(&response, "content-type"), expected, "{name}");
    }

    // The download name wins over the path.
    let file = TempFile::new("blob.bin", CONTENT);
    let path = file.path();
    let client = TestClient::new(app(move || FileResponse::new(&path).filename("notes.csv")));
    let response = client.get("/f").send().await;
    assert_eq!(header(&response, "content-type"), "text/csv; charset=utf-8");

    // An explicit media type wins over both; text gets a charset unless it names one.
    let path = file.path();
    let client = TestClient::new(app(move || {
        FileResponse::new(&path)
            .filename("notes.csv")
            .media_type("text/markdown")
            .unwrap()
    }));
    let response = client.get("/f").send().await;
    assert_eq!(
        header(&response, "content-type"),
        "text/markdown; charset=utf-8"
    );
    let path = file.path();
    let client = TestClient::new(app(move || {
        FileResponse::new(&path)
            .media_type("text/plain; charset=latin-1")
            .unwrap()
    }));
    let response = client.get("/f").send().await;
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=latin-1"
    );
    let path = file.path();
    let client = TestClient::new(app(move || {
        FileResponse::new(&path)
            .media_type("application/x-custom")
            .unwrap()
    }));
    let response = client.get("/f").send().await;
    assert_eq!(header(&response, "content-type"), "application/x-custom");

    assert!(FileResponse::new("x")
        .media_type("text/plain\r\nx: y")
        .is_err());
    assert!(FileResponse::new("x")
        .content_disposition_type("inline\n")
        .is_err());
}

#[tokio::test]
async fn content_disposition_has_both_of_starlettes_forms() {
    let file = TempFile::new("data.bin", CONTENT);
    let path = file.path();
    let cases: [(&str, Option<&str>, &str); 4] = [
        ("report.txt", None, "attachment; filename=\"report.txt\""),
        (
            "résumé 1.pdf",
            None,
            "attachment; filename*=utf-8''r%C3%A9sum%C3%A9%201.pdf",
        ),
        (
            "quote\"d.txt",
            None,
            "attachment; filename*=utf-8''quote%22d.txt",
        ),
        (
            "report.txt",
            Some("inline"),
            "inline; filename=\"report.txt\"",
        ),
    ];
    for (name, disposition, expected) in cases {
        let path = path.clone();
        let client = TestClient::new(app(move || {
            let response = FileResponse::new(&path).filename(name);
            match disposition {
                Some(kind) => response.content_disposition_type(kind).unwrap(),
                None => response,
            }
        }));
        let response = client.get("/f").send().await;
        assert_eq!(response.status(), 200);
        assert_eq!(header(&response, "content-disposition"), expected, "{name}");
        assert_eq!(&response.bytes()[..], CONTENT);
    }
}

#[tokio::test]
async fn if_none_match_with_the_etag_is_not_modified() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let full = client.get("/f").send().await;
    let etag = header(&full, "etag").to_string();
    let last_modified = header(&full, "last-modified").to_string();

    let matching = [
        etag.clone(),
        format!("W/{etag}"),
        format!("\"other\", {etag}"),
        "*".to_string(),
    ];
    for value in &matching {
        let response = client.get("/f").header("if-none-match", value).send().await;
        assert_eq!(response.status(), 304, "{value}");
        assert!(response.bytes().is_empty());
        assert_eq!(header(&response, "etag"), etag);
        assert_eq!(header(&response, "last-modified"), last_modified);
        assert!(response.header("content-type").is_none());
        assert!(response.header("content-length").is_none());
        let head = client
            .head("/f")
            .header("if-none-match", value)
            .send()
            .await;
        assert_eq!(head.status(), 304, "HEAD {value}");
    }

    // A different tag sends the file, even with an If-Modified-Since that alone would be a 304
    // (If-None-Match takes precedence).
    let response = client
        .get("/f")
        .header("if-none-match", "\"something-else\"")
        .header("if-modified-since", &last_modified)
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);
}

#[tokio::test]
async fn if_modified_since_not_before_the_mtime_is_not_modified() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let full = client.get("/f").send().await;
    let last_modified = header(&full, "last-modified").to_string();
    let mtime = httpdate::parse_http_date(&last_modified).unwrap();

    let response = client
        .get("/f")
        .header("if-modified-since", &last_modified)
        .send()
        .await;
    assert_eq!(response.status(), 304);
    assert!(response.bytes().is_empty());

    let later = httpdate::fmt_http_date(mtime + Duration::from_secs(3600));
    let response = client
        .get("/f")
        .header("if-modified-since", &later)
        .send()
        .await;
    assert_eq!(response.status(), 304);

    let earlier = httpdate::fmt_http_date(mtime - Duration::from_secs(1));
    let response = client
        .get("/f")
        .header("if-modified-since", &earlier)
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);

    let response = client
        .get("/f")
        .header("if-modified-since", "not a date")
        .send()
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn conditional_requests_only_apply_to_get_and_head_with_status_200() {
    let file = TempFile::new("hello.txt", CONTENT);
    let path = file.path();
    let make = Arc::new(move || FileResponse::new(&path));
    let post = make.clone();
    let app = Application::new().route(
        Route::new("/f", move |req: Request| {
            let make = post.clone();
            async move { make().respond(&req).await }
        })
        .methods([http::Method::GET, http::Method::POST]),
    );
    let client = TestClient::new(app);
    let etag = header(&client.get("/f").send().await, "etag").to_string();

    let response = client
        .post("/f")
        .header("if-none-match", &etag)
        .send()
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);
    let response = client.post("/f").header("range", "bytes=0-1").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);

    let path = file.path();
    let client = TestClient::new(app_with_status(path, StatusCode::NOT_FOUND));
    let response = client.get("/f").header("if-none-match", "*").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(&response.bytes()[..], CONTENT);
    let response = client.get("/f").header("range", "bytes=0-1").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(&response.bytes()[..], CONTENT);
    assert_eq!(header(&response, "content-length"), "20");
}

fn app_with_status(path: PathBuf, status: StatusCode) -> Application {
    app(move || FileResponse::new(&path).status(status))
}

#[tokio::test]
async fn a_single_range_is_a_206() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    // (range, content-range, body)
    let cases = [
        ("bytes=2-5", "bytes 2-5/20", &CONTENT[2..6]),
        ("bytes=0-0", "bytes 0-0/20", &CONTENT[0..1]),
        // Suffix ranges, clamped to the file.
        ("bytes=-5", "bytes 15-19/20", &CONTENT[15..]),
        ("bytes=-100", "bytes 0-19/20", CONTENT),
        // Open-ended, and an end past the file.
        ("bytes=15-", "bytes 15-19/20", &CONTENT[15..]),
        ("bytes=15-100", "bytes 15-19/20", &CONTENT[15..]),
        ("BYTES = 3-4", "bytes 3-4/20", &CONTENT[3..5]),
        // Overlapping ranges that merge into one are a plain 206.
        ("bytes=0-3,2-5", "bytes 0-5/20", &CONTENT[0..6]),
        ("bytes=4-5,0-3", "bytes 0-5/20", &CONTENT[0..6]),
    ];
    for (range, content_range, body) in cases {
        let response = client.get("/f").header("range", range).send().await;
        assert_eq!(response.status(), 206, "{range}");
        assert_eq!(header(&response, "content-range"), content_range, "{range}");
        assert_eq!(
            header(&response, "content-length"),
            body.len().to_string(),
            "{range}"
        );
        assert_eq!(&response.bytes()[..], body, "{range}");
        assert_eq!(
            header(&response, "content-type"),
            "text/plain; charset=utf-8"
        );
        assert_eq!(header(&response, "accept-ranges"), "bytes");
        assert!(response.header("etag").is_some());
    }
}

/// One part of a `multipart/byteranges` body: its headers and data.
type BodyPart = (Vec<(String, String)>, Vec<u8>);

/// The parts of a `multipart/byteranges` body. Strict: the data length comes from the part's
/// `Content-Range`, and every delimiter must be exact.
fn parse_multipart(body: &[u8], boundary: &str) -> Vec<BodyPart> {
    let delimiter = format!("--{boundary}");
    let mut parts = Vec::new();
    let mut rest = body;
    loop {
        rest = rest
            .strip_prefix(delimiter.as_bytes())
            .unwrap_or_else(|| panic!("missing delimiter in {:?}", String::from_utf8_lossy(rest)));
        if rest == b"--" {
            return parts;
        }
        rest = rest
            .strip_prefix(b"\r\n")
            .expect("CRLF after the delimiter");
        let end = rest
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of part headers");
        let head = std::str::from_utf8(&rest[..end]).unwrap();
        let headers: Vec<(String, String)> = head
            .split("\r\n")
            .map(|line| {
                let (name, value) = line.split_once(": ").expect("header line");
                (name.to_string(), value.to_string())
            })
            .collect();
        rest = &rest[end + 4..];
        let range = &headers
            .iter()
            .find(|(name, _)| name == "Content-Range")
            .expect("Content-Range in part")
            .1;
        let span = range
            .strip_prefix("bytes ")
            .unwrap()
            .split('/')
            .next()
            .unwrap();
        let (start, last) = span.split_once('-').unwrap();
        let len = last.parse::<usize>().unwrap() + 1 - start.parse::<usize>().unwrap();
        parts.push((headers, rest[..len].to_vec()));
        rest = rest[len..]
            .strip_prefix(b"\r\n")
            .expect("CRLF after part data");
    }
}

fn boundary_of(content_type: &str) -> &str {
    content_type
        .strip_prefix("multipart/byteranges; boundary=")
        .unwrap_or_else(|| panic!("not multipart: {content_type}"))
}

#[tokio::test]
async fn several_ranges_are_multipart_byteranges() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let response = client
        .get("/f")
        .header("range", "bytes=0-1, 5-7, -3")
        .send()
        .await;
    assert_eq!(response.status(), 206);
    assert!(response.header("content-range").is_none());
    let boundary = boundary_of(header(&response, "content-type")).to_string();
    assert_eq!(boundary.len(), 26);
    assert!(boundary.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(
        header(&response, "content-length"),
        response.bytes().len().to_string()
    );
    let parts = parse_multipart(response.bytes(), &boundary);
    let expected: [(&str, &[u8]); 3] = [
        ("bytes 0-1/20", &CONTENT[0..2]),
        ("bytes 5-7/20", &CONTENT[5..8]),
        ("bytes 17-19/20", &CONTENT[17..]),
    ];
    assert_eq!(parts.len(), expected.len());
    for ((headers, data), (range, body)) in parts.iter().zip(expected) {
        assert_eq!(
            headers,
            &vec![
                (
                    "Content-Type".to_string(),
                    "text/plain; charset=utf-8".to_string()
                ),
                ("Content-Range".to_string(), range.to_string()),
            ]
        );
        assert_eq!(&data[..], body);
    }

    // A fresh boundary for each response.
    let again = client
        .get("/f")
        .header("range", "bytes=0-1,5-7")
        .send()
        .await;
    assert_ne!(boundary_of(header(&again, "content-type")), boundary);

    // HEAD: the same length, no body.
    let head = client
        .head("/f")
        .header("range", "bytes=0-1, 5-7, -3")
        .send()
        .await;
    assert_eq!(head.status(), 206);
    assert_eq!(
        header(&head, "content-length"),
        header(&response, "content-length")
    );
    assert!(head.bytes().is_empty());
}

#[tokio::test]
async fn overlapping_and_adjacent_ranges_are_merged() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let response = client
        .get("/f")
        .header("range", "bytes=12-13,0-3,2-5,6-7,10-11")
        .send()
        .await;
    assert_eq!(response.status(), 206);
    let boundary = boundary_of(header(&response, "content-type")).to_string();
    let parts = parse_multipart(response.bytes(), &boundary);
    let ranges: Vec<(&str, &[u8])> = parts
        .iter()
        .map(|(headers, data)| (headers[1].1.as_str(), &data[..]))
        .collect();
    assert_eq!(
        ranges,
        vec![
            ("bytes 0-7/20", &CONTENT[0..8]),
            ("bytes 10-13/20", &CONTENT[10..14]),
        ]
    );
    assert_eq!(
        header(&response, "content-length"),
        response.bytes().len().to_string()
    );
}

#[tokio::test]
async fn more_than_100_ranges_are_ignored() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let many = format!("bytes={}", vec!["0-0"; 101].join(","));
    let response = client.get("/f").header("range", &many).send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);

    // 100 is still served (merged into one range).
    let hundred = format!("bytes={}", vec!["0-0"; 100].join(","));
    let response = client.get("/f").header("range", &hundred).send().await;
    assert_eq!(response.status(), 206);
    assert_eq!(header(&response, "content-range"), "bytes 0-0/20");
}

#[tokio::test]
async fn a_range_past_the_end_is_416() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    for range in ["bytes=20-", "bytes=30-40", "bytes=0-1,25-30", "bytes=-0"] {
        let response = client.get("/f").header("range", range).send().await;
        assert_eq!(response.status(), 416, "{range}");
        assert_eq!(header(&response, "content-range"), "bytes */20", "{range}");
        assert!(response.bytes().is_empty());
    }

    // An empty file cannot satisfy any range, but is served whole.
    let empty = TempFile::new("empty.txt", b"");
    let client = client_for(empty.path());
    let response = client.get("/f").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "content-length"), "0");
    assert!(response.bytes().is_empty());
    let response = client.get("/f").header("range", "bytes=0-").send().await;
    assert_eq!(response.status(), 416);
    assert_eq!(header(&response, "content-range"), "bytes */0");
}

#[tokio::test]
async fn malformed_ranges_are_400_with_starlettes_texts() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let cases = [
        ("items=0-1", "Only support bytes range"),
        ("bytes 0-1", "Malformed range header."),
        ("0-1", "Malformed range header."),
        ("bytes=", "Range header: range must be requested"),
        ("bytes=-", "Range header: range must be requested"),
        ("bytes=a-b, x", "Range header: range must be requested"),
        ("bytes=5-2", "Range header: start must be less than end"),
        ("bytes=0-1,5-2", "Range header: start must be less than end"),
    ];
    for (range, text) in cases {
        let response = client.get("/f").header("range", range).send().await;
        assert_eq!(response.status(), 400, "{range}");
        assert_eq!(response.text(), text, "{range}");
        assert_eq!(
            header(&response, "content-type"),
            "text/plain; charset=utf-8"
        );
    }
}

#[tokio::test]
async fn if_range_must_match_the_etag_or_the_date() {
    let file = TempFile::new("hello.txt", CONTENT);
    let client = client_for(file.path());
    let full = client.get("/f").send().await;
    let etag = header(&full, "etag").to_string();
    let last_modified = header(&full, "last-modified").to_string();

    for if_range in [etag.as_str(), last_modified.as_str()] {
        let response = client
            .get("/f")
            .header("range", "bytes=2-5")
            .header("if-range", if_range)
            .send()
            .await;
        assert_eq!(response.status(), 206, "{if_range}");
        assert_eq!(&response.bytes()[..], &CONTENT[2..6]);
    }

    let stale = [
        "\"stale\"".to_string(),
        format!("W/{etag}"),
        "Thu, 01 Jan 1970 00:00:00 GMT".to_string(),
    ];
    for if_range in &stale {
        let response = client
            .get("/f")
            .header("range", "bytes=2-5")
            .header("if-range", if_range)
            .send()
            .await;
        assert_eq!(response.status(), 200, "{if_range}");
        assert_eq!(&response.bytes()[..], CONTENT);
        assert!(response.header("content-range").is_none());
    }

    // A stale If-Range sends the whole file even when the range is malformed.
    let response = client
        .get("/f")
        .header("range", "items=1-2")
        .header("if-range", "\"stale\"")
        .send()
        .await;
    assert_eq!(response.status(), 200);
}

#[tokio::test]
async fn given_headers_are_kept_and_a_given_etag_is_the_validator() {
    let file = TempFile::new("hello.txt", CONTENT);
    let path = file.path();
    let client = TestClient::new(app(move || {
        FileResponse::new(&path)
            .header(header::ETAG, HeaderValue::from_static("\"v1\""))
            .header(
                header::CACHE_CONTROL,
                HeaderValue::from_static("max-age=60"),
            )
            .header(header::CONTENT_LENGTH, HeaderValue::from_static("9999"))
    }));
    let response = client.get("/f").send().await;
    assert_eq!(header(&response, "etag"), "\"v1\"");
    assert_eq!(header(&response, "cache-control"), "max-age=60");
    assert_eq!(header(&response, "content-length"), "20");

    let response = client
        .get("/f")
        .header("if-none-match", "\"v1\"")
        .send()
        .await;
    assert_eq!(response.status(), 304);
    assert_eq!(header(&response, "cache-control"), "max-age=60");
    assert_eq!(header(&response, "etag"), "\"v1\"");

    let response = client
        .get("/f")
        .header("range", "bytes=0-1")
        .header("if-range", "\"v1\"")
        .send()
        .await;
    assert_eq!(response.status(), 206);
}

#[tokio::test]
async fn a_missing_file_or_a_directory_is_a_500() {
    let dir = TempFile::new("present.txt", CONTENT);
    let missing = dir.dir.join("missing.txt");
    let response = client_for(missing.clone()).get("/f").send().await;
    assert_eq!(response.status(), 500);
    assert_eq!(response.text(), "Internal Server Error");

    let response = client_for(dir.dir.clone()).get("/f").send().await;
    assert_eq!(response.status(), 500);

    // The error says what happened, and can be mapped to a 404 by a handler.
    let err = FileResponse::new(&missing)
        .into_response_async()
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("File at path {} does not exist.", missing.display())
    );
    assert_eq!(
        err.downcast_ref::<std::io::Error>().unwrap().kind(),
        std::io::ErrorKind::NotFound
    );
    let err = FileResponse::new(&dir.dir)
        .into_response_async()
        .await
        .unwrap_err();
    assert!(err.to_string().ends_with("is not a file."), "{err}");

    let path = missing.clone();
    let app = app(move || FileResponse::new(&path)).exception_handler(|err: std::io::Error| {
        if err.kind() == std::io::ErrorKind::NotFound {
            (StatusCode::NOT_FOUND, "gone").into_response()
        } else {
            (StatusCode::INTERNAL_SERVER_ERROR, "io").into_response()
        }
    });
    let response = TestClient::new(app).get("/f").send().await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.text(), "gone");
}

#[tokio::test]
async fn into_response_async_is_the_whole_file() {
    let file = TempFile::new("hello.txt", CONTENT);
    let response = FileResponse::new(file.path())
        .into_response_async()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-length"], "20");
    let body = response.into_body().collect().await.unwrap();
    assert_eq!(&body[..], CONTENT);

    // `respond_to` with any method and headers.
    let mut headers = http::HeaderMap::new();
    headers.insert(header::RANGE, HeaderValue::from_static("bytes=1-2"));
    let response = FileResponse::new(file.path())
        .respond_to(&http::Method::GET, &headers)
        .await
        .unwrap();
    assert_eq!(response.status(), 206);
    assert_eq!(
        &response.into_body().collect().await.unwrap()[..],
        &CONTENT[1..3]
    );
}

/// A deterministic, non-repeating-looking file of `len` bytes.
fn big_content(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

#[tokio::test]
async fn a_large_file_streams_over_a_socket_with_an_exact_length() {
    within(async {
        let len = (1 << 20) + 12_345;
        let content = big_content(len);
        let file = TempFile::new("big.bin", &content);
        let path = file.path();
        let server = LiveServer::start(app(move || FileResponse::new(&path)))
            .await
            .unwrap();
        let addr = server.addr();

        let r = parse_raw(&raw(addr, b"GET /f HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await);
        assert!(r.raw_head.starts_with("HTTP/1.1 200 OK\r\n"), "{}", r.raw_head);
        assert_eq!(r.header("content-length"), Some(&*len.to_string()));
        assert!(r.header("transfer-encoding").is_none(), "{}", r.raw_head);
        assert_eq!(r.header("content-type"), Some("application/octet-stream"));
        assert_eq!(r.body.len(), len);
        assert!(r.body == content, "the body differs from the file");

        // A range in the middle, crossing chunk boundaries.
        let r = parse_raw(&raw(addr, b"GET /f HTTP/1.1\r\nHost: test\r\nRange: bytes=65000-200000\r\nConnection: close\r\n\r\n").await);
        assert!(r.raw_head.starts_with("HTTP/1.1 206 Partial Content\r\n"), "{}", r.raw_head);
        assert_eq!(
            r.header("content-range"),
            Some(&*format!("bytes 65000-200000/{len}"))
        );
        assert_eq!(r.header("content-length"), Some("135001"));
        assert!(r.header("transfer-encoding").is_none());
        assert!(r.body == content[65000..=200000]);

        // Several ranges: the declared length is exactly what is sent.
        let r = parse_raw(&raw(addr, b"GET /f HTTP/1.1\r\nHost: test\r\nRange: bytes=0-99999, 500000-700000, -70000\r\nConnection: close\r\n\r\n").await);
        assert!(r.raw_head.starts_with("HTTP/1.1 206 "), "{}", r.raw_head);
        assert!(r.header("transfer-encoding").is_none());
        assert_eq!(r.header("content-length"), Some(&*r.body.len().to_string()));
        let boundary = boundary_of(r.header("content-type").unwrap());
        let parts = parse_multipart(&r.body, boundary);
        assert_eq!(parts.len(), 3);
        assert!(parts[0].1 == content[..100_000]);
        assert!(parts[1].1 == content[500_000..=700_000]);
        assert!(parts[2].1 == content[len - 70_000..]);

        // HEAD: the length, no body.
        let r = parse_raw(&raw(addr, b"HEAD /f HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n").await);
        assert!(r.raw_head.starts_with("HTTP/1.1 200 OK\r\n"), "{}", r.raw_head);
        assert_eq!(r.header("content-length"), Some(&*len.to_string()));
        assert!(r.body.is_empty());

        server.stop().await.unwrap();
    })
    .await;
}

#[tokio::test]
async fn a_real_http_client_reads_files_ranges_and_errors() {
    within(async {
        let content = big_content(300_000);
        let file = TempFile::new("big.bin", &content);
        let path = file.path();
        let server = LiveServer::start(app(move || FileResponse::new(&path)))
            .await
            .unwrap();
        let url = server.url("/f");
        let (full, status_416, status_400, ranged) = tokio::task::spawn_blocking(move || {
            let agent = agent(REQUEST_TIMEOUT);
            // Several requests over one keep-alive connection.
            let full = agent
                .get(&url)
                .call()
                .unwrap()
                .body_mut()
                .read_to_vec()
                .unwrap();
            let status_416 = agent
                .get(&url)
                .header("range", "bytes=999999-")
                .call()
                .unwrap()
                .status();
            let mut response = agent.get(&url).header("range", "items=1-2").call().unwrap();
            let status_400 = (
                response.status(),
                response.body_mut().read_to_string().unwrap(),
            );
            let ranged = agent
                .get(&url)
                .header("range", "bytes=10-19")
                .call()
                .unwrap()
                .body_mut()
                .read_to_vec()
                .unwrap();
            (full, status_416, status_400, ranged)
        })
        .await
        .unwrap();
        assert!(full == content);
        assert_eq!(status_416, 416);
        assert_eq!(status_400.0, 400);
        assert_eq!(status_400.1, "Only support bytes range");
        assert_eq!(ranged, &content[10..20]);
        server.stop().await.unwrap();
    })
    .await;
}

#[test]
fn the_path_is_kept() {
    assert_eq!(FileResponse::new("a/b.txt").path(), Path::new("a/b.txt"));
}

#[tokio::test]
async fn the_documented_endpoint_shape_compiles_and_runs() {
    let file = TempFile::new("hello.txt", CONTENT);
    static PATH: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    PATH.set(file.path()).unwrap();
    async fn download(req: Request) -> Result<Response, Error> {
        FileResponse::new(PATH.get().unwrap()).respond(&req).await
    }
    let app = Application::new().route(Route::new("/f", download));
    let response = TestClient::new(app).get("/f").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(&response.bytes()[..], CONTENT);
}

#[tokio::test]
async fn a_file_dated_before_1970_gets_the_earliest_http_date() {
    let file = TempFile::new("old.txt", CONTENT);
    let old = std::time::UNIX_EPOCH - Duration::from_secs(10 * 365 * 86_400);
    let handle = std::fs::File::options()
        .write(true)
        .open(file.path())
        .unwrap();
    if handle.set_modified(old).is_err() {
        return; // the file system cannot date a file before 1970
    }
    drop(handle);
    let client = client_for(file.path());
    let response = client.get("/f").send().await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        header(&response, "last-modified"),
        "Thu, 01 Jan 1970 00:00:00 GMT"
    );
    assert!(header(&response, "etag").starts_with("\"-"));
    assert_eq!(&response.bytes()[..], CONTENT);
}
