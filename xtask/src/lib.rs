//! Workspace automation behind `cargo xtask`: code generation (which runs
//! the `client-gen` generator as a separate process), the demo and the
//! benchmarks.

pub mod api;
pub mod bench;
pub mod codegen;
pub mod demo;
pub mod directory;
pub mod man;
pub mod msrv;
pub mod spec_update;
pub mod workspace;
