//! Workspace automation behind `cargo xtask`: the code generator of the raw
//! client crate (normalization, progenitor, our multipart emitter) and the
//! helpers around it.

pub mod bench;
pub mod codegen;
pub mod demo;
pub mod multipart;
pub mod normalize;
