//! The command line: uvicorn's flags, read from arguments and `FERRAPI_*` environment
//! variables (arguments win), with `--help` and a clear error for a bad value.
//!
//! ```no_run
//! use ferrapi_server::{Body, Request, Response};
//!
//! fn main() -> std::process::ExitCode {
//!     ferrapi_server::run(|_req: Request<Body>| async { Response::new(Body::from("ok")) })
//! }
//! ```
//!
//! Apps with flags of their own can embed [`Cli`] in their own `clap` parser with
//! `#[command(flatten)]` and call [`Cli::run`].

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use http::header::{HeaderName, HeaderValue};

use crate::app::IntoApp;
use crate::config::{
    Builder, DEFAULT_MAX_BODY_SIZE, DEFAULT_MAX_HEADERS, DEFAULT_MAX_HEAD_SIZE,
    DEFAULT_MAX_URI_LENGTH, DEFAULT_WS_MAX_SIZE,
};
use crate::listener::{BindTarget, DEFAULT_BACKLOG};
use crate::proxy::TrustedProxies;
use crate::run::{LogFormat, LogLevel, Runner, RuntimeFlavor, EXIT_STARTUP_FAILURE};

/// Serves `app` with the settings of the command line and environment, blocking until the
/// server stops; returns the process exit status (0 after a clean shutdown, 2 for a bad
/// flag, 3 when binding or the app's startup fails).
pub fn run<A: IntoApp>(app: A) -> ExitCode {
    Cli::parse().run(app)
}

/// Every flag of the server, with its `FERRAPI_*` environment variable.
#[derive(Parser, Debug, Clone)]
#[command(
    version,
    about = "An HTTP/1.1 server for a ferrapi app (the counterpart of uvicorn's command line).",
    after_help = "Every option can also be set through the environment variable shown; flags win over the environment."
)]
pub struct Cli {
    /// Bind socket to this host. `::` listens on IPv6 and IPv4 (dual-stack).
    #[arg(long, env = "FERRAPI_HOST", default_value = "127.0.0.1")]
    pub host: String,
    /// Bind socket to this port; 0 picks a free port.
    #[arg(long, env = "FERRAPI_PORT", default_value_t = 8000)]
    pub port: u16,
    /// Bind to a Unix domain socket instead of host and port.
    #[arg(long, env = "FERRAPI_UDS", conflicts_with = "fd")]
    pub uds: Option<PathBuf>,
    /// Serve on an inherited listening socket (socket activation, process managers).
    #[arg(long, env = "FERRAPI_FD")]
    pub fd: Option<i32>,
    /// Number of workers [default: $WEB_CONCURRENCY or 1].
    #[arg(long, env = "FERRAPI_WORKERS", value_parser = clap::value_parser!(u16).range(1..))]
    pub workers: Option<u16>,
    /// Runtime layout of the workers: a current-thread runtime per worker thread, or one
    /// multi-thread runtime.
    #[arg(long = "loop", env = "FERRAPI_LOOP", value_enum, default_value_t = RuntimeFlavor::Current)]
    pub runtime: RuntimeFlavor,
    /// Maximum number of connections waiting to be accepted.
    #[arg(long, env = "FERRAPI_BACKLOG", default_value_t = DEFAULT_BACKLOG)]
    pub backlog: u32,
    /// Log level.
    #[arg(long, env = "FERRAPI_LOG_LEVEL", value_enum, ignore_case = true, default_value_t = LogLevel::Info)]
    pub log_level: LogLevel,
    /// Log format: text, or one JSON object per line.
    #[arg(long, env = "FERRAPI_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Log one line per request, with status, bytes and duration [default; env FERRAPI_ACCESS_LOG].
    #[arg(long, overrides_with = "no_access_log")]
    pub access_log: bool,
    /// Disable the access log.
    #[arg(long, overrides_with = "access_log")]
    pub no_access_log: bool,
    /// Trust X-Forwarded-For/-Proto/-Prefix and Forwarded from --forwarded-allow-ips
    /// [default; env FERRAPI_PROXY_HEADERS].
    #[arg(long, overrides_with = "no_proxy_headers")]
    pub proxy_headers: bool,
    /// Ignore proxy headers.
    #[arg(long, overrides_with = "proxy_headers")]
    pub no_proxy_headers: bool,
    /// Comma-separated IPs, networks, `unix` or `*` trusted to send proxy headers
    /// [default: $FORWARDED_ALLOW_IPS or 127.0.0.1,::1].
    #[arg(long, env = "FERRAPI_FORWARDED_ALLOW_IPS")]
    pub forwarded_allow_ips: Option<TrustedProxies>,
    /// The path prefix the app is mounted under, reported in each request's scope.
    #[arg(long, env = "FERRAPI_ROOT_PATH", default_value = "")]
    pub root_path: String,
    /// Answer 503 to requests beyond this many in flight.
    #[arg(long, env = "FERRAPI_LIMIT_CONCURRENCY")]
    pub limit_concurrency: Option<usize>,
    /// Shut down gracefully after this many requests.
    #[arg(long, env = "FERRAPI_LIMIT_MAX_REQUESTS")]
    pub limit_max_requests: Option<u64>,
    /// Add a random 0..=N to --limit-max-requests, so workers do not all restart together.
    #[arg(long, env = "FERRAPI_LIMIT_MAX_REQUESTS_JITTER", default_value_t = 0)]
    pub limit_max_requests_jitter: u64,
    /// Seconds a connection may idle between requests.
    #[arg(long, env = "FERRAPI_TIMEOUT_KEEP_ALIVE", value_parser = seconds, default_value = "75")]
    pub timeout_keep_alive: Duration,
    /// Seconds a graceful shutdown waits before closing what is left.
    #[arg(long, env = "FERRAPI_TIMEOUT_GRACEFUL_SHUTDOWN", value_parser = seconds, default_value = "30")]
    pub timeout_graceful_shutdown: Duration,
    /// Seconds allowed to receive a request head.
    #[arg(long, env = "FERRAPI_TIMEOUT_HEADER_READ", value_parser = seconds, default_value = "10")]
    pub timeout_header_read: Duration,
    /// Seconds allowed between two reads of a request body.
    #[arg(long, env = "FERRAPI_TIMEOUT_BODY_READ", value_parser = seconds, default_value = "30")]
    pub timeout_body_read: Duration,
    /// Slowest request body accepted, in bytes per second after a 5 s grace period (408 and
    /// close below it); 0 turns the check off.
    #[arg(long, env = "FERRAPI_LIMIT_MIN_BODY_RATE", default_value_t = crate::config::DEFAULT_MIN_BODY_RATE)]
    pub limit_min_body_rate: u64,
    /// Slowest reader of a response accepted, in bytes per second after 5 s of waiting (the
    /// connection closes below it); 0 turns the check off.
    #[arg(long, env = "FERRAPI_LIMIT_MIN_RESPONSE_RATE", default_value_t = crate::config::DEFAULT_MIN_RESPONSE_RATE)]
    pub limit_min_response_rate: u64,
    /// Largest request head, in bytes (431 beyond).
    #[arg(long, env = "FERRAPI_LIMIT_MAX_HEAD_SIZE", default_value_t = DEFAULT_MAX_HEAD_SIZE)]
    pub limit_max_head_size: usize,
    /// Longest request target, in bytes (414 beyond).
    #[arg(long, env = "FERRAPI_LIMIT_MAX_URI_LENGTH", default_value_t = DEFAULT_MAX_URI_LENGTH)]
    pub limit_max_uri_length: usize,
    /// Most header fields per request (431 beyond).
    #[arg(long, env = "FERRAPI_LIMIT_MAX_HEADERS", default_value_t = DEFAULT_MAX_HEADERS)]
    pub limit_max_headers: usize,
    /// Largest request body, in bytes, 0 for no limit (413 beyond).
    #[arg(long, env = "FERRAPI_LIMIT_MAX_BODY_SIZE", default_value_t = DEFAULT_MAX_BODY_SIZE)]
    pub limit_max_body_size: u64,
    /// Send `server: ferrapi` [default; env FERRAPI_SERVER_HEADER].
    #[arg(long, overrides_with = "no_server_header")]
    pub server_header: bool,
    /// Do not send a Server header.
    #[arg(long, overrides_with = "server_header")]
    pub no_server_header: bool,
    /// Send a Date header [default; env FERRAPI_DATE_HEADER].
    #[arg(long, overrides_with = "no_date_header")]
    pub date_header: bool,
    /// Do not send a Date header.
    #[arg(long, overrides_with = "date_header")]
    pub no_date_header: bool,
    /// Largest WebSocket message, in bytes (close 1009 beyond).
    #[arg(long, env = "FERRAPI_WS_MAX_SIZE", default_value_t = DEFAULT_WS_MAX_SIZE)]
    pub ws_max_size: usize,
    /// Seconds between WebSocket keepalive pings, 0 for none.
    #[arg(long, env = "FERRAPI_WS_PING_INTERVAL", value_parser = seconds, default_value = "20")]
    pub ws_ping_interval: Duration,
    /// Seconds a peer has to answer a ping (close 1011 after), 0 to wait forever.
    #[arg(long, env = "FERRAPI_WS_PING_TIMEOUT", value_parser = seconds, default_value = "20")]
    pub ws_ping_timeout: Duration,
    /// Accept permessage-deflate when offered [default; env FERRAPI_WS_PER_MESSAGE_DEFLATE].
    #[arg(long, overrides_with = "no_ws_per_message_deflate")]
    pub ws_per_message_deflate: bool,
    /// Never compress WebSocket messages.
    #[arg(long, overrides_with = "ws_per_message_deflate")]
    pub no_ws_per_message_deflate: bool,
    /// A default response header, `NAME:VALUE`; repeatable.
    #[arg(long = "header", value_name = "NAME:VALUE", value_parser = header_pair)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

fn seconds(raw: &str) -> Result<Duration, String> {
    let value: f64 = raw
        .trim()
        .parse()
        .map_err(|_| format!("{raw:?} is not a number of seconds"))?;
    Duration::try_from_secs_f64(value)
        .map_err(|_| format!("{raw:?} is not a duration (seconds >= 0)"))
}

fn header_pair(raw: &str) -> Result<(HeaderName, HeaderValue), String> {
    let (name, value) = raw
        .split_once(':')
        .ok_or_else(|| format!("{raw:?} is not NAME:VALUE"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .map_err(|_| format!("{:?} is not a valid header name", name.trim()))?;
    if crate::config::is_framing_header(&name) {
        return Err(format!(
            "{name} is set by the server and cannot be a default header"
        ));
    }
    let value = HeaderValue::from_str(value.trim())
        .map_err(|_| format!("{:?} is not a valid header value", value.trim()))?;
    Ok((name, value))
}

/// A boolean pair `--x` / `--no-x`, else `env`, else `default`.
fn switch(on: bool, off: bool, env: &str, default: bool) -> Result<bool, String> {
    if on {
        return Ok(true);
    }
    if off {
        return Ok(false);
    }
    match std::env::var(env) {
        Err(_) => Ok(default),
        Ok(v) => match v.trim().to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(true),
            "0" | "false" | "no" | "off" => Ok(false),
            _ => Err(format!("{env}={v:?} is not a boolean (true/false)")),
        },
    }
}

impl Cli {
    /// Resolves the flags into a [`Runner`] (or a message for a bad combination).
    pub fn runner(&self) -> Result<Runner, String> {
        let trusted = match &self.forwarded_allow_ips {
            Some(list) => list.clone(),
            None => match std::env::var("FORWARDED_ALLOW_IPS") {
                Ok(list) => list
                    .parse()
                    .map_err(|e| format!("FORWARDED_ALLOW_IPS: {e}"))?,
                Err(_) => TrustedProxies::default(),
            },
        };
        let max_requests = self
            .limit_max_requests
            .map(|n| n + jitter(self.limit_max_requests_jitter));
        let mut builder = Builder::new()
            .keep_alive_timeout(self.timeout_keep_alive)
            .header_read_timeout(self.timeout_header_read)
            .body_read_timeout(self.timeout_body_read)
            .min_body_rate(
                Some(self.limit_min_body_rate),
                crate::config::DEFAULT_MIN_BODY_RATE_GRACE,
            )
            .min_response_rate(
                Some(self.limit_min_response_rate),
                crate::config::DEFAULT_MIN_RESPONSE_RATE_GRACE,
            )
            .graceful_shutdown_timeout(self.timeout_graceful_shutdown)
            .max_head_size(self.limit_max_head_size)
            .max_uri_length(self.limit_max_uri_length)
            .max_headers(self.limit_max_headers)
            .max_body_size((self.limit_max_body_size > 0).then_some(self.limit_max_body_size))
            .backlog(self.backlog)
            .limit_concurrency(self.limit_concurrency)
            .limit_max_requests(max_requests)
            .root_path(self.root_path.trim_end_matches('/'))
            .access_log(switch(
                self.access_log,
                self.no_access_log,
                "FERRAPI_ACCESS_LOG",
                true,
            )?)
            .proxy_headers(switch(
                self.proxy_headers,
                self.no_proxy_headers,
                "FERRAPI_PROXY_HEADERS",
                true,
            )?)
            .forwarded_allow_ips(trusted)
            .date_header(switch(
                self.date_header,
                self.no_date_header,
                "FERRAPI_DATE_HEADER",
                true,
            )?)
            .ws_max_size(self.ws_max_size)
            .ws_ping_interval((!self.ws_ping_interval.is_zero()).then_some(self.ws_ping_interval))
            .ws_ping_timeout((!self.ws_ping_timeout.is_zero()).then_some(self.ws_ping_timeout))
            .ws_per_message_deflate(switch(
                self.ws_per_message_deflate,
                self.no_ws_per_message_deflate,
                "FERRAPI_WS_PER_MESSAGE_DEFLATE",
                true,
            )?);
        if !switch(
            self.server_header,
            self.no_server_header,
            "FERRAPI_SERVER_HEADER",
            true,
        )? {
            builder = builder.server_header(None);
        }
        for (name, value) in &self.headers {
            builder = builder.default_header(name.clone(), value.clone());
        }
        let target = match (&self.uds, self.fd) {
            (Some(path), _) => BindTarget::Unix(path.clone()),
            (None, Some(fd)) => BindTarget::Fd(fd),
            (None, None) => {
                let host = self.host.trim_start_matches('[').trim_end_matches(']');
                let ip: IpAddr = match host {
                    "localhost" => IpAddr::from([127, 0, 0, 1]),
                    _ => host
                        .parse()
                        .map_err(|_| format!("--host {host:?} is not an IP address"))?,
                };
                BindTarget::Tcp(SocketAddr::new(ip, self.port))
            }
        };
        let workers = match self.workers {
            Some(n) => usize::from(n),
            None => match std::env::var("WEB_CONCURRENCY") {
                Ok(v) => v
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .filter(|&n| n > 0)
                    .ok_or_else(|| format!("WEB_CONCURRENCY={v:?} is not a positive number"))?,
                Err(_) => 1,
            },
        };
        Ok(Runner::new(builder, target)
            .workers(workers)
            .flavor(self.runtime)
            .log(self.log_level, self.log_format))
    }

    /// Serves `app` with these settings; returns the process exit status.
    pub fn run<A: IntoApp>(&self, app: A) -> ExitCode {
        let runner = match self.runner() {
            Ok(runner) => runner,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        };
        match runner.run(app) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("error: {err}");
                ExitCode::from(EXIT_STARTUP_FAILURE)
            }
        }
    }
}

/// A pseudo-random number in `0..=max`, different per process (only spreads restarts apart).
fn jitter(max: u64) -> u64 {
    if max == 0 {
        return 0;
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() as u64)
        .unwrap_or(0)
        ^ u64::from(std::process::id()).rotate_left(32);
    seed % (max + 1)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{
        DEFAULT_BODY_READ_TIMEOUT, DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT, DEFAULT_HEADER_READ_TIMEOUT,
        DEFAULT_KEEP_ALIVE_TIMEOUT,
    };

    #[test]
    fn parses_flags() {
        let cli = Cli::try_parse_from([
            "x",
            "--port",
            "9000",
            "--no-access-log",
            "--header",
            "x-a: 1",
            "--timeout-keep-alive",
            "2.5",
            "--limit-max-body-size",
            "0",
            "--loop",
            "multi",
            "--workers",
            "3",
        ])
        .unwrap();
        assert_eq!(cli.port, 9000);
        assert!(cli.no_access_log);
        assert_eq!(cli.timeout_keep_alive, Duration::from_millis(2500));
        assert_eq!(cli.headers[0].0, "x-a");
        assert_eq!(cli.runtime, RuntimeFlavor::Multi);
        assert!(cli.runner().is_ok());
    }

    #[test]
    fn duration_defaults_match_the_constants() {
        let cli = Cli::try_parse_from(["x"]).unwrap();
        assert_eq!(cli.timeout_keep_alive, DEFAULT_KEEP_ALIVE_TIMEOUT);
        assert_eq!(
            cli.timeout_graceful_shutdown,
            DEFAULT_GRACEFUL_SHUTDOWN_TIMEOUT
        );
        assert_eq!(cli.timeout_header_read, DEFAULT_HEADER_READ_TIMEOUT);
        assert_eq!(cli.timeout_body_read, DEFAULT_BODY_READ_TIMEOUT);
    }

    #[test]
    fn rejects_bad_values() {
        assert!(Cli::try_parse_from(["x", "--port", "70000"]).is_err());
        assert!(Cli::try_parse_from(["x", "--timeout-keep-alive", "-1"]).is_err());
        assert!(Cli::try_parse_from(["x", "--header", "novalue"]).is_err());
        assert!(Cli::try_parse_from(["x", "--workers", "0"]).is_err());
        assert!(Cli::try_parse_from(["x", "--forwarded-allow-ips", "nope"]).is_err());
        let cli = Cli::try_parse_from(["x", "--host", "not-an-ip"]).unwrap();
        assert!(cli.runner().is_err());
    }
}
