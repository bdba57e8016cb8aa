//! Scripted faults (`--fail-with 429:2`) and the error answers the mock
//! sends, in the shapes the real API and its gateway use.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

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

/// The status of request number `n` (0-based) when a fault covers it.
pub(crate) fn fault_for(faults: &[Fault], n: u64) -> Option<u16> {
    let mut upto = 0u64;
    faults.iter().find_map(|fault| {
        upto += u64::from(fault.count);
        (n < upto).then_some(fault.status)
    })
}

pub(crate) fn status_code(status: u16) -> StatusCode {
    StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// An error in the spec's envelope: `{code, message, request_id, data: null}`.
pub(crate) fn envelope_error(status: u16, message: &str, request_id: &str) -> Response {
    let body = json!({"code": status, "message": message, "request_id": request_id, "data": null});
    (status_code(status), axum::Json(body)).into_response()
}

/// A scripted fault's answer, shaped as the real API (or its gateway)
/// answers that status.
pub(crate) fn fault_response(status: u16, retry_after: u64, request_id: &str) -> Response {
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
        502..=504 => gateway_page(status, retry_after),
        _ => envelope_error(status, "scripted fault", request_id),
    }
}

/// The reseller's gateway answers 5xx with an HTML page.
fn gateway_page(status: u16, retry_after: u64) -> Response {
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
    fn faults_cover_the_first_requests_in_order() {
        let faults = ["503:1".parse().unwrap(), "429:2".parse().unwrap()];
        let statuses: Vec<Option<u16>> = (0..4).map(|n| fault_for(&faults, n)).collect();
        assert_eq!(statuses, [Some(503), Some(429), Some(429), None]);
    }
}
