//! File arguments: the upload itself or its content (FastAPI's `UploadFile` and
//! `bytes = File()`).

use serde_json::Value;

use super::{Inputs, ParamSpec, Source};
use crate::validation::Validator;

/// A file's schema (FastAPI 0.129 and later: a string of `application/octet-stream`).
pub(super) fn file_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"type": "string", "contentMediaType": "application/octet-stream"})
}

/// A type a file argument can be: the upload itself, or its content.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a file argument",
    note = "a file argument is `UploadFile`, `Bytes`, `ByteString`, `Vec<u8>`, or an `Option` of one"
)]
pub trait FromFile: Sized {
    /// Whether the content is read into memory before the operation runs.
    const READ_CONTENT: bool = false;

    /// Whether the file may be absent.
    const OPTIONAL: bool = false;

    /// Takes the file named `name` from the inputs; `None` after recording an error.
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self>;
}

impl FromFile for ferrapi_toolkit::UploadFile {
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        match inputs.take_upload(name) {
            Some(file) => Some(file),
            None => {
                v.missing();
                None
            }
        }
    }
}

/// A plain form field sent where a file's content is expected: FastAPI reads its text's bytes
/// (`file: Annotated[bytes, File()]` given `file=abc`). An empty value is no value.
fn text_content(inputs: &Inputs<'_>, name: &str) -> Option<bytes::Bytes> {
    inputs
        .form_values(name)
        .last()
        .filter(|text| !text.is_empty())
        .map(|text| bytes::Bytes::copy_from_slice(text.as_bytes()))
}

impl FromFile for bytes::Bytes {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        match inputs
            .upload_content(name)
            .or_else(|| text_content(inputs, name))
        {
            Some(content) => Some(content),
            None => {
                v.missing();
                None
            }
        }
    }
}

impl FromFile for crate::types::ByteString {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take(inputs, name, v).map(Into::into)
    }
}

impl FromFile for Vec<u8> {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take(inputs, name, v).map(|b| b.to_vec())
    }
}

impl<T: FromFile> FromFile for Option<T> {
    const READ_CONTENT: bool = T::READ_CONTENT;
    const OPTIONAL: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        if inputs.has_upload(name) || (T::READ_CONTENT && text_content(inputs, name).is_some()) {
            T::take(inputs, name, v).map(Some)
        } else {
            Some(None)
        }
    }
}

#[doc(hidden)]
/// Reads one file argument; problems go to `v` at `["body", name]`.
pub fn extract_file<T: FromFile>(
    inputs: &Inputs<'_>,
    spec: &ParamSpec,
    v: &mut Validator,
) -> Option<T> {
    v.at(Source::File.loc(), |v| {
        v.at_key(spec.wire(), |v| T::take(inputs, spec.wire(), v))
    })
}
