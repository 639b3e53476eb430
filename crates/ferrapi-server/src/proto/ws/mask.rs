//! Payload masking (RFC 6455 §5.3): every client-to-server payload byte is XORed with the
//! 4-byte masking key, byte `i` with `key[i % 4]`.
//!
//! The fast path works on 8-byte words: the key is repeated into a `u64` and each word of the
//! payload is XORed with it. The words are read and written through `from_ne_bytes` /
//! `to_ne_bytes` on `chunks_exact_mut(8)`, which compiles to unaligned loads and stores (and
//! vectorises), so there is no aligned head to peel off and no `unsafe`; only the last
//! `len % 8` bytes take the byte loop. A payload that arrives in pieces is unmasked piece by
//! piece with the running `offset` (bytes of this payload already unmasked), which rotates the
//! key into phase.

/// XORs `buf` in place with `key`, as payload bytes `offset..offset + buf.len()` of a frame.
///
/// Masking is an involution: applying it twice restores the input.
pub(crate) fn apply_mask(buf: &mut [u8], key: [u8; 4], offset: usize) {
    let key = rotate(key, offset);
    let word = u64::from_ne_bytes([
        key[0], key[1], key[2], key[3], key[0], key[1], key[2], key[3],
    ]);
    let mut words = buf.chunks_exact_mut(8);
    for chunk in &mut words {
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(chunk);
        chunk.copy_from_slice(&(u64::from_ne_bytes(bytes) ^ word).to_ne_bytes());
    }
    // The words covered a multiple of 8 bytes, so the tail starts in phase with `key`.
    for (i, byte) in words.into_remainder().iter_mut().enumerate() {
        *byte ^= key[i & 3];
    }
}

/// The reference byte-at-a-time loop: kept for the tests and the throughput comparison.
#[cfg(test)]
pub(crate) fn apply_mask_bytewise(buf: &mut [u8], key: [u8; 4], offset: usize) {
    for (i, byte) in buf.iter_mut().enumerate() {
        *byte ^= key[(offset + i) & 3];
    }
}

/// `key` as seen from payload byte `offset`: `rotate(key, 1) = [k1, k2, k3, k0]`.
fn rotate(key: [u8; 4], offset: usize) -> [u8; 4] {
    let mut key = key;
    key.rotate_left(offset & 3);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: [u8; 4] = [0x37, 0xfa, 0x21, 0x3d];

    fn sample(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 + 7) as u8).collect()
    }

    #[test]
    fn rfc_example() {
        // RFC 6455 §5.7: a masked "Hello" with key 37 fa 21 3d.
        let mut payload = *b"Hello";
        apply_mask(&mut payload, KEY, 0);
        assert_eq!(payload, [0x7f, 0x9f, 0x4d, 0x51, 0x58]);
        apply_mask(&mut payload, KEY, 0);
        assert_eq!(&payload, b"Hello");
    }

    #[test]
    fn matches_bytewise_for_every_length_and_offset() {
        for len in 0..80 {
            for offset in 0..8 {
                let mut fast = sample(len);
                let mut slow = fast.clone();
                apply_mask(&mut fast, KEY, offset);
                apply_mask_bytewise(&mut slow, KEY, offset);
                assert_eq!(fast, slow, "len {len} offset {offset}");
            }
        }
    }

    #[test]
    fn unaligned_subslices() {
        let original = sample(300);
        for start in 0..9 {
            let mut fast = original.clone();
            let mut slow = original.clone();
            apply_mask(&mut fast[start..], KEY, 0);
            apply_mask_bytewise(&mut slow[start..], KEY, 0);
            assert_eq!(fast, slow, "start {start}");
        }
    }

    #[test]
    fn piecewise_equals_whole() {
        let original = sample(1000);
        let mut whole = original.clone();
        apply_mask(&mut whole, KEY, 0);
        for split in [1, 2, 3, 5, 7, 8, 13, 500, 999] {
            let mut pieces = original.clone();
            let (a, b) = pieces.split_at_mut(split);
            apply_mask(a, KEY, 0);
            apply_mask(b, KEY, split);
            assert_eq!(pieces, whole, "split {split}");
        }
    }
}
