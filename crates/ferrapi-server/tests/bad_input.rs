//! Malformed and hostile request heads and bodies: each gets its exact status, a short
//! `text/plain; charset=utf-8` body, `connection: close`, and the server then closes; the app is
//! not called for a bad head; and a new connection afterwards is served normally.

#[macro_use]
mod common;

use common::*;
use ferrapi_server::Builder;

/// Sends `raw` on a new connection and checks the rejection described in the module docs.
/// `app_called` is whether the app may legitimately have run (body errors are found while the
/// app reads the body).
async fn check_rejected(b: Builder, raw: &[u8], status: u16, app_called: bool) {
    let (srv, calls) = serve_test_app(b).await;
    let mut c = srv.connect().await;
    c.send(raw).await;
    let r = match c.try_response(false).await {
        Ok(r) => r,
        Err(e) => panic!("no response to {:?}: {e:?}", String::from_utf8_lossy(raw)),
    };
    assert_eq!(
        r.status,
        status,
        "request {:?} got {r:?}",
        String::from_utf8_lossy(raw)
    );
    r.assert_error(status);
    c.expect_closed().await;
    if !app_called {
        assert_eq!(count(&calls), 0, "the app must not see a rejected head");
    }
    srv.assert_healthy().await;
}

macro_rules! rejects {
    ($($name:ident: $raw:expr => $status:expr;)*) => {
        $(
            async fn $name() {
                check_rejected(builder(), $raw, $status, false).await
            }
        )*
    };
}

macro_rules! rejects_body {
    ($($name:ident: $raw:expr => $status:expr;)*) => {
        $(
            async fn $name() {
                check_rejected(builder(), $raw, $status, true).await
            }
        )*
    };
}

rejects! {
    garbage_request_line: b"HELLO\r\n\r\n" => 400;
    binary_garbage: b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n" => 400;
    missing_target: b"GET HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    missing_version: b"GET /\r\nHost: x\r\n\r\n" => 400;
    double_space_in_request_line: b"GET  / HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    relative_target: b"GET foo HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    control_byte_in_target: b"GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    asterisk_target_for_get: b"GET * HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    invalid_method_byte: b"G(T / HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    unknown_protocol_name: b"GET / FOO/1.1\r\nHost: x\r\n\r\n" => 400;
    lowercase_protocol_name: b"GET / http/1.1\r\nHost: x\r\n\r\n" => 400;
    truncated_version: b"GET / HTTP/1\r\nHost: x\r\n\r\n" => 400;
    http2_version: b"GET / HTTP/2.0\r\nHost: x\r\n\r\n" => 505;
    http12_version: b"GET / HTTP/1.2\r\nHost: x\r\n\r\n" => 505;
    http30_version: b"GET / HTTP/3.0\r\nHost: x\r\n\r\n" => 505;
    space_in_target: b"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    space_in_target_unsupported_version: b"GET /a b HTTP/2.0\r\nHost: x\r\n\r\n" => 400;
    tab_in_target: b"GET /a\tb HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    two_words_in_target: b"GET / x HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    content_length_and_transfer_encoding:
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" => 400;
    transfer_encoding_and_content_length_zero:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 0\r\n\r\n0\r\n\r\n" => 400;
    two_different_content_lengths:
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!" => 400;
    content_length_list_differs:
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!" => 400;
    content_length_abc: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n" => 400;
    content_length_plus: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: +5\r\n\r\nhello" => 400;
    content_length_minus: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" => 400;
    content_length_empty: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: \r\n\r\n" => 400;
    content_length_hex: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0x5\r\n\r\nhello" => 400;
    content_length_inner_space: b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1 2\r\n\r\n" => 400;
    content_length_overflow:
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n" => 400;
    transfer_encoding_gzip_then_chunked:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n" => 501;
    transfer_encoding_split_gzip_then_chunked:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n" => 501;
    transfer_encoding_chunked_then_gzip:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n" => 400;
    transfer_encoding_chunked_twice:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" => 400;
    transfer_encoding_empty: b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: \r\n\r\n" => 400;
    // RFC 9112 §6.3: chunked not final (here: absent) is 400, even for an unknown coding.
    // (Regression: was 501.)
    transfer_encoding_without_chunked:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n" => 400;
    transfer_encoding_identity: b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: identity\r\n\r\n" => 400;
    transfer_encoding_chunked_then_empty_field:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: ,\r\n\r\n" => 400;
    transfer_encoding_in_http10:
        b"POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n" => 400;
    bare_cr_in_header: b"GET / HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n" => 400;
    bare_cr_in_request_line: b"GET /\r HTTP/1.1\r\nHost: x\r\n\r\n" => 400;
    bare_cr_in_header_value: b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n" => 400;
    obs_fold_space: b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n folded\r\n\r\n" => 400;
    obs_fold_tab: b"GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\n\tfolded\r\n\r\n" => 400;
    space_before_colon: b"GET / HTTP/1.1\r\nHost : x\r\n\r\n" => 400;
    tab_before_colon: b"GET / HTTP/1.1\r\nHost\t: x\r\n\r\n" => 400;
    space_before_colon_on_transfer_encoding:
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n" => 400;
    header_without_colon: b"GET / HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n" => 400;
    empty_header_name: b"GET / HTTP/1.1\r\nHost: x\r\n: v\r\n\r\n" => 400;
    control_byte_in_header_name: b"GET / HTTP/1.1\r\nHost: x\r\nX\x01A: 1\r\n\r\n" => 400;
    nul_in_header_value: b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x00b\r\n\r\n" => 400;
    del_in_header_value: b"GET / HTTP/1.1\r\nHost: x\r\nX-A: a\x7fb\r\n\r\n" => 400;
    missing_host: b"GET / HTTP/1.1\r\nX-A: 1\r\n\r\n" => 400;
    two_hosts: b"GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n" => 400;
}

rejects_body! {
    bad_chunk_size: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n" => 400;
    negative_chunk_size: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n-5\r\nhello\r\n0\r\n\r\n" => 400;
    chunk_size_overflow: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n11111111111111111\r\nhello\r\n0\r\n\r\n" => 400;
    chunk_size_line_bare_lf: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\nhello\r\n0\r\n\r\n" => 400;
    chunk_data_without_crlf: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX0\r\n\r\n" => 400;
    chunk_data_longer_than_size: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nhello\r\n0\r\n\r\n" => 400;
    chunk_extension_with_control_byte: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5;a=\x01\r\nhello\r\n0\r\n\r\n" => 400;
    bad_trailer_line: b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nno colon here\r\n\r\n" => 400;
}

/// Chunk extensions are skipped, but no more than 16 KiB of them per body.
async fn oversized_chunk_extensions() {
    let mut raw = b"POST /len HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".to_vec();
    for _ in 0..20 {
        raw.extend_from_slice(b"1;");
        raw.extend_from_slice(&[b'e'; 1000]);
        raw.extend_from_slice(b"\r\nx\r\n");
    }
    raw.extend_from_slice(b"0\r\n\r\n");
    check_rejected(builder(), &raw, 400, true).await;
}

/// Trailers are bounded to 16 KiB.
async fn oversized_trailers() {
    let mut raw =
        b"POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nx\r\n0\r\n"
            .to_vec();
    for i in 0..40 {
        raw.extend_from_slice(format!("x-t{i}: ").as_bytes());
        raw.extend_from_slice(&[b'v'; 500]);
        raw.extend_from_slice(b"\r\n");
    }
    raw.extend_from_slice(b"\r\n");
    check_rejected(builder(), &raw, 400, true).await;
}

async fn uri_too_long() {
    let target = format!("/{}", "a".repeat(100));
    let raw = format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n");
    check_rejected(builder().max_uri_length(64), raw.as_bytes(), 414, false).await;
}

async fn uri_at_the_limit_is_fine() {
    let (srv, _) = serve_test_app(builder().max_uri_length(64)).await;
    let target = format!("/p/{}", "a".repeat(61));
    assert_eq!(target.len(), 64);
    let (r, _c) = one_shot(
        srv.addr,
        format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n"),
    )
    .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.text(), target);
}

/// A request line that never ends is refused once it is longer than any acceptable one,
/// without waiting for the header timeout.
async fn uri_too_long_while_still_arriving() {
    let (srv, calls) = serve_test_app(builder().max_uri_length(64)).await;
    let mut c = srv.connect().await;
    c.send(format!("GET /{}", "a".repeat(300))).await;
    let start = std::time::Instant::now();
    let r = c.response().await;
    r.assert_error(414);
    assert!(start.elapsed() < std::time::Duration::from_secs(2));
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn head_too_large() {
    let raw = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "v".repeat(400)
    );
    check_rejected(builder().max_head_size(256), raw.as_bytes(), 431, false).await;
}

async fn head_too_large_while_still_arriving() {
    let (srv, calls) = serve_test_app(builder().max_head_size(256)).await;
    let mut c = srv.connect().await;
    c.send(format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Big: {}",
        "v".repeat(400)
    ))
    .await;
    let r = c.response().await;
    r.assert_error(431);
    c.expect_closed().await;
    assert_eq!(count(&calls), 0);
    srv.assert_healthy().await;
}

async fn head_of_many_small_lines_too_large() {
    let mut raw = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for i in 0..40 {
        raw.push_str(&format!("X-{i}: 0123456789\r\n"));
    }
    raw.push_str("\r\n");
    check_rejected(builder().max_head_size(256), raw.as_bytes(), 431, false).await;
}

async fn head_at_the_limit_is_fine() {
    let (srv, _) = serve_test_app(builder().max_head_size(256)).await;
    let prefix = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    let pad = 256 - prefix.len() - 4;
    let raw = format!("{prefix}{}\r\n\r\n", "v".repeat(pad));
    assert_eq!(raw.len(), 256);
    let (r, _c) = one_shot(srv.addr, raw).await;
    assert_eq!(r.status, 200);
}

async fn too_many_headers() {
    let raw = b"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n";
    check_rejected(builder().max_headers(4), raw, 431, false).await;
}

async fn headers_at_the_limit_are_fine() {
    let (srv, _) = serve_test_app(builder().max_headers(4)).await;
    let (r, _c) = one_shot(
        srv.addr,
        b"GET / HTTP/1.1\r\nHost: x\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n",
    )
    .await;
    assert_eq!(r.status, 200);
}

async fn too_many_headers_beyond_the_stack_slots() {
    // A limit above the engine's 128 stack slots uses the heap; both sides of it must hold.
    let (srv, _) = serve_test_app(builder().max_headers(200)).await;
    let mut ok = String::from("GET / HTTP/1.1\r\nHost: x\r\n");
    for i in 0..199 {
        ok.push_str(&format!("X-{i}: 1\r\n"));
    }
    let (r, _c) = one_shot(srv.addr, format!("{ok}\r\n")).await;
    assert_eq!(r.status, 200, "200 fields must be accepted");
    let (r, mut c) = one_shot(srv.addr, format!("{ok}X-Last: 1\r\n\r\n")).await;
    r.assert_error(431);
    c.expect_closed().await;
}

/// A rejected request followed by a lot of unread data still delivers the error response
/// (the server lingers instead of resetting the connection).
async fn rejection_survives_unread_trailing_data() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    let mut raw =
        b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n".to_vec();
    raw.extend(std::iter::repeat_n(b'z', 200 * 1024));
    c.send(raw).await;
    let r = c.response().await;
    r.assert_error(400);
    c.expect_closed().await;
}

/// A bad request pipelined behind a good one: the good one is answered first.
async fn bad_request_after_a_good_one() {
    let (srv, calls) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/9.9\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body, b"hello");
    let r = c.response().await;
    r.assert_error(505);
    c.expect_closed().await;
    assert_eq!(count(&calls), 1);
}

/// A chunked body with bad framing that the app never reads: the app has already answered,
/// so the response stands, but the connection cannot be reused.
async fn bad_chunked_body_not_read_by_the_app_closes() {
    let (srv, _) = serve_test_app(builder()).await;
    let mut c = srv.connect().await;
    c.send(b"POST /noread HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    let r = c.response().await;
    assert_eq!(r.text(), "early");
    c.expect_closed().await;
}

flavors!(
    garbage_request_line,
    binary_garbage,
    missing_target,
    missing_version,
    double_space_in_request_line,
    relative_target,
    control_byte_in_target,
    asterisk_target_for_get,
    invalid_method_byte,
    unknown_protocol_name,
    lowercase_protocol_name,
    truncated_version,
    http2_version,
    http12_version,
    http30_version,
    space_in_target,
    space_in_target_unsupported_version,
    tab_in_target,
    two_words_in_target,
    content_length_and_transfer_encoding,
    transfer_encoding_and_content_length_zero,
    two_different_content_lengths,
    content_length_list_differs,
    content_length_abc,
    content_length_plus,
    content_length_minus,
    content_length_empty,
    content_length_hex,
    content_length_inner_space,
    content_length_overflow,
    transfer_encoding_gzip_then_chunked,
    transfer_encoding_split_gzip_then_chunked,
    transfer_encoding_chunked_then_gzip,
    transfer_encoding_chunked_twice,
    transfer_encoding_empty,
    transfer_encoding_without_chunked,
    transfer_encoding_identity,
    transfer_encoding_chunked_then_empty_field,
    transfer_encoding_in_http10,
    bare_cr_in_header,
    bare_cr_in_request_line,
    bare_cr_in_header_value,
    obs_fold_space,
    obs_fold_tab,
    space_before_colon,
    tab_before_colon,
    space_before_colon_on_transfer_encoding,
    header_without_colon,
    empty_header_name,
    control_byte_in_header_name,
    nul_in_header_value,
    del_in_header_value,
    missing_host,
    two_hosts,
    bad_chunk_size,
    negative_chunk_size,
    chunk_size_overflow,
    chunk_size_line_bare_lf,
    chunk_data_without_crlf,
    chunk_data_longer_than_size,
    chunk_extension_with_control_byte,
    bad_trailer_line,
    oversized_chunk_extensions,
    oversized_trailers,
    uri_too_long,
    uri_at_the_limit_is_fine,
    uri_too_long_while_still_arriving,
    head_too_large,
    head_too_large_while_still_arriving,
    head_of_many_small_lines_too_large,
    head_at_the_limit_is_fine,
    too_many_headers,
    headers_at_the_limit_are_fine,
    too_many_headers_beyond_the_stack_slots,
    rejection_survives_unread_trailing_data,
    bad_request_after_a_good_one,
    bad_chunked_body_not_read_by_the_app_closes,
);
