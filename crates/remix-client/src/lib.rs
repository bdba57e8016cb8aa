#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

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
mod tls;
mod transfer;
mod wire;

pub use api_error::{ApiError, ApiErrorKind};
pub use client::{ApiKey, Client, ClientBuilder, Config, RemixOutput, RetryEvent};
pub use download::{DownloadError, Downloaded, Downloader};
pub use error::{Error, Setting, TimeoutPhase};
pub use image::{ImageError, ImageFile, ImageFormat};
pub use models::{Model, ModelField};
pub use request::{ColorMember, ColorPalette, ImageRequest, ImageRequestBuilder, InvalidRequest, Rule, Violation};
pub use response::{GeneratedImage, ImagesResponse, RemixResponse, Task, TaskEnvelope};
pub use transfer::Progress;
pub use wire::{AspectRatio, MagicPromptOption, MagicPromptVersion, PalettePreset, Resolution, StyleType};
