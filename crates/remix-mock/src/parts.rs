//! Reading a remix request's multipart body: exactly the parts
//! `image_request` and `image_file`, each once, within their size limits.

use axum::extract::Multipart;
use axum::extract::multipart::Field;
use axum::http::{HeaderMap, header};
use remix_client::limits::MAX_IMAGE_BYTES;

/// The parts a remix request must have, and the only ones it may have.
pub const PARTS: [&str; 2] = ["image_request", "image_file"];

/// The largest `image_request` part read.
const MAX_REQUEST_PART: usize = 64 * 1024;

/// What a remix request's body held, and what was wrong with it.
#[derive(Default)]
pub(crate) struct Received {
    /// The `image_request` text.
    pub(crate) request: Option<String>,
    /// The `image_file` bytes and file name.
    pub(crate) file: Option<(Vec<u8>, Option<String>)>,
    /// The size of an `image_file` over the limit.
    pub(crate) file_too_large: Option<u64>,
    /// Every problem, worded for the answer.
    pub(crate) problems: Vec<String>,
}

/// Reads and drops whatever is left of a multipart body, so the client
/// always gets to finish its upload before the answer.
pub(crate) async fn drain(multipart: &mut Multipart) {
    while let Ok(Some(mut field)) = multipart.next_field().await {
        while let Ok(Some(_)) = field.chunk().await {}
    }
}

/// Whether the request carries `Authorization: Bearer <token>` with a
/// token that is accepted (any non-empty one when `accepted` is `None`).
pub(crate) fn bearer_ok(headers: &HeaderMap, accepted: Option<&str>) -> bool {
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

/// Reads every part; what is wrong is gathered in `problems`, nothing
/// stops early (the client always finishes its upload).
pub(crate) async fn read_parts(multipart: &mut Multipart) -> Received {
    let mut got = Received::default();
    let mut seen: Vec<String> = Vec::new();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(e) => {
                got.problems.push(format!("the multipart body cannot be read: {e}"));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_string();
        if let Some(problem) = name_problem(&name, &seen) {
            got.problems.push(problem);
        }
        seen.push(name.clone());
        read_part(field, &name, &mut got).await;
    }
    for part in PARTS {
        if !seen.iter().any(|s| s == part) {
            got.problems.push(format!("missing part `{part}`"));
        }
    }
    got
}

fn name_problem(name: &str, seen: &[String]) -> Option<String> {
    if name.is_empty() {
        Some("a part has no name".into())
    } else if !PARTS.contains(&name) {
        Some(format!(
            "unknown part `{name}`; a remix takes only `image_request` and `image_file`"
        ))
    } else if seen.iter().any(|s| s == name) {
        Some(format!("part `{name}` is sent twice"))
    } else {
        None
    }
}

/// Reads one part, keeping at most its limit, and files it in `got`.
async fn read_part(mut field: Field<'_>, name: &str, got: &mut Received) {
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
                return;
            }
        }
    }
    match name {
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
