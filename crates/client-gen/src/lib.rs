//! `client-gen`: an OpenAPI client generator for Rust.
//!
//! It reads Swagger 2.0, OpenAPI 3.0 and 3.1 (YAML or JSON), brings the
//! document to the OpenAPI 3.0 form progenitor reads with named, tested
//! rules (the `input` module), normalizes what progenitor 0.15.1 cannot take as it
//! stands (also named rules, private to this crate), runs progenitor (typify
//! underneath), and emits the `multipart/form-data` operations progenitor
//! cannot generate. The code it writes calls the `client-support` crate.
//!
//! An operation that cannot be generated is left out and named, with the
//! reason, in the generated file's header and in [`Generated::left_out`];
//! [`Options::strict`] makes that an error instead.
//!
//! The binary (`client-gen generate ...`) is what `cargo xtask codegen`,
//! `generate` and `corpus` run, as a separate process.

mod diff;
mod emit;
mod generate;
mod input;
mod krate;
mod names;
mod normalize;
mod progenitor_run;
mod report;

pub use diff::{Change, Impact, diff, report as diff_report};
pub use generate::{Dependency, Generated, LeftOut, Options, generate};
pub use krate::{missing_dependencies, write_crate};
