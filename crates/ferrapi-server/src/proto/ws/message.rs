//! Messages: [`Receiver`] turns the client's frames into [`Event`]s, [`Encoder`] turns the
//! server's messages into frames.
//!
//! # Receiving
//!
//! [`Receiver::decode`] drives the [`FrameDecoder`] over the connection's read buffer and
//! assembles messages:
//!
//! * control frames (ping, pong, close) may arrive between the fragments of a data message and
//!   are reported at once; a ping must be answered with a pong carrying the same payload, and a
//!   close with a close echoing it ([`Event::reply`]);
//! * a continuation frame without a message in progress, or a text/binary frame while one is in
//!   progress, is a protocol error (1002);
//! * the size of a message is checked against the limit (default 16 MiB, uvicorn's
//!   `ws_max_size`) from each frame header, before its payload is buffered, and for compressed
//!   messages also while inflating (1009);
//! * text is validated as it arrives, so invalid UTF-8 fails the connection (1007) without
//!   waiting for the end of the frame or message, and is assembled into a `String` with a
//!   single validation pass;
//! * with permessage-deflate, a message whose first frame has RSV1 is inflated frame by frame.
//!
//! After a close frame the receiver is done: later bytes are discarded (RFC 6455 §5.5.1: no
//! data frames after a close).
//!
//! # Sending
//!
//! [`Encoder`] frames text and binary messages (compressed when permessage-deflate is agreed and
//! the server window allows it, optionally fragmented); control frames need no state and are
//! encoded by [`encode_ping`], [`encode_pong`] and [`super::close::encode_close`].

use bytes::{Bytes, BytesMut};

use super::close::{self, CloseCode, CloseFrame};
use super::deflate::{DeflateParams, Deflater, Inflater};
use super::frame::{self, ControlTooLong, FrameDecoder, FrameEvent, FrameHeader, OpCode};
use super::utf8::Utf8Validator;
use super::ProtocolError;

/// uvicorn's default `ws_max_size`: 16 MiB.
pub(crate) const DEFAULT_MAX_MESSAGE_SIZE: usize = 16 * 1024 * 1024;

/// What the client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Event {
    /// A complete text message (valid UTF-8 by construction).
    Text(String),
    /// A complete binary message.
    Binary(Bytes),
    /// A ping: answer with a pong carrying the same payload ([`Event::reply`]).
    Ping(Bytes),
    /// A pong (solicited or not).
    Pong(Bytes),
    /// A close frame, with its status and reason if it had one (`None` means 1005, no status).
    /// Echo it unless the server already sent a close ([`Event::reply`]).
    Close(Option<CloseFrame>),
}

/// A control frame the server sends back on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reply {
    /// The pong for a ping (RFC 6455 §5.5.2), same payload.
    Pong(Bytes),
    /// The close echoing a received close (§5.5.1), same code and reason, as websockets does.
    Close(Option<CloseFrame>),
}

impl Event {
    /// What the server must send back for this event, if anything.
    pub(crate) fn reply(&self) -> Option<Reply> {
        match self {
            Event::Ping(payload) => Some(Reply::Pong(payload.clone())),
            Event::Close(close) => Some(Reply::Close(close.clone())),
            _ => None,
        }
    }
}

impl Reply {
    /// Appends the reply frame to `dst`.
    pub(crate) fn encode(&self, dst: &mut BytesMut) {
        match self {
            // At most 125 bytes: it came in a control frame.
            Reply::Pong(payload) => frame::encode_frame(dst, true, false, OpCode::Pong, payload),
            Reply::Close(close) => close::encode_close(
                dst,
                close
                    .as_ref()
                    .map(|close| (close.code, close.reason.as_str())),
            ),
        }
    }
}

/// The data message being assembled.
#[derive(Debug)]
enum Message {
    Text { text: String, utf8: Utf8Validator },
    Binary(BytesMut),
}

#[derive(Debug)]
struct Assembly {
    message: Message,
    compressed: bool,
    /// Payload bytes received so far (compressed size for compressed messages).
    wire_len: usize,
    /// Bytes the message may still grow by once inflated.
    budget: usize,
}

/// The frame being received.
#[derive(Debug, Clone, Copy)]
enum Current {
    /// Between frames.
    None,
    /// A data frame; `fin` ends the message.
    Data { fin: bool },
    /// A control frame.
    Control(OpCode),
}

/// Assembles client frames into events (see the module docs).
#[derive(Debug)]
pub(crate) struct Receiver {
    frames: FrameDecoder,
    inflater: Option<Inflater>,
    max_message_size: usize,
    assembly: Option<Assembly>,
    current: Current,
    closed: bool,
    /// The error that failed the connection; every later call returns it again.
    failed: Option<ProtocolError>,
}

impl Receiver {
    /// A receiver with a message size limit and, if permessage-deflate was agreed, its
    /// parameters.
    pub(crate) fn new(max_message_size: usize, deflate: Option<&DeflateParams>) -> Receiver {
        Receiver {
            frames: FrameDecoder::new(deflate.is_some()),
            inflater: deflate.map(DeflateParams::inflater),
            max_message_size,
            assembly: None,
            current: Current::None,
            closed: false,
            failed: None,
        }
    }

    /// Also accepts unmasked frames, to read the server's own frames back in tests.
    #[cfg(test)]
    pub(crate) fn accept_unmasked(mut self) -> Receiver {
        self.frames = self.frames.accept_unmasked();
        self
    }

    /// Uses `inflater` for compressed messages (tests: a client-side view of server frames).
    #[cfg(test)]
    pub(crate) fn with_inflater(mut self, inflater: Inflater) -> Receiver {
        self.frames = FrameDecoder::new(true).accept_unmasked();
        self.inflater = Some(inflater);
        self
    }

    /// Whether a close frame has been received.
    #[cfg(test)]
    pub(crate) fn is_closed(&self) -> bool {
        self.closed
    }

    /// Consumes bytes from `buf` until an event is complete (`Ok(Some)`) or more bytes are
    /// needed (`Ok(None)`; whatever was usable has been consumed). Call again after an event:
    /// `buf` may hold more. On `Err`, send the close frame the error describes and stop
    /// reading; the receiver stays failed and returns the same error if called again. After a
    /// close event, everything is discarded.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, ProtocolError> {
        if let Some(error) = self.failed {
            return Err(error);
        }
        if self.closed {
            buf.clear();
            return Ok(None);
        }
        let result = self.decode_inner(buf);
        if let Err(error) = result {
            self.failed = Some(error);
        }
        result
    }

    fn decode_inner(&mut self, buf: &mut BytesMut) -> Result<Option<Event>, ProtocolError> {
        while let Some(event) = self.frames.decode(buf)? {
            let event = match event {
                FrameEvent::Header(header) => {
                    self.on_header(header)?;
                    None
                }
                FrameEvent::Payload { data, end } => self.on_payload(data, end)?,
            };
            if let Some(event) = event {
                if matches!(event, Event::Close(_)) {
                    self.closed = true;
                    buf.clear();
                }
                return Ok(Some(event));
            }
        }
        Ok(None)
    }

    fn on_header(&mut self, header: FrameHeader) -> Result<(), ProtocolError> {
        if header.opcode.is_control() {
            self.current = Current::Control(header.opcode);
            return Ok(());
        }
        let too_big = ProtocolError::new(CloseCode::MESSAGE_TOO_BIG, "message too big");
        let len = usize::try_from(header.payload_len).map_err(|_| too_big)?;
        match (header.opcode, &mut self.assembly) {
            (OpCode::Continuation, None) => {
                return Err(ProtocolError::new(
                    CloseCode::PROTOCOL_ERROR,
                    "continuation frame without a message to continue",
                ));
            }
            (OpCode::Continuation, Some(assembly)) => {
                let total = assembly.wire_len.saturating_add(len);
                if total > self.max_message_size {
                    return Err(too_big);
                }
                assembly.wire_len = total;
            }
            (_, Some(_)) => {
                return Err(ProtocolError::new(
                    CloseCode::PROTOCOL_ERROR,
                    "new data frame while a fragmented message is incomplete",
                ));
            }
            (opcode, None) => {
                if len > self.max_message_size {
                    return Err(too_big);
                }
                let compressed = header.rsv1;
                if compressed {
                    if let Some(inflater) = &mut self.inflater {
                        inflater.begin_message();
                    }
                }
                // Reserve for the announced frame, but not more than 64 KiB up front: a
                // 14-byte header must not make us allocate 16 MiB before any payload arrives.
                let capacity = if compressed { 0 } else { len.min(64 * 1024) };
                let message = if opcode == OpCode::Text {
                    Message::Text {
                        text: String::with_capacity(capacity),
                        utf8: Utf8Validator::new(),
                    }
                } else {
                    Message::Binary(BytesMut::new())
                };
                self.assembly = Some(Assembly {
                    message,
                    compressed,
                    wire_len: len,
                    budget: self.max_message_size,
                });
            }
        }
        self.current = Current::Data { fin: header.fin };
        Ok(())
    }

    fn on_payload(&mut self, data: BytesMut, end: bool) -> Result<Option<Event>, ProtocolError> {
        match self.current {
            Current::Control(opcode) => {
                // Control payloads come whole (`end` is set).
                self.current = Current::None;
                Ok(Some(match opcode {
                    OpCode::Ping => Event::Ping(data.freeze()),
                    OpCode::Pong => Event::Pong(data.freeze()),
                    _ => Event::Close(close::parse_close_payload(&data)?),
                }))
            }
            Current::Data { fin } => {
                let last = end && fin;
                let assembly = self
                    .assembly
                    .as_mut()
                    .expect("a data frame always has a message");
                // An empty compressed message can only mean an empty message (valid deflate
                // data is never empty; zlib emits nothing for a flush with no new input).
                if assembly.compressed && !(last && assembly.wire_len == 0) {
                    let inflater = self
                        .inflater
                        .as_mut()
                        .expect("RSV1 is only accepted with an inflater");
                    let Assembly {
                        message, budget, ..
                    } = assembly;
                    inflater.inflate(&data, last, budget, &mut |piece| append(message, piece))?;
                } else {
                    append_owned(&mut assembly.message, data)?;
                }
                if end {
                    self.current = Current::None;
                }
                if !last {
                    return Ok(None);
                }
                let assembly = self.assembly.take().expect("checked above");
                Ok(Some(match assembly.message {
                    Message::Text { text, mut utf8 } => {
                        utf8.finish().map_err(|_| invalid_utf8())?;
                        Event::Text(text)
                    }
                    Message::Binary(bytes) => Event::Binary(bytes.freeze()),
                }))
            }
            Current::None => unreachable!("payload without a header"),
        }
    }
}

fn invalid_utf8() -> ProtocolError {
    ProtocolError::new(CloseCode::INVALID_PAYLOAD, "invalid UTF-8 in text message")
}

/// Appends inflated bytes to the message.
fn append(message: &mut Message, piece: &[u8]) -> Result<(), ProtocolError> {
    match message {
        Message::Text { text, utf8 } => utf8
            .feed(piece, |s| text.push_str(s))
            .map_err(|_| invalid_utf8()),
        Message::Binary(bytes) => {
            bytes.extend_from_slice(piece);
            Ok(())
        }
    }
}

/// Appends received payload bytes to the message, without a copy for binary data when they
/// are contiguous with what is already there.
fn append_owned(message: &mut Message, data: BytesMut) -> Result<(), ProtocolError> {
    match message {
        Message::Binary(bytes) if bytes.is_empty() => {
            *bytes = data;
            Ok(())
        }
        Message::Binary(bytes) => {
            bytes.unsplit(data);
            Ok(())
        }
        text => append(text, &data),
    }
}

/// Appends a ping frame; the payload must fit 125 bytes.
pub(crate) fn encode_ping(dst: &mut BytesMut, payload: &[u8]) -> Result<(), ControlTooLong> {
    frame::encode_control(dst, OpCode::Ping, payload)
}

/// Appends a pong frame; the payload must fit 125 bytes.
pub(crate) fn encode_pong(dst: &mut BytesMut, payload: &[u8]) -> Result<(), ControlTooLong> {
    frame::encode_control(dst, OpCode::Pong, payload)
}

/// The kind of a data message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DataKind {
    /// A text message (the payload is UTF-8).
    Text,
    /// A binary message.
    Binary,
}

/// Frames the server's data messages, compressing them when permessage-deflate is agreed.
#[derive(Debug)]
pub(crate) struct Encoder {
    deflater: Option<Deflater>,
    compressed: Vec<u8>,
}

impl Encoder {
    /// An encoder; with `deflate`, messages are compressed (unless the agreed server window is
    /// 8 bits, see [`DeflateParams::deflater`]).
    pub(crate) fn new(deflate: Option<&DeflateParams>) -> Encoder {
        Encoder {
            deflater: deflate.and_then(DeflateParams::deflater),
            compressed: Vec::new(),
        }
    }

    /// Appends a text message as one frame.
    pub(crate) fn text(&mut self, dst: &mut BytesMut, text: &str) {
        self.message(dst, DataKind::Text, text.as_bytes(), None);
    }

    /// Appends a binary message as one frame.
    pub(crate) fn binary(&mut self, dst: &mut BytesMut, data: &[u8]) {
        self.message(dst, DataKind::Binary, data, None);
    }

    /// Appends a message, split into frames of at most `fragment_size` payload bytes (after
    /// compression) when given. The first frame carries the opcode and, if compressed, RSV1;
    /// the rest are continuations; the last has FIN.
    pub(crate) fn message(
        &mut self,
        dst: &mut BytesMut,
        kind: DataKind,
        payload: &[u8],
        fragment_size: Option<usize>,
    ) {
        let mut compressed = false;
        if let Some(deflater) = &mut self.deflater {
            compressed = deflater.compress(payload, &mut self.compressed).is_ok();
        }
        let body = if compressed {
            &self.compressed[..]
        } else {
            payload
        };
        let opcode = match kind {
            DataKind::Text => OpCode::Text,
            DataKind::Binary => OpCode::Binary,
        };
        let size = fragment_size.filter(|&n| n > 0).unwrap_or(usize::MAX);
        let mut chunks = body.chunks(size).peekable();
        if chunks.peek().is_none() {
            frame::encode_frame(dst, true, compressed, opcode, &[]);
            return;
        }
        let mut first = true;
        while let Some(chunk) = chunks.next() {
            let fin = chunks.peek().is_none();
            let (opcode, rsv1) = if first {
                (opcode, compressed)
            } else {
                (OpCode::Continuation, false)
            };
            frame::encode_frame(dst, fin, rsv1, opcode, chunk);
            first = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::deflate::{negotiate, DeflateConfig};
    use super::super::handshake::ExtensionOffer;
    use super::super::test_util::{client_frame, client_frame_with_key};
    use super::*;
    use flate2::{Compress, Compression, FlushCompress};

    /// Everything a run produced: the events, then the error if there was one.
    #[derive(Debug, PartialEq)]
    struct Outcome {
        events: Vec<Event>,
        error: Option<CloseCode>,
    }

    fn drain(
        receiver: &mut Receiver,
        buf: &mut BytesMut,
        events: &mut Vec<Event>,
    ) -> Option<CloseCode> {
        loop {
            match receiver.decode(buf) {
                Ok(Some(event)) => events.push(event),
                Ok(None) => return None,
                Err(error) => return Some(error.code),
            }
        }
    }

    /// Feeds `pieces` in turn, decoding after each, stopping at the first error.
    fn run_pieces(receiver: &mut Receiver, pieces: &[&[u8]]) -> Outcome {
        let mut buf = BytesMut::new();
        let mut events = Vec::new();
        for piece in pieces {
            buf.extend_from_slice(piece);
            if let Some(error) = drain(receiver, &mut buf, &mut events) {
                return Outcome {
                    events,
                    error: Some(error),
                };
            }
        }
        Outcome {
            events,
            error: None,
        }
    }

    fn plain() -> Receiver {
        Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, None)
    }

    /// The outcome of `bytes` in one piece, checked to be the same for every split into two
    /// pieces (every position for short inputs, a sample for long ones) and, for short inputs,
    /// for one byte at a time.
    fn run_with(make: &dyn Fn() -> Receiver, bytes: &[u8]) -> Outcome {
        let whole = run_pieces(&mut make(), &[bytes]);
        let step = if bytes.len() > 2000 {
            bytes.len() / 50
        } else {
            1
        };
        for at in (0..=bytes.len()).step_by(step) {
            let split = run_pieces(&mut make(), &[&bytes[..at], &bytes[at..]]);
            assert_eq!(split, whole, "split at {at}");
        }
        if bytes.len() <= 2000 {
            let singles: Vec<&[u8]> = bytes.chunks(1).collect();
            assert_eq!(run_pieces(&mut make(), &singles), whole, "byte by byte");
        }
        whole
    }

    fn run(bytes: &[u8]) -> Outcome {
        run_with(&plain, bytes)
    }

    fn frames(list: &[(bool, u8, &[u8])]) -> Vec<u8> {
        list.iter()
            .flat_map(|(fin, opcode, payload)| client_frame(*fin, 0, *opcode, payload))
            .collect()
    }

    fn ok(events: Vec<Event>) -> Outcome {
        Outcome {
            events,
            error: None,
        }
    }

    fn failed(events: Vec<Event>, code: CloseCode) -> Outcome {
        Outcome {
            events,
            error: Some(code),
        }
    }

    fn text(s: &str) -> Event {
        Event::Text(s.to_owned())
    }

    fn close(code: u16, reason: &str) -> Event {
        Event::Close(Some(CloseFrame {
            code: CloseCode(code),
            reason: reason.to_owned(),
        }))
    }

    fn close_payload(code: u16, reason: &[u8]) -> Vec<u8> {
        let mut payload = code.to_be_bytes().to_vec();
        payload.extend_from_slice(reason);
        payload
    }

    // --- 1.x framing ---

    #[test]
    fn framing_1_1_and_1_2() {
        for len in [0usize, 125, 126, 127, 128, 65535, 65536] {
            let payload = "*".repeat(len);
            let outcome = run(&client_frame(true, 0, 0x1, payload.as_bytes()));
            assert_eq!(
                outcome,
                ok(vec![Event::Text(payload.clone())]),
                "text {len}"
            );
            let binary = vec![0xfe; len];
            let outcome = run(&client_frame(true, 0, 0x2, &binary));
            assert_eq!(
                outcome,
                ok(vec![Event::Binary(binary.into())]),
                "binary {len}"
            );
        }
    }

    #[test]
    fn binary_single_frame_is_not_copied() {
        // One frame in one read: the event shares the read buffer.
        let bytes = client_frame(true, 0, 0x2, &[1; 1000]);
        let mut buf = BytesMut::from(&bytes[..]);
        let start = buf.as_ptr() as usize;
        let event = plain().decode(&mut buf).unwrap().unwrap();
        match event {
            Event::Binary(data) => assert_eq!(data.as_ptr() as usize, start + bytes.len() - 1000),
            other => panic!("unexpected {other:?}"),
        }
    }

    // --- 2.x pings and pongs ---

    #[test]
    fn pings_and_pongs_2_x() {
        // 2.1 - 2.4: pings with empty, text, binary and 125-byte payloads are answered.
        for payload in [
            &b""[..],
            b"Hello, world!",
            &[0x00, 0xff, 0xfe, 0xfd, 0xfc],
            &[0xfe; 125],
        ] {
            let outcome = run(&client_frame(true, 0, 0x9, payload));
            assert_eq!(
                outcome,
                ok(vec![Event::Ping(Bytes::copy_from_slice(payload))])
            );
            let reply = outcome.events[0].reply().unwrap();
            assert_eq!(reply, Reply::Pong(Bytes::copy_from_slice(payload)));
            let mut dst = BytesMut::new();
            reply.encode(&mut dst);
            assert_eq!(dst[0], 0x8A);
            assert_eq!(&dst[2..], payload);
        }
        // 2.5: a 126-byte ping.
        assert_eq!(
            run(&client_frame(true, 0, 0x9, &[0xfe; 126])),
            failed(vec![], CloseCode::PROTOCOL_ERROR)
        );
        // 2.7 / 2.8: unsolicited pongs need no reply.
        let outcome = run(&client_frame(true, 0, 0xA, b"unsolicited"));
        assert_eq!(
            outcome,
            ok(vec![Event::Pong(Bytes::from_static(b"unsolicited"))])
        );
        assert_eq!(outcome.events[0].reply(), None);
        // 2.9: a pong then a ping.
        let bytes = frames(&[(true, 0xA, b"unsolicited"), (true, 0x9, b"ping")]);
        assert_eq!(
            run(&bytes),
            ok(vec![
                Event::Pong(Bytes::from_static(b"unsolicited")),
                Event::Ping(Bytes::from_static(b"ping"))
            ])
        );
        // 2.10 / 2.11: ten pings in a row, ten answers in order.
        let list: Vec<Vec<u8>> = (0..10)
            .map(|i| format!("payload-{i}").into_bytes())
            .collect();
        let bytes: Vec<u8> = list
            .iter()
            .flat_map(|p| client_frame(true, 0, 0x9, p))
            .collect();
        let events = run(&bytes).events;
        assert_eq!(events.len(), 10);
        for (event, payload) in events.iter().zip(&list) {
            assert_eq!(
                event.reply(),
                Some(Reply::Pong(Bytes::copy_from_slice(payload)))
            );
        }
    }

    // --- 3.x reserved bits ---

    #[test]
    fn reserved_bits_3_x() {
        // 3.1: RSV1 on a text frame without an extension.
        assert_eq!(
            run(&client_frame(true, 0b100, 0x1, b"Hello, world!")),
            failed(vec![], CloseCode::PROTOCOL_ERROR)
        );
        // 3.2: a good text, then RSV2: the first is delivered, then the failure.
        let mut bytes = client_frame(true, 0, 0x1, b"Hello, world!");
        bytes.extend(client_frame(true, 0b010, 0x1, b"Hello, world!"));
        bytes.extend(client_frame(true, 0, 0x9, b""));
        assert_eq!(
            run(&bytes),
            failed(vec![text("Hello, world!")], CloseCode::PROTOCOL_ERROR)
        );
        // 3.4 - 3.7: RSV on binary, ping, close.
        for (rsv, opcode) in [(0b001, 0x2), (0b110, 0x2), (0b101, 0x9), (0b111, 0x8)] {
            assert_eq!(
                run(&client_frame(true, rsv, opcode, b"\x03\xe8")),
                failed(vec![], CloseCode::PROTOCOL_ERROR)
            );
        }
    }

    // --- 4.x opcodes ---

    #[test]
    fn opcodes_4_x() {
        for opcode in [3u8, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            // 4.1.1 / 4.2.1: alone; 4.1.3 / 4.2.3: after a text, before a ping.
            assert_eq!(
                run(&client_frame(true, 0, opcode, b"")),
                failed(vec![], CloseCode::PROTOCOL_ERROR)
            );
            let bytes = frames(&[
                (true, 0x1, b"Hello, world!"),
                (true, opcode, b"reserved"),
                (true, 0x9, b""),
            ]);
            assert_eq!(
                run(&bytes),
                failed(vec![text("Hello, world!")], CloseCode::PROTOCOL_ERROR),
                "opcode {opcode}"
            );
        }
    }

    // --- 5.x fragmentation ---

    #[test]
    fn fragmentation_5_x() {
        // 5.1 / 5.2: fragmented ping and pong.
        for opcode in [0x9, 0xA] {
            let bytes = frames(&[(false, opcode, b"fragment1"), (true, 0x0, b"fragment2")]);
            assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        }
        // 5.3 - 5.5: a text message in two fragments.
        let bytes = frames(&[(false, 0x1, b"fragment1"), (true, 0x0, b"fragment2")]);
        assert_eq!(run(&bytes), ok(vec![text("fragment1fragment2")]));
        // 5.6 - 5.8: with a ping in between.
        let bytes = frames(&[
            (false, 0x1, b"fragment1"),
            (true, 0x9, b"ping payload"),
            (true, 0x0, b"fragment2"),
        ]);
        assert_eq!(
            run(&bytes),
            ok(vec![
                Event::Ping(Bytes::from_static(b"ping payload")),
                text("fragment1fragment2")
            ])
        );
        // 5.9 - 5.11: a continuation with FIN and nothing to continue.
        let bytes = frames(&[
            (true, 0x0, b"non-continuation payload"),
            (true, 0x1, b"Hello, world!"),
        ]);
        assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        // 5.12 - 5.14: the same without FIN.
        let bytes = frames(&[
            (false, 0x0, b"non-continuation payload"),
            (true, 0x1, b"Hello, world!"),
        ]);
        assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        // 5.15: a complete fragmented message, then a continuation and a new start.
        let bytes = frames(&[
            (false, 0x1, b"fragment1"),
            (true, 0x0, b"fragment2"),
            (false, 0x0, b"fragment3"),
            (true, 0x1, b"fragment4"),
        ]);
        assert_eq!(
            run(&bytes),
            failed(vec![text("fragment1fragment2")], CloseCode::PROTOCOL_ERROR)
        );
        // 5.16 - 5.17: continuations first, repeated.
        let bytes = frames(&[
            (false, 0x0, b"fragment1"),
            (false, 0x1, b"fragment2"),
            (true, 0x0, b"fragment3"),
        ]);
        assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        // 5.18: a text start, then another text start.
        let bytes = frames(&[(false, 0x1, b"fragment1"), (true, 0x1, b"fragment2")]);
        assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        // A binary start while a text message is open.
        let bytes = frames(&[(false, 0x1, b"fragment1"), (true, 0x2, b"fragment2")]);
        assert_eq!(run(&bytes), failed(vec![], CloseCode::PROTOCOL_ERROR));
        // 5.19 / 5.20: five fragments with pings after the first and the fourth.
        let bytes = frames(&[
            (false, 0x1, b"fragment1"),
            (true, 0x9, b"pongme 1!"),
            (false, 0x0, b"fragment2"),
            (false, 0x0, b"fragment3"),
            (false, 0x0, b"fragment4"),
            (true, 0x9, b"pongme 2!"),
            (true, 0x0, b"fragment5"),
        ]);
        assert_eq!(
            run(&bytes),
            ok(vec![
                Event::Ping(Bytes::from_static(b"pongme 1!")),
                Event::Ping(Bytes::from_static(b"pongme 2!")),
                text("fragment1fragment2fragment3fragment4fragment5"),
            ])
        );
        // Binary fragments, empty ones included.
        let bytes = frames(&[
            (false, 0x2, b""),
            (false, 0x0, b"\x00\x01"),
            (false, 0x0, b""),
            (true, 0x0, b"\x02"),
        ]);
        assert_eq!(
            run(&bytes),
            ok(vec![Event::Binary(Bytes::from_static(b"\x00\x01\x02"))])
        );
    }

    // --- 6.x UTF-8 ---

    const KOSME: &[u8] = b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";
    const INVALID: &[u8] =
        b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64";

    /// The message as frames of `size` payload bytes.
    fn fragmented_text(payload: &[u8], size: usize) -> Vec<u8> {
        let chunks: Vec<&[u8]> = payload.chunks(size).collect();
        let mut bytes = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let opcode = if i == 0 { 0x1 } else { 0x0 };
            bytes.extend(client_frame(i + 1 == chunks.len(), 0, opcode, chunk));
        }
        bytes
    }

    #[test]
    fn utf8_6_x() {
        // 6.1: empty text, empty fragments.
        assert_eq!(run(&client_frame(true, 0, 0x1, b"")), ok(vec![text("")]));
        let bytes = frames(&[(false, 0x1, b""), (false, 0x0, b""), (true, 0x0, b"")]);
        assert_eq!(run(&bytes), ok(vec![text("")]));
        // 6.2 / 6.3 / 6.5 - 6.23: valid and invalid texts, whole and fragmented at every size.
        let valid: &[&[u8]] = &[
            b"Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!",
            KOSME,
            b"\xf0\x90\x80\x80",
            b"\xf4\x8f\xbf\xbf",
            b"\xef\xbf\xbe\xef\xbf\xbf",
        ];
        for payload in valid {
            let expected = ok(vec![text(std::str::from_utf8(payload).unwrap())]);
            for size in 1..=payload.len() {
                assert_eq!(
                    run(&fragmented_text(payload, size)),
                    expected,
                    "{payload:02x?} / {size}"
                );
            }
        }
        let invalid: &[&[u8]] = &[
            INVALID,
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74\x65\x64",
            b"\x80",
            b"\xc0\xaf",
            b"\xed\xa0\x80\xed\xb0\x80",
            b"\xf8\x88\x80\x80\x80",
            // Truncated at the end of the message.
            b"abc\xe2\x82",
        ];
        for payload in invalid {
            for size in 1..=payload.len() {
                assert_eq!(
                    run(&fragmented_text(payload, size)),
                    failed(vec![], CloseCode::INVALID_PAYLOAD),
                    "{payload:02x?} / {size}"
                );
            }
        }
    }

    #[test]
    fn utf8_fail_fast_6_4() {
        // 6.4.1: three fragments, the second invalid: fails before the third arrives.
        let first = client_frame(false, 0, 0x1, KOSME);
        let second = client_frame(false, 0, 0x0, b"\xf4\x90\x80\x80");
        let outcome = run_pieces(&mut plain(), &[&first, &second]);
        assert_eq!(outcome, failed(vec![], CloseCode::INVALID_PAYLOAD));
        // 6.4.2: the fragment ending in F4 passes; the next (90 ...) fails.
        let mut payload = KOSME.to_vec();
        payload.push(0xf4);
        let first = client_frame(false, 0, 0x1, &payload);
        assert_eq!(run_pieces(&mut plain(), &[&first]), ok(vec![]));
        let second = client_frame(false, 0, 0x0, b"\x90\x80\x80");
        assert_eq!(
            run_pieces(&mut plain(), &[&first, &second]),
            failed(vec![], CloseCode::INVALID_PAYLOAD)
        );
        // 6.4.3: one frame sent in chops: fails on the chop with F4 90, frame still incomplete.
        let mut payload = KOSME.to_vec();
        payload.extend_from_slice(b"\xf4\x90\x80\x80");
        payload.extend_from_slice(b"edited");
        let frame = client_frame(true, 0, 0x1, &payload);
        let header = frame.len() - payload.len();
        let chop1 = &frame[..header + KOSME.len()];
        let chop2 = &frame[header + KOSME.len()..header + KOSME.len() + 4];
        assert_eq!(run_pieces(&mut plain(), &[chop1]), ok(vec![]));
        assert_eq!(
            run_pieces(&mut plain(), &[chop1, chop2]),
            failed(vec![], CloseCode::INVALID_PAYLOAD)
        );
        // 6.4.4: the same, with F4 and 90 in different chops.
        let chop2 = &frame[header + KOSME.len()..header + KOSME.len() + 1];
        let chop3 = &frame[header + KOSME.len() + 1..header + KOSME.len() + 2];
        assert_eq!(run_pieces(&mut plain(), &[chop1, chop2]), ok(vec![]));
        assert_eq!(
            run_pieces(&mut plain(), &[chop1, chop2, chop3]),
            failed(vec![], CloseCode::INVALID_PAYLOAD)
        );
    }

    #[test]
    fn invalid_text_after_valid_messages() {
        let mut bytes = client_frame(true, 0, 0x1, KOSME);
        bytes.extend(client_frame(true, 0, 0x1, INVALID));
        assert_eq!(
            run(&bytes),
            failed(
                vec![text(std::str::from_utf8(KOSME).unwrap())],
                CloseCode::INVALID_PAYLOAD
            )
        );
        // Binary messages are not validated.
        assert_eq!(
            run(&client_frame(true, 0, 0x2, INVALID)),
            ok(vec![Event::Binary(Bytes::from_static(INVALID))])
        );
    }

    // --- 7.x close handling ---

    #[test]
    fn close_7_1() {
        // 7.1.1: a text, then a close, echoed.
        let bytes = frames(&[(true, 0x1, b"Hello World!"), (true, 0x8, b"")]);
        let outcome = run(&bytes);
        assert_eq!(outcome, ok(vec![text("Hello World!"), Event::Close(None)]));
        assert_eq!(outcome.events[1].reply(), Some(Reply::Close(None)));
        // 7.1.2 - 7.1.4: anything after the close is ignored.
        for after in [
            (true, 0x8, &b""[..]),
            (true, 0x9, b""),
            (true, 0x1, b"Hello World!"),
            (true, 0x3, b""),
        ] {
            let bytes = frames(&[(true, 0x8, b""), after]);
            assert_eq!(run(&bytes), ok(vec![Event::Close(None)]));
        }
        // 7.1.5: a close in the middle of a fragmented message.
        let bytes = frames(&[
            (false, 0x1, b"fragment1"),
            (true, 0x8, b""),
            (true, 0x0, b"fragment2"),
        ]);
        assert_eq!(run(&bytes), ok(vec![Event::Close(None)]));
        // 7.1.6: a large text, a ping, a close.
        let large = "BAsd7&jh23".repeat(26);
        let bytes = frames(&[
            (true, 0x1, large.as_bytes()),
            (true, 0x9, b""),
            (true, 0x8, b""),
        ]);
        assert_eq!(
            run(&bytes),
            ok(vec![
                Event::Text(large),
                Event::Ping(Bytes::new()),
                Event::Close(None)
            ])
        );
        let mut receiver = plain();
        run_pieces(&mut receiver, &[&client_frame(true, 0, 0x8, b"")]);
        assert!(receiver.is_closed());
        let mut buf = BytesMut::from(&client_frame(true, 0, 0x1, b"late")[..]);
        assert_eq!(receiver.decode(&mut buf), Ok(None));
        assert!(buf.is_empty());
    }

    #[test]
    fn errors_are_sticky() {
        // A continuation without a message fails in the header; decoding on must not panic.
        let bytes = client_frame(true, 0, 0x0, b"payload");
        let mut receiver = plain();
        let mut buf = BytesMut::from(&bytes[..]);
        let error = receiver.decode(&mut buf).unwrap_err();
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
        buf.extend_from_slice(&client_frame(true, 0, 0x1, b"more"));
        assert_eq!(receiver.decode(&mut buf), Err(error));
    }

    #[test]
    fn close_7_3_payloads() {
        // 7.3.1: empty. 7.3.2: one byte. 7.3.3: code only. 7.3.4: code and reason.
        assert_eq!(
            run(&client_frame(true, 0, 0x8, b"")),
            ok(vec![Event::Close(None)])
        );
        assert_eq!(
            run(&client_frame(true, 0, 0x8, b"\x03")),
            failed(vec![], CloseCode::PROTOCOL_ERROR)
        );
        assert_eq!(
            run(&client_frame(true, 0, 0x8, &close_payload(1000, b""))),
            ok(vec![close(1000, "")])
        );
        let outcome = run(&client_frame(
            true,
            0,
            0x8,
            &close_payload(1000, b"Hello World!"),
        ));
        assert_eq!(outcome, ok(vec![close(1000, "Hello World!")]));
        let mut dst = BytesMut::new();
        outcome.events[0].reply().unwrap().encode(&mut dst);
        assert_eq!(
            &dst[..],
            &[&[0x88, 14][..], &close_payload(1000, b"Hello World!")].concat()[..]
        );
        // 7.3.5: the longest reason. 7.3.6: one byte too long.
        let reason = "*".repeat(123);
        assert_eq!(
            run(&client_frame(
                true,
                0,
                0x8,
                &close_payload(1000, reason.as_bytes())
            )),
            ok(vec![close(1000, &reason)])
        );
        assert_eq!(
            run(&client_frame(
                true,
                0,
                0x8,
                &close_payload(1000, &[b'*'; 124])
            )),
            failed(vec![], CloseCode::PROTOCOL_ERROR)
        );
        // 7.5.1: invalid UTF-8 in the reason.
        assert_eq!(
            run(&client_frame(true, 0, 0x8, &close_payload(1000, INVALID))),
            failed(vec![], CloseCode::INVALID_PAYLOAD)
        );
    }

    #[test]
    fn close_codes_7_7_to_7_13() {
        for code in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999,
        ] {
            assert_eq!(
                run(&client_frame(true, 0, 0x8, &close_payload(code, b""))),
                ok(vec![close(code, "")])
            );
        }
        for code in [
            0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
        ] {
            assert_eq!(
                run(&client_frame(true, 0, 0x8, &close_payload(code, b""))),
                failed(vec![], CloseCode::PROTOCOL_ERROR),
                "code {code}"
            );
        }
    }

    // --- 9.x limits ---

    #[test]
    fn limits_9_x() {
        let small = || Receiver::new(1000, None);
        // Exactly at the limit, in one frame and in fragments.
        let payload = vec![b'a'; 1000];
        assert_eq!(
            run_with(&small, &client_frame(true, 0, 0x1, &payload)),
            ok(vec![Event::Text(
                String::from_utf8(payload.clone()).unwrap()
            )])
        );
        assert_eq!(
            run_with(&small, &fragmented_text(&payload, 300)),
            ok(vec![Event::Text(String::from_utf8(payload).unwrap())])
        );
        // One byte over, in one frame and across fragments.
        let payload = vec![b'a'; 1001];
        assert_eq!(
            run_with(&small, &client_frame(true, 0, 0x2, &payload)),
            failed(vec![], CloseCode::MESSAGE_TOO_BIG)
        );
        assert_eq!(
            run_with(&small, &fragmented_text(&payload, 250)),
            failed(vec![], CloseCode::MESSAGE_TOO_BIG)
        );
        // Control frames interleaved do not count.
        let bytes = frames(&[
            (false, 0x2, &[0; 600]),
            (true, 0x9, &[0; 125]),
            (true, 0x0, &[0; 400]),
        ]);
        assert_eq!(run_with(&small, &bytes).events.len(), 2);
    }

    #[test]
    fn too_big_is_detected_from_the_header() {
        // Only the header of a 2^62-byte frame: the error comes before any payload.
        let mut header = vec![0x82, 0x80 | 127];
        header.extend_from_slice(&(1u64 << 62).to_be_bytes());
        header.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(
            run_pieces(&mut plain(), &[&header]),
            failed(vec![], CloseCode::MESSAGE_TOO_BIG)
        );
        // 16 MiB + 1 announced.
        let bytes = client_frame(true, 0, 0x2, &[]);
        let mut header = vec![bytes[0], 0x80 | 127];
        header.extend_from_slice(&(DEFAULT_MAX_MESSAGE_SIZE as u64 + 1).to_be_bytes());
        header.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(
            run_pieces(&mut plain(), &[&header]),
            failed(vec![], CloseCode::MESSAGE_TOO_BIG)
        );
        // A continuation that would push a message over.
        let small = || Receiver::new(100, None);
        let first = client_frame(false, 0, 0x2, &[0; 60]);
        let mut second = vec![0x80, 0x80 | 50];
        second.extend_from_slice(&[1, 2, 3, 4]);
        assert_eq!(
            run_pieces(&mut small(), &[&first, &second]),
            failed(vec![], CloseCode::MESSAGE_TOO_BIG)
        );
    }

    #[test]
    fn large_messages_in_pieces() {
        // 9.1/9.2-style, scaled down: a 256 KiB binary and text, fed in 4 KiB reads, with
        // fragments of various sizes.
        let binary: Vec<u8> = (0..256 * 1024).map(|i| (i % 253) as u8).collect();
        let text_payload = "0123456789abcdef".repeat(16 * 1024);
        for fragment in [64, 4096, 65536, 256 * 1024] {
            for (payload, opcode) in [(&binary[..], 0x2), (text_payload.as_bytes(), 0x1)] {
                let chunks: Vec<&[u8]> = payload.chunks(fragment).collect();
                let mut bytes = Vec::new();
                for (i, chunk) in chunks.iter().enumerate() {
                    bytes.extend(client_frame(
                        i + 1 == chunks.len(),
                        0,
                        if i == 0 { opcode } else { 0 },
                        chunk,
                    ));
                }
                let reads: Vec<&[u8]> = bytes.chunks(4096).collect();
                let outcome = run_pieces(&mut plain(), &reads);
                let expected = if opcode == 0x1 {
                    Event::Text(text_payload.clone())
                } else {
                    Event::Binary(Bytes::copy_from_slice(&binary))
                };
                assert_eq!(outcome, ok(vec![expected]), "fragment {fragment}");
            }
        }
    }

    // --- 12.x / 13.x compression ---

    fn deflate_params(header: &[(&str, Option<&str>)], config: &DeflateConfig) -> DeflateParams {
        let offer = ExtensionOffer {
            name: "permessage-deflate".to_owned(),
            params: header
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
                .collect(),
        };
        negotiate(&[offer], config).unwrap()
    }

    /// A client-side compressor, like Autobahn's.
    struct ClientDeflate {
        inner: Compress,
        no_context_takeover: bool,
    }

    impl ClientDeflate {
        fn new(window_bits: u8, no_context_takeover: bool) -> ClientDeflate {
            ClientDeflate {
                inner: Compress::new_with_window_bits(Compression::default(), false, window_bits),
                no_context_takeover,
            }
        }

        fn compress(&mut self, data: &[u8]) -> Vec<u8> {
            if self.no_context_takeover {
                self.inner.reset();
            }
            let mut out = Vec::with_capacity(data.len() + 64);
            let mut input = data;
            loop {
                out.reserve(1024);
                let before = self.inner.total_in();
                self.inner
                    .compress_vec(input, &mut out, FlushCompress::Sync)
                    .unwrap();
                input = &input[(self.inner.total_in() - before) as usize..];
                if input.is_empty() && out.len() < out.capacity() {
                    break;
                }
            }
            if out.ends_with(&[0, 0, 0xff, 0xff]) {
                out.truncate(out.len() - 4);
            }
            out
        }
    }

    /// A compressed message as client frames of at most `fragment` bytes, RSV1 on the first.
    fn compressed_frames(opcode: u8, compressed: &[u8], fragment: usize) -> Vec<u8> {
        let chunks: Vec<&[u8]> = if compressed.is_empty() {
            vec![&[][..]]
        } else {
            compressed.chunks(fragment).collect()
        };
        let mut bytes = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            let (rsv, op) = if i == 0 { (0b100, opcode) } else { (0, 0) };
            bytes.extend(client_frame(i + 1 == chunks.len(), rsv, op, chunk));
        }
        bytes
    }

    fn sample_text(len: usize, seed: usize) -> String {
        let words = [
            "Hello",
            "WebSocket",
            "κόσμε",
            "compression",
            "ferrapi",
            "\u{1F600}",
        ];
        let mut out = String::new();
        let mut i = seed;
        while out.len() < len {
            out.push_str(words[i % words.len()]);
            out.push(' ');
            i = i.wrapping_mul(31).wrapping_add(7);
        }
        out
    }

    #[test]
    fn compressed_messages_12_and_13() {
        // Offers as in Autobahn 13.1 - 13.6, message sizes as in 12.x (scaled down).
        let offers: &[&[(&str, Option<&str>)]] = &[
            &[],
            &[("client_no_context_takeover", None)],
            &[("client_max_window_bits", Some("9"))],
            &[("client_max_window_bits", Some("15"))],
            &[
                ("client_no_context_takeover", None),
                ("client_max_window_bits", Some("9")),
            ],
            &[
                ("client_no_context_takeover", None),
                ("client_max_window_bits", Some("15")),
            ],
            &[
                ("client_max_window_bits", None),
                ("server_max_window_bits", Some("10")),
            ],
        ];
        for offer in offers {
            let params = deflate_params(offer, &DeflateConfig::default());
            let bits = params.client_max_window_bits.unwrap_or(15);
            let mut client = ClientDeflate::new(bits, params.client_no_context_takeover);
            let mut receiver = Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, Some(&params));
            let mut expected = Vec::new();
            let mut bytes = Vec::new();
            for (i, (len, fragment)) in [
                (16, 1000),
                (64, 7),
                (256, 64),
                (1024, 100),
                (4096, 4096),
                (0, 10),
            ]
            .into_iter()
            .enumerate()
            {
                let message = sample_text(len, i);
                let compressed = client.compress(message.as_bytes());
                let opcode = if i % 2 == 0 { 0x1 } else { 0x2 };
                bytes.extend(compressed_frames(opcode, &compressed, fragment));
                expected.push(if opcode == 0x1 {
                    Event::Text(message)
                } else {
                    Event::Binary(Bytes::from(message.into_bytes()))
                });
                // An uncompressed message in between is allowed (RSV1 clear).
                bytes.extend(client_frame(true, 0, 0x1, b"plain"));
                expected.push(text("plain"));
            }
            let reads: Vec<&[u8]> = bytes.chunks(97).collect();
            assert_eq!(
                run_pieces(&mut receiver, &reads),
                ok(expected),
                "offer {offer:?}"
            );
        }
    }

    #[test]
    fn compressed_single_message_every_split() {
        let params = deflate_params(&[], &DeflateConfig::default());
        let mut client = ClientDeflate::new(15, false);
        let compressed = client.compress("Hello, compressed κόσμε!".as_bytes());
        let bytes = compressed_frames(0x1, &compressed, 5);
        let make = || Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, Some(&params));
        assert_eq!(
            run_with(&make, &bytes),
            ok(vec![text("Hello, compressed κόσμε!")])
        );
    }

    #[test]
    fn compressed_invalid_utf8_and_corrupt_data() {
        let params = deflate_params(&[], &DeflateConfig::default());
        let make = || Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, Some(&params));
        let mut client = ClientDeflate::new(15, true);
        let compressed = client.compress(INVALID);
        assert_eq!(
            run_with(&make, &compressed_frames(0x1, &compressed, 1000)),
            failed(vec![], CloseCode::INVALID_PAYLOAD)
        );
        assert_eq!(
            run_with(&make, &compressed_frames(0x2, &[0xff, 0xff, 0xff], 1000)),
            failed(vec![], CloseCode::PROTOCOL_ERROR)
        );
        // RSV1 on a continuation frame.
        let mut bytes = compressed_frames(0x1, &client.compress(b"ab"), 1);
        bytes.extend(client_frame(true, 0b100, 0x0, b""));
        assert_eq!(
            run_pieces(&mut make(), &[&bytes]).error,
            Some(CloseCode::PROTOCOL_ERROR)
        );
    }

    #[test]
    fn empty_compressed_payload_is_an_empty_message() {
        // What a zlib-based client sends for an empty message with context takeover; the
        // inflater must not be fed the bare trailer (it would read it as a stored block header).
        let params = deflate_params(&[], &DeflateConfig::default());
        let mut client = ClientDeflate::new(15, false);
        let mut bytes = compressed_frames(0x1, &client.compress(b"first"), 100);
        let empty = client.compress(b"");
        assert!(empty.is_empty());
        bytes.extend(compressed_frames(0x1, &empty, 100));
        bytes.extend(compressed_frames(0x1, &client.compress(b"first"), 100));
        let make = || Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, Some(&params));
        assert_eq!(
            run_with(&make, &bytes),
            ok(vec![text("first"), text(""), text("first")])
        );
    }

    #[test]
    fn compression_bomb_is_bounded() {
        // 1 MB of zeros in about 1 KB, against a 10 KB limit.
        let params = deflate_params(&[], &DeflateConfig::default());
        let mut client = ClientDeflate::new(15, true);
        let compressed = client.compress(&vec![0; 1 << 20]);
        assert!(compressed.len() < 2048);
        let bytes = compressed_frames(0x2, &compressed, usize::MAX);
        let outcome = run_pieces(&mut Receiver::new(10 * 1024, Some(&params)), &[&bytes]);
        assert_eq!(outcome, failed(vec![], CloseCode::MESSAGE_TOO_BIG));
        // Split across fragments, the budget spans the whole message.
        let bytes = compressed_frames(0x2, &compressed, 100);
        let outcome = run_pieces(&mut Receiver::new(10 * 1024, Some(&params)), &[&bytes]);
        assert_eq!(outcome, failed(vec![], CloseCode::MESSAGE_TOO_BIG));
    }

    // --- sending, and round trips ---

    /// A receiver that reads server frames back, with the client's view of `params`.
    fn client_view(params: &DeflateParams) -> Receiver {
        let inflater = Inflater::new(
            params.server_max_window_bits.unwrap_or(15).max(9),
            params.server_no_context_takeover,
        );
        Receiver::new(usize::MAX, None).with_inflater(inflater)
    }

    #[test]
    fn encoder_round_trip_uncompressed() {
        let mut encoder = Encoder::new(None);
        let mut dst = BytesMut::new();
        encoder.text(&mut dst, "Hello");
        assert_eq!(&dst[..], &[0x81, 0x05, b'H', b'e', b'l', b'l', b'o']);
        encoder.binary(&mut dst, &[1, 2, 3]);
        encoder.message(
            &mut dst,
            DataKind::Text,
            "fragmented text".as_bytes(),
            Some(4),
        );
        encoder.message(&mut dst, DataKind::Binary, &[], Some(4));
        encode_ping(&mut dst, b"p").unwrap();
        encode_pong(&mut dst, b"q").unwrap();
        assert!(encode_ping(&mut dst.clone(), &[0; 126]).is_err());
        close::encode_close(&mut dst, Some((CloseCode::NORMAL, "done")));
        let mut receiver = Receiver::new(usize::MAX, None).accept_unmasked();
        let mut events = Vec::new();
        assert_eq!(drain(&mut receiver, &mut dst, &mut events), None);
        assert_eq!(
            events,
            vec![
                text("Hello"),
                Event::Binary(Bytes::from_static(&[1, 2, 3])),
                text("fragmented text"),
                Event::Binary(Bytes::new()),
                Event::Ping(Bytes::from_static(b"p")),
                Event::Pong(Bytes::from_static(b"q")),
                close(1000, "done"),
            ]
        );
    }

    #[test]
    fn encoder_fragments() {
        let mut encoder = Encoder::new(None);
        let mut dst = BytesMut::new();
        encoder.message(&mut dst, DataKind::Binary, b"abcdefghij", Some(4));
        // 3 frames: 4 + 4 + 2 bytes; opcodes 2, 0, 0; FIN on the last.
        assert_eq!(
            &dst[..],
            &[
                0x02, 4, b'a', b'b', b'c', b'd', 0x00, 4, b'e', b'f', b'g', b'h', 0x80, 2, b'i',
                b'j'
            ]
        );
    }

    #[test]
    fn encoder_round_trip_compressed() {
        let configs = [
            DeflateConfig::default(),
            DeflateConfig {
                server_no_context_takeover: true,
                ..DeflateConfig::default()
            },
            DeflateConfig {
                server_max_window_bits: 9,
                ..DeflateConfig::default()
            },
            DeflateConfig {
                server_max_window_bits: 12,
                level: 1,
                ..DeflateConfig::default()
            },
        ];
        for config in configs {
            let params = deflate_params(&[], &config);
            let mut encoder = Encoder::new(Some(&params));
            let mut receiver = client_view(&params);
            let mut dst = BytesMut::new();
            let mut expected = Vec::new();
            for (i, len) in [0usize, 10, 200, 5000, 70000].into_iter().enumerate() {
                let message = sample_text(len, i);
                for fragment in [None, Some(3), Some(1000)] {
                    encoder.message(&mut dst, DataKind::Text, message.as_bytes(), fragment);
                    expected.push(Event::Text(message.clone()));
                }
            }
            // The first frame has RSV1.
            assert_eq!(dst[0], 0xC1);
            let mut events = Vec::new();
            assert_eq!(drain(&mut receiver, &mut dst, &mut events), None);
            assert_eq!(events, expected, "{config:?}");
        }
    }

    #[test]
    fn compression_pays_off_with_context_takeover() {
        let params = deflate_params(&[], &DeflateConfig::default());
        let mut encoder = Encoder::new(Some(&params));
        let message = sample_text(1000, 3);
        let mut first = BytesMut::new();
        encoder.text(&mut first, &message);
        let mut second = BytesMut::new();
        encoder.text(&mut second, &message);
        assert!(first.len() < message.len());
        assert!(second.len() < 20, "{}", second.len());
    }

    #[test]
    fn server_window_8_sends_uncompressed() {
        let params = deflate_params(
            &[("server_max_window_bits", Some("8"))],
            &DeflateConfig::default(),
        );
        let mut encoder = Encoder::new(Some(&params));
        let mut dst = BytesMut::new();
        encoder.text(&mut dst, "Hello");
        assert_eq!(&dst[..], &[0x81, 0x05, b'H', b'e', b'l', b'l', b'o']);
        // The client may still compress towards us.
        let mut client = ClientDeflate::new(15, false);
        let bytes = compressed_frames(0x1, &client.compress(b"Hello"), 100);
        let mut receiver = Receiver::new(DEFAULT_MAX_MESSAGE_SIZE, Some(&params));
        assert_eq!(
            run_pieces(&mut receiver, &[&bytes]),
            ok(vec![text("Hello")])
        );
    }

    #[test]
    fn masked_with_various_keys() {
        for key in [[0, 0, 0, 0], [0xff, 0xff, 0xff, 0xff], [1, 2, 3, 4]] {
            let bytes = client_frame_with_key(true, 0, 0x1, KOSME, key);
            assert_eq!(
                run(&bytes),
                ok(vec![text(std::str::from_utf8(KOSME).unwrap())])
            );
        }
    }
}
