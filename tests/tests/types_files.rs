//! FastAPI's "Request Files" tutorial in ferrapi (single, optional and multiple files, as bytes
//! and as `UploadFile`, with descriptions), against FastAPI (`tests/reference/types_files.py`): the same answers
//! and the same document.

use bytes::Bytes;
use ferrapi::toolkit::UploadFile;
use ferrapi::{post, App};
use ferrapi_integration_tests::diff::{assert_same, assert_same_openapi, post, Case};
use serde_json::{json, Value};

#[post("/files/")]
async fn create_file(#[file(description = "A file read as bytes")] file: Bytes) -> Value {
    json!({ "file_size": file.len() })
}

#[post("/uploadfile/")]
async fn create_upload_file(
    #[file(description = "A file read as UploadFile")] file: UploadFile,
) -> Value {
    json!({ "filename": file.filename(), "content_type": file.content_type() })
}

#[post("/optional-file/")]
async fn create_optional_file(#[file] file: Option<Bytes>) -> Value {
    match file {
        Some(file) if !file.is_empty() => json!({ "file_size": file.len() }),
        _ => json!({ "message": "No file sent" }),
    }
}

#[post("/optional-uploadfile/")]
async fn create_optional_upload_file(file: Option<UploadFile>) -> Value {
    match file {
        Some(file) => json!({ "filename": file.filename() }),
        None => json!({ "message": "No upload file sent" }),
    }
}

#[post("/multiple-files/")]
async fn create_files(#[file] files: Vec<Bytes>) -> Value {
    json!({ "file_sizes": files.iter().map(Bytes::len).collect::<Vec<_>>() })
}

#[post("/multiple-uploadfiles/")]
async fn create_upload_files(files: Vec<UploadFile>) -> Value {
    json!({ "filenames": files.iter().map(UploadFile::filename).collect::<Vec<_>>() })
}

#[post("/optional-uploadfiles/")]
async fn create_optional_upload_files(files: Option<Vec<UploadFile>>) -> Value {
    let names: Option<Vec<String>> = files.map(|f| {
        f.iter()
            .map(|f| f.filename().unwrap_or_default().to_string())
            .collect()
    });
    json!({ "filenames": names })
}

#[post("/files-and-form/")]
async fn create_file_and_form(
    #[file(description = "Multiple files as bytes")] files: Vec<Bytes>,
    #[form] token: String,
) -> Value {
    json!({ "file_sizes": files.iter().map(Bytes::len).collect::<Vec<_>>(), "token": token })
}

#[post("/described-uploadfiles/")]
async fn create_described_upload_files(
    #[file(description = "Multiple files as UploadFile")] files: Vec<UploadFile>,
) -> Value {
    json!({ "filenames": files.iter().map(UploadFile::filename).collect::<Vec<_>>() })
}

#[post("/described-optional-uploadfile/")]
async fn create_described_optional_upload_file(
    #[file(description = "An optional file")] file: Option<UploadFile>,
) -> Value {
    match file {
        Some(file) => json!({ "filename": file.filename(), "content_type": file.content_type() }),
        None => json!({ "message": "No upload file sent" }),
    }
}

#[post("/described-optional-file/")]
async fn create_described_optional_file(
    #[file(description = "An optional file as bytes")] file: Option<Bytes>,
) -> Value {
    match file {
        Some(file) if !file.is_empty() => json!({ "file_size": file.len() }),
        _ => json!({ "message": "No file sent" }),
    }
}

fn app() -> App {
    App::new()
        .route(create_file)
        .route(create_upload_file)
        .route(create_optional_file)
        .route(create_optional_upload_file)
        .route(create_files)
        .route(create_upload_files)
        .route(create_optional_upload_files)
        .route(create_file_and_form)
        .route(create_described_upload_files)
        .route(create_described_optional_upload_file)
        .route(create_described_optional_file)
}

const PATHS: &[&str] = &[
    "/files/",
    "/uploadfile/",
    "/optional-file/",
    "/optional-uploadfile/",
    "/multiple-files/",
    "/multiple-uploadfiles/",
    "/optional-uploadfiles/",
    "/files-and-form/",
    "/described-uploadfiles/",
    "/described-optional-uploadfile/",
    "/described-optional-file/",
];

fn cases() -> Vec<Case> {
    let one: &[(&str, &str, &str, &[u8])] = &[("file", "a.txt", "text/plain", b"hello")];
    let two: &[(&str, &str, &str, &[u8])] = &[
        ("files", "a.txt", "text/plain", b"hello"),
        (
            "files",
            "b.bin",
            "application/octet-stream",
            b"\x00\x01\x02",
        ),
    ];
    let mut cases = Vec::new();
    for path in PATHS {
        cases.push(post(path).multipart(&[], one));
        // A file input left empty, as a browser sends it: no value at all in FastAPI.
        cases.push(post(path).multipart(&[], &[("file", "", "text/plain", b"")]));
        cases.push(post(path).multipart(
            &[],
            &[
                ("files", "a.txt", "text/plain", b"hello"),
                ("files", "", "application/octet-stream", b""),
            ],
        ));
        // No filename but content: a file.
        cases.push(post(path).multipart(&[], &[("file", "", "text/plain", b"data")]));
        cases.push(post(path).multipart(&[], &[("files", "a.txt", "text/plain", b"hello")]));
        cases.push(post(path).multipart(&[("token", "t")], two));
        cases.push(post(path).multipart(&[("token", "t")], &[]));
        cases.push(post(path).multipart(&[("file", "not a file")], &[]));
        cases.push(post(path));
        cases.push(post(path).form(&[("token", "t")]));
    }
    cases
}

#[test]
fn files_answer_as_fastapi() {
    assert_same("types_files", app(), cases());
}

#[test]
fn files_are_documented_as_fastapi_does() {
    assert_same_openapi("types_files", app().openapi());
}
