//! Decoding what the API answers on success: the spec's task envelope, or
//! Ideogram's native image list.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api_error::{ApiError, ApiErrorKind, body_prefix};
use crate::error::Error;

/// A submitted task, as in the spec's `data` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// The task id.
    pub task_id: String,
    /// The task status, as the server words it (no values are documented).
    pub task_status: String,
    /// Creation time (Unix seconds, as sent).
    pub created_at: i64,
    /// Last update time (Unix seconds, as sent).
    pub updated_at: i64,
}

/// The spec's 200 envelope: `{code, message, request_id, data: Task}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskEnvelope {
    /// The server's code (0 or 2xx is success).
    pub code: i64,
    /// The server's message.
    pub message: String,
    /// The request id.
    pub request_id: String,
    /// The task.
    pub data: Task,
}

impl From<remix_raw::types::PostIdeogramRemixResponse> for TaskEnvelope {
    fn from(raw: remix_raw::types::PostIdeogramRemixResponse) -> Self {
        TaskEnvelope {
            code: raw.code,
            message: raw.message,
            request_id: raw.request_id,
            data: Task {
                task_id: raw.data.task_id,
                task_status: raw.data.task_status,
                created_at: raw.data.created_at,
                updated_at: raw.data.updated_at,
            },
        }
    }
}

/// One image of Ideogram's native answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GeneratedImage {
    /// Where to download it; `None` when the safety check held it back.
    /// Links expire: see [`GeneratedImage::expires_at`].
    pub url: Option<String>,
    /// The prompt used (after MagicPrompt, if it ran).
    pub prompt: String,
    /// The size, `WIDTHxHEIGHT` (may be outside the resolution list).
    pub resolution: String,
    /// The upscaled size, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upscaled_resolution: Option<String>,
    /// Whether the image passed the safety check.
    pub is_image_safe: bool,
    /// The seed used.
    pub seed: i64,
    /// The style used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub style_type: Option<String>,
}

impl GeneratedImage {
    /// When the image's link stops working, from its `exp` (Ideogram signs
    /// links that last 24 hours); `None` for a link without one, or no link.
    pub fn expires_at(&self) -> Option<SystemTime> {
        link_expiry(self.url.as_deref()?)
    }
}

/// The moment a link expires, from its `exp` query parameter (Unix
/// seconds), if it has one.
pub(crate) fn link_expiry(url: &str) -> Option<SystemTime> {
    let parsed = reqwest::Url::parse(url).ok()?;
    let exp = parsed.query_pairs().find(|(k, _)| k == "exp")?.1;
    let seconds: u64 = exp.parse().ok()?;
    UNIX_EPOCH.checked_add(Duration::from_secs(seconds))
}

/// Ideogram's native synchronous answer: `{created, data: [images]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImagesResponse {
    /// When the images were made (date-time text, as sent).
    pub created: String,
    /// The images.
    pub data: Vec<GeneratedImage>,
}

/// A successful remix: a task to wait for, or the images themselves.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum RemixResponse {
    /// The spec's task envelope.
    Task(TaskEnvelope),
    /// Ideogram's native image list.
    Images(ImagesResponse),
}

impl RemixResponse {
    /// The URLs of the images that have one (none for a task).
    pub fn image_urls(&self) -> Vec<&str> {
        match self {
            RemixResponse::Task(_) => Vec::new(),
            RemixResponse::Images(images) => images.data.iter().filter_map(|i| i.url.as_deref()).collect(),
        }
    }

    /// The task, for the envelope shape.
    pub fn task(&self) -> Option<&Task> {
        match self {
            RemixResponse::Task(envelope) => Some(&envelope.data),
            RemixResponse::Images(_) => None,
        }
    }

    /// The images, for the native shape.
    pub fn images(&self) -> &[GeneratedImage] {
        match self {
            RemixResponse::Task(_) => &[],
            RemixResponse::Images(images) => &images.data,
        }
    }

    /// The request id, for the envelope shape.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            RemixResponse::Task(envelope) => Some(&envelope.request_id),
            RemixResponse::Images(_) => None,
        }
    }

    /// Decodes a 2xx body: the task envelope (whose `code` must say
    /// success: 0 or 200 to 299) or the native image list. Anything else,
    /// including a failure envelope, is an error.
    ///
    /// The common cases parse once, straight into their types; only a body
    /// that fits neither goes through a generic JSON value, to say why.
    pub fn decode(status: u16, body: &[u8]) -> Result<Self, Error> {
        if let Ok(raw) = serde_json::from_slice::<remix_raw::types::PostIdeogramRemixResponse>(body)
            && is_success_code(raw.code)
        {
            return Ok(RemixResponse::Task(raw.into()));
        }
        if let Ok(native) = serde_json::from_slice::<NativeBody>(body)
            && native.code.is_none()
        {
            return Ok(RemixResponse::Images(ImagesResponse {
                created: native.created,
                data: native.data,
            }));
        }
        Err(Self::diagnose(status, body))
    }

    /// Why a 2xx body is not a success of either shape.
    fn diagnose(status: u16, body: &[u8]) -> Error {
        let decode_error = |reason: String| Error::Decode {
            status,
            reason,
            body_prefix: body_prefix(body),
        };
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return decode_error(format!("not JSON: {e}")),
        };
        let Some(object) = value.as_object() else {
            return decode_error("not a JSON object".into());
        };
        if let Some(code) = object.get("code") {
            if code.as_i64().is_none_or(|c| !is_success_code(c)) {
                let mut err = ApiError::from_answer(status, &|_| None, body, 1);
                err.kind = ApiErrorKind::Rejected;
                return Error::Api(Box::new(err));
            }
            return match serde_json::from_value::<remix_raw::types::PostIdeogramRemixResponse>(value) {
                Err(e) => decode_error(format!("a task envelope with a missing or mistyped field: {e}")),
                Ok(_) => decode_error("a task envelope that could not be decoded".into()),
            };
        }
        if object.contains_key("created") && object.get("data").is_some_and(Value::is_array) {
            return match serde_json::from_value::<ImagesResponse>(value) {
                Err(e) => decode_error(format!("an image list with a missing or mistyped field: {e}")),
                Ok(_) => decode_error("an image list that could not be decoded".into()),
            };
        }
        decode_error(
            "neither the task envelope {code, message, request_id, data} nor the image list {created, data}".into(),
        )
    }
}

/// The native shape, noting a `code` field: a body with one is an
/// envelope, never taken for an image list.
#[derive(Deserialize)]
struct NativeBody {
    created: String,
    data: Vec<GeneratedImage>,
    #[serde(default)]
    code: Option<serde::de::IgnoredAny>,
}

/// Whether an envelope `code` means success: 0, or 200 to 299.
fn is_success_code(code: i64) -> bool {
    code == 0 || (200..300).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_expires_at_its_exp() {
        let image = |url: Option<&str>| GeneratedImage {
            url: url.map(str::to_string),
            prompt: "p".into(),
            resolution: "1x1".into(),
            upscaled_resolution: None,
            is_image_safe: true,
            seed: 1,
            style_type: None,
        };
        let signed = image(Some(
            "https://ideogram.ai/api/images/ephemeral/abc.png?exp=1764123456&sig=0f",
        ));
        assert_eq!(
            signed.expires_at(),
            Some(UNIX_EPOCH + Duration::from_secs(1_764_123_456))
        );
        assert_eq!(image(Some("https://cdn.test/a.png")).expires_at(), None);
        assert_eq!(image(Some("https://cdn.test/a.png?exp=soon")).expires_at(), None);
        assert_eq!(image(None).expires_at(), None);
    }

    #[test]
    fn failure_envelope_is_an_error() {
        let body = br#"{"code":500,"message":"task failed","request_id":"r1","data":null}"#;
        match RemixResponse::decode(200, body) {
            Err(Error::Api(e)) => {
                assert_eq!(e.kind(), ApiErrorKind::Rejected);
                assert_eq!(e.code(), Some("500"));
                assert_eq!(e.message(), "task failed");
                assert_eq!(e.request_id(), Some("r1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_code_field_is_never_taken_for_an_image_list() {
        let body = br#"{"code": 500, "message": "failed", "created": "now", "data": []}"#;
        match RemixResponse::decode(200, body) {
            Err(Error::Api(e)) => assert_eq!(e.kind(), ApiErrorKind::Rejected),
            other => panic!("{other:?}"),
        }
        let ok = br#"{"created": "now", "data": []}"#;
        assert!(matches!(RemixResponse::decode(200, ok), Ok(RemixResponse::Images(_))));
    }

    #[test]
    fn neither_shape_is_a_decode_error() {
        let err = RemixResponse::decode(200, br#"{"hello":"world"}"#).unwrap_err();
        assert!(matches!(err, Error::Decode { status: 200, .. }), "{err}");
        let err = RemixResponse::decode(200, b"<html>").unwrap_err();
        assert!(
            matches!(err, Error::Decode { ref body_prefix, .. } if body_prefix == "<html>"),
            "{err}"
        );
    }
}
