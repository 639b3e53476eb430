//! Request body decoding: by `Content-Length`, or chunked (RFC 9112 §7.1) with an explicit
//! state machine.
//!
//! Chunk framing is strict: chunk-size lines and the CRLF after chunk data must end in CRLF
//! (a bare CR or LF is malformed), sizes are hexadecimal without overflow, and extensions
//! and trailers are bounded, so a peer cannot make the decoder buffer or loop without limit.

use bytes::{Buf, Bytes, BytesMut};
use http::header::{self, HeaderName, HeaderValue};
use http::HeaderMap;

/// Most bytes of chunk extensions accepted over one body (hyper uses the same bound); they are
/// skipped, but a peer must not be able to stream them forever.
pub(crate) const MAX_CHUNK_EXTENSIONS: u64 = 16 * 1024;

/// Largest trailer section accepted after the last chunk.
pub(crate) const MAX_TRAILER_SIZE: usize = 16 * 1024;

/// Most trailer fields accepted after the last chunk.
pub(crate) const MAX_TRAILER_FIELDS: usize = 64;

/// A chunk-size has at most this many hex digits (it must fit in a `u64`).
const MAX_SIZE_DIGITS: u8 = 16;

/// The result of one decoding step.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decoded {
    /// A piece of body data (a zero-copy slice of the read buffer).
    Data(Bytes),
    /// The buffer holds no complete piece; read more.
    NeedMore,
    /// The body is complete, with the trailers of a chunked body.
    End(Option<HeaderMap>),
}

/// Why a body could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DecodeError(pub(crate) &'static str);

/// Decodes one request body from the connection's read buffer.
#[derive(Debug)]
pub(crate) enum Decoder {
    Length(u64),
    Chunked(Chunked),
}

impl Decoder {
    pub(crate) fn length(len: u64) -> Decoder {
        Decoder::Length(len)
    }

    pub(crate) fn chunked() -> Decoder {
        Decoder::Chunked(Chunked::new())
    }

    /// Takes the next piece of body from the front of `buf`.
    pub(crate) fn decode(&mut self, buf: &mut BytesMut) -> Result<Decoded, DecodeError> {
        match self {
            Decoder::Length(0) => Ok(Decoded::End(None)),
            Decoder::Length(remaining) => {
                if buf.is_empty() {
                    return Ok(Decoded::NeedMore);
                }
                let take = (*remaining).min(buf.len() as u64) as usize;
                *remaining -= take as u64;
                Ok(Decoded::Data(buf.split_to(take).freeze()))
            }
            Decoder::Chunked(chunked) => chunked.decode(buf),
        }
    }

    /// Body bytes still to come, when the framing says (`Content-Length`).
    pub(crate) fn known_remaining(&self) -> Option<u64> {
        match self {
            Decoder::Length(rem) => Some(*rem),
            Decoder::Chunked(_) => None,
        }
    }

    /// Whether the body has been decoded to its end.
    pub(crate) fn is_done(&self) -> bool {
        match self {
            Decoder::Length(rem) => *rem == 0,
            Decoder::Chunked(c) => c.state == State::Done,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Reading the hex digits of a chunk-size.
    Size,
    /// Whitespace after the size; only `;` (an extension) may follow.
    SizeWs,
    /// Skipping a chunk extension up to CR.
    Extension,
    /// CR seen after the size line; LF must follow.
    SizeLf,
    /// Inside chunk data.
    Data,
    /// Chunk data done; CR must follow.
    DataCr,
    /// CR after data seen; LF must follow.
    DataLf,
    /// At the start of a trailer line (or of the final CRLF).
    TrailerLine,
    /// Inside a trailer line.
    Trailer,
    /// CR inside a trailer line seen; LF must follow.
    TrailerLf,
    /// CR of the final empty line seen; LF must follow.
    EndLf,
    Done,
}

/// The chunked decoder's state.
#[derive(Debug)]
pub(crate) struct Chunked {
    state: State,
    size: u64,
    digits: u8,
    extension_bytes: u64,
    trailers: Vec<u8>,
}

impl Chunked {
    fn new() -> Chunked {
        Chunked {
            state: State::Size,
            size: 0,
            digits: 0,
            extension_bytes: 0,
            trailers: Vec::new(),
        }
    }

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Decoded, DecodeError> {
        let mut i = 0;
        let result = loop {
            if self.state == State::Done {
                break Ok(Decoded::End(self.take_trailers()?));
            }
            if self.state == State::Data {
                buf.advance(i);
                i = 0;
                if buf.is_empty() {
                    break Ok(Decoded::NeedMore);
                }
                let take = self.size.min(buf.len() as u64) as usize;
                self.size -= take as u64;
                if self.size == 0 {
                    self.state = State::DataCr;
                }
                return Ok(Decoded::Data(buf.split_to(take).freeze()));
            }
            let Some(&byte) = buf.get(i) else {
                break Ok(Decoded::NeedMore);
            };
            i += 1;
            self.step(byte)?;
        };
        buf.advance(i);
        result
    }

    fn step(&mut self, byte: u8) -> Result<(), DecodeError> {
        const BAD_SIZE: DecodeError = DecodeError("Invalid chunk size");
        const BAD_LINE: DecodeError = DecodeError("Invalid chunk line ending");
        match self.state {
            State::Size => match (byte as char).to_digit(16) {
                Some(d) => {
                    self.digits += 1;
                    if self.digits > MAX_SIZE_DIGITS {
                        return Err(BAD_SIZE);
                    }
                    self.size = self.size << 4 | u64::from(d);
                }
                None if self.digits == 0 => return Err(BAD_SIZE),
                None => match byte {
                    b'\r' => self.state = State::SizeLf,
                    b';' => self.state = State::Extension,
                    b' ' | b'\t' => self.state = State::SizeWs,
                    _ => return Err(BAD_SIZE),
                },
            },
            State::SizeWs => match byte {
                b' ' | b'\t' => {}
                b';' => self.state = State::Extension,
                _ => return Err(BAD_SIZE),
            },
            State::Extension => {
                self.extension_bytes += 1;
                if self.extension_bytes > MAX_CHUNK_EXTENSIONS {
                    return Err(DecodeError("Chunk extensions too large"));
                }
                match byte {
                    b'\r' => self.state = State::SizeLf,
                    b'\t' | b' '..=b'~' | 0x80..=0xff => {}
                    _ => return Err(DecodeError("Invalid chunk extension")),
                }
            }
            State::SizeLf => {
                if byte != b'\n' {
                    return Err(BAD_LINE);
                }
                self.digits = 0;
                self.state = if self.size == 0 {
                    State::TrailerLine
                } else {
                    State::Data
                };
            }
            State::DataCr => {
                if byte != b'\r' {
                    return Err(BAD_LINE);
                }
                self.state = State::DataLf;
            }
            State::DataLf => {
                if byte != b'\n' {
                    return Err(BAD_LINE);
                }
                self.state = State::Size;
            }
            State::TrailerLine => {
                if byte == b'\r' {
                    self.state = State::EndLf;
                } else {
                    self.push_trailer(byte)?;
                    self.state = State::Trailer;
                }
            }
            State::Trailer => {
                self.push_trailer(byte)?;
                match byte {
                    b'\r' => self.state = State::TrailerLf,
                    b'\n' => return Err(BAD_LINE),
                    _ => {}
                }
            }
            State::TrailerLf => {
                if byte != b'\n' {
                    return Err(BAD_LINE);
                }
                self.push_trailer(byte)?;
                self.state = State::TrailerLine;
            }
            State::EndLf => {
                if byte != b'\n' {
                    return Err(BAD_LINE);
                }
                self.state = State::Done;
            }
            State::Data | State::Done => unreachable!("handled by decode"),
        }
        Ok(())
    }

    fn push_trailer(&mut self, byte: u8) -> Result<(), DecodeError> {
        if self.trailers.len() >= MAX_TRAILER_SIZE {
            return Err(DecodeError("Trailer section too large"));
        }
        self.trailers.push(byte);
        Ok(())
    }

    fn take_trailers(&mut self) -> Result<Option<HeaderMap>, DecodeError> {
        if self.trailers.is_empty() {
            return Ok(None);
        }
        const BAD: DecodeError = DecodeError("Invalid trailer section");
        let raw = std::mem::take(&mut self.trailers);
        let mut raw_with_end = raw;
        raw_with_end.extend_from_slice(b"\r\n");
        let mut slots = [httparse::EMPTY_HEADER; MAX_TRAILER_FIELDS];
        let fields = match httparse::parse_headers(&raw_with_end, &mut slots) {
            Ok(httparse::Status::Complete((_, fields))) => fields,
            Ok(httparse::Status::Partial) => return Err(BAD),
            Err(httparse::Error::TooManyHeaders) => {
                return Err(DecodeError("Too many trailer fields"))
            }
            Err(_) => return Err(BAD),
        };
        let mut map = HeaderMap::with_capacity(fields.len());
        for field in fields.iter() {
            let name = HeaderName::from_bytes(field.name.as_bytes()).map_err(|_| BAD)?;
            // Framing and routing fields are not allowed to arrive late (RFC 9110 §6.5.1).
            if name == header::CONTENT_LENGTH
                || name == header::TRANSFER_ENCODING
                || name == header::HOST
            {
                continue;
            }
            let value = HeaderValue::from_bytes(field.value).map_err(|_| BAD)?;
            map.append(name, value);
        }
        Ok(Some(map))
    }
}

/// Fuzz entry point: decodes `data` as a chunked body, fed in pieces of every size the first
/// byte picks; must never panic, and must decode the same whatever the split.
#[cfg(feature = "fuzzing")]
pub fn fuzz_chunked(data: &[u8]) {
    let Some((&split, data)) = data.split_first() else {
        return;
    };
    let step = usize::from(split).max(1);
    let whole = decode_all(data, data.len().max(1));
    let pieces = decode_all(data, step);
    assert_eq!(
        whole, pieces,
        "chunked decoding depends on how the input is split"
    );
}

#[cfg(any(test, feature = "fuzzing"))]
fn decode_all(data: &[u8], step: usize) -> Result<(Vec<u8>, Option<HeaderMap>), DecodeError> {
    let mut decoder = Decoder::chunked();
    let mut buf = BytesMut::new();
    let mut out = Vec::new();
    let mut fed = 0;
    loop {
        match decoder.decode(&mut buf)? {
            Decoded::Data(d) => out.extend_from_slice(&d),
            Decoded::End(trailers) => return Ok((out, trailers)),
            Decoded::NeedMore if fed >= data.len() => return Err(DecodeError("incomplete")),
            Decoded::NeedMore => {
                let end = (fed + step).min(data.len());
                buf.extend_from_slice(&data[fed..end]);
                fed = end;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(data: &str) -> Result<(Vec<u8>, Option<HeaderMap>), DecodeError> {
        let whole = decode_all(data.as_bytes(), data.len().max(1));
        for step in 1..4 {
            assert_eq!(whole, decode_all(data.as_bytes(), step), "split {step}");
        }
        whole
    }

    #[test]
    fn decodes_chunks_and_trailers() {
        let (body, trailers) = all("5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-T: 1\r\n\r\n").unwrap();
        assert_eq!(body, b"hello world");
        assert_eq!(trailers.unwrap()["x-t"], "1");
        let (body, trailers) = all("A\r\n0123456789\r\n0\r\n\r\n").unwrap();
        assert_eq!(body, b"0123456789");
        assert!(trailers.is_none());
    }

    #[test]
    fn rejects_bad_framing() {
        for bad in [
            "x\r\n",
            "5\nhello\r\n0\r\n\r\n",
            "5\r\nhelloXX0\r\n\r\n",
            "5\rhello",
            "-1\r\n",
            "11111111111111111\r\n",
            "5 \r\nhello\r\n0\r\n\r\n",
            "0\r\nX-T: 1\n\r\n",
            "0\r\n\rX",
        ] {
            assert!(all(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn bounds_extensions() {
        let ext = "a".repeat(MAX_CHUNK_EXTENSIONS as usize + 1);
        assert!(all(&format!("1;{ext}\r\nx\r\n0\r\n\r\n")).is_err());
    }

    #[test]
    fn length_decoder_stops_at_length() {
        let mut d = Decoder::length(3);
        let mut buf = BytesMut::from(&b"abcdef"[..]);
        assert_eq!(
            d.decode(&mut buf).unwrap(),
            Decoded::Data(Bytes::from_static(b"abc"))
        );
        assert_eq!(d.decode(&mut buf).unwrap(), Decoded::End(None));
        assert_eq!(&buf[..], b"def");
    }
}
