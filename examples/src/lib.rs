//! Shared helpers for the example binaries.

use std::net::SocketAddr;

/// The `--host` / `--port` pair every example accepts (defaults `127.0.0.1:8000`, as
/// uvicorn's). Exits with a usage message on anything else.
pub fn listen_addr(program: &str) -> SocketAddr {
    let mut host = String::from("127.0.0.1");
    let mut port: u16 = 8000;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) => (f.to_string(), Some(v.to_string())),
            None => (arg.clone(), None),
        };
        let mut value = || inline.clone().or_else(|| args.next());
        match flag.as_str() {
            "--host" => host = value().unwrap_or_else(|| usage(program, "--host needs a value")),
            "--port" => {
                port = value()
                    .and_then(|v| v.parse().ok())
                    .unwrap_or_else(|| usage(program, "--port needs a number from 0 to 65535"))
            }
            "-h" | "--help" => {
                println!("usage: {program} [--host HOST] [--port PORT]");
                std::process::exit(0);
            }
            other => usage(program, &format!("unknown argument {other:?}")),
        }
    }
    let host = host.trim_start_matches('[').trim_end_matches(']');
    match host.parse::<std::net::IpAddr>() {
        Ok(ip) => SocketAddr::new(ip, port),
        Err(_) if host == "localhost" => SocketAddr::from(([127, 0, 0, 1], port)),
        Err(_) => usage(program, &format!("--host {host:?} is not an IP address")),
    }
}

fn usage(program: &str, problem: &str) -> ! {
    eprintln!("{program}: {problem}\nusage: {program} [--host HOST] [--port PORT]");
    std::process::exit(2);
}
