//! Form fields and files (FastAPI's `Form()`, `File()`, `UploadFile`), answered as FastAPI 0.165
//! answers them (expected bodies recorded from FastAPI's own TestClient).

use bytes::Bytes;
use ferrapi::toolkit::testclient::TestClient;
use ferrapi::toolkit::UploadFile;
use ferrapi::{post, App};
use serde_json::{json, Value};

#[post("/login/")]
async fn login(#[form] username: String, #[form] password: String) -> Value {
    let _ = password;
    json!({ "username": username })
}

#[post("/files/")]
async fn create_file(#[file] file: Bytes) -> Value {
    json!({ "file_size": file.len() })
}

#[post("/uploadfile/")]
async fn create_upload_file(
    file: UploadFile,
    #[form(default = String::new())] note: String,
) -> Result<Value, std::io::Error> {
    let data = file.read().await?;
    Ok(json!({
        "filename": file.filename(),
        "content_type": file.content_type(),
        "size": data.len(),
        "note": note,
    }))
}

fn app() -> App {
    App::new()
        .route(login)
        .route(create_file)
        .route(create_upload_file)
}

const BOUNDARY: &str = "ferrapi-test-boundary";

/// One part: name, `Some((filename, content type))` for a file, content.
type Part<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

/// A multipart body of `parts`.
fn multipart(parts: &[Part<'_>]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file, content) in parts {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file {
            Some((filename, content_type)) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

async fn send_multipart(
    client: &TestClient<ferrapi::BuiltApp>,
    path: &str,
    body: Vec<u8>,
) -> Value {
    client
        .post(path)
        .header(
            "content-type",
            &format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .body(body)
        .send()
        .await
        .json()
        .unwrap()
}

#[tokio::test]
async fn form_fields_match_fastapi() {
    let client = TestClient::new(app());
    let r = client
        .post("/login/")
        .form(&[("username", "ann"), ("password", "x")])
        .send()
        .await;
    assert_eq!(r.json::<Value>().unwrap(), json!({"username":"ann"}));
    let r = client
        .post("/login/")
        .form(&[("username", "ann")])
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":[{"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]})
    );
    let both_missing = json!({"detail":[
        {"type":"missing","loc":["body","username"],"msg":"Field required","input":null},
        {"type":"missing","loc":["body","password"],"msg":"Field required","input":null}]});
    assert_eq!(
        client.post("/login/").send().await.json::<Value>().unwrap(),
        both_missing
    );
    // A JSON body is not a form: every form field is missing, as in FastAPI.
    let r = client
        .post("/login/")
        .json(&json!({"username":"ann","password":"x"}))
        .send()
        .await;
    assert_eq!(r.json::<Value>().unwrap(), both_missing);
    // Multipart text fields are form fields too.
    let body = multipart(&[("username", None, b"bob"), ("password", None, b"pw")]);
    assert_eq!(
        send_multipart(&client, "/login/", body).await,
        json!({"username":"bob"})
    );
}

#[tokio::test]
async fn files_match_fastapi() {
    let client = TestClient::new(app());
    let body = multipart(&[("file", Some(("a.txt", "text/plain")), b"hello")]);
    assert_eq!(
        send_multipart(&client, "/files/", body).await,
        json!({"file_size":5})
    );
    assert_eq!(
        client.post("/files/").send().await.json::<Value>().unwrap(),
        json!({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})
    );
    let body = multipart(&[
        ("file", Some(("a.txt", "text/plain")), b"hello"),
        ("note", None, b"n1"),
    ]);
    assert_eq!(
        send_multipart(&client, "/uploadfile/", body).await,
        json!({"filename":"a.txt","content_type":"text/plain","size":5,"note":"n1"})
    );
    let body = multipart(&[(
        "file",
        Some(("b.bin", "application/octet-stream")),
        b"\x00\x01",
    )]);
    assert_eq!(
        send_multipart(&client, "/uploadfile/", body).await,
        json!({"filename":"b.bin","content_type":"application/octet-stream","size":2,"note":""})
    );
    let r = client
        .post("/uploadfile/")
        .form(&[("note", "n")])
        .send()
        .await;
    assert_eq!(
        r.json::<Value>().unwrap(),
        json!({"detail":[{"type":"missing","loc":["body","file"],"msg":"Field required","input":null}]})
    );
    // A large upload (spooled to disk by the toolkit) arrives whole.
    let big = vec![7u8; 3 * 1024 * 1024];
    let body = multipart(&[("file", Some(("big.bin", "application/octet-stream")), &big)]);
    assert_eq!(
        send_multipart(&client, "/uploadfile/", body).await["size"],
        json!(3 * 1024 * 1024)
    );
}
