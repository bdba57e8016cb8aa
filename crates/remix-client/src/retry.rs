//! What ended an attempt, and what follows from it: whether the API may
//! have charged for the job, and whether the client tries again. One
//! table, [`OUTCOMES`], from which the retry decision,
//! [`Error::may_have_been_charged`] and the table in the crate docs all
//! come (a test checks the docs).

use crate::client::Config;
use crate::error::{Error, TimeoutPhase};

/// What ended an attempt, as the retry policy and
/// [`Error::may_have_been_charged`] classify it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// Nothing reached the server: the input was refused up front, or no
    /// connection was made (it failed, or timed out).
    NotSent,
    /// 408 Request Timeout: the server gave up waiting for the request.
    RequestTimeout,
    /// 429 Too Many Requests: refused, too many at once or over a limit.
    TooManyRequests,
    /// 503 Service Unavailable: the server did not take the work.
    Unavailable,
    /// 500, 502 or 504: a server or gateway failed, possibly after the
    /// upstream did (and billed) the work.
    ServerError,
    /// Another 5xx.
    OtherServerError,
    /// Another answer refusing the request (4xx, or a redirect, which is
    /// never followed).
    Refused,
    /// A 2xx whose envelope says the job failed, or that could not be
    /// decoded.
    FailedSuccess,
    /// The request may have arrived and its answer was lost: a timeout or
    /// a broken connection after it was sent, a body cut off.
    AnswerLost,
}

/// Whether an outcome is retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    /// By default.
    Yes,
    /// Only with [`Config::retry_server_errors`].
    OptIn,
    /// Never.
    No,
}

/// The one table: each outcome, what ends an attempt with it, whether the
/// API may have charged, whether the client retries.
const OUTCOMES: [(Outcome, &str, bool, Retry); 9] = [
    (
        Outcome::NotSent,
        "nothing sent: input refused, or no connection made",
        false,
        Retry::Yes,
    ),
    (Outcome::RequestTimeout, "408 Request Timeout", false, Retry::Yes),
    (Outcome::TooManyRequests, "429 Too Many Requests", false, Retry::Yes),
    (Outcome::Unavailable, "503 Service Unavailable", false, Retry::Yes),
    (Outcome::ServerError, "500, 502, 504", true, Retry::OptIn),
    (Outcome::OtherServerError, "another 5xx", true, Retry::No),
    (
        Outcome::Refused,
        "another 4xx, or a redirect (never followed)",
        false,
        Retry::No,
    ),
    (
        Outcome::FailedSuccess,
        "a 2xx saying the job failed, or undecodable",
        true,
        Retry::No,
    ),
    (
        Outcome::AnswerLost,
        "the answer lost after the request was sent (timeout, reset, cut off)",
        true,
        Retry::No,
    ),
];

fn row(outcome: Outcome) -> &'static (Outcome, &'static str, bool, Retry) {
    OUTCOMES
        .iter()
        .find(|(o, ..)| *o == outcome)
        .expect("every outcome is in the table")
}

impl Outcome {
    /// The outcome of an answer of `status`.
    pub fn of_status(status: u16) -> Outcome {
        match status {
            408 => Outcome::RequestTimeout,
            429 => Outcome::TooManyRequests,
            503 => Outcome::Unavailable,
            500 | 502 | 504 => Outcome::ServerError,
            501..=599 => Outcome::OtherServerError,
            200..=299 => Outcome::FailedSuccess,
            _ => Outcome::Refused,
        }
    }

    /// The outcome an error ended the call with.
    pub fn of(error: &Error) -> Outcome {
        match error {
            Error::Api(api) => Outcome::of_status(api.status()),
            Error::Decode { .. } => Outcome::FailedSuccess,
            Error::Transport { connected: false, .. } => Outcome::NotSent,
            Error::Transport { .. } => Outcome::AnswerLost,
            Error::Timeout {
                phase: TimeoutPhase::Connect,
                ..
            } => Outcome::NotSent,
            Error::Timeout { .. } => Outcome::AnswerLost,
            _ => Outcome::NotSent,
        }
    }

    /// Whether the API may have accepted (and charged for) the job.
    pub fn may_have_been_charged(self) -> bool {
        row(self).2
    }

    /// Whether the client tries again after it, under `config`.
    pub fn retried(self, config: &Config) -> bool {
        match row(self).3 {
            Retry::Yes => true,
            Retry::OptIn => config.retry_server_errors,
            Retry::No => false,
        }
    }
}

/// The table as Markdown, as the crate docs show it.
#[cfg(test)]
fn markdown() -> String {
    let mut out = String::from("| what ended the attempt | may have been charged | retried |\n|---|---|---|\n");
    for (_, what, charged, retry) in OUTCOMES {
        let retried = match retry {
            Retry::Yes => "yes",
            Retry::OptIn => "only with `retry_server_errors(true)`",
            Retry::No => "no",
        };
        out.push_str(&format!(
            "| {what} | {} | {retried} |\n",
            if charged { "yes" } else { "no" }
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_docs_show_the_table() {
        let docs = include_str!("../README.md");
        assert!(docs.contains(&markdown()), "README.md lacks the table:\n{}", markdown());
    }

    #[test]
    fn what_is_retried_by_default_cannot_have_been_charged() {
        let config = Config::default();
        for (outcome, what, charged, _) in OUTCOMES {
            if outcome.retried(&config) {
                assert!(!charged, "{what} is retried by default but may have been charged");
            }
        }
        let opted = Config {
            retry_server_errors: true,
            ..Config::default()
        };
        assert!(Outcome::of_status(502).retried(&opted) && !Outcome::of_status(502).retried(&config));
        assert!(Outcome::of_status(503).retried(&config));
        assert!(!Outcome::of_status(504).retried(&config));
    }
}
