//! `formparsers` and `uploads`: urlencoded and multipart forms read as streams, uploads
//! spooled to disk, Starlette's limits and messages, hostile bodies, in process and over real
//! sockets.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{parse_raw, within};
use ferrapi_toolkit::formparsers::FormLimits;
use ferrapi_toolkit::testclient::{LiveServer, TestClient};
use ferrapi_toolkit::{
    Application, Error, FormData, FormValue, Json, Method, PlainText, Request, Route, UploadFile,
};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: usize = 1024 * 1024;
const BOUNDARY: &str = "----ferrapi-boundary-7MA4YWxkTrZu0gW";

async fn describe(form: &FormData) -> Value {
    let mut items = Vec::new();
    for (name, value) in form.iter() {
        match value {
            FormValue::Text(text) => items.push(json!([name, text])),
            FormValue::File(file) => {
                // Observed while the request is being handled.
                let path = file.path().map(|p| p.to_string_lossy().into_owned());
                let exists = file.path().map(|p| p.exists());
                let content = file.read().await.expect("read the upload");
                items.push(json!([name, {
                    "filename": file.filename(),
                    "content_type": file.content_type(),
                    "size": file.size(),
                    "in_memory": file.in_memory(),
                    "path": path,
                    "exists": exists,
                    "len": content.len(),
                    "checksum": checksum(&content),
                    "head": String::from_utf8_lossy(&content[..content.len().min(40)]),
                    "x_header": file.headers().get("x-extra").and_then(|v| v.to_str().ok()),
                }]));
            }
        }
    }
    json!(items)
}

fn checksum(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| (i as u64 % 251 + 1) * b as u64)
        .sum()
}

/// Limits from the query string (`max_fields`, `max_files`, `max_part_size`, `max_body_size`,
/// `spool`).
fn limits(req: &Request) -> FormLimits {
    let q = req.query_params();
    let num = |k: &str| q.get(k).and_then(|v| v.parse::<u64>().ok());
    let mut limits = FormLimits::new();
    if let Some(n) = num("max_fields") {
        limits = limits.max_fields(n as usize);
    }
    if let Some(n) = num("max_files") {
        limits = limits.max_files(n as usize);
    }
    if let Some(n) = num("max_part_size") {
        limits = limits.max_part_size(n as usize);
    }
    if let Some(n) = num("max_body_size") {
        limits = limits.max_body_size(n);
    }
    if let Some(n) = num("spool") {
        limits = limits.spool_max_size(n as usize);
    }
    limits
}

async fn form(mut req: Request) -> Result<Json<Value>, Error> {
    let limits = limits(&req);
    let form = req.form_with(limits).await?;
    Ok(Json(
        json!({ "len": form.len(), "items": describe(&form).await }),
    ))
}

async fn default_form(mut req: Request) -> Result<Json<Value>, Error> {
    let form = req.form().await?;
    Ok(Json(
        json!({ "len": form.len(), "items": describe(&form).await }),
    ))
}

/// A form, then the body again (only possible when the form did not consume it).
async fn form_then_body(mut req: Request) -> Result<PlainText<String>, Error> {
    let form = req.form().await?;
    let body = req.body().await?;
    Ok(PlainText(format!(
        "{} {}",
        form.len(),
        String::from_utf8_lossy(&body)
    )))
}

/// Returns the temporary file's path (checked to exist), for the test to check it is gone.
async fn upload_path(mut req: Request) -> Result<PlainText<String>, Error> {
    let form = req.form().await?;
    let file = form.get_file("file").expect("a file");
    let path = file.path().expect("rolled to disk").to_path_buf();
    assert!(
        path.exists(),
        "the temporary file exists during the request"
    );
    Ok(PlainText(path.to_string_lossy().into_owned()))
}

async fn ping(_req: Request) -> PlainText<&'static str> {
    PlainText("pong")
}

fn app() -> Application {
    Application::new()
        .route(Route::new("/form", form).methods([Method::POST]))
        .route(Route::new("/default", default_form).methods([Method::POST]))
        .route(Route::new("/form-then-body", form_then_body).methods([Method::POST]))
        .route(Route::new("/upload-path", upload_path).methods([Method::POST]))
        .route(Route::new("/ping", ping))
}

/// One part: its header lines (without the final blank line) and its data.
fn part(headers: &str, data: &[u8]) -> (String, Vec<u8>) {
    (headers.to_string(), data.to_vec())
}

fn text(name: &str, value: &str) -> (String, Vec<u8>) {
    part(
        &format!("Content-Disposition: form-data; name=\"{name}\""),
        value.as_bytes(),
    )
}

fn file(name: &str, filename: &str, content_type: &str, data: &[u8]) -> (String, Vec<u8>) {
    part(
        &format!(
            "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}"
        ),
        data,
    )
}

fn multipart(parts: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut body = Vec::new();
    for (headers, data) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n{headers}\r\n\r\n").as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// Deterministic bytes of every value.
fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 + i / 251) as u8).collect()
}

async fn post_multipart(
    client: &TestClient<ferrapi_toolkit::BuiltApplication>,
    path: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let r = client
        .post(path)
        .header("content-type", &multipart_type())
        .body(body)
        .send()
        .await;
    (r.status().as_u16(), r.text())
}

async fn post_urlencoded(
    client: &TestClient<ferrapi_toolkit::BuiltApplication>,
    path: &str,
    body: impl Into<bytes::Bytes>,
) -> (u16, String) {
    let r = client
        .post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.into())
        .send()
        .await;
    (r.status().as_u16(), r.text())
}

fn items(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"));
    v["items"].clone()
}

#[tokio::test]
async fn urlencoded_fields() {
    within(async {
        let client = TestClient::new(app());
        let (status, body) = post_urlencoded(
            &client,
            "/form",
            "a=1&a=2&b=x+y%20z&c&=e&&d=%E2%82%AC%2B&bad=%zz%FF&&",
        )
        .await;
        assert_eq!(status, 200, "{body}");
        assert_eq!(
            items(&body),
            json!([
                ["a", "1"],
                ["a", "2"],
                ["b", "x y z"],
                ["c", ""],
                ["", "e"],
                ["d", "€+"],
                ["bad", "%zz\u{fffd}"],
            ])
        );
        // TestClient's own urlencoded builder, through `form()` with default limits.
        let r = client
            .post("/default")
            .form(&[("name", "Ann & Bob"), ("name", "=x?")])
            .send()
            .await;
        assert_eq!(
            items(&r.text()),
            json!([["name", "Ann & Bob"], ["name", "=x?"]])
        );
        // Empty body, and a media type with parameters and odd case.
        let r = client
            .post("/form")
            .header(
                "content-type",
                "Application/X-WWW-Form-Urlencoded; charset=utf-8",
            )
            .body("k=v")
            .send()
            .await;
        assert_eq!(items(&r.text()), json!([["k", "v"]]));
        let (status, body) = post_urlencoded(&client, "/form", "").await;
        assert_eq!((status, items(&body)), (200, json!([])));
    })
    .await;
}

#[tokio::test]
async fn other_content_types_give_an_empty_form_and_leave_the_body() {
    within(async {
        let client = TestClient::new(app());
        let r = client
            .post("/form-then-body")
            .header("content-type", "application/json")
            .body(r#"{"a":1}"#)
            .send()
            .await;
        assert_eq!(r.text(), r#"0 {"a":1}"#);
        let r = client.post("/form-then-body").body("a=1").send().await;
        assert_eq!(r.text(), "0 a=1");
        // A form consumes the body as a stream: reading it again is an error (a 500).
        let r = client
            .post("/form-then-body")
            .form(&[("a", "1")])
            .send()
            .await;
        assert_eq!(r.status(), 500);
    })
    .await;
}

#[tokio::test]
async fn multipart_text_fields_and_small_files() {
    within(async {
        let client = TestClient::new(app());
        let body = multipart(&[
            text("title", "Hello, world"),
            text("title", "second"),
            text("utf8", "héllo €"),
            text("empty", ""),
            file("doc", "a.txt", "text/plain", b"file content\r\n--not a boundary"),
            part(
                "Content-Disposition: form-data; name=\"raw\"; filename=\"data.bin\"\r\nX-Extra: yes",
                &[0, 1, 2, 255],
            ),
            part(
                "content-disposition: form-data; name=\"blank\"; filename=\"\"",
                b"",
            ),
        ]);
        let (status, body) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 200, "{body}");
        let items = items(&body);
        assert_eq!(items[0], json!(["title", "Hello, world"]));
        assert_eq!(items[1], json!(["title", "second"]));
        assert_eq!(items[2], json!(["utf8", "héllo €"]));
        assert_eq!(items[3], json!(["empty", ""]));
        let doc = &items[4][1];
        assert_eq!(items[4][0], "doc");
        assert_eq!(doc["filename"], "a.txt");
        assert_eq!(doc["content_type"], "text/plain");
        assert_eq!(doc["size"], 30);
        assert_eq!(doc["in_memory"], true);
        assert_eq!(doc["path"], Value::Null);
        assert_eq!(doc["head"], "file content\r\n--not a boundary");
        let raw = &items[5][1];
        assert_eq!(raw["filename"], "data.bin");
        assert_eq!(raw["content_type"], Value::Null);
        assert_eq!(raw["size"], 4);
        assert_eq!(raw["checksum"], checksum(&[0, 1, 2, 255]));
        assert_eq!(raw["x_header"], "yes");
        // An empty filename still makes a file part, as in Starlette.
        assert_eq!(items[6][1]["filename"], "");
        assert_eq!(items[6][1]["size"], 0);
    })
    .await;
}

#[tokio::test]
async fn form_data_accessors() {
    async fn endpoint(mut req: Request) -> Result<Json<Value>, Error> {
        let form = req.form().await?;
        let file = form.get_file("f").expect("file f");
        let first = file.read_chunk(3).await?;
        let rest = file.read().await?;
        let at_end = file.read().await?;
        file.seek(1).await?;
        let again = file.read_chunk(100).await?;
        Ok(Json(json!({
            "a": form.get_text("a"),
            "all_a": form.get_all("a").map(|v| v.as_text()).collect::<Vec<_>>(),
            "f_is_text": form.get_text("f"),
            "has_f": form.contains_key("f"),
            "has_z": form.contains_key("z"),
            "len": form.len(),
            "first": String::from_utf8_lossy(&first),
            "rest": String::from_utf8_lossy(&rest),
            "at_end": at_end.len(),
            "again": String::from_utf8_lossy(&again),
            "keys": form.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        })))
    }
    within(async {
        let client = TestClient::new(
            Application::new().route(Route::new("/", endpoint).methods([Method::POST])),
        );
        let body = multipart(&[
            text("a", "1"),
            file("f", "f.txt", "text/plain", b"abcdef"),
            text("a", "2"),
        ]);
        let (status, body) = post_multipart(&client, "/", body).await;
        assert_eq!(status, 200, "{body}");
        let v: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            v,
            json!({
                "a": "2", "all_a": ["1", "2"], "f_is_text": null, "has_f": true, "has_z": false,
                "len": 3, "first": "abc", "rest": "def", "at_end": 0, "again": "bcdef",
                "keys": ["a", "f", "a"],
            })
        );
    })
    .await;
}

#[tokio::test]
async fn filenames_and_names() {
    within(async {
        let client = TestClient::new(app());
        let body = multipart(&[
            // Raw UTF-8 in a quoted filename, as browsers send it.
            part(
                "Content-Disposition: form-data; name=\"naïve\"; filename=\"résumé 2024.pdf\"\r\nContent-Type: application/pdf",
                b"%PDF",
            ),
            // RFC 5987 `filename*` only: used (python-multipart would ignore it).
            part(
                "Content-Disposition: form-data; name=\"ext\"; filename*=UTF-8''%E2%82%AC%20rates.txt",
                b"x",
            ),
            // Both: the plain `filename` wins, as RFC 7578 and Starlette say.
            part(
                "Content-Disposition: form-data; name=\"both\"; filename*=UTF-8''other.txt; filename=\"plain.txt\"",
                b"y",
            ),
            // A Windows path (IE6): only the last component is kept.
            part(
                "Content-Disposition: form-data; name=\"ie\"; filename=\"C:\\\\Users\\\\me\\\\photo.jpg\"",
                b"z",
            ),
            // Quoted `;` and escaped quotes in a filename; unquoted values.
            part(
                "Content-Disposition: form-data; name=\"q\"; filename=\"a;b \\\"c\\\".txt\"",
                b"q",
            ),
            part("Content-Disposition: form-data; name=unquoted", b"u"),
        ]);
        let (status, body) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 200, "{body}");
        let items = items(&body);
        assert_eq!(items[0][0], "naïve");
        assert_eq!(items[0][1]["filename"], "résumé 2024.pdf");
        assert_eq!(items[0][1]["content_type"], "application/pdf");
        assert_eq!(items[1][1]["filename"], "€ rates.txt");
        assert_eq!(items[2][1]["filename"], "plain.txt");
        assert_eq!(items[3][1]["filename"], "photo.jpg");
        assert_eq!(items[4][1]["filename"], "a;b \"c\".txt");
        assert_eq!(items[5], json!(["unquoted", "u"]));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_uploads_roll_to_a_temporary_file_deleted_after_the_request() {
    within(async {
        let client = TestClient::new(app());
        let big = data(3 * MIB + 17);
        let body = multipart(&[
            text("note", "big one"),
            file("big", "big.bin", "application/octet-stream", &big),
            file("small", "s.txt", "text/plain", &data(MIB)),
        ]);
        let (status, body) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 200, "{body}");
        let list = items(&body);
        let info = &list[1][1];
        assert_eq!(info["size"], big.len());
        assert_eq!(info["len"], big.len());
        assert_eq!(info["checksum"], checksum(&big));
        assert_eq!(info["in_memory"], false);
        assert_eq!(info["exists"], true);
        let path = PathBuf::from(info["path"].as_str().unwrap());
        assert!(
            !path.exists(),
            "the temporary file is gone after the request"
        );
        // Exactly 1 MiB stays in memory (Starlette rolls past `spool_max_size`).
        assert_eq!(list[2][1]["in_memory"], true);
        assert_eq!(list[2][1]["size"], MIB);

        // A smaller spool size rolls sooner.
        let body = multipart(&[file("f", "f", "text/plain", &data(100))]);
        let (_, body) = post_multipart(&client, "/form?spool=10", body).await;
        assert_eq!(items(&body)[0][1]["in_memory"], false);
        assert_eq!(items(&body)[0][1]["checksum"], checksum(&data(100)));

        // The endpoint sees the file; once the response is out it is deleted.
        let body = multipart(&[file("file", "f", "text/plain", &data(2 * MIB))]);
        let (status, path) = post_multipart(&client, "/upload-path", body).await;
        assert_eq!(status, 200, "{path}");
        assert!(!PathBuf::from(path).exists());
    })
    .await;
}

#[tokio::test]
async fn upload_file_api() {
    within(async {
        let file = UploadFile::with_spool_max_size(Some("x".into()), http::HeaderMap::new(), 8);
        file.write(b"12345").await.unwrap();
        assert!(file.in_memory());
        file.write(b"6789").await.unwrap();
        assert!(!file.in_memory());
        let path = file.path().unwrap().to_path_buf();
        assert!(path.exists());
        file.seek(0).await.unwrap();
        assert_eq!(file.read().await.unwrap(), "123456789");
        file.seek(2).await.unwrap();
        assert_eq!(file.read_chunk(3).await.unwrap(), "345");
        assert_eq!(file.size(), 9);
        file.close().await;
        assert!(!path.exists(), "close deletes the temporary file");
        assert!(file.read().await.is_err());

        let file = UploadFile::with_spool_max_size(None, http::HeaderMap::new(), 4);
        file.write(b"abcdefgh").await.unwrap();
        let path = file.path().unwrap().to_path_buf();
        assert!(path.exists());
        drop(file);
        assert!(!path.exists(), "dropping deletes the temporary file");
    })
    .await;
}

#[tokio::test]
async fn limits_and_their_messages() {
    within(async {
        let client = TestClient::new(app());
        let three = multipart(&[text("a", "1"), text("b", "2"), text("c", "3")]);
        assert_eq!(
            post_multipart(&client, "/form?max_fields=2", three.clone()).await,
            (
                400,
                "Too many fields. Maximum number of fields is 2.".to_string()
            )
        );
        assert_eq!(
            post_multipart(&client, "/form?max_fields=3", three).await.0,
            200
        );
        assert_eq!(
            post_urlencoded(&client, "/form?max_fields=2", "a=1&b=2&c=3").await,
            (
                400,
                "Too many fields. Maximum number of fields is 2.".to_string()
            )
        );
        // Files do not count as fields, and the other way round.
        let files = multipart(&[
            text("t", "x"),
            file("f", "1.txt", "text/plain", b"1"),
            file("f", "2.txt", "text/plain", b"2"),
        ]);
        assert_eq!(
            post_multipart(&client, "/form?max_files=1&max_fields=1", files.clone()).await,
            (
                400,
                "Too many files. Maximum number of files is 1.".to_string()
            )
        );
        assert_eq!(
            post_multipart(&client, "/form?max_files=2&max_fields=1", files)
                .await
                .0,
            200
        );
        // Text parts over `max_part_size`; files are not limited by it.
        let big_text = multipart(&[text("t", &"x".repeat(1025))]);
        assert_eq!(
            post_multipart(&client, "/form?max_part_size=1024", big_text).await,
            (400, "Part exceeded maximum size of 1KB.".to_string())
        );
        let exact = multipart(&[text("t", &"x".repeat(1024))]);
        assert_eq!(
            post_multipart(&client, "/form?max_part_size=1024", exact)
                .await
                .0,
            200
        );
        let big_file = multipart(&[file("f", "f", "text/plain", &data(5000))]);
        assert_eq!(
            post_multipart(&client, "/form?max_part_size=1024", big_file)
                .await
                .0,
            200
        );
        // Starlette's default: 1 MiB.
        let default_text = multipart(&[text("t", &"x".repeat(MIB + 1))]);
        assert_eq!(
            post_multipart(&client, "/default", default_text).await,
            (400, "Part exceeded maximum size of 1024KB.".to_string())
        );
        // Urlencoded: the name and value bytes count, the `=` does not.
        let field = format!("{}={}", "n".repeat(24), "v".repeat(1000));
        assert_eq!(
            post_urlencoded(&client, "/form?max_part_size=1024", field)
                .await
                .0,
            200
        );
        let field = format!("ok=1&{}={}", "n".repeat(25), "v".repeat(1000));
        assert_eq!(
            post_urlencoded(&client, "/form?max_part_size=1024", field).await,
            (400, "Field exceeded maximum size of 1KB.".to_string())
        );
        let default_field = format!("a={}", "v".repeat(MIB));
        assert_eq!(
            post_urlencoded(&client, "/default", default_field).await,
            (400, "Field exceeded maximum size of 1024KB.".to_string())
        );
        // The whole body.
        let body = multipart(&[file("f", "f", "text/plain", &data(4000))]);
        assert_eq!(
            post_multipart(&client, "/form?max_body_size=1000", body.clone()).await,
            (413, "Content Too Large".to_string())
        );
        let len = body.len();
        assert_eq!(
            post_multipart(&client, &format!("/form?max_body_size={len}"), body)
                .await
                .0,
            200
        );
        assert_eq!(
            post_urlencoded(&client, "/form?max_body_size=10", "a=12345678901").await,
            (413, "Content Too Large".to_string())
        );
    })
    .await;
}

#[tokio::test]
async fn hostile_multipart_bodies() {
    within(async {
        let client = TestClient::new(app());
        let post = |content_type: &'static str, body: Vec<u8>| {
            let client = &client;
            async move {
                let r = client
                    .post("/form")
                    .header("content-type", content_type)
                    .body(body)
                    .send()
                    .await;
                (r.status().as_u16(), r.text())
            }
        };
        assert_eq!(
            post("multipart/form-data", multipart(&[text("a", "1")])).await,
            (400, "Missing boundary in multipart.".to_string())
        );
        assert_eq!(
            post(
                "multipart/form-data; boundary=",
                multipart(&[text("a", "1")])
            )
            .await,
            (400, "Missing boundary in multipart.".to_string())
        );
        // Not multipart at all.
        let (status, detail) = (post_multipart(&client, "/form", b"hello world".to_vec())).await;
        assert_eq!(status, 400);
        assert!(detail.starts_with("Invalid multipart data: "), "{detail}");
        // Garbage after the part headers: no closing boundary.
        let mut body =
            format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n")
                .into_bytes();
        body.extend_from_slice(&[0xff; 300]);
        let (status, detail) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 400);
        assert!(detail.starts_with("Invalid multipart data: "), "{detail}");
        assert!(
            detail.contains("incomplete"),
            "the reason is given: {detail}"
        );
        // Headers that never end.
        let body = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"a\"\r\nX: ")
            .into_bytes();
        let (status, detail) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 400);
        assert!(detail.starts_with("Invalid multipart data: "), "{detail}");
        // A malformed header line.
        let body =
            format!("--{BOUNDARY}\r\nno colon here\r\n\r\nx\r\n--{BOUNDARY}--\r\n").into_bytes();
        let (status, detail) = post_multipart(&client, "/form", body).await;
        assert_eq!(status, 400);
        assert!(detail.starts_with("Invalid multipart data: "), "{detail}");
        // Truncated in a file part: nothing is kept.
        let full = multipart(&[file(
            "f",
            "f.bin",
            "application/octet-stream",
            &data(50_000),
        )]);
        let (status, detail) =
            post_multipart(&client, "/form", full[..full.len() / 2].to_vec()).await;
        assert_eq!(status, 400);
        assert!(detail.starts_with("Invalid multipart data: "), "{detail}");
        // A part without a name, or without Content-Disposition.
        for headers in [
            "Content-Disposition: form-data; filename=\"x.txt\"",
            "Content-Disposition: form-data",
            "Content-Type: text/plain",
        ] {
            let body = multipart(&[part(headers, b"x")]);
            assert_eq!(
                post_multipart(&client, "/form", body).await,
                (
                    400,
                    "The Content-Disposition header field \"name\" must be provided.".to_string()
                ),
                "{headers}"
            );
        }
        // Invalid UTF-8 in a text part falls back to Latin-1, as Starlette's decoding does.
        let body = multipart(&[part(
            "Content-Disposition: form-data; name=\"l\"",
            &[b'a', 0xe9],
        )]);
        let (status, body) = post_multipart(&client, "/form", body).await;
        assert_eq!((status, items(&body)), (200, json!([["l", "aé"]])));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_tiny_fields() {
    within(async {
        let client = TestClient::new(app());
        let parts: Vec<_> = (0..10_000).map(|i| text(&format!("f{i}"), "v")).collect();
        let body = multipart(&parts);
        let started = std::time::Instant::now();
        assert_eq!(
            post_multipart(&client, "/default", body.clone()).await,
            (
                400,
                "Too many fields. Maximum number of fields is 1000.".to_string()
            )
        );
        let (status, text) = post_multipart(&client, "/form?max_fields=10000", body).await;
        assert_eq!(status, 200);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["len"], 10_000);

        let urlencoded: Vec<String> = (0..10_000).map(|i| format!("f{i}=v")).collect();
        let urlencoded = urlencoded.join("&");
        assert_eq!(
            post_urlencoded(&client, "/default", urlencoded.clone()).await,
            (
                400,
                "Too many fields. Maximum number of fields is 1000.".to_string()
            )
        );
        let (status, text) = post_urlencoded(&client, "/form?max_fields=10000", urlencoded).await;
        assert_eq!(status, 200);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap()["len"], 10_000);
        // Empty fields (`&&&`) are skipped and do not count.
        let (status, _) = post_urlencoded(&client, "/form?max_fields=1", "&".repeat(100_000)).await;
        assert_eq!(status, 200);
        assert!(started.elapsed() < Duration::from_secs(20));

        // 10,000 tiny files against the default of 1000.
        let parts: Vec<_> = (0..10_000)
            .map(|i| file("f", &format!("{i}.txt"), "text/plain", b"x"))
            .collect();
        assert_eq!(
            post_multipart(&client, "/default", multipart(&parts)).await,
            (
                400,
                "Too many files. Maximum number of files is 1000.".to_string()
            )
        );
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forms_over_a_socket() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let big = data(2 * MIB + 3);
        let body = multipart(&[
            text("name", "ann"),
            file("upload", "ü.bin", "application/octet-stream", &big),
        ]);
        let ct = multipart_type();
        let r = common::request(
            "POST",
            &server.url("/form"),
            &[("content-type", ct.as_str())],
            Some(body),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text());
        let items = items(&r.text());
        assert_eq!(items[0], json!(["name", "ann"]));
        assert_eq!(items[1][1]["filename"], "ü.bin");
        assert_eq!(items[1][1]["checksum"], checksum(&big));
        assert_eq!(items[1][1]["in_memory"], false);
        assert_eq!(items[1][1]["exists"], true);
        assert!(!PathBuf::from(items[1][1]["path"].as_str().unwrap()).exists());

        let r = common::request(
            "POST",
            &server.url("/form?max_fields=1"),
            &[("content-type", "application/x-www-form-urlencoded")],
            Some(b"a=1&b=2".to_vec()),
        )
        .await;
        assert_eq!(
            (r.status, r.text()),
            (
                400,
                "Too many fields. Maximum number of fields is 1.".to_string()
            )
        );

        // A chunked body (no Content-Length) over the whole-body limit.
        let mut request = format!(
            "POST /form?max_body_size=100 HTTP/1.1\r\nhost: t\r\ncontent-type: {ct}\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n"
        )
        .into_bytes();
        let payload = multipart(&[text("a", &"x".repeat(500))]);
        for chunk in payload.chunks(64) {
            request.extend_from_slice(format!("{:x}\r\n", chunk.len()).as_bytes());
            request.extend_from_slice(chunk);
            request.extend_from_slice(b"\r\n");
        }
        request.extend_from_slice(b"0\r\n\r\n");
        let response = parse_raw(&common::raw(server.addr(), &request).await);
        assert_eq!(response.status, 413);
        assert!(String::from_utf8_lossy(&response.body).contains("Content Too Large"));

        // Content-Length over the limit: refused before reading.
        let request = format!(
            "POST /form?max_body_size=100 HTTP/1.1\r\nhost: t\r\ncontent-type: application/x-www-form-urlencoded\r\ncontent-length: 101\r\nconnection: close\r\n\r\n{}",
            "a".repeat(101)
        );
        let response = parse_raw(&common::raw(server.addr(), request.as_bytes()).await);
        assert_eq!(response.status, 413);
        server.stop().await.unwrap();
    })
    .await;
}

/// A large upload in progress (its body half sent) does not hold up other requests, even on a
/// single-threaded runtime.
#[tokio::test]
async fn a_large_upload_does_not_block_other_requests() {
    within(async {
        let server = LiveServer::start(app()).await.unwrap();
        let big = data(4 * MIB);
        let body = multipart(&[file("file", "big.bin", "application/octet-stream", &big)]);
        let head = format!(
            "POST /form HTTP/1.1\r\nhost: t\r\ncontent-type: {}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
            multipart_type(),
            body.len()
        );
        let mut upload = TcpStream::connect(server.addr()).await.unwrap();
        upload.write_all(head.as_bytes()).await.unwrap();
        let half = body.len() / 2;
        upload.write_all(&body[..half]).await.unwrap();
        upload.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(100)).await;

        for _ in 0..3 {
            let r = common::get(&server.url("/ping")).await;
            assert_eq!((r.status, r.text()), (200, "pong".to_string()));
        }

        upload.write_all(&body[half..]).await.unwrap();
        let mut out = Vec::new();
        upload.read_to_end(&mut out).await.unwrap();
        let response = parse_raw(&out);
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&out));
        let v: Value = serde_json::from_slice(&response.body).unwrap();
        assert_eq!(v["items"][0][1]["checksum"], checksum(&big));
        assert_eq!(v["items"][0][1]["in_memory"], false);
        server.stop().await.unwrap();
    })
    .await;
}
