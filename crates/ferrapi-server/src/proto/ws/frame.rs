//! Frames (RFC 6455 §5.2): the incremental parser for client frames and the encoder for server
//! frames.
//!
//! [`FrameDecoder`] reads from the connection's `BytesMut` and yields a [`FrameEvent::Header`]
//! as soon as a header is complete and valid, then the payload as [`FrameEvent::Payload`]
//! chunks, unmasked in place, as the bytes arrive (a control frame's payload, at most 125
//! bytes, comes as one chunk). Emitting the header first lets the message layer reject a frame
//! that is too big (1009) or out of sequence (1002) before its payload is buffered, and
//! streaming the payload lets a text message fail on invalid UTF-8 before the frame ends.
//!
//! Header checks (all close with 1002): reserved opcodes (3-7, 0xB-0xF); RSV2/RSV3 (no
//! extension we negotiate uses them); RSV1 unless permessage-deflate was negotiated, and then
//! only on a text or binary frame (the first frame of a message: never on a continuation or a
//! control frame, RFC 7692 §6); fragmented control frames and control payloads over 125 bytes
//! (§5.5); unmasked frames (§5.1: a server MUST close on an unmasked client frame); a 64-bit
//! length with the most significant bit set (§5.2).
//!
//! Non-minimal lengths (e.g. a 5-byte payload announced with the 16-bit form) are accepted.
//! §5.2 says "the minimal number of bytes MUST be used to encode the length", a requirement on
//! the sender; it names no receiver behaviour, the length is unambiguous either way, Autobahn
//! does not test it, and websockets (uvicorn's WebSocket stack) accepts them too. Our own frames
//! always use the minimal form.

use bytes::{Buf, BufMut, BytesMut};

use super::close::CloseCode;
use super::mask::apply_mask;
use super::ProtocolError;

/// A frame opcode (RFC 6455 §5.2, §11.8); the reserved values never get this far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpCode {
    /// 0x0: a continuation fragment of a data message.
    Continuation,
    /// 0x1: the first frame of a text message.
    Text,
    /// 0x2: the first frame of a binary message.
    Binary,
    /// 0x8: close.
    Close,
    /// 0x9: ping.
    Ping,
    /// 0xA: pong.
    Pong,
}

impl OpCode {
    /// The opcode for a 4-bit value, `None` for the reserved ones.
    pub(crate) fn from_bits(bits: u8) -> Option<OpCode> {
        match bits {
            0x0 => Some(OpCode::Continuation),
            0x1 => Some(OpCode::Text),
            0x2 => Some(OpCode::Binary),
            0x8 => Some(OpCode::Close),
            0x9 => Some(OpCode::Ping),
            0xA => Some(OpCode::Pong),
            _ => None,
        }
    }

    /// The 4-bit wire value.
    pub(crate) fn bits(self) -> u8 {
        match self {
            OpCode::Continuation => 0x0,
            OpCode::Text => 0x1,
            OpCode::Binary => 0x2,
            OpCode::Close => 0x8,
            OpCode::Ping => 0x9,
            OpCode::Pong => 0xA,
        }
    }

    /// Close, ping and pong.
    pub(crate) fn is_control(self) -> bool {
        matches!(self, OpCode::Close | OpCode::Ping | OpCode::Pong)
    }
}

/// A parsed, validated frame header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FrameHeader {
    /// The final fragment of a message.
    pub(crate) fin: bool,
    /// RSV1: the message is compressed (only with permessage-deflate, only on its first frame).
    pub(crate) rsv1: bool,
    /// The opcode.
    pub(crate) opcode: OpCode,
    /// The masking key; `None` only when unmasked frames are accepted (tests).
    pub(crate) mask: Option<[u8; 4]>,
    /// The payload length.
    pub(crate) payload_len: u64,
}

/// What [`FrameDecoder::decode`] produced.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FrameEvent {
    /// A complete, valid header; its payload follows.
    Header(FrameHeader),
    /// The next piece of the current frame's payload, unmasked. `end` marks its last piece
    /// (a zero-length payload is one empty piece with `end`).
    Payload {
        /// The bytes.
        data: BytesMut,
        /// The frame's payload is complete.
        end: bool,
    },
}

#[derive(Debug)]
enum State {
    Header,
    Payload {
        remaining: u64,
        mask: Option<[u8; 4]>,
        /// Payload bytes already handed out (the masking key's phase).
        offset: usize,
        control: bool,
    },
}

/// The incremental parser for client frames.
#[derive(Debug)]
pub(crate) struct FrameDecoder {
    state: State,
    rsv1_allowed: bool,
    require_mask: bool,
}

impl FrameDecoder {
    /// A parser for client frames; `rsv1_allowed` when permessage-deflate was negotiated.
    pub(crate) fn new(rsv1_allowed: bool) -> FrameDecoder {
        FrameDecoder {
            state: State::Header,
            rsv1_allowed,
            require_mask: true,
        }
    }

    /// Also accepts unmasked frames, to parse the server's own frames back in tests.
    #[cfg(test)]
    pub(crate) fn accept_unmasked(mut self) -> FrameDecoder {
        self.require_mask = false;
        self
    }

    /// Whether the parser sits between frames (no header or payload half-read).
    #[cfg(test)]
    pub(crate) fn is_between_frames(&self) -> bool {
        matches!(self.state, State::Header)
    }

    /// Consumes what it can from `buf`: `Ok(None)` when more bytes are needed.
    pub(crate) fn decode(
        &mut self,
        buf: &mut BytesMut,
    ) -> Result<Option<FrameEvent>, ProtocolError> {
        match &mut self.state {
            State::Header => {
                let Some((header, len)) = parse_header(buf, self.rsv1_allowed, self.require_mask)?
                else {
                    return Ok(None);
                };
                buf.advance(len);
                self.state = State::Payload {
                    remaining: header.payload_len,
                    mask: header.mask,
                    offset: 0,
                    control: header.opcode.is_control(),
                };
                Ok(Some(FrameEvent::Header(header)))
            }
            State::Payload {
                remaining,
                mask,
                offset,
                control,
            } => {
                let available = buf.len() as u64;
                if *remaining > 0 && (available == 0 || (*control && available < *remaining)) {
                    return Ok(None);
                }
                // Fits in usize: bounded by `buf.len()`.
                let take = (*remaining).min(available) as usize;
                let mut data = buf.split_to(take);
                if let Some(key) = *mask {
                    apply_mask(&mut data, key, *offset);
                }
                *remaining -= take as u64;
                *offset = offset.wrapping_add(take);
                let end = *remaining == 0;
                if end {
                    self.state = State::Header;
                }
                Ok(Some(FrameEvent::Payload { data, end }))
            }
        }
    }
}

fn protocol_error(reason: &'static str) -> ProtocolError {
    ProtocolError::new(CloseCode::PROTOCOL_ERROR, reason)
}

/// Parses a header at the start of `buf`: the header and its length, `None` if incomplete.
/// Each check runs as soon as the bytes it needs are there, so a bad first byte fails at once.
fn parse_header(
    buf: &[u8],
    rsv1_allowed: bool,
    require_mask: bool,
) -> Result<Option<(FrameHeader, usize)>, ProtocolError> {
    let Some(&b0) = buf.first() else {
        return Ok(None);
    };
    let fin = b0 & 0x80 != 0;
    let rsv1 = b0 & 0x40 != 0;
    let opcode = OpCode::from_bits(b0 & 0x0F).ok_or_else(|| protocol_error("reserved opcode"))?;
    if b0 & 0x30 != 0 {
        return Err(protocol_error("reserved bits RSV2/RSV3 set"));
    }
    if rsv1 {
        if !rsv1_allowed {
            return Err(protocol_error("reserved bit RSV1 set without an extension"));
        }
        if !matches!(opcode, OpCode::Text | OpCode::Binary) {
            return Err(protocol_error(
                "RSV1 set on a control or continuation frame",
            ));
        }
    }
    if opcode.is_control() && !fin {
        return Err(protocol_error("fragmented control frame"));
    }
    let Some(&b1) = buf.get(1) else {
        return Ok(None);
    };
    let masked = b1 & 0x80 != 0;
    let len7 = b1 & 0x7F;
    if opcode.is_control() && len7 > 125 {
        return Err(protocol_error(
            "control frame payload longer than 125 bytes",
        ));
    }
    if !masked && require_mask {
        return Err(protocol_error("unmasked client frame"));
    }
    let (payload_len, mut pos) = match len7 {
        126 => {
            let Some(bytes) = buf.get(2..4) else {
                return Ok(None);
            };
            (u64::from(u16::from_be_bytes([bytes[0], bytes[1]])), 4)
        }
        127 => {
            let Some(bytes) = buf.get(2..10) else {
                return Ok(None);
            };
            let mut array = [0u8; 8];
            array.copy_from_slice(bytes);
            let len = u64::from_be_bytes(array);
            if len >> 63 != 0 {
                return Err(protocol_error(
                    "payload length with the most significant bit set",
                ));
            }
            (len, 10)
        }
        len => (u64::from(len), 2),
    };
    let mask = if masked {
        let Some(bytes) = buf.get(pos..pos + 4) else {
            return Ok(None);
        };
        pos += 4;
        Some([bytes[0], bytes[1], bytes[2], bytes[3]])
    } else {
        None
    };
    let header = FrameHeader {
        fin,
        rsv1,
        opcode,
        mask,
        payload_len,
    };
    Ok(Some((header, pos)))
}

/// Appends a server (unmasked) frame header for a payload of `payload_len` bytes, with the
/// minimal length form. The payload can then be appended, or written after it (vectored).
pub(crate) fn encode_header(
    dst: &mut BytesMut,
    fin: bool,
    rsv1: bool,
    opcode: OpCode,
    payload_len: usize,
) {
    let b0 = (u8::from(fin) << 7) | (u8::from(rsv1) << 6) | opcode.bits();
    dst.reserve(10 + payload_len);
    dst.put_u8(b0);
    if payload_len <= 125 {
        dst.put_u8(payload_len as u8);
    } else if let Ok(len) = u16::try_from(payload_len) {
        dst.put_u8(126);
        dst.put_u16(len);
    } else {
        dst.put_u8(127);
        dst.put_u64(payload_len as u64);
    }
}

/// Appends one complete server frame.
pub(crate) fn encode_frame(
    dst: &mut BytesMut,
    fin: bool,
    rsv1: bool,
    opcode: OpCode,
    payload: &[u8],
) {
    encode_header(dst, fin, rsv1, opcode, payload.len());
    dst.put_slice(payload);
}

/// A control frame payload longer than 125 bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ControlTooLong;

/// Appends a ping or pong frame; the payload must fit 125 bytes.
pub(crate) fn encode_control(
    dst: &mut BytesMut,
    opcode: OpCode,
    payload: &[u8],
) -> Result<(), ControlTooLong> {
    debug_assert!(opcode.is_control());
    if payload.len() > 125 {
        return Err(ControlTooLong);
    }
    encode_frame(dst, true, false, opcode, payload);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_util::{client_frame, client_frame_with_len, KEY};
    use super::*;

    fn decode_all(
        decoder: &mut FrameDecoder,
        buf: &mut BytesMut,
    ) -> Result<Vec<FrameEvent>, ProtocolError> {
        let mut events = Vec::new();
        while let Some(event) = decoder.decode(buf)? {
            events.push(event);
        }
        Ok(events)
    }

    /// Decodes `bytes` fed in two pieces split at `at`, merging payload chunks per frame:
    /// the list of (header, payload) pairs, or the error.
    fn frames_split(
        bytes: &[u8],
        at: usize,
        deflate: bool,
    ) -> Result<Vec<(FrameHeader, Vec<u8>)>, ProtocolError> {
        let mut decoder = FrameDecoder::new(deflate);
        let mut buf = BytesMut::new();
        let mut frames: Vec<(FrameHeader, Vec<u8>)> = Vec::new();
        for piece in [&bytes[..at], &bytes[at..]] {
            buf.extend_from_slice(piece);
            for event in decode_all(&mut decoder, &mut buf)? {
                match event {
                    FrameEvent::Header(header) => frames.push((header, Vec::new())),
                    FrameEvent::Payload { data, .. } => {
                        frames.last_mut().unwrap().1.extend_from_slice(&data)
                    }
                }
            }
        }
        assert!(buf.is_empty());
        Ok(frames)
    }

    /// Every split position gives the same frames as one piece.
    fn frames(bytes: &[u8]) -> Result<Vec<(FrameHeader, Vec<u8>)>, ProtocolError> {
        let whole = frames_split(bytes, bytes.len(), false);
        let step = if bytes.len() > 300 { 97 } else { 1 };
        for at in (0..bytes.len()).step_by(step) {
            assert_eq!(frames_split(bytes, at, false), whole, "split at {at}");
        }
        whole
    }

    fn first_error(bytes: &[u8], deflate: bool) -> ProtocolError {
        frames_split(bytes, bytes.len(), deflate).unwrap_err()
    }

    #[test]
    fn rfc_examples() {
        // RFC 6455 §5.7: a single-frame masked text message "Hello".
        let bytes = [
            0x81, 0x85, 0x37, 0xfa, 0x21, 0x3d, 0x7f, 0x9f, 0x4d, 0x51, 0x58,
        ];
        let parsed = frames(&bytes).unwrap();
        assert_eq!(parsed.len(), 1);
        let (header, payload) = &parsed[0];
        assert!(header.fin);
        assert_eq!(header.opcode, OpCode::Text);
        assert_eq!(header.mask, Some(KEY));
        assert_eq!(payload, b"Hello");

        // The unmasked server frames of §5.7, from the encoder.
        let mut dst = BytesMut::new();
        encode_frame(&mut dst, true, false, OpCode::Text, b"Hello");
        assert_eq!(&dst[..], &[0x81, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
        let mut dst = BytesMut::new();
        encode_frame(&mut dst, false, false, OpCode::Text, b"Hel");
        encode_frame(&mut dst, true, false, OpCode::Continuation, b"lo");
        assert_eq!(
            &dst[..],
            &[0x01, 0x03, 0x48, 0x65, 0x6c, 0x80, 0x02, 0x6c, 0x6f]
        );
        let mut dst = BytesMut::new();
        encode_control(&mut dst, OpCode::Ping, b"Hello").unwrap();
        assert_eq!(&dst[..], &[0x89, 0x05, 0x48, 0x65, 0x6c, 0x6c, 0x6f]);
    }

    #[test]
    fn payload_lengths_1_1_and_1_2() {
        // Autobahn 1.1.x / 1.2.x: lengths across the 7/16/64-bit boundaries.
        for len in [0usize, 1, 125, 126, 127, 128, 65535, 65536] {
            for opcode in [0x1, 0x2] {
                let payload: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
                let bytes = client_frame(true, 0, opcode, &payload);
                let parsed = frames(&bytes).unwrap();
                assert_eq!(parsed.len(), 1, "len {len}");
                assert_eq!(parsed[0].0.payload_len, len as u64);
                assert_eq!(parsed[0].1, payload, "len {len}");
            }
        }
    }

    #[test]
    fn header_arrives_byte_by_byte() {
        let payload = vec![b'x'; 300];
        let bytes = client_frame(true, 0, 0x2, &payload);
        let mut decoder = FrameDecoder::new(false);
        let mut buf = BytesMut::new();
        // 2 bytes + 2 length bytes + 4 key bytes: nothing before the 8th byte.
        for (i, byte) in bytes[..8].iter().enumerate() {
            buf.put_u8(*byte);
            let event = decoder.decode(&mut buf).unwrap();
            if i < 7 {
                assert_eq!(event, None, "byte {i}");
                assert!(decoder.is_between_frames());
            } else {
                assert!(matches!(event, Some(FrameEvent::Header(_))));
            }
        }
        assert_eq!(decoder.decode(&mut buf).unwrap(), None);
        // The payload streams out in the pieces it arrives in, unmasked with the right phase.
        let mut collected = Vec::new();
        for piece in bytes[8..].chunks(7) {
            buf.extend_from_slice(piece);
            match decoder.decode(&mut buf).unwrap() {
                Some(FrameEvent::Payload { data, end }) => {
                    collected.extend_from_slice(&data);
                    assert_eq!(end, collected.len() == payload.len());
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(collected, payload);
        assert!(decoder.is_between_frames());
    }

    #[test]
    fn control_payload_comes_whole() {
        let bytes = client_frame(true, 0, 0x9, b"ping payload");
        let mut decoder = FrameDecoder::new(false);
        let mut buf = BytesMut::from(&bytes[..bytes.len() - 1]);
        assert!(matches!(
            decoder.decode(&mut buf),
            Ok(Some(FrameEvent::Header(_)))
        ));
        assert_eq!(decoder.decode(&mut buf), Ok(None));
        buf.extend_from_slice(&bytes[bytes.len() - 1..]);
        match decoder.decode(&mut buf).unwrap() {
            Some(FrameEvent::Payload { data, end: true }) => assert_eq!(&data[..], b"ping payload"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn empty_payload_is_one_empty_end_chunk() {
        let bytes = client_frame(true, 0, 0x1, b"");
        let mut decoder = FrameDecoder::new(false);
        let mut buf = BytesMut::from(&bytes[..]);
        let events = decode_all(&mut decoder, &mut buf).unwrap();
        assert_eq!(events.len(), 2);
        assert_eq!(
            events[1],
            FrameEvent::Payload {
                data: BytesMut::new(),
                end: true
            }
        );
    }

    #[test]
    fn non_minimal_lengths_are_accepted() {
        // 5 bytes announced with the 16-bit and the 64-bit forms.
        for len_form in [126u8, 127] {
            let bytes = client_frame_with_len(true, 0, 0x1, b"Hello", len_form);
            let parsed = frames(&bytes).unwrap();
            assert_eq!(parsed[0].1, b"Hello");
        }
    }

    #[test]
    fn reserved_opcodes_4_1_and_4_2() {
        for opcode in [3u8, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF] {
            let error = first_error(&client_frame(true, 0, opcode, b"reserved"), false);
            assert_eq!(error.code, CloseCode::PROTOCOL_ERROR, "opcode {opcode}");
            // Detected from the first byte alone.
            let mut decoder = FrameDecoder::new(false);
            let mut buf = BytesMut::from(&[0x80 | opcode][..]);
            assert!(decoder.decode(&mut buf).is_err());
        }
    }

    #[test]
    fn reserved_bits_3_x() {
        // RSV2 and RSV3 are never allowed; RSV1 only with deflate, and only on text/binary.
        for (rsv, opcode, deflate, ok) in [
            (0b100, 0x1, false, false),
            (0b010, 0x1, false, false),
            (0b001, 0x2, false, false),
            (0b011, 0x9, false, false),
            (0b111, 0x8, false, false),
            (0b010, 0x1, true, false),
            (0b001, 0x1, true, false),
            (0b100, 0x1, true, true),
            (0b100, 0x2, true, true),
            (0b100, 0x0, true, false),
            (0b100, 0x9, true, false),
            (0b100, 0xA, true, false),
            (0b100, 0x8, true, false),
        ] {
            let bytes = client_frame(true, rsv, opcode, b"");
            let result = frames_split(&bytes, bytes.len(), deflate);
            assert_eq!(
                result.is_ok(),
                ok,
                "rsv {rsv:03b} opcode {opcode} deflate {deflate}"
            );
            if let Err(error) = result {
                assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
            }
        }
    }

    #[test]
    fn control_frame_rules() {
        // 5.1 / 5.2: fragmented ping and pong; also a fragmented close.
        for opcode in [0x8, 0x9, 0xA] {
            let error = first_error(&client_frame(false, 0, opcode, b"frag"), false);
            assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
        }
        // 2.4 / 2.5: 125 bytes is fine, 126 is not (detected from the length byte).
        assert!(frames(&client_frame(true, 0, 0x9, &[0xfe; 125])).is_ok());
        let error = first_error(&client_frame(true, 0, 0x9, &[0xfe; 126]), false);
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
        let mut decoder = FrameDecoder::new(false);
        let mut buf = BytesMut::from(&[0x89, 0x80 | 126][..]);
        assert!(decoder.decode(&mut buf).is_err());
    }

    #[test]
    fn unmasked_client_frame() {
        let error = first_error(&[0x81, 0x05, b'H', b'e', b'l', b'l', b'o'], false);
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
        assert_eq!(error.reason, "unmasked client frame");
    }

    #[test]
    fn length_with_high_bit() {
        let mut bytes = vec![0x82, 0x80 | 127];
        bytes.extend_from_slice(&(1u64 << 63).to_be_bytes());
        bytes.extend_from_slice(&KEY);
        let error = first_error(&bytes, false);
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
        // The largest legal length parses (the message layer then says 1009).
        let mut bytes = vec![0x82, 0x80 | 127];
        bytes.extend_from_slice(&(u64::MAX >> 1).to_be_bytes());
        bytes.extend_from_slice(&KEY);
        let mut decoder = FrameDecoder::new(false);
        let mut buf = BytesMut::from(&bytes[..]);
        match decoder.decode(&mut buf).unwrap() {
            Some(FrameEvent::Header(header)) => assert_eq!(header.payload_len, u64::MAX >> 1),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn several_frames_in_one_buffer() {
        let mut bytes = client_frame(false, 0, 0x1, b"fragment1");
        bytes.extend(client_frame(true, 0, 0x9, b""));
        bytes.extend(client_frame(true, 0, 0x0, b"fragment2"));
        let parsed = frames(&bytes).unwrap();
        let summary: Vec<_> = parsed
            .iter()
            .map(|(h, p)| (h.fin, h.opcode, p.clone()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (false, OpCode::Text, b"fragment1".to_vec()),
                (true, OpCode::Ping, Vec::new()),
                (true, OpCode::Continuation, b"fragment2".to_vec()),
            ]
        );
    }

    #[test]
    fn encoder_uses_minimal_lengths() {
        for (len, header_len, marker) in [
            (0usize, 2usize, 0u8),
            (125, 2, 125),
            (126, 4, 126),
            (65535, 4, 126),
            (65536, 10, 127),
        ] {
            let payload = vec![7u8; len];
            let mut dst = BytesMut::new();
            encode_frame(&mut dst, true, false, OpCode::Binary, &payload);
            assert_eq!(dst.len(), header_len + len, "len {len}");
            assert_eq!(dst[0], 0x82);
            assert_eq!(dst[1], marker, "len {len}");
            // Round trip through the parser.
            let mut decoder = FrameDecoder::new(false).accept_unmasked();
            let events = decode_all(&mut decoder, &mut dst).unwrap();
            match &events[..] {
                [FrameEvent::Header(h), FrameEvent::Payload { data, end: true }] => {
                    assert_eq!(h.payload_len, len as u64);
                    assert_eq!(h.mask, None);
                    assert_eq!(&data[..], &payload[..]);
                }
                other => panic!("unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn encoder_flags() {
        let mut dst = BytesMut::new();
        encode_frame(&mut dst, true, true, OpCode::Text, b"x");
        encode_frame(&mut dst, false, true, OpCode::Binary, b"y");
        encode_frame(&mut dst, true, false, OpCode::Continuation, b"z");
        encode_control(&mut dst, OpCode::Pong, b"").unwrap();
        assert_eq!(dst[0], 0xC1);
        assert_eq!(dst[3], 0x42);
        assert_eq!(dst[6], 0x80);
        assert_eq!(dst[9], 0x8A);
        assert_eq!(
            encode_control(&mut dst, OpCode::Ping, &[0; 126]),
            Err(ControlTooLong)
        );
        let mut decoder = FrameDecoder::new(true).accept_unmasked();
        let events = decode_all(&mut decoder, &mut dst).unwrap();
        assert_eq!(events.len(), 8);
    }
}
