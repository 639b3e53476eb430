//! Running a server the way an operator runs uvicorn: several workers, signals, logging, exit
//! codes. [`Runner`] is the programmatic form; `run` (with the `cli` feature) reads it from the
//! command line and `FERRAPI_*` environment variables.
//!
//! Workers come in two flavours (`--loop`): `current` runs one thread per worker, each with its
//! own current-thread tokio runtime and (for TCP) its own `SO_REUSEPORT` listener, so the
//! kernel spreads connections and workers share nothing on the hot path; `multi` runs one
//! multi-thread tokio runtime with one thread per worker and work stealing, which tolerates an
//! app that occasionally blocks a thread. `docs/benchmarks.md` has the numbers behind the
//! default.
//!
//! Shutdown: the first SIGINT or SIGTERM starts a graceful drain (listeners close, idle
//! connections close, requests in flight finish with `connection: close`, streams see their
//! [`ShutdownSignal`](crate::ShutdownSignal)), bounded by the graceful-shutdown timeout; then
//! the app's shutdown hook runs and the process exits 0. A second signal exits at once with
//! status 1. Startup failures (bind errors, a failing startup hook) exit with status 3, as
//! uvicorn's do.

use std::sync::Arc;
use std::thread;

use crate::app::{App, IntoApp};
use crate::config::Builder;
use crate::error::Error;
use crate::listener::{BindTarget, StdListener};
use crate::server::{run_worker, Shared};
use crate::shutdown::Drain;

/// uvicorn's exit status for every startup failure.
pub const EXIT_STARTUP_FAILURE: u8 = 3;

/// How workers are laid out on threads (uvicorn's `--loop`, for tokio).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
#[non_exhaustive]
pub enum RuntimeFlavor {
    /// One thread per worker, each with a current-thread runtime and its own listener.
    #[default]
    Current,
    /// One multi-thread runtime with a thread per worker (work stealing).
    Multi,
}

/// Log line format (with the `cli` feature, which brings the log setup).
#[cfg(feature = "cli")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
#[non_exhaustive]
pub enum LogFormat {
    /// Human-readable lines (access lines look like uvicorn's, plus bytes and duration).
    #[default]
    Text,
    /// One JSON object per line, with the access log's fields as keys.
    Json,
}

/// Log verbosity (uvicorn's `--log-level`; with the `cli` feature, which brings the log setup).
#[cfg(feature = "cli")]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
#[non_exhaustive]
pub enum LogLevel {
    /// Only failures that stop the server.
    Critical,
    /// Errors (panicking apps, failed streams).
    Error,
    /// Warnings and errors.
    Warning,
    /// Startup, shutdown, and the access log.
    #[default]
    Info,
    /// Connection-level diagnostics.
    Debug,
    /// Everything.
    Trace,
}

/// A fully configured server process: where to listen, how many workers, how to log.
#[derive(Debug)]
pub struct Runner {
    builder: Builder,
    target: BindTarget,
    workers: usize,
    flavor: RuntimeFlavor,
    #[cfg(feature = "cli")]
    log: Option<(LogLevel, LogFormat)>,
}

impl Runner {
    /// A runner for `target` with the given server settings, one worker, the default flavour,
    /// and no logging setup (the app's own `tracing` subscriber, if any, is used).
    pub fn new(builder: Builder, target: BindTarget) -> Runner {
        Runner {
            builder,
            target,
            workers: 1,
            flavor: RuntimeFlavor::default(),
            #[cfg(feature = "cli")]
            log: None,
        }
    }

    /// Number of workers (at least 1).
    pub fn workers(mut self, workers: usize) -> Runner {
        self.workers = workers.max(1);
        self
    }

    /// The runtime flavour.
    pub fn flavor(mut self, flavor: RuntimeFlavor) -> Runner {
        self.flavor = flavor;
        self
    }

    /// Installs a `tracing` subscriber: access lines on stdout, everything else on stderr.
    /// (With the `cli` feature; without it, install a subscriber of your own.)
    #[cfg(feature = "cli")]
    pub fn log(mut self, level: LogLevel, format: LogFormat) -> Runner {
        self.log = Some((level, format));
        self
    }

    /// Runs the server until a signal (or `limit_max_requests`) ends it, blocking the calling
    /// thread. Must not be called from inside a tokio runtime.
    pub fn run<A: IntoApp>(self, app: A) -> Result<(), Error> {
        let app = app.into_app();
        #[cfg_attr(not(feature = "cli"), allow(unused_mut))]
        let mut config = self.builder.into_config();
        #[cfg(feature = "cli")]
        if let Some((level, format)) = self.log {
            init_logging(level, format);
            if format == LogFormat::Json {
                config.access_log_json = true;
            }
        }
        let reuse_port = self.flavor == RuntimeFlavor::Current && self.workers > 1;
        let first =
            StdListener::bind(&self.target, config.backlog, reuse_port).map_err(Error::bind)?;
        let mut listeners = Vec::with_capacity(self.workers);
        let extra = match self.flavor {
            RuntimeFlavor::Current => self.workers - 1,
            RuntimeFlavor::Multi => 0,
        };
        for _ in 0..extra {
            let next = match (&self.target, first.local_addr()) {
                // Each worker gets its own socket; the kernel balances between them.
                (BindTarget::Tcp(_), Some(addr)) => {
                    StdListener::bind(&BindTarget::Tcp(addr), config.backlog, true)
                }
                _ => first.try_clone(),
            };
            listeners.push(next.map_err(Error::bind)?);
        }
        listeners.insert(0, first);
        let shown = match listeners[0].local_addr() {
            Some(addr) => format!("http://{addr}"),
            None => self.target.to_string(),
        };

        let drain = Drain::new();
        let shared = Shared::new(config, drain.clone());
        let app = Arc::new(app);
        let coordinator = match self.flavor {
            RuntimeFlavor::Multi => tokio::runtime::Builder::new_multi_thread()
                .worker_threads(self.workers)
                .thread_name("ferrapi-worker")
                .enable_all()
                .build(),
            RuntimeFlavor::Current => tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build(),
        }
        .map_err(Error::bind)?;

        coordinator.block_on(async move {
            // Installed before the startup and the banner, so that a signal sent as soon as
            // the server says it runs is a graceful shutdown, not the default action (the
            // process killed by SIGTERM); a signal during the startup drains at once.
            let signals = install_signals();
            app.startup().await.map_err(Error::startup)?;
            tracing::info!("application startup complete");
            tracing::info!(
                workers = self.workers,
                flavor = ?self.flavor,
                "ferrapi running on {shown} (press CTRL+C to quit)"
            );
            let signals = tokio::spawn(watch_signals(signals, drain.clone()));
            let result = match self.flavor {
                RuntimeFlavor::Multi => {
                    let listener = listeners.remove(0).into_tokio().map_err(Error::bind)?;
                    run_worker(listener, app.clone(), shared.clone()).await
                }
                RuntimeFlavor::Current if listeners.len() == 1 => {
                    let listener = listeners.remove(0).into_tokio().map_err(Error::bind)?;
                    run_worker(listener, app.clone(), shared.clone()).await
                }
                RuntimeFlavor::Current => run_threads(listeners, app.clone(), shared.clone()).await,
            };
            signals.abort();
            tracing::info!("waiting for application shutdown");
            app.shutdown().await;
            tracing::info!("application shutdown complete");
            result
        })
    }
}

/// Runs one current-thread worker per listener on its own thread, and waits for all of them.
async fn run_threads<A: App>(
    listeners: Vec<StdListener>,
    app: Arc<A>,
    shared: Arc<Shared>,
) -> Result<(), Error> {
    let (done_tx, mut done_rx) = tokio::sync::mpsc::unbounded_channel();
    let count = listeners.len();
    for (i, listener) in listeners.into_iter().enumerate() {
        let app = app.clone();
        let worker_shared = shared.clone();
        let done = done_tx.clone();
        let spawned = thread::Builder::new()
            .name(format!("ferrapi-worker-{i}"))
            .spawn(move || {
                let result = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(Error::bind)
                    .and_then(|rt| {
                        rt.block_on(async {
                            let listener = listener.into_tokio().map_err(Error::bind)?;
                            run_worker(listener, app, worker_shared).await
                        })
                    });
                let _ = done.send(result);
            });
        if let Err(err) = spawned {
            shared.drain.start();
            let _ = done_tx.send(Err(Error::bind(err)));
        }
    }
    drop(done_tx);
    let mut result = Ok(());
    for _ in 0..count {
        match done_rx.recv().await {
            Some(Err(err)) => {
                shared.drain.start();
                if result.is_ok() {
                    result = Err(err);
                }
            }
            Some(Ok(())) => {}
            None => break,
        }
    }
    result
}

/// The process's SIGINT and SIGTERM streams. Installing them replaces the default action
/// (termination) at once; a signal that arrives before [`watch_signals`] first polls them is
/// kept and seen then.
fn install_signals() -> Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)> {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(int), Ok(term)) => Some((int, term)),
        _ => {
            tracing::warn!("could not install signal handlers; only the app can stop the server");
            None
        }
    }
}

/// First SIGINT/SIGTERM: graceful drain. Second: exit at once.
async fn watch_signals(
    signals: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
    drain: Arc<Drain>,
) {
    let Some((mut int, mut term)) = signals else {
        return;
    };
    let mut received = 0;
    loop {
        tokio::select! {
            _ = int.recv() => {},
            _ = term.recv() => {},
        }
        received += 1;
        if received == 1 {
            tracing::info!("shutting down (press CTRL+C again to force)");
            drain.start();
        } else {
            tracing::warn!("forced exit");
            std::process::exit(1);
        }
    }
}

#[cfg(feature = "cli")]
fn init_logging(level: LogLevel, format: LogFormat) {
    use tracing_subscriber::filter::{filter_fn, LevelFilter};
    use tracing_subscriber::prelude::*;

    let level = match level {
        LogLevel::Critical | LogLevel::Error => LevelFilter::ERROR,
        LogLevel::Warning => LevelFilter::WARN,
        LogLevel::Info => LevelFilter::INFO,
        LogLevel::Debug => LevelFilter::DEBUG,
        LogLevel::Trace => LevelFilter::TRACE,
    };
    use std::io::IsTerminal;
    let (out_ansi, err_ansi) = (
        std::io::stdout().is_terminal(),
        std::io::stderr().is_terminal(),
    );
    let is_access = |meta: &tracing::Metadata<'_>| meta.target() == "ferrapi::access";
    let registry = tracing_subscriber::registry();
    let result = match format {
        LogFormat::Text => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stdout)
                    .with_ansi(out_ansi)
                    .with_target(false)
                    .with_filter(filter_fn(is_access))
                    .with_filter(level),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .with_writer(std::io::stderr)
                    .with_ansi(err_ansi)
                    .with_filter(filter_fn(move |m| !is_access(m)))
                    .with_filter(level),
            )
            .try_init(),
        LogFormat::Json => registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(std::io::stdout)
                    .with_filter(filter_fn(is_access))
                    .with_filter(level),
            )
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .with_writer(std::io::stderr)
                    .with_filter(filter_fn(move |m| !is_access(m)))
                    .with_filter(level),
            )
            .try_init(),
    };
    // Another subscriber (the app's) already owns the output: keep it.
    let _ = result;
}
