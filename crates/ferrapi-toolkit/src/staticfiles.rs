//! Static files: Starlette's `staticfiles.py`.
//!
//! [`StaticFiles`] is an app that serves a directory. Mount it under a prefix; it sees the
//! path after the prefix:
//!
//! ```no_run
//! use ferrapi_toolkit::staticfiles::StaticFiles;
//! use ferrapi_toolkit::{Application, Mount};
//!
//! let app = Application::new()
//!     .route(Mount::app("/static", StaticFiles::new("static")))
//!     .route(Mount::app("/", StaticFiles::new("site").html(true)));
//! ```
//!
//! Reproduced from Starlette (`StaticFiles(directory=…, html=False, check_dir=True,
//! follow_symlink=False)`):
//!
//! * files are sent with [`FileResponse`], so `content-type`, `etag`, `last-modified`,
//!   `accept-ranges`, `Range` requests (`206`, `multipart/byteranges`, `416`) and `HEAD`
//!   behave as there; `If-None-Match` (`*`, a list, weak tags) and, without it,
//!   `If-Modified-Since` give `304 Not Modified`;
//! * only `GET` and `HEAD`: any other method is `405 Method Not Allowed` with
//!   `Allow: GET, HEAD`;
//! * a missing file, a directory (outside html mode), a path that tries to leave the
//!   directory, a NUL byte or a name too long for the file system is `404 Not Found`; a
//!   permission error is `401 Unauthorized`; another file system error is `500`;
//! * html mode ([`StaticFiles::html`]): a directory with an `index.html` serves it; a directory
//!   URL without a trailing slash is redirected (`307`) to the slashed URL (the full URL, root
//!   path and query kept); otherwise a `404.html` at the root is sent with status `404`;
//! * symbolic links that lead out of the directory are refused (`404`) unless
//!   [`follow_symlink`](StaticFiles::follow_symlink) is on: the path is canonicalised and must
//!   stay under the canonical directory, as Starlette's `realpath` + `commonpath` check;
//! * a WebSocket handshake is refused (`403`, what uvicorn answers to Starlette's
//!   `WebSocketClose` before accepting);
//! * [`StaticFiles::new`] checks that the directory exists (Starlette's `check_dir=True`,
//!   a `RuntimeError` there, a panic here; [`StaticFiles::try_new`] returns the error and
//!   [`StaticFiles::unchecked`] skips the check).
//!
//! Differences: the path is checked more strictly than Starlette's `normpath`. A `..`
//! segment is always `404` (Starlette normalises `a/../b` to `b` and serves it), and so are a
//! segment whose percent-decoding holds `/` (`%2F`), `\\` or a NUL byte, a segment that is not
//! UTF-8 once decoded, a segment longer than 255 bytes and a path longer than 4096 bytes.
//! Empty and `.` segments are skipped. No `packages=` (Python packages have no equivalent).
//! Error answers are plain-text responses with the reason phrase, Starlette's default
//! `HTTPException` rendering; they do not pass through an application's exception handlers
//! (the app is mounted as a whole). File system calls run on tokio's blocking pool
//! (`tokio::fs`), never on the runtime's threads.

use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use ferrapi_server::{App, Body, Scope};
use http::header::{self, HeaderValue};
use http::{Method, StatusCode};

use crate::responses::{FileResponse, IntoResponse, PlainText, Redirect, Response};

/// The longest file name segment accepted (most file systems' `NAME_MAX`).
const MAX_SEGMENT: usize = 255;
/// The longest relative path accepted (Linux's `PATH_MAX`).
const MAX_PATH: usize = 4096;

/// An app serving the files of a directory (Starlette's `StaticFiles`). See the
/// [module docs](self).
#[derive(Clone, Debug)]
pub struct StaticFiles {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    directory: PathBuf,
    html: bool,
    follow_symlink: bool,
}

impl StaticFiles {
    /// Serves `directory`.
    ///
    /// # Panics
    /// If `directory` is not an existing directory (Starlette's `check_dir=True`).
    pub fn new(directory: impl Into<PathBuf>) -> StaticFiles {
        match StaticFiles::try_new(directory) {
            Ok(files) => files,
            Err(err) => panic!("{err}"),
        }
    }

    /// Serves `directory`, or an error if it is not an existing directory (the message is
    /// Starlette's `Directory '…' does not exist`).
    pub fn try_new(directory: impl Into<PathBuf>) -> io::Result<StaticFiles> {
        let directory = directory.into();
        if !directory.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("Directory '{}' does not exist", directory.display()),
            ));
        }
        Ok(StaticFiles::unchecked(directory))
    }

    /// Serves `directory` without checking it exists (`check_dir=False`): requests get `404`
    /// until it does.
    pub fn unchecked(directory: impl Into<PathBuf>) -> StaticFiles {
        StaticFiles {
            inner: Arc::new(Inner {
                directory: directory.into(),
                html: false,
                follow_symlink: false,
            }),
        }
    }

    /// HTML mode: `index.html` for directories, `404.html` for missing files.
    pub fn html(self, html: bool) -> StaticFiles {
        self.map(|inner| inner.html = html)
    }

    /// Whether symbolic links may lead out of the directory (off by default).
    pub fn follow_symlink(self, follow: bool) -> StaticFiles {
        self.map(|inner| inner.follow_symlink = follow)
    }

    /// The directory served.
    pub fn directory(&self) -> &Path {
        &self.inner.directory
    }

    fn map(self, f: impl FnOnce(&mut Inner)) -> StaticFiles {
        let mut inner = Inner {
            directory: self.inner.directory.clone(),
            html: self.inner.html,
            follow_symlink: self.inner.follow_symlink,
        };
        f(&mut inner);
        StaticFiles {
            inner: Arc::new(inner),
        }
    }

    /// Answers one request (what [`App::call`] does).
    pub async fn serve(&self, req: http::Request<Body>) -> Response {
        if req
            .extensions()
            .get::<ferrapi_server::websocket::WebSocketUpgrade>()
            .is_some()
        {
            return status_only(StatusCode::FORBIDDEN);
        }
        let method = req.method();
        if method != Method::GET && method != Method::HEAD {
            let mut response = error(StatusCode::METHOD_NOT_ALLOWED);
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        let Some(relative) = relative_path(req.uri().path()) else {
            return self.not_found(&req).await;
        };
        match self.lookup(&relative).await {
            Ok(Some((full, meta))) if meta.is_file() => self.file(full, StatusCode::OK, &req).await,
            Ok(Some((_, meta))) if meta.is_dir() && self.inner.html => {
                let index = relative.join("index.html");
                match self.lookup(&index).await {
                    Ok(Some((full, meta))) if meta.is_file() => {
                        if !req.uri().path().ends_with('/') {
                            return redirect_to_slash(&req);
                        }
                        self.file(full, StatusCode::OK, &req).await
                    }
                    Ok(_) => self.not_found(&req).await,
                    Err(err) => error_for(&err),
                }
            }
            Ok(_) => self.not_found(&req).await,
            Err(err) => error_for(&err),
        }
    }

    async fn file(&self, full: PathBuf, status: StatusCode, req: &http::Request<Body>) -> Response {
        match FileResponse::new(full)
            .status(status)
            .respond_to(req.method(), req.headers())
            .await
        {
            Ok(response) => response,
            // The file went away (or changed kind) between the lookup and the open.
            Err(_) => error(StatusCode::NOT_FOUND),
        }
    }

    async fn not_found(&self, req: &http::Request<Body>) -> Response {
        if self.inner.html {
            if let Ok(Some((full, meta))) = self.lookup(Path::new("404.html")).await {
                if meta.is_file() {
                    return self.file(full, StatusCode::NOT_FOUND, req).await;
                }
            }
        }
        error(StatusCode::NOT_FOUND)
    }

    /// The file or directory at `relative` (already checked by [`relative_path`]): `None` when
    /// missing or outside the directory.
    async fn lookup(&self, relative: &Path) -> io::Result<Option<(PathBuf, std::fs::Metadata)>> {
        let root = &self.inner.directory;
        let joined = root.join(relative);
        let full = if self.inner.follow_symlink {
            joined
        } else {
            let (real_root, real) = match tokio::try_join!(tokio::fs::canonicalize(root), async {
                tokio::fs::canonicalize(&joined).await
            }) {
                Ok(pair) => pair,
                Err(err) => return missing_is_none(err),
            };
            if !real.starts_with(&real_root) {
                // A symbolic link out of the directory.
                return Ok(None);
            }
            real
        };
        match tokio::fs::metadata(&full).await {
            Ok(meta) => Ok(Some((full, meta))),
            Err(err) => missing_is_none(err),
        }
    }
}

/// Missing files, non-directories in the middle of the path and over-long names are "not
/// found"; other errors are reported.
fn missing_is_none<T>(err: io::Error) -> io::Result<Option<T>> {
    // `ENAMETOOLONG`: 36 on Linux, 63 on macOS and the BSDs.
    let name_too_long = if cfg!(target_os = "linux") {
        Some(36)
    } else if cfg!(any(
        target_vendor = "apple",
        target_os = "freebsd",
        target_os = "openbsd"
    )) {
        Some(63)
    } else {
        None
    };
    let too_long = name_too_long.is_some() && err.raw_os_error() == name_too_long;
    match err.kind() {
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory | io::ErrorKind::InvalidInput => {
            Ok(None)
        }
        _ if too_long => Ok(None),
        _ => Err(err),
    }
}

fn error_for(err: &io::Error) -> Response {
    if err.kind() == io::ErrorKind::PermissionDenied {
        error(StatusCode::UNAUTHORIZED)
    } else {
        tracing::error!(error = %err, "static file lookup failed");
        error(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

/// Starlette's default `HTTPException` answer: the reason phrase as plain text.
fn error(status: StatusCode) -> Response {
    let mut response = PlainText(status.canonical_reason().unwrap_or("")).into_response();
    *response.status_mut() = status;
    response
}

fn status_only(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// The raw (percent-encoded) request path turned into a relative path below the directory,
/// or `None` for a path that must not be served.
fn relative_path(raw: &str) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    let mut total = 0usize;
    for segment in raw.split('/') {
        let decoded = percent_encoding::percent_decode_str(segment)
            .decode_utf8()
            .ok()?;
        if decoded.is_empty() || decoded == "." {
            continue;
        }
        if decoded == ".." || decoded.len() > MAX_SEGMENT || decoded.contains(['/', '\\', '\0']) {
            return None;
        }
        let mut components = Path::new(decoded.as_ref()).components();
        // One normal component and nothing else (no root, prefix or `..`).
        if !matches!(
            (components.next(), components.next()),
            (Some(Component::Normal(_)), None)
        ) {
            return None;
        }
        total += decoded.len() + 1;
        if total > MAX_PATH {
            return None;
        }
        out.push(decoded.as_ref());
    }
    Some(out)
}

/// `307` to the request's full URL with a `/` added to the path.
fn redirect_to_slash(req: &http::Request<Body>) -> Response {
    let scope = req.extensions().get::<Scope>();
    let scheme = scope.map_or("http", |s| s.scheme().as_str());
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
        .or_else(|| scope.and_then(Scope::server).map(|a| a.to_string()))
        .unwrap_or_else(|| "localhost".to_string());
    let root = scope.map_or("", Scope::root_path);
    let mut url = format!("{scheme}://{host}{root}{}/", req.uri().path());
    if let Some(query) = req.uri().query() {
        url.push('?');
        url.push_str(query);
    }
    Redirect::to(&url).into_response()
}

impl App for StaticFiles {
    async fn call(&self, req: http::Request<Body>) -> Response {
        self.serve(req).await
    }
}

#[cfg(test)]
mod tests {
    use super::relative_path;
    use std::path::PathBuf;

    #[test]
    fn hostile_paths_are_refused() {
        for raw in [
            "/../x",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/a%2F..%2Fb",
            "/a%2fb",
            "/a\\b",
            "/a%5Cb",
            "/a%00b",
            "/%ff",
        ] {
            assert_eq!(relative_path(raw), None, "{raw}");
        }
        assert_eq!(relative_path(&format!("/{}", "a".repeat(256))), None);
    }

    #[test]
    fn ordinary_paths_are_kept() {
        assert_eq!(relative_path("/"), Some(PathBuf::new()));
        assert_eq!(relative_path("//a/./b%20c/"), Some(PathBuf::from("a/b c")));
        assert_eq!(
            relative_path("/.well-known/x"),
            Some(PathBuf::from(".well-known/x"))
        );
    }
}
