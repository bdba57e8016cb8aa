//! One attempt of a remix call: send the multipart body, read the answer
//! up to its limit, decode a success or classify a failure (retryable or
//! not, with the server's `Retry-After`).

use std::time::Duration;

use reqwest::header::{HeaderMap, LOCATION};
use tracing::debug;

use super::{Client, Config, RemixOutput};
use crate::api_error::{ApiError, ApiErrorKind, X_REQUEST_ID, body_prefix};
use crate::error::{Error, TimeoutPhase};
use crate::image::ImageFile;
use crate::limits::MAX_ERROR_BODY_BYTES;
use crate::response::RemixResponse;
use crate::retry::Outcome;
use crate::transfer::read_limited;

/// The headers an error answer is read with; a success reads only the
/// request id.
const ERROR_HEADERS: [&str; 4] = [X_REQUEST_ID, "retry-after", "content-type", "location"];

/// One failed attempt and whether another may follow.
pub(super) struct Failure {
    pub(super) error: Error,
    pub(super) retryable: bool,
    pub(super) retry_after: Option<Duration>,
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

/// The headers of an answer that its handling reads, copied out.
struct Headers(Vec<(&'static str, String)>);

impl Headers {
    fn read(map: &HeaderMap, names: &[&'static str]) -> Self {
        Headers(
            names
                .iter()
                .filter_map(|name| Some((*name, map.get(*name)?.to_str().ok()?.to_string())))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<String> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.clone())
    }
}

impl Client {
    pub(super) async fn attempt(&self, json: &str, image: &ImageFile, attempt: u32) -> Result<RemixOutput, Failure> {
        let part = image.to_part().await.map_err(|e| Failure::fatal(e.into()))?;
        // Parts the spec adds later stay unset until this crate sets them;
        // the update syntax keeps a regenerated body type compiling.
        #[allow(clippy::needless_update)]
        let body = remix_raw::multipart::PostIdeogramRemixBody {
            image_request: Some(json.to_string()),
            image_file: Some(part),
            ..Default::default()
        };
        debug!(bytes = image.len(), "sending");
        let mut request = self.inner.raw.post_ideogram_remix_request(body).map_err(|e| {
            Failure::fatal(Error::Transport {
                message: "the request could not be built".to_string(),
                attempts: attempt,
                connected: false,
                request_id: None,
                source: Some(Box::new(e)),
            })
        })?;
        request
            .headers_mut()
            .insert(reqwest::header::AUTHORIZATION, self.inner.authorization.clone());
        let response = match self.inner.http.execute(request).await {
            Ok(r) => r,
            Err(e) => return Err(transport_failure(e, attempt, &self.inner.config)),
        };
        let status = response.status().as_u16();
        let success = (200..300).contains(&status);
        let names: &[&'static str] = if success { &[X_REQUEST_ID] } else { &ERROR_HEADERS };
        let headers = Headers::read(response.headers(), names);
        let span = tracing::Span::current();
        span.record("status", status);
        if let Some(id) = headers.get(X_REQUEST_ID) {
            span.record("request_id", id.as_str());
        }
        let limit = if success {
            self.inner.config.max_response_bytes
        } else {
            MAX_ERROR_BODY_BYTES
        };
        let (bytes, complete) = read_limited(Box::pin(response.bytes_stream()), limit)
            .await
            .map_err(|e| {
                Failure::fatal(Error::Transport {
                    message: format!("reading the HTTP {status} answer failed"),
                    attempts: attempt,
                    connected: true,
                    request_id: headers.get(X_REQUEST_ID),
                    source: Some(Box::new(e)),
                })
            })?;
        debug!(status, bytes = bytes.len(), complete, "answer received");
        if success {
            success_output(status, bytes, complete, limit, attempt, headers.get(X_REQUEST_ID))
        } else {
            Err(self.error_failure(status, &headers, &bytes, attempt))
        }
    }

    /// The failure for an error answer: retryable as its [`Outcome`]
    /// says, with the server's `Retry-After`.
    fn error_failure(&self, status: u16, headers: &Headers, body: &[u8], attempt: u32) -> Failure {
        let mut api = ApiError::from_answer(status, &|name| headers.get(name), body, attempt);
        if api.kind == ApiErrorKind::Redirect {
            let location = headers
                .get(LOCATION.as_str())
                .unwrap_or_else(|| "an unnamed location".into());
            api.message = format!("redirect to {location} not followed: an upload is never resent elsewhere");
        }
        if let Some(id) = &api.request_id {
            tracing::Span::current().record("request_id", id.as_str());
        }
        if api.is_inflight_limit()
            && let Some(limit) = &self.inner.in_flight
        {
            limit.too_many();
        }
        debug!(kind = ?api.kind, code = api.code.as_deref(), "error answer");
        let retryable = Outcome::of_status(status).retried(&self.inner.config);
        Failure {
            retry_after: api.retry_after,
            error: Error::Api(Box::new(api)),
            retryable,
        }
    }
}

/// Decodes a 2xx body read whole (or refuses one cut at `limit`).
fn success_output(
    status: u16,
    bytes: Vec<u8>,
    complete: bool,
    limit: usize,
    attempt: u32,
    request_id: Option<String>,
) -> Result<RemixOutput, Failure> {
    if !complete {
        return Err(Failure::fatal(Error::Decode {
            status,
            reason: format!("the body is larger than {limit} bytes"),
            body_prefix: body_prefix(&bytes),
            request_id,
        }));
    }
    let response =
        RemixResponse::decode(status, &bytes).map_err(|e| Failure::fatal(with_answer(e, attempt, request_id)))?;
    if let Some(id) = response.request_id() {
        tracing::Span::current().record("request_id", id);
    }
    Ok(RemixOutput {
        response,
        body: bytes::Bytes::from(bytes),
        status,
        attempts: attempt,
    })
}

/// A decode error with the attempt count and the answer's request id
/// (from its header, where the body did not say one).
fn with_answer(error: Error, attempts: u32, header_id: Option<String>) -> Error {
    match error {
        Error::Api(mut api) => {
            api.attempts = attempts;
            if api.request_id.is_none() {
                api.request_id = header_id;
            }
            Error::Api(api)
        }
        Error::Decode {
            status,
            reason,
            body_prefix,
            request_id,
        } => Error::Decode {
            status,
            reason,
            body_prefix,
            request_id: request_id.or(header_id),
        },
        other => other,
    }
}

/// Maps an error sending the request: only a failed connection (nothing
/// sent) may be retried.
fn transport_failure(e: reqwest::Error, attempt: u32, config: &Config) -> Failure {
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
        "could not connect"
    } else {
        "the request failed after the connection was made"
    };
    Failure {
        error: Error::Transport {
            message: message.to_string(),
            attempts: attempt,
            connected: !connect,
            request_id: None,
            source: Some(Box::new(e)),
        },
        retryable: connect,
        retry_after: None,
    }
}

/// The full-jitter backoff before retry number `attempt` (1-based).
pub(super) fn backoff(config: &Config, attempt: u32) -> Duration {
    let exp = config
        .initial_backoff
        .saturating_mul(2u32.saturating_pow(attempt.saturating_sub(1)))
        .min(config.max_backoff);
    let millis = u64::try_from(exp.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=millis))
}

#[cfg(test)]
mod tests {
    use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};

    use super::*;

    #[test]
    fn backoff_grows_and_is_capped() {
        let config = Config {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(250),
            ..Config::default()
        };
        // Full jitter: each wait is drawn from zero to the step, so one draw
        // may be zero; 200 draws of each show the steps themselves.
        let draws = |attempt| (0..200).map(|_| backoff(&config, attempt)).collect::<Vec<_>>();
        let (first, second, tenth) = (draws(1), draws(2), draws(10));
        let max = |d: &[Duration]| d.iter().max().copied().unwrap();
        let mean = |d: &[Duration]| d.iter().sum::<Duration>() / d.len() as u32;
        assert!(max(&first) <= Duration::from_millis(100));
        assert!(max(&second) <= Duration::from_millis(200));
        assert!(max(&tenth) <= Duration::from_millis(250), "capped");
        // P(200 draws all under half the step) = 2^-200: never by chance.
        assert!(max(&first) > Duration::from_millis(50), "{first:?}");
        assert!(max(&second) > Duration::from_millis(150), "{second:?}");
        assert!(max(&tenth) > Duration::from_millis(200), "{tenth:?}");
        assert!(mean(&second) > mean(&first), "the step grows");
    }

    #[test]
    fn error_headers_are_read_by_name() {
        let mut map = HeaderMap::new();
        map.insert(RETRY_AFTER, "3".parse().unwrap());
        map.insert(CONTENT_TYPE, "text/html".parse().unwrap());
        map.insert("x-other", "x".parse().unwrap());
        let headers = Headers::read(&map, &ERROR_HEADERS);
        assert_eq!(headers.get("retry-after").as_deref(), Some("3"));
        assert_eq!(headers.get("content-type").as_deref(), Some("text/html"));
        assert_eq!(headers.get("x-other"), None, "only the names asked for are read");
    }
}
