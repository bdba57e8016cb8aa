//! The crate's one error type and the pieces it reports: which request field
//! broke which rule, why an image was refused, what the API answered.

use std::fmt;
use std::time::Duration;

/// Everything that can go wrong, in the caller's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks one or more rules; nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(#[from] InvalidRequest),

    /// The image cannot be sent (format, size, unreadable file); nothing
    /// was sent.
    #[error("invalid image: {0}")]
    InvalidImage(#[from] ImageError),

    /// The client was configured wrongly (no key, a bad base URL, ...).
    #[error("invalid client configuration: {setting}: {reason}")]
    Config {
        /// The setting at fault (`api_key`, `base_url`, ...).
        setting: &'static str,
        /// What is wrong with it.
        reason: String,
    },

    /// The API answered with an error, or with a success status whose
    /// envelope says the job failed.
    #[error("{0}")]
    Api(Box<ApiError>),

    /// The connection failed, was reset, or the body could not be sent or
    /// read.
    #[error("transport error after {attempts} attempt(s): {message}")]
    Transport {
        /// What failed.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A timeout ended the call.
    #[error("timed out ({phase}) after {after:?} and {attempts} attempt(s){}", last_error_suffix(.last_error))]
    Timeout {
        /// Which limit was hit.
        phase: TimeoutPhase,
        /// The limit that was hit.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// The error of the last attempt, when the deadline cut a retry short.
        last_error: Option<Box<Error>>,
    },

    /// The response could not be decoded.
    #[error("undecodable response (HTTP {status}): {reason}; body starts with {body_prefix:?}")]
    Decode {
        /// The HTTP status.
        status: u16,
        /// Why it could not be decoded.
        reason: String,
        /// The first bytes of the body (at most [`BODY_PREFIX_LEN`]), as
        /// lossy UTF-8.
        body_prefix: String,
    },
}

fn last_error_suffix(last: &Option<Box<Error>>) -> String {
    match last {
        Some(e) => format!("; last error: {e}"),
        None => String::new(),
    }
}

/// How many body bytes errors keep for the caller to see.
pub const BODY_PREFIX_LEN: usize = 512;

impl Error {
    /// The HTTP status, when the error came from a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status),
            Error::Decode { status, .. } => Some(*status),
            Error::Timeout {
                last_error: Some(e), ..
            } => e.status(),
            _ => None,
        }
    }

    /// The API error, if this is one.
    pub fn api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// Whether nothing was sent because the input was refused up front.
    pub fn is_invalid_input(&self) -> bool {
        matches!(
            self,
            Error::InvalidRequest(_) | Error::InvalidImage(_) | Error::Config { .. }
        )
    }
}

/// Which timeout ended a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeoutPhase {
    /// The TCP/TLS connection could not be made in time.
    Connect,
    /// One attempt (upload and answer) took longer than its limit.
    Attempt,
    /// The overall deadline of the call passed.
    Deadline,
}

impl fmt::Display for TimeoutPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimeoutPhase::Connect => "connect timeout",
            TimeoutPhase::Attempt => "per-attempt timeout",
            TimeoutPhase::Deadline => "overall deadline",
        })
    }
}

/// The rule a request field broke.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// The field is required.
    Required,
    /// The value must not be empty (or only white space).
    NotEmpty,
    /// The number must lie in `min ..= max`.
    Range {
        /// Smallest allowed value.
        min: f64,
        /// Largest allowed value.
        max: f64,
    },
    /// The text must match a pattern, described in words.
    Pattern(&'static str),
    /// The list must have `min ..= max` entries.
    Count {
        /// Fewest entries.
        min: usize,
        /// Most entries.
        max: usize,
    },
    /// The field cannot be combined with another field.
    ConflictsWith(&'static str),
    /// The chosen model does not support the field.
    UnsupportedByModel {
        /// The model that was chosen.
        model: String,
        /// The models that do support it.
        supported: &'static str,
    },
    /// No such field exists.
    UnknownField,
    /// The JSON value has the wrong type.
    WrongType {
        /// The type that was expected.
        expected: &'static str,
    },
    /// Exactly one of two forms must be given.
    ExactlyOneOf(&'static str, &'static str),
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rule::Required => f.write_str("is required"),
            Rule::NotEmpty => f.write_str("must not be empty"),
            Rule::Range { min, max } => write!(f, "must be between {min} and {max}"),
            Rule::Pattern(p) => write!(f, "must be {p}"),
            Rule::Count { min, max } => write!(f, "must have {min} to {max} entries"),
            Rule::ConflictsWith(other) => write!(f, "cannot be combined with `{other}`"),
            Rule::UnsupportedByModel { model, supported } => {
                write!(f, "is not supported by model {model} (only by {supported})")
            }
            Rule::UnknownField => f.write_str("is not a field of image_request"),
            Rule::WrongType { expected } => write!(f, "must be {expected}"),
            Rule::ExactlyOneOf(a, b) => write!(f, "must have exactly one of `{a}` or `{b}`"),
        }
    }
}

/// One broken rule: the field (a path such as
/// `color_palette.members[2].color_hex`), the value given, and the rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Violation {
    /// The field, as a path into the `image_request` JSON.
    pub field: String,
    /// The value given, rendered as JSON (`"ASPECT_16_9"`, `9`); empty when
    /// the field was missing.
    pub value: String,
    /// The rule it broke.
    pub rule: Rule,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.value.is_empty() {
            write!(f, "`{}` {}", self.field, self.rule)
        } else {
            write!(f, "`{}` = {} {}", self.field, self.value, self.rule)
        }
    }
}

/// Every rule a request broke (never empty): type errors and unknown
/// fields of JSON input first, by key, then the checks, in field order.
#[derive(Debug, Clone, PartialEq)]
pub struct InvalidRequest {
    violations: Vec<Violation>,
}

impl InvalidRequest {
    pub(crate) fn new(violations: Vec<Violation>) -> Option<Self> {
        (!violations.is_empty()).then_some(InvalidRequest { violations })
    }

    /// Every broken rule.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// The first broken rule.
    pub fn first(&self) -> &Violation {
        &self.violations[0]
    }

    /// The fields at fault, in order.
    pub fn fields(&self) -> Vec<&str> {
        self.violations.iter().map(|v| v.field.as_str()).collect()
    }
}

impl fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{v}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InvalidRequest {}

/// Why an image was refused before upload.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file has no bytes.
    #[error("`image_file` {name:?} is empty")]
    Empty {
        /// The file name.
        name: String,
    },
    /// The file is larger than the API takes.
    #[error("`image_file` {name:?} is {size} bytes; the API takes at most {max} bytes (10 MiB)")]
    TooLarge {
        /// The file name.
        name: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes.
        max: u64,
    },
    /// The bytes are not PNG, JPEG or WebP.
    #[error("`image_file` {name:?} is not a PNG, JPEG or WebP image (it starts with {magic})")]
    UnsupportedFormat {
        /// The file name.
        name: String,
        /// The first bytes, in hex.
        magic: String,
    },
    /// The file could not be opened or read.
    #[error("`image_file` {path:?} cannot be read: {source}")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file changed size between the check and the upload.
    #[error("`image_file` {path:?} changed size from {expected} to {actual} bytes since it was checked")]
    Changed {
        /// The path.
        path: String,
        /// The size when checked.
        expected: u64,
        /// The size now.
        actual: u64,
    },
    /// A one-shot reader was already sent once and cannot be replayed.
    #[error("`image_file` {name:?} came from a one-shot reader that was already consumed")]
    Consumed {
        /// The file name.
        name: String,
    },
}

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

/// An error answer from the API.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: u16,
    /// What kind of error it is.
    pub kind: ApiErrorKind,
    /// The server's own code (`code`, or `error.code`), if it sent one.
    pub code: Option<String>,
    /// The server's message, or a description of the body when it had none
    /// (an HTML gateway page, say).
    pub message: String,
    /// The reason the server gave for a rejection (`reject_reason`:
    /// `inflight_limit`, `insufficient_funds`, `daily_limit`), if any.
    pub reason: Option<String>,
    /// The request id, from the body or the `x-request-id` header.
    pub request_id: Option<String>,
    /// The server's `Retry-After`, if it sent one.
    pub retry_after: Option<Duration>,
    /// How many attempts were made.
    pub attempts: u32,
    /// The first bytes of the body, as lossy UTF-8.
    pub body_prefix: String,
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
