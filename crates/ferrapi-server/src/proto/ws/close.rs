//! Close frames (RFC 6455 §5.5.1, §7.4): status codes, payload parsing and encoding.
//!
//! Valid codes on the wire: 1000-1003 and 1007-1011 (RFC 6455 §7.4.1), 1012 Service Restart,
//! 1013 Try Again Later and 1014 Bad Gateway (registered in the IANA "WebSocket Close Code
//! Number Registry" after the RFC; websockets accepts them too, and the current Autobahn
//! TestSuite lists none of them as invalid), and 3000-4999 (libraries and applications).
//! Invalid, so a close carrying one fails the connection with 1002: 0-999, 1004 (reserved),
//! 1005, 1006 and 1015 (never sent on the wire: "no status", "abnormal closure", "TLS
//! failure"), 1016-2999 (reserved for future RFCs) and 5000 and above.

use bytes::{BufMut, BytesMut};

use super::frame::{self, OpCode};
use super::ProtocolError;

/// A WebSocket close status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct CloseCode(pub(crate) u16);

// The registry of codes is kept whole for reference and tests, though the server only sends
// some of them itself.
#[allow(dead_code)]
impl CloseCode {
    /// 1000: the purpose of the connection has been fulfilled.
    pub(crate) const NORMAL: CloseCode = CloseCode(1000);
    /// 1001: the endpoint is going away (server shutdown, page navigation).
    pub(crate) const GOING_AWAY: CloseCode = CloseCode(1001);
    /// 1002: the peer broke the protocol.
    pub(crate) const PROTOCOL_ERROR: CloseCode = CloseCode(1002);
    /// 1003: a data type the endpoint cannot accept.
    pub(crate) const UNSUPPORTED_DATA: CloseCode = CloseCode(1003);
    /// 1005: no status code was present (never on the wire; what a code-less close means).
    pub(crate) const NO_STATUS: CloseCode = CloseCode(1005);
    /// 1006: closed without a close frame (never on the wire).
    pub(crate) const ABNORMAL: CloseCode = CloseCode(1006);
    /// 1007: message data inconsistent with its type (text that is not UTF-8).
    pub(crate) const INVALID_PAYLOAD: CloseCode = CloseCode(1007);
    /// 1008: a message that violates the endpoint's policy.
    pub(crate) const POLICY_VIOLATION: CloseCode = CloseCode(1008);
    /// 1009: a message too big to process.
    pub(crate) const MESSAGE_TOO_BIG: CloseCode = CloseCode(1009);
    /// 1010: the client expected an extension the server did not negotiate.
    pub(crate) const MANDATORY_EXTENSION: CloseCode = CloseCode(1010);
    /// 1011: the server hit an unexpected condition.
    pub(crate) const INTERNAL_ERROR: CloseCode = CloseCode(1011);
    /// 1012: the service is restarting (uvicorn sends it on shutdown).
    pub(crate) const SERVICE_RESTART: CloseCode = CloseCode(1012);
    /// 1013: try again later.
    pub(crate) const TRY_AGAIN_LATER: CloseCode = CloseCode(1013);

    /// Whether the code may appear in a close frame (received or sent).
    pub(crate) fn is_valid_on_wire(self) -> bool {
        matches!(self.0, 1000..=1003 | 1007..=1014 | 3000..=4999)
    }
}

/// The decoded payload of a close frame that carried a status code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CloseFrame {
    /// The status code.
    pub(crate) code: CloseCode,
    /// The reason, possibly empty.
    pub(crate) reason: String,
}

/// The longest reason that fits a close frame: 125 bytes of control payload minus the code.
pub(crate) const MAX_REASON_LEN: usize = 123;

/// Parses and validates a received close payload: empty is a close without a status
/// (`Ok(None)`); one byte, or an invalid code, is a protocol error (1002); a reason that is not
/// UTF-8 is 1007. The payload length (at most 125) is checked by the frame parser.
pub(crate) fn parse_close_payload(payload: &[u8]) -> Result<Option<CloseFrame>, ProtocolError> {
    match payload {
        [] => Ok(None),
        [_] => Err(ProtocolError::new(
            CloseCode::PROTOCOL_ERROR,
            "close frame with a 1-byte payload",
        )),
        [hi, lo, reason @ ..] => {
            let code = CloseCode(u16::from_be_bytes([*hi, *lo]));
            if !code.is_valid_on_wire() {
                return Err(ProtocolError::new(
                    CloseCode::PROTOCOL_ERROR,
                    "invalid close code",
                ));
            }
            let reason = std::str::from_utf8(reason).map_err(|_| {
                ProtocolError::new(CloseCode::INVALID_PAYLOAD, "invalid UTF-8 in close reason")
            })?;
            Ok(Some(CloseFrame {
                code,
                reason: reason.to_owned(),
            }))
        }
    }
}

/// `reason` cut to at most [`MAX_REASON_LEN`] bytes, at a character boundary.
pub(crate) fn truncate_reason(reason: &str) -> &str {
    if reason.len() <= MAX_REASON_LEN {
        return reason;
    }
    let mut end = MAX_REASON_LEN;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    &reason[..end]
}

/// Appends a close frame to `dst`: with `Some((code, reason))` the code and the reason
/// (truncated to fit, see [`truncate_reason`]), with `None` an empty payload.
pub(crate) fn encode_close(dst: &mut BytesMut, close: Option<(CloseCode, &str)>) {
    match close {
        None => frame::encode_frame(dst, true, false, OpCode::Close, &[]),
        Some((code, reason)) => {
            let reason = truncate_reason(reason);
            frame::encode_header(dst, true, false, OpCode::Close, 2 + reason.len());
            dst.put_u16(code.0);
            dst.put_slice(reason.as_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payload(code: u16, reason: &[u8]) -> Vec<u8> {
        let mut out = code.to_be_bytes().to_vec();
        out.extend_from_slice(reason);
        out
    }

    #[test]
    fn empty_and_one_byte() {
        assert_eq!(parse_close_payload(&[]), Ok(None));
        let error = parse_close_payload(&[0x03]).unwrap_err();
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
    }

    #[test]
    fn valid_codes() {
        // Autobahn 7.7.x, plus 1012-1014 from the IANA registry.
        for code in [
            1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999,
            4000, 4999,
        ] {
            let parsed = parse_close_payload(&payload(code, b"")).unwrap().unwrap();
            assert_eq!(parsed.code, CloseCode(code));
            assert_eq!(parsed.reason, "");
        }
    }

    #[test]
    fn invalid_codes() {
        // Autobahn 7.9.x and 7.13.x, plus the rest of the reserved ranges' edges.
        for code in [
            0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535,
        ] {
            let error = parse_close_payload(&payload(code, b"")).unwrap_err();
            assert_eq!(error.code, CloseCode::PROTOCOL_ERROR, "code {code}");
        }
    }

    #[test]
    fn reasons() {
        // 7.3.4 / 7.3.5: a reason, and the longest one.
        let parsed = parse_close_payload(&payload(1000, b"Hello World!"))
            .unwrap()
            .unwrap();
        assert_eq!(parsed.reason, "Hello World!");
        let long = "*".repeat(123);
        let parsed = parse_close_payload(&payload(1000, long.as_bytes()))
            .unwrap()
            .unwrap();
        assert_eq!(parsed.reason, long);
        // 7.5.1: invalid UTF-8 in the reason.
        let bad =
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64";
        let error = parse_close_payload(&payload(1000, bad)).unwrap_err();
        assert_eq!(error.code, CloseCode::INVALID_PAYLOAD);
    }

    #[test]
    fn truncation_at_char_boundary() {
        assert_eq!(truncate_reason("short"), "short");
        let exact = "a".repeat(123);
        assert_eq!(truncate_reason(&exact), exact);
        let ascii = "b".repeat(200);
        assert_eq!(truncate_reason(&ascii).len(), 123);
        // 'é' is 2 bytes: 61 of them is 122 bytes, the 62nd would end at byte 124.
        let accents = "é".repeat(100);
        let cut = truncate_reason(&accents);
        assert_eq!(cut.len(), 122);
        assert_eq!(cut.chars().count(), 61);
        // '€' is 3 bytes: 41 of them is 123 bytes exactly.
        assert_eq!(truncate_reason(&"€".repeat(50)).len(), 123);
    }

    #[test]
    fn encoding() {
        let mut dst = BytesMut::new();
        encode_close(&mut dst, None);
        assert_eq!(&dst[..], &[0x88, 0x00]);

        let mut dst = BytesMut::new();
        encode_close(&mut dst, Some((CloseCode::NORMAL, "bye")));
        assert_eq!(&dst[..], &[0x88, 0x05, 0x03, 0xe8, b'b', b'y', b'e']);

        let mut dst = BytesMut::new();
        encode_close(&mut dst, Some((CloseCode::GOING_AWAY, &"é".repeat(100))));
        assert_eq!(dst[1] as usize, 2 + 122);
        assert_eq!(dst.len(), 2 + 2 + 122);
        let parsed = parse_close_payload(&dst[2..]).unwrap().unwrap();
        assert_eq!(parsed.code, CloseCode::GOING_AWAY);
        assert_eq!(parsed.reason.chars().count(), 61);
    }

    #[test]
    fn code_constants_are_consistent() {
        for code in [
            CloseCode::NORMAL,
            CloseCode::GOING_AWAY,
            CloseCode::PROTOCOL_ERROR,
            CloseCode::UNSUPPORTED_DATA,
            CloseCode::INVALID_PAYLOAD,
            CloseCode::POLICY_VIOLATION,
            CloseCode::MESSAGE_TOO_BIG,
            CloseCode::MANDATORY_EXTENSION,
            CloseCode::INTERNAL_ERROR,
            CloseCode::SERVICE_RESTART,
            CloseCode::TRY_AGAIN_LATER,
        ] {
            assert!(code.is_valid_on_wire(), "{code:?}");
        }
        assert!(!CloseCode::NO_STATUS.is_valid_on_wire());
        assert!(!CloseCode::ABNORMAL.is_valid_on_wire());
    }
}
