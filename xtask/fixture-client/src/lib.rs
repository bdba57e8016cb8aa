//! A client generated from `xtask/fixtures/multipart.yaml`, a small spec
//! that is not the Remix API and exercises every multipart part kind. The
//! workspace build proves the generated code compiles, and
//! `tests/tests/multipart_wire.rs` sends it over loopback sockets.

#[rustfmt::skip]
#[allow(clippy::all, unused_imports, rustdoc::bare_urls)]
mod generated;

pub use generated::*;
