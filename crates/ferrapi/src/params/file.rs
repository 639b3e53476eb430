//! File arguments: the upload itself or its content (FastAPI's `UploadFile` and
//! `bytes = File()`).

use serde_json::Value;

use super::{Inputs, ParamSpec, Source};
use crate::validation::Validator;

/// A file's schema (FastAPI 0.129 and later: a string of `application/octet-stream`).
pub(super) fn file_schema(_g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"type": "string", "contentMediaType": "application/octet-stream"})
}

/// The schema of a list of files: an array of [`file_schema`].
pub(super) fn files_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"type": "array", "items": file_schema(g)})
}

/// An optional file: [`file_schema`] or `null`.
pub(super) fn optional_file_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"anyOf": [file_schema(g), {"type": "null"}]})
}

/// An optional list of files: [`files_schema`] or `null`.
pub(super) fn optional_files_schema(g: &mut crate::validation::SchemaGenerator) -> Value {
    serde_json::json!({"anyOf": [files_schema(g), {"type": "null"}]})
}

/// FastAPI's answer to a text field where an `UploadFile` is expected.
fn not_an_upload(text: &str, v: &mut Validator) {
    v.error(
        "value_error",
        "Value error, Expected UploadFile, received: <class 'str'>",
        Value::String(text.to_owned()),
        crate::validation::ctx([("error", Value::Object(serde_json::Map::new()))]),
    );
}

/// A type a file argument can be: the upload itself, or its content.
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a file argument",
    note = "a file argument is `UploadFile`, `Bytes`, `ByteString`, `Vec<u8>`, a `Vec` of one (several files of the same name), or an `Option` of one"
)]
pub trait FromFile: Sized {
    /// Whether the content is read into memory before the operation runs.
    const READ_CONTENT: bool = false;

    /// Whether the file may be absent.
    const OPTIONAL: bool = false;

    /// Whether every file of the name is taken (a list of files).
    const LIST: bool = false;

    /// Takes the file named `name` from the inputs; `None` after recording an error.
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self>;

    /// Takes the `index`th file named `name` (an item of a list of files). The default takes
    /// the next one not taken yet, which is the `index`th when a list takes them in order.
    fn take_nth(inputs: &Inputs<'_>, name: &str, index: usize, v: &mut Validator) -> Option<Self> {
        let _ = index;
        Self::take(inputs, name, v)
    }
}

impl FromFile for ferrapi_toolkit::UploadFile {
    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        match inputs.take_upload(name) {
            Some(file) => Some(file),
            None => {
                match inputs.form_values(name).last() {
                    Some(text) if !text.is_empty() => not_an_upload(text, v),
                    _ => v.missing(),
                }
                None
            }
        }
    }
}

impl FromFile for bytes::Bytes {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        Self::take_nth(inputs, name, 0, v)
    }

    fn take_nth(inputs: &Inputs<'_>, name: &str, index: usize, v: &mut Validator) -> Option<Self> {
        match inputs.upload_content(name, index) {
            Some(content) => Some(content),
            // A text field where a file is expected is its bytes, as FastAPI reads it.
            None => match inputs.form_values(name).last() {
                Some(text) if index == 0 && !text.is_empty() => {
                    Some(bytes::Bytes::copy_from_slice(text.as_bytes()))
                }
                _ => {
                    v.missing();
                    None
                }
            },
        }
    }
}

impl FromFile for crate::types::ByteString {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take(inputs, name, v).map(Into::into)
    }

    fn take_nth(inputs: &Inputs<'_>, name: &str, index: usize, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take_nth(inputs, name, index, v).map(Into::into)
    }
}

impl FromFile for Vec<u8> {
    const READ_CONTENT: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take(inputs, name, v).map(|b| b.to_vec())
    }

    fn take_nth(inputs: &Inputs<'_>, name: &str, index: usize, v: &mut Validator) -> Option<Self> {
        bytes::Bytes::take_nth(inputs, name, index, v).map(|b| b.to_vec())
    }
}

/// Every file of the name, in order (FastAPI's `list[UploadFile]`, `list[bytes] = File()`):
/// none at all is `missing`.
impl<T: FromFile> FromFile for Vec<T> {
    const READ_CONTENT: bool = T::READ_CONTENT;
    const LIST: bool = true;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        let count = inputs.upload_count(name);
        if count == 0 {
            v.missing();
            return None;
        }
        let mut files = Vec::with_capacity(count);
        for index in 0..count {
            files.push(v.at(index, |v| T::take_nth(inputs, name, index, v))?);
        }
        Some(files)
    }
}

impl<T: FromFile> FromFile for Option<T> {
    const READ_CONTENT: bool = T::READ_CONTENT;
    const OPTIONAL: bool = true;
    const LIST: bool = T::LIST;

    fn take(inputs: &Inputs<'_>, name: &str, v: &mut Validator) -> Option<Self> {
        let text = inputs
            .form_values(name)
            .last()
            .is_some_and(|t| !t.is_empty());
        if inputs.has_upload(name) || text {
            T::take(inputs, name, v).map(Some)
        } else {
            Some(None)
        }
    }

    fn take_nth(inputs: &Inputs<'_>, name: &str, index: usize, v: &mut Validator) -> Option<Self> {
        T::take_nth(inputs, name, index, v).map(Some)
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
