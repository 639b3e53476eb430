//! The WebSocket protocol (RFC 6455) with permessage-deflate (RFC 7692), sans-IO: bytes in,
//! events and bytes out. The connection dispatcher owns the socket, the upgrade and the app
//! contract; this module only parses, validates and encodes.
//!
//! * [`handshake`]: is this request an upgrade, is it valid, the `101` head
//!   (`Sec-WebSocket-Accept`), subprotocol and extension offers; errors carry a status (400 or
//!   426) and a short reason for the body.
//! * [`deflate`]: permessage-deflate negotiation, and the compressor and bounded decompressor.
//! * [`message`]: [`message::Receiver`] turns the read buffer into events (text, binary, ping,
//!   pong, close) or a [`ProtocolError`] naming the close code to send; [`message::Encoder`]
//!   frames outgoing messages. Built on [`frame`] (the incremental frame parser and the
//!   encoder), [`mask`], [`utf8`] (the fail-fast incremental validator) and [`close`].
//!
//! # What it reproduces from uvicorn, and what differs
//!
//! uvicorn delegates WebSocket to websockets (or wsproto); this module reproduces websockets'
//! server-side behaviour as uvicorn configures it:
//!
//! * the limits and defaults: a 16 MiB message limit (`ws_max_size`) checked per frame header
//!   and while inflating, permessage-deflate offered back with websockets'
//!   `ServerPerMessageDeflateFactory()` defaults (no window limits, context takeover both ways),
//!   the same negotiation table, and offers skipped rather than failed when invalid;
//! * the failures: 1002 for protocol errors (including bad deflate data), 1007 for invalid UTF-8
//!   in text messages and close reasons, 1009 for messages over the limit; handshake failures
//!   as 426 (not an upgrade, wrong version) or 400 (bad header);
//! * the replies: pongs echo pings, a received close is echoed with its code and reason;
//! * close codes: 1012-1014 valid (IANA), 1004-1006, 1015 and 1016-2999 invalid.
//!
//! Differences:
//!
//! * UTF-8 is checked as bytes arrive, so invalid text fails before its frame is complete
//!   (websockets waits for the frame); Autobahn's 6.4.x "fail fast" cases pass strictly.
//! * `Upgrade: websocket` alone marks an upgrade attempt (see [`handshake`]); uvicorn's
//!   httptools protocol also wants `Connection: upgrade` before leaving the HTTP path.
//! * Non-minimal frame lengths are accepted (as websockets does) and documented in [`frame`].
//! * An agreed `server_max_window_bits=8` is honoured by sending uncompressed messages: the
//!   deflate backend (zlib-rs, like zlib) cannot produce 8-bit raw windows; see [`deflate`].
//! * The compressor uses memLevel 8 (flate2 does not expose it), as zlib's default that uvicorn
//!   also gets.
//!
//! # Throughput
//!
//! Measured by the ignored `bench_*` tests below (`cargo test --release -p ferrapi-server --lib
//! ws::tests::bench -- --ignored --nocapture`), 1 MiB buffers (cache-resident), one core of a
//! shared 2-core x86-64 VM, default target features (SSE2):
//!
//! | operation | GB/s |
//! |---|---|
//! | unmask, `u64` words ([`mask::apply_mask`]) | 40 |
//! | unmask, byte loop | 3.0 |
//! | UTF-8, ASCII: `from_utf8` / validator (whole) / validator (4 KiB pieces) / into `String` | 29 / 29 / 26 / 20 |
//! | UTF-8, mixed Greek/CJK/emoji: same four | 1.7 / 1.7 / 1.6 / 1.3 |
//! | receiver, 1 MiB masked ASCII text frame to `String` (copy in, unmask, validate, copy out) | 9.4 |

pub(crate) mod close;
pub(crate) mod conn;
pub(crate) mod deflate;
pub(crate) mod frame;
pub(crate) mod handshake;
pub(crate) mod mask;
pub(crate) mod message;
pub(crate) mod utf8;

use bytes::BytesMut;

use self::close::CloseCode;

/// A violation that fails the connection: send a close frame with `code` (and `reason`), then
/// close (RFC 6455 §7.1.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ProtocolError {
    /// The close code to send: 1002, 1007 or 1009.
    pub(crate) code: CloseCode,
    /// A short explanation, sent as the close reason.
    pub(crate) reason: &'static str,
}

impl ProtocolError {
    pub(crate) fn new(code: CloseCode, reason: &'static str) -> ProtocolError {
        ProtocolError { code, reason }
    }

    /// Appends the close frame for this error.
    pub(crate) fn encode_close(&self, dst: &mut BytesMut) {
        close::encode_close(dst, Some((self.code, self.reason)));
    }
}

impl std::fmt::Display for ProtocolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.reason, self.code.0)
    }
}

impl std::error::Error for ProtocolError {}

/// Client-side frame builders for the tests.
#[cfg(test)]
pub(crate) mod test_util {
    use super::mask::apply_mask_bytewise;

    /// The masking key of RFC 6455 §5.7.
    pub(crate) const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    /// A masked client frame with the minimal length form; `rsv` is RSV1-RSV3 as 3 bits.
    pub(crate) fn client_frame(fin: bool, rsv: u8, opcode: u8, payload: &[u8]) -> Vec<u8> {
        let form = match payload.len() {
            0..=125 => 0,
            126..=65535 => 126,
            _ => 127,
        };
        build(fin, rsv, opcode, payload, form, KEY)
    }

    /// The same with another key.
    pub(crate) fn client_frame_with_key(
        fin: bool,
        rsv: u8,
        opcode: u8,
        payload: &[u8],
        key: [u8; 4],
    ) -> Vec<u8> {
        build(fin, rsv, opcode, payload, 0, key)
    }

    /// The same with the length in the given form (126: 16 bits, 127: 64 bits), minimal or not.
    pub(crate) fn client_frame_with_len(
        fin: bool,
        rsv: u8,
        opcode: u8,
        payload: &[u8],
        form: u8,
    ) -> Vec<u8> {
        build(fin, rsv, opcode, payload, form, KEY)
    }

    fn build(fin: bool, rsv: u8, opcode: u8, payload: &[u8], form: u8, key: [u8; 4]) -> Vec<u8> {
        let mut out = vec![(u8::from(fin) << 7) | ((rsv & 0b111) << 4) | (opcode & 0x0F)];
        let len = payload.len();
        match form {
            126 => {
                out.push(0x80 | 126);
                out.extend_from_slice(&(len as u16).to_be_bytes());
            }
            127 => {
                out.push(0x80 | 127);
                out.extend_from_slice(&(len as u64).to_be_bytes());
            }
            _ => {
                assert!(len <= 125);
                out.push(0x80 | len as u8);
            }
        }
        out.extend_from_slice(&key);
        let start = out.len();
        out.extend_from_slice(payload);
        apply_mask_bytewise(&mut out[start..], key, 0);
        out
    }
}

#[cfg(test)]
mod tests {
    use std::hint::black_box;
    use std::time::Instant;

    use super::mask::{apply_mask, apply_mask_bytewise};
    use super::message::{Event, Receiver, DEFAULT_MAX_MESSAGE_SIZE};
    use super::test_util::client_frame;
    use super::utf8::Utf8Validator;
    use super::*;

    #[test]
    fn protocol_error_close_frame() {
        let error = ProtocolError::new(CloseCode::PROTOCOL_ERROR, "reserved opcode");
        let mut dst = BytesMut::new();
        error.encode_close(&mut dst);
        assert_eq!(&dst[..4], &[0x88, 17, 0x03, 0xea]);
        assert_eq!(&dst[4..], b"reserved opcode");
        assert_eq!(error.to_string(), "reserved opcode (1002)");
    }

    #[test]
    fn handshake_to_messages() {
        // The whole path the dispatcher will take: validate, negotiate, answer, then talk.
        let request = http::Request::builder()
            .uri("/ws")
            .header("upgrade", "websocket")
            .header("connection", "Upgrade")
            .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
            .header("sec-websocket-version", "13")
            .header(
                "sec-websocket-extensions",
                "permessage-deflate; client_max_window_bits",
            )
            .body(())
            .unwrap();
        assert!(handshake::is_upgrade_request(&request));
        let upgrade = handshake::validate(&request).unwrap();
        let params = deflate::negotiate(&upgrade.extensions, &deflate::DeflateConfig::default());
        let response = upgrade.response(None, params.as_ref()).unwrap();
        assert_eq!(
            response.headers()["sec-websocket-extensions"],
            "permessage-deflate"
        );
        let mut receiver = Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, params.as_ref());
        let mut buf = BytesMut::from(&client_frame(true, 0, 0x9, b"hi")[..]);
        let event = receiver.decode(&mut buf).unwrap().unwrap();
        assert_eq!(event, Event::Ping(bytes::Bytes::from_static(b"hi")));
        let mut out = BytesMut::new();
        event.reply().unwrap().encode(&mut out);
        assert_eq!(&out[..], &[0x8A, 2, b'h', b'i']);
    }

    fn gbps(bytes: usize, rounds: usize, start: Instant) -> f64 {
        (bytes * rounds) as f64 / start.elapsed().as_secs_f64() / 1e9
    }

    /// Masking throughput, word-at-a-time vs byte loop. Run with `--release -- --ignored
    /// --nocapture`.
    #[test]
    #[ignore = "micro-benchmark; run with --release -- --ignored --nocapture"]
    fn bench_mask() {
        let mut buf = vec![0x5au8; 1 << 20];
        let key = [0x37, 0xfa, 0x21, 0x3d];
        let rounds = 2000;
        for (name, f) in [
            ("u64 words", apply_mask as fn(&mut [u8], [u8; 4], usize)),
            ("byte loop", apply_mask_bytewise),
        ] {
            for _ in 0..50 {
                f(black_box(&mut buf), key, 0);
            }
            let start = Instant::now();
            for i in 0..rounds {
                f(black_box(&mut buf[i & 7..]), key, i);
            }
            println!("mask {name}: {:.2} GB/s", gbps(buf.len(), rounds, start));
        }
    }

    /// UTF-8 validation throughput: `from_utf8` alone, the validator on whole and on 4 KiB
    /// pieces (validating only, and collecting into a `String`).
    #[test]
    #[ignore = "micro-benchmark; run with --release -- --ignored --nocapture"]
    fn bench_utf8() {
        let ascii = "The quick brown fox jumps over the lazy dog. ".repeat(1 << 20 >> 5);
        let mixed = "κόσμε, 世界, Grüße, \u{1F600}; ".repeat(1 << 20 >> 5);
        for (name, text) in [("ascii", &ascii), ("mixed", &mixed)] {
            let bytes = text.as_bytes();
            let rounds = 500;
            let start = Instant::now();
            for _ in 0..rounds {
                black_box(std::str::from_utf8(black_box(bytes)).is_ok());
            }
            println!(
                "utf8 {name} std::str::from_utf8: {:.2} GB/s",
                gbps(bytes.len(), rounds, start)
            );
            let start = Instant::now();
            for _ in 0..rounds {
                let mut validator = Utf8Validator::new();
                validator.validate(black_box(bytes)).unwrap();
                validator.finish().unwrap();
            }
            println!(
                "utf8 {name} validator, whole: {:.2} GB/s",
                gbps(bytes.len(), rounds, start)
            );
            let start = Instant::now();
            for _ in 0..rounds {
                let mut validator = Utf8Validator::new();
                for piece in black_box(bytes).chunks(4093) {
                    validator.validate(piece).unwrap();
                }
                validator.finish().unwrap();
            }
            println!(
                "utf8 {name} validator, 4 KiB pieces: {:.2} GB/s",
                gbps(bytes.len(), rounds, start)
            );
            let start = Instant::now();
            let mut out = String::with_capacity(bytes.len());
            for _ in 0..rounds {
                out.clear();
                let mut validator = Utf8Validator::new();
                for piece in black_box(bytes).chunks(4093) {
                    validator.feed(piece, |s| out.push_str(s)).unwrap();
                }
                validator.finish().unwrap();
                black_box(&out);
            }
            println!(
                "utf8 {name} validator into String, 4 KiB pieces: {:.2} GB/s",
                gbps(bytes.len(), rounds, start)
            );
        }
    }

    /// End to end: a 1 MiB masked text frame through the receiver.
    #[test]
    #[ignore = "micro-benchmark; run with --release -- --ignored --nocapture"]
    fn bench_receiver() {
        let payload = "The quick brown fox jumps over the lazy dog. ".repeat(1 << 20 >> 5);
        let frame = client_frame(true, 0, 0x1, payload.as_bytes());
        let rounds = 300;
        let start = Instant::now();
        for _ in 0..rounds {
            let mut receiver = Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, None);
            let mut buf = BytesMut::from(&frame[..]);
            black_box(receiver.decode(&mut buf).unwrap());
        }
        println!(
            "receiver, 1 MiB text frame (copy in, unmask, validate, String): {:.2} GB/s",
            gbps(frame.len(), rounds, start)
        );
    }
}
