//! `chat`, run as a process and spoken to over real sockets: its page and `/rooms` over HTTP
//! (ureq), its WebSocket rooms through Python's `websockets` client (`py/chat_probe.py`, which
//! prints a transcript of what each client received).

mod common;
mod py;

use std::time::{Duration, Instant};

use common::*;
use serde_json::{json, Value};

const CHAT: &str = env!("CARGO_BIN_EXE_chat");

fn start() -> Server {
    let args = ["--host", "127.0.0.1", "--port", "0", "--no-access-log"];
    let mut server = Server::spawn(command_for(CHAT, &args, &[]));
    server.wait_ready();
    server
}

fn base(server: &Server) -> String {
    format!("http://{}", server.addr())
}

fn get_json(url: &str) -> Value {
    let mut res = agent(IO_TIMEOUT).get(url).call().unwrap();
    assert_eq!(res.status(), 200, "GET {url}");
    serde_json::from_slice(&res.body_mut().read_to_vec().unwrap()).unwrap()
}

/// Runs a scenario of `py/chat_probe.py` against `server`.
fn probe(server: &Server, scenario: &str) -> Value {
    py::run("chat_probe.py", &[&base(server), scenario], || {
        server.logs()
    })
}

/// `GET /` is the chat page: HTML with its script inline, nothing loaded from elsewhere, and
/// a script that connects to `/ws/{room}?name=…`.
#[test]
fn the_page_is_served_self_contained() {
    let server = start();
    let mut res = agent(IO_TIMEOUT)
        .get(format!("{}/", base(&server)))
        .call()
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()["content-type"].to_str().unwrap(),
        "text/html; charset=utf-8"
    );
    let page = res.body_mut().read_to_string().unwrap();
    assert!(page.starts_with("<!doctype html>"), "{page}");
    assert!(page.contains("<script>") && page.contains("new WebSocket("));
    assert!(page.contains("/ws/${encodeURIComponent(room)}?name=${encodeURIComponent(name)}"));
    assert!(page.contains("textContent"), "messages are shown as text");
    // No external assets: no `src=`/`href=` attributes, no absolute URLs.
    for external in ["src=", "href=", "://", "@import"] {
        assert!(!page.contains(external), "the page contains {external:?}");
    }
}

/// Two clients in one room both receive a message (the sender too); a client in another
/// room does not; joins and leaves are announced with the member count; `/rooms` counts the
/// members, and a room disappears with its last member.
#[test]
fn a_room_hears_its_members_and_only_them() {
    let server = start();
    let log = probe(&server, "rooms");
    let notice = |room: &str, name: &str, event: &str, members: u64| json!({ "room": room, "name": name, "event": event, "members": members });
    assert_eq!(log["alice joins"], notice("lobby", "alice", "join", 1));
    assert_eq!(log["bob joins"], notice("lobby", "bob", "join", 2));
    assert_eq!(
        log["alice sees bob join"],
        notice("lobby", "bob", "join", 2)
    );
    assert_eq!(log["carol joins"], notice("garden", "carol", "join", 1));
    assert_eq!(
        log["rooms with three members"],
        json!({ "garden": 1, "lobby": 2 })
    );

    let hello = json!({ "room": "lobby", "name": "alice", "text": "hello lobby" });
    assert_eq!(log["alice gets her message"], hello);
    assert_eq!(log["bob gets alice's message"], hello);
    assert_eq!(log["carol gets nothing"], Value::Null);
    assert_eq!(
        log["carol gets her message"],
        json!({ "room": "garden", "name": "carol", "text": "hello garden" })
    );
    assert_eq!(log["bob gets nothing from the garden"], Value::Null);
    assert_eq!(
        log["alice sees bob leave"],
        notice("lobby", "bob", "leave", 1)
    );

    // Everyone left: the rooms are removed (each handler notices its client's close).
    let rooms = format!("{}/rooms", base(&server));
    let deadline = Instant::now() + IO_TIMEOUT;
    loop {
        let now = get_json(&rooms);
        if now == json!({}) {
            break;
        }
        assert!(Instant::now() < deadline, "rooms left behind: {now}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A `name` that is missing, empty or over 32 characters, or a room that is not 1 to 32
/// letters, digits, `-` or `_`, refuses the handshake (closed with 1008 before accepting,
/// which the client sees as `403`); 32 characters are accepted.
#[test]
fn invalid_names_refuse_the_handshake() {
    let server = start();
    let log = probe(&server, "refused");
    assert_eq!(
        log,
        json!({
            "no name": 403,
            "empty name": 403,
            "name of 33 characters": 403,
            "name of 32 characters": "accepted",
            "room with a dot": 403,
            "room of 33 characters": 403,
            "unknown path": 403,
        })
    );
}

/// The bounds: a text over 1,000 characters and a binary message are refused with an error to
/// the sender; a burst beyond the rate limit (10 at once, 5 per second) is partly refused; a
/// pause lets messages through again; a message over 64 KiB closes the connection with 1009.
#[test]
fn messages_are_bounded_in_length_rate_and_size() {
    let server = start();
    let log = probe(&server, "limits");
    assert_eq!(
        log["1001 characters"],
        json!({ "room": "limits", "error": "message too long (at most 1000 characters)" })
    );
    assert_eq!(log["1000 characters"], true);
    let delivered = log["burst delivered"].as_u64().unwrap();
    let refused = log["burst refused"].as_u64().unwrap();
    assert_eq!(delivered + refused, 30, "{log}");
    // 9 tokens were left after the 1,000-character message; a slow machine refills a few.
    assert!((9..20).contains(&delivered), "{log}");
    assert_eq!(
        log["burst refusal"],
        json!({ "room": "limits", "error": "slow down: at most 5 messages per second" })
    );
    assert_eq!(
        log["binary"],
        json!({ "room": "limits", "error": "only text messages are accepted" })
    );
    assert_eq!(
        log["after a pause"],
        json!({ "room": "limits", "name": "dora", "text": "still here" })
    );
    assert_eq!(log["message over 64 KiB"], 1009);
}
