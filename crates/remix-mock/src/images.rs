//! The native answer's images: their size, their signed, expiring links
//! (`/images/{id}.png?exp=<unix seconds>&sig=<hex>`, like Ideogram's), and
//! serving them. An image is rendered when its link is fetched; a link past
//! its `exp` answers 410 Gone, a link whose `exp` or `sig` was changed 403.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::render::RgbImage;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use remix_client::{ImageRequest, Resolution};
use serde::Deserialize;

use crate::render::{self, Recipe};
use crate::{AppState, ImageFault};

/// How many generated images the mock remembers for download; past it the
/// store is emptied (old links then answer 404).
const MAX_STORED_IMAGES: usize = 10_000;

/// One generated image, waiting for its link to be fetched.
struct Stored {
    source: Arc<RgbImage>,
    recipe: Recipe,
    expires_at: u64,
    /// The image being rendered since its link was handed out (as a CDN
    /// would have it ready), taken by the first fetch; later fetches render
    /// it again.
    prerendered: Option<tokio::task::JoinHandle<Vec<u8>>>,
}

/// The images of every native answer, by id.
#[derive(Default)]
pub(crate) struct ImageStore {
    images: Mutex<HashMap<String, Stored>>,
    /// The ids fetched at least once (for `ImageFault::FailOnce`).
    fetched: Mutex<std::collections::HashSet<String>>,
}

impl ImageStore {
    /// Remembers image `id` of an answer, made from `source` by `recipe`,
    /// and returns its link path (with `exp` and `sig`). With `prerender`
    /// (when answers wait, `--latency`), the image is rendered while the
    /// answer waits, as the real API has it ready when it answers; it is
    /// kept until its first fetch.
    pub(crate) fn add(
        &self,
        id: String,
        source: Arc<RgbImage>,
        recipe: Recipe,
        expires_at: u64,
        prerender: bool,
    ) -> String {
        let link = format!("/images/{id}.png?exp={expires_at}&sig={}", signature(&id, expires_at));
        let mut images = self.images.lock().unwrap_or_else(|p| p.into_inner());
        if images.len() >= MAX_STORED_IMAGES {
            images.clear();
        }
        let prerendered = {
            let (source, recipe) = (source.clone(), recipe.clone());
            tokio::runtime::Handle::try_current()
                .ok()
                .filter(|_| prerender)
                .map(|runtime| runtime.spawn_blocking(move || render::render(&source, &recipe)))
        };
        images.insert(
            id,
            Stored {
                source,
                recipe,
                expires_at,
                prerendered,
            },
        );
        link
    }
}

/// A link's signature: a hash of the id and the expiry, so that an edited
/// `exp` is refused.
fn signature(id: &str, expires_at: u64) -> String {
    format!("{:016x}", crate::fnv1a(&[id.as_bytes(), &expires_at.to_be_bytes()]))
}

/// The size of the images for a request: its resolution, else the listed
/// resolution closest to its aspect ratio, else 1024 x 1024.
pub fn image_size(request: &ImageRequest) -> (u32, u32) {
    if let Some((w, h)) = request.resolution().and_then(Resolution::dimensions) {
        return (w, h);
    }
    let Some((a, b)) = request.aspect_ratio().and_then(|r| r.ratio()) else {
        return (1024, 1024);
    };
    let want = f64::from(a) / f64::from(b);
    Resolution::KNOWN
        .iter()
        .filter_map(|r| Resolution::from(*r).dimensions())
        .min_by(|(w1, h1), (w2, h2)| {
            let d1 = (f64::from(*w1) / f64::from(*h1) - want).abs();
            let d2 = (f64::from(*w2) / f64::from(*h2) - want).abs();
            d1.total_cmp(&d2).then((w2 * h2).cmp(&(w1 * h1)))
        })
        .unwrap_or((1024, 1024))
}

/// The query of an image link.
#[derive(Deserialize)]
pub(crate) struct LinkQuery {
    exp: Option<u64>,
    sig: Option<String>,
}

/// `GET /images/{id}.png?exp=..&sig=..`: the rendered image, 410 past its
/// expiry, 403 for an edited link, 404 for an unknown one.
pub(crate) async fn serve_image(
    State(state): State<Arc<AppState>>,
    Path(file): Path<String>,
    Query(query): Query<LinkQuery>,
) -> Response {
    let id = file.strip_suffix(".png").unwrap_or(&file).to_string();
    let found = {
        let images = state.images.images.lock().unwrap_or_else(|p| p.into_inner());
        images
            .get(&id)
            .map(|s| (s.source.clone(), s.recipe.clone(), s.expires_at))
    };
    let Some((source, recipe, expires_at)) = found else {
        return (StatusCode::NOT_FOUND, format!("no image {file}")).into_response();
    };
    if query.exp != Some(expires_at) || query.sig.as_deref() != Some(signature(&id, expires_at).as_str()) {
        return (StatusCode::FORBIDDEN, "the link's exp or sig was changed").into_response();
    }
    if crate::now_secs() >= expires_at {
        let message = format!("this link expired at {} (exp={expires_at})", crate::rfc3339(expires_at));
        return (StatusCode::GONE, message).into_response();
    }
    let first_fetch = state
        .images
        .fetched
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(id.clone());
    match state.config.image_fault {
        ImageFault::FailOnce if first_fetch => {
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "image store hiccup (--image-fault fail-once)",
            )
                .into_response();
        }
        ImageFault::Html => {
            return (
                [(header::CONTENT_TYPE, "text/html")],
                "<html><body><h1>Service temporarily unavailable</h1></body></html>",
            )
                .into_response();
        }
        _ => {}
    }
    let prerendered = {
        let mut images = state.images.images.lock().unwrap_or_else(|p| p.into_inner());
        images.get_mut(&id).and_then(|s| s.prerendered.take())
    };
    let rendered = match prerendered {
        Some(task) => task.await,
        None => tokio::task::spawn_blocking(move || render::render(&source, &recipe)).await,
    };
    let Ok(png) = rendered else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    match state.config.image_fault {
        ImageFault::CutOff => faulty_body(png, Fault::CutOff),
        ImageFault::Slow => faulty_body(png, Fault::Slow),
        _ => ([(header::CONTENT_TYPE, "image/png")], png).into_response(),
    }
}

/// How [`faulty_body`] sends an image.
enum Fault {
    CutOff,
    Slow,
}

/// The image with its whole length announced, sent as `fault` says: half
/// of it and then an error (hyper closes the connection), or in 16 pieces
/// 100 ms apart.
fn faulty_body(png: Vec<u8>, fault: Fault) -> Response {
    let length = png.len();
    let pieces: Vec<Result<bytes::Bytes, std::io::Error>> = match fault {
        Fault::CutOff => vec![
            Ok(bytes::Bytes::copy_from_slice(&png[..length / 2])),
            Err(std::io::Error::other("cut off (--image-fault cut-off)")),
        ],
        Fault::Slow => png
            .chunks(length.div_ceil(16).max(1))
            .map(|c| Ok(bytes::Bytes::copy_from_slice(c)))
            .collect(),
    };
    let delay = match fault {
        Fault::CutOff => std::time::Duration::ZERO,
        Fault::Slow => std::time::Duration::from_millis(100),
    };
    let stream = futures_util::stream::unfold(pieces.into_iter(), move |mut rest| async move {
        let next = rest.next()?;
        if !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        Some((next, rest))
    });
    (
        [
            (header::CONTENT_TYPE, "image/png".to_string()),
            (header::CONTENT_LENGTH, length.to_string()),
        ],
        axum::body::Body::from_stream(stream),
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_the_request() {
        let r = ImageRequest::builder("p")
            .resolution(Resolution::R1536x640)
            .build()
            .unwrap();
        assert_eq!(image_size(&r), (1536, 640));
        let r = ImageRequest::builder("p").aspect_ratio("ASPECT_16_9").build().unwrap();
        assert_eq!(image_size(&r), (1280, 720));
        let r = ImageRequest::builder("p").aspect_ratio("ASPECT_1_1").build().unwrap();
        assert_eq!(image_size(&r), (1024, 1024));
        let r = ImageRequest::builder("p").build().unwrap();
        assert_eq!(image_size(&r), (1024, 1024));
    }

    #[test]
    fn a_signature_changes_with_the_expiry() {
        assert_eq!(signature("a-0", 10), signature("a-0", 10));
        assert_ne!(signature("a-0", 10), signature("a-0", 11));
        assert_ne!(signature("a-0", 10), signature("a-1", 10));
    }
}
