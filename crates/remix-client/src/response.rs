//! Decoding what the API answers on success: the spec's task envelope, or
//! Ideogram's native image list.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::api_error::{ApiError, ApiErrorKind, body_prefix};
use crate::error::Error;

/// The JSON fields of an answer this crate does not know yet (the API may
/// add fields at any time), as sent.
pub type Extra = serde_json::Map<String, Value>;

/// A submitted task, as in the spec's `data` object.
///
/// `#[non_exhaustive]`: the API may add fields, which arrive in
/// [`Task::extra`] until this crate knows them; build one with
/// [`Task::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Task {
    /// The task id.
    pub task_id: String,
    /// The task status, as the server words it (no values are documented).
    pub task_status: String,
    /// Creation time (Unix seconds, as sent).
    pub created_at: i64,
    /// Last update time (Unix seconds, as sent).
    pub updated_at: i64,
    /// Fields the API sent that this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

impl Task {
    /// A task of these fields (no others).
    pub fn new(task_id: impl Into<String>, task_status: impl Into<String>, created_at: i64, updated_at: i64) -> Self {
        Task {
            task_id: task_id.into(),
            task_status: task_status.into(),
            created_at,
            updated_at,
            extra: Extra::new(),
        }
    }
}

/// The spec's 200 envelope: `{code, message, request_id, data: Task}`.
///
/// `#[non_exhaustive]`, with [`TaskEnvelope::extra`] for fields this crate
/// does not know yet; build one with [`TaskEnvelope::new`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskEnvelope {
    /// The server's code (0 or 2xx is success).
    pub code: i64,
    /// The server's message.
    pub message: String,
    /// The request id.
    pub request_id: String,
    /// The task.
    pub data: Task,
    /// Fields the API sent that this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

impl TaskEnvelope {
    /// An envelope of these fields (no others).
    pub fn new(code: i64, message: impl Into<String>, request_id: impl Into<String>, data: Task) -> Self {
        TaskEnvelope {
            code,
            message: message.into(),
            request_id: request_id.into(),
            data,
            extra: Extra::new(),
        }
    }
}

/// One image of Ideogram's native answer.
///
/// `#[non_exhaustive]`, with [`GeneratedImage::extra`] for fields this
/// crate does not know yet; build one with [`GeneratedImage::new`] and set
/// the optional fields after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
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
    /// Fields the API sent that this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

impl GeneratedImage {
    /// An image of these fields, without an upscaled size, a style or
    /// other fields.
    pub fn new(
        url: Option<String>,
        prompt: impl Into<String>,
        resolution: impl Into<String>,
        is_image_safe: bool,
        seed: i64,
    ) -> Self {
        GeneratedImage {
            url,
            prompt: prompt.into(),
            resolution: resolution.into(),
            upscaled_resolution: None,
            is_image_safe,
            seed,
            style_type: None,
            extra: Extra::new(),
        }
    }

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
///
/// `#[non_exhaustive]`, with [`ImagesResponse::extra`] for fields this
/// crate does not know yet; build one with [`ImagesResponse::new`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImagesResponse {
    /// When the images were made (date-time text, as sent).
    pub created: String,
    /// The images.
    pub data: Vec<GeneratedImage>,
    /// Fields the API sent that this crate does not know yet.
    #[serde(flatten)]
    pub extra: Extra,
}

impl ImagesResponse {
    /// An image list of these fields (no others).
    pub fn new(created: impl Into<String>, data: Vec<GeneratedImage>) -> Self {
        ImagesResponse {
            created: created.into(),
            data,
            extra: Extra::new(),
        }
    }
}

/// A successful remix: a task to wait for, or the images themselves.
///
/// `#[non_exhaustive]`: a shape the API may answer with later is a new
/// variant, so a `match` needs a `_` arm.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
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
        if let Ok(envelope) = serde_json::from_slice::<TaskEnvelope>(body)
            && is_success_code(envelope.code)
        {
            return Ok(RemixResponse::Task(envelope));
        }
        if let Ok(native) = serde_json::from_slice::<ImagesResponse>(body)
            && !native.extra.contains_key("code")
        {
            return Ok(RemixResponse::Images(native));
        }
        Err(Self::diagnose(status, body))
    }

    /// Why a 2xx body is not a success of either shape.
    fn diagnose(status: u16, body: &[u8]) -> Error {
        let decode_error = |reason: String| Error::Decode {
            status,
            reason,
            body_prefix: body_prefix(body),
            request_id: None,
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
            return match serde_json::from_value::<TaskEnvelope>(value) {
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

/// Whether an envelope `code` means success: 0, or 200 to 299.
fn is_success_code(code: i64) -> bool {
    code == 0 || (200..300).contains(&code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_expires_at_its_exp() {
        let image = |url: Option<&str>| GeneratedImage::new(url.map(str::to_string), "p", "1x1", true, 1);
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
    fn fields_this_crate_does_not_know_stay_reachable() {
        let body = br#"{"code":0,"message":"ok","request_id":"r","cost":3,"data":{"task_id":"t","task_status":"queued","created_at":1,"updated_at":2,"eta":9}}"#;
        let RemixResponse::Task(envelope) = RemixResponse::decode(200, body).unwrap() else {
            panic!()
        };
        assert_eq!(envelope.extra["cost"], 3);
        assert_eq!(envelope.data.extra["eta"], 9);
        let body = br#"{"created":"now","credits":1,"data":[{"url":null,"prompt":"p","resolution":"1x1","is_image_safe":false,"seed":1,"nsfw_score":0.9}]}"#;
        let RemixResponse::Images(images) = RemixResponse::decode(200, body).unwrap() else {
            panic!()
        };
        assert_eq!(images.extra["credits"], 1);
        assert_eq!(images.data[0].extra["nsfw_score"], 0.9);
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
