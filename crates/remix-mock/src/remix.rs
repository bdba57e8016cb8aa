//! `POST /ideogram/remix`: scripted faults first, then the bearer token,
//! then every part and rule, then the answer in the configured shape.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use crate::render::RgbImage;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use remix_client::{ImageFile, ImageRequest, limits};
use serde_json::{Value, json};

use crate::faults::{envelope_error, fault_for, fault_response};
use crate::images::image_size;
use crate::log::{Entry, image_hash};
use crate::parts::{Received, bearer_ok, drain, read_parts};
use crate::render::{self, Recipe};
use crate::{AppState, now_secs, rfc3339};

/// One remix request: its number, ids and time.
struct Call {
    n: u64,
    request_id: String,
    task_id: String,
}

pub(crate) async fn remix(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let _open = state.in_flight.open();
    let call = state.call();
    let kept = crate::log::kept_headers(&headers);
    let (response, upload) = answer(&state, &call, &headers, multipart).await;
    // Logged before the wait: a remix is charged when accepted, even if
    // the client is gone by the time the answer is sent.
    state.log.push(Entry {
        n: call.n,
        status: response.status().as_u16(),
        file_name: upload.as_ref().and_then(|u| u.file_name.clone()),
        image_hash: upload.map(|u| u.hash),
        headers: kept,
    });
    state.wait(call.n).await;
    response
}

/// The uploaded file, as the log names it.
struct Upload {
    file_name: Option<String>,
    hash: String,
}

/// The answer to one remix request, and the upload when the body was read.
async fn answer(
    state: &AppState,
    call: &Call,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> (Response, Option<Upload>) {
    let mut multipart = match multipart {
        Ok(m) => m,
        Err(e) => {
            let message = format!("the body must be multipart/form-data with a boundary ({e})");
            return (envelope_error(400, &message, &call.request_id), None);
        }
    };
    if let Some(status) = fault_for(&state.config.faults, call.n) {
        drain(&mut multipart).await;
        return (fault_response(status, state.config.retry_after, &call.request_id), None);
    }
    if !bearer_ok(headers, state.config.api_key.as_deref()) {
        drain(&mut multipart).await;
        let message = "missing or invalid bearer token: send Authorization: Bearer <key>";
        return (envelope_error(401, message, &call.request_id), None);
    }
    let received = read_parts(&mut multipart).await;
    let upload = received.file.as_ref().map(|(bytes, name)| Upload {
        file_name: name.clone(),
        hash: image_hash(bytes),
    });
    let (request, source) = match validate(received).await {
        Ok(valid) => valid,
        Err(problems) => return (envelope_error(400, &problems, &call.request_id), upload),
    };
    let response = if state.config.native {
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("127.0.0.1");
        native_answer(state, call, &request, source, host)
    } else {
        task_answer(state, call)
    };
    (response, upload)
}

impl AppState {
    fn call(&self) -> Call {
        let n = self.counter.fetch_add(1, Ordering::SeqCst);
        let (request_id, task_id) = match self.config.seed {
            Some(seed) => (format!("req-{seed}-{n:04}"), format!("task-{seed}-{n:04}")),
            None => {
                let nanos = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or(0);
                (format!("req-{nanos:x}-{n}"), format!("task-{nanos:x}-{n}"))
            }
        };
        Call { n, request_id, task_id }
    }

    /// Waits the configured latency, plus a jitter drawn from the
    /// request's number (and the seed).
    async fn wait(&self, n: u64) {
        let jitter_ms = u64::try_from(self.config.jitter.as_millis()).unwrap_or(u64::MAX);
        let drawn = if jitter_ms == 0 {
            0
        } else {
            crate::fnv1a(&[&n.to_le_bytes(), &self.config.seed.unwrap_or(0).to_le_bytes()]) % (jitter_ms + 1)
        };
        let wait = self.config.latency + std::time::Duration::from_millis(drawn);
        if !wait.is_zero() {
            tokio::time::sleep(wait).await;
        }
    }

    /// The answer's time: fixed with a seed, else now.
    fn time(&self, n: u64) -> u64 {
        match self.config.seed {
            Some(_) => 1_764_000_000 + n,
            None => now_secs(),
        }
    }
}

/// Checks the parts with remix-client's own checks and decodes the image;
/// every problem is reported, joined.
async fn validate(received: Received) -> Result<(ImageRequest, RgbImage), String> {
    let mut problems = received.problems;
    let request = received.request.and_then(|text| {
        ImageRequest::from_json(&text)
            .map_err(|e| problems.push(format!("image_request: {e}")))
            .ok()
    });
    if let Some(size) = received.file_too_large {
        let max = limits::MAX_IMAGE_BYTES;
        problems.push(format!(
            "`image_file` is {size} bytes; the API takes at most {max} bytes ({})",
            limits::describe_bytes(max)
        ));
    }
    let bytes = received.file.and_then(|(bytes, name)| {
        let name = name.as_deref().unwrap_or("image_file");
        let checked = ImageFile::from_bytes(bytes.clone(), name).map_err(|e| problems.push(e.to_string()));
        checked.ok().map(|_| bytes)
    });
    let image = match bytes {
        Some(bytes) => tokio::task::spawn_blocking(move || render::decode(&bytes))
            .await
            .map_err(|e| e.to_string())
            .and_then(|decoded| decoded)
            .map_err(|e| problems.push(e))
            .ok(),
        None => None,
    };
    match (request, image) {
        (Some(request), Some(image)) if problems.is_empty() => Ok((request, image)),
        _ => Err(problems.join("; ")),
    }
}

/// The spec's task envelope.
fn task_answer(state: &AppState, call: &Call) -> Response {
    let time = state.time(call.n);
    let body = json!({
        "code": 200,
        "message": "success",
        "request_id": call.request_id,
        "data": {"task_id": call.task_id, "task_status": "SUBMITTED", "created_at": time, "updated_at": time}
    });
    (StatusCode::OK, axum::Json(body)).into_response()
}

/// Ideogram's native image list, one remix of the upload per image, with
/// links the mock serves (signed, expiring after the configured time).
fn native_answer(state: &AppState, call: &Call, request: &ImageRequest, source: RgbImage, host: &str) -> Response {
    let (width, height) = image_size(request);
    let drawn = (call.n * 7919 + state.config.seed.unwrap_or(0)) % u64::from(limits::MAX_SEED);
    let base_seed = request.seed().map_or(drawn, u64::from);
    let expires_at = now_secs() + state.config.link_ttl;
    let source = Arc::new(source);
    let images: Vec<Value> = (0..u64::from(request.num_images().unwrap_or(limits::DEFAULT_NUM_IMAGES)))
        .map(|i| {
            let id = format!("{}-{i}", call.task_id.trim_start_matches("task-"));
            let seed = base_seed + i;
            let recipe = Recipe::new(request, width, height, seed);
            let prerender = !state.config.latency.is_zero();
            let link = state.images.add(id, source.clone(), recipe, expires_at, prerender);
            json!({
                "url": format!("http://{host}{link}"),
                "prompt": request.prompt(),
                "resolution": format!("{width}x{height}"),
                "is_image_safe": true,
                "seed": seed,
                "style_type": request.style_type().map_or("AUTO", |s| s.as_str()),
            })
        })
        .collect();
    let body = json!({"created": rfc3339(state.time(call.n)), "data": images});
    (StatusCode::OK, axum::Json(body)).into_response()
}
