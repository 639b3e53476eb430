//! `files`, run as a process with its own `--dir` and spoken to over real sockets: uploads and
//! downloads with ureq, and requests whose exact bytes matter (traversal attempts, `DELETE`)
//! with the raw client of `common`.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use serde_json::{json, Value};

const FILES: &str = env!("CARGO_BIN_EXE_files");

/// How long a request may take: some move megabytes through a debug build.
const TRANSFER_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `files` server and the scratch directory it stores into (`<root>/store`),
/// both removed when dropped.
struct Files {
    server: Server,
    root: PathBuf,
    base: String,
}

impl Files {
    fn start() -> Files {
        static N: AtomicUsize = AtomicUsize::new(0);
        let root = std::env::temp_dir().join(format!(
            "ferrapi-files-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).unwrap();
        let store = root.join("store");
        let args = [
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--no-access-log",
            "--dir",
            store.to_str().unwrap(),
        ];
        let mut server = Server::spawn(command_for(FILES, &args, &[]));
        server.wait_ready();
        let base = format!("http://{}", server.addr());
        Files { server, root, base }
    }

    fn store(&self) -> PathBuf {
        self.root.join("store")
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Uploads `data` as the `file` part, named `filename`; the status and the JSON answer.
    fn upload(&self, filename: &str, data: &[u8]) -> (u16, Value) {
        let boundary = "ferrapi-test-boundary-7d1e9c";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; \
             filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let mut res = agent(TRANSFER_TIMEOUT)
            .post(self.url("/files"))
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .send(&body[..])
            .unwrap();
        let json = serde_json::from_slice(&res.body_mut().read_to_vec().unwrap())
            .unwrap_or_else(|e| panic!("upload answer is not JSON ({e})\n{}", self.server.logs()));
        (res.status().as_u16(), json)
    }

    /// Uploads `data`; its id.
    fn upload_ok(&self, filename: &str, data: &[u8]) -> String {
        let (status, json) = self.upload(filename, data);
        assert_eq!(status, 201, "{json}\n{}", self.server.logs());
        json["id"].as_str().unwrap().to_string()
    }

    /// A request with exact bytes on a fresh connection.
    fn raw(&self, method: &str, target: &str, extra: &[&str]) -> RawResponse {
        let mut req = format!("{method} {target} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n");
        for line in extra {
            req.push_str(line);
            req.push_str("\r\n");
        }
        req.push_str("\r\n");
        let mut client = connect(self.server.addr());
        client.send(req.as_bytes()).unwrap();
        client
            .read_response()
            .unwrap_or_else(|e| panic!("{method} {target}: {e}"))
    }

    /// The names in the store directory, sorted.
    fn stored_names(&self) -> Vec<String> {
        names(&self.store())
    }
}

impl Drop for Files {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.root);
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `len` bytes that do not repeat in any short period (xorshift), so a misplaced chunk shows.
fn data(len: usize) -> Vec<u8> {
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}

fn header<'a>(res: &'a ureq::http::Response<ureq::Body>, name: &str) -> &'a str {
    res.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

/// A 5 MiB upload answers 201 with the id, the name and the size; the file is stored under
/// its id in `--dir` and listed; downloading it gives the same bytes with `Content-Length`,
/// `Content-Disposition` (the original name) and `Accept-Ranges`.
#[test]
fn a_large_upload_downloads_byte_identical() {
    let files = Files::start();
    let content = data(5 * 1024 * 1024);
    let (status, stored) = files.upload("report 2024.pdf", &content);
    assert_eq!(status, 201, "{stored}");
    let id = stored["id"].as_str().unwrap().to_string();
    assert!(
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "{id}"
    );
    assert_eq!(stored["filename"], "report 2024.pdf");
    assert_eq!(stored["size"], content.len());
    assert_eq!(stored["content_type"], "application/octet-stream");

    assert_eq!(files.stored_names(), [id.clone(), format!("{id}.json")]);
    assert_eq!(
        fs::metadata(files.store().join(&id)).unwrap().len(),
        content.len() as u64
    );

    let list = agent(TRANSFER_TIMEOUT)
        .get(files.url("/files"))
        .call()
        .unwrap()
        .body_mut()
        .read_to_vec()
        .unwrap();
    let list: Value = serde_json::from_slice(&list).unwrap();
    assert_eq!(list, json!([stored]));

    let mut res = agent(TRANSFER_TIMEOUT)
        .get(files.url(&format!("/files/{id}")))
        .call()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-length"), content.len().to_string());
    assert_eq!(
        header(&res, "content-disposition"),
        "attachment; filename*=utf-8''report%202024.pdf"
    );
    assert_eq!(header(&res, "accept-ranges"), "bytes");
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    let body = res
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .unwrap();
    assert!(body == content, "the download differs from the upload");
}

/// Ranges, for resuming: `bytes=a-b` is a 206 with exactly those bytes and `Content-Range`;
/// an open-ended range gives the rest (a resumed download), a suffix range the end;
/// `If-Range` with the current ETag honours the range, with another ETag sends the whole file;
/// a range past the end is a 416.
#[test]
fn ranges_resume_downloads() {
    let files = Files::start();
    let content = data(100_000);
    let id = files.upload_ok("data.bin", &content);
    let url = files.url(&format!("/files/{id}"));
    let get = |range: &str, if_range: Option<&str>| {
        let mut req = agent(TRANSFER_TIMEOUT).get(&url).header("range", range);
        if let Some(etag) = if_range {
            req = req.header("if-range", etag);
        }
        let mut res = req.call().unwrap();
        let body = res.body_mut().read_to_vec().unwrap();
        (res, body)
    };

    let (res, body) = get("bytes=1000-1999", None);
    assert_eq!(res.status(), 206);
    assert_eq!(header(&res, "content-range"), "bytes 1000-1999/100000");
    assert_eq!(header(&res, "content-length"), "1000");
    assert!(body == content[1000..2000]);
    let etag = header(&res, "etag").to_string();

    // Resuming after 60,000 bytes.
    let (res, body) = get("bytes=60000-", Some(&etag));
    assert_eq!(res.status(), 206);
    assert_eq!(header(&res, "content-range"), "bytes 60000-99999/100000");
    assert!(body == content[60000..]);

    let (res, body) = get("bytes=-100", None);
    assert_eq!(res.status(), 206);
    assert!(body == content[content.len() - 100..]);

    // The file changed (another ETag): the whole file, not a piece of the new one.
    let (res, body) = get("bytes=60000-", Some("\"stale\""));
    assert_eq!(res.status(), 200);
    assert!(body == content);

    let (res, _) = get("bytes=100000-", None);
    assert_eq!(res.status(), 416);
    assert_eq!(header(&res, "content-range"), "bytes */100000");
}

/// An id that does not exist is a 404 for `GET` and `DELETE`; `DELETE` of a stored file is a
/// 204 that removes it from the list and from the disk.
#[test]
fn unknown_ids_and_delete() {
    let files = Files::start();
    let unknown = "0123456789abcdef0123456789abcdef";
    let res = files.raw("GET", &format!("/files/{unknown}"), &[]);
    assert_eq!(
        (res.status, res.text()),
        (404, r#"{"detail":"File not found"}"#.to_string())
    );
    assert_eq!(
        files
            .raw("DELETE", &format!("/files/{unknown}"), &[])
            .status,
        404
    );

    let keep = files.upload_ok("keep.txt", b"keep me");
    let gone = files.upload_ok("gone.txt", b"delete me");
    let res = files.raw("DELETE", &format!("/files/{gone}"), &[]);
    assert_eq!(res.status, 204, "{}", res.text());
    assert!(res.body.is_empty());
    assert_eq!(files.raw("GET", &format!("/files/{gone}"), &[]).status, 404);
    assert_eq!(
        files.raw("DELETE", &format!("/files/{gone}"), &[]).status,
        404
    );
    assert_eq!(files.stored_names(), [keep.clone(), format!("{keep}.json")]);

    let list: Value = serde_json::from_slice(&files.raw("GET", "/files", &[]).body).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], keep);
    assert_eq!(list[0]["filename"], "keep.txt");
    let res = files.raw("GET", &format!("/files/{keep}"), &[]);
    assert_eq!((res.status, res.text()), (200, "keep me".to_string()));
}

/// Path traversal: ids that try to leave the directory (raw `..`, encoded `%2e%2e` and `%2F`,
/// absolute paths) are refused with 404 or 422 for `GET` and `DELETE`, and the file next to
/// the store is neither served nor deleted; file names with `../` or `..\` are kept as plain
/// labels and nothing is written outside `--dir`.
#[test]
fn traversal_attempts_are_refused() {
    let files = Files::start();
    let secret = files.root.join("secret.txt");
    fs::write(&secret, "top secret").unwrap();
    // A metadata file next to the store, as a traversal would need to find one.
    fs::write(files.root.join("secret.txt.json"), "{}").unwrap();

    let attempts = [
        "/files/../secret.txt",
        "/files/..%2Fsecret.txt",
        "/files/..%2fsecret.txt",
        "/files/%2e%2e%2fsecret.txt",
        "/files/%2E%2E/secret.txt",
        "/files/..",
        "/files/%2e%2e",
        "/files/..%5Csecret.txt",
        "/files/%2Fetc%2Fpasswd",
        "/files//etc/passwd",
        "/files/0123456789abcdef0123456789abcdef%2F..%2F..%2Fsecret.txt",
        "/files/0123456789ABCDEF0123456789ABCDEF",
    ];
    for target in attempts {
        for method in ["GET", "DELETE"] {
            let res = files.raw(method, target, &[]);
            assert!(
                res.status == 404 || res.status == 422,
                "{method} {target}: {} {}",
                res.status,
                res.text()
            );
            assert!(!res.text().contains("top secret"), "{method} {target}");
        }
    }
    assert_eq!(fs::read_to_string(&secret).unwrap(), "top secret");

    let a = files.upload_ok("../../escape.txt", b"a");
    let b = files.upload_ok("..\\..\\windows.txt", b"b");
    let c = files.upload_ok("/etc/passwd", b"c");
    let d = files.upload_ok("..", b"d");
    let list: Value = serde_json::from_slice(&files.raw("GET", "/files", &[]).body).unwrap();
    let label = |id: &str| {
        list.as_array()
            .unwrap()
            .iter()
            .find(|f| f["id"] == id)
            .map(|f| f["filename"].clone())
    };
    assert_eq!(label(&a), Some(json!("escape.txt")));
    assert_eq!(label(&b), Some(json!("windows.txt")));
    assert_eq!(label(&c), Some(json!("passwd")));
    assert_eq!(label(&d), Some(json!("upload")));
    assert_eq!(
        names(&files.root),
        ["secret.txt", "secret.txt.json", "store"],
        "nothing was written next to the store"
    );
    let mut expected: Vec<String> = [&a, &b, &c, &d]
        .iter()
        .flat_map(|id| [id.to_string(), format!("{id}.json")])
        .collect();
    expected.sort();
    assert_eq!(files.stored_names(), expected);
}

/// The command line is the server's with `--dir` added: `--help` lists both, and a `--dir`
/// that cannot be created is an error (exit status 2) before anything is served.
#[test]
fn the_command_line_adds_dir_to_the_server_flags() {
    let out = command_for(FILES, &["--help"], &[]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8_lossy(&out.stdout);
    for flag in [
        "--dir <DIR>",
        "--port <PORT>",
        "--workers",
        "--limit-max-body-size",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}:\n{help}");
    }

    let file = std::env::temp_dir().join(format!("ferrapi-files-test-{}-file", std::process::id()));
    fs::write(&file, "not a directory").unwrap();
    let dir = file.join("store");
    let out = command_for(FILES, &["--port", "0", "--dir", dir.to_str().unwrap()], &[])
        .output()
        .unwrap();
    let _ = fs::remove_file(&file);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error: --dir"));
}
