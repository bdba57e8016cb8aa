//! [`FormParts`]: a `multipart/form-data` body the caller fills part by
//! part, by name, for operations whose spec does not say their parts.

use std::borrow::Cow;

use reqwest::multipart::{Form, Part};
use serde::Serialize;

use crate::{FilePart, FormError};

/// A `multipart/form-data` body the caller fills part by part.
///
/// The generated body type of an operation whose spec does not describe
/// its parts (no schema, any JSON, a choice of shapes) is this type: the
/// caller adds each part the API documents, by its name, in order.
///
/// ```
/// use client_support::{FilePart, FormParts};
///
/// let body = FormParts::new()
///     .text("prompt", "a lighthouse at dusk")
///     .file("image", FilePart::from_bytes(&b"\x89PNG..."[..]).file_name("in.png").content_type("image/png"))?
///     .json("options", &serde_json::json!({"seed": 7}))?;
/// assert_eq!(body.names(), ["prompt", "image", "options"]);
/// # Ok::<(), client_support::FormError>(())
/// ```
#[derive(Debug, Default)]
pub struct FormParts {
    parts: Vec<(Cow<'static, str>, Part)>,
}

impl FormParts {
    /// An empty form.
    pub fn new() -> Self {
        FormParts::default()
    }

    /// Adds a text part.
    pub fn text(mut self, name: impl Into<Cow<'static, str>>, value: impl Into<Cow<'static, str>>) -> Self {
        self.parts.push((name.into(), Part::text(value)));
        self
    }

    /// Adds a file part, streamed, with its file name and content type
    /// (`application/octet-stream` when it has none).
    pub fn file(mut self, name: impl Into<Cow<'static, str>>, file: FilePart) -> Result<Self, FormError> {
        let name = name.into();
        let (body, length, file_name, content_type) = file.into_pieces();
        let mut part = Part::stream_with_length(body, length);
        if let Some(file_name) = file_name {
            part = part.file_name(file_name);
        }
        let content_type = content_type.unwrap_or_else(|| "application/octet-stream".to_string());
        let part = part.mime_str(&content_type).map_err(|_| FormError::Part {
            part: name.to_string(),
            problem: format!("{content_type:?} is not a valid content type"),
        })?;
        self.parts.push((name, part));
        Ok(self)
    }

    /// Adds a part holding `value` as JSON, with `Content-Type:
    /// application/json`.
    pub fn json<T: Serialize + ?Sized>(
        mut self,
        name: impl Into<Cow<'static, str>>,
        value: &T,
    ) -> Result<Self, FormError> {
        let name = name.into();
        let json = serde_json::to_string(value).map_err(|e| FormError::Part {
            part: name.to_string(),
            problem: format!("cannot be serialized: {e}"),
        })?;
        let part = Part::text(json)
            .mime_str("application/json")
            .expect("a valid content type");
        self.parts.push((name, part));
        Ok(self)
    }

    /// The names of the parts, in order.
    pub fn names(&self) -> Vec<&str> {
        self.parts.iter().map(|(name, _)| name.as_ref()).collect()
    }

    /// The `reqwest` form, for `RequestBuilder::multipart`. It cannot fail
    /// (every part was checked when it was added); the `Result` matches the
    /// typed bodies' `into_form`.
    pub fn into_form(self) -> Result<Form, FormError> {
        Ok(self
            .parts
            .into_iter()
            .fold(Form::new(), |form, (name, part)| form.part(name, part)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_part_names_itself() {
        let err = FormParts::new()
            .file("photo", FilePart::from_bytes(&b"x"[..]).content_type("not a type"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "multipart part `photo`: \"not a type\" is not a valid content type"
        );
        let mut map = std::collections::BTreeMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        let err = FormParts::new().json(String::from("odd"), &map).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("multipart part `odd`: cannot be serialized"),
            "{err}"
        );
    }
}
