//! A client generated from `xtask/fixtures/multipart.yaml`, a small spec
//! that is not the Remix API and exercises every multipart part kind. The
//! workspace build proves the generated code compiles, and
//! `tests/tests/multipart_wire.rs` sends it over loopback sockets.

#[rustfmt::skip]
#[allow(clippy::all, unused_imports, rustdoc::bare_urls)]
mod generated;

pub use generated::*;

/// The client generated from `xtask/fixtures/multipart-3.1.yaml`, an
/// OpenAPI 3.1 spec with the shapes the vendor corpus brings to a multipart
/// operation (path parameters, an `allOf` body, `contentMediaType` files,
/// error bodies of two shapes); `tests/tests/multipart_wire.rs` sends it
/// over loopback too.
pub mod v31 {
    #[rustfmt::skip]
    #[allow(clippy::all, unused_imports, rustdoc::bare_urls)]
    mod generated_31;

    pub use generated_31::*;
}
