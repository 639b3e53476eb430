//! The `Date` header, rendered at most once a second per worker thread.
//!
//! Formatting an IMF-fixdate costs far more than comparing two integers, so each thread keeps
//! the last rendering and the second it was made for; responses within that second copy it.

use std::cell::RefCell;
use std::time::{SystemTime, UNIX_EPOCH};

/// Length of an IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`.
const DATE_LEN: usize = 29;

/// `date: ` + the date + CRLF: the whole header line is cached, so a response copies it once.
const LINE_LEN: usize = 6 + DATE_LEN + 2;

struct Cache {
    second: u64,
    line: [u8; LINE_LEN],
}

thread_local! {
    static CACHE: RefCell<Cache> = const {
        RefCell::new(Cache { second: u64::MAX, line: *b"date: Thu, 01 Jan 1970 00:00:00 GMT\r\n" })
    };
}

/// Appends the `date: …` header line for the current second to `dst`.
pub(crate) fn extend_header_line(dst: &mut Vec<u8>) {
    let now = SystemTime::now();
    let second = now
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if cache.second != second {
            let text = httpdate::fmt_http_date(now);
            if text.len() == DATE_LEN {
                cache.line[6..6 + DATE_LEN].copy_from_slice(text.as_bytes());
                cache.second = second;
            } else {
                // Dates past year 9999 do not fit the fixed format; send them uncached.
                dst.extend_from_slice(b"date: ");
                dst.extend_from_slice(text.as_bytes());
                dst.extend_from_slice(b"\r\n");
                return;
            }
        }
        dst.extend_from_slice(&cache.line);
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn renders_an_imf_fixdate() {
        let mut out = Vec::new();
        super::extend_header_line(&mut out);
        let line = std::str::from_utf8(&out).unwrap();
        let text = line
            .strip_prefix("date: ")
            .and_then(|t| t.strip_suffix("\r\n"))
            .unwrap();
        assert_eq!(text.len(), super::DATE_LEN);
        assert!(text.ends_with(" GMT"), "{text}");
        assert!(httpdate::parse_http_date(text).is_ok(), "{text}");
    }
}
