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

/// How long the API's image links stay valid: 24 hours (Ideogram's links
/// carry the exact time in their `exp`).
pub const IMAGE_LINK_LIFETIME: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// A byte count as people read it, in whole MiB where it is one (`10 MiB`),
/// else in bytes: for messages that state a limit.
pub fn describe_bytes(bytes: u64) -> String {
    const MIB: u64 = 1024 * 1024;
    if bytes >= MIB && bytes.is_multiple_of(MIB) {
        format!("{} MiB", bytes / MIB)
    } else {
        format!("{bytes} bytes")
    }
}

/// A duration in whole hours (`24 hours`), for messages.
pub fn describe_hours(duration: std::time::Duration) -> String {
    format!("{} hours", duration.as_secs() / 3600)
}

/// How many bytes of an error answer the client reads (the rest is
/// discarded).
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// How many bytes of a body an error keeps for the caller to see.
pub const BODY_PREFIX_LEN: usize = 512;

/// The largest image [`Downloader`](crate::Downloader) saves: 256 MiB.
pub const MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_as_people_say_them() {
        assert_eq!(describe_bytes(MAX_IMAGE_BYTES), "10 MiB");
        assert_eq!(describe_bytes(1000), "1000 bytes");
        assert_eq!(describe_hours(IMAGE_LINK_LIFETIME), "24 hours");
    }
}
