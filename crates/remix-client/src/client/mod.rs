//! [`Client`]: the remix call with its retry, timeout and decoding policy.
//! Every request is built by `remix-raw` and sent with the client's
//! `reqwest::Client` (this crate's, or the caller's), the API key added to
//! each.
//!
//! - `builder`: [`ClientBuilder`], [`Config`], [`ApiKey`];
//! - this module: the client and the retry loop;
//! - `attempt`: one attempt, from the upload to a decoded answer or a
//!   classified failure.

mod attempt;
mod builder;
mod limit;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use builder::RetryObserver;
pub use builder::{ApiKey, ClientBuilder, Config, RetryEvent};
use tracing::{Instrument, debug, field, info_span, warn};

use crate::error::{Error, Setting, TimeoutPhase};
use crate::image::ImageFile;
use crate::request::ImageRequest;
use crate::response::RemixResponse;
use attempt::Failure;

/// The path of the remix operation.
const REMIX_PATH: &str = "/ideogram/remix";

/// A successful call, with what a caller may want besides the decoded
/// answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
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
    /// The client `raw` sends with (the same one, kept to send requests
    /// built by `raw`).
    http: reqwest::Client,
    /// `Bearer KEY`, marked sensitive.
    authorization: reqwest::header::HeaderValue,
    base_url: String,
    config: Config,
    on_retry: Option<RetryObserver>,
    in_flight: Option<limit::InFlight>,
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

impl Client {
    /// Starts a builder. Every setting has a default but the API key,
    /// which [`ClientBuilder::build`] requires: the base URL defaults to the
    /// spec's (`https://api.chainhub.tech`), the timings and retries to
    /// [`Config::default`].
    ///
    /// # Examples
    ///
    /// ```
    /// use std::time::Duration;
    /// use remix_client::Client;
    ///
    /// let client = Client::builder()
    ///     .api_key("YOUR_API_KEY")
    ///     .deadline(Duration::from_secs(300))
    ///     .max_retries(2)
    ///     .build()?;
    /// assert_eq!(client.base_url(), "https://api.chainhub.tech");
    /// # Ok::<(), remix_client::Error>(())
    /// ```
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from the environment: `REMIX_API_KEY` (required) and
    /// `REMIX_BASE_URL` (optional).
    pub fn from_env() -> Result<Self, Error> {
        let key =
            std::env::var("REMIX_API_KEY").map_err(|_| Error::config(Setting::ApiKey, "REMIX_API_KEY is not set"))?;
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

    /// The most requests this client (and its clones) keep open at once,
    /// as [`ClientBuilder::max_in_flight`] set it and the API's
    /// `inflight_limit` answers lowered it since; `None` without a limit.
    pub fn max_in_flight(&self) -> Option<u32> {
        self.inner.in_flight.as_ref().map(limit::InFlight::limit)
    }

    /// How many requests of this client (and its clones) are open now;
    /// counted only with [`ClientBuilder::max_in_flight`] (else 0).
    pub fn in_flight(&self) -> u32 {
        self.inner.in_flight.as_ref().map_or(0, limit::InFlight::open)
    }

    /// Remixes `image` as `request` says.
    ///
    /// Retries (with backoff, honoring `Retry-After`) only what says the
    /// work was not done: a connection that failed before anything was
    /// sent, 408, 429 and 503. Never 500, 502 or 504 unless
    /// [`ClientBuilder::retry_server_errors`] says so (the job may have been
    /// accepted and charged), and never other errors; the table of
    /// [`Outcome`](crate::Outcome)s in the crate docs says each. An image
    /// from a one-shot reader is never retried.
    ///
    /// Dropping the returned future (a `select!` that gave up, a task
    /// aborted) mid-upload or mid-answer cancels the call, but the request
    /// may have reached the API: treat the job as possibly charged, as
    /// [`Error::may_have_been_charged`] would.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use remix_client::{Client, ImageFile, ImageRequest};
    ///
    /// # async fn run() -> Result<(), remix_client::Error> {
    /// let client = Client::from_env()?;
    /// let request = ImageRequest::builder("the same valley at dawn").num_images(2).build()?;
    /// let image = ImageFile::from_path("valley.png").await?;
    /// let response = client.remix(&request, image).await?;
    /// for url in response.image_urls() {
    ///     println!("{url}");
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Api`] when the API answers with an error (after the retries
    /// above), [`Error::Transport`] or [`Error::Timeout`] when the network
    /// fails or a time limit passes, [`Error::Decode`] when the answer is of
    /// no known shape, and [`Error::InvalidImage`] when a file-backed image
    /// cannot be reopened for a retry. [`Error::may_have_been_charged`] says
    /// whether the API may have accepted the job anyway.
    pub async fn remix(&self, request: &ImageRequest, image: ImageFile) -> Result<RemixResponse, Error> {
        self.remix_output(request, image).await.map(|o| o.response)
    }

    /// Like [`Client::remix`], with the answer's JSON, status and attempt
    /// count.
    pub async fn remix_output(&self, request: &ImageRequest, image: ImageFile) -> Result<RemixOutput, Error> {
        let span = info_span!(
            "remix",
            bytes = image.len(),
            attempts = field::Empty,
            status = field::Empty,
            request_id = field::Empty,
        );
        let result = self.remix_in_span(request, image).instrument(span.clone()).await;
        match &result {
            Ok(output) => {
                span.record("attempts", output.attempts);
                span.record("status", output.status);
                if let Some(id) = output.response.request_id() {
                    span.record("request_id", id);
                }
            }
            Err(error) => {
                if let Some(status) = error.status() {
                    span.record("status", status);
                }
                if let Some(id) = error.request_id() {
                    span.record("request_id", id);
                }
                span.in_scope(|| debug!(%error, charged = error.may_have_been_charged(), "remix failed"));
            }
        }
        result
    }

    /// The attempts, the waits between them and the decode, in the call's
    /// span.
    async fn remix_in_span(&self, request: &ImageRequest, image: ImageFile) -> Result<RemixOutput, Error> {
        let json = request.to_json();
        let start = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            tracing::Span::current().record("attempts", attempt);
            let failure = match self.timed_attempt(&json, &image, attempt, start).await? {
                Ok(output) => return Ok(output),
                Err(failure) => failure,
            };
            let wait = self.wait_before_retry(failure, attempt, &image, start)?;
            tokio::time::sleep(wait).await;
        }
    }

    /// One attempt under the attempt timeout or what is left of the
    /// deadline, whichever ends first. A timeout is final (the upload may
    /// have been accepted): the outer `Err`.
    async fn timed_attempt(
        &self,
        json: &str,
        image: &ImageFile,
        attempt: u32,
        start: Instant,
    ) -> Result<Result<RemixOutput, Failure>, Error> {
        let config = &self.inner.config;
        // A place in flight is waited for before the attempt's own timeout
        // starts (the deadline runs on), and held until the answer is read.
        let _place = match &self.inner.in_flight {
            Some(limit) => Some(limit.acquire().await),
            None => None,
        };
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
        match tokio::time::timeout(limit, self.attempt(json, image, attempt))
            .instrument(span.clone())
            .await
        {
            Ok(outcome) => Ok(outcome),
            Err(_) => {
                span.in_scope(|| warn!(?limit, %phase, "attempt timed out"));
                Err(Error::Timeout {
                    phase,
                    after,
                    attempts: attempt,
                    last_error: None,
                })
            }
        }
    }

    /// How long to wait before the next attempt, or the error that ends the
    /// call: a final failure, no retries left, a one-shot image, or a wait
    /// that would pass the deadline.
    fn wait_before_retry(
        &self,
        failure: Failure,
        attempt: u32,
        image: &ImageFile,
        start: Instant,
    ) -> Result<Duration, Error> {
        let config = &self.inner.config;
        if !failure.retryable || attempt > config.max_retries {
            return Err(failure.error);
        }
        if !image.is_replayable() {
            debug!(attempt, "not retrying: the image came from a one-shot reader");
            return Err(failure.error);
        }
        let wait = match failure.retry_after {
            Some(server) => server.min(config.max_retry_after),
            None => attempt::backoff(config, attempt),
        };
        if start.elapsed() + wait >= config.deadline {
            warn!(attempt, ?wait, "the next retry would pass the deadline");
            return Err(Error::Timeout {
                phase: TimeoutPhase::Deadline,
                after: config.deadline,
                attempts: attempt,
                last_error: Some(Box::new(failure.error)),
            });
        }
        warn!(attempt, error = %failure.error, ?wait, "retrying");
        if let Some(observer) = &self.inner.on_retry {
            observer(&RetryEvent {
                attempt,
                error: &failure.error,
                wait,
            });
        }
        Ok(wait)
    }
}
