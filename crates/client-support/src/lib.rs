//! The spec-independent runtime of the API clients that this workspace's
//! generator (`cargo xtask generate` / `cargo xtask codegen`) writes on top
//! of progenitor, as `progenitor-client` is for progenitor itself.
//!
//! Generated code holds only what depends on a spec: the body type of each
//! `multipart/form-data` operation and the calls that fill a
//! [`MultipartForm`] from it, plus a constructor per security scheme that
//! calls [`bearer_client`] or [`api_key_client`]. Everything here is the
//! same for every spec, so clippy, rustdoc and the unit tests below see it,
//! and a fix lands once.
//!
//! - [`FilePart`]: one file of a multipart body, from bytes in memory
//!   (shared, never copied) or from a stream of known length (never read
//!   into memory whole).
//! - [`MultipartForm`]: builds the `reqwest` form the way servers read it:
//!   a file per [`FilePart`], repeated parts for arrays, text for scalars
//!   and enums (their wire value), and JSON with `Content-Type:
//!   application/json` for objects or where the spec's `encoding` says so.
//! - [`FormParts`]: a multipart body the caller fills by part name, the
//!   body type of an operation whose spec does not say its parts.
//! - [`bearer_client`] / [`api_key_client`]: a `reqwest::Client` that sends
//!   a credential on every request, marked sensitive so it never prints.

#![warn(missing_docs)]

mod auth;
mod file;
mod form;
mod parts;

pub use auth::{AuthError, api_key_client, bearer_client};
pub use file::FilePart;
pub use form::{FormError, MultipartForm};
pub use parts::FormParts;
