//! What a request holds for its operation's arguments, read once: the body (JSON, form,
//! multipart) only when an argument wants it, within the app's limits.

use std::borrow::Cow;

use ferrapi_toolkit::{Error, Request};
use serde_json::Value;

use super::{pyjson, ParamSpec, Source};
use crate::validation::LocItem;

#[doc(hidden)]
/// The request, with its body read and parsed when an argument needs it. It borrows the
/// request rather than owning it: moving a request into it cost a copy of the whole request
/// per call (callgrind).
///
/// It is kept small (the form's parts are boxed, and only forms have them) because it lives in
/// every operation's future across its awaits.
#[derive(Debug)]
pub struct Inputs<'a> {
    pub(super) req: &'a Request,
    /// The body, when an argument read it (boxed: most operations have none).
    body: Option<Box<BodyInput>>,
    /// Arguments read from the body: with more than one, the body is keyed by their names.
    pub(super) body_args: usize,
    /// A JSON decode error is reported once, whatever the number of body arguments.
    pub(super) body_error_reported: std::sync::atomic::AtomicBool,
    /// What a form body holds, when an argument is a form field or a file.
    form: Option<Box<FormInputs>>,
}

/// The parts of a form body the arguments read.
#[derive(Debug, Default)]
struct FormInputs {
    /// The text fields, in order.
    fields: Vec<(String, String)>,
    /// The uploads of a multipart body, taken by the arguments that want them.
    uploads: std::sync::Mutex<Vec<(String, Option<ferrapi_toolkit::UploadFile>)>>,
    /// The content of the uploads that `Bytes` arguments want.
    contents: Vec<(String, bytes::Bytes)>,
}

#[derive(Debug)]
pub(super) enum BodyInput {
    NotRead,
    Missing,
    Json(Value),
    Text(Value),
    /// A JSON body that does not parse: its `json_invalid` error, and the text received (what
    /// FastAPI's `RequestValidationError.body` holds then).
    Invalid(Box<crate::validation::ErrorDetail>, Value),
}

impl<'a> Inputs<'a> {
    /// Reads the body if one of `specs` needs it. Errors reading it (too large, too slow, cut
    /// short) carry their own status. With `strict_content_type` off, a body without a
    /// content type is read as JSON (FastAPI's `strict_content_type=False`).
    pub async fn read(
        req: &'a mut Request,
        specs: &[ParamSpec],
        strict_content_type: bool,
    ) -> Result<Inputs<'a>, Error> {
        let body_args = specs
            .iter()
            .filter(|s| s.source == Source::Body && !s.raw)
            .count();
        let form_args = specs
            .iter()
            .any(|s| matches!(s.source, Source::Form | Source::File));
        if form_args {
            // Boxed: reading a form is a large future (multipart parsing, spooling uploads),
            // and inline it would be carried by every operation's future, form or not.
            return Box::pin(Self::read_form(req, specs)).await;
        }
        if body_args == 0 {
            if specs.iter().any(|s| s.raw) {
                // Read for a `RawBody` argument, kept by the request, never parsed.
                Box::pin(req.body()).await?;
            }
            return Ok(Inputs::from_request(req));
        }
        // Boxed for the same reason: reading a body is a future most operations never await.
        Box::pin(Self::read_body(req, body_args, strict_content_type)).await
    }

    async fn read_body(
        req: &'a mut Request,
        body_args: usize,
        strict_content_type: bool,
    ) -> Result<Inputs<'a>, Error> {
        let bytes = req.body().await?;
        let body = parse_body(req, &bytes, strict_content_type)?;
        let req: &'a Request = req;
        Ok(Inputs {
            body: Some(Box::new(body)),
            body_args,
            ..Inputs::from_request(req)
        })
    }

    /// FastAPI reads a form when any argument is a form field or a file; a body that is not a
    /// form gives an empty one (every such argument then reports `missing`). An empty file
    /// part (empty filename and content) is left out, as FastAPI leaves it out.
    async fn read_form(req: &'a mut Request, specs: &[ParamSpec]) -> Result<Inputs<'a>, Error> {
        let mut form = FormInputs::default();
        let uploads = form.uploads.get_mut().unwrap_or_else(|e| e.into_inner());
        for (name, value) in req.form().await? {
            match value {
                ferrapi_toolkit::FormValue::Text(text) => form.fields.push((name, text)),
                // What a browser sends for a file input left empty (no filename, no content)
                // is no value at all, as FastAPI reads it: a required file is missing, an
                // optional one `None`, and a list of files leaves it out.
                ferrapi_toolkit::FormValue::File(file)
                    if file.filename() == Some("") && file.size() == 0 => {}
                ferrapi_toolkit::FormValue::File(file) => {
                    let wanted = specs
                        .iter()
                        .any(|s| s.source == Source::File && s.read_content && s.name == name);
                    if wanted {
                        let content = file.read().await.map_err(Error::new)?;
                        form.contents.push((name.clone(), content));
                    }
                    uploads.push((name, Some(*file)));
                }
            }
        }
        let req: &'a Request = req;
        Ok(Inputs {
            form: Some(Box::new(form)),
            ..Inputs::from_request(req)
        })
    }

    /// The request alone, with no body (a WebSocket handshake, an app-scoped dependency).
    pub fn from_request(req: &'a Request) -> Inputs<'a> {
        Inputs {
            req,
            body: None,
            body_args: 0,
            body_error_reported: std::sync::atomic::AtomicBool::new(false),
            form: None,
        }
    }

    /// Every text field of the form, in order.
    pub(super) fn form_items(&self) -> impl Iterator<Item = (&str, &str)> {
        self.form
            .iter()
            .flat_map(|form| form.fields.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The values of a form field, in order.
    pub(super) fn form_values(&self, name: &str) -> Vec<&str> {
        let Some(form) = &self.form else {
            return Vec::new();
        };
        form.fields
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Takes the first upload named `name` not yet taken.
    pub fn take_upload(&self, name: &str) -> Option<ferrapi_toolkit::UploadFile> {
        let mut uploads = self.form.as_ref()?.uploads.lock().ok()?;
        uploads
            .iter_mut()
            .find(|(k, f)| k == name && f.is_some())
            .and_then(|(_, f)| f.take())
    }

    /// Whether an upload named `name` is there: its content was read, or it is not taken yet.
    pub(super) fn has_upload(&self, name: &str) -> bool {
        self.form.as_ref().is_some_and(|form| {
            form.contents.iter().any(|(k, _)| k == name)
                || form
                    .uploads
                    .lock()
                    .is_ok_and(|u| u.iter().any(|(k, f)| k == name && f.is_some()))
        })
    }

    /// The content of the `index`th upload named `name`, when an argument asked for it.
    pub fn upload_content(&self, name: &str, index: usize) -> Option<bytes::Bytes> {
        self.form
            .as_ref()?
            .contents
            .iter()
            .filter(|(k, _)| k == name)
            .nth(index)
            .map(|(_, c)| c.clone())
    }

    /// How many uploads named `name` the form has (read or not yet taken).
    pub(super) fn upload_count(&self, name: &str) -> usize {
        self.form.as_ref().map_or(0, |form| {
            let read = form.contents.iter().filter(|(k, _)| k == name).count();
            let waiting = form.uploads.lock().map_or(0, |u| {
                u.iter().filter(|(k, f)| k == name && f.is_some()).count()
            });
            read.max(waiting)
        })
    }

    /// The request.
    pub fn request(&self) -> &Request {
        self.req
    }

    pub(super) fn body(&self) -> &BodyInput {
        self.body.as_deref().unwrap_or(&BodyInput::NotRead)
    }

    /// The body as FastAPI's `RequestValidationError.body` holds it: the parsed JSON, or the
    /// text received when it is not JSON or does not parse.
    pub fn body_json(&self) -> Option<&Value> {
        match self.body() {
            // FastAPI's `exc.body`: the parsed JSON, or the text received when the body is not
            // JSON or does not parse.
            BodyInput::Json(v) | BodyInput::Text(v) | BodyInput::Invalid(_, v) => Some(v),
            _ => None,
        }
    }
}

/// FastAPI's rule: a body is JSON when its content type says so, or when it has none and
/// the operation is not `strict_content_type` (any other body is text, whatever the setting).
fn parse_body(req: &Request, bytes: &[u8], strict_content_type: bool) -> Result<BodyInput, Error> {
    if bytes.is_empty() {
        return Ok(BodyInput::Missing);
    }
    let json = match req.header("content-type") {
        // An empty header is no header (FastAPI tests `if not content_type_value`).
        None | Some("") => !strict_content_type,
        Some(ct) => is_json(Some(ct)),
    };
    if !json {
        return Ok(BodyInput::Text(Value::String(
            String::from_utf8_lossy(bytes).into_owned(),
        )));
    }
    // Python's `json.loads` reads bytes as UTF-8, without a byte order mark if there is one.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match serde_json::from_slice::<Value>(bytes) {
        Ok(value) => Ok(BodyInput::Json(value)),
        // Bytes that are not UTF-8 never reach the JSON parser in FastAPI: decoding fails
        // first, and that is its 400.
        Err(_) if std::str::from_utf8(bytes).is_err() => Err(crate::HTTPException::new(
            http::StatusCode::BAD_REQUEST,
            "There was an error parsing the body",
        )
        .into()),
        Err(err) => Ok(BodyInput::Invalid(
            Box::new(json_invalid(bytes, &err)),
            Value::String(String::from_utf8_lossy(bytes).into_owned()),
        )),
    }
}

/// `application/json` or any `*/*+json`, parameters ignored.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(ct) = content_type else {
        return false;
    };
    let essence = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match essence.split_once('/') {
        Some((_, sub)) => sub == "json" || sub.ends_with("+json"),
        None => false,
    }
}

/// FastAPI's `json_invalid` error: the message and position (in characters) of Python's
/// `json` module for the same fault ([`pyjson`]). The few documents Python accepts and
/// `serde_json` does not (`NaN`, numbers beyond `f64`, unpaired surrogates, nesting deeper than
/// 128) are reported as "Expecting value" where `serde_json` stopped.
fn json_invalid(bytes: &[u8], err: &serde_json::Error) -> crate::validation::ErrorDetail {
    let text = String::from_utf8_lossy(bytes);
    let (python, offset) = pyjson::decode_error(&text)
        .unwrap_or_else(|| ("Expecting value", serde_offset(&text, err)));
    crate::validation::ErrorDetail {
        kind: Cow::Borrowed("json_invalid"),
        loc: vec![LocItem::from("body"), LocItem::Index(offset)],
        msg: "JSON decode error".to_string(),
        input: Value::Object(Default::default()),
        ctx: crate::validation::ctx([("error", Value::String(python.to_string()))]),
    }
}

/// The character offset of `serde_json`'s error position.
fn serde_offset(text: &str, err: &serde_json::Error) -> usize {
    if err.is_eof() {
        return text.chars().count();
    }
    // serde_json reports 1-based line and column (in bytes) of the offending character.
    let mut offset = 0;
    for (i, line) in text.split('\n').enumerate() {
        if i + 1 == err.line() {
            let column = err.column().saturating_sub(1).min(line.len());
            return offset + line.get(..column).map_or(0, |l| l.chars().count());
        }
        offset += line.chars().count() + 1;
    }
    offset
}
