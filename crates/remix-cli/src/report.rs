//! What the user sees: exit codes, one error line with a hint, the
//! summary of an answer, and progress bars on a terminal.

use std::io::IsTerminal;
use std::time::SystemTime;

use remix_client::{ApiErrorKind, Error, Progress, RemixResponse, Setting, limits};

use crate::exit::Exit;

/// A failure with its exit code and a hint on what to change.
#[derive(Debug, Default)]
pub struct Failure {
    pub exit: Exit,
    pub message: String,
    pub hint: Option<String>,
    /// The API's request id, when an answer came.
    pub request_id: Option<String>,
    /// Whether the failed call may have been charged.
    pub may_have_been_charged: bool,
}

impl Failure {
    /// A usage error (exit code 2): nothing was uploaded.
    pub fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure {
            exit: Exit::Usage,
            message: message.into(),
            hint: Some(hint.into()),
            ..Failure::default()
        }
    }

    /// Prints the failure on stderr: one error line, then the hint; with
    /// `json`, one JSON object on one line instead.
    pub fn print(&self, json: bool) {
        if json {
            eprintln!("{}", self.to_json());
            return;
        }
        eprintln!("error: {}", self.message);
        if let Some(hint) = &self.hint {
            eprintln!("hint: {hint}");
        }
    }

    /// `{"error": {"message", "hint", "exit_code", "request_id",
    /// "may_have_been_charged"}}`, what `--json` prints on stderr.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "message": self.message,
                "hint": self.hint,
                "exit_code": self.exit.code(),
                "request_id": self.request_id,
                "may_have_been_charged": self.may_have_been_charged,
            }
        })
    }
}

/// The flag that sets a request field, for hints.
fn flag_for(field: &str) -> &'static str {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    match top {
        "prompt" => "--prompt",
        "aspect_ratio" => "--aspect-ratio",
        "resolution" => "--resolution",
        "model" => "--model",
        "style_type" => "--style-type",
        "magic_prompt_option" => "--magic-prompt",
        "magic_prompt_version" => "--magic-prompt-version",
        "negative_prompt" => "--negative-prompt",
        "num_images" => "--num-images",
        "image_weight" => "--image-weight",
        "seed" => "--seed",
        "color_palette" if field.contains("members") => "--color",
        "color_palette" => "--palette",
        _ => "--request-file",
    }
}

fn api_hint(kind: ApiErrorKind) -> &'static str {
    match kind {
        ApiErrorKind::Unauthorized => "check --api-key or REMIX_API_KEY",
        ApiErrorKind::PaymentRequired => "the account has no balance or hit a plan limit; retrying will not help",
        ApiErrorKind::SafetyRejected => "change the prompt or the image",
        ApiErrorKind::RateLimited => "wait and try again, or send fewer requests at once",
        ApiErrorKind::BadRequest => "the server refused the request; check the values",
        ApiErrorKind::NotFound | ApiErrorKind::Redirect => "check --base-url",
        ApiErrorKind::Server => "the server failed; the job may still have been accepted, check before retrying",
        _ => "see the server's message",
    }
}

/// Where the request came from, so that a hint names what to fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestOrigin {
    /// The request flags (`--prompt`, `--num-images`, ...).
    Flags,
    /// `--request-file`'s JSON.
    File,
}

/// An error and each of its causes, once each, joined by `: ` (as
/// `anyhow` prints `{:#}`).
pub fn chain(error: &dyn std::error::Error) -> String {
    let mut out = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        out.push_str(": ");
        out.push_str(&cause.to_string());
        source = cause.source();
    }
    out
}

/// The failure for a client error: its exit code and a hint on what to
/// change, in terms of where the request came from.
pub fn from_error(error: &Error, origin: RequestOrigin) -> Failure {
    let (exit, hint) = match error {
        Error::InvalidRequest(e) => {
            let field = &e.first().field;
            let hint = if origin == RequestOrigin::File {
                format!("fix `{field}` in the --request-file JSON")
            } else {
                format!("fix {}", flag_for(field))
            };
            (Exit::Usage, Some(hint))
        }
        Error::InvalidImage(_) => (
            Exit::Usage,
            Some(format!(
                "pass a PNG, JPEG or WebP of at most {} with --image",
                limits::describe_bytes(limits::MAX_IMAGE_BYTES)
            )),
        ),
        Error::Config { setting, .. } => (
            Exit::Usage,
            Some(match setting {
                Setting::ApiKey => "pass --api-key or set REMIX_API_KEY".into(),
                Setting::BaseUrl => "fix --base-url or REMIX_BASE_URL".into(),
                Setting::RootCertificates => "pass a PEM file of certificates with --ca-cert".into(),
                _ => "check the flags".into(),
            }),
        ),
        Error::Api(api) => (Exit::Api, Some(api_hint(api.kind()).to_string())),
        Error::Transport { .. } => (Exit::Network, Some("check --base-url and the network".into())),
        Error::Timeout { .. } => (Exit::Network, Some("raise --timeout, or try again later".into())),
        Error::Decode { .. } => (
            Exit::Decode,
            Some("the server answered in a shape this client does not know".into()),
        ),
        _ => (Exit::Internal, None),
    };
    Failure {
        exit,
        message: chain(error),
        hint,
        request_id: error.request_id().map(str::to_string),
        may_have_been_charged: error.may_have_been_charged(),
    }
}

/// The summary of an answer, a line per image.
pub fn summary(response: &RemixResponse, attempts: u32) -> String {
    let mut out = String::new();
    match response {
        RemixResponse::Task(envelope) => {
            out.push_str(&format!(
                "task {} is {} (request id {})\n",
                envelope.data.task_id, envelope.data.task_status, envelope.request_id
            ));
        }
        RemixResponse::Images(images) => {
            out.push_str(&format!("{} image(s), created {}\n", images.data.len(), images.created));
            for (i, image) in images.data.iter().enumerate() {
                match &image.url {
                    Some(url) => out.push_str(&format!(
                        "  {}. {url} ({}, seed {}{})\n",
                        i + 1,
                        image.resolution,
                        image.seed,
                        expiry(image.expires_at())
                    )),
                    None => out.push_str(&format!(
                        "  {}. withheld by the safety check (seed {})\n",
                        i + 1,
                        image.seed
                    )),
                }
            }
        }
        _ => out.push_str("an answer of a shape this version of remix does not know\n"),
    }
    if attempts > 1 {
        out.push_str(&format!("({attempts} attempts)\n"));
    }
    out
}

/// `, expires <date>` (or `, expired <date>`) for a link with an `exp`.
fn expiry(at: Option<SystemTime>) -> String {
    match at {
        Some(at) if at <= SystemTime::now() => format!(", expired {}", httpdate::fmt_http_date(at)),
        Some(at) => format!(", expires {}", httpdate::fmt_http_date(at)),
        None => String::new(),
    }
}

/// Transfers smaller than this get no progress bar.
pub const PROGRESS_MIN: u64 = 1024 * 1024;

/// A byte progress bar on stderr, for transfers above [`PROGRESS_MIN`]
/// when stderr is a terminal; `None` otherwise.
pub fn progress_bar(label: &str, total: u64) -> Option<(indicatif::ProgressBar, Progress)> {
    if total < PROGRESS_MIN || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    let handle = bar.clone();
    let progress: Progress = std::sync::Arc::new(move |done, total| {
        if total > 0 && handle.length() != Some(total) {
            handle.set_length(total);
        }
        handle.set_position(done);
    });
    Some((bar, progress))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::flag_for;

    /// Every field of the request (the properties of the checked-in JSON
    /// Schema of `ImageRequest`) maps to a flag the command line declares.
    #[test]
    fn every_request_field_maps_to_a_real_flag() {
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../../openapi/image_request.schema.json")).unwrap();
        let command = crate::args::Cli::command();
        let longs: Vec<String> = command
            .get_arguments()
            .filter_map(|a| a.get_long().map(|l| format!("--{l}")))
            .collect();
        let fields = schema["properties"].as_object().unwrap();
        assert!(fields.len() >= 10, "{fields:?}");
        for field in fields.keys() {
            let flag = flag_for(field);
            assert_ne!(flag, "--request-file", "`{field}` has no flag of its own");
            assert!(
                longs.iter().any(|l| l == flag),
                "`{field}` maps to {flag}, which is not a flag"
            );
        }
        assert_eq!(flag_for("color_palette.members[0].color_hex"), "--color");
        assert!(longs.iter().any(|l| l == "--color"));
    }
}
