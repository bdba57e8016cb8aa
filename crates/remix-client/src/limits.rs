//! Every numeric limit, stated once: the API's (the request checks, the
//! image checks, the JSON Schema and the CLI's help read them from here),
//! then the client's own read limits.

use std::ops::RangeInclusive;

/// Largest `seed` the API takes (the smallest is 0).
pub const MAX_SEED: u32 = 2_147_483_647;

/// Allowed `num_images`.
pub const NUM_IMAGES: RangeInclusive<u32> = 1..=8;

/// The server's `num_images` when the request sets none.
pub const DEFAULT_NUM_IMAGES: u32 = 1;

/// Allowed `image_weight`.
pub const IMAGE_WEIGHT: RangeInclusive<u32> = 1..=100;

/// The server's `image_weight` when the request sets none.
pub const DEFAULT_IMAGE_WEIGHT: u32 = 50;

/// Allowed `color_weight` of a custom palette member.
pub const COLOR_WEIGHT: RangeInclusive<f64> = 0.05..=1.0;

/// Allowed number of custom palette members.
pub const PALETTE_MEMBERS: RangeInclusive<usize> = 1..=8;

/// The largest image the API takes: 10 MiB.
pub const MAX_IMAGE_BYTES: u64 = 10 * 1024 * 1024;

/// How many bytes of an error answer the client reads (the rest is
/// discarded).
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// How many bytes of a body an error keeps for the caller to see.
pub const BODY_PREFIX_LEN: usize = 512;

/// The largest image [`Downloader`](crate::Downloader) saves: 256 MiB.
pub const MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;
