//! Workspace automation behind `cargo xtask`: the code generator (spec
//! normalization, progenitor, the multipart emitter), the demo and the
//! benchmarks.

pub mod bench;
pub mod codegen;
pub mod demo;
pub mod emit;
pub mod names;
pub mod normalize;
pub mod progenitor_run;
pub mod workspace;
