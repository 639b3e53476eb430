//! Helpers for tests that run the real `hello_server` binary: spawning it with a clean
//! environment, collecting its stdout (access log) and stderr (everything else), signals, and
//! a small raw HTTP/1.1 client whose reads tell "closed before any byte" from "truncated".
//!
//! Every wait is bounded, and a [`Server`] kills its process when dropped, so a failing test
//! never leaves a server behind.

#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// The server binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_hello_server");

/// How long a server may take to start, or a request to be answered, before a test fails.
pub const STARTUP: Duration = Duration::from_secs(20);
pub const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// Held while spawning a child: the `--fd` test makes one descriptor inheritable for a moment,
/// and no other child may inherit it meanwhile.
static SPAWN: Mutex<()> = Mutex::new(());

pub fn spawn_lock() -> MutexGuard<'static, ()> {
    SPAWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A command for the server with `args` and `envs`, and none of the variables it reads
/// inherited from the environment the tests run in.
pub fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    command_for(BIN, args, envs)
}

/// [`command`] for another example binary.
pub fn command_for(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(bin);
    for (key, _) in std::env::vars_os() {
        let key = key.to_string_lossy().into_owned();
        if key.starts_with("FERRAPI_") || key == "WEB_CONCURRENCY" || key == "FORWARDED_ALLOW_IPS" {
            cmd.env_remove(&key);
        }
    }
    cmd.args(args)
        .envs(envs.iter().copied())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// The lines of one output stream of a child, collected by a thread as they arrive.
#[derive(Clone, Default)]
pub struct Lines(Arc<(Mutex<LinesState>, Condvar)>);

#[derive(Default)]
struct LinesState {
    lines: Vec<String>,
    closed: bool,
}

impl Lines {
    fn collect(mut reader: impl Read + Send + 'static) -> Lines {
        let lines = Lines::default();
        let shared = lines.clone();
        thread::spawn(move || {
            let mut pending = Vec::new();
            let mut buf = [0u8; 4096];
            loop {
                let n = reader.read(&mut buf).unwrap_or(0);
                let (state, cond) = &*shared.0;
                let mut state = state.lock().unwrap();
                if n == 0 {
                    if !pending.is_empty() {
                        state
                            .lines
                            .push(String::from_utf8_lossy(&pending).into_owned());
                    }
                    state.closed = true;
                    cond.notify_all();
                    return;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(pos) = pending.iter().position(|&b| b == b'\n') {
                    let line: Vec<u8> = pending.drain(..=pos).collect();
                    let line = String::from_utf8_lossy(&line[..line.len() - 1]);
                    state.lines.push(line.trim_end_matches('\r').to_string());
                }
                cond.notify_all();
            }
        });
        lines
    }

    /// Every line so far.
    pub fn snapshot(&self) -> Vec<String> {
        self.0 .0.lock().unwrap().lines.clone()
    }

    /// Every line so far, joined.
    pub fn text(&self) -> String {
        self.snapshot().join("\n")
    }

    /// The first line matching `pred`, waiting up to `timeout` for it.
    pub fn wait_for(&self, timeout: Duration, pred: impl Fn(&str) -> bool) -> Option<String> {
        let deadline = Instant::now() + timeout;
        let (state, cond) = &*self.0;
        let mut state = state.lock().unwrap();
        loop {
            if let Some(line) = state.lines.iter().find(|l| pred(l)) {
                return Some(line.clone());
            }
            let now = Instant::now();
            if state.closed || now >= deadline {
                return None;
            }
            state = cond.wait_timeout(state, deadline - now).unwrap().0;
        }
    }

    /// Waits until the stream is closed (the process exited and the pipe drained).
    pub fn wait_closed(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let (state, cond) = &*self.0;
        let mut state = state.lock().unwrap();
        while !state.closed {
            let now = Instant::now();
            if now >= deadline {
                return false;
            }
            state = cond.wait_timeout(state, deadline - now).unwrap().0;
        }
        true
    }
}

/// A running `hello_server` process; killed when dropped.
pub struct Server {
    child: Child,
    pub pid: u32,
    /// Access log lines.
    pub stdout: Lines,
    /// Every other log line.
    pub stderr: Lines,
    /// The "ferrapi running on …" line, once seen.
    pub banner: String,
    status: Option<ExitStatus>,
}

impl Server {
    /// Spawns `cmd` without waiting for anything.
    pub fn spawn(cmd: Command) -> Server {
        let _guard = spawn_lock();
        Server::spawn_unlocked(cmd)
    }

    /// Spawns `cmd`; the caller holds [`spawn_lock`].
    pub fn spawn_unlocked(mut cmd: Command) -> Server {
        let mut child = cmd.spawn().expect("spawn hello_server");
        let stdout = Lines::collect(child.stdout.take().unwrap());
        let stderr = Lines::collect(child.stderr.take().unwrap());
        Server {
            pid: child.id(),
            child,
            stdout,
            stderr,
            banner: String::new(),
            status: None,
        }
    }

    /// Starts a server and waits until it says it is running.
    pub fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut server = Server::spawn(command(args, envs));
        server.wait_ready();
        server
    }

    /// Waits for the "ferrapi running on" line; panics with the logs if it does not come.
    pub fn wait_ready(&mut self) {
        match self
            .stderr
            .wait_for(STARTUP, |l| l.contains("ferrapi running on"))
        {
            Some(line) => self.banner = line,
            None => {
                let status = self.wait_exit(Duration::from_millis(100));
                panic!("server did not start (status {status:?})\n{}", self.logs());
            }
        }
    }

    /// The TCP address from the banner (`http://ADDR`).
    pub fn addr(&self) -> SocketAddr {
        let rest = self
            .banner
            .split("http://")
            .nth(1)
            .unwrap_or_else(|| panic!("no http:// address in {:?}", self.banner));
        let addr = rest.split_whitespace().next().unwrap();
        let addr: SocketAddr = addr.parse().unwrap();
        if addr.ip().is_unspecified() {
            // `0.0.0.0` / `::` are not connectable everywhere; the loopback is.
            SocketAddr::new(
                if addr.is_ipv4() {
                    [127, 0, 0, 1].into()
                } else {
                    std::net::Ipv6Addr::LOCALHOST.into()
                },
                addr.port(),
            )
        } else {
            addr
        }
    }

    /// Sends a signal (`"TERM"`, `"INT"`) with `kill`.
    pub fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{sig} {} failed", self.pid);
    }

    /// The exit status, waiting up to `timeout`; `None` if still running.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = self.status {
                return Some(status);
            }
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.status = Some(status);
                // Let the collector threads read what is left in the pipes.
                self.stdout.wait_closed(Duration::from_secs(5));
                self.stderr.wait_closed(Duration::from_secs(5));
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// The exit status; panics with the logs if the process is still running after `timeout`.
    pub fn expect_exit(&mut self, timeout: Duration) -> ExitStatus {
        match self.wait_exit(timeout) {
            Some(status) => status,
            None => panic!("server still running {timeout:?} later\n{}", self.logs()),
        }
    }

    /// SIGTERM, then the exit status within `timeout`.
    pub fn terminate(&mut self, timeout: Duration) -> ExitStatus {
        self.signal("TERM");
        self.expect_exit(timeout)
    }

    /// Both outputs, for failure messages.
    pub fn logs(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }

    /// The access log line of the request for `path` (text format), waiting for it.
    pub fn access_line(&self, path: &str) -> String {
        let needle = format!(" {path} HTTP/1.");
        self.stdout
            .wait_for(IO_TIMEOUT, |l| l.contains(&needle))
            .unwrap_or_else(|| panic!("no access line for {path}\n{}", self.logs()))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if self.status.is_none() && matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// Runs the server to completion (it is expected to exit by itself within `timeout`).
pub fn run_to_exit(args: &[&str], envs: &[(&str, &str)], timeout: Duration) -> Finished {
    let mut server = Server::spawn(command(args, envs));
    let status = server.expect_exit(timeout);
    Finished {
        status,
        stdout: server.stdout.text(),
        stderr: server.stderr.text(),
    }
}

/// A process that has exited, with its output.
#[derive(Debug)]
pub struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// The client side of the access log: the client address logged for `path` (text format).
pub fn logged_client(line: &str) -> &str {
    let (left, _) = line
        .split_once(" - \"")
        .unwrap_or_else(|| panic!("not an access line: {line:?}"));
    left.split_whitespace().last().unwrap()
}

/// A port that was free a moment ago (racy: retry when binding it fails).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A parsed response.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub reason: String,
    /// Names lower-cased, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The response says the connection closes after it.
    pub fn closes(&self) -> bool {
        self.header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
}

/// A response head.
#[derive(Debug, Clone)]
pub struct Head {
    pub status: u16,
    pub reason: String,
    pub headers: Vec<(String, String)>,
}

/// A raw HTTP/1.1 client over any stream, counting the bytes it received so a caller can tell
/// a connection closed before any response byte from a truncated response.
pub struct Client<S> {
    pub stream: S,
    buf: Vec<u8>,
    pos: usize,
    /// Bytes received so far on this connection.
    pub received: u64,
}

/// A TCP client with read and write timeouts.
pub fn connect(addr: SocketAddr) -> Client<TcpStream> {
    let stream = TcpStream::connect_timeout(&addr, IO_TIMEOUT)
        .unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    tcp_client(stream)
}

pub fn tcp_client(stream: TcpStream) -> Client<TcpStream> {
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_nodelay(true).unwrap();
    Client::new(stream)
}

/// `GET path` with a Host header and `extra` header lines (`"name: value"`).
pub fn get(path: &str, extra: &[&str]) -> Vec<u8> {
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: test\r\n");
    for line in extra {
        req.push_str(line);
        req.push_str("\r\n");
    }
    req.push_str("\r\n");
    req.into_bytes()
}

/// One request on a fresh connection that asks to close afterwards.
pub fn fetch(addr: SocketAddr, path: &str, extra: &[&str]) -> Response {
    let mut headers = extra.to_vec();
    headers.push("Connection: close");
    let mut client = connect(addr);
    client.send(&get(path, &headers)).unwrap();
    client
        .read_response()
        .unwrap_or_else(|e| panic!("GET {path}: {e}"))
}

fn eof() -> io::Error {
    io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed")
}

impl<S: Read + Write> Client<S> {
    pub fn new(stream: S) -> Client<S> {
        Client {
            stream,
            buf: Vec::new(),
            pos: 0,
            received: 0,
        }
    }

    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.stream.write_all(bytes)?;
        self.stream.flush()
    }

    /// Reads more bytes; `Ok(0)` at EOF.
    fn fill(&mut self) -> io::Result<usize> {
        if self.pos > 0 && self.pos == self.buf.len() {
            self.buf.clear();
            self.pos = 0;
        }
        let mut chunk = [0u8; 8192];
        let n = loop {
            match self.stream.read(&mut chunk) {
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                other => break other?,
            }
        };
        self.buf.extend_from_slice(&chunk[..n]);
        self.received += n as u64;
        Ok(n)
    }

    fn line(&mut self) -> io::Result<String> {
        loop {
            if let Some(i) = self.buf[self.pos..].windows(2).position(|w| w == b"\r\n") {
                let line = String::from_utf8_lossy(&self.buf[self.pos..self.pos + i]).into_owned();
                self.pos += i + 2;
                return Ok(line);
            }
            if self.fill()? == 0 {
                return Err(eof());
            }
        }
    }

    fn exact(&mut self, n: usize) -> io::Result<Vec<u8>> {
        while self.buf.len() - self.pos < n {
            if self.fill()? == 0 {
                return Err(eof());
            }
        }
        let out = self.buf[self.pos..self.pos + n].to_vec();
        self.pos += n;
        Ok(out)
    }

    /// Reads a response head, skipping `1xx` interim responses.
    pub fn read_head(&mut self) -> io::Result<Head> {
        loop {
            let status_line = self.line()?;
            let mut parts = status_line.splitn(3, ' ');
            let version = parts.next().unwrap_or("");
            if !version.starts_with("HTTP/1.") {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("bad status line {status_line:?}"),
                ));
            }
            let status: u16 = parts
                .next()
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, "bad status"))?;
            let reason = parts.next().unwrap_or("").to_string();
            let mut headers = Vec::new();
            loop {
                let line = self.line()?;
                if line.is_empty() {
                    break;
                }
                let (name, value) = line
                    .split_once(':')
                    .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidData, line.clone()))?;
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            if (100..200).contains(&status) {
                continue;
            }
            return Ok(Head {
                status,
                reason,
                headers,
            });
        }
    }

    /// Reads one chunk of a chunked body: `Some(data)`, or `None` after the last chunk (and
    /// its trailers).
    pub fn read_chunk(&mut self) -> io::Result<Option<Vec<u8>>> {
        let size_line = self.line()?;
        let size = usize::from_str_radix(size_line.split(';').next().unwrap().trim(), 16)
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, size_line.clone()))?;
        if size == 0 {
            while !self.line()?.is_empty() {}
            return Ok(None);
        }
        let data = self.exact(size)?;
        if self.exact(2)? != b"\r\n" {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "chunk without CRLF",
            ));
        }
        Ok(Some(data))
    }

    /// Reads a whole response (not to a HEAD request). A connection closed before the
    /// response is complete is an `UnexpectedEof` error.
    pub fn read_response(&mut self) -> io::Result<Response> {
        let head = self.read_head()?;
        let header = |name: &str| {
            head.headers
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, v)| v.clone())
        };
        let body = if header("transfer-encoding").is_some_and(|v| v.contains("chunked")) {
            let mut body = Vec::new();
            while let Some(chunk) = self.read_chunk()? {
                body.extend_from_slice(&chunk);
            }
            body
        } else if let Some(len) = header("content-length") {
            let len: usize = len
                .parse()
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "bad length"))?;
            self.exact(len)?
        } else if head.status == 204 || head.status == 304 {
            Vec::new()
        } else {
            // Delimited by close.
            while self.fill()? > 0 {}
            let body = self.buf[self.pos..].to_vec();
            self.pos = self.buf.len();
            body
        };
        Ok(Response {
            status: head.status,
            reason: head.reason,
            headers: head.headers,
            body,
        })
    }

    /// Whether the server closed the connection: `Ok(true)` on EOF (or a reset) with nothing
    /// more to read, `Ok(false)` if bytes arrived, `Err` on a timeout.
    pub fn closed(&mut self) -> io::Result<bool> {
        if self.pos < self.buf.len() {
            return Ok(false);
        }
        match self.fill() {
            Ok(0) => Ok(true),
            Ok(_) => Ok(false),
            Err(e) if e.kind() == io::ErrorKind::ConnectionReset => Ok(true),
            Err(e) => Err(e),
        }
    }
}

impl Client<TcpStream> {
    /// Sets the read timeout (for checks that something happens promptly).
    pub fn read_timeout(&self, timeout: Duration) {
        self.stream.set_read_timeout(Some(timeout)).unwrap();
    }
}

/// Whether connecting to `addr` is refused (nothing listens any more).
pub fn refused(addr: SocketAddr) -> bool {
    match TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        Err(e) => e.kind() == io::ErrorKind::ConnectionRefused,
        Ok(_) => false,
    }
}

/// Whether the command `name` is on the PATH.
pub fn have(name: &str) -> bool {
    Command::new("which")
        .arg(name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
