//! [`EmailStr`] and [`NameEmail`]: pydantic's `EmailStr` and `NameEmail` (feature `email`).
//!
//! pydantic validates e-mail addresses with the `email-validator` package (2.4,
//! `check_deliverability=False`, its other options at their defaults). This module is a port
//! of the syntax checks that package makes, in its order and with its words.
//!
//! # Reproduced
//!
//! * pydantic's own steps: more than 2048 characters is refused (`Length must not exceed 2048
//!   characters`); `Display Name <address>` is unwrapped first (the name kept for
//!   [`NameEmail`]); surrounding whitespace is trimmed.
//! * The local part (before the `@`): the dot-atom characters (ASCII letters, digits and
//!   ``!#$%&'*+-/=?^_`{|}~``, plus any non-ASCII character), no leading, trailing or doubled
//!   period; quoted local parts are refused (`Quoting the part before the @-sign is not
//!   allowed here.`); the RFC 2142 role names (`info`, `postmaster`…) are lowercased.
//! * The domain: letters, digits, hyphens and periods (and non-ASCII, converted with IDNA),
//!   lowercased; label rules (no leading or trailing period or hyphen, no `..`, no `-.`,
//!   `ab--` only as `xn--`), at most 253 characters and 63 per label, at least one period, a
//!   top-level domain ending with a letter, not a special-use name (`arpa`, `invalid`,
//!   `local`, `localhost`, `onion`, `test`), no bracketed IP address. A punycode domain is
//!   returned in Unicode (`jd@xn--bcher-kva.de` is `jd@bücher.de`), as email-validator
//!   normalises it.
//! * The whole address at most 254 bytes, in its three forms (as given, normalised, ASCII).
//! * Errors: `value_error`, `value is not a valid email address: {reason}` with `ctx`
//!   `{"reason": …}`, email-validator's reason (`An email address must have an @-sign.`,
//!   `The part after the @-sign is not valid. It should have a period.`, `The email address
//!   contains invalid characters before the @-sign: SPACE.`…). A JSON value that is not a
//!   string is `string_type` for [`EmailStr`], `name_email_type` for [`NameEmail`].
//! * **Schema**: `{"type": "string", "format": "email"}` and `{"type": "string", "format":
//!   "name-email"}`. **Serialisation**: the normalised address; a [`NameEmail`] as
//!   `name <address>` (the name quoted when it has an `@`).
//!
//! # Differs
//!
//! * Unicode details are approximated without Unicode's character database: the local part
//!   is not NFC-normalised, character categories ("unsafe characters": control, format,
//!   separator) are judged by std's `char` predicates and a short list of format characters,
//!   and characters other than the space are shown as `U+XXXX` where Python shows their
//!   Unicode name. Non-ASCII domains go through the `idna` crate (UTS 46), whose failures
//!   are worded `The part after the @-sign contains invalid characters (…)` with the crate's
//!   reason, not Python `idna`'s.
//! * An invalid bracketed address (`jd@[1.2.3]`) is reported as not allowed here, without
//!   Python's `ipaddress` reason.

use std::fmt;
use std::sync::LazyLock;

use regex::Regex;
use serde::{Serialize, Serializer};
use serde_json::{json, Value};

use crate::validation::{ctx, text_input, SchemaGenerator, Validate, Validator};

/// pydantic's `MAX_EMAIL_LENGTH`.
const MAX_EMAIL_LENGTH: usize = 2048;
/// email-validator's limits.
const EMAIL_MAX_LENGTH: usize = 254;
const DOMAIN_MAX_LENGTH: usize = 253;
const DNS_LABEL_LENGTH_LIMIT: usize = 63;
const SPECIAL_USE_DOMAIN_NAMES: [&str; 6] =
    ["arpa", "invalid", "local", "localhost", "onion", "test"];
const CASE_INSENSITIVE_MAILBOX_NAMES: [&str; 15] = [
    "info",
    "marketing",
    "sales",
    "support",
    "abuse",
    "noc",
    "security",
    "postmaster",
    "hostmaster",
    "usenet",
    "news",
    "webmaster",
    "www",
    "uucp",
    "ftp",
];

/// pydantic's `pretty_email_regex`, matched in full.
static PRETTY_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    let name_chars = r"[\w!#$%&'*+\-/=?^_`{|}~]";
    Regex::new(&format!(
        r#"\A\s*(?:((?:{name_chars}+\s+)*{name_chars}+)|"((?:[^"]|\")+)")?\s*<(.+)>\s*\z"#
    ))
    .expect("the pretty e-mail pattern compiles")
});

/// RFC 5322 `atext` (ASCII).
fn is_atext(c: char) -> bool {
    c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c)
}

/// `atext` with the non-ASCII range of RFC 6531.
fn is_atext_intl(c: char) -> bool {
    is_atext(c) || u32::from(c) >= 0x80
}

/// Whether `text` is a dot-atom of characters accepted by `atom`.
fn is_dot_atom(text: &str, atom: impl Fn(char) -> bool) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.chars().all(&atom))
}

/// Format characters (Unicode category `Cf`) and private-use ones likely in input.
fn is_format_or_private(c: char) -> bool {
    matches!(u32::from(c),
        0x00AD | 0x061C | 0x180E | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064
        | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB | 0xE000..=0xF8FF)
}

/// Whether Python's `unicodedata.category(c)` starts with L, N, P or S (approximately).
fn is_visible(c: char) -> bool {
    !(c.is_control() || c.is_whitespace() || is_format_or_private(c))
}

/// email-validator's `safe_character_display`.
fn safe_character_display(c: char) -> String {
    if c == '\\' {
        return "\"\\\"".to_string();
    }
    if is_visible(c) {
        return if c == '\'' {
            "\"'\"".to_string()
        } else {
            format!("'{c}'")
        };
    }
    match c {
        ' ' => "SPACE".to_string(),
        '\u{a0}' => "NO-BREAK SPACE".to_string(),
        _ if u32::from(c) < 0xFFFF => format!("U+{:04X}", u32::from(c)),
        _ => format!("U+{:08X}", u32::from(c)),
    }
}

/// The sorted, distinct displays of the characters of `text` that `bad` selects.
fn bad_chars(text: &str, bad: impl Fn(char) -> bool) -> Option<String> {
    let mut shown: Vec<String> = text
        .chars()
        .filter(|&c| bad(c))
        .map(safe_character_display)
        .collect();
    if shown.is_empty() {
        return None;
    }
    shown.sort();
    shown.dedup();
    Some(shown.join(", "))
}

/// email-validator's `get_length_reason`.
fn length_reason(len: usize, limit: usize) -> String {
    let diff = len - limit;
    format!(
        "({diff} character{} too many)",
        if diff > 1 { "s" } else { "" }
    )
}

type Reason = String;

/// email-validator's `check_unsafe_chars`.
fn check_unsafe_chars(text: &str, allow_space: bool) -> Result<(), Reason> {
    let mut bad: Vec<char> = Vec::new();
    for (i, c) in text.chars().enumerate() {
        let unsafe_char = if c.is_control() || is_format_or_private(c) {
            true
        } else if c.is_whitespace() {
            // Zs is allowed in quoted strings; line and paragraph separators never.
            !allow_space || matches!(c, '\u{2028}' | '\u{2029}')
        } else {
            // Combining marks cannot come first (approximated by the common ranges).
            i == 0 && matches!(u32::from(c), 0x0300..=0x036F | 0x20D0..=0x20FF)
        };
        if unsafe_char && !bad.contains(&c) {
            bad.push(c);
        }
    }
    if bad.is_empty() {
        return Ok(());
    }
    bad.sort();
    let shown: Vec<String> = bad.into_iter().map(safe_character_display).collect();
    Err(format!(
        "The email address contains unsafe characters: {}.",
        shown.join(", ")
    ))
}

/// email-validator's `check_dot_atom`.
fn check_dot_atom(label: &str, start: &str, end: &str, is_hostname: bool) -> Result<(), Reason> {
    if label.ends_with('.') {
        return Err(end.replace("{}", "period"));
    }
    if label.starts_with('.') {
        return Err(start.replace("{}", "period"));
    }
    if label.contains("..") {
        return Err("An email address cannot have two periods in a row.".into());
    }
    if is_hostname {
        if label.ends_with('-') {
            return Err(end.replace("{}", "hyphen"));
        }
        if label.starts_with('-') {
            return Err(start.replace("{}", "hyphen"));
        }
        if label.contains(".-") || label.contains("-.") {
            return Err(
                "An email address cannot have a period and a hyphen next to each other.".into(),
            );
        }
    }
    Ok(())
}

/// Splits at the first unquoted character of `specials`.
fn split_at_special(text: &str, specials: &[char]) -> Result<(String, String), Reason> {
    let mut inside_quote = false;
    let mut escaped = false;
    let mut left = String::new();
    let mut found = false;
    for c in text.chars() {
        if inside_quote {
            left.push(c);
            if c == '\\' && !escaped {
                escaped = true;
            } else if c == '"' && !escaped {
                inside_quote = false;
                escaped = false;
            } else {
                escaped = false;
            }
        } else if c == '"' {
            left.push(c);
            inside_quote = true;
        } else if specials.contains(&c) {
            found = true;
            break;
        } else {
            left.push(c);
        }
    }
    if !found {
        if text.contains('\u{FF20}') {
            return Err("The email address has the \"full-width\" at-sign (@) character instead of a regular at-sign.".into());
        }
        if text.contains('\u{FE6B}') {
            return Err("The email address has the \"small commercial at\" character instead of a regular at-sign.".into());
        }
        return Err("An email address must have an @-sign.".into());
    }
    let right = text[left.len()..].to_string();
    Ok((left, right))
}

/// Removes surrounding quotes and unescapes; whether it was quoted.
fn unquote(text: &str) -> Result<(String, bool), Reason> {
    let mut quoted = false;
    let mut escaped = false;
    let mut value = String::new();
    let count = text.chars().count();
    for (i, c) in text.chars().enumerate() {
        if quoted {
            if escaped {
                value.push(c);
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                if i != count - 1 {
                    let rest: Vec<String> = text
                        .chars()
                        .skip(i + 1)
                        .map(safe_character_display)
                        .collect();
                    return Err(format!(
                        "Extra character(s) found after close quote: {}",
                        rest.join(", ")
                    ));
                }
                break;
            } else {
                value.push(c);
            }
        } else if i == 0 && c == '"' {
            quoted = true;
        } else {
            value.push(c);
        }
    }
    Ok((value, quoted))
}

struct Split {
    display_name: Option<String>,
    local: String,
    unquoted_local: String,
    quoted: bool,
    domain: String,
}

/// email-validator's `split_email`.
fn split_email(email: &str) -> Result<Split, Reason> {
    let (left, right) = split_at_special(email, &['@', '<'])?;
    let (display_name, local, mut domain) = if right.starts_with('<') {
        let left = left.trim_end();
        let (display_name, quoted) = unquote(left)?;
        if !quoted {
            if let Some(bad) = bad_chars(&display_name, |c| (!is_atext(c) && c != ' ') || c == '.')
            {
                return Err(format!(
                    "The display name contains invalid characters when not quoted: {bad}."
                ));
            }
        }
        check_unsafe_chars(&display_name, true)?;
        if !right.contains('>') {
            return Err("An open angle bracket at the start of the email address has to be followed by a close angle bracket at the end.".into());
        }
        let right = right.trim_end_matches(' ');
        if !right.ends_with('>') {
            return Err("There can't be anything after the email address.".into());
        }
        let addr_spec = &right[1..right.len() - 1];
        let (local, domain) = split_at_special(addr_spec, &['@'])?;
        (Some(display_name), local, domain)
    } else {
        (None, left, right)
    };
    if let Some(rest) = domain.strip_prefix('@') {
        domain = rest.to_string();
    }
    let (unquoted_local, quoted) = unquote(&local)?;
    Ok(Split {
        display_name,
        local,
        unquoted_local,
        quoted,
        domain,
    })
}

/// The local part, normalised, and its ASCII form when it has one.
fn validate_local_part(local: &str, quoted: bool) -> Result<(String, Option<String>), Reason> {
    if local.is_empty() {
        return Err("There must be something before the @-sign.".into());
    }
    if is_dot_atom(local, is_atext) {
        return Ok((local.to_string(), Some(local.to_string())));
    }
    let mut valid = None;
    if is_dot_atom(local, is_atext_intl) {
        valid = Some(false);
    } else if quoted {
        if let Some(bad) = bad_chars(local, |c| {
            !(('\u{20}'..='\u{7e}').contains(&c) || u32::from(c) >= 0x80)
        }) {
            return Err(format!(
                "The email address contains invalid characters in quotes before the @-sign: {bad}."
            ));
        }
        valid = Some(true);
    }
    if let Some(is_quoted) = valid {
        check_unsafe_chars(local, is_quoted)?;
        let ascii = local.is_ascii();
        let local = if is_quoted {
            let escaped: String = local
                .chars()
                .flat_map(|c| {
                    if c == '"' || c == '\\' {
                        vec!['\\', c]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            format!("\"{escaped}\"")
        } else {
            local.to_string()
        };
        let ascii_local = ascii.then(|| local.clone());
        return Ok((local, ascii_local));
    }
    if let Some(bad) = bad_chars(local, |c| !(is_atext_intl(c) || c == '.')) {
        return Err(format!(
            "The email address contains invalid characters before the @-sign: {bad}."
        ));
    }
    check_dot_atom(
        local,
        "An email address cannot start with a {}.",
        "An email address cannot have a {} immediately before the @-sign.",
        false,
    )?;
    Err("The email address contains invalid characters before the @-sign.".into())
}

/// The domain, normalised (Unicode), and its ASCII form.
fn validate_domain(domain: &str) -> Result<(String, String), Reason> {
    let len = domain.chars().count();
    if len > DOMAIN_MAX_LENGTH {
        return Err(format!(
            "The email address is too long after the @-sign {}.",
            length_reason(len, DOMAIN_MAX_LENGTH)
        ));
    }
    let hostname_char =
        |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || u32::from(c) >= 0x80;
    if let Some(bad) = bad_chars(domain, |c| !hostname_char(c)) {
        return Err(format!(
            "The part after the @-sign contains invalid characters: {bad}."
        ));
    }
    check_unsafe_chars(domain, false)?;
    // UTS 46 mapping: case folding (and, for non-ASCII, the idna crate's mapping below).
    let mapped = domain.to_lowercase();
    check_dot_atom(
        &mapped,
        "An email address cannot have a {} immediately after the @-sign.",
        "An email address cannot end with a {}.",
        true,
    )?;
    for label in mapped.split('.') {
        let chars: Vec<char> = label.chars().take(4).collect();
        if chars.len() == 4
            && chars[2] == '-'
            && chars[3] == '-'
            && !(chars[0].eq_ignore_ascii_case(&'x') && chars[1].eq_ignore_ascii_case(&'n'))
        {
            return Err("An email address cannot have two letters followed by two dashes immediately after the @-sign or after a period, except Punycode.".into());
        }
    }
    let ascii_domain = if is_dot_atom(&mapped, |c| c.is_ascii_alphanumeric() || c == '-') {
        mapped.clone()
    } else {
        idna::domain_to_ascii(&mapped)
            .map_err(|e| format!("The part after the @-sign contains invalid characters ({e})."))?
    };
    if ascii_domain.len() > DOMAIN_MAX_LENGTH {
        let diff = ascii_domain.len() - DOMAIN_MAX_LENGTH;
        return Err(if ascii_domain == domain {
            format!(
                "The email address is too long after the @-sign {}.",
                length_reason(ascii_domain.len(), DOMAIN_MAX_LENGTH)
            )
        } else {
            format!(
                "The email address is too long after the @-sign ({diff} byte{} too many after IDNA encoding).",
                if diff == 1 { "" } else { "s" }
            )
        });
    }
    for label in ascii_domain.split('.') {
        if label.len() > DNS_LABEL_LENGTH_LIMIT {
            return Err(format!(
                "After the @-sign, periods cannot be separated by so many characters {}.",
                length_reason(label.len(), DNS_LABEL_LENGTH_LIMIT)
            ));
        }
    }
    if !ascii_domain.contains('.') {
        return Err("The part after the @-sign is not valid. It should have a period.".into());
    }
    if !ascii_domain
        .chars()
        .last()
        .is_some_and(|c| c.is_ascii_alphabetic())
    {
        return Err(
            "The part after the @-sign is not valid. It is not within a valid top-level domain."
                .into(),
        );
    }
    for name in SPECIAL_USE_DOMAIN_NAMES {
        if ascii_domain == name || ascii_domain.ends_with(&format!(".{name}")) {
            return Err("The part after the @-sign is a special-use or reserved name that cannot be used with email.".into());
        }
    }
    if !ascii_domain.contains("xn--") {
        return Ok((ascii_domain.clone(), ascii_domain));
    }
    let (unicode, result) = idna::domain_to_unicode(&ascii_domain);
    if let Err(e) = result {
        return Err(format!(
            "The part after the @-sign is not valid IDNA ({e})."
        ));
    }
    Ok((unicode, ascii_domain))
}

/// The bracketed form after the `@` (`[1.2.3.4]`, `[IPv6:…]`): never allowed by pydantic.
fn domain_literal(literal: &str) -> Reason {
    let allowed = "A bracketed IP address after the @-sign is not allowed here.".to_string();
    if !literal.is_empty() && literal.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return allowed;
    }
    if literal.len() >= 5 && literal[..5].eq_ignore_ascii_case("ipv6:") {
        return allowed;
    }
    if !literal.contains(':') {
        return "The part after the @-sign in brackets is not an IPv4 address and has no address literal tag.".into();
    }
    if let Some(bad) = bad_chars(literal, |c| !('\u{21}'..='\u{7e}').contains(&c)) {
        return format!(
            "The part after the @-sign contains invalid characters in brackets: {bad}."
        );
    }
    "The part after the @-sign contains an invalid address literal tag in brackets.".into()
}

/// email-validator's `validate_email_length`.
fn check_length(forms: [(&str, Option<&str>); 3]) -> Result<(), Reason> {
    for (addr, reason) in forms {
        let utf8_len = addr.len();
        if utf8_len <= EMAIL_MAX_LENGTH {
            continue;
        }
        let diff = utf8_len - EMAIL_MAX_LENGTH;
        let s = if diff > 1 { "s" } else { "" };
        let char_len = addr.chars().count();
        let reason = match reason {
            None if char_len == utf8_len => length_reason(utf8_len, EMAIL_MAX_LENGTH),
            None => {
                let per_char = addr.chars().map(char::len_utf8).max().unwrap_or(1);
                let chars = (diff / per_char).max(1);
                if chars == diff {
                    format!("({diff} character{s} too many)")
                } else {
                    format!("({chars}-{diff} character{s} too many)")
                }
            }
            Some(reason) => format!("{reason} ({diff} byte{s} too many)"),
        };
        return Err(format!("The email address is too long {reason}."));
    }
    Ok(())
}

/// email-validator's `validate_email` with pydantic's options: the normalised address and
/// the local part.
fn validate_address(email: &str) -> Result<(String, String), Reason> {
    let split = split_email(email)?;
    let (mut local, mut ascii_local) = validate_local_part(&split.unquoted_local, split.quoted)?;
    if split.quoted {
        return Err("Quoting the part before the @-sign is not allowed here.".into());
    }
    if let Some(ascii) = &ascii_local {
        if CASE_INSENSITIVE_MAILBOX_NAMES.contains(&ascii.to_lowercase().as_str()) {
            ascii_local = Some(ascii.to_lowercase());
            local = local.to_lowercase();
        }
    }
    let domain_part = &split.domain;
    if domain_part.is_empty() {
        return Err("There must be something after the @-sign.".into());
    }
    if domain_part.len() >= 2 && domain_part.starts_with('[') && domain_part.ends_with(']') {
        return Err(domain_literal(&domain_part[1..domain_part.len() - 1]));
    }
    let (domain, ascii_domain) = validate_domain(domain_part)?;
    let normalized = format!("{local}@{domain}");
    let original = format!("{}@{}", split.local, split.domain);
    let ascii = format!(
        "{}@{ascii_domain}",
        ascii_local.as_deref().unwrap_or(&local)
    );
    check_length([
        (&original, None),
        (&normalized, Some("after normalization")),
        (
            &ascii,
            Some("when the part after the @-sign is converted to IDNA ASCII"),
        ),
    ])?;
    if split.display_name.is_some() {
        return Err(
            "A display name and angle brackets around the email address are not permitted here."
                .into(),
        );
    }
    Ok((normalized, local))
}

/// pydantic's `validate_email`: the name (of `Name <address>`, else the local part) and the
/// normalised address.
fn validate_email(value: &str) -> Result<(String, String), Reason> {
    if value.chars().count() > MAX_EMAIL_LENGTH {
        return Err(format!(
            "Length must not exceed {MAX_EMAIL_LENGTH} characters"
        ));
    }
    let mut name = None;
    let mut address = value;
    if let Some(m) = PRETTY_EMAIL.captures(value) {
        name = m
            .get(1)
            .or_else(|| m.get(2))
            .map(|n| n.as_str().to_string());
        address = m.get(3).map_or(value, |a| a.as_str());
    }
    let (email, local) = validate_address(address.trim())?;
    Ok((name.unwrap_or(local), email))
}

fn record(v: &mut Validator, reason: Reason, input: Value) {
    v.error(
        "value_error",
        format!("value is not a valid email address: {reason}"),
        input,
        ctx([("reason", Value::String(reason))]),
    );
}

/// An e-mail address validated and normalised as pydantic's `EmailStr` does (the domain
/// lowercased and in Unicode; `Name <address>` unwrapped).
///
/// ```
/// use ferrapi::types::EmailStr;
///
/// let email = EmailStr::parse("John Doe <JD@Example.COM>").unwrap();
/// assert_eq!(email.as_str(), "JD@example.com");
/// assert_eq!(
///     EmailStr::parse("jd@localhost").unwrap_err(),
///     "The part after the @-sign is not valid. It should have a period."
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EmailStr(String);

impl EmailStr {
    /// Validates `text`; the error is email-validator's reason.
    pub fn parse(text: &str) -> Result<EmailStr, String> {
        validate_email(text).map(|(_, email)| EmailStr(email))
    }

    /// The normalised address.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The normalised address, owned.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for EmailStr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for EmailStr {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for EmailStr {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for EmailStr {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<EmailStr, D::Error> {
        let text = String::deserialize(deserializer)?;
        EmailStr::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[diagnostic::do_not_recommend]
impl Validate for EmailStr {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "email"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<EmailStr> {
        match input {
            Value::String(text) => match validate_email(text) {
                Ok((_, email)) => Some(EmailStr(email)),
                Err(reason) => {
                    record(v, reason, input.clone());
                    None
                }
            },
            _ => {
                v.error(
                    "string_type",
                    "Input should be a valid string",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<EmailStr> {
        match validate_email(input) {
            Ok((_, email)) => Some(EmailStr(email)),
            Err(reason) => {
                record(v, reason, text_input(input));
                None
            }
        }
    }
}

/// A name and an e-mail address (`John Doe <jd@example.com>`): pydantic's `NameEmail`. The
/// name is the display name when one is given, else the address's local part.
///
/// ```
/// use ferrapi::types::NameEmail;
///
/// let who = NameEmail::parse("John Doe <jd@example.com>").unwrap();
/// assert_eq!((who.name.as_str(), who.email.as_str()), ("John Doe", "jd@example.com"));
/// assert_eq!(NameEmail::parse("jd@example.com").unwrap().to_string(), "jd <jd@example.com>");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct NameEmail {
    /// The display name, or the local part of the address.
    pub name: String,
    /// The normalised address.
    pub email: String,
}

impl NameEmail {
    /// Validates `text`; the error is email-validator's reason.
    pub fn parse(text: &str) -> Result<NameEmail, String> {
        validate_email(text).map(|(name, email)| NameEmail { name, email })
    }
}

impl fmt::Display for NameEmail {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.name.contains('@') {
            write!(f, "\"{}\" <{}>", self.name, self.email)
        } else {
            write!(f, "{} <{}>", self.name, self.email)
        }
    }
}

impl Serialize for NameEmail {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for NameEmail {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<NameEmail, D::Error> {
        let text = String::deserialize(deserializer)?;
        NameEmail::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[diagnostic::do_not_recommend]
impl Validate for NameEmail {
    fn json_schema(_g: &mut SchemaGenerator) -> Value {
        json!({"type": "string", "format": "name-email"})
    }

    fn validate(input: &Value, v: &mut Validator) -> Option<NameEmail> {
        match input {
            Value::String(text) => match NameEmail::parse(text) {
                Ok(ne) => Some(ne),
                Err(reason) => {
                    record(v, reason, input.clone());
                    None
                }
            },
            _ => {
                v.error(
                    "name_email_type",
                    "Input is not a valid NameEmail",
                    input.clone(),
                    None,
                );
                None
            }
        }
    }

    fn validate_str(input: &str, v: &mut Validator) -> Option<NameEmail> {
        match NameEmail::parse(input) {
            Ok(ne) => Some(ne),
            Err(reason) => {
                record(v, reason, text_input(input));
                None
            }
        }
    }
}
