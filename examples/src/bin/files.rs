//! File upload and download, progress-friendly: uploads are streamed to a directory, never
//! held whole in memory, and downloads say how long they are and can be resumed.
//!
//! ```text
//! cargo run -p ferrapi-examples --bin files -- --dir /tmp/uploads    # default: $TMPDIR/ferrapi-files
//! curl -F file=@photo.jpg localhost:8000/files       # 201 {"id":"3f…","filename":"photo.jpg","size":52731,…}
//! curl localhost:8000/files                          # [{"id":…,"filename":…,"size":…,…}, …]
//! curl -OJ localhost:8000/files/3f…                  # saved as photo.jpg (Content-Disposition)
//! curl -r 0-99 localhost:8000/files/3f…              # 206: the first 100 bytes
//! curl -C - -o photo.jpg localhost:8000/files/3f…    # resumes a partial download
//! curl -X DELETE localhost:8000/files/3f…            # 204
//! ```
//!
//! * `POST /files`: a `multipart/form-data` body with a `file` part → `201` and the stored
//!   file's `{"id","filename","size","content_type","uploaded"}`. The id is made by the
//!   server (32 hex digits); the client's file name is kept only as a label.
//! * `GET /files` → every stored file, oldest first.
//! * `GET /files/{id}` → the file, with `Content-Length`, `Content-Disposition` (the original
//!   name), `ETag`, `Last-Modified`, `Accept-Ranges: bytes`; `Range` (`206`, several ranges,
//!   `416`), `If-Range`, and `304` for conditional requests: the toolkit's `FileResponse`.
//! * `DELETE /files/{id}` → `204`.
//! * An unknown id is a `404`; something that is not an id at all a `422` (the path parameter
//!   is validated against `^[0-9a-f]{32}$`).
//!
//! What "progress-friendly" means here:
//!
//! * **Uploads are streamed.** The server reads the body as it arrives, with backpressure;
//!   the toolkit's multipart parser keeps at most 1 MiB of a file in memory and spools the rest
//!   to a temporary file, which this app then copies to `--dir` in 256 KiB chunks. A client
//!   can show its progress by counting what it has sent (`curl --progress-bar -F …`). Bodies
//!   are capped by the server's `--limit-max-body-size` (16 MiB by default; `0` for no cap).
//! * **Downloads have a `Content-Length`**, so a client knows the total and can show a
//!   percentage, and they are sent from disk in 64 KiB chunks, never loaded whole.
//! * **Downloads resume.** A client that lost the connection asks for the rest with
//!   `Range: bytes=<received>-` (and `If-Range: <etag>`, so that it gets the whole file again
//!   if it changed) and gets `206 Partial Content`; download managers also fetch several ranges
//!   in parallel this way.
//!
//! Safety: the only path built from a request is `<dir>/<id>`, and only after the id was
//! checked to be 32 lowercase hex digits (by the route's validation, and again by
//! [`Id::parse`]); client file names are never used as paths (they are cleaned up to a plain
//! label, and `FileResponse` quotes them in `Content-Disposition`). Downloads are sent as
//! attachments with `X-Content-Type-Options: nosniff`, so an uploaded HTML page is not shown
//! as one of this site's pages.
//!
//! On disk, each file is `<id>` (the content) and `<id>.json` (its metadata); an upload is
//! written to `.<id>.part` first and renamed when complete, so a crash never leaves a partial
//! file in the list. (No checksum is computed: no hashing crate is a dependency of this
//! package.)

use std::collections::hash_map::RandomState;
use std::fs;
use std::hash::BuildHasher;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use clap::Parser;
use ferrapi::toolkit::concurrency::run_in_threadpool;
use ferrapi::toolkit::server::http::header::{HeaderValue, X_CONTENT_TYPE_OPTIONS};
use ferrapi::toolkit::{Error, FileResponse, Request, Response, StatusCode, UploadFile};
use ferrapi::{delete, get, post, App, HTTPException, State};
use serde::{Deserialize, Serialize};

/// How much of an upload is copied at a time.
const COPY_CHUNK: usize = 256 * 1024;
/// The longest file name kept, in bytes.
const MAX_FILENAME: usize = 255;

/// The server's flags, plus where to keep the files.
#[derive(Parser)]
#[command(version, about = "File upload and download (a ferrapi example).")]
struct Args {
    /// Directory the files are stored in (created if missing) [default: $TMPDIR/ferrapi-files].
    #[arg(long, env = "FERRAPI_FILES_DIR")]
    dir: Option<PathBuf>,
    #[command(flatten)]
    server: ferrapi::toolkit::server::Cli,
}

/// A file's id: 32 lowercase hex digits, made by the server. Holding one means it was checked,
/// so it is safe to use as a file name.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Id(String);

impl Id {
    fn new() -> Id {
        // 128 bits from two SipHash instances with random keys (std's `RandomState`) over a
        // counter and the clock: unique, and hard to guess, without a random number crate.
        // Ids are not secrets; an app that hands out capability URLs wants a real CSPRNG.
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let hi = RandomState::new().hash_one((n, nanos, std::process::id()));
        let lo = RandomState::new().hash_one((nanos, n));
        Id(format!("{hi:016x}{lo:016x}"))
    }

    /// `Some` only for exactly 32 lowercase hex digits: no dots, no slashes, nothing else.
    fn parse(text: &str) -> Option<Id> {
        let valid = text.len() == 32
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        valid.then(|| Id(text.to_string()))
    }
}

/// A stored file, as `<id>.json` holds it and the API shows it.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Stored {
    id: String,
    filename: String,
    size: u64,
    content_type: Option<String>,
    /// Seconds since the Unix epoch.
    uploaded: u64,
}

/// Where the files are (the application state).
struct Store {
    dir: PathBuf,
}

impl Store {
    fn data(&self, id: &Id) -> PathBuf {
        self.dir.join(&id.0)
    }

    fn meta(&self, id: &Id) -> PathBuf {
        self.dir.join(format!("{}.json", id.0))
    }

    /// The metadata of `id`, `None` if there is no such file. Blocking.
    fn read(&self, id: &Id) -> io::Result<Option<Stored>> {
        match fs::read(self.meta(id)) {
            Ok(json) => Ok(Some(serde_json::from_slice(&json)?)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every stored file, oldest first. Blocking.
    fn list(&self) -> io::Result<Vec<Stored>> {
        let mut files = Vec::new();
        for entry in fs::read_dir(&self.dir)? {
            let name = entry?.file_name();
            let Some(id) = name
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .and_then(Id::parse)
            else {
                continue; // uploads in progress, or files that are not ours
            };
            // A file deleted meanwhile is simply not listed.
            if let Some(stored) = self.read(&id)? {
                files.push(stored);
            }
        }
        files.sort_by(|a, b| (a.uploaded, &a.id).cmp(&(b.uploaded, &b.id)));
        Ok(files)
    }

    /// Removes `id`; `false` if there was no such file. Blocking.
    fn remove(&self, id: &Id) -> io::Result<bool> {
        // The metadata first: once it is gone the file is no longer listed or served.
        match fs::remove_file(self.meta(id)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        }
        match fs::remove_file(self.data(id)) {
            Err(e) if e.kind() != io::ErrorKind::NotFound => Err(e),
            _ => Ok(true),
        }
    }
}

/// A partial upload on disk, deleted unless [`commit`](Partial::commit)ted: when copying
/// fails, and when the client goes away meanwhile (the request's future is dropped).
struct Partial {
    path: PathBuf,
    committed: bool,
}

impl Partial {
    /// Renames the complete file to `to`.
    fn commit(mut self, to: &Path) -> io::Result<()> {
        fs::rename(&self.path, to)?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Partial {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A label from the name the client sent: its last path component, without control
/// characters or leading dots, at most 255 bytes; `upload` if nothing is left.
fn clean_filename(raw: Option<&str>) -> String {
    let last = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let printable: String = last.chars().filter(|c| !c.is_control()).collect();
    let mut name = printable.trim().trim_start_matches('.').trim().to_string();
    if name.len() > MAX_FILENAME {
        let mut end = MAX_FILENAME;
        while !name.is_char_boundary(end) {
            end -= 1;
        }
        name.truncate(end);
    }
    if name.is_empty() {
        name = "upload".to_string();
    }
    name
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

fn not_found() -> HTTPException {
    HTTPException::new(StatusCode::NOT_FOUND, "File not found")
}

/// Stores an uploaded file: the `file` part of a multipart form.
#[post("/files", status_code = 201)]
async fn upload(file: UploadFile, store: State<Store>) -> Result<Stored, Error> {
    let id = Id::new();
    let partial = Partial {
        path: store.dir.join(format!(".{}.part", id.0)),
        committed: false,
    };
    // Blocking file calls go to the thread pool, one chunk at a time; the chunks come from
    // the spooled upload (memory up to 1 MiB, a temporary file beyond).
    let path = partial.path.clone();
    let mut out = run_in_threadpool(move || fs::File::create(path)).await?;
    file.seek(0).await?;
    let mut size = 0u64;
    loop {
        let chunk = file.read_chunk(COPY_CHUNK).await?;
        if chunk.is_empty() {
            break;
        }
        size += chunk.len() as u64;
        out = run_in_threadpool(move || out.write_all(&chunk).map(|()| out)).await?;
    }
    file.close().await; // the temporary copy is not needed any more
    let stored = Stored {
        id: id.0.clone(),
        filename: clean_filename(file.filename()),
        size,
        content_type: file.content_type().map(String::from),
        uploaded: now(),
    };
    let meta = serde_json::to_vec_pretty(&stored)?;
    let store = store.clone();
    run_in_threadpool(move || -> io::Result<()> {
        out.sync_all()?;
        drop(out);
        partial.commit(&store.data(&id))?;
        // The metadata last, through a temporary name too: once it exists, the file is whole.
        let tmp = store.dir.join(format!(".{}.json.part", id.0));
        fs::write(&tmp, meta)?;
        fs::rename(tmp, store.meta(&id))
    })
    .await?;
    Ok(stored)
}

/// Every stored file, oldest first.
#[get("/files")]
fn list(store: State<Store>) -> Result<Vec<Stored>, io::Error> {
    store.list()
}

/// Downloads a file: the whole of it, or the ranges asked for.
#[get("/files/{id}")]
async fn download(
    req: &Request,
    #[path(pattern = "^[0-9a-f]{32}$")] id: String,
    store: State<Store>,
) -> Result<Response, Error> {
    let id = Id::parse(&id).ok_or_else(not_found)?;
    let meta = {
        let (store, id) = (store.clone(), id.clone());
        run_in_threadpool(move || store.read(&id)).await?
    };
    let stored = meta.ok_or_else(not_found)?;
    let mut file = FileResponse::new(store.data(&id))
        .filename(stored.filename)
        .header(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if let Some(media_type) = stored.content_type.as_deref() {
        // The type the uploader declared, if it is a valid header value.
        file = match file.clone().media_type(media_type) {
            Ok(typed) => typed,
            Err(_) => file,
        };
    }
    match file.respond(req).await {
        // Deleted between reading the metadata and opening the file.
        Err(e)
            if e.downcast_ref::<io::Error>()
                .is_some_and(|e| e.kind() == io::ErrorKind::NotFound) =>
        {
            Err(not_found().into())
        }
        other => other,
    }
}

/// Deletes a file.
#[delete("/files/{id}", status_code = 204)]
fn remove(
    #[path(pattern = "^[0-9a-f]{32}$")] id: String,
    store: State<Store>,
) -> Result<(), Error> {
    let id = Id::parse(&id).ok_or_else(not_found)?;
    if store.remove(&id)? {
        Ok(())
    } else {
        Err(not_found().into())
    }
}

fn app(dir: PathBuf) -> App {
    App::new()
        .title("files")
        .state(Store { dir })
        .route(upload)
        .route(list)
        .route(download)
        .route(remove)
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let dir = args
        .dir
        .unwrap_or_else(|| std::env::temp_dir().join("ferrapi-files"));
    let dir = match fs::create_dir_all(&dir).and_then(|()| fs::canonicalize(&dir)) {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("error: --dir {}: {e}", dir.display());
            return std::process::ExitCode::from(2);
        }
    };
    eprintln!("files are stored in {}", dir.display());
    // Every flag of the server (`--help` lists them), and `--dir`.
    args.server.run(app(dir))
}
