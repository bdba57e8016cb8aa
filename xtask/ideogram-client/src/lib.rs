//! A client generated from `xtask/fixtures/corpus/ideogram-official.json`,
//! Ideogram's own public OpenAPI document: what the reseller's spec will
//! look like after an update. It exists so that the workspace build proves
//! the generator takes a real vendor spec whole (every one of its 56
//! operations, 22 of them multipart), and `cargo xtask codegen --check`
//! keeps it fresh.

#[rustfmt::skip]
#[allow(clippy::all, unused_imports, rustdoc::all)]
mod generated;

pub use generated::*;
