//! Test kit for the workspace's end-to-end tests:
//!
//! - `server` and `connection`: a scripted HTTP/1.1 server on 127.0.0.1
//!   (port 0) that records every request byte for byte, for fault
//!   scenarios;
//! - `multipart`: reading a recorded `multipart/form-data` body (with
//!   `multer`, the parser axum uses);
//! - `images`: deterministic test images;
//! - [`bins`]: the workspace's binaries and a running `remix-mock`.

pub mod bins;
mod connection;
mod images;
mod multipart;
mod server;

pub use images::{png, png_size};
pub use multipart::{Part, parse_multipart};
pub use server::{Recorded, Reply, TestServer, native_response, task_envelope};
