#![doc = include_str!("../README.md")]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

// Every public item has one path: the crate root, or `limits::` for the
// numeric limits. The modules themselves are private.
mod api_error;
mod client;
mod download;
mod error;
mod image;
pub mod limits;
mod models;
mod request;
mod response;
mod retry;
mod tls;
mod transfer;
mod wire;

/// The `reqwest` this crate is built on, for
/// [`ClientBuilder::configure_http`] and [`ClientBuilder::http_client`]:
/// its `Client`, `ClientBuilder`, `Proxy` and `header` types. The one dependency this crate's API names; its version
/// follows this crate's (a `reqwest` of another major version is a breaking
/// release of `remix-client`).
pub use reqwest;

pub use api_error::{ApiError, ApiErrorKind};
pub use client::{ApiKey, Client, ClientBuilder, Config, RemixOutput, RetryEvent};
pub use download::{DownloadError, Downloaded, Downloader};
pub use error::{Error, Setting, TimeoutPhase};
pub use image::{ImageError, ImageFile, ImageFormat};
pub use models::{Model, ModelField};
pub use request::{ColorMember, ColorPalette, ImageRequest, ImageRequestBuilder, InvalidRequest, Rule, Violation};
pub use response::{Extra, GeneratedImage, ImagesResponse, RemixResponse, Task, TaskEnvelope};
pub use retry::Outcome;
pub use transfer::Progress;
pub use wire::{AspectRatio, MagicPromptOption, MagicPromptVersion, PalettePreset, Resolution, StyleType};
