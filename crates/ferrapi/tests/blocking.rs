//! In debug builds, an `async fn` operation that blocks its runtime thread (FastAPI's classic
//! `time.sleep` inside `async def`) is reported with the operation's name and how long it held
//! the thread; a well-behaved one is not.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use ferrapi::toolkit::testclient::TestClient;
use ferrapi::{get, App};

#[get("/blocks")]
async fn blocks_the_runtime() -> &'static str {
    std::thread::sleep(Duration::from_millis(150));
    "slept"
}

#[get("/awaits")]
async fn awaits_properly() -> &'static str {
    tokio::time::sleep(Duration::from_millis(150)).await;
    "slept"
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn a_blocking_async_operation_is_reported() {
    let logs = Captured::default();
    let writer = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let client = TestClient::new(App::new().route(blocks_the_runtime).route(awaits_properly));
    assert_eq!(client.get("/awaits").send().await.text(), "\"slept\"");
    let quiet = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    assert!(!quiet.contains("blocked its runtime thread"), "{quiet}");

    assert_eq!(client.get("/blocks").send().await.text(), "\"slept\"");
    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    if cfg!(debug_assertions) {
        assert!(text.contains("blocked its runtime thread"), "{text}");
        assert!(text.contains("blocks_the_runtime"), "{text}");
    } else {
        assert!(!text.contains("blocked its runtime thread"), "{text}");
    }
}
