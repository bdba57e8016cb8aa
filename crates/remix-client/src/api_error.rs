//! [`ApiError`]: what the API answered when it said no, read from bodies of
//! every kind seen in the wild (JSON with `message`, `error` as text or
//! object, `detail`; HTML pages from the gateway; nothing at all).

use std::fmt;
use std::time::{Duration, SystemTime};

use serde_json::Value;

use crate::limits::BODY_PREFIX_LEN;

/// What kind of API error this is, for the cases callers act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiErrorKind {
    /// 400: the server refused the input.
    BadRequest,
    /// 401 or 403: the key is missing, wrong or not allowed.
    Unauthorized,
    /// 402: no balance or a plan limit (`insufficient_funds`,
    /// `daily_limit`). Never retried.
    PaymentRequired,
    /// 404: the path does not exist (a wrong base URL, usually).
    NotFound,
    /// 422: the safety check refused the prompt or image.
    SafetyRejected,
    /// 429: too many requests or images in flight.
    RateLimited,
    /// 5xx: the server or the reseller's gateway failed.
    Server,
    /// A 2xx answer whose envelope `code` says the job failed.
    Rejected,
    /// A 3xx answer: redirects are never followed for an upload.
    Redirect,
    /// Any other status.
    Other,
}

impl ApiErrorKind {
    /// The kind for an HTTP status.
    pub fn from_status(status: u16) -> Self {
        match status {
            300..=399 => ApiErrorKind::Redirect,
            400 => ApiErrorKind::BadRequest,
            401 | 403 => ApiErrorKind::Unauthorized,
            402 => ApiErrorKind::PaymentRequired,
            404 => ApiErrorKind::NotFound,
            422 => ApiErrorKind::SafetyRejected,
            429 => ApiErrorKind::RateLimited,
            500..=599 => ApiErrorKind::Server,
            200..=299 => ApiErrorKind::Rejected,
            _ => ApiErrorKind::Other,
        }
    }
}

/// An error answer from the API. Read it through its accessors.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ApiError {
    pub(crate) status: u16,
    pub(crate) kind: ApiErrorKind,
    pub(crate) code: Option<String>,
    pub(crate) message: String,
    pub(crate) reason: Option<String>,
    pub(crate) request_id: Option<String>,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) attempts: u32,
    pub(crate) body_prefix: String,
}

/// The `reject_reason` of a 429 sent because too many images are in flight.
const INFLIGHT_LIMIT: &str = "inflight_limit";

impl ApiError {
    /// The HTTP status.
    pub fn status(&self) -> u16 {
        self.status
    }
    /// What kind of error it is.
    pub fn kind(&self) -> ApiErrorKind {
        self.kind
    }
    /// The server's own code (`code`, or `error.code`), if it sent one.
    pub fn code(&self) -> Option<&str> {
        self.code.as_deref()
    }
    /// The server's message, or a description of the body when it had none
    /// (an HTML gateway page, say).
    pub fn message(&self) -> &str {
        &self.message
    }
    /// The reason the server gave for a rejection (`reject_reason`:
    /// `inflight_limit`, `insufficient_funds`, `daily_limit`), if any.
    pub fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
    /// Whether the server refused because too many images of this account
    /// are in flight (a 429 with reason `inflight_limit`): sending fewer at
    /// once helps, unlike a plan or balance limit.
    pub fn is_inflight_limit(&self) -> bool {
        self.status == 429 && self.reason.as_deref() == Some(INFLIGHT_LIMIT)
    }
    /// The request id, from the body or the `x-request-id` header.
    pub fn request_id(&self) -> Option<&str> {
        self.request_id.as_deref()
    }
    /// The server's `Retry-After`, if it sent one.
    pub fn retry_after(&self) -> Option<Duration> {
        self.retry_after
    }
    /// How many attempts were made.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }
    /// The first bytes of the body (at most
    /// [`limits::BODY_PREFIX_LEN`](crate::limits::BODY_PREFIX_LEN)), as
    /// lossy UTF-8.
    pub fn body_prefix(&self) -> &str {
        &self.body_prefix
    }

    /// Builds the error for an answer, reading whatever the body offers:
    /// `message`, `error` (text or object), `detail`, `code`,
    /// `reject_reason`, `request_id`; headers are looked up by `header`.
    pub(crate) fn from_answer(
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
        let message = field("message")
            .or_else(|| text_of(object.and_then(|o| o.get("error"))))
            .or_else(|| field("detail"))
            .unwrap_or_else(|| describe_body(status, header("content-type").as_deref(), body));
        ApiError {
            status,
            kind: ApiErrorKind::from_status(status),
            code: field("code").or_else(|| nested.and_then(|n| text_of(n.get("type")))),
            message,
            reason: field("reject_reason"),
            request_id: field("request_id").or_else(|| header(X_REQUEST_ID)),
            retry_after: header("retry-after").and_then(|v| parse_retry_after(v.trim(), SystemTime::now())),
            attempts,
            body_prefix: body_prefix(body),
        }
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "API error (HTTP {}, {:?})", self.status, self.kind)?;
        if let Some(code) = &self.code {
            write!(f, " code {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(reason) = &self.reason {
            write!(f, " [{reason}]")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        if self.attempts > 1 {
            write!(f, " after {} attempts", self.attempts)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// The header that carries the request id.
pub(crate) const X_REQUEST_ID: &str = "x-request-id";

/// The first [`BODY_PREFIX_LEN`] bytes of a body, as lossy UTF-8.
pub(crate) fn body_prefix(body: &[u8]) -> String {
    String::from_utf8_lossy(&body[..body.len().min(BODY_PREFIX_LEN)]).into_owned()
}

fn text_of(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
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
    let start = body_prefix(body).trim_start().to_ascii_lowercase();
    let looks_html = content_type.is_some_and(|c| c.contains("html"))
        || start.starts_with("<!doctype html")
        || start.starts_with("<html");
    if looks_html {
        format!("{reason} (an HTML page, probably from the gateway)")
    } else {
        format!(
            "{reason} (a {} body that is not a JSON error)",
            content_type.unwrap_or("unknown")
        )
    }
}

/// Parses a `Retry-After` value (seconds, or an HTTP date relative to `now`;
/// a date in the past means no wait).
fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
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
    use proptest::prelude::*;

    use super::*;

    fn api_error(status: u16, body: &[u8], attempts: u32) -> ApiError {
        ApiError::from_answer(status, &|_| None, body, attempts)
    }

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
    fn error_bodies_of_every_kind() {
        let e = api_error(429, br#"{"error":"too many","reject_reason":"inflight_limit"}"#, 3);
        assert_eq!((e.kind(), e.message()), (ApiErrorKind::RateLimited, "too many"));
        assert_eq!(e.reason(), Some("inflight_limit"));
        assert!(e.is_inflight_limit());
        assert!(!api_error(429, br#"{"error":"x","reject_reason":"daily_limit"}"#, 1).is_inflight_limit());
        assert!(!api_error(400, br#"{"error":"x","reject_reason":"inflight_limit"}"#, 1).is_inflight_limit());
        assert_eq!(e.attempts(), 3);
        let e = api_error(
            402,
            br#"{"error":{"message":"no balance","code":"insufficient_funds"}}"#,
            1,
        );
        assert_eq!(e.code(), Some("insufficient_funds"));
        assert_eq!(e.message(), "no balance");
        let e = api_error(502, b"<!DOCTYPE html><html>bad gateway</html>", 1);
        assert!(e.message().contains("HTML"), "{}", e.message());
        let e = api_error(500, b"", 1);
        assert!(e.message().contains("empty body"), "{}", e.message());
    }

    #[test]
    fn headers_give_the_request_id_and_retry_after() {
        let header = |name: &str| match name {
            "x-request-id" => Some("r-9".to_string()),
            "retry-after" => Some(" 2 ".to_string()),
            _ => None,
        };
        let e = ApiError::from_answer(503, &header, b"", 1);
        assert_eq!(e.request_id(), Some("r-9"));
        assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    }

    #[test]
    fn body_prefix_is_cut_and_lossy() {
        assert_eq!(body_prefix(&[b'x'; 2000]).len(), BODY_PREFIX_LEN);
        assert_eq!(body_prefix(b"ok\xff"), "ok\u{fffd}");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn reading_any_error_body_never_panics(status in 100u16..600, body in prop::collection::vec(any::<u8>(), 0..256)) {
            let _ = api_error(status, &body, 1);
        }
    }
}
