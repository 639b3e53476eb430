//! Fuzzes the chunked request-body decoder. The first input byte picks the size of the pieces
//! the rest is fed in; the entry point asserts that decoding never panics and gives the same
//! result (data, trailers or error) whether the input arrives whole or in pieces.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrapi_server::fuzzing::fuzz_chunked(data);
});
