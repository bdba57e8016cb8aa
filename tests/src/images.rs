//! Deterministic test images, made here so no test depends on a file or
//! the network.

/// A valid PNG (RGB, `width` x `height`) with a fixed pattern. The encoder
/// is the mock's (the `image` crate's).
pub fn png(width: u32, height: u32) -> Vec<u8> {
    remix_mock::render::png(width, height, |x, y| {
        [(x % 256) as u8, (y % 256) as u8, ((x + y) % 256) as u8]
    })
}

/// Width and height from a PNG's IHDR chunk.
pub fn png_size(png: &[u8]) -> Option<(u32, u32)> {
    if !png.starts_with(b"\x89PNG\r\n\x1a\n") || png.len() < 24 || &png[12..16] != b"IHDR" {
        return None;
    }
    let w = u32::from_be_bytes(png[16..20].try_into().ok()?);
    let h = u32::from_be_bytes(png[20..24].try_into().ok()?);
    Some((w, h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn png_has_signature_and_size() {
        let small = png(4, 3);
        assert_eq!(png_size(&small), Some((4, 3)));
        assert!(png(64, 64).len() > small.len());
        assert_eq!(png_size(b"GIF89a"), None);
    }
}
