//! Drives one accepted WebSocket: reads frames into events for the handler, writes what the
//! handler sends, answers pings, pings idle peers, and runs the closing handshake.
//!
//! The handler runs inside the connection's task (polled alongside the socket), so a
//! WebSocket costs no extra task. Both directions are bounded: at most [`INCOMING_QUEUE`]
//! messages wait for the handler (the socket is not read while the queue is full) and at most
//! [`OUTGOING_QUEUE`] wait to be written (`WebSocket::send` waits while it is full).

use std::any::Any;
use std::future::poll_fn;
use std::pin::pin;
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::close::{CloseCode, CloseFrame as WireClose};
use super::message::{self, Encoder, Event, Receiver};
use crate::panic::CatchUnwind;
use crate::proto::h1::io::{deadline, ReadBuf, ReadError, Timer, Transport, WriteBuf};
use crate::server::Shared;
use crate::shutdown::DrainWatch;
use crate::websocket::{Accepted, CloseFrame, Message, WebSocket};

/// Messages received and not yet taken by the handler.
pub(crate) const INCOMING_QUEUE: usize = 16;

/// Messages the handler sent that are not yet written (uvicorn's `ws_max_queue` is 32).
pub(crate) const OUTGOING_QUEUE: usize = 32;

/// How long to wait for the peer's close after sending ours (websockets' default).
pub(crate) const CLOSE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a handler may run on after the connection is gone before it is dropped.
pub(crate) const HANDLER_GRACE: Duration = Duration::from_secs(5);

enum Step {
    HandlerDone(Result<(), Box<dyn Any + Send>>),
    Outgoing(Option<Message>),
    Delivered,
    Read(Result<usize, ReadError>),
    Ping,
    Drain,
    CloseTimeout,
}

/// Runs the WebSocket until it is closed; the caller then closes the connection.
pub(crate) async fn run<T: Transport>(
    io: &T,
    rb: &mut ReadBuf,
    wb: &mut WriteBuf,
    timer: &mut Timer,
    shared: &Shared,
    drain: &mut DrainWatch,
    accepted: Accepted,
) {
    let cfg = &shared.cfg;
    let Some(handler) = accepted.take_handler() else {
        return;
    };
    let (in_tx, in_rx) = mpsc::channel(INCOMING_QUEUE);
    let (out_tx, mut out_rx) = mpsc::channel(OUTGOING_QUEUE);
    let ws = WebSocket::new(in_rx, out_tx, accepted.protocol.clone());
    let mut handler = pin!(CatchUnwind::new(handler(ws)));

    let mut receiver = Receiver::new(cfg.ws_max_size, accepted.deflate());
    let mut encoder = Encoder::new(accepted.deflate());
    let mut scratch = BytesMut::new();
    let mut in_tx = Some(in_tx);
    // An event waiting for room in the incoming queue; the socket is not read meanwhile.
    let mut pending: Option<Message> = None;
    let mut handler_done = false;
    let mut close_sent: Option<Instant> = None;
    let mut peer_closed = false;
    let mut ping_sent: Option<Instant> = None;
    let mut next_ping = cfg.ws_ping_interval.map(|i| Instant::now() + i);
    let mut last_heard = Instant::now();

    // How the connection ended, for a handler that has not seen a close yet.
    let mut ending: Option<CloseFrame> = None;
    // The handler was already given its `Close` (on a graceful shutdown).
    let mut handler_told = false;
    loop {
        // Turn buffered bytes into events while the handler has room for them.
        if pending.is_none() && !peer_closed && !rb.is_empty() {
            decode_buffered(
                &mut receiver,
                rb,
                &mut scratch,
                &mut pending,
                &mut peer_closed,
                &mut close_sent,
                &mut ping_sent,
            );
            if in_tx.is_none() && !matches!(pending, Some(Message::Close(_))) {
                pending = None;
            }
            if handler_told && matches!(pending, Some(Message::Close(_))) {
                // The handler already has its close (the drain's 1012); the echo adds nothing.
                pending = None;
            }
        }
        if !scratch.is_empty() && !flush(io, wb, &mut scratch).await {
            ending.get_or_insert(abnormal());
            break;
        }
        if peer_closed && close_sent.is_some() && pending.is_none() {
            break;
        }
        let ping_at = match (ping_sent, next_ping) {
            (Some(sent), _) => cfg.ws_ping_timeout.map(|t| sent + t),
            (None, at) => at,
        };
        let close_deadline = close_sent.map(|t| t + CLOSE_TIMEOUT);
        let can_read = pending.is_none() && !peer_closed;
        let step = tokio::select! {
            biased;
            r = &mut handler, if !handler_done => Step::HandlerDone(r),
            m = out_rx.recv(), if close_sent.is_none() => Step::Outgoing(m),
            delivered = deliver(&in_tx, &mut pending), if pending.is_some() => {
                if !delivered {
                    // The handler dropped its socket: nobody reads what comes in.
                    in_tx = None;
                }
                Step::Delivered
            }
            r = read(io, rb, timer), if can_read => Step::Read(r),
            () = sleep_until(ping_at), if ping_at.is_some() && close_sent.is_none() => Step::Ping,
            () = poll_fn(|cx| drain.poll(cx)), if close_sent.is_none() => Step::Drain,
            () = sleep_until(close_deadline), if close_deadline.is_some() => Step::CloseTimeout,
        };
        match step {
            Step::HandlerDone(result) => {
                handler_done = true;
                let code = match result {
                    Ok(()) => CloseCode::NORMAL,
                    Err(panic) => {
                        tracing::error!(
                            panic = crate::panic::message(&*panic),
                            "WebSocket handler panicked"
                        );
                        CloseCode::INTERNAL_ERROR
                    }
                };
                // What the handler sent before returning still goes out, in order, and a close
                // it queued keeps its code.
                while close_sent.is_none() {
                    let Ok(message) = out_rx.try_recv() else {
                        break;
                    };
                    encode_outgoing(&mut encoder, &mut scratch, message, &mut close_sent);
                }
                if close_sent.is_none() {
                    super::close::encode_close(&mut scratch, Some((code, "")));
                    close_sent = Some(Instant::now());
                }
            }
            Step::Outgoing(None) => {
                // The handler dropped its socket without closing: close normally.
                super::close::encode_close(&mut scratch, Some((CloseCode::NORMAL, "")));
                close_sent = Some(Instant::now());
            }
            Step::Outgoing(Some(message)) => {
                encode_outgoing(&mut encoder, &mut scratch, message, &mut close_sent);
            }
            Step::Delivered => {}
            Step::Read(Ok(0)) | Step::Read(Err(_)) => {
                // The peer vanished without a closing handshake.
                ending.get_or_insert(abnormal());
                break;
            }
            Step::Read(Ok(_)) => last_heard = Instant::now(),
            Step::Ping => {
                if ping_sent.is_some() {
                    // No pong within the timeout: the peer is gone (uvicorn: 1011).
                    super::close::encode_close(
                        &mut scratch,
                        Some((CloseCode::INTERNAL_ERROR, "keepalive ping timeout")),
                    );
                    flush(io, wb, &mut scratch).await;
                    ending.get_or_insert(CloseFrame {
                        code: 1011,
                        reason: "keepalive ping timeout".into(),
                    });
                    break;
                }
                let payload = ping_payload(last_heard);
                let _ = message::encode_ping(&mut scratch, &payload);
                ping_sent = Some(Instant::now());
                next_ping = cfg.ws_ping_interval.map(|i| Instant::now() + i);
            }
            Step::Drain => {
                super::close::encode_close(
                    &mut scratch,
                    Some((CloseCode::SERVICE_RESTART, "server shutting down")),
                );
                close_sent = Some(Instant::now());
                let going = CloseFrame {
                    code: 1012,
                    reason: "server shutting down".into(),
                };
                // The handler learns at once, as uvicorn's `websocket.disconnect {1012}`, so it
                // can wrap up while the peer answers the close.
                if let (Some(tx), None) = (&in_tx, &pending) {
                    handler_told = tx.try_send(Message::Close(Some(going.clone()))).is_ok();
                }
                ending.get_or_insert(going);
            }
            Step::CloseTimeout => {
                ending.get_or_insert(abnormal());
                break;
            }
        }
    }
    // Tell the handler how the socket ended, unless it already got the peer's close.
    let delivered_close = handler_told || matches!(pending, Some(Message::Close(_)));
    let mut last: Vec<Message> = pending.take().into_iter().collect();
    if !delivered_close && !peer_closed {
        last.extend(ending.map(|end| Message::Close(Some(end))));
    }
    // The connection is over; the handler gets the last message even if its queue is full,
    // then the end of its socket, and may finish up.
    drop(out_rx);
    if handler_done {
        return;
    }
    let finish = async {
        if let Some(tx) = &in_tx {
            for message in last {
                if tx.send(message).await.is_err() {
                    break;
                }
            }
        }
        drop(in_tx);
    };
    let _ = tokio::time::timeout(HANDLER_GRACE, async {
        let ((), _) = tokio::join!(finish, &mut handler);
    })
    .await;
}

/// Frames one message from the handler; a close marks the closing handshake as started.
fn encode_outgoing(
    encoder: &mut Encoder,
    scratch: &mut BytesMut,
    message: Message,
    close_sent: &mut Option<Instant>,
) {
    match message {
        Message::Text(text) => encoder.text(scratch, &text),
        Message::Binary(data) => encoder.binary(scratch, &data),
        Message::Ping(data) => {
            let _ = message::encode_ping(scratch, &data);
        }
        Message::Pong(data) => {
            let _ = message::encode_pong(scratch, &data);
        }
        Message::Close(frame) => {
            let close = frame
                .as_ref()
                .map(|f| (CloseCode(f.code), f.reason.as_str()));
            super::close::encode_close(scratch, close);
            *close_sent = Some(Instant::now());
        }
    }
}

/// Decodes buffered frames until one produces a message for the handler (or a close or a
/// protocol error); replies (pongs, the close echo, the error's close) go into `scratch`.
fn decode_buffered(
    receiver: &mut Receiver,
    rb: &mut ReadBuf,
    scratch: &mut BytesMut,
    pending: &mut Option<Message>,
    peer_closed: &mut bool,
    close_sent: &mut Option<Instant>,
    ping_sent: &mut Option<Instant>,
) {
    while pending.is_none() {
        match receiver.decode(&mut rb.buf) {
            Ok(None) => return,
            Ok(Some(event)) => {
                if let Some(reply) = event.reply() {
                    if close_sent.is_none() {
                        reply.encode(scratch);
                    }
                }
                *pending = Some(match event {
                    Event::Text(text) => Message::Text(text),
                    Event::Binary(data) => Message::Binary(data),
                    Event::Ping(data) => Message::Ping(data),
                    Event::Pong(data) => {
                        *ping_sent = None;
                        Message::Pong(data)
                    }
                    Event::Close(frame) => {
                        *peer_closed = true;
                        close_sent.get_or_insert_with(Instant::now);
                        Message::Close(frame.map(to_public))
                    }
                });
            }
            Err(err) => {
                if close_sent.is_none() {
                    err.encode_close(scratch);
                    *close_sent = Some(Instant::now());
                }
                *peer_closed = true;
                *pending = Some(Message::Close(Some(CloseFrame {
                    code: err.code.0,
                    reason: err.reason.to_string(),
                })));
            }
        }
    }
}

fn abnormal() -> CloseFrame {
    CloseFrame {
        code: 1006,
        reason: String::new(),
    }
}

/// Writes what was encoded; `false` if the peer is gone.
async fn flush<T: Transport>(io: &T, wb: &mut WriteBuf, scratch: &mut BytesMut) -> bool {
    wb.push_bytes(scratch.split().freeze());
    wb.flush(io).await.is_ok()
}

/// Hands the pending message to the handler; `false` if the handler dropped its socket.
async fn deliver(tx: &Option<mpsc::Sender<Message>>, pending: &mut Option<Message>) -> bool {
    let Some(tx) = tx else {
        *pending = None;
        return false;
    };
    match tx.reserve().await {
        Ok(permit) => {
            if let Some(message) = pending.take() {
                permit.send(message);
            }
            true
        }
        Err(_) => {
            *pending = None;
            false
        }
    }
}

async fn read<T: Transport>(
    io: &T,
    rb: &mut ReadBuf,
    timer: &mut Timer,
) -> Result<usize, ReadError> {
    // Liveness is the ping's job; this deadline only bounds a single wait.
    let far = deadline(Instant::now(), Duration::from_secs(60 * 60 * 24));
    rb.read(io, timer, far).await
}

async fn sleep_until(at: Option<Instant>) {
    match at {
        Some(at) => tokio::time::sleep_until(at).await,
        None => std::future::pending().await,
    }
}

fn ping_payload(seed: Instant) -> Bytes {
    let nanos = seed.elapsed().subsec_nanos();
    Bytes::copy_from_slice(&nanos.to_be_bytes())
}

fn to_public(frame: WireClose) -> CloseFrame {
    CloseFrame {
        code: frame.code.0,
        reason: frame.reason,
    }
}
