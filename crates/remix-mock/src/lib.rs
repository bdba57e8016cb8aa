//! `remix-mock`: a local contract server of the Remix API.
//!
//! `POST /ideogram/remix` checks every request the way the real API does,
//! with `remix-client`'s own checks (never a copy of them): a bearer token,
//! exactly the parts `image_request` and `image_file`, an `image_request`
//! that follows every rule, and a PNG, JPEG or WebP image of at most 10 MiB
//! that decodes. It answers with the spec's task envelope, or with `native`
//! set with Ideogram's native image list: remixes of the uploaded image
//! (fitted to the requested size, tinted with the palette, varied by the
//! seed, styled by the style type), behind signed links that expire like
//! Ideogram's. Scripted faults (`429:2`: the next two requests get a 429)
//! exercise a client's retries.
//!
//! - `faults`: scripted faults and error answers;
//! - `parts`: reading the multipart body;
//! - `remix`: the remix handler;
//! - `images`: image sizes, links and serving;
//! - `log`: what the mock answered to each remix (`GET /mock/log`), for
//!   tests that count what a client was charged for;
//! - [`render`]: the remix itself (decode, fit, tint, encode).

mod faults;
mod images;
mod log;
mod parts;
mod pixels;
mod remix;
pub mod render;
mod server;

use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use remix_client::limits::MAX_IMAGE_BYTES;

pub use faults::Fault;
pub use images::image_size;
pub use log::Entry as LogEntry;
pub use parts::PARTS;
pub use server::MockServer;

/// How long native links stay valid by default, in seconds: as Ideogram's.
pub const DEFAULT_LINK_TTL: u64 = remix_client::limits::IMAGE_LINK_LIFETIME.as_secs();

/// How the mock behaves.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The one bearer token accepted; any non-empty token when `None`.
    pub api_key: Option<String>,
    /// Answer with Ideogram's native image list instead of the task envelope.
    pub native: bool,
    /// Makes ids, times and images deterministic.
    pub seed: Option<u64>,
    /// Faults for the first requests, in order.
    pub faults: Vec<Fault>,
    /// The `Retry-After` seconds sent with 429 and 503 faults.
    pub retry_after: u64,
    /// How many seconds native image links stay valid (their `exp`).
    pub link_ttl: u64,
    /// How long every remix answer waits, to time and interrupt batches.
    pub latency: std::time::Duration,
    /// A random extra wait, up to this, on top of `latency`.
    pub jitter: std::time::Duration,
    /// How the image links misbehave, to test downloads.
    pub image_fault: ImageFault,
}

/// How the mock's image links misbehave (`--image-fault`), to test what a
/// client does with a download that goes wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImageFault {
    /// They serve the image.
    #[default]
    None,
    /// Each link answers 500 the first time it is fetched, then the image.
    FailOnce,
    /// An HTML error page behind a 200.
    Html,
    /// The image's whole length announced, half of it sent, the connection
    /// closed.
    CutOff,
    /// The image sent in 16 pieces, 100 ms apart (to stop a download in
    /// the middle).
    Slow,
}

impl std::str::FromStr for ImageFault {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "none" => ImageFault::None,
            "fail-once" => ImageFault::FailOnce,
            "html" => ImageFault::Html,
            "cut-off" => ImageFault::CutOff,
            "slow" => ImageFault::Slow,
            other => {
                return Err(format!(
                    "unknown image fault {other:?}: one of none, fail-once, html, cut-off, slow"
                ));
            }
        })
    }
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            api_key: None,
            native: false,
            seed: None,
            faults: Vec::new(),
            retry_after: 1,
            link_ttl: DEFAULT_LINK_TTL,
            latency: std::time::Duration::ZERO,
            jitter: std::time::Duration::ZERO,
            image_fault: ImageFault::None,
        }
    }
}

pub(crate) struct AppState {
    pub(crate) config: MockConfig,
    pub(crate) counter: AtomicU64,
    pub(crate) images: images::ImageStore,
    pub(crate) log: log::RequestLog,
    /// Remix requests being answered now, and the most at once.
    pub(crate) in_flight: log::InFlight,
}

/// The mock's routes.
pub fn router(config: MockConfig) -> Router {
    routes(state(config))
}

fn state(config: MockConfig) -> Arc<AppState> {
    Arc::new(AppState {
        config,
        counter: AtomicU64::new(0),
        images: images::ImageStore::default(),
        log: log::RequestLog::default(),
        in_flight: log::InFlight::default(),
    })
}

fn routes(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/ideogram/remix", post(remix::remix))
        .route("/images/{file}", get(images::serve_image))
        .route("/mock/log", get(log::serve_log))
        .layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES as usize + 1024 * 1024))
        .with_state(state)
}

/// Serves the mock on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, config: MockConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

pub(crate) fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// FNV-1a, 64 bits, of the slices one after the other: link signatures
/// and the log's image hashes.
pub(crate) fn fnv1a(parts: &[&[u8]]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = fnv::FnvHasher::default();
    for part in parts {
        hasher.write(part);
    }
    hasher.finish()
}

/// RFC 3339 text of a Unix time, in UTC.
pub(crate) fn rfc3339(secs: u64) -> String {
    let time = i64::try_from(secs)
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, 0))
        .unwrap_or_default();
    time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_046_800), "2025-11-25T05:00:00Z");
    }
}
