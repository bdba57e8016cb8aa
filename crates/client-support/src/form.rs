//! [`MultipartForm`]: a `multipart/form-data` body built part by part, the
//! way servers read it.

use std::fmt;

use reqwest::multipart::{Form, Part};
use serde::Serialize;
use serde_json::Value;

use crate::FilePart;

/// The content type of a file part whose file and spec name none.
const OCTET_STREAM: &str = "application/octet-stream";
/// The content type of a part holding JSON.
const APPLICATION_JSON: &str = "application/json";

/// A `multipart/form-data` body, built part by part.
///
/// - [`MultipartForm::file`] and [`MultipartForm::files`]: one part per
///   file, streamed, with its file name and content type.
/// - [`MultipartForm::value`]: any serializable value. Strings, numbers,
///   booleans and enums become text parts (an enum sends its wire value);
///   objects become one part holding their JSON, with `Content-Type:
///   application/json`; arrays become one part per item, all with the
///   same name; `null` (an unset `Option`) sends nothing. A spec
///   `encoding` content type that is JSON sends every item as JSON (a
///   string then goes with its quotes); any other one is set on text parts.
#[derive(Debug, Default)]
pub struct MultipartForm {
    // The parts, in order; the `Form` (and its random boundary) is made
    // once, in `into_form`.
    parts: Vec<(&'static str, Part)>,
}

/// Why a multipart body could not be built. Nothing was sent.
#[derive(Debug)]
#[non_exhaustive]
pub enum FormError {
    /// A value could not be serialized.
    Serialize {
        /// The part's name.
        part: &'static str,
        /// What serde said.
        source: serde_json::Error,
    },
    /// A content type is not a valid MIME type.
    ContentType {
        /// The part's name.
        part: &'static str,
        /// The content type given.
        content_type: String,
    },
    /// A part the caller named, in a [`FormParts`](crate::FormParts),
    /// cannot be built.
    Part {
        /// The part's name.
        part: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl fmt::Display for FormError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormError::Serialize { part, source } => {
                write!(f, "multipart part `{part}` cannot be serialized: {source}")
            }
            FormError::ContentType { part, content_type } => {
                write!(
                    f,
                    "multipart part `{part}`: {content_type:?} is not a valid content type"
                )
            }
            FormError::Part { part, problem } => write!(f, "multipart part `{part}`: {problem}"),
        }
    }
}

impl std::error::Error for FormError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            FormError::Serialize { source, .. } => Some(source),
            FormError::ContentType { .. } | FormError::Part { .. } => None,
        }
    }
}

impl<E> From<FormError> for progenitor_client::Error<E> {
    /// A body that cannot be built is an invalid request: nothing was sent.
    fn from(error: FormError) -> Self {
        progenitor_client::Error::InvalidRequest(error.to_string())
    }
}

/// One value part, before it becomes a `reqwest` part.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Encoded {
    /// Sent as is; the content type is the spec's, if it names one.
    Text(String),
    /// JSON text, sent as `application/json` (or the spec's JSON type).
    Json(String),
}

/// Whether `content_type` is JSON: `application/json` or any `+json`
/// structured-syntax type (`application/problem+json`), with or without
/// parameters, compared case-insensitively (RFC 6839).
fn is_json_or_json_suffix(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case(APPLICATION_JSON) || essence.to_ascii_lowercase().ends_with("+json")
}

/// How a serialized value goes on the wire: one entry per part.
fn encode(value: Value, encoding: Option<&str>) -> Vec<Encoded> {
    match value {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| encode_one(item, encoding))
            .collect(),
        other => encode_one(other, encoding).into_iter().collect(),
    }
}

fn encode_one(value: Value, encoding: Option<&str>) -> Option<Encoded> {
    if value.is_null() {
        return None;
    }
    if encoding.is_some_and(is_json_or_json_suffix) {
        return Some(Encoded::Json(value.to_string()));
    }
    Some(match value {
        Value::String(text) => Encoded::Text(text),
        Value::Number(_) | Value::Bool(_) => Encoded::Text(value.to_string()),
        Value::Object(_) | Value::Array(_) | Value::Null => Encoded::Json(value.to_string()),
    })
}

fn with_content_type(part: Part, name: &'static str, content_type: &str) -> Result<Part, FormError> {
    part.mime_str(content_type).map_err(|_| FormError::ContentType {
        part: name,
        content_type: content_type.to_string(),
    })
}

impl MultipartForm {
    /// An empty form.
    pub fn new() -> Self {
        MultipartForm::default()
    }

    fn push(&mut self, name: &'static str, part: Part) {
        self.parts.push((name, part));
    }

    /// Adds `file` as the part `name`, streamed with its length. Its content
    /// type is its own, else `encoding` (the spec's), else
    /// `application/octet-stream`.
    pub fn file(&mut self, name: &'static str, file: FilePart, encoding: Option<&str>) -> Result<(), FormError> {
        let (body, length, file_name, content_type) = file.into_pieces();
        let mut part = Part::stream_with_length(body, length);
        if let Some(file_name) = file_name {
            part = part.file_name(file_name);
        }
        let content_type = content_type.as_deref().or(encoding).unwrap_or(OCTET_STREAM);
        let part = with_content_type(part, name, content_type)?;
        self.push(name, part);
        Ok(())
    }

    /// Adds every file as a part named `name`, in order (an array of files).
    pub fn files(
        &mut self,
        name: &'static str,
        files: impl IntoIterator<Item = FilePart>,
        encoding: Option<&str>,
    ) -> Result<(), FormError> {
        files.into_iter().try_for_each(|file| self.file(name, file, encoding))
    }

    /// Adds `value` under `name`, as the type docs of [`MultipartForm`] say.
    pub fn value<T: Serialize + ?Sized>(
        &mut self,
        name: &'static str,
        value: &T,
        encoding: Option<&str>,
    ) -> Result<(), FormError> {
        let value = serde_json::to_value(value).map_err(|source| FormError::Serialize { part: name, source })?;
        for encoded in encode(value, encoding) {
            let part = match encoded {
                Encoded::Text(text) => match encoding {
                    Some(content_type) => with_content_type(Part::text(text), name, content_type)?,
                    None => Part::text(text),
                },
                Encoded::Json(json) => {
                    let content_type = encoding
                        .filter(|ct| is_json_or_json_suffix(ct))
                        .unwrap_or(APPLICATION_JSON);
                    with_content_type(Part::text(json), name, content_type)?
                }
            };
            self.push(name, part);
        }
        Ok(())
    }

    /// The `reqwest` form, for `RequestBuilder::multipart`.
    pub fn into_form(self) -> Form {
        self.parts
            .into_iter()
            .fold(Form::new(), |form, (name, part)| form.part(name, part))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn text(s: &str) -> Encoded {
        Encoded::Text(s.into())
    }

    fn json_text(s: &str) -> Encoded {
        Encoded::Json(s.into())
    }

    #[test]
    fn scalars_are_text_and_objects_are_json() {
        assert_eq!(encode(json!("a cat"), None), vec![text("a cat")]);
        assert_eq!(encode(json!(42), None), vec![text("42")]);
        assert_eq!(encode(json!(0.5), None), vec![text("0.5")]);
        assert_eq!(encode(json!(true), None), vec![text("true")]);
        assert_eq!(
            encode(json!({"name": "EMBER"}), None),
            vec![json_text(r#"{"name":"EMBER"}"#)]
        );
        assert_eq!(encode(Value::Null, None), vec![]);
    }

    #[test]
    fn arrays_repeat_the_part() {
        assert_eq!(
            encode(json!(["AB12CD34", "00FF00FF"]), None),
            vec![text("AB12CD34"), text("00FF00FF")]
        );
        assert_eq!(
            encode(json!([{"a": 1}, 2, null]), None),
            vec![json_text(r#"{"a":1}"#), text("2")]
        );
        assert_eq!(encode(json!([]), None), vec![]);
    }

    #[test]
    fn a_json_encoding_sends_every_item_as_json() {
        let ct = Some("application/json");
        assert_eq!(encode(json!("x"), ct), vec![json_text("\"x\"")]);
        assert_eq!(encode(json!(3), Some("application/vnd.api+json")), vec![json_text("3")]);
        assert_eq!(encode(json!("x"), Some("text/plain")), vec![text("x")]);
    }

    #[test]
    fn json_content_types_are_recognized() {
        assert!(is_json_or_json_suffix("application/json"));
        assert!(is_json_or_json_suffix("Application/JSON; charset=utf-8"));
        assert!(is_json_or_json_suffix("application/problem+json"));
        assert!(!is_json_or_json_suffix("text/plain"));
    }

    #[test]
    fn a_bad_content_type_names_the_part() {
        let mut form = MultipartForm::new();
        let err = form.value("prompt", "x", Some("not a type")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "multipart part `prompt`: \"not a type\" is not a valid content type"
        );
        let err = form
            .file("image", FilePart::from_bytes(&b"x"[..]).content_type("bad type"), None)
            .unwrap_err();
        assert!(err.to_string().contains("`image`"), "{err}");
        let converted: progenitor_client::Error<()> = err.into();
        assert!(matches!(converted, progenitor_client::Error::InvalidRequest(m) if m.contains("`image`")));
    }

    #[test]
    fn a_value_that_cannot_serialize_names_the_part() {
        let mut map = std::collections::BTreeMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        let err = MultipartForm::new().value("odd", &map, None).unwrap_err();
        assert!(matches!(err, FormError::Serialize { part: "odd", .. }), "{err}");
    }
}
