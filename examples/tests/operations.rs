//! Operations features of `ferrapi-server`, tested on the real `hello_server` binary with real
//! sockets and signals: the command line and its `FERRAPI_*` variables, graceful shutdown,
//! limits, proxy headers, listeners (TCP, dual-stack, Unix socket, inherited descriptor),
//! workers, the access log and exit codes.
//!
//! Servers are started with `--port 0` and found through the "ferrapi running on http://…"
//! line they print on stderr after binding; the access log is read from stdout.

mod common;

use std::io;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::AsRawFd;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;

const ECHO_HEAD: &[u8] = b"POST /echo HTTP/1.1\r\nHost: test\r\nTransfer-Encoding: chunked\r\n\r\n";

fn chunk(data: &str) -> Vec<u8> {
    format!("{:x}\r\n{data}\r\n", data.len()).into_bytes()
}

/// Starts a chunked `/echo` on a new connection and waits until its first chunk comes back:
/// the request is in flight, its body still open.
fn start_slow_echo(addr: SocketAddr) -> Client<TcpStream> {
    let mut client = connect(addr);
    let mut req = ECHO_HEAD.to_vec();
    req.extend_from_slice(&chunk("hello"));
    client.send(&req).unwrap();
    let head = client.read_head().unwrap();
    assert_eq!(head.status, 200);
    assert_eq!(client.read_chunk().unwrap().as_deref(), Some(&b"hello"[..]));
    client
}

fn code(status: std::process::ExitStatus) -> Option<i32> {
    status.code()
}

fn unique_socket_path(tag: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    std::env::temp_dir().join(format!(
        "ferrapi-test-{}-{tag}-{}.sock",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ))
}

// ---------------------------------------------------------------------------------------------
// 1. The command line
// ---------------------------------------------------------------------------------------------

#[test]
fn help_lists_every_flag_and_exits_0() {
    let out = run_to_exit(&["--help"], &[], STARTUP);
    assert_eq!(code(out.status), Some(0), "{out:?}");
    for flag in [
        "--host",
        "--port",
        "--uds",
        "--fd",
        "--workers",
        "--loop",
        "--backlog",
        "--log-level",
        "--log-format",
        "--access-log",
        "--no-access-log",
        "--proxy-headers",
        "--no-proxy-headers",
        "--forwarded-allow-ips",
        "--root-path",
        "--limit-concurrency",
        "--limit-max-requests",
        "--limit-max-requests-jitter",
        "--timeout-keep-alive",
        "--timeout-graceful-shutdown",
        "--timeout-header-read",
        "--timeout-body-read",
        "--limit-max-head-size",
        "--limit-max-uri-length",
        "--limit-max-headers",
        "--limit-max-body-size",
        "--server-header",
        "--no-server-header",
        "--date-header",
        "--no-date-header",
        "--ws-max-size",
        "--ws-ping-interval",
        "--ws-ping-timeout",
        "--ws-per-message-deflate",
        "--no-ws-per-message-deflate",
        "--header",
        "--version",
    ] {
        assert!(
            out.stdout.contains(&format!("{flag} ")) || out.stdout.contains(&format!("{flag}\n")),
            "--help does not list {flag}:\n{}",
            out.stdout
        );
    }
    for var in [
        "FERRAPI_HOST",
        "FERRAPI_PORT",
        "FERRAPI_UDS",
        "FERRAPI_FD",
        "FERRAPI_WORKERS",
        "FERRAPI_LOOP",
        "FERRAPI_LIMIT_CONCURRENCY",
        "FERRAPI_TIMEOUT_GRACEFUL_SHUTDOWN",
        "FERRAPI_ACCESS_LOG",
        "FERRAPI_FORWARDED_ALLOW_IPS",
        "WEB_CONCURRENCY",
        "FORWARDED_ALLOW_IPS",
    ] {
        assert!(out.stdout.contains(var), "--help does not mention {var}");
    }

    let out = run_to_exit(&["--version"], &[], STARTUP);
    assert_eq!(code(out.status), Some(0), "{out:?}");
    assert!(out.stdout.contains(env!("CARGO_PKG_VERSION")), "{out:?}");
}

/// Arguments, environment, and what the error message must name.
type BadCase<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a [&'a str]);

#[test]
fn bad_values_exit_2_with_a_message_naming_the_flag() {
    // (arguments, environment, what the message must name). `--port 0` keeps a value that is
    // wrongly accepted from taking port 8000; the process is killed if it does not exit.
    let cases: &[BadCase] = &[
        (&["--port", "99999"], &[], &["--port", "99999"]),
        (
            &["--port", "0", "--timeout-keep-alive", "abc"],
            &[],
            &["--timeout-keep-alive", "abc"],
        ),
        (
            &["--port", "0", "--timeout-graceful-shutdown=-1"],
            &[],
            &["--timeout-graceful-shutdown"],
        ),
        (
            &["--port", "0", "--header", "nocolon"],
            &[],
            &["--header", "nocolon"],
        ),
        (
            &["--port", "0", "--header", "bad name:1"],
            &[],
            &["--header"],
        ),
        // clap names the flag, not the variable, for a bad environment value.
        (
            &[],
            &[("FERRAPI_PORT", "notaport")],
            &["--port", "notaport"],
        ),
        (
            &["--port", "0"],
            &[("FERRAPI_ACCESS_LOG", "maybe")],
            &["FERRAPI_ACCESS_LOG", "maybe"],
        ),
        (
            &["--port", "0"],
            &[("FERRAPI_SERVER_HEADER", "sometimes")],
            &["FERRAPI_SERVER_HEADER"],
        ),
        (
            &["--port", "0"],
            &[("FERRAPI_PROXY_HEADERS", "2")],
            &["FERRAPI_PROXY_HEADERS"],
        ),
        (
            &["--port", "0", "--host", "not-an-ip"],
            &[],
            &["--host", "not-an-ip"],
        ),
        (&["--port", "0", "--workers", "0"], &[], &["--workers"]),
        (
            &["--port", "0"],
            &[("WEB_CONCURRENCY", "many")],
            &["WEB_CONCURRENCY"],
        ),
        (&["--port", "0", "--loop", "uvloop"], &[], &["--loop"]),
        (
            &["--port", "0"],
            &[("FERRAPI_LOG_LEVEL", "loud")],
            &["--log-level", "loud"],
        ),
        (
            &["--port", "0", "--forwarded-allow-ips", "10.0.0.0/99"],
            &[],
            &["--forwarded-allow-ips"],
        ),
        (
            &["--port", "0"],
            &[("FORWARDED_ALLOW_IPS", "nope")],
            &["FORWARDED_ALLOW_IPS", "nope"],
        ),
        (
            &["--uds", "/tmp/ferrapi-never.sock", "--fd", "3"],
            &[],
            &["--uds", "--fd"],
        ),
        (&["--port", "0", "--no-such-flag"], &[], &["--no-such-flag"]),
    ];
    for (args, envs, names) in cases {
        let out = run_to_exit(args, envs, STARTUP);
        assert_eq!(
            code(out.status),
            Some(2),
            "{args:?} {envs:?} should exit 2: {out:?}"
        );
        assert!(
            out.stderr.contains("error"),
            "{args:?} {envs:?}: no error message: {out:?}"
        );
        for name in *names {
            assert!(
                out.stderr.contains(name),
                "{args:?} {envs:?}: the message does not name {name:?}: {}",
                out.stderr
            );
        }
    }
}

// ---------------------------------------------------------------------------------------------
// 2. Flags and environment variables
// ---------------------------------------------------------------------------------------------

#[test]
fn port_comes_from_the_environment() {
    // A free port can be taken by someone else before the server binds it: retry.
    for attempt in 0..5 {
        let port = free_port().to_string();
        let mut server = Server::spawn(command(&[], &[("FERRAPI_PORT", &port)]));
        let started = server.stderr.wait_for(STARTUP, |l| {
            l.contains("ferrapi running on") || l.contains("error")
        });
        let line = started.unwrap_or_else(|| panic!("no startup line\n{}", server.logs()));
        if line.contains("error") && attempt < 4 {
            continue;
        }
        assert!(
            line.contains(&format!("http://127.0.0.1:{port} ")),
            "{line}"
        );
        server.banner = line;
        assert_eq!(fetch(server.addr(), "/", &[]).text(), "ok");
        assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
        return;
    }
}

#[test]
fn port_flag_beats_the_environment() {
    // The environment names a port that is taken: using it would fail with status 3.
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let taken_port = taken.local_addr().unwrap().port().to_string();
    let mut server = Server::start(&["--port", "0"], &[("FERRAPI_PORT", &taken_port)]);
    assert_ne!(server.addr().port().to_string(), taken_port);
    assert_eq!(fetch(server.addr(), "/", &[]).text(), "ok");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

/// Serves one request for `path` and returns the access log (stdout) after a clean exit.
fn access_log_of(args: &[&str], envs: &[(&str, &str)], path: &str) -> String {
    let mut server = Server::start(args, envs);
    assert_eq!(fetch(server.addr(), path, &[]).status, 200);
    assert_eq!(
        code(server.terminate(IO_TIMEOUT)),
        Some(0),
        "{}",
        server.logs()
    );
    server.stdout.text()
}

#[test]
fn access_log_env_turns_it_off_and_the_flag_back_on() {
    let on = access_log_of(&["--port", "0"], &[], "/plaintext");
    assert!(on.contains("\"GET /plaintext HTTP/1.1\" 200"), "{on}");

    let off = access_log_of(
        &["--port", "0"],
        &[("FERRAPI_ACCESS_LOG", "false")],
        "/plaintext",
    );
    assert!(!off.contains("GET /plaintext"), "{off}");

    let back = access_log_of(
        &["--port", "0", "--access-log"],
        &[("FERRAPI_ACCESS_LOG", "false")],
        "/plaintext",
    );
    assert!(back.contains("\"GET /plaintext HTTP/1.1\" 200"), "{back}");

    let flag_off = access_log_of(&["--port", "0", "--no-access-log"], &[], "/plaintext");
    assert!(!flag_off.contains("GET /plaintext"), "{flag_off}");

    // The last of a --x/--no-x pair wins.
    let last = access_log_of(
        &["--port", "0", "--access-log", "--no-access-log"],
        &[],
        "/plaintext",
    );
    assert!(!last.contains("GET /plaintext"), "{last}");
}

/// The response to `GET /` from a server started with `args` and `envs`.
fn response_from(args: &[&str], envs: &[(&str, &str)]) -> RawResponse {
    let mut server = Server::start(args, envs);
    let res = fetch(server.addr(), "/", &[]);
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    res
}

#[test]
fn server_header_env_and_flags() {
    let res = response_from(&["--port", "0"], &[]);
    assert_eq!(res.all("server"), ["ferrapi"]);

    let res = response_from(&["--port", "0"], &[("FERRAPI_SERVER_HEADER", "false")]);
    assert!(res.header("server").is_none(), "{res:?}");

    let res = response_from(
        &["--port", "0", "--server-header"],
        &[("FERRAPI_SERVER_HEADER", "false")],
    );
    assert_eq!(res.all("server"), ["ferrapi"]);

    let res = response_from(&["--port", "0", "--no-server-header"], &[]);
    assert!(res.header("server").is_none(), "{res:?}");
}

#[test]
fn date_header_can_be_turned_off() {
    let res = response_from(&["--port", "0"], &[]);
    let date = res.header("date").expect("date header");
    assert!(date.ends_with(" GMT"), "{date}");

    let res = response_from(&["--port", "0", "--no-date-header"], &[]);
    assert!(res.header("date").is_none(), "{res:?}");

    let res = response_from(&["--port", "0"], &[("FERRAPI_DATE_HEADER", "0")]);
    assert!(res.header("date").is_none(), "{res:?}");

    let res = response_from(
        &["--port", "0", "--date-header"],
        &[("FERRAPI_DATE_HEADER", "off")],
    );
    assert!(res.header("date").is_some(), "{res:?}");
}

#[test]
fn server_header_flag_replaces_the_default() {
    let res = response_from(&["--port", "0", "--header", "server:custom"], &[]);
    assert_eq!(res.all("server"), ["custom"], "{res:?}");

    // Even with the default Server header turned off, an explicit one is sent.
    let res = response_from(
        &["--port", "0", "--header", "Server: custom"],
        &[("FERRAPI_SERVER_HEADER", "false")],
    );
    assert_eq!(res.all("server"), ["custom"], "{res:?}");
}

#[test]
fn extra_header_flag_is_sent_on_every_response() {
    let mut server = Server::start(
        &[
            "--port",
            "0",
            "--header",
            "x-test:1",
            "--header",
            "X-Other: a b",
        ],
        &[],
    );
    for path in ["/", "/json", "/nope"] {
        let res = fetch(server.addr(), path, &[]);
        assert_eq!(res.header("x-test"), Some("1"), "GET {path}: {res:?}");
        assert_eq!(res.header("x-other"), Some("a b"), "GET {path}: {res:?}");
    }
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

#[test]
fn header_flag_cannot_break_framing() {
    for header in [
        "content-length:0",
        "transfer-encoding:chunked",
        "connection:keep-alive",
    ] {
        let mut server = Server::spawn(command(&["--port", "0", "--header", header], &[]));
        let ready = server.stderr.wait_for(STARTUP, |l| {
            l.contains("ferrapi running on") || l.contains("error")
        });
        let Some(banner) = ready.filter(|l| l.contains("ferrapi running on")) else {
            // Refusing the flag at startup is a fine answer too.
            assert_eq!(code(server.expect_exit(IO_TIMEOUT)), Some(2), "{header}");
            continue;
        };
        server.banner = banner;
        let res = fetch(server.addr(), "/", &[]);
        assert_eq!(
            res.all("content-length"),
            ["2"],
            "--header {header}: {res:?}"
        );
        assert!(
            res.header("transfer-encoding").is_none(),
            "--header {header}: {res:?}"
        );
        assert_eq!(
            res.all("connection"),
            ["close"],
            "--header {header}: {res:?}"
        );
        assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    }
}

#[test]
fn keep_alive_timeout_closes_idle_connections() {
    let mut server = Server::start(&["--port", "0"], &[("FERRAPI_TIMEOUT_KEEP_ALIVE", "0.5")]);
    let mut client = connect(server.addr());
    client.send(&get("/", &[])).unwrap();
    assert_eq!(client.read_response().unwrap().status, 200);
    let idle = Instant::now();
    client.read_timeout(Duration::from_secs(5));
    assert!(
        client.closed().unwrap(),
        "the idle connection was not closed"
    );
    let waited = idle.elapsed();
    assert!(
        waited >= Duration::from_millis(400) && waited < Duration::from_secs(3),
        "closed after {waited:?}"
    );
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

// ---------------------------------------------------------------------------------------------
// 3. Graceful shutdown
// ---------------------------------------------------------------------------------------------

#[test]
fn sigterm_closes_idle_keep_alive_connections_and_exits_0() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let mut clients: Vec<_> = (0..3).map(|_| connect(server.addr())).collect();
    for client in &mut clients {
        client.send(&get("/json", &[])).unwrap();
        let res = client.read_response().unwrap();
        assert_eq!(res.status, 200);
        assert!(!res.closes());
    }
    server
        .stdout
        .wait_for(IO_TIMEOUT, |l| l.contains("GET /json"))
        .unwrap();

    let signalled = Instant::now();
    server.signal("TERM");
    for client in &mut clients {
        client.read_timeout(Duration::from_secs(5));
        assert!(client.closed().unwrap(), "idle connection left open");
    }
    assert!(
        signalled.elapsed() < Duration::from_secs(2),
        "idle connections closed only after {:?}",
        signalled.elapsed()
    );
    let status = server.expect_exit(Duration::from_secs(5));
    assert_eq!(code(status), Some(0), "{}", server.logs());
    assert!(
        signalled.elapsed() < Duration::from_secs(3),
        "exit took {:?}",
        signalled.elapsed()
    );
    let err = server.stderr.text();
    assert!(err.contains("shutting down"), "{err}");
    assert!(err.contains("application shutdown complete"), "{err}");
    assert_eq!(
        server
            .stdout
            .snapshot()
            .iter()
            .filter(|l| l.contains("\"GET /json HTTP/1.1\" 200 OK 27B"))
            .count(),
        3,
        "{}",
        server.logs()
    );
}

#[test]
fn sigterm_during_a_request_head_answers_with_connection_close() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let mut client = connect(server.addr());
    // Half a head: the request has started arriving when the signal comes.
    client.send(b"GET /json HTTP/1.1\r\nHost: te").unwrap();
    thread::sleep(Duration::from_millis(200));
    server.signal("TERM");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| l.contains("shutting down"))
        .unwrap();
    client.send(b"st\r\n\r\n").unwrap();
    let res = client.read_response().unwrap();
    assert_eq!(res.status, 200);
    assert_eq!(res.text(), r#"{"message":"Hello, World!"}"#);
    assert!(res.closes(), "no connection: close while draining: {res:?}");
    assert!(client.closed().unwrap());
    assert_eq!(code(server.expect_exit(IO_TIMEOUT)), Some(0));
    assert!(server.stdout.text().contains("\"GET /json HTTP/1.1\" 200"));
}

#[test]
fn sigterm_lets_a_streaming_echo_finish() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let mut client = start_slow_echo(server.addr());

    server.signal("TERM");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| l.contains("shutting down"))
        .unwrap();
    // The request is still being served: more body, echoed back.
    client.send(&chunk("world")).unwrap();
    assert_eq!(client.read_chunk().unwrap().as_deref(), Some(&b"world"[..]));
    client.send(b"0\r\n\r\n").unwrap();
    // The response ends properly (its head went out before the signal, so it cannot carry
    // `connection: close`), then the connection closes.
    assert_eq!(
        client.read_chunk().expect("the last chunk of the echo"),
        None
    );
    assert!(client.closed().unwrap());
    assert_eq!(code(server.expect_exit(IO_TIMEOUT)), Some(0));
}

#[test]
fn sigterm_waits_for_a_streaming_echo_and_closes_after_it() {
    // The part of the streaming-echo drain that works today: the request in flight keeps being
    // served after the signal and the process waits for it (the last chunk is lost, see
    // `sigterm_lets_a_streaming_echo_finish`).
    let mut server = Server::start(&["--port", "0"], &[]);
    let mut client = start_slow_echo(server.addr());
    server.signal("TERM");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| {
            l.contains("waiting for connections to close")
        })
        .unwrap_or_else(|| panic!("{}", server.logs()));
    for word in ["world", "again"] {
        thread::sleep(Duration::from_millis(300));
        assert!(server.wait_exit(Duration::ZERO).is_none(), "exited early");
        client.send(&chunk(word)).unwrap();
        assert_eq!(
            client.read_chunk().unwrap().as_deref(),
            Some(word.as_bytes())
        );
    }
    client.send(b"0\r\n\r\n").unwrap();
    assert_eq!(code(server.expect_exit(IO_TIMEOUT)), Some(0));
    let line = server.access_line("/echo");
    assert!(line.contains("\" 200 OK 15B "), "{line}");
}

#[test]
fn sigterm_refuses_new_connections_while_draining() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let addr = server.addr();
    let mut client = start_slow_echo(addr);
    server.signal("TERM");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| {
            l.contains("waiting for connections to close")
        })
        .unwrap_or_else(|| panic!("{}", server.logs()));
    assert!(server.wait_exit(Duration::ZERO).is_none());
    assert!(
        refused(addr),
        "a new connection was accepted while draining"
    );
    // The request in flight still works.
    client.send(&chunk("more")).unwrap();
    assert_eq!(client.read_chunk().unwrap().as_deref(), Some(&b"more"[..]));
    client.send(b"0\r\n\r\n").unwrap();
    assert_eq!(code(server.expect_exit(IO_TIMEOUT)), Some(0));
}

#[test]
fn graceful_shutdown_timeout_bounds_the_drain() {
    let mut server = Server::start(&["--port", "0", "--timeout-graceful-shutdown", "1"], &[]);
    let mut client = start_slow_echo(server.addr());
    // The body never ends.
    let signalled = Instant::now();
    server.signal("TERM");
    let status = server.expect_exit(Duration::from_secs(10));
    let took = signalled.elapsed();
    assert_eq!(code(status), Some(0), "{}", server.logs());
    assert!(
        took >= Duration::from_millis(900) && took < Duration::from_secs(5),
        "exit {took:?} after the signal with a 1 s graceful timeout"
    );
    assert!(server
        .stderr
        .text()
        .contains("graceful shutdown timeout exceeded"));
    // The cut-off response never completes.
    match client.read_chunk() {
        Ok(None) => panic!("the unfinished echo was completed"),
        Ok(Some(data)) => panic!("unexpected data {data:?}"),
        Err(_) => {}
    }
}

#[test]
fn graceful_shutdown_timeout_env_var() {
    let mut server = Server::start(
        &["--port", "0"],
        &[("FERRAPI_TIMEOUT_GRACEFUL_SHUTDOWN", "0.5")],
    );
    let _client = start_slow_echo(server.addr());
    let signalled = Instant::now();
    server.signal("TERM");
    assert_eq!(code(server.expect_exit(Duration::from_secs(10))), Some(0));
    assert!(signalled.elapsed() < Duration::from_secs(4));
}

#[test]
fn second_sigint_forces_exit_1() {
    // The default 30 s graceful timeout would keep the process alive with this request open.
    let mut server = Server::start(&["--port", "0"], &[]);
    let _client = start_slow_echo(server.addr());
    server.signal("INT");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| l.contains("shutting down"))
        .unwrap();
    thread::sleep(Duration::from_millis(300));
    assert!(
        server.wait_exit(Duration::ZERO).is_none(),
        "exited on the first SIGINT"
    );
    let second = Instant::now();
    server.signal("INT");
    let status = server.expect_exit(Duration::from_secs(5));
    assert_eq!(code(status), Some(1), "{}", server.logs());
    assert!(
        second.elapsed() < Duration::from_secs(2),
        "{:?}",
        second.elapsed()
    );
    assert!(server.stderr.text().contains("forced exit"));
}

#[test]
fn sigterm_then_sigint_also_forces_exit() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let _client = start_slow_echo(server.addr());
    server.signal("TERM");
    server
        .stderr
        .wait_for(IO_TIMEOUT, |l| l.contains("shutting down"))
        .unwrap();
    server.signal("INT");
    assert_eq!(code(server.expect_exit(Duration::from_secs(5))), Some(1));
}

// ---------------------------------------------------------------------------------------------
// 4. SIGTERM under load
// ---------------------------------------------------------------------------------------------

/// How one keep-alive connection of the load loop ended.
#[derive(Debug, PartialEq, Eq)]
enum Ending {
    /// A response said `connection: close`, then the server closed.
    CloseHeader,
    /// Closed (FIN) before any byte of the response to the last request.
    EofBeforeResponse,
    /// Reset before any byte of the response to the last request.
    ResetBeforeResponse,
    /// Writing the request failed: it was not delivered.
    WriteFailed,
    /// Some bytes of a response, then the end: never acceptable.
    Truncated(String),
    /// Anything else (timeouts, garbage): never acceptable.
    Other(String),
}

#[derive(Debug)]
struct ConnReport {
    sent: u64,
    complete: u64,
    ending: Ending,
}

/// Keeps `threads` clients doing keep-alive `GET /plaintext` until connections are refused.
fn load(
    addr: SocketAddr,
    threads: usize,
    give_up: Instant,
) -> Vec<thread::JoinHandle<Vec<ConnReport>>> {
    (0..threads)
        .map(|_| {
            thread::spawn(move || {
                let mut reports = Vec::new();
                while Instant::now() < give_up {
                    let stream = match TcpStream::connect_timeout(&addr, Duration::from_secs(5)) {
                        Ok(stream) => stream,
                        // The listener is closed (refused), or closed while this connection
                        // was still in its accept queue (reset): nothing was sent, load over.
                        Err(e)
                            if matches!(
                                e.kind(),
                                io::ErrorKind::ConnectionRefused | io::ErrorKind::ConnectionReset
                            ) =>
                        {
                            break
                        }
                        Err(e) => {
                            reports.push(ConnReport {
                                sent: 0,
                                complete: 0,
                                ending: Ending::Other(format!("connect: {e}")),
                            });
                            break;
                        }
                    };
                    let mut client = tcp_client(stream);
                    let (mut sent, mut complete) = (0, 0);
                    let ending = loop {
                        if Instant::now() >= give_up {
                            break Ending::Other("still running at the deadline".into());
                        }
                        if client.send(&get("/plaintext", &[])).is_err() {
                            break Ending::WriteFailed;
                        }
                        sent += 1;
                        let before = client.received;
                        match client.read_response() {
                            Ok(res) if res.status == 200 && res.body == b"Hello, World!" => {
                                complete += 1;
                                if res.closes() {
                                    break match client.closed() {
                                        Ok(true) => Ending::CloseHeader,
                                        other => Ending::Other(format!(
                                            "connection: close, then {other:?}"
                                        )),
                                    };
                                }
                            }
                            Ok(res) => break Ending::Other(format!("bad response {res:?}")),
                            Err(e) if client.received == before => {
                                break match e.kind() {
                                    io::ErrorKind::UnexpectedEof => Ending::EofBeforeResponse,
                                    io::ErrorKind::ConnectionReset => Ending::ResetBeforeResponse,
                                    _ => Ending::Other(format!("before any byte: {e}")),
                                }
                            }
                            Err(e) => {
                                break Ending::Truncated(format!(
                                    "{e} after {} bytes",
                                    client.received - before
                                ))
                            }
                        }
                    };
                    reports.push(ConnReport {
                        sent,
                        complete,
                        ending,
                    });
                }
                reports
            })
        })
        .collect()
}

/// Runs the load loop, sends SIGTERM in the middle, and checks that no request whose bytes
/// were fully written lost its response.
///
/// What a client can observe per connection: it writes a request, then reads either a whole
/// response, or the end of the connection. The end of the connection before any byte of the
/// response is legitimate for the *last* request only: the server may close an idle
/// keep-alive connection (the drain closes idle connections at once) just as the client's
/// next request is in flight, and never read it; the client then sees a FIN, or a reset when
/// the request bytes reached the server's socket buffer before it was closed. The server did
/// not handle such a request, and nothing was lost: HTTP clients retry idempotent requests
/// in exactly this case. So each connection must have a response for every request it sent,
/// except possibly the last one if the connection ended before any byte of its response.
/// A truncated response (some bytes, then the end) is never acceptable.
///
/// Because "ended before the response" could also hide a request that the server *did*
/// handle and whose response it then dropped, the total is also checked against the access
/// log: every response the server logged must have reached a client.
fn sigterm_under_load(args: &[&str]) {
    let mut argv = vec!["--port", "0"];
    argv.extend_from_slice(args);
    let mut server = Server::start(&argv, &[]);
    let addr = server.addr();
    let give_up = Instant::now() + Duration::from_secs(30);
    let handles = load(addr, 8, give_up);
    thread::sleep(Duration::from_millis(700));
    server.signal("TERM");
    let status = server.expect_exit(Duration::from_secs(20));
    assert_eq!(code(status), Some(0), "{}", server.logs());
    let reports: Vec<ConnReport> = handles
        .into_iter()
        .flat_map(|h| h.join().expect("load thread panicked"))
        .collect();

    let mut received = 0;
    let mut problems = Vec::new();
    for r in &reports {
        received += r.complete;
        let ok = match &r.ending {
            Ending::CloseHeader | Ending::WriteFailed => r.complete == r.sent,
            Ending::EofBeforeResponse | Ending::ResetBeforeResponse => r.complete + 1 == r.sent,
            Ending::Truncated(_) | Ending::Other(_) => false,
        };
        if !ok {
            problems.push(r);
        }
    }
    let logged = server
        .stdout
        .snapshot()
        .iter()
        .filter(|l| l.contains("\"GET /plaintext HTTP/1.1\" 200"))
        .count() as u64;
    eprintln!(
        "{} connections, {received} responses received, {logged} logged; endings: {:?}",
        reports.len(),
        reports.iter().map(|r| &r.ending).collect::<Vec<_>>()
    );
    assert!(received > 100, "too little load: {received} responses");
    assert!(
        problems.is_empty(),
        "lost or broken responses: {problems:#?}"
    );
    assert_eq!(
        logged, received,
        "the server logged {logged} responses but clients received {received}"
    );
}

#[test]
fn sigterm_under_load_loses_nothing() {
    sigterm_under_load(&[]);
}

#[test]
fn sigterm_under_load_loses_nothing_with_two_multi_workers() {
    sigterm_under_load(&["--workers", "2", "--loop", "multi"]);
}

#[test]
fn sigterm_under_load_loses_nothing_with_two_current_workers() {
    sigterm_under_load(&["--workers", "2", "--loop", "current"]);
}

/// `wrk` cannot say which request of which connection failed, so the precise checks are in
/// [`sigterm_under_load`]; this one checks that wrk sees no timeouts and no non-2xx answers,
/// and that it received every response the server logged.
#[test]
fn sigterm_under_wrk() {
    if !have("wrk") {
        eprintln!("skipped: wrk is not installed");
        return;
    }
    let mut server = Server::start(&["--port", "0"], &[]);
    let url = format!("http://{}/plaintext", server.addr());
    let wrk = std::process::Command::new("wrk")
        .args(["-t2", "-c16", "-d3s", "--timeout", "5s", &url])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn wrk");
    thread::sleep(Duration::from_millis(1000));
    server.signal("TERM");
    assert_eq!(code(server.expect_exit(Duration::from_secs(20))), Some(0));
    let out = wrk.wait_with_output().expect("wrk");
    let report = String::from_utf8_lossy(&out.stdout);
    eprintln!("{report}");
    assert!(!report.contains("Non-2xx"), "{report}");
    let timeouts = report
        .split("timeout ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .and_then(|s| s.parse::<u64>().ok())
        .unwrap_or(0);
    assert_eq!(timeouts, 0, "{report}");
    let requests: u64 = report
        .lines()
        .find(|l| l.contains("requests in"))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no request count in {report}"));
    let logged = server
        .stdout
        .snapshot()
        .iter()
        .filter(|l| l.contains("\"GET /plaintext HTTP/1.1\" 200"))
        .count() as u64;
    assert!(requests > 100, "{report}");
    assert_eq!(
        requests, logged,
        "wrk got {requests}, the server logged {logged}"
    );
}

// ---------------------------------------------------------------------------------------------
// 5. --limit-concurrency
// ---------------------------------------------------------------------------------------------

#[test]
fn limit_concurrency_rejects_with_503_while_busy() {
    let mut server = Server::start(&["--port", "0", "--limit-concurrency", "1"], &[]);
    let addr = server.addr();

    // An idle keep-alive connection: unlike uvicorn's, it does not count against the limit.
    let mut idle = connect(addr);
    idle.send(&get("/", &[])).unwrap();
    assert_eq!(idle.read_response().unwrap().status, 200);

    // One request in flight (its body is still arriving) takes the only slot...
    let mut busy = start_slow_echo(addr);

    // ...so another request is refused at once.
    let asked = Instant::now();
    let mut other = connect(addr);
    other.send(&get("/json", &[])).unwrap();
    let res = other.read_response().unwrap();
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "{:?}",
        asked.elapsed()
    );
    assert_eq!(res.status, 503);
    assert_eq!(res.reason, "Service Unavailable");
    assert_eq!(res.text(), "Service Unavailable");
    assert_eq!(res.header("content-length"), Some("19"));
    assert_eq!(
        res.header("content-type"),
        Some("text/plain; charset=utf-8")
    );
    assert!(res.closes(), "{res:?}");
    assert!(other.closed().unwrap());

    // The request in flight finishes normally.
    busy.send(&chunk("world")).unwrap();
    assert_eq!(busy.read_chunk().unwrap().as_deref(), Some(&b"world"[..]));
    busy.send(b"0\r\n\r\n").unwrap();
    assert_eq!(busy.read_chunk().unwrap(), None);

    // Then requests succeed again: on the idle connection, the finished one, and a new one.
    idle.send(&get("/json", &[])).unwrap();
    assert_eq!(idle.read_response().unwrap().status, 200);
    busy.send(&get("/", &[])).unwrap();
    assert_eq!(busy.read_response().unwrap().status, 200);
    assert_eq!(fetch(addr, "/plaintext", &[]).status, 200);

    let line = server.access_line("/json");
    assert!(line.contains("\" 503 Service Unavailable 19B "), "{line}");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

// ---------------------------------------------------------------------------------------------
// 6. --limit-max-requests
// ---------------------------------------------------------------------------------------------

#[test]
fn limit_max_requests_exits_0_after_n_requests() {
    let mut server = Server::start(&["--port", "0", "--limit-max-requests", "5"], &[]);
    let addr = server.addr();
    // Four on one keep-alive connection, the fifth on another.
    let mut client = connect(addr);
    for i in 0..4 {
        client.send(&get(&format!("/items/{i}"), &[])).unwrap();
        let res = client.read_response().unwrap();
        assert_eq!(res.status, 200);
        assert!(!res.closes(), "request {i} announced a close: {res:?}");
    }
    let last = fetch(addr, "/items/4", &[]);
    assert_eq!(last.text(), r#"{"id":4,"q":null}"#);
    // The process stops by itself; the idle connection is closed.
    let status = server.expect_exit(Duration::from_secs(10));
    assert_eq!(code(status), Some(0), "{}", server.logs());
    assert!(client.closed().unwrap());
    assert!(server
        .stderr
        .text()
        .contains("maximum number of requests reached"));
    assert!(refused(addr));
}

#[test]
fn limit_max_requests_on_one_connection_closes_it_with_the_last_response() {
    let mut server = Server::start(&["--port", "0", "--limit-max-requests", "3"], &[]);
    let mut client = connect(server.addr());
    for i in 0..3 {
        client.send(&get("/", &[])).unwrap();
        let res = client.read_response().unwrap();
        assert_eq!(res.status, 200);
        assert_eq!(res.closes(), i == 2, "request {i}: {res:?}");
    }
    assert!(client.closed().unwrap());
    assert_eq!(code(server.expect_exit(Duration::from_secs(10))), Some(0));
}

#[test]
fn limit_max_requests_jitter_stays_in_range() {
    for _ in 0..3 {
        let mut server = Server::start(
            &[
                "--port",
                "0",
                "--limit-max-requests",
                "2",
                "--limit-max-requests-jitter",
                "3",
            ],
            &[],
        );
        let addr = server.addr();
        let mut served = 0;
        for _ in 0..10 {
            let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) else {
                break;
            };
            let mut client = tcp_client(stream);
            if client.send(&get("/", &["Connection: close"])).is_err() {
                break;
            }
            match client.read_response() {
                Ok(res) if res.status == 200 => served += 1,
                _ => break,
            }
            if server.wait_exit(Duration::from_millis(50)).is_some() {
                break;
            }
        }
        assert_eq!(code(server.expect_exit(Duration::from_secs(10))), Some(0));
        assert!((2..=5).contains(&served), "served {served} requests");
    }
}

// ---------------------------------------------------------------------------------------------
// 7. Proxy headers
// ---------------------------------------------------------------------------------------------

/// Serves `GET path` with the proxy `headers` and returns (the client in the access log, the
/// address the test connected from).
fn client_seen(args: &[&str], envs: &[(&str, &str)], headers: &[&str]) -> (String, SocketAddr) {
    let mut argv = vec!["--port", "0"];
    argv.extend_from_slice(args);
    let mut server = Server::start(&argv, envs);
    let mut client = connect(server.addr());
    let local = client.stream.local_addr().unwrap();
    let mut all = headers.to_vec();
    all.push("Connection: close");
    client.send(&get("/items/7", &all)).unwrap();
    assert_eq!(client.read_response().unwrap().status, 200);
    let line = server.access_line("/items/7");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    (logged_client(&line).to_string(), local)
}

const XFF: &[&str] = &[
    "X-Forwarded-For: 1.2.3.4, 5.6.7.8",
    "X-Forwarded-Proto: https",
];

#[test]
fn proxy_headers_from_loopback_are_trusted_by_default() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let addr = server.addr();
    let cases: &[(&str, &[&str], &str)] = &[
        // uvicorn's own example (anchors §1.7).
        ("/items/1", XFF, "5.6.7.8:0"),
        (
            "/items/2",
            &["Forwarded: for=9.9.9.9;proto=https"],
            "9.9.9.9:0",
        ),
        // Forwarded wins over X-Forwarded-For.
        (
            "/items/3",
            &["X-Forwarded-For: 5.6.7.8", "Forwarded: for=9.9.9.9"],
            "9.9.9.9:0",
        ),
        // Ports and IPv6 forms.
        (
            "/items/4",
            &["X-Forwarded-For: [2001:db8::1]:4711"],
            "[2001:db8::1]:4711",
        ),
        (
            "/items/5",
            &["Forwarded: for=\"[2001:db8:cafe::17]:4711\""],
            "[2001:db8:cafe::17]:4711",
        ),
        // Trusted hops (the loopback) are skipped from the right.
        (
            "/items/6",
            &["X-Forwarded-For: 5.6.7.8, 127.0.0.1"],
            "5.6.7.8:0",
        ),
        // Several header instances are joined in order.
        (
            "/items/7",
            &["X-Forwarded-For: 1.1.1.1", "X-Forwarded-For: 2.2.2.2:99"],
            "2.2.2.2:99",
        ),
        // Only X-Forwarded-Proto: the client stays the peer.
        ("/items/8", &["X-Forwarded-Proto: https"], "127.0.0.1:"),
    ];
    for (path, headers, _) in cases {
        let res = fetch(addr, path, headers);
        assert_eq!(res.status, 200);
    }
    for (path, headers, want) in cases {
        let line = server.access_line(path);
        let got = logged_client(&line);
        assert!(
            got.starts_with(want),
            "{headers:?}: logged {got}, want {want}"
        );
    }
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

#[test]
fn proxy_headers_from_an_untrusted_peer_are_ignored() {
    let (seen, local) = client_seen(&["--forwarded-allow-ips", "10.0.0.1"], &[], XFF);
    assert_eq!(seen, local.to_string());

    let (seen, local) = client_seen(
        &["--forwarded-allow-ips", "10.0.0.1"],
        &[],
        &["Forwarded: for=9.9.9.9"],
    );
    assert_eq!(seen, local.to_string());

    // uvicorn's variable, and ferrapi's.
    let (seen, local) = client_seen(&[], &[("FORWARDED_ALLOW_IPS", "10.0.0.1")], XFF);
    assert_eq!(seen, local.to_string());
    let (seen, local) = client_seen(&[], &[("FERRAPI_FORWARDED_ALLOW_IPS", "10.0.0.0/8")], XFF);
    assert_eq!(seen, local.to_string());
}

#[test]
fn proxy_headers_trust_lists() {
    // A network holding the peer, and `*`.
    let (seen, _) = client_seen(&["--forwarded-allow-ips", "10.0.0.1,127.0.0.0/8"], &[], XFF);
    assert_eq!(seen, "5.6.7.8:0");
    // The flag wins over both variables.
    let (seen, _) = client_seen(
        &["--forwarded-allow-ips", "127.0.0.1"],
        &[
            ("FORWARDED_ALLOW_IPS", "10.0.0.1"),
            ("FERRAPI_FORWARDED_ALLOW_IPS", "10.0.0.1"),
        ],
        XFF,
    );
    assert_eq!(seen, "5.6.7.8:0");
    // With every hop trusted (`*`, or each one listed), the left-most is the client.
    let (seen, _) = client_seen(&["--forwarded-allow-ips", "*"], &[], XFF);
    assert_eq!(seen, "1.2.3.4:0");
    let (seen, _) = client_seen(
        &["--forwarded-allow-ips", "127.0.0.1,5.6.7.8,1.2.3.4"],
        &[],
        XFF,
    );
    assert_eq!(seen, "1.2.3.4:0");
}

#[test]
fn no_proxy_headers_ignores_them() {
    let (seen, local) = client_seen(&["--no-proxy-headers"], &[], XFF);
    assert_eq!(seen, local.to_string());
    let (seen, local) = client_seen(&[], &[("FERRAPI_PROXY_HEADERS", "false")], XFF);
    assert_eq!(seen, local.to_string());
    let (seen, _) = client_seen(
        &["--proxy-headers"],
        &[("FERRAPI_PROXY_HEADERS", "false")],
        XFF,
    );
    assert_eq!(seen, "5.6.7.8:0");
}

#[test]
fn dual_stack_host_accepts_ipv4_and_ipv6() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: IPv6 loopback unavailable");
        return;
    }
    let mut server = Server::start(&["--host", "::", "--port", "0"], &[]);
    assert!(server.banner.contains("http://[::]:"), "{}", server.banner);
    let port = server.addr().port();
    let v4: SocketAddr = ([127, 0, 0, 1], port).into();
    let v6: SocketAddr = (std::net::Ipv6Addr::LOCALHOST, port).into();
    assert_eq!(fetch(v4, "/items/4", &[]).status, 200);
    assert_eq!(fetch(v6, "/items/6", &[]).status, 200);
    // An IPv4 peer of a dual-stack socket is the loopback too: its proxy headers are trusted.
    assert_eq!(fetch(v4, "/items/44", XFF).status, 200);

    let line = server.access_line("/items/4");
    let v4_client = logged_client(&line);
    // Logged in its IPv4-mapped form, as uvicorn does.
    assert!(
        v4_client.starts_with("[::ffff:127.0.0.1]:") || v4_client.starts_with("127.0.0.1:"),
        "{line}"
    );
    let line = server.access_line("/items/6");
    assert!(logged_client(&line).starts_with("[::1]:"), "{line}");
    let line = server.access_line("/items/44");
    assert_eq!(logged_client(&line), "5.6.7.8:0");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

#[test]
fn ipv6_only_host() {
    if TcpListener::bind("[::1]:0").is_err() {
        eprintln!("skipped: IPv6 loopback unavailable");
        return;
    }
    let mut server = Server::start(&["--host", "[::1]", "--port", "0"], &[]);
    let addr = server.addr();
    assert!(addr.is_ipv6());
    assert_eq!(fetch(addr, "/", &[]).status, 200);
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

// ---------------------------------------------------------------------------------------------
// 8. Unix domain sockets
// ---------------------------------------------------------------------------------------------

fn unix_get(path: &PathBuf, target: &str, extra: &[&str]) -> RawResponse {
    let stream = UnixStream::connect(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut client = Client::new(stream);
    let mut headers = extra.to_vec();
    headers.push("Connection: close");
    client.send(&get(target, &headers)).unwrap();
    client.read_response().unwrap()
}

/// Removes the path when dropped (for failures).
struct RemoveOnDrop(PathBuf);

impl Drop for RemoveOnDrop {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[test]
fn unix_socket_serves_with_mode_666_and_is_removed_at_exit() {
    let path = unique_socket_path("uds");
    let _cleanup = RemoveOnDrop(path.clone());
    let mut server = Server::start(&["--uds", path.to_str().unwrap()], &[]);
    assert!(
        server.banner.contains(&format!("unix:{}", path.display())),
        "{}",
        server.banner
    );
    let meta = std::fs::metadata(&path).unwrap();
    assert!(meta.file_type().is_socket());
    assert_eq!(meta.permissions().mode() & 0o777, 0o666);

    let res = unix_get(&path, "/json", &[]);
    assert_eq!(res.text(), r#"{"message":"Hello, World!"}"#);
    // No peer address on a Unix socket: the access log shows `-`.
    let line = server.access_line("/json");
    assert_eq!(logged_client(&line), "-", "{line}");

    // Keep-alive over the socket, and the drain closing it.
    let stream = UnixStream::connect(&path).unwrap();
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    let mut client = Client::new(stream);
    client.send(&get("/", &[])).unwrap();
    assert_eq!(client.read_response().unwrap().text(), "ok");

    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    assert!(client.closed().unwrap());
    assert!(!path.exists(), "the socket file outlived the server");
}

#[test]
fn unix_socket_replaces_a_stale_socket_file() {
    let path = unique_socket_path("stale");
    let _cleanup = RemoveOnDrop(path.clone());
    // A socket file nobody listens on, as a crashed server leaves behind.
    drop(UnixListener::bind(&path).unwrap());
    assert!(path.exists());
    assert!(UnixStream::connect(&path).is_err());

    let mut server = Server::start(&["--uds", path.to_str().unwrap()], &[]);
    assert_eq!(unix_get(&path, "/", &[]).text(), "ok");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    assert!(!path.exists());
}

#[test]
fn unix_socket_refuses_to_replace_a_regular_file() {
    let path = unique_socket_path("regular");
    let _cleanup = RemoveOnDrop(path.clone());
    std::fs::write(&path, "precious").unwrap();
    let out = run_to_exit(&["--uds", path.to_str().unwrap()], &[], STARTUP);
    assert_eq!(code(out.status), Some(3), "{out:?}");
    assert!(out.stderr.contains("is not a socket"), "{}", out.stderr);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
}

#[test]
fn unix_socket_proxy_headers_need_unix_or_star() {
    for (args, want) in [
        (&[][..], "-"),
        (&["--forwarded-allow-ips", "unix"][..], "5.6.7.8:0"),
        (&["--forwarded-allow-ips", "*"][..], "1.2.3.4:0"),
        (&["--forwarded-allow-ips", "127.0.0.1"][..], "-"),
    ] {
        let path = unique_socket_path("proxy");
        let _cleanup = RemoveOnDrop(path.clone());
        let mut argv = vec!["--uds", path.to_str().unwrap()];
        argv.extend_from_slice(args);
        let mut server = Server::start(&argv, &[]);
        assert_eq!(unix_get(&path, "/items/9", XFF).status, 200);
        let line = server.access_line("/items/9");
        assert_eq!(logged_client(&line), want, "{args:?}: {line}");
        assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    }
}

// ---------------------------------------------------------------------------------------------
// 9. An inherited listening socket (--fd)
// ---------------------------------------------------------------------------------------------

#[test]
fn inherited_fd_is_served() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fd = listener.as_raw_fd().to_string();
    let mut server = {
        // No other child may inherit the descriptor while it is inheritable.
        let _guard = spawn_lock();
        let sock = socket2::SockRef::from(&listener);
        sock.set_cloexec(false).unwrap();
        let server = Server::spawn_unlocked(command(&["--fd", &fd], &[]));
        sock.set_cloexec(true).unwrap();
        server
    };
    // The child has its own copy.
    drop(listener);
    server.wait_ready();
    assert!(
        server.banner.contains(&format!("http://{addr} ")),
        "{}",
        server.banner
    );
    for _ in 0..3 {
        assert_eq!(fetch(addr, "/plaintext", &[]).text(), "Hello, World!");
    }
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    assert!(refused(addr), "the inherited socket is still listening");
}

#[test]
fn fd_that_is_not_a_socket_exits_3() {
    // Descriptor 0 is /dev/null (stdin) in the child.
    let out = run_to_exit(&["--fd", "0"], &[], STARTUP);
    assert_eq!(code(out.status), Some(3), "{out:?}");
    assert!(out.stderr.contains("could not bind"), "{}", out.stderr);
}

#[test]
fn fd_that_is_not_open_exits_3() {
    let out = run_to_exit(&["--fd", "987"], &[], STARTUP);
    assert_eq!(code(out.status), Some(3), "{out:?}");
    assert!(out.stderr.contains("could not bind"), "{}", out.stderr);
}

// ---------------------------------------------------------------------------------------------
// 10. Workers
// ---------------------------------------------------------------------------------------------

fn two_workers(flavor: &str, banner_flavor: &str) {
    let mut server = Server::start(&["--port", "0", "--workers", "2", "--loop", flavor], &[]);
    assert!(server.banner.contains("workers=2"), "{}", server.banner);
    assert!(server.banner.contains(banner_flavor), "{}", server.banner);
    let addr = server.addr();
    let ok = Arc::new(AtomicUsize::new(0));
    let handles: Vec<_> = (0..5)
        .map(|t| {
            let ok = ok.clone();
            thread::spawn(move || {
                for i in 0..10 {
                    let res = fetch(addr, &format!("/items/{}", t * 10 + i), &[]);
                    assert_eq!(res.status, 200);
                    ok.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert_eq!(ok.load(Ordering::Relaxed), 50);
    // Idle keep-alive connections, spread over the workers, all close on SIGTERM.
    let mut idle: Vec<_> = (0..6).map(|_| connect(addr)).collect();
    for client in &mut idle {
        client.send(&get("/", &[])).unwrap();
        assert_eq!(client.read_response().unwrap().status, 200);
    }
    let signalled = Instant::now();
    assert_eq!(
        code(server.terminate(IO_TIMEOUT)),
        Some(0),
        "{}",
        server.logs()
    );
    assert!(signalled.elapsed() < Duration::from_secs(3));
    for client in &mut idle {
        assert!(client.closed().unwrap());
    }
    let served = server
        .stdout
        .snapshot()
        .iter()
        .filter(|l| l.contains("\"GET /items/"))
        .count();
    assert_eq!(served, 50);
}

#[test]
fn two_current_workers_serve_and_exit_0() {
    two_workers("current", "flavor=Current");
}

#[test]
fn two_multi_workers_serve_and_exit_0() {
    two_workers("multi", "flavor=Multi");
}

/// The signal handlers are in place before the banner: a SIGTERM sent the moment the server
/// says it runs is a graceful shutdown (exit 0), never the default kill. The bug this guards
/// against was a race (the handlers were installed by a task spawned after the banner, and a
/// loaded machine killed the process), so it is tried many times.
#[test]
fn a_signal_as_soon_as_the_banner_shows_is_a_graceful_shutdown() {
    for round in 0..20 {
        let workers = if round % 2 == 0 { "1" } else { "2" };
        let mut server = Server::start(&["--port", "0", "--workers", workers], &[]);
        let status = server.terminate(IO_TIMEOUT);
        assert_eq!(code(status), Some(0), "{}", server.logs());
    }
}

#[test]
fn web_concurrency_sets_the_workers_and_the_flag_wins() {
    let mut server = Server::start(&["--port", "0"], &[("WEB_CONCURRENCY", "3")]);
    assert!(server.banner.contains("workers=3"), "{}", server.banner);
    assert_eq!(fetch(server.addr(), "/", &[]).status, 200);
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));

    let mut server = Server::start(
        &["--port", "0"],
        &[("WEB_CONCURRENCY", "3"), ("FERRAPI_WORKERS", "2")],
    );
    assert!(server.banner.contains("workers=2"), "{}", server.banner);
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));

    let mut server = Server::start(
        &["--port", "0", "--workers", "1"],
        &[("WEB_CONCURRENCY", "3"), ("FERRAPI_WORKERS", "2")],
    );
    assert!(server.banner.contains("workers=1"), "{}", server.banner);
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

// ---------------------------------------------------------------------------------------------
// 11. The access log
// ---------------------------------------------------------------------------------------------

#[test]
fn text_access_log_line() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let mut client = connect(server.addr());
    let local = client.stream.local_addr().unwrap();
    client.send(&get("/items/12?q=a%20b", &[])).unwrap();
    let res = client.read_response().unwrap();
    assert_eq!(res.text(), r#"{"id":12,"q":"a b"}"#);
    client
        .send(&get("/missing", &["Connection: close"]))
        .unwrap();
    assert_eq!(client.read_response().unwrap().status, 404);

    // `<timestamp>  INFO <client> - "<method> <path?query> <version>" <status> <reason>
    // <bytes>B <ms>ms`
    let line = server.access_line("/items/12?q=a%20b");
    eprintln!("sample: {line}");
    let expected = format!(" INFO {local} - \"GET /items/12?q=a%20b HTTP/1.1\" 200 OK 19B ");
    assert!(line.contains(&expected), "{line}\nwant {expected}");
    let ms = line.rsplit(' ').next().unwrap();
    let ms = ms.strip_suffix("ms").expect("duration in ms");
    let (whole, frac) = ms.split_once('.').unwrap();
    assert!(whole.parse::<u64>().is_ok() && frac.len() == 3, "{ms}");

    let line = server.access_line("/missing");
    assert!(line.contains("\" 404 Not Found 9B "), "{line}");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    // Nothing but access lines on stdout; the rest is on stderr.
    for line in server.stdout.snapshot() {
        assert!(line.contains(" - \""), "non-access line on stdout: {line}");
    }
    assert!(server
        .stderr
        .text()
        .contains("application startup complete"));
}

#[test]
fn json_log_format() {
    let mut server = Server::start(&["--port", "0", "--log-format", "json"], &[]);
    let mut client = connect(server.addr());
    let local = client.stream.local_addr().unwrap();
    client.send(&get("/json", &[])).unwrap();
    assert_eq!(client.read_response().unwrap().status, 200);
    let mut req = b"POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello".to_vec();
    req.extend_from_slice(&get("/items/x", &["Connection: close"]));
    client.send(&req).unwrap();
    assert_eq!(client.read_response().unwrap().text(), "hello");
    assert_eq!(client.read_response().unwrap().status, 400);
    server
        .stdout
        .wait_for(IO_TIMEOUT, |l| l.contains("/items/x"))
        .unwrap();
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));

    let lines = server.stdout.snapshot();
    assert_eq!(lines.len(), 3, "{lines:#?}");
    eprintln!("sample: {}", lines[0]);
    let parsed: Vec<serde_json::Value> = lines
        .iter()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let want = [
        ("GET", "/json", 200, 27),
        ("POST", "/echo", 200, 5),
        ("GET", "/items/x", 400, 21),
    ];
    for (value, (method, path, status, bytes)) in parsed.iter().zip(want) {
        assert_eq!(value["target"], "ferrapi::access", "{value}");
        assert_eq!(value["level"], "INFO", "{value}");
        assert!(value["timestamp"].is_string(), "{value}");
        let fields = &value["fields"];
        assert_eq!(fields["client"], local.to_string(), "{value}");
        assert_eq!(fields["method"], method, "{value}");
        assert_eq!(fields["path"], path, "{value}");
        assert_eq!(fields["http_version"], "HTTP/1.1", "{value}");
        assert_eq!(fields["status"], status, "{value}");
        assert_eq!(fields["bytes"], bytes, "{value}");
        assert!(fields["duration_us"].is_u64(), "{value}");
    }
    // The other logs are JSON too, on stderr.
    for line in server.stderr.snapshot() {
        let value: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(value["fields"]["message"].is_string(), "{line}");
    }
}

#[test]
fn access_log_reports_the_status_sent_when_the_client_leaves_mid_stream() {
    let mut server = Server::start(&["--port", "0"], &[]);
    let client = start_slow_echo(server.addr());
    drop(client);
    let line = server.access_line("/echo");
    assert!(line.contains("\" 200 OK "), "{line}");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
}

#[test]
fn log_level_warning_hides_info_and_access_lines() {
    // Without the banner the port is unknown: serve on a Unix socket.
    let path = unique_socket_path("quiet");
    let _cleanup = RemoveOnDrop(path.clone());
    let mut server = Server::spawn(command(
        &["--uds", path.to_str().unwrap(), "--log-level", "WARNING"],
        &[],
    ));
    let deadline = Instant::now() + STARTUP;
    while UnixStream::connect(&path).is_err() {
        assert!(
            Instant::now() < deadline,
            "never listened\n{}",
            server.logs()
        );
        thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(unix_get(&path, "/", &[]).text(), "ok");
    assert_eq!(code(server.terminate(IO_TIMEOUT)), Some(0));
    assert_eq!(server.stdout.text(), "");
    assert_eq!(server.stderr.text(), "");
}

// ---------------------------------------------------------------------------------------------
// 12. Startup failures
// ---------------------------------------------------------------------------------------------

#[test]
fn port_in_use_exits_3() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    let out = run_to_exit(&["--port", &port], &[], STARTUP);
    assert_eq!(code(out.status), Some(3), "{out:?}");
    assert!(
        out.stderr
            .contains("could not bind the listening socket: Address already in use"),
        "{}",
        out.stderr
    );
    // The listener that was there first is untouched.
    let _ = TcpStream::connect(taken.local_addr().unwrap()).unwrap();
}

#[test]
fn address_not_on_this_host_exits_3() {
    // 192.0.2.1 is TEST-NET-1: no interface has it.
    let out = run_to_exit(&["--host", "192.0.2.1", "--port", "0"], &[], STARTUP);
    assert_eq!(code(out.status), Some(3), "{out:?}");
    assert!(out.stderr.contains("could not bind"), "{}", out.stderr);
}
