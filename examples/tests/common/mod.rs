//! Helpers for tests that run the real `hello_server` binary: spawning it with a clean
//! environment, collecting its stdout (access log) and stderr (everything else), and signals.
//! The raw HTTP/1.1 client (whose reads tell "closed before any byte" from "truncated") is
//! `ferrapi-test-support`'s blocking one, re-exported here.
//!
//! Every wait is bounded, and a [`Server`] kills its process when dropped, so a failing test
//! never leaves a server behind.

#![allow(dead_code)]

use std::io::Read;
use std::net::{SocketAddr, TcpListener};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, Instant};

/// The server binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_hello_server");

/// How long a server may take to start before a test fails.
pub(crate) const STARTUP: Duration = Duration::from_secs(20);

// Each test binary uses its own part of the shared client. `IO_TIMEOUT` bounds a request.
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::blocking::{
    connect, fetch, get, refused, tcp_client, Client, IO_TIMEOUT,
};
#[allow(unused_imports)]
pub(crate) use ferrapi_test_support::{agent, RawResponse};

/// Held while spawning a child: the `--fd` test makes one descriptor inheritable for a moment,
/// and no other child may inherit it meanwhile.
static SPAWN: Mutex<()> = Mutex::new(());

pub(crate) fn spawn_lock() -> MutexGuard<'static, ()> {
    SPAWN
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A command for the server with `args` and `envs`, and none of the variables it reads
/// inherited from the environment the tests run in.
pub(crate) fn command(args: &[&str], envs: &[(&str, &str)]) -> Command {
    command_for(BIN, args, envs)
}

/// [`command`] for another example binary.
pub(crate) fn command_for(bin: &str, args: &[&str], envs: &[(&str, &str)]) -> Command {
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
pub(crate) struct Lines(Arc<(Mutex<LinesState>, Condvar)>);

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
    pub(crate) fn snapshot(&self) -> Vec<String> {
        self.0 .0.lock().unwrap().lines.clone()
    }

    /// Every line so far, joined.
    pub(crate) fn text(&self) -> String {
        self.snapshot().join("\n")
    }

    /// The first line matching `pred`, waiting up to `timeout` for it.
    pub(crate) fn wait_for(
        &self,
        timeout: Duration,
        pred: impl Fn(&str) -> bool,
    ) -> Option<String> {
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
    pub(crate) fn wait_closed(&self, timeout: Duration) -> bool {
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
pub(crate) struct Server {
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
    pub(crate) fn spawn(cmd: Command) -> Server {
        let _guard = spawn_lock();
        Server::spawn_unlocked(cmd)
    }

    /// Spawns `cmd`; the caller holds [`spawn_lock`].
    pub(crate) fn spawn_unlocked(mut cmd: Command) -> Server {
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
    pub(crate) fn start(args: &[&str], envs: &[(&str, &str)]) -> Server {
        let mut server = Server::spawn(command(args, envs));
        server.wait_ready();
        server
    }

    /// Waits for the "ferrapi running on" line; panics with the logs if it does not come.
    pub(crate) fn wait_ready(&mut self) {
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
    pub(crate) fn addr(&self) -> SocketAddr {
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
    pub(crate) fn signal(&self, sig: &str) {
        let status = Command::new("kill")
            .arg(format!("-{sig}"))
            .arg(self.pid.to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{sig} {} failed", self.pid);
    }

    /// The exit status, waiting up to `timeout`; `None` if still running.
    pub(crate) fn wait_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
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
    pub(crate) fn expect_exit(&mut self, timeout: Duration) -> ExitStatus {
        match self.wait_exit(timeout) {
            Some(status) => status,
            None => panic!("server still running {timeout:?} later\n{}", self.logs()),
        }
    }

    /// SIGTERM, then the exit status within `timeout`.
    pub(crate) fn terminate(&mut self, timeout: Duration) -> ExitStatus {
        self.signal("TERM");
        self.expect_exit(timeout)
    }

    /// Both outputs, for failure messages.
    pub(crate) fn logs(&self) -> String {
        format!(
            "--- stdout\n{}\n--- stderr\n{}",
            self.stdout.text(),
            self.stderr.text()
        )
    }

    /// The access log line of the request for `path` (text format), waiting for it.
    pub(crate) fn access_line(&self, path: &str) -> String {
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
pub(crate) fn run_to_exit(args: &[&str], envs: &[(&str, &str)], timeout: Duration) -> Finished {
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
pub(crate) struct Finished {
    pub status: ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

/// The client side of the access log: the client address logged for `path` (text format).
pub(crate) fn logged_client(line: &str) -> &str {
    let (left, _) = line
        .split_once(" - \"")
        .unwrap_or_else(|| panic!("not an access line: {line:?}"));
    left.split_whitespace().last().unwrap()
}

/// A port that was free a moment ago (racy: retry when binding it fails).
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Whether the command `name` is on the PATH.
pub(crate) fn have(name: &str) -> bool {
    Command::new("which")
        .arg(name)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
