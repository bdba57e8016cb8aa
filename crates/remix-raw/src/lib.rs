//! Raw client for the Ideogram Remix API, generated from
//! `openapi/remix.yaml` by `cargo xtask codegen`.
//!
//! Nothing in this crate is written by hand: `generated.rs` is the whole
//! client (progenitor's output plus the workspace's multipart emitter). Most
//! users want the `remix-client` crate, which adds typed requests, checks,
//! retries and errors on top.

// Spec descriptions are copied verbatim, bare URLs included.
#[rustfmt::skip]
#[allow(clippy::all, unused_imports, rustdoc::bare_urls)]
mod generated;

pub use generated::*;
