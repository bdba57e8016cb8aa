//! What the mock answered to each remix request, for tests: `GET
//! /mock/log` lists them, in order, as JSON. A 200 is a remix the real API
//! would have charged for, whether or not the client saw the answer.

use std::sync::{Arc, Mutex};

use axum::extract::State;
use serde::Serialize;

use crate::AppState;

/// One remix request and its answer.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    /// The request's number, from 0.
    pub(crate) n: u64,
    /// The status answered.
    pub(crate) status: u16,
    /// The uploaded file's name, when the body was read.
    pub(crate) file_name: Option<String>,
    /// A hash of the uploaded image's bytes (FNV-1a, hex), when read.
    pub(crate) image_hash: Option<String>,
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
}

/// A hash of an upload, to tell images apart in the log.
pub(crate) fn image_hash(bytes: &[u8]) -> String {
    format!("{:016x}", crate::fnv1a(&[bytes]))
}

/// `GET /mock/log`: every remix request and its status, as JSON.
pub(crate) async fn serve_log(State(state): State<Arc<AppState>>) -> axum::Json<Vec<Entry>> {
    let entries = state.log.entries.lock().unwrap_or_else(|p| p.into_inner()).clone();
    axum::Json(entries)
}
