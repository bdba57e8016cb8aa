//! What the mock answered to each remix request, for tests: `GET
//! /mock/log` lists them, in order, as JSON. A 200 is a remix the real API
//! would have charged for, whether or not the client saw the answer.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::extract::State;
use serde::Serialize;

use crate::AppState;

/// One remix request and what the mock answered: a 200 is a remix the
/// real API would have charged for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Entry {
    /// The request's number, from 0.
    pub n: u64,
    /// The status answered.
    pub status: u16,
    /// The uploaded file's name, when the body was read.
    pub file_name: Option<String>,
    /// A hash of the uploaded image's bytes (FNV-1a, hex), when read.
    pub image_hash: Option<String>,
    /// The request's headers by lowercase name (repeated ones joined by
    /// `, `), except `authorization` and `cookie`: what a client's default
    /// headers and user agent look like on arrival.
    pub headers: BTreeMap<String, String>,
}

/// The headers an [`Entry`] keeps: all but the credentials.
pub(crate) fn kept_headers(headers: &axum::http::HeaderMap) -> BTreeMap<String, String> {
    let mut kept: BTreeMap<String, String> = BTreeMap::new();
    for (name, value) in headers {
        if matches!(name.as_str(), "authorization" | "cookie") {
            continue;
        }
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        kept.entry(name.as_str().to_string())
            .and_modify(|v| {
                v.push_str(", ");
                v.push_str(&value);
            })
            .or_insert(value);
    }
    kept
}

/// Remix requests being answered now, and the most there were at once.
#[derive(Default)]
pub(crate) struct InFlight {
    now: AtomicUsize,
    most: AtomicUsize,
}

/// One request counted in [`InFlight`] until dropped.
pub(crate) struct Open<'a>(&'a InFlight);

impl InFlight {
    /// Counts a request in until the guard is dropped.
    pub(crate) fn open(&self) -> Open<'_> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        Open(self)
    }

    /// The most requests answered at once so far.
    pub(crate) fn most(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Entry {
    /// Whether the real API would have charged for it (it answered 200).
    pub fn charged(&self) -> bool {
        self.status == 200
    }
}

/// Every remix request so far.
#[derive(Default)]
pub(crate) struct RequestLog {
    entries: Mutex<Vec<Entry>>,
}

impl RequestLog {
    pub(crate) fn push(&self, entry: Entry) {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).push(entry);
    }

    /// Every entry so far, in order.
    pub(crate) fn entries(&self) -> Vec<Entry> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
}

/// A hash of an upload, to tell images apart in the log.
pub(crate) fn image_hash(bytes: &[u8]) -> String {
    format!("{:016x}", crate::fnv1a(&[bytes]))
}

/// `GET /mock/log`: every remix request and its status, as JSON.
pub(crate) async fn serve_log(State(state): State<Arc<AppState>>) -> axum::Json<Vec<Entry>> {
    axum::Json(state.log.entries())
}
