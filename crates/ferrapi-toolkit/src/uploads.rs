//! Uploaded files: Starlette's `UploadFile` over a spooled temporary file.
//!
//! The content of an upload is kept in memory up to a threshold (Starlette's `spool_max_size`,
//! 1 MiB by default, see [`FormLimits`](crate::formparsers::FormLimits)), then rolled to a
//! temporary file on disk (in the system's temporary directory, `TMPDIR`). Once rolled, every
//! write, read and seek goes through `tokio::fs`, so a large upload never blocks a runtime
//! worker; the file is created on the toolkit's [thread pool](crate::concurrency).
//!
//! **The temporary file is deleted when the [`UploadFile`] is dropped** — for an upload from
//! [`Request::form`](crate::Request::form) that is when the endpoint drops the
//! [`FormData`](crate::formparsers::FormData), at the latest after the request. Call
//! [`close`](UploadFile::close) to delete it earlier.
//!
//! Differences from Starlette: the methods take `&self` (the state is behind an async lock, so
//! an upload can be read straight out of an immutable `FormData`); [`read`](UploadFile::read)
//! reads the rest, [`read_chunk`](UploadFile::read_chunk) at most `n` bytes (Starlette's
//! `read(size)`); the rolled file has a path ([`path`](UploadFile::path)), which Starlette's
//! anonymous `SpooledTemporaryFile` does not.

use std::fmt;
use std::io::{self, Cursor, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

use bytes::Bytes;
use http::HeaderMap;
use tokio::io::{AsyncReadExt, AsyncSeekExt, AsyncWriteExt};
use tokio::sync::Mutex;

use crate::concurrency::run_in_threadpool;

/// Starlette's `MultiPartParser.spool_max_size`: uploads larger than this go to disk.
pub const DEFAULT_SPOOL_MAX_SIZE: usize = 1024 * 1024;

/// A file uploaded in a `multipart/form-data` body (Starlette's `UploadFile`).
///
/// ```
/// use ferrapi_toolkit::UploadFile;
///
/// # #[tokio::main(flavor = "current_thread")] async fn main() -> std::io::Result<()> {
/// let file = UploadFile::new(Some("a.txt".into()), http::HeaderMap::new());
/// file.write(b"hello world").await?;
/// file.seek(0).await?;
/// assert_eq!(file.read_chunk(5).await?, "hello");
/// assert_eq!(file.read().await?, " world");
/// assert_eq!(file.size(), 11);
/// # Ok(()) }
/// ```
pub struct UploadFile {
    filename: Option<String>,
    headers: HeaderMap,
    size: AtomicU64,
    spool_max_size: usize,
    rolled: OnceLock<PathBuf>,
    storage: Mutex<Storage>,
}

enum Storage {
    Memory(Cursor<Vec<u8>>),
    // Field order matters: the file is closed before its path is deleted.
    Disk {
        file: tokio::fs::File,
        _path: tempfile::TempPath,
    },
    Closed,
}

impl UploadFile {
    /// An empty upload with a filename and the part's headers, spooled to disk past
    /// [`DEFAULT_SPOOL_MAX_SIZE`].
    pub fn new(filename: Option<String>, headers: HeaderMap) -> UploadFile {
        UploadFile::with_spool_max_size(filename, headers, DEFAULT_SPOOL_MAX_SIZE)
    }

    /// An empty upload that rolls to disk once it holds more than `spool_max_size` bytes.
    pub fn with_spool_max_size(
        filename: Option<String>,
        headers: HeaderMap,
        spool_max_size: usize,
    ) -> UploadFile {
        UploadFile {
            filename,
            headers,
            size: AtomicU64::new(0),
            spool_max_size,
            rolled: OnceLock::new(),
            storage: Mutex::new(Storage::Memory(Cursor::new(Vec::new()))),
        }
    }

    /// The file name the client sent (`filename` of the part's `Content-Disposition`).
    pub fn filename(&self) -> Option<&str> {
        self.filename.as_deref()
    }

    /// The part's `Content-Type`, if it had one.
    pub fn content_type(&self) -> Option<&str> {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
    }

    /// The part's headers.
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// How many bytes were written (the upload's size once parsed).
    pub fn size(&self) -> u64 {
        self.size.load(Ordering::Acquire)
    }

    /// Whether the content is still in memory (not rolled to a temporary file).
    pub fn in_memory(&self) -> bool {
        self.rolled.get().is_none()
    }

    /// The temporary file's path, once the content was rolled to disk. The file is deleted
    /// when the upload is dropped or [closed](UploadFile::close).
    pub fn path(&self) -> Option<&Path> {
        self.rolled.get().map(PathBuf::as_path)
    }

    /// Writes `data` at the current position (Starlette's `await file.write(data)`), rolling
    /// to disk when the content grows past the spool size.
    pub async fn write(&self, data: &[u8]) -> io::Result<()> {
        let mut storage = self.storage.lock().await;
        if let Storage::Memory(cursor) = &mut *storage {
            let end = cursor.position() as usize + data.len();
            if end <= self.spool_max_size {
                Write::write_all(cursor, data)?;
                self.size.fetch_add(data.len() as u64, Ordering::AcqRel);
                return Ok(());
            }
            // Roll over: move what is in memory to a new temporary file.
            let pos = cursor.position();
            let memory = std::mem::take(cursor.get_mut());
            let (file, path) = run_in_threadpool(|| -> io::Result<_> {
                let (file, path) = tempfile::NamedTempFile::new()?.into_parts();
                Ok((file, path))
            })
            .await?;
            let mut file = tokio::fs::File::from_std(file);
            file.write_all(&memory).await?;
            file.seek(SeekFrom::Start(pos)).await?;
            let _ = self.rolled.set(path.to_path_buf());
            *storage = Storage::Disk { file, _path: path };
        }
        match &mut *storage {
            Storage::Disk { file, .. } => {
                file.write_all(data).await?;
                self.size.fetch_add(data.len() as u64, Ordering::AcqRel);
                Ok(())
            }
            Storage::Closed => Err(closed()),
            Storage::Memory(_) => unreachable!("rolled above"),
        }
    }

    /// Reads everything from the current position to the end (Starlette's `await
    /// file.read()`). After parsing the position is 0, so the first call gives the whole file.
    pub async fn read(&self) -> io::Result<Bytes> {
        let mut storage = self.storage.lock().await;
        match &mut *storage {
            Storage::Memory(cursor) => {
                let mut out = Vec::new();
                Read::read_to_end(cursor, &mut out)?;
                Ok(out.into())
            }
            Storage::Disk { file, .. } => {
                file.flush().await?;
                let mut out = Vec::new();
                file.read_to_end(&mut out).await?;
                Ok(out.into())
            }
            Storage::Closed => Err(closed()),
        }
    }

    /// Reads at most `n` bytes from the current position (Starlette's `await
    /// file.read(n)`); empty at the end.
    pub async fn read_chunk(&self, n: usize) -> io::Result<Bytes> {
        let mut storage = self.storage.lock().await;
        let mut out = vec![0; n];
        let mut filled = 0;
        match &mut *storage {
            Storage::Memory(cursor) => {
                filled = Read::read(cursor, &mut out)?;
            }
            Storage::Disk { file, .. } => {
                file.flush().await?;
                while filled < n {
                    let read = file.read(&mut out[filled..]).await?;
                    if read == 0 {
                        break;
                    }
                    filled += read;
                }
            }
            Storage::Closed => return Err(closed()),
        }
        out.truncate(filled);
        Ok(out.into())
    }

    /// Moves the position to `offset` bytes from the start (Starlette's `await
    /// file.seek(offset)`).
    pub async fn seek(&self, offset: u64) -> io::Result<()> {
        let mut storage = self.storage.lock().await;
        match &mut *storage {
            Storage::Memory(cursor) => {
                Seek::seek(cursor, SeekFrom::Start(offset))?;
            }
            Storage::Disk { file, .. } => {
                file.flush().await?;
                file.seek(SeekFrom::Start(offset)).await?;
            }
            Storage::Closed => return Err(closed()),
        }
        Ok(())
    }

    /// Frees the content now: the memory, or the temporary file (deleted). Later reads and
    /// writes fail. Dropping the upload does the same.
    pub async fn close(&self) {
        let old = std::mem::replace(&mut *self.storage.lock().await, Storage::Closed);
        if let Storage::Disk { file, _path } = old {
            drop(file);
            // Deleting a file is blocking I/O: do it off the runtime workers.
            let _ = run_in_threadpool(move || _path.close()).await;
        }
    }
}

fn closed() -> io::Error {
    io::Error::other("I/O operation on closed file.")
}

impl fmt::Debug for UploadFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadFile")
            .field("filename", &self.filename)
            .field("size", &self.size())
            .field("headers", &self.headers)
            .field("path", &self.path())
            .finish()
    }
}
