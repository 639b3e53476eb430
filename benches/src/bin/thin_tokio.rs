//! Floor for comparison: the thinnest tokio responder that still speaks (enough) HTTP/1.1.
//!
//! One current-thread runtime, one task per connection. Each task reads into a buffer, scans
//! naively for `\r\n\r\n`, and for every complete request head found appends the same fixed
//! `Hello, World!` response, then writes everything it has in one `write_all`. No routing, no
//! header parsing, no request bodies, no `Date` header: it answers *every* request with the
//! plaintext response, so it is only meaningful on the `/plaintext` benchmarks, where it
//! shows how much of a server's cost is tokio + the kernel rather than HTTP.

use ferrapi_benches::ListenArgs;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const RESPONSE: &[u8] =
    b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\ncontent-length: 13\r\n\r\nHello, World!";

/// Largest request head (or run of unterminated bytes) tolerated before hanging up.
const MAX_PENDING: usize = 64 * 1024;

async fn serve(mut stream: TcpStream) -> std::io::Result<()> {
    let mut buf = Vec::with_capacity(4096);
    let mut out = Vec::with_capacity(4096);
    loop {
        if stream.read_buf(&mut buf).await? == 0 {
            return Ok(());
        }
        let mut consumed = 0;
        while let Some(end) = buf[consumed..].windows(4).position(|w| w == b"\r\n\r\n") {
            consumed += end + 4;
            out.extend_from_slice(RESPONSE);
        }
        buf.drain(..consumed);
        if buf.len() > MAX_PENDING {
            return Ok(());
        }
        if !out.is_empty() {
            stream.write_all(&out).await?;
            out.clear();
        }
    }
}

fn main() -> std::io::Result<()> {
    let args = ListenArgs::from_env();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = TcpListener::bind(args.addr()).await?;
        eprintln!("thin_tokio listening on http://{}", listener.local_addr()?);
        loop {
            match listener.accept().await {
                Ok((stream, _)) => {
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(async move {
                        let _ = serve(stream).await;
                    });
                }
                Err(err) => {
                    eprintln!("accept error: {err}");
                    tokio::time::sleep(std::time::Duration::from_millis(10)).await;
                }
            }
        }
    })
}
