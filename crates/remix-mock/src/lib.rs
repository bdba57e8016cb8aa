//! `remix-mock`: a local contract server of the Remix API.
//!
//! `POST /ideogram/remix` checks every request the way the real API does,
//! with `remix-client`'s own checks (never a copy of them): a bearer token,
//! exactly the parts `image_request` and `image_file`, an `image_request`
//! that follows every rule, and a PNG, JPEG or WebP image of at most 10 MiB.
//! It answers with the spec's task envelope, or with `native` set with
//! Ideogram's native image list, whose links (`GET /images/{id}.png`) it
//! serves itself as real PNGs of the requested size. Scripted faults
//! (`429:2`: the next two requests get a 429) exercise a client's retries.

pub mod png;

use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use remix_client::{ImageFile, ImageRequest, MAX_IMAGE_BYTES, Resolution};
use serde_json::{Value, json};

/// The parts a remix request must have, and the only ones it may have.
pub const PARTS: [&str; 2] = ["image_request", "image_file"];

/// The largest `image_request` part read.
const MAX_REQUEST_PART: usize = 64 * 1024;

/// How many generated images the mock remembers for download.
const MAX_STORED_IMAGES: usize = 10_000;

/// A scripted fault: the next `count` remix requests get `status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    /// The HTTP status to answer.
    pub status: u16,
    /// How many requests get it.
    pub count: u32,
}

impl std::str::FromStr for Fault {
    type Err = String;
    /// `STATUS:COUNT`, such as `429:2`; `STATUS` alone means once.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (status, count) = text.split_once(':').unwrap_or((text, "1"));
        let status: u16 = status
            .parse()
            .map_err(|_| format!("{text:?}: the status must be a number such as 429"))?;
        if !(400..=599).contains(&status) {
            return Err(format!("{text:?}: the status must be an error status, 400 to 599"));
        }
        let count: u32 = count
            .parse()
            .map_err(|_| format!("{text:?}: the count after ':' must be a whole number"))?;
        Ok(Fault { status, count })
    }
}

/// How the mock behaves.
#[derive(Debug, Clone, Default)]
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
}

struct AppState {
    config: MockConfig,
    counter: AtomicU64,
    images: Mutex<HashMap<String, (u32, u32, u64)>>,
}

/// The mock's routes.
pub fn router(config: MockConfig) -> Router {
    let state = Arc::new(AppState {
        config,
        counter: AtomicU64::new(0),
        images: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/ideogram/remix", post(remix))
        .route("/images/{file}", get(image))
        .layer(DefaultBodyLimit::max(MAX_IMAGE_BYTES as usize + 1024 * 1024))
        .with_state(state)
}

/// Serves the mock on `listener` until the process ends.
pub async fn serve(listener: tokio::net::TcpListener, config: MockConfig) -> std::io::Result<()> {
    axum::serve(listener, router(config)).await
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

impl AppState {
    fn ids(&self, n: u64) -> (String, String) {
        match self.config.seed {
            Some(seed) => (format!("req-{seed}-{n:04}"), format!("task-{seed}-{n:04}")),
            None => {
                let nanos = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                (format!("req-{nanos:x}-{n}"), format!("task-{nanos:x}-{n}"))
            }
        }
    }

    fn time(&self, n: u64) -> u64 {
        match self.config.seed {
            Some(_) => 1_764_000_000 + n,
            None => now_secs(),
        }
    }

    fn fault_for(&self, n: u64) -> Option<u16> {
        let mut upto = 0u64;
        for fault in &self.config.faults {
            upto += u64::from(fault.count);
            if n < upto {
                return Some(fault.status);
            }
        }
        None
    }
}

fn envelope_error(status: u16, message: &str, request_id: &str) -> Response {
    let body = json!({"code": status, "message": message, "request_id": request_id, "data": null});
    (status_code(status), axum::Json(body)).into_response()
}

fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

fn fault_response(status: u16, retry_after: u64, request_id: &str) -> Response {
    let retry = [(header::RETRY_AFTER, HeaderValue::from(retry_after))];
    match status {
        402 => (
            status_code(402),
            axum::Json(json!({"error": "insufficient balance", "code": "insufficient_funds"})),
        )
            .into_response(),
        422 => (
            status_code(422),
            axum::Json(json!({"error": "The prompt or image failed the safety check"})),
        )
            .into_response(),
        429 => (
            status_code(429),
            retry,
            axum::Json(json!({"error": "Too many images in flight", "reject_reason": "inflight_limit"})),
        )
            .into_response(),
        502..=504 => {
            let page = format!(
                "<!DOCTYPE html><html><head><title>{status}</title></head><body><h1>{status} gateway error</h1></body></html>"
            );
            let mut response = (status_code(status), [(header::CONTENT_TYPE, "text/html")], page).into_response();
            if status == 503 {
                response
                    .headers_mut()
                    .insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            }
            response
        }
        _ => envelope_error(status, "scripted fault", request_id),
    }
}

/// Reads and drops whatever is left of a multipart body, so the client
/// always gets to finish its upload before the answer.
async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

fn bearer_ok(headers: &HeaderMap, accepted: Option<&str>) -> bool {
    let Some(token) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
    else {
        return false;
    };
    !token.is_empty() && accepted.is_none_or(|k| k == token)
}

struct Received {
    request: Option<String>,
    file: Option<(Vec<u8>, Option<String>)>,
    file_too_large: Option<u64>,
    problems: Vec<String>,
}

async fn read_parts(multipart: &mut Multipart) -> Received {
    let mut got = Received {
        request: None,
        file: None,
        file_too_large: None,
        problems: Vec::new(),
    };
    let mut seen: Vec<String> = Vec::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                got.problems.push(format!("the multipart body cannot be read: {e}"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if name.is_empty() {
            got.problems.push("a part has no name".into());
        } else if !PARTS.contains(&name.as_str()) {
            got.problems.push(format!(
                "unknown part `{name}`; a remix takes only `image_request` and `image_file`"
            ));
        } else if seen.contains(&name) {
            got.problems.push(format!("part `{name}` is sent twice"));
        }
        seen.push(name.clone());
        let limit = if name == "image_file" {
            MAX_IMAGE_BYTES as usize
        } else {
            MAX_REQUEST_PART
        };
        let file_name = field.file_name().map(str::to_string);
        let mut bytes = Vec::new();
        let mut total: u64 = 0;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) => {
                    total += chunk.len() as u64;
                    if bytes.len() + chunk.len() <= limit {
                        bytes.extend_from_slice(&chunk);
                    }
                }
                Ok(None) => break,
                Err(e) => {
                    got.problems.push(format!("part `{name}` cannot be read: {e}"));
                    break;
                }
            }
        }
        match name.as_str() {
            "image_request" if total as usize > MAX_REQUEST_PART => got.problems.push(format!(
                "part `image_request` is {total} bytes; at most {MAX_REQUEST_PART} are read"
            )),
            "image_request" => match String::from_utf8(bytes) {
                Ok(text) => got.request = Some(text),
                Err(_) => got.problems.push("part `image_request` is not UTF-8 text".into()),
            },
            "image_file" if total > MAX_IMAGE_BYTES => got.file_too_large = Some(total),
            "image_file" => got.file = Some((bytes, file_name)),
            _ => {}
        }
    }
    for part in PARTS {
        if !seen.iter().any(|s| s == part) {
            got.problems.push(format!("missing part `{part}`"));
        }
    }
    got
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

/// RFC 3339 text of a Unix time, in UTC.
pub fn rfc3339(secs: u64) -> String {
    let days = (secs / 86_400) as i64;
    let rem = secs % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

async fn remix(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let n = state.counter.fetch_add(1, Ordering::SeqCst);
    let (request_id, task_id) = state.ids(n);
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            return envelope_error(
                400,
                &format!("the body must be multipart/form-data with a boundary ({e})"),
                &request_id,
            );
        }
    };
    if let Some(status) = state.fault_for(n) {
        drain(&mut multipart).await;
        return fault_response(status, state.config.retry_after, &request_id);
    }
    if !bearer_ok(&headers, state.config.api_key.as_deref()) {
        drain(&mut multipart).await;
        return envelope_error(
            401,
            "missing or invalid bearer token: send Authorization: Bearer <key>",
            &request_id,
        );
    }
    let received = read_parts(&mut multipart).await;
    let mut problems = received.problems;
    let request = received.request.and_then(|text| match ImageRequest::from_json(&text) {
        Ok(r) => Some(r),
        Err(e) => {
            problems.push(format!("image_request: {e}"));
            None
        }
    });
    if let Some(size) = received.file_too_large {
        problems.push(format!(
            "`image_file` is {size} bytes; the API takes at most {MAX_IMAGE_BYTES} bytes (10 MiB)"
        ));
    }
    let image = received.file.and_then(|(bytes, name)| {
        match ImageFile::from_bytes(bytes, name.as_deref().unwrap_or("image_file")) {
            Ok(image) => Some(image),
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        }
    });
    let (Some(request), Some(_image), true) = (request, image, problems.is_empty()) else {
        return envelope_error(400, &problems.join("; "), &request_id);
    };

    let time = state.time(n);
    if !state.config.native {
        let body = json!({
            "code": 200,
            "message": "success",
            "request_id": request_id,
            "data": {"task_id": task_id, "task_status": "SUBMITTED", "created_at": time, "updated_at": time}
        });
        return (StatusCode::OK, axum::Json(body)).into_response();
    }

    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let (width, height) = image_size(&request);
    let base_seed = u64::from(
        request
            .seed()
            .unwrap_or(((n * 7919 + state.config.seed.unwrap_or(0)) % 2_147_483_647) as u32),
    );
    let mut images = Vec::new();
    let mut stored = state.images.lock().unwrap_or_else(|p| p.into_inner());
    for i in 0..u64::from(request.num_images().unwrap_or(1)) {
        let id = format!("{}-{i}", task_id.trim_start_matches("task-"));
        let seed = base_seed + i;
        if stored.len() >= MAX_STORED_IMAGES {
            stored.clear();
        }
        stored.insert(id.clone(), (width, height, seed));
        images.push(json!({
            "url": format!("http://{host}/images/{id}.png"),
            "prompt": request.prompt(),
            "resolution": format!("{width}x{height}"),
            "is_image_safe": true,
            "seed": seed,
            "style_type": request.style_type().map(|s| s.as_str().to_string()).unwrap_or_else(|| "AUTO".into()),
        }));
    }
    drop(stored);
    let body = json!({"created": rfc3339(time), "data": Value::Array(images)});
    (StatusCode::OK, axum::Json(body)).into_response()
}

static PNG_TYPE: LazyLock<HeaderValue> = LazyLock::new(|| HeaderValue::from_static("image/png"));

async fn image(State(state): State<Arc<AppState>>, Path(file): Path<String>) -> Response {
    let found = file
        .strip_suffix(".png")
        .and_then(|id| state.images.lock().unwrap_or_else(|p| p.into_inner()).get(id).copied());
    match found {
        Some((w, h, seed)) => {
            let png = tokio::task::spawn_blocking(move || png::gradient(w, h, seed)).await;
            match png {
                Ok(bytes) => ([(header::CONTENT_TYPE, PNG_TYPE.clone())], bytes).into_response(),
                Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            }
        }
        None => (StatusCode::NOT_FOUND, format!("no image {file}")).into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_parse() {
        assert_eq!("429:2".parse(), Ok(Fault { status: 429, count: 2 }));
        assert_eq!("503".parse(), Ok(Fault { status: 503, count: 1 }));
        assert!("200:1".parse::<Fault>().is_err());
        assert!("abc".parse::<Fault>().is_err());
        assert!("429:x".parse::<Fault>().is_err());
    }

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
    fn rfc3339_dates() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_046_800), "2025-11-25T05:00:00Z");
    }
}
