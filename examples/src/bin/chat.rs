//! A chat over WebSockets: rooms, names, join and leave notices, and a small HTML page to use
//! it from a browser. It shows a `#[websocket]` operation whose handshake arguments are
//! validated (a bad `name` refuses the handshake before it is accepted), shared state held by
//! the app (`State<Rooms>`), and a socket that listens to its client and to its room at the
//! same time (`tokio::select!`).
//!
//! ```text
//! cargo run -p ferrapi-examples --bin chat          # then open http://127.0.0.1:8000/
//! curl localhost:8000/rooms                         # {"lobby":2}: the rooms in use, members
//! websocat 'ws://127.0.0.1:8000/ws/lobby?name=ada'  # any WebSocket client will do
//! ```
//!
//! * `GET /` → the chat page: one self-contained HTML file (inline CSS and JS, no external
//!   assets) that connects to `/ws/{room}?name=…`, shows what arrives and sends what you type.
//! * `GET /rooms` → the rooms that have members, with how many.
//! * `/ws/{room}?name=…` → the chat. `room` is 1 to 32 letters, digits, `-` or `_`; `name` is
//!   1 to 32 characters. Anything else closes the socket with 1008 before accepting, which a
//!   client sees as the handshake refused with `403` (the framework does this on its own, as
//!   FastAPI does).
//!
//! Every member of a room receives, as JSON text messages:
//!
//! * `{"room":"lobby","name":"ada","text":"hello"}` for each message, the sender's included;
//! * `{"room":"lobby","name":"ada","event":"join","members":2}` when someone joins (the new
//!   member gets its own) and `"event":"leave"` when someone leaves;
//! * only the sender gets `{"room":"lobby","error":"…"}` when one of its messages is refused.
//!
//! A room is a `tokio::sync::broadcast` channel in a `Mutex<HashMap>` (the app's state); it is
//! made by its first member and removed when its last member leaves. The rooms live in the
//! process: `--workers N` share them (workers are threads), separate processes or machines
//! would need a shared broker (Redis pub/sub, NATS…) instead.
//!
//! Bounds, so that one client cannot flood the others or the server:
//!
//! * **Message size**: 64 KiB per WebSocket message (after decompression) unless
//!   `--ws-max-size` (or `FERRAPI_WS_MAX_SIZE`) says otherwise; the server closes a connection
//!   that sends more with `1009` (message too big) before the app sees it.
//! * **Message length**: a text over 1,000 characters, or a blank one, is refused (an `error`
//!   to the sender).
//! * **Rate**: a token bucket per connection, 10 messages at once and 5 per second after that;
//!   beyond, messages are refused (an `error` to the sender) rather than queued.
//! * **Slow readers**: a room buffers 64 messages per member; a member that falls further
//!   behind skips what it missed and is told how many it lost, instead of holding the room
//!   back. Only text is accepted; a binary message gets an `error`.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use ferrapi::toolkit::websockets::ReceiveError;
use ferrapi::toolkit::{Html, WebSocket};
use ferrapi::{get, websocket, App, State};
use serde::Serialize;
use tokio::sync::broadcast;

/// The longest message, in characters.
const MAX_TEXT_CHARS: usize = 1000;
/// The WebSocket message limit when none is given on the command line or in the environment.
const DEFAULT_WS_MAX_SIZE: &str = "65536";
/// How many messages a room keeps for a member that has not read them yet.
const ROOM_BUFFER: usize = 64;
/// Messages a client may send at once…
const BURST: f64 = 10.0;
/// …and per second after that.
const PER_SECOND: f64 = 5.0;

/// What a room broadcasts: each member sends it on as one JSON text message.
#[derive(Clone, Debug, Serialize)]
struct Event {
    room: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    event: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    members: Option<usize>,
}

/// A message for one member only: why its message was refused.
#[derive(Serialize)]
struct Refusal<'a> {
    room: &'a str,
    error: String,
}

struct Room {
    events: broadcast::Sender<Event>,
    members: usize,
}

/// Every room with at least one member (the application state).
#[derive(Default)]
struct Rooms {
    rooms: Mutex<HashMap<String, Room>>,
}

impl Rooms {
    fn lock(&self) -> MutexGuard<'_, HashMap<String, Room>> {
        // A panic while holding the lock leaves the map consistent (every change is one
        // statement), so a poisoned lock is still usable.
        self.rooms.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Enters `room` (creating it), subscribes, then announces the new member to everyone,
    /// the new member included.
    fn join(self: &Arc<Self>, room: &str, name: &str) -> (Membership, broadcast::Receiver<Event>) {
        let mut rooms = self.lock();
        let entry = rooms.entry(room.to_string()).or_insert_with(|| Room {
            events: broadcast::channel(ROOM_BUFFER).0,
            members: 0,
        });
        entry.members += 1;
        let receiver = entry.events.subscribe();
        let membership = Membership {
            rooms: self.clone(),
            room: room.to_string(),
            name: name.to_string(),
            events: entry.events.clone(),
        };
        let _ = entry.events.send(membership.notice("join", entry.members));
        (membership, receiver)
    }

    /// How many members each room has, by name.
    fn census(&self) -> BTreeMap<String, usize> {
        self.lock()
            .iter()
            .map(|(name, room)| (name.clone(), room.members))
            .collect()
    }
}

/// One member in one room. Dropping it leaves the room (announced to the others; the room is
/// removed with its last member), however the connection ended.
struct Membership {
    rooms: Arc<Rooms>,
    room: String,
    name: String,
    events: broadcast::Sender<Event>,
}

impl Membership {
    fn notice(&self, event: &'static str, members: usize) -> Event {
        Event {
            room: self.room.clone(),
            name: self.name.clone(),
            text: None,
            event: Some(event),
            members: Some(members),
        }
    }

    fn say(&self, text: String) {
        // Sending fails only when no one is subscribed, and the sender always is.
        let _ = self.events.send(Event {
            room: self.room.clone(),
            name: self.name.clone(),
            text: Some(text),
            event: None,
            members: None,
        });
    }
}

impl Drop for Membership {
    fn drop(&mut self) {
        let mut rooms = self.rooms.lock();
        let Some(room) = rooms.get_mut(&self.room) else {
            return;
        };
        room.members -= 1;
        if room.members == 0 {
            rooms.remove(&self.room);
        } else {
            let _ = room.events.send(self.notice("leave", room.members));
        }
    }
}

/// A token bucket: [`BURST`] messages at once, refilled at [`PER_SECOND`].
struct RateLimit {
    tokens: f64,
    last: Instant,
}

impl RateLimit {
    fn new() -> RateLimit {
        RateLimit {
            tokens: BURST,
            last: Instant::now(),
        }
    }

    fn allow(&mut self) -> bool {
        let now = Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * PER_SECOND;
        self.tokens = (self.tokens + refill).min(BURST);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

/// Why a message from the client is not broadcast, if it is not.
fn check(text: &str, rate: &mut RateLimit) -> Result<(), String> {
    if text.trim().is_empty() {
        return Err("empty message".into());
    }
    if text.chars().count() > MAX_TEXT_CHARS {
        return Err(format!(
            "message too long (at most {MAX_TEXT_CHARS} characters)"
        ));
    }
    if !rate.allow() {
        return Err(format!(
            "slow down: at most {PER_SECOND} messages per second"
        ));
    }
    Ok(())
}

#[get("/", include_in_schema = false)]
async fn page() -> Html<&'static str> {
    Html(PAGE)
}

/// The rooms that have members, and how many each has.
#[get("/rooms")]
async fn rooms(rooms: State<Rooms>) -> BTreeMap<String, usize> {
    rooms.census()
}

#[websocket("/ws/{room}")]
async fn chat(
    mut websocket: WebSocket,
    #[path(pattern = "^[A-Za-z0-9_-]{1,32}$")] room: String,
    #[query(min_length = 1, max_length = 32)] name: String,
    rooms: State<Rooms>,
) {
    if websocket.accept().await.is_err() {
        return;
    }
    let (membership, mut events) = rooms.arc().join(&room, &name);
    let mut rate = RateLimit::new();
    loop {
        // Both `receive` and `recv` are cancel safe: the branch that loses loses nothing.
        tokio::select! {
            incoming = websocket.receive_text() => {
                let refusal = match incoming {
                    Ok(text) => match check(&text, &mut rate) {
                        Ok(()) => {
                            membership.say(text);
                            continue;
                        }
                        Err(reason) => reason,
                    },
                    Err(ReceiveError::WrongType(_)) => "only text messages are accepted".into(),
                    // The client left (or the server is shutting down).
                    Err(_) => break,
                };
                let refusal = Refusal { room: &room, error: refusal };
                if websocket.send_json(&refusal).await.is_err() {
                    break;
                }
            }
            event = events.recv() => {
                let sent = match event {
                    Ok(event) => websocket.send_json(&event).await,
                    Err(broadcast::error::RecvError::Lagged(missed)) => {
                        let error = format!("you were too slow: {missed} messages skipped");
                        websocket.send_json(&Refusal { room: &room, error }).await
                    }
                    // Cannot happen while `membership` holds a sender.
                    Err(broadcast::error::RecvError::Closed) => break,
                };
                if sent.is_err() {
                    break;
                }
            }
        }
    }
    drop(membership); // leaves the room: the others are told
}

fn app() -> App {
    App::new()
        .title("chat")
        .state(Rooms::default())
        .route(page)
        .route(rooms)
        .route(chat)
}

fn main() -> std::process::ExitCode {
    // A smaller frame limit than the server's 16 MiB, unless one is given: chat messages are
    // short. The flag `--ws-max-size` still wins over this variable. (Nothing else runs yet,
    // so changing the environment is safe.)
    if std::env::var_os("FERRAPI_WS_MAX_SIZE").is_none() {
        std::env::set_var("FERRAPI_WS_MAX_SIZE", DEFAULT_WS_MAX_SIZE);
    }
    // Every flag of the server (`--help` lists them): host, port, workers, limits, timeouts…
    ferrapi::run(app())
}

/// The chat page: everything inline, text shown with `textContent` (never parsed as HTML).
const PAGE: &str = r##"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ferrapi chat</title>
<style>
  body { font: 16px/1.4 system-ui, sans-serif; max-width: 42rem; margin: 2rem auto; padding: 0 1rem; }
  form { display: flex; gap: .5rem; }
  input { flex: 1; padding: .3rem; }
  #log { border: 1px solid #ccc; border-radius: 4px; height: 22rem; overflow-y: auto; padding: .5rem; margin: .75rem 0; }
  #log div { margin: .15rem 0; white-space: pre-wrap; overflow-wrap: anywhere; }
  .notice { color: #666; font-style: italic; }
  .error { color: #b00020; }
  .who { font-weight: 600; }
</style>
</head>
<body>
<h1>ferrapi chat</h1>
<form id="join">
  <input id="room" value="lobby" required maxlength="32" pattern="[A-Za-z0-9_\-]{1,32}" placeholder="room" aria-label="room">
  <input id="name" required maxlength="32" placeholder="your name" aria-label="name">
  <button>Join</button>
</form>
<div id="log" aria-live="polite"></div>
<form id="say">
  <input id="text" maxlength="1000" autocomplete="off" placeholder="say something" aria-label="message" disabled>
  <button id="send" disabled>Send</button>
</form>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
let socket = null;

function show(parts, cls) {
  const line = document.createElement("div");
  if (cls) line.className = cls;
  for (const [text, partCls] of parts) {
    const span = document.createElement("span");
    span.textContent = text;
    if (partCls) span.className = partCls;
    line.append(span);
  }
  const log = $("log");
  const atBottom = log.scrollTop + log.clientHeight >= log.scrollHeight - 4;
  log.append(line);
  if (atBottom) log.scrollTop = log.scrollHeight;
}

function connected(on) {
  $("text").disabled = !on;
  $("send").disabled = !on;
  if (on) $("text").focus();
}

$("join").addEventListener("submit", (event) => {
  event.preventDefault();
  if (socket) socket.close(1000);
  const room = $("room").value.trim();
  const name = $("name").value.trim();
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const url = `${scheme}//${location.host}/ws/${encodeURIComponent(room)}?name=${encodeURIComponent(name)}`;
  const ws = new WebSocket(url);
  let opened = false;
  socket = ws;
  ws.onopen = () => {
    opened = true;
    connected(true);
  };
  ws.onmessage = (message) => {
    const m = JSON.parse(message.data);
    if (m.error) {
      show([[m.error]], "error");
    } else if (m.event) {
      const verb = m.event === "join" ? "joined" : "left";
      show([[`${m.name} ${verb} #${m.room} (${m.members} here)`]], "notice");
    } else {
      show([[m.name, "who"], [": " + m.text]]);
    }
  };
  ws.onclose = (close) => {
    if (socket === ws) {
      socket = null;
      connected(false);
    }
    const why = !opened
      ? "could not join: the room is 1-32 letters, digits, - or _, the name 1-32 characters"
      : `disconnected (${close.code}${close.reason ? ": " + close.reason : ""})`;
    show([[why]], "notice");
  };
});

$("say").addEventListener("submit", (event) => {
  event.preventDefault();
  const text = $("text").value;
  if (socket && socket.readyState === WebSocket.OPEN && text.trim()) {
    socket.send(text);
    $("text").value = "";
  }
});
</script>
</body>
</html>
"##;
