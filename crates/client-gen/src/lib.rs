//! `client-gen`: an OpenAPI client generator for Rust.
//!
//! It reads Swagger 2.0, OpenAPI 3.0 and 3.1 (YAML or JSON, in one file or
//! split across several), brings the document to the OpenAPI 3.0 form
//! progenitor reads and normalizes what progenitor 0.15.1 cannot take as it
//! stands, with named, tested rules (one table, [`rules`]), runs progenitor
//! (typify underneath), and emits the `multipart/form-data` operations
//! progenitor cannot generate. The code it writes calls the
//! `client-support` crate.
//!
//! Only a document that is not YAML or JSON, or not a known OpenAPI
//! version, is refused. What one part of a spec does wrong degrades that
//! part alone: a schema becomes any JSON where it is used, an operation
//! that still cannot be generated is left out; each is named, with the
//! reason, in the generated file's header and in [`Generated`].
//! [`Options::strict`] makes that an error instead.
//!
//! The binary (`client-gen generate ...`) is what `cargo xtask codegen`,
//! `generate`, `corpus` and `directory` run, as a separate process.

mod deps;
mod diff;
mod emit;
mod generate;
mod header;
mod input;
mod krate;
mod names;
mod normalize;
mod progenitor_run;
pub mod rules;
mod spec;
mod syntax;
pub mod timing;

pub use deps::{ClientSupport, DEPENDENCIES, Dependency};
pub use diff::{Change, Impact, diff, report as diff_report};
pub use generate::{Generated, LeftOut, Options, generate, generate_file, hex_sha256};
pub use input::BundledFile;
pub use krate::{missing_dependencies, write_crate};
