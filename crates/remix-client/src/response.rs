//! Decoding what the API answers: the spec's task envelope, Ideogram's
//! native image list, and error bodies of every kind seen in the wild.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::{ApiError, ApiErrorKind, BODY_PREFIX_LEN, Error};

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
    /// Links expire (resellers say after 24 hours).
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
                let mut err = api_error(status, None, body, 1);
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

/// The first [`BODY_PREFIX_LEN`] bytes of a body, as lossy UTF-8.
pub fn body_prefix(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(BODY_PREFIX_LEN)]).into_owned()
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// Builds the API error for an error answer, reading whatever the body
/// offers: `message`, `error` (text or object), `detail`, `code`,
/// `reject_reason`, `request_id`.
pub fn api_error(status: u16, headers: Option<&reqwest::header::HeaderMap>, body: &[u8], attempts: u32) -> ApiError {
    api_error_with(status, &|name| header_text(headers, name), body, attempts)
}

fn header_text(headers: Option<&reqwest::header::HeaderMap>, name: &str) -> Option<String> {
    headers
        .and_then(|h| h.get(name))
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

/// [`api_error`] with headers looked up by `header(name)`.
pub(crate) fn api_error_with(
    status: u16,
    header: &dyn Fn(&str) -> Option<String>,
    body: &[u8],
    attempts: u32,
) -> ApiError {
    let json: Option<Value> = serde_json::from_slice(body).ok();
    let object = json.as_ref().and_then(Value::as_object);
    let nested = object.and_then(|o| o.get("error")).and_then(Value::as_object);
    let field =
        |key: &str| text_of(object.and_then(|o| o.get(key))).or_else(|| text_of(nested.and_then(|n| n.get(key))));

    let content_type = header("content-type");
    let message = field("message")
        .or_else(|| text_of(object.and_then(|o| o.get("error"))))
        .or_else(|| field("detail"))
        .unwrap_or_else(|| describe_body(status, content_type.as_deref(), body));
    ApiError {
        status,
        kind: ApiErrorKind::from_status(status),
        code: field("code").or_else(|| nested.and_then(|n| text_of(n.get("type")))),
        message,
        reason: field("reject_reason"),
        request_id: field("request_id").or_else(|| header("x-request-id")),
        retry_after: header("retry-after").and_then(|v| parse_retry_after(v.trim(), SystemTime::now())),
        attempts,
        body_prefix: body_prefix(body),
    }
}

fn describe_body(status: u16, content_type: Option<&str>, body: &[u8]) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("unknown status");
    if body.is_empty() {
        return format!("{reason} (empty body)");
    }
    let kind = content_type.unwrap_or("unknown");
    let looks_html = content_type.is_some_and(|c| c.contains("html"))
        || body_prefix(body)
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
        || body_prefix(body).trim_start().to_ascii_lowercase().starts_with("<html");
    if looks_html {
        format!("{reason} (an HTML page, probably from the gateway)")
    } else {
        format!("{reason} (a {kind} body that is not a JSON error)")
    }
}

/// Parses a `Retry-After` value (seconds, or an HTTP date relative to `now`;
/// a date in the past means no wait).
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>()
        && seconds.is_finite()
        && seconds >= 0.0
    {
        return Some(Duration::from_secs_f64(seconds.min(1e9)));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_both_forms() {
        let now = httpdate::parse_http_date("Wed, 25 Nov 2026 05:00:00 GMT").unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after("0.5", now), Some(Duration::from_millis(500)));
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 05:00:07 GMT", now),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            parse_retry_after("Wed, 25 Nov 2026 04:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-1", now), None);
    }

    #[test]
    fn failure_envelope_is_an_error() {
        let body = br#"{"code":500,"message":"task failed","request_id":"r1","data":null}"#;
        match RemixResponse::decode(200, body) {
            Err(Error::Api(e)) => {
                assert_eq!(e.kind, ApiErrorKind::Rejected);
                assert_eq!(e.code.as_deref(), Some("500"));
                assert_eq!(e.message, "task failed");
                assert_eq!(e.request_id.as_deref(), Some("r1"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_code_field_is_never_taken_for_an_image_list() {
        let body = br#"{"code": 500, "message": "failed", "created": "now", "data": []}"#;
        match RemixResponse::decode(200, body) {
            Err(Error::Api(e)) => assert_eq!(e.kind, ApiErrorKind::Rejected),
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

    #[test]
    fn error_bodies_of_every_kind() {
        let e = api_error(
            429,
            None,
            br#"{"error":"too many","reject_reason":"inflight_limit"}"#,
            3,
        );
        assert_eq!((e.kind, e.message.as_str()), (ApiErrorKind::RateLimited, "too many"));
        assert_eq!(e.reason.as_deref(), Some("inflight_limit"));
        assert_eq!(e.attempts, 3);
        let e = api_error(
            402,
            None,
            br#"{"error":{"message":"no balance","code":"insufficient_funds"}}"#,
            1,
        );
        assert_eq!(e.code.as_deref(), Some("insufficient_funds"));
        assert_eq!(e.message, "no balance");
        let e = api_error(502, None, b"<!DOCTYPE html><html>bad gateway</html>", 1);
        assert!(e.message.contains("HTML"), "{}", e.message);
        let e = api_error(500, None, b"", 1);
        assert!(e.message.contains("empty body"), "{}", e.message);
    }
}
