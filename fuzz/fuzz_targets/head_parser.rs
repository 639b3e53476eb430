//! Fuzzes the request-head parser: httparse plus ferrapi's framing, Host, version and size
//! rules. Any panic (including an integer overflow, with the debug assertions this crate's
//! profile keeps) is a bug. The entry point parses heads one after another, as pipelined
//! requests are, until the input is exhausted or rejected.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    ferrapi_server::fuzzing::fuzz_parse_head(data);
});
