//! Incremental UTF-8 validation for text messages (RFC 6455 §8.1) that fails fast.
//!
//! A text message arrives in pieces (fragments, and parts of a fragment as the socket delivers
//! them), and a code point may straddle two pieces. [`Utf8Validator`] checks each piece as it
//! comes and fails as soon as the bytes seen so far cannot be the start of valid UTF-8, which is
//! what Autobahn's 6.4.x cases expect ("fail fast"); an incomplete sequence at the end of a piece
//! is kept (at most 3 bytes) and completed by the next piece, and is only an error if the
//! message ends there ([`Utf8Validator::finish`]).
//!
//! There is no per-byte state machine: the bulk of each piece goes through
//! `std::str::from_utf8` (word-at-a-time on ASCII), and only the at most 3 trailing bytes of an
//! unfinished code point, and their completion, are handled here. The valid text is handed to a
//! sink as `&str` pieces, so the message can be assembled into a `String` without validating
//! twice and without `unsafe`.

use std::str;

/// The bytes are not UTF-8 (close code 1007).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvalidUtf8;

/// Validates one text message, piece by piece.
#[derive(Debug, Default, Clone)]
pub(crate) struct Utf8Validator {
    /// The start of a code point cut at the end of the previous piece.
    pending: [u8; 4],
    pending_len: u8,
}

impl Utf8Validator {
    /// A validator at the start of a message.
    pub(crate) fn new() -> Utf8Validator {
        Utf8Validator::default()
    }

    /// Validates the next piece, handing its text to `sink` in order (possibly in several
    /// `&str` parts). Fails as soon as the message can no longer be valid UTF-8; an incomplete
    /// code point at the end of `piece` is kept for the next call.
    pub(crate) fn feed(
        &mut self,
        mut piece: &[u8],
        mut sink: impl FnMut(&str),
    ) -> Result<(), InvalidUtf8> {
        if self.pending_len > 0 {
            let have = usize::from(self.pending_len);
            let need = sequence_len(self.pending[0]);
            let take = (need - have).min(piece.len());
            self.pending[have..have + take].copy_from_slice(&piece[..take]);
            piece = &piece[take..];
            let candidate = &self.pending[..have + take];
            if have + take == need {
                sink(str::from_utf8(candidate).map_err(|_| InvalidUtf8)?);
                self.pending_len = 0;
            } else {
                // Still short: the piece is used up, and what we have must be a valid prefix.
                check_prefix(candidate)?;
                self.pending_len = (have + take) as u8;
                return Ok(());
            }
        }
        let cut = piece.len() - incomplete_tail_len(piece);
        let (body, tail) = piece.split_at(cut);
        // `body` ends where a code point ends (or is invalid): any error in it is final.
        sink(str::from_utf8(body).map_err(|_| InvalidUtf8)?);
        if !tail.is_empty() {
            check_prefix(tail)?;
            self.pending[..tail.len()].copy_from_slice(tail);
            self.pending_len = tail.len() as u8;
        }
        Ok(())
    }

    /// Validates a piece without collecting the text.
    #[cfg(test)]
    pub(crate) fn validate(&mut self, piece: &[u8]) -> Result<(), InvalidUtf8> {
        self.feed(piece, |_| {})
    }

    /// Ends the message: an unfinished code point is an error. Resets the validator.
    pub(crate) fn finish(&mut self) -> Result<(), InvalidUtf8> {
        let complete = self.pending_len == 0;
        self.pending_len = 0;
        if complete {
            Ok(())
        } else {
            Err(InvalidUtf8)
        }
    }

    /// Whether a code point is waiting for the bytes that complete it.
    #[cfg(test)]
    pub(crate) fn is_pending(&self) -> bool {
        self.pending_len > 0
    }
}

/// The length of the sequence a lead byte announces (1 for anything that is not a multi-byte
/// lead, which `from_utf8` then judges).
fn sequence_len(lead: u8) -> usize {
    match lead {
        0xC2..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF4 => 4,
        _ => 1,
    }
}

/// How many bytes at the end of `piece` form the start of a multi-byte sequence that the piece
/// cuts short (0 to 3). Only looks at the last 3 bytes; validity is checked by the caller.
fn incomplete_tail_len(piece: &[u8]) -> usize {
    let len = piece.len();
    for back in 1..=len.min(3) {
        let byte = piece[len - back];
        if byte & 0xC0 != 0x80 {
            // The last non-continuation byte: a lead whose sequence runs past the end?
            return if sequence_len(byte) > back { back } else { 0 };
        }
    }
    0
}

/// `bytes` (1 to 3 bytes, the start of a sequence) can still become a valid code point.
fn check_prefix(bytes: &[u8]) -> Result<(), InvalidUtf8> {
    match str::from_utf8(bytes) {
        Err(error) if error.error_len().is_none() && error.valid_up_to() == 0 => Ok(()),
        _ => Err(InvalidUtf8),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whether `bytes` can be extended into valid UTF-8 (the fail-fast oracle).
    fn extendable(bytes: &[u8]) -> bool {
        match str::from_utf8(bytes) {
            Ok(_) => true,
            Err(error) => error.error_len().is_none(),
        }
    }

    /// Feeds `pieces` and checks, after every piece, that the validator has failed exactly when
    /// the oracle says the prefix is dead; at the end, `finish` agrees with `from_utf8`. Returns
    /// the collected text when valid.
    fn check_pieces(pieces: &[&[u8]]) -> Option<String> {
        let mut validator = Utf8Validator::new();
        let mut seen = Vec::new();
        let mut text = String::new();
        for piece in pieces {
            seen.extend_from_slice(piece);
            let result = validator.feed(piece, |s| text.push_str(s));
            assert_eq!(
                result.is_ok(),
                extendable(&seen),
                "after {seen:02x?} (pieces {pieces:02x?})"
            );
            if result.is_err() {
                return None;
            }
        }
        let whole = str::from_utf8(&seen);
        assert_eq!(validator.finish().is_ok(), whole.is_ok(), "{seen:02x?}");
        whole.ok()?;
        assert_eq!(text.as_bytes(), &seen[..]);
        Some(text)
    }

    /// Every split into two pieces, every split into three pieces (for short inputs), and one
    /// byte per piece.
    fn check_all_splits(bytes: &[u8]) -> bool {
        let valid = str::from_utf8(bytes).is_ok();
        assert_eq!(check_pieces(&[bytes]).is_some(), valid);
        for i in 0..=bytes.len() {
            assert_eq!(check_pieces(&[&bytes[..i], &bytes[i..]]).is_some(), valid);
            if bytes.len() <= 40 {
                for j in i..=bytes.len() {
                    let three = [&bytes[..i], &bytes[i..j], &bytes[j..]];
                    assert_eq!(check_pieces(&three).is_some(), valid);
                }
            }
        }
        let singles: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(check_pieces(&singles).is_some(), valid);
        valid
    }

    // Autobahn 6.x payloads (Markus Kuhn's UTF-8 decoder stress test, among others).
    const KOSME: &[u8] = b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5";

    #[test]
    fn valid_texts() {
        for text in [
            &b""[..],
            b"Hello-\xc2\xb5@\xc3\x9f\xc3\xb6\xc3\xa4\xc3\xbc\xc3\xa0\xc3\xa1-UTF-8!!",
            KOSME,
            // 6.5.x boundaries: first and last code points of each length.
            b"\x00",
            b"\x7f",
            b"\xc2\x80",
            b"\xdf\xbf",
            b"\xe0\xa0\x80",
            b"\xef\xbf\xbf",
            b"\xf0\x90\x80\x80",
            b"\xf4\x8f\xbf\xbf",
            // Other boundaries (6.7.x / 6.22.x): U+D7FF, U+E000, U+FFFD, noncharacters.
            b"\xed\x9f\xbf",
            b"\xee\x80\x80",
            b"\xef\xbf\xbd",
            b"\xef\xbf\xbe",
            b"\xf0\x9f\xbf\xbf",
            b"\xf3\xbf\xbf\xbf",
            "emoji \u{1F600} and \u{10FFFF} end".as_bytes(),
        ] {
            assert!(check_all_splits(text), "{text:02x?}");
        }
    }

    #[test]
    fn invalid_texts() {
        for text in [
            // 6.3: κόσμε with a surrogate (U+D800) inserted.
            &b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80\x65\x64\x69\x74\x65\x64"[..],
            // Above U+10FFFF (6.4.x).
            b"\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xf4\x90\x80\x80\x65\x64\x69\x74\x65\x64",
            b"\xf4\x90\x80\x80",
            b"\xf7\xbf\xbf\xbf",
            b"\xf8\x88\x80\x80\x80",
            b"\xfc\x84\x80\x80\x80\x80",
            // Lone continuation bytes (6.8.x).
            b"\x80",
            b"\xbf",
            b"\x80\xbf\x80\xbf",
            // Lonely start bytes followed by a space (6.10.x).
            b"\xc0 ",
            b"\xe0 ",
            b"\xf0 ",
            // Truncated sequences at the end (6.11.x).
            b"\xc2",
            b"\xe0\xa0",
            b"\xf0\x90\x80",
            b"abc\xdf",
            b"\xef\xbf",
            // Concatenated truncated sequences (6.12.x).
            b"\xc0\xe0\x80\xf0\x80\x80",
            // Impossible bytes (6.13.x).
            b"\xfe",
            b"\xff",
            b"\xfe\xfe\xff\xff",
            // Overlong encodings (6.14.x - 6.16.x).
            b"\xc0\xaf",
            b"\xe0\x80\xaf",
            b"\xf0\x80\x80\xaf",
            b"\xc1\xbf",
            b"\xe0\x9f\xbf",
            b"\xf0\x8f\xbf\xbf",
            b"\xc0\x80",
            b"\xe0\x80\x80",
            // Surrogates, single and paired (6.17.x - 6.18.x).
            b"\xed\xa0\x80",
            b"\xed\xad\xbf",
            b"\xed\xbf\xbf",
            b"\xed\xa0\x80\xed\xb0\x80",
            b"\xed\xaf\xbf\xed\xbf\xbf",
            // A valid sequence cut by another lead.
            b"\xe2\x82\xf0\x9f\x98\x80",
        ] {
            assert!(!check_all_splits(text), "{text:02x?}");
        }
    }

    #[test]
    fn fail_fast_before_the_message_ends() {
        // 6.4.1 / 6.4.3: the error is reported on the piece holding F4 90, not at the end.
        let mut validator = Utf8Validator::new();
        assert_eq!(validator.validate(KOSME), Ok(()));
        assert_eq!(validator.validate(b"\xf4\x90\x80\x80"), Err(InvalidUtf8));

        // 6.4.2 / 6.4.4: F4 alone is a valid prefix; the 90 that follows is not.
        let mut validator = Utf8Validator::new();
        assert_eq!(validator.validate(KOSME), Ok(()));
        assert_eq!(validator.validate(b"\xf4"), Ok(()));
        assert!(validator.is_pending());
        assert_eq!(validator.validate(b"\x90"), Err(InvalidUtf8));

        // A dead prefix at the very end of a piece fails at once too.
        let mut validator = Utf8Validator::new();
        assert_eq!(validator.validate(b"ok \xed\xa0"), Err(InvalidUtf8));
    }

    #[test]
    fn incomplete_then_completed_across_pieces() {
        let mut validator = Utf8Validator::new();
        let mut text = String::new();
        for piece in [&b"a\xf0"[..], b"\x9f", b"", b"\x98", b"\x80b"] {
            validator.feed(piece, |s| text.push_str(s)).unwrap();
        }
        validator.finish().unwrap();
        assert_eq!(text, "a\u{1F600}b");
    }

    #[test]
    fn finish_rejects_and_resets() {
        let mut validator = Utf8Validator::new();
        validator.validate(b"\xe2\x82").unwrap();
        assert_eq!(validator.finish(), Err(InvalidUtf8));
        // Reset: the next message starts clean.
        validator.validate(b"fine").unwrap();
        assert_eq!(validator.finish(), Ok(()));
    }

    /// Pseudo-random inputs (a mix of valid code points and stray bytes) split at random
    /// positions, checked against `from_utf8` after every piece.
    #[test]
    fn randomized_against_std() {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let chars = ['a', 'é', 'κ', '€', '\u{FFFF}', '\u{1F600}', '\u{10FFFF}'];
        for _ in 0..3000 {
            let mut bytes = Vec::new();
            let len = next() % 24;
            for _ in 0..len {
                let r = next();
                if r % 10 == 0 {
                    bytes.push((r >> 8) as u8);
                } else {
                    let c = chars[(r >> 8) as usize % chars.len()];
                    bytes.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
                }
            }
            let mut pieces = Vec::new();
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                let n = (next() as usize % 6).min(rest.len());
                pieces.push(&rest[..n]);
                rest = &rest[n..];
            }
            check_pieces(&pieces);
        }
    }
}
