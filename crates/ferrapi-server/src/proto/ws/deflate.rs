//! permessage-deflate (RFC 7692): negotiation, and the per-connection compressor and
//! decompressor.
//!
//! # Negotiation
//!
//! [`negotiate`] walks the client's `permessage-deflate` offers in order and accepts the first
//! valid one. An offer is skipped (not the whole handshake) when it has an unknown or duplicated
//! parameter, a value on a flag, or a window-bits value outside `8..=15` or with leading zeros
//! (quoted values are unquoted first, RFC 6455 §9.1). The response follows the same table as
//! websockets' `ServerPerMessageDeflateFactory`:
//!
//! * `server_no_context_takeover` is echoed when offered, or sent when configured.
//! * `client_no_context_takeover` is echoed when offered (then the decompressor is dropped
//!   after every message), or sent when configured.
//! * `server_max_window_bits=N` in the offer is answered with `min(N, configured)`; without it,
//!   the configured value is announced if below 15.
//! * `client_max_window_bits` (a client may only be limited if it offers the parameter): with a
//!   value `M`, answered with `min(M, configured)`; without a value, the configured limit is
//!   announced if below 15; absent, the client may use 15 and the decompressor is sized for it.
//!
//! # Window bits and the backend
//!
//! flate2's default miniz_oxide backend only does 15-bit windows for raw deflate, so flate2 is
//! built on its `zlib-rs` backend (pure Rust, a port of zlib-ng's logic), which takes 9 to 15
//! (`Compress::new_with_window_bits`). Like zlib since 1.2.9, it refuses 8 for raw deflate, so:
//!
//! * an agreed `server_max_window_bits=8` is accepted, and the server then sends its messages
//!   uncompressed (RSV1 clear, which RFC 7692 §6 allows per message) rather than risk a
//!   9-bit window the client cannot inflate;
//! * a client window of 8 is inflated with a 9-bit window: inflating only needs a window at
//!   least as large as the sender's (and old zlib silently compressed "8" with 9 anyway).
//!
//! The compressor uses zlib's default memLevel (8; flate2 does not expose it) and the
//! configured level (default 6, zlib's default).
//!
//! # Bounded inflation
//!
//! [`Inflater::inflate`] writes into a fixed 32 KiB scratch buffer and hands each piece to a
//! sink, counting against the message's remaining budget; the first byte beyond the budget stops
//! it with 1009. A frame of a few KB cannot make it allocate more than the budget, whatever it
//! inflates to.

use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};

use super::close::CloseCode;
use super::handshake::ExtensionOffer;
use super::ProtocolError;

/// The extension's registered name.
pub(crate) const EXTENSION_NAME: &str = "permessage-deflate";

/// The empty stored block that ends every flushed message (RFC 7692 §7.2.1).
const TRAILER: [u8; 4] = [0x00, 0x00, 0xff, 0xff];

/// Size of the decompressor's output scratch buffer.
const SCRATCH_LEN: usize = 32 * 1024;

/// The server's permessage-deflate settings.
///
/// The default mirrors uvicorn, which passes websockets' `ServerPerMessageDeflateFactory()`
/// with no arguments: no window limits, context takeover both ways, zlib's default level. (The
/// 12-bit windows and memLevel 5 often quoted are the defaults of websockets' own `serve()`,
/// not of uvicorn.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeflateConfig {
    /// Largest window the server compresses with, 9 to 15.
    pub(crate) server_max_window_bits: u8,
    /// Largest window the server asks the client to use, 8 to 15 (only when the client offers
    /// `client_max_window_bits`).
    pub(crate) client_max_window_bits: u8,
    /// Always reset the compressor between messages.
    pub(crate) server_no_context_takeover: bool,
    /// Always ask the client to reset its compressor between messages.
    pub(crate) client_no_context_takeover: bool,
    /// Compression level, 0 to 9.
    pub(crate) level: u32,
}

impl Default for DeflateConfig {
    fn default() -> DeflateConfig {
        DeflateConfig {
            server_max_window_bits: 15,
            client_max_window_bits: 15,
            server_no_context_takeover: false,
            client_no_context_takeover: false,
            level: 6,
        }
    }
}

/// The agreed parameters, as sent back in `Sec-WebSocket-Extensions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DeflateParams {
    /// The server resets its compressor between messages.
    pub(crate) server_no_context_takeover: bool,
    /// The client resets its compressor between messages.
    pub(crate) client_no_context_takeover: bool,
    /// The announced server window, if any (otherwise 15).
    pub(crate) server_max_window_bits: Option<u8>,
    /// The announced client window, if any (otherwise 15).
    pub(crate) client_max_window_bits: Option<u8>,
    level: u32,
}

impl DeflateParams {
    /// The `Sec-WebSocket-Extensions` response value.
    pub(crate) fn response_header(&self) -> String {
        let mut value = String::from(EXTENSION_NAME);
        if self.server_no_context_takeover {
            value.push_str("; server_no_context_takeover");
        }
        if self.client_no_context_takeover {
            value.push_str("; client_no_context_takeover");
        }
        if let Some(bits) = self.server_max_window_bits {
            value.push_str(&format!("; server_max_window_bits={bits}"));
        }
        if let Some(bits) = self.client_max_window_bits {
            value.push_str(&format!("; client_max_window_bits={bits}"));
        }
        value
    }

    /// The compressor for outgoing messages; `None` when the agreed server window (8) cannot be
    /// produced, in which case messages go out uncompressed.
    pub(crate) fn deflater(&self) -> Option<Deflater> {
        let bits = self.server_max_window_bits.unwrap_or(15);
        (bits >= 9).then(|| Deflater::new(self.level, bits, self.server_no_context_takeover))
    }

    /// The decompressor for incoming messages.
    pub(crate) fn inflater(&self) -> Inflater {
        let bits = self.client_max_window_bits.unwrap_or(15).max(9);
        Inflater::new(bits, self.client_no_context_takeover)
    }
}

/// Picks the first acceptable `permessage-deflate` offer (see the module docs).
pub(crate) fn negotiate(
    offers: &[ExtensionOffer],
    config: &DeflateConfig,
) -> Option<DeflateParams> {
    offers
        .iter()
        .filter(|offer| offer.name.eq_ignore_ascii_case(EXTENSION_NAME))
        .find_map(|offer| accept_offer(offer, config))
}

fn accept_offer(offer: &ExtensionOffer, config: &DeflateConfig) -> Option<DeflateParams> {
    let mut server_no_context_takeover = false;
    let mut client_no_context_takeover = false;
    let mut server_max_window_bits: Option<u8> = None;
    // `Some(None)`: offered without a value.
    let mut client_max_window_bits: Option<Option<u8>> = None;
    for (name, value) in &offer.params {
        let name = name.to_ascii_lowercase();
        match name.as_str() {
            "server_no_context_takeover" => {
                if server_no_context_takeover || value.is_some() {
                    return None;
                }
                server_no_context_takeover = true;
            }
            "client_no_context_takeover" => {
                if client_no_context_takeover || value.is_some() {
                    return None;
                }
                client_no_context_takeover = true;
            }
            "server_max_window_bits" => {
                if server_max_window_bits.is_some() {
                    return None;
                }
                server_max_window_bits = Some(parse_window_bits(value.as_deref()?)?);
            }
            "client_max_window_bits" => {
                if client_max_window_bits.is_some() {
                    return None;
                }
                client_max_window_bits = Some(match value {
                    None => None,
                    Some(value) => Some(parse_window_bits(value)?),
                });
            }
            _ => return None,
        }
    }
    let server_limit = config.server_max_window_bits.clamp(9, 15);
    let client_limit = config.client_max_window_bits.clamp(8, 15);
    let server_max_window_bits = match server_max_window_bits {
        Some(offered) => Some(offered.min(server_limit)),
        None => (server_limit < 15).then_some(server_limit),
    };
    let client_max_window_bits = match client_max_window_bits {
        None => None,
        Some(None) => (client_limit < 15).then_some(client_limit),
        Some(Some(offered)) => Some(offered.min(client_limit)),
    };
    Some(DeflateParams {
        server_no_context_takeover: server_no_context_takeover || config.server_no_context_takeover,
        client_no_context_takeover: client_no_context_takeover || config.client_no_context_takeover,
        server_max_window_bits,
        client_max_window_bits,
        level: config.level.min(9),
    })
}

/// `8` to `15`, without leading zeros or signs (RFC 7692 §7.1.2).
fn parse_window_bits(value: &str) -> Option<u8> {
    match value {
        "8" => Some(8),
        "9" => Some(9),
        "10" => Some(10),
        "11" => Some(11),
        "12" => Some(12),
        "13" => Some(13),
        "14" => Some(14),
        "15" => Some(15),
        _ => None,
    }
}

/// Compresses outgoing messages.
pub(crate) struct Deflater {
    inner: Compress,
    no_context_takeover: bool,
}

impl std::fmt::Debug for Deflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Deflater")
            .field("no_context_takeover", &self.no_context_takeover)
            .finish_non_exhaustive()
    }
}

/// The compressor failed (not expected with in-memory buffers); the message should go out
/// uncompressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct CompressFailed;

impl Deflater {
    /// A raw-deflate compressor with a `window_bits` window (9 to 15).
    pub(crate) fn new(level: u32, window_bits: u8, no_context_takeover: bool) -> Deflater {
        Deflater {
            inner: Compress::new_with_window_bits(Compression::new(level), false, window_bits),
            no_context_takeover,
        }
    }

    /// Compresses one whole message into `out` (cleared first): the deflate data flushed with
    /// a sync flush, minus the trailing `00 00 ff ff` (RFC 7692 §7.2.1). On failure the
    /// compressor is reset, which is safe with context takeover too (a fresh context refers to
    /// nothing the client lacks).
    pub(crate) fn compress(
        &mut self,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<(), CompressFailed> {
        if self.no_context_takeover {
            self.inner.reset();
        }
        out.clear();
        out.reserve(data.len() / 2 + 64);
        let mut input = data;
        loop {
            if out.capacity() - out.len() < 64 {
                out.reserve(out.capacity().max(1024));
            }
            let before = self.inner.total_in();
            if self
                .inner
                .compress_vec(input, out, FlushCompress::Sync)
                .is_err()
            {
                self.inner.reset();
                return Err(CompressFailed);
            }
            let consumed = (self.inner.total_in() - before) as usize;
            input = &input[consumed..];
            // The flush is complete once all input is in and the output was not filled.
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        if out.ends_with(&TRAILER) {
            out.truncate(out.len() - TRAILER.len());
        }
        if out.is_empty() {
            // zlib (and zlib-rs) emit nothing for a sync flush right after another with no
            // input in between: an empty message with context takeover. An empty payload is
            // not valid deflate data, so send the empty stored block's header byte
            // (RFC 7692 §7.2.3.6).
            out.push(0x00);
        }
        Ok(())
    }
}

/// Decompresses incoming messages, within a size budget.
pub(crate) struct Inflater {
    inner: Decompress,
    no_context_takeover: bool,
    scratch: Box<[u8]>,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("no_context_takeover", &self.no_context_takeover)
            .finish_non_exhaustive()
    }
}

fn too_big() -> ProtocolError {
    ProtocolError::new(CloseCode::MESSAGE_TOO_BIG, "message too big")
}

fn corrupt() -> ProtocolError {
    // websockets (uvicorn) fails the connection with 1002 on bad deflate data.
    ProtocolError::new(CloseCode::PROTOCOL_ERROR, "invalid compressed data")
}

impl Inflater {
    /// A raw-deflate decompressor with a `window_bits` window (9 to 15).
    pub(crate) fn new(window_bits: u8, no_context_takeover: bool) -> Inflater {
        Inflater {
            inner: Decompress::new_with_window_bits(false, window_bits),
            no_context_takeover,
            scratch: vec![0; SCRATCH_LEN].into_boxed_slice(),
        }
    }

    /// Call at the start of every compressed message: resets the context if the client does
    /// not keep it.
    pub(crate) fn begin_message(&mut self) {
        if self.no_context_takeover {
            self.inner.reset(false);
        }
    }

    /// Inflates the next piece of a compressed message, handing the output to `sink` in
    /// pieces of at most 32 KiB. `end_of_message` appends the `00 00 ff ff` trailer. `budget`
    /// is how many more bytes the message may inflate to; it is decremented, and the first byte
    /// beyond it fails with 1009. Bad deflate data fails with 1002; `sink`'s errors pass
    /// through.
    pub(crate) fn inflate(
        &mut self,
        input: &[u8],
        end_of_message: bool,
        budget: &mut usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), ProtocolError>,
    ) -> Result<(), ProtocolError> {
        self.run(input, budget, sink)?;
        if end_of_message {
            self.run(&TRAILER, budget, sink)?;
        }
        Ok(())
    }

    fn run(
        &mut self,
        mut input: &[u8],
        budget: &mut usize,
        sink: &mut dyn FnMut(&[u8]) -> Result<(), ProtocolError>,
    ) -> Result<(), ProtocolError> {
        loop {
            // One byte past the budget is enough to know it is exceeded.
            let room = self.scratch.len().min(budget.saturating_add(1));
            let (before_in, before_out) = (self.inner.total_in(), self.inner.total_out());
            let status = self
                .inner
                .decompress(input, &mut self.scratch[..room], FlushDecompress::Sync)
                .map_err(|_| corrupt())?;
            let consumed = (self.inner.total_in() - before_in) as usize;
            let produced = (self.inner.total_out() - before_out) as usize;
            input = &input[consumed..];
            if produced > *budget {
                return Err(too_big());
            }
            *budget -= produced;
            if produced > 0 {
                sink(&self.scratch[..produced])?;
            }
            if status == Status::StreamEnd {
                // The client ended the deflate stream (BFINAL); what follows starts afresh.
                self.inner.reset(false);
                if input.is_empty() {
                    return Ok(());
                }
                continue;
            }
            if input.is_empty() && produced < room {
                return Ok(());
            }
            if consumed == 0 && produced == 0 {
                return Err(corrupt());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offer(params: &[(&str, Option<&str>)]) -> ExtensionOffer {
        ExtensionOffer {
            name: EXTENSION_NAME.to_owned(),
            params: params
                .iter()
                .map(|(n, v)| ((*n).to_owned(), v.map(str::to_owned)))
                .collect(),
        }
    }

    fn negotiate_one(params: &[(&str, Option<&str>)]) -> Option<DeflateParams> {
        negotiate(&[offer(params)], &DeflateConfig::default())
    }

    #[test]
    fn plain_offer() {
        let params = negotiate_one(&[]).unwrap();
        assert_eq!(params.response_header(), "permessage-deflate");
        assert_eq!(params.server_max_window_bits, None);
        assert_eq!(params.client_max_window_bits, None);
    }

    #[test]
    fn browser_offer() {
        // What browsers send: client_max_window_bits without a value.
        let params = negotiate_one(&[("client_max_window_bits", None)]).unwrap();
        assert_eq!(params.response_header(), "permessage-deflate");
        let config = DeflateConfig {
            client_max_window_bits: 12,
            ..DeflateConfig::default()
        };
        let params = negotiate(&[offer(&[("client_max_window_bits", None)])], &config).unwrap();
        assert_eq!(
            params.response_header(),
            "permessage-deflate; client_max_window_bits=12"
        );
    }

    #[test]
    fn all_parameters_echoed() {
        let params = negotiate_one(&[
            ("server_no_context_takeover", None),
            ("client_no_context_takeover", None),
            ("server_max_window_bits", Some("10")),
            ("client_max_window_bits", Some("11")),
        ])
        .unwrap();
        assert_eq!(
            params.response_header(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=10; client_max_window_bits=11"
        );
    }

    #[test]
    fn configured_limits() {
        let config = DeflateConfig {
            server_max_window_bits: 12,
            client_max_window_bits: 12,
            server_no_context_takeover: true,
            client_no_context_takeover: true,
            level: 9,
        };
        // Nothing offered: the server's own limit is announced, the client's cannot be.
        let params = negotiate(&[offer(&[])], &config).unwrap();
        assert_eq!(
            params.response_header(),
            "permessage-deflate; server_no_context_takeover; client_no_context_takeover; \
             server_max_window_bits=12"
        );
        // Larger offers are lowered, smaller ones kept.
        let params = negotiate(
            &[offer(&[
                ("server_max_window_bits", Some("15")),
                ("client_max_window_bits", Some("10")),
            ])],
            &config,
        )
        .unwrap();
        assert_eq!(params.server_max_window_bits, Some(12));
        assert_eq!(params.client_max_window_bits, Some(10));
    }

    #[test]
    fn invalid_offers_are_skipped() {
        for params in [
            &[("server_max_window_bits", None)][..],
            &[("server_max_window_bits", Some("7"))],
            &[("server_max_window_bits", Some("16"))],
            &[("server_max_window_bits", Some("09"))],
            &[("server_max_window_bits", Some("+9"))],
            &[("server_max_window_bits", Some(""))],
            &[("client_max_window_bits", Some("0"))],
            &[("client_max_window_bits", Some("abc"))],
            &[("server_no_context_takeover", Some("1"))],
            &[("client_no_context_takeover", Some(""))],
            &[
                ("server_no_context_takeover", None),
                ("server_no_context_takeover", None),
            ],
            &[
                ("client_max_window_bits", None),
                ("client_max_window_bits", Some("10")),
            ],
            &[
                ("server_max_window_bits", Some("10")),
                ("server_max_window_bits", Some("10")),
            ],
            &[("unknown_parameter", None)],
        ] {
            assert_eq!(negotiate_one(params), None, "{params:?}");
        }
    }

    #[test]
    fn first_acceptable_offer_wins() {
        let offers = [
            ExtensionOffer {
                name: "x-webkit-deflate-frame".to_owned(),
                params: Vec::new(),
            },
            offer(&[("server_max_window_bits", Some("99"))]),
            offer(&[("server_max_window_bits", Some("10"))]),
            offer(&[]),
        ];
        let params = negotiate(&offers, &DeflateConfig::default()).unwrap();
        assert_eq!(params.server_max_window_bits, Some(10));
        assert_eq!(negotiate(&offers[..2], &DeflateConfig::default()), None);
    }

    #[test]
    fn window_8() {
        // Autobahn 13.3 / 13.5: server_max_window_bits=8 is accepted, but sent uncompressed.
        let params = negotiate_one(&[("server_max_window_bits", Some("8"))]).unwrap();
        assert_eq!(
            params.response_header(),
            "permessage-deflate; server_max_window_bits=8"
        );
        assert!(params.deflater().is_none());
        // A client window of 8 is inflated with 9 bits.
        let params = negotiate_one(&[("client_max_window_bits", Some("8"))]).unwrap();
        assert_eq!(params.client_max_window_bits, Some(8));
        assert!(params.deflater().is_some());
        let _ = params.inflater();
    }

    /// Compresses like a client would (sync flush, trailer stripped).
    fn client_compress(compressor: &mut Compress, data: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(data.len() + 64);
        let mut input = data;
        loop {
            out.reserve(1024);
            let before = compressor.total_in();
            compressor
                .compress_vec(input, &mut out, FlushCompress::Sync)
                .unwrap();
            input = &input[(compressor.total_in() - before) as usize..];
            if input.is_empty() && out.len() < out.capacity() {
                break;
            }
        }
        assert!(out.ends_with(&TRAILER));
        out.truncate(out.len() - 4);
        out
    }

    fn inflate_all(
        inflater: &mut Inflater,
        data: &[u8],
        limit: usize,
    ) -> Result<Vec<u8>, ProtocolError> {
        inflater.begin_message();
        let mut out = Vec::new();
        let mut budget = limit;
        inflater.inflate(data, true, &mut budget, &mut |piece| {
            out.extend_from_slice(piece);
            Ok(())
        })?;
        Ok(out)
    }

    fn sample(len: usize, seed: u8) -> Vec<u8> {
        // Compressible but not trivial: words with a repeating pattern.
        let words = ["alpha ", "beta ", "gamma ", "delta ", "epsilon "];
        let mut out = Vec::new();
        let mut i = usize::from(seed);
        while out.len() < len {
            out.extend_from_slice(words[i % words.len()].as_bytes());
            i = i.wrapping_mul(7).wrapping_add(3);
        }
        out.truncate(len);
        out
    }

    #[test]
    fn deflater_output_inflates_for_every_window() {
        for bits in 9..=15u8 {
            for no_context_takeover in [false, true] {
                let mut deflater = Deflater::new(6, bits, no_context_takeover);
                let mut inflater = Inflater::new(bits, no_context_takeover);
                let mut out = Vec::new();
                for (i, len) in [0usize, 1, 100, 5000, 70000].into_iter().enumerate() {
                    let message = sample(len, i as u8);
                    deflater.compress(&message, &mut out).unwrap();
                    assert!(!out.ends_with(&TRAILER) || out.len() < 4);
                    let back = inflate_all(&mut inflater, &out, usize::MAX).unwrap();
                    assert_eq!(
                        back, message,
                        "bits {bits} nct {no_context_takeover} len {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn empty_message_is_a_single_zero_byte() {
        // RFC 7692 §7.2.3.6.
        let mut deflater = Deflater::new(6, 15, false);
        let mut out = Vec::new();
        deflater.compress(b"", &mut out).unwrap();
        assert_eq!(out, [0x00]);
        let mut inflater = Inflater::new(15, false);
        assert_eq!(inflate_all(&mut inflater, &[0x00], 10).unwrap(), b"");
    }

    #[test]
    fn repeated_empty_messages() {
        let mut deflater = Deflater::new(6, 15, false);
        let mut inflater = Inflater::new(15, false);
        let mut out = Vec::new();
        for message in [&b""[..], b"", b"abc", b"", b"", b"abc"] {
            deflater.compress(message, &mut out).unwrap();
            assert!(!out.is_empty());
            assert_eq!(inflate_all(&mut inflater, &out, 100).unwrap(), message);
        }
    }

    #[test]
    fn rfc_7692_examples() {
        // §7.2.3.1: "Hello" compressed, and the same message again with context takeover.
        let mut inflater = Inflater::new(15, false);
        let first = [0xf2, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00];
        assert_eq!(inflate_all(&mut inflater, &first, 100).unwrap(), b"Hello");
        let second = [0xf2, 0x00, 0x11, 0x00, 0x00];
        assert_eq!(inflate_all(&mut inflater, &second, 100).unwrap(), b"Hello");
        // §7.2.3.3: an uncompressed (stored) block.
        let mut inflater = Inflater::new(15, false);
        let stored = [
            0x00, 0x05, 0x00, 0xfa, 0xff, 0x48, 0x65, 0x6c, 0x6c, 0x6f, 0x00,
        ];
        assert_eq!(inflate_all(&mut inflater, &stored, 100).unwrap(), b"Hello");
        // §7.2.3.4: two deflate blocks in one message.
        let mut inflater = Inflater::new(15, false);
        let two_blocks = [
            0xf2, 0x48, 0x05, 0x00, 0x00, 0x00, 0xff, 0xff, 0xca, 0xc9, 0xc9, 0x07, 0x00,
        ];
        assert_eq!(
            inflate_all(&mut inflater, &two_blocks, 100).unwrap(),
            b"Hello"
        );
        // §7.2.3.5: a block with BFINAL set; the next message starts a new stream.
        let bfinal = [0xf3, 0x48, 0xcd, 0xc9, 0xc9, 0x07, 0x00, 0x00];
        assert_eq!(inflate_all(&mut inflater, &bfinal, 100).unwrap(), b"Hello");
        assert_eq!(inflate_all(&mut inflater, &first, 100).unwrap(), b"Hello");
    }

    #[test]
    fn context_takeover_shrinks_repeats() {
        let message = sample(2000, 1);
        let mut with = Deflater::new(6, 15, false);
        let mut without = Deflater::new(6, 15, true);
        let (mut a, mut b) = (Vec::new(), Vec::new());
        with.compress(&message, &mut a).unwrap();
        let first_len = a.len();
        with.compress(&message, &mut a).unwrap();
        without.compress(&message, &mut b).unwrap();
        without.compress(&message, &mut b).unwrap();
        assert!(a.len() < first_len / 4, "{} vs {first_len}", a.len());
        assert_eq!(b.len(), first_len);
        // A receiver that resets between messages cannot read the context-dependent one...
        let mut reset = Inflater::new(15, true);
        let mut data = Vec::new();
        with = Deflater::new(6, 15, false);
        with.compress(&message, &mut data).unwrap();
        inflate_all(&mut reset, &data, usize::MAX).unwrap();
        with.compress(&message, &mut data).unwrap();
        assert!(inflate_all(&mut reset, &data, usize::MAX).is_err());
    }

    #[test]
    fn small_windows_are_honoured() {
        // Repeats 1000 bytes apart: a 9-bit (512-byte) window must not reference them, or a
        // 9-bit inflater would fail with "distance too far back".
        let block: Vec<u8> = (0..1000u32)
            .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
            .collect();
        let data = [block.clone(), block.clone(), block].concat();
        for bits in 9..=15u8 {
            let mut deflater = Deflater::new(9, bits, true);
            let mut out = Vec::new();
            deflater.compress(&data, &mut out).unwrap();
            let mut inflater = Inflater::new(bits, true);
            assert_eq!(
                inflate_all(&mut inflater, &out, usize::MAX).unwrap(),
                data,
                "bits {bits}"
            );
            // zlib's farthest match is the window minus 262 bytes of lookahead.
            if bits >= 11 {
                assert!(out.len() < 1500, "bits {bits}: {}", out.len());
            } else if bits == 9 {
                assert!(out.len() > 2500, "bits {bits}: {}", out.len());
            }
        }
    }

    #[test]
    fn client_streams_with_various_windows() {
        // Autobahn 12.x / 13.x style: several messages from a client compressor with context
        // takeover, for each client window, inflated by a decompressor sized to match.
        for bits in 9..=15u8 {
            let mut client = Compress::new_with_window_bits(Compression::default(), false, bits);
            let mut inflater = Inflater::new(bits, false);
            for i in 0..5u8 {
                let message = sample(300 + 700 * usize::from(i), i);
                let data = client_compress(&mut client, &message);
                assert_eq!(
                    inflate_all(&mut inflater, &data, usize::MAX).unwrap(),
                    message
                );
            }
        }
    }

    #[test]
    fn inflation_is_bounded() {
        // 1 MB of zeros compresses to about 1 KB; with a 10 KB budget it must stop early.
        let zeros = vec![0u8; 1 << 20];
        let mut client = Compress::new_with_window_bits(Compression::default(), false, 15);
        let data = client_compress(&mut client, &zeros);
        assert!(data.len() < 2048, "{}", data.len());
        let mut inflater = Inflater::new(15, true);
        let mut produced = 0usize;
        let mut calls = 0;
        let mut budget = 10 * 1024;
        let result = inflater.inflate(&data, true, &mut budget, &mut |piece| {
            produced += piece.len();
            calls += 1;
            Ok(())
        });
        let error = result.unwrap_err();
        assert_eq!(error.code, CloseCode::MESSAGE_TOO_BIG);
        assert!(produced <= 10 * 1024, "{produced}");
        // Exactly at the budget is fine.
        let mut inflater = Inflater::new(15, true);
        let mut client = Compress::new_with_window_bits(Compression::default(), false, 15);
        let data = client_compress(&mut client, &zeros[..10 * 1024]);
        assert_eq!(
            inflate_all(&mut inflater, &data, 10 * 1024).unwrap().len(),
            10 * 1024
        );
        assert!(inflate_all(&mut inflater, &data, 10 * 1024 - 1).is_err());
    }

    #[test]
    fn corrupt_data() {
        let mut inflater = Inflater::new(15, false);
        let error = inflate_all(&mut inflater, &[0xff, 0xff, 0xff, 0xff], 100).unwrap_err();
        assert_eq!(error.code, CloseCode::PROTOCOL_ERROR);
    }

    #[test]
    fn split_input_gives_the_same_output() {
        let message = sample(5000, 3);
        let mut client = Compress::new_with_window_bits(Compression::default(), false, 15);
        let data = client_compress(&mut client, &message);
        for at in (0..=data.len()).step_by(7) {
            let mut inflater = Inflater::new(15, false);
            let mut out = Vec::new();
            let mut budget = usize::MAX;
            let mut sink = |piece: &[u8]| {
                out.extend_from_slice(piece);
                Ok(())
            };
            inflater
                .inflate(&data[..at], false, &mut budget, &mut sink)
                .unwrap();
            inflater
                .inflate(&data[at..], true, &mut budget, &mut sink)
                .unwrap();
            assert_eq!(out, message, "split at {at}");
        }
    }
}
