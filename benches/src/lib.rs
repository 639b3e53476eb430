//! Benchmark harness for ferrapi.
//!
//! The interesting parts of this package are not in the library:
//!
//! * `src/bin/` holds the *peer* servers ferrapi is measured against (`hyper_hello`,
//!   `axum_hello`, `actix_hello`) plus `thin_tokio`, the thinnest possible tokio responder used
//!   as a floor. They are only built with `--features peers`.
//! * `run.sh`, `report.py`, `idle_conns.py` and `pipeline.lua` drive `wrk` against them and
//!   against ferrapi's `hello_server` example; see `docs/benchmarks.md`.
//!
//! The library itself only carries the tiny command-line helper the peers share, which is
//! dependency-free so the package builds without the `peers` feature.

#![deny(missing_docs)]

/// Address a benchmark server should listen on, from `--host H --port P`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListenArgs {
    /// Host or IP to bind (default `127.0.0.1`).
    pub host: String,
    /// TCP port to bind (default `8000`).
    pub port: u16,
}

impl Default for ListenArgs {
    fn default() -> Self {
        Self {
            host: "127.0.0.1".to_owned(),
            port: 8000,
        }
    }
}

impl ListenArgs {
    /// Parses `--host H` / `--port P` (also `--host=H` / `--port=P`) from an argument list
    /// that does not include the program name. Unknown arguments are an error.
    pub fn parse<I, S>(args: I) -> Result<Self, String>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut out = Self::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (flag, inline) = match arg.split_once('=') {
                Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
                None => (arg, None),
            };
            let mut value = || {
                inline
                    .clone()
                    .or_else(|| args.next())
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--host" => out.host = value()?,
                "--port" => {
                    let raw = value()?;
                    out.port = raw
                        .parse()
                        .map_err(|_| format!("--port: not a port number: {raw:?}"))?;
                }
                "-h" | "--help" => {
                    return Err("usage: [--host H] [--port P]  (defaults 127.0.0.1 8000)".into())
                }
                other => {
                    return Err(format!(
                        "unknown argument {other:?}; expected --host/--port"
                    ))
                }
            }
        }
        Ok(out)
    }

    /// Parses the current process's arguments, exiting with status 2 and a message on error.
    pub fn from_env() -> Self {
        Self::parse(std::env::args().skip(1)).unwrap_or_else(|err| {
            eprintln!("{err}");
            std::process::exit(2);
        })
    }

    /// `host:port`, suitable for `TcpListener::bind`.
    pub fn addr(&self) -> String {
        format!("{}:{}", self.host, self.port)
    }
}

#[cfg(test)]
mod tests {
    use super::ListenArgs;

    #[test]
    fn defaults() {
        let args = ListenArgs::parse(Vec::<String>::new()).unwrap();
        assert_eq!(args.addr(), "127.0.0.1:8000");
    }

    #[test]
    fn both_spellings() {
        let args = ListenArgs::parse(["--host", "0.0.0.0", "--port=9001"]).unwrap();
        assert_eq!(args.addr(), "0.0.0.0:9001");
    }

    #[test]
    fn errors() {
        assert!(ListenArgs::parse(["--port", "x"]).is_err());
        assert!(ListenArgs::parse(["--port"]).is_err());
        assert!(ListenArgs::parse(["--workers", "2"]).is_err());
    }
}
