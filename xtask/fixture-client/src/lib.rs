//! A client generated from `xtask/fixtures/multipart.yaml`, a small spec
//! that is not the Remix API. It exists so that the workspace build proves
//! the multipart emitter's output compiles for specs other than Remix.

#[rustfmt::skip]
#[allow(clippy::all, unused_imports, rustdoc::bare_urls)]
mod generated;

pub use generated::*;
