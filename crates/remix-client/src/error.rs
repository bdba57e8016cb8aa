//! The crate's one error type, [`Error`], in the caller's terms.

use std::fmt;
use std::time::Duration;

use crate::api_error::ApiError;
use crate::image::ImageError;
use crate::request::InvalidRequest;

/// Everything that can go wrong, in the caller's terms.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks one or more rules (the source lists them);
    /// nothing was sent.
    #[error("invalid request")]
    InvalidRequest(#[from] InvalidRequest),

    /// The image cannot be sent (format, size, unreadable file: the
    /// source says which); nothing was sent.
    #[error("invalid image")]
    InvalidImage(#[from] ImageError),

    /// The client was configured wrongly (no key, a bad base URL, ...).
    #[error("invalid client configuration: {setting}: {reason}")]
    #[non_exhaustive]
    Config {
        /// The setting at fault.
        setting: Setting,
        /// What is wrong with it.
        reason: String,
    },

    /// The API answered with an error, or with a success status whose
    /// envelope says the job failed.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The connection failed, was reset, or the body could not be sent or
    /// read. The source is what the HTTP stack said.
    #[error("transport error after {attempts} attempt(s): {message}")]
    #[non_exhaustive]
    Transport {
        /// What failed, at this crate's level (`could not connect`); the
        /// cause is the source.
        message: String,
        /// How many attempts were made.
        attempts: u32,
        /// Whether the last attempt had a connection, so the request may
        /// have reached the server (`false`: it could not connect).
        connected: bool,
        /// The request id of the answer, when one came before the failure.
        request_id: Option<String>,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A timeout ended the call. When the deadline cut a retry short, the
    /// last attempt's error is the source.
    #[error("timed out ({phase}) after {after:?} and {attempts} attempt(s)")]
    #[non_exhaustive]
    Timeout {
        /// Which limit was hit.
        phase: TimeoutPhase,
        /// The limit that was hit.
        after: Duration,
        /// How many attempts were made.
        attempts: u32,
        /// The error of the last attempt, when the deadline cut a retry short.
        #[source]
        last_error: Option<Box<Error>>,
    },

    /// The response could not be decoded.
    #[error("undecodable response (HTTP {status}): {reason}; body starts with {body_prefix:?}")]
    #[non_exhaustive]
    Decode {
        /// The HTTP status.
        status: u16,
        /// Why it could not be decoded.
        reason: String,
        /// The first bytes of the body (at most
        /// [`limits::BODY_PREFIX_LEN`](crate::limits::BODY_PREFIX_LEN)), as
        /// lossy UTF-8.
        body_prefix: String,
        /// The request id of the answer (its `x-request-id` header), if it
        /// had one.
        request_id: Option<String>,
    },
}

/// A client setting, as [`Error::Config`] names the one at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The API key ([`ClientBuilder::api_key`](crate::ClientBuilder::api_key), `REMIX_API_KEY`).
    ApiKey,
    /// The base URL ([`ClientBuilder::base_url`](crate::ClientBuilder::base_url)).
    BaseUrl,
    /// Extra trusted roots ([`ClientBuilder::root_certificates_pem`](crate::ClientBuilder::root_certificates_pem)).
    RootCertificates,
    /// [`Config::connect_timeout`](crate::Config::connect_timeout).
    ConnectTimeout,
    /// [`Config::attempt_timeout`](crate::Config::attempt_timeout).
    AttemptTimeout,
    /// [`Config::deadline`](crate::Config::deadline).
    Deadline,
    /// The backoff steps ([`Config::initial_backoff`](crate::Config::initial_backoff),
    /// [`Config::max_backoff`](crate::Config::max_backoff)).
    Backoff,
    /// [`ClientBuilder::user_agent_suffix`](crate::ClientBuilder::user_agent_suffix).
    UserAgent,
    /// [`ClientBuilder::max_in_flight`](crate::ClientBuilder::max_in_flight).
    MaxInFlight,
    /// The HTTP client: [`ClientBuilder::http_client`](crate::ClientBuilder::http_client)
    /// or [`ClientBuilder::configure_http`](crate::ClientBuilder::configure_http).
    HttpClient,
}

impl Setting {
    /// Its name in messages: `api_key`, `base_url`, ...
    pub fn as_str(self) -> &'static str {
        match self {
            Setting::ApiKey => "api_key",
            Setting::BaseUrl => "base_url",
            Setting::RootCertificates => "root_certificates",
            Setting::ConnectTimeout => "connect_timeout",
            Setting::AttemptTimeout => "attempt_timeout",
            Setting::Deadline => "deadline",
            Setting::Backoff => "backoff",
            Setting::UserAgent => "user_agent",
            Setting::MaxInFlight => "max_in_flight",
            Setting::HttpClient => "http_client",
        }
    }
}

impl std::fmt::Display for Setting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    pub(crate) fn config(setting: Setting, reason: impl Into<String>) -> Self {
        Error::Config {
            setting,
            reason: reason.into(),
        }
    }

    /// The HTTP status, when the error came from a response.
    ///
    /// # Examples
    ///
    /// ```
    /// use remix_client::{Error, ImageRequest};
    ///
    /// // A request refused before sending has no status, no API error,
    /// // and cannot have been charged.
    /// let err: Error = ImageRequest::builder("").build().unwrap_err().into();
    /// assert_eq!(err.status(), None);
    /// assert!(err.api().is_none());
    /// assert!(err.is_invalid_input());
    /// assert!(!err.may_have_been_charged());
    /// ```
    ///
    /// After a call, match on what the caller can act on:
    ///
    /// ```no_run
    /// use remix_client::{ApiErrorKind, Client, ImageFile, ImageRequest};
    ///
    /// # async fn run(client: Client, request: ImageRequest, image: ImageFile) {
    /// match client.remix(&request, image).await {
    ///     Ok(response) => println!("{} image(s)", response.images().len()),
    ///     Err(e) if e.api().is_some_and(|api| api.kind() == ApiErrorKind::SafetyRejected) => {
    ///         eprintln!("refused by the safety check: change the prompt or the image")
    ///     }
    ///     Err(e) if e.may_have_been_charged() => {
    ///         eprintln!("{e}; the job may have run: check before sending again (status {:?})", e.status())
    ///     }
    ///     Err(e) => eprintln!("{e}"),
    /// }
    /// # }
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status()),
            Error::Decode { status, .. } => Some(*status),
            Error::Timeout {
                last_error: Some(e), ..
            } => e.status(),
            _ => None,
        }
    }

    /// The request id of the answer that ended the call, when one came
    /// (an API error, an undecodable answer, a body cut off, or the last
    /// attempt's answer of a timeout).
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id(),
            Error::Decode { request_id, .. } | Error::Transport { request_id, .. } => request_id.as_deref(),
            Error::Timeout {
                last_error: Some(e), ..
            } => e.request_id(),
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

    /// Whether the API may have accepted (and charged for) the remix this
    /// error ended, as the table of [`Outcome`](crate::Outcome)s says:
    /// the request may have reached the server and its answer was lost,
    /// cut off, unreadable or a server error that does not say the work was
    /// not done. `false` when the input was refused up front, no connection
    /// was made, or the API said it did not do the work (408, 429, 503, and
    /// every other client error).
    pub fn may_have_been_charged(&self) -> bool {
        crate::retry::Outcome::of(self).may_have_been_charged()
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
#[non_exhaustive]
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
