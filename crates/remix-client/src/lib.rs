#![doc = include_str!("../README.md")]
#![warn(missing_docs)]

pub mod client;
pub mod download;
pub mod enums;
pub mod error;
pub mod image;
pub mod request;
pub mod response;

pub use client::{ApiKey, Client, ClientBuilder, Config, RemixOutput};
pub use download::{DownloadError, Downloader};
pub use enums::{AspectRatio, MagicPromptOption, MagicPromptVersion, Model, PalettePreset, Resolution, StyleType};
pub use error::{ApiError, ApiErrorKind, Error, ImageError, InvalidRequest, Rule, TimeoutPhase, Violation};
pub use image::{ImageFile, ImageFormat, MAX_IMAGE_BYTES, Progress};
pub use request::{ColorMember, ColorPalette, ImageRequest, ImageRequestBuilder};
pub use response::{GeneratedImage, ImagesResponse, RemixResponse, Task, TaskEnvelope};
