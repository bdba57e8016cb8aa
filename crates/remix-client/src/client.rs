//! `Client`: configuration, the API key, and the remix call with its retry,
//! timeout and decoding policy. All HTTP goes through `remix-raw`.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use remix_raw::multipart::PostIdeogramRemixBody;
use tracing::{Instrument, debug, field, info_span, warn};

use crate::error::{ApiErrorKind, Error, TimeoutPhase};
use crate::image::ImageFile;
use crate::request::ImageRequest;
use crate::response::{RemixResponse, api_error_with};

/// The path of the remix operation.
const REMIX_PATH: &str = "/ideogram/remix";

static X_REQUEST_ID: reqwest::header::HeaderName = reqwest::header::HeaderName::from_static("x-request-id");
static ERROR_HEADERS: [reqwest::header::HeaderName; 4] = [
    reqwest::header::HeaderName::from_static("x-request-id"),
    reqwest::header::RETRY_AFTER,
    reqwest::header::CONTENT_TYPE,
    reqwest::header::LOCATION,
];

/// How many bytes of an error body are read (the rest is discarded).
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// An API key. Its `Debug` and `Display` print `[redacted]`, so it never
/// shows in logs, errors or panic messages.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    /// Wraps a key.
    pub fn new(key: impl Into<String>) -> Self {
        ApiKey(key.into())
    }

    /// The key itself, for the one place that must send it.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl From<String> for ApiKey {
    fn from(key: String) -> Self {
        ApiKey(key)
    }
}

impl From<&str> for ApiKey {
    fn from(key: &str) -> Self {
        ApiKey(key.to_string())
    }
}

/// The client's timing and retry settings. Every default is chosen for a
/// 10 MiB upload over a modest link.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Time to open the connection. Default 10 s.
    pub connect_timeout: Duration,
    /// Time for one attempt, upload and answer. Default 120 s: a 10 MiB
    /// upload at 1 Mbit/s takes about 84 s.
    pub attempt_timeout: Duration,
    /// Time for the whole call, retries and waits included. Default 300 s.
    pub deadline: Duration,
    /// Retries after the first attempt. Default 2 (three attempts);
    /// 0 disables retries.
    pub max_retries: u32,
    /// The first backoff step. Default 500 ms; step `n` is drawn uniformly
    /// from `0 ..= min(max_backoff, initial_backoff * 2^(n-1))`.
    pub initial_backoff: Duration,
    /// The largest backoff step. Default 10 s.
    pub max_backoff: Duration,
    /// The longest `Retry-After` honored; a longer one is cut to this.
    /// Default 60 s.
    pub max_retry_after: Duration,
    /// Whether a 500 is retried. Default false: a 500 may come after the
    /// server accepted (and charged for) the job, so a retry could pay twice.
    pub retry_500: bool,
    /// The largest success body read. Default 1 MiB.
    pub max_response_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            connect_timeout: Duration::from_secs(10),
            attempt_timeout: Duration::from_secs(120),
            deadline: Duration::from_secs(300),
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            retry_500: false,
            max_response_bytes: 1024 * 1024,
        }
    }
}

/// Builds a [`Client`]. Only the API key is required.
#[derive(Debug, Clone, Default)]
#[must_use = "call .build() to get the client"]
pub struct ClientBuilder {
    api_key: Option<ApiKey>,
    base_url: Option<String>,
    allow_insecure_http: bool,
    config: Config,
}

impl ClientBuilder {
    /// The API key, sent as `Authorization: Bearer KEY`.
    pub fn api_key(mut self, key: impl Into<ApiKey>) -> Self {
        self.api_key = Some(key.into());
        self
    }

    /// The base URL; default [`remix_raw::DEFAULT_BASE_URL`]. `http://` is
    /// refused unless the host is loopback or
    /// [`ClientBuilder::allow_insecure_http`] is set.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// Allows an `http://` base URL on a host that is not loopback (the key
    /// and the image then travel in clear text).
    pub fn allow_insecure_http(mut self, allow: bool) -> Self {
        self.allow_insecure_http = allow;
        self
    }

    /// See [`Config::connect_timeout`].
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.config.connect_timeout = timeout;
        self
    }

    /// See [`Config::attempt_timeout`].
    pub fn attempt_timeout(mut self, timeout: Duration) -> Self {
        self.config.attempt_timeout = timeout;
        self
    }

    /// See [`Config::deadline`].
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.config.deadline = deadline;
        self
    }

    /// See [`Config::max_retries`].
    pub fn max_retries(mut self, retries: u32) -> Self {
        self.config.max_retries = retries;
        self
    }

    /// See [`Config::initial_backoff`] and [`Config::max_backoff`].
    pub fn backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.config.initial_backoff = initial;
        self.config.max_backoff = max;
        self
    }

    /// See [`Config::max_retry_after`].
    pub fn max_retry_after(mut self, max: Duration) -> Self {
        self.config.max_retry_after = max;
        self
    }

    /// See [`Config::retry_500`].
    pub fn retry_500(mut self, retry: bool) -> Self {
        self.config.retry_500 = retry;
        self
    }

    /// See [`Config::max_response_bytes`].
    pub fn max_response_bytes(mut self, max: usize) -> Self {
        self.config.max_response_bytes = max;
        self
    }

    /// Checks the settings and builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let key = self.api_key.ok_or(Error::Config {
            setting: "api_key",
            reason: "no API key was given (set it with .api_key(..) or REMIX_API_KEY)".into(),
        })?;
        let base_url = check_base_url(
            self.base_url.as_deref().unwrap_or(remix_raw::DEFAULT_BASE_URL),
            self.allow_insecure_http,
        )?;
        let c = &self.config;
        for (setting, value) in [
            ("connect_timeout", c.connect_timeout),
            ("attempt_timeout", c.attempt_timeout),
            ("deadline", c.deadline),
        ] {
            if value.is_zero() {
                return Err(Error::Config {
                    setting,
                    reason: "must be longer than zero".into(),
                });
            }
        }
        if c.initial_backoff > c.max_backoff {
            return Err(Error::Config {
                setting: "backoff",
                reason: format!(
                    "the initial step ({:?}) is longer than the largest ({:?})",
                    c.initial_backoff, c.max_backoff
                ),
            });
        }
        let builder = reqwest::Client::builder()
            .connect_timeout(c.connect_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("remix-client/", env!("CARGO_PKG_VERSION")));
        let raw = remix_raw::Client::new_with_bearer_token(&base_url, key.expose_secret(), builder).map_err(|e| {
            Error::Config {
                setting: "api_key",
                reason: e.to_string(),
            }
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                raw,
                base_url,
                config: self.config,
            }),
        })
    }
}

/// Checks a base URL and returns it without a trailing `/`.
fn check_base_url(url: &str, allow_insecure_http: bool) -> Result<String, Error> {
    let bad = |reason: String| Error::Config {
        setting: "base_url",
        reason,
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(format!("{url:?} is not a URL: {e}")))?;
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(bad(format!("{url:?} must not have a query or a fragment")));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(bad("a base URL must not carry credentials".into()));
    }
    match parsed.scheme() {
        "https" => {}
        "http" => {
            let loopback = match parsed.host() {
                Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
                Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
                Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
                None => false,
            };
            if !loopback && !allow_insecure_http {
                return Err(bad(format!(
                    "{url:?} uses http:// on a host that is not loopback; the key and the image would travel \
                     in clear text (use https://, or allow_insecure_http(true) if you mean it)"
                )));
            }
        }
        other => return Err(bad(format!("{url:?} has scheme {other:?}; use https://"))),
    }
    if parsed.host().is_none() {
        return Err(bad(format!("{url:?} has no host")));
    }
    Ok(url.trim_end_matches('/').to_string())
}

/// A successful call, with what a caller may want besides the decoded
/// answer.
#[derive(Debug, Clone)]
pub struct RemixOutput {
    /// The decoded answer.
    pub response: RemixResponse,
    /// The answer's body, as sent.
    pub body: bytes::Bytes,
    /// The HTTP status.
    pub status: u16,
    /// How many attempts it took.
    pub attempts: u32,
}

impl RemixOutput {
    /// The answer's JSON, parsed from [`RemixOutput::body`].
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

/// The Remix API client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    raw: remix_raw::Client,
    base_url: String,
    config: Config,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("api_key", &"[redacted]")
            .field("config", &self.inner.config)
            .finish()
    }
}

/// One failed attempt and whether another may follow.
struct Failure {
    error: Error,
    retryable: bool,
    retry_after: Option<Duration>,
}

impl Failure {
    fn fatal(error: Error) -> Self {
        Failure {
            error,
            retryable: false,
            retry_after: None,
        }
    }
}

impl Client {
    /// Starts a builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `REMIX_API_KEY` (required) and
    /// `REMIX_BASE_URL` (optional).
    pub fn from_env() -> Result<Self, Error> {
        let key = std::env::var("REMIX_API_KEY").map_err(|_| Error::Config {
            setting: "api_key",
            reason: "REMIX_API_KEY is not set".into(),
        })?;
        let mut builder = Client::builder().api_key(key);
        if let Ok(url) = std::env::var("REMIX_BASE_URL")
            && !url.is_empty()
        {
            builder = builder.base_url(url);
        }
        builder.build()
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// The timing and retry settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// Remixes `image` as `request` says.
    ///
    /// Retries (with backoff, honoring `Retry-After`) on a connection that
    /// failed before anything was sent, and on 408, 429, 502, 503 and 504.
    /// Never on 400, 401, 402, 403, 404 or 422, and not on 500 unless
    /// [`ClientBuilder::retry_500`] says so: the job may have been accepted.
    /// An image from a one-shot reader is never retried.
    pub async fn remix(&self, request: &ImageRequest, image: ImageFile) -> Result<RemixResponse, Error> {
        self.remix_output(request, image).await.map(|o| o.response)
    }

    /// Like [`Client::remix`], with the answer's JSON, status and attempt
    /// count.
    pub async fn remix_output(&self, request: &ImageRequest, image: ImageFile) -> Result<RemixOutput, Error> {
        let config = &self.inner.config;
        let json = request.to_json();
        let start = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            let remaining = config.deadline.saturating_sub(start.elapsed());
            let (limit, phase, after) = if config.attempt_timeout < remaining {
                (config.attempt_timeout, TimeoutPhase::Attempt, config.attempt_timeout)
            } else {
                (remaining, TimeoutPhase::Deadline, config.deadline)
            };
            let span = info_span!(
                "remix.attempt",
                method = "POST",
                path = REMIX_PATH,
                attempt,
                status = field::Empty,
                request_id = field::Empty,
            );
            let outcome = tokio::time::timeout(limit, self.attempt(&json, &image, attempt))
                .instrument(span.clone())
                .await;
            let failure = match outcome {
                Ok(Ok(output)) => return Ok(output),
                Ok(Err(failure)) => failure,
                Err(_) => {
                    span.in_scope(|| warn!(?limit, %phase, "attempt timed out"));
                    return Err(Error::Timeout {
                        phase,
                        after,
                        attempts: attempt,
                        last_error: None,
                    });
                }
            };
            if !failure.retryable || attempt > config.max_retries {
                return Err(failure.error);
            }
            if !image.is_replayable() {
                span.in_scope(|| debug!("not retrying: the image came from a one-shot reader"));
                return Err(failure.error);
            }
            let wait = match failure.retry_after {
                Some(server) => server.min(config.max_retry_after),
                None => backoff(config, attempt),
            };
            if start.elapsed() + wait >= config.deadline {
                span.in_scope(|| warn!(?wait, "the next retry would pass the deadline"));
                return Err(Error::Timeout {
                    phase: TimeoutPhase::Deadline,
                    after: config.deadline,
                    attempts: attempt,
                    last_error: Some(Box::new(failure.error)),
                });
            }
            span.in_scope(|| warn!(error = %failure.error, ?wait, "retrying"));
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, json: &str, image: &ImageFile, attempt: u32) -> Result<RemixOutput, Failure> {
        let span = tracing::Span::current();
        let part = image.to_part().await.map_err(|e| Failure::fatal(e.into()))?;
        // Parts the spec adds later stay unset until this crate sets them;
        // the update syntax keeps a regenerated body type compiling.
        #[allow(clippy::needless_update)]
        let body = PostIdeogramRemixBody {
            image_request: Some(json.to_string()),
            image_file: Some(part),
            ..Default::default()
        };
        debug!(bytes = image.len(), "sending");
        let response = match self.inner.raw.post_ideogram_remix_raw(body).await {
            Ok(r) => r,
            Err(e) => return Err(transport_failure(e, attempt, &self.inner.config)),
        };
        let status = response.status().as_u16();
        let success = (200..300).contains(&status);
        // Only the headers the error path reads are kept, not the whole map,
        // and a success reads none but the request id.
        let wanted: &[reqwest::header::HeaderName] = if success {
            std::slice::from_ref(&X_REQUEST_ID)
        } else {
            &ERROR_HEADERS
        };
        let headers: Vec<(&str, String)> = wanted
            .iter()
            .filter_map(|name| {
                let value = response.headers().get(name)?.to_str().ok()?;
                Some((name.as_str(), value.to_string()))
            })
            .collect();
        let header = |name: &str| headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone());
        span.record("status", status);
        if let Some(id) = header("x-request-id") {
            span.record("request_id", id.as_str());
        }
        let limit = if success {
            self.inner.config.max_response_bytes
        } else {
            MAX_ERROR_BODY_BYTES
        };
        let (bytes, complete) = read_bounded(response.into_inner(), limit).await.map_err(|e| {
            Failure::fatal(Error::Transport {
                message: format!("reading the HTTP {status} answer failed: {e}"),
                attempts: attempt,
                source: Some(Box::new(e)),
            })
        })?;
        debug!(status, bytes = bytes.len(), complete, "answer received");
        if success {
            if !complete {
                return Err(Failure::fatal(Error::Decode {
                    status,
                    reason: format!("the body is larger than {limit} bytes"),
                    body_prefix: crate::response::body_prefix(&bytes),
                }));
            }
            let response =
                RemixResponse::decode(status, &bytes).map_err(|e| Failure::fatal(with_attempts(e, attempt)))?;
            if let Some(id) = response.request_id() {
                span.record("request_id", id);
            }
            return Ok(RemixOutput {
                response,
                body: bytes::Bytes::from(bytes),
                status,
                attempts: attempt,
            });
        }
        let mut api = api_error_with(status, &header, &bytes, attempt);
        if api.kind == ApiErrorKind::Redirect {
            let location = header("location").unwrap_or_else(|| "an unnamed location".into());
            api.message = format!("redirect to {location} not followed: an upload is never resent elsewhere");
        }
        if let Some(id) = &api.request_id {
            span.record("request_id", id.as_str());
        }
        debug!(kind = ?api.kind, code = api.code.as_deref(), "error answer");
        let retryable = matches!(status, 408 | 429 | 502 | 503 | 504) || (status == 500 && self.inner.config.retry_500);
        Err(Failure {
            retry_after: api.retry_after,
            error: Error::Api(Box::new(api)),
            retryable,
        })
    }
}

fn with_attempts(error: Error, attempts: u32) -> Error {
    match error {
        Error::Api(mut api) => {
            api.attempts = attempts;
            Error::Api(api)
        }
        other => other,
    }
}

/// Maps an error from the generated client: only a failed connection
/// (nothing sent) may be retried.
fn transport_failure(error: remix_raw::Error<()>, attempt: u32, config: &Config) -> Failure {
    match error {
        remix_raw::Error::CommunicationError(e) | remix_raw::Error::ResponseBodyError(e) => {
            let connect = e.is_connect();
            if connect && e.is_timeout() {
                return Failure {
                    error: Error::Timeout {
                        phase: TimeoutPhase::Connect,
                        after: config.connect_timeout,
                        attempts: attempt,
                        last_error: None,
                    },
                    retryable: true,
                    retry_after: None,
                };
            }
            let message = if connect {
                format!("could not connect: {}", error_chain(&e))
            } else {
                format!("the request failed after the connection was made: {}", error_chain(&e))
            };
            Failure {
                error: Error::Transport {
                    message,
                    attempts: attempt,
                    source: Some(Box::new(e)),
                },
                retryable: connect,
                retry_after: None,
            }
        }
        other => Failure::fatal(Error::Transport {
            message: other.to_string(),
            attempts: attempt,
            source: None,
        }),
    }
}

/// An error and its causes, joined, so the root cause (a reset, say) shows.
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !out.contains(&text) {
            out.push_str(": ");
            out.push_str(&text);
        }
        source = s.source();
    }
    out
}

/// The full-jitter backoff before retry number `attempt` (1-based).
fn backoff(config: &Config, attempt: u32) -> Duration {
    let exp = config
        .initial_backoff
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(config.max_backoff);
    let millis = u64::try_from(exp.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=millis))
}

/// Reads at most `limit` bytes of a body. Returns the bytes and whether the
/// body ended within the limit; past it the rest is left unread (and the
/// connection dropped).
async fn read_bounded(body: remix_raw::ByteStream, limit: usize) -> Result<(Vec<u8>, bool), reqwest::Error> {
    use futures_core::Stream;
    let mut stream = body.into_inner();
    let mut out = Vec::new();
    loop {
        let next = std::future::poll_fn(|cx| Stream::poll_next(stream.as_mut(), cx)).await;
        match next {
            None => return Ok((out, true)),
            Some(Err(e)) => return Err(e),
            Some(Ok(chunk)) => {
                let room = limit.saturating_sub(out.len());
                if chunk.len() > room {
                    out.extend_from_slice(&chunk[..room]);
                    return Ok((out, false));
                }
                out.extend_from_slice(&chunk);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_key_never_prints() {
        let key = ApiKey::new("sk-secret-123");
        assert_eq!(format!("{key}"), "[redacted]");
        assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
        let builder = Client::builder().api_key("sk-secret-123");
        assert!(!format!("{builder:?}").contains("sk-secret"), "{builder:?}");
    }

    #[test]
    fn base_urls_are_checked() {
        assert_eq!(
            check_base_url("https://api.chainhub.tech/", false).unwrap(),
            "https://api.chainhub.tech"
        );
        assert!(check_base_url("http://127.0.0.1:8080", false).is_ok());
        assert!(check_base_url("http://localhost:8080", false).is_ok());
        assert!(check_base_url("http://[::1]:8080", false).is_ok());
        let err = check_base_url("http://example.com", false).unwrap_err().to_string();
        assert!(err.contains("base_url") && err.contains("http://"), "{err}");
        assert!(check_base_url("http://example.com", true).is_ok());
        assert!(check_base_url("ftp://example.com", false).is_err());
        assert!(check_base_url("not a url", false).is_err());
        assert!(check_base_url("https://user:pw@example.com", false).is_err());
        assert!(check_base_url("https://example.com/?q=1", false).is_err());
    }

    #[test]
    fn building_without_a_key_names_the_setting() {
        let err = Client::builder().build().unwrap_err();
        assert!(matches!(err, Error::Config { setting: "api_key", .. }), "{err}");
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = Config {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(250),
            ..Config::default()
        };
        for _ in 0..200 {
            assert!(backoff(&config, 1) <= Duration::from_millis(100));
            assert!(backoff(&config, 2) <= Duration::from_millis(200));
            assert!(backoff(&config, 10) <= Duration::from_millis(250));
        }
    }
}
