//! What an image must be before it is sent: PNG, JPEG or WebP by its magic
//! bytes, not empty, at most [`limits::MAX_IMAGE_BYTES`]; and the file name
//! that is safe to send.

use crate::limits::{self, MAX_IMAGE_BYTES};

/// How many leading bytes decide the format.
pub(crate) const SNIFF_LEN: usize = 12;

/// The image formats the API takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImageFormat {
    /// PNG.
    Png,
    /// JPEG.
    Jpeg,
    /// WebP.
    Webp,
}

impl ImageFormat {
    /// The format of these leading bytes, if it is one the API takes.
    pub fn sniff(bytes: &[u8]) -> Option<Self> {
        if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ImageFormat::Jpeg)
        } else if bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(ImageFormat::Webp)
        } else {
            None
        }
    }

    /// The MIME type sent with the file.
    pub fn content_type(self) -> &'static str {
        match self {
            ImageFormat::Png => "image/png",
            ImageFormat::Jpeg => "image/jpeg",
            ImageFormat::Webp => "image/webp",
        }
    }

    /// Every format, in the order messages list them.
    pub const ALL: [ImageFormat; 3] = [ImageFormat::Png, ImageFormat::Jpeg, ImageFormat::Webp];

    /// The file extensions (lower case) that name each format.
    pub const EXTENSIONS: [(&'static str, ImageFormat); 4] = [
        ("png", ImageFormat::Png),
        ("jpg", ImageFormat::Jpeg),
        ("jpeg", ImageFormat::Jpeg),
        ("webp", ImageFormat::Webp),
    ];

    /// The format a file extension names (`png`, `JPG`, `jpeg`, `webp`),
    /// compared case-insensitively.
    pub fn from_extension(extension: &str) -> Option<ImageFormat> {
        Self::EXTENSIONS
            .iter()
            .find(|(e, _)| e.eq_ignore_ascii_case(extension))
            .map(|(_, format)| *format)
    }

    /// The usual file extension.
    pub fn extension(self) -> &'static str {
        match self {
            ImageFormat::Png => "png",
            ImageFormat::Jpeg => "jpg",
            ImageFormat::Webp => "webp",
        }
    }
}

/// Why an image was refused before upload.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ImageError {
    /// The file has no bytes.
    #[error("`image_file` {name:?} is empty")]
    Empty {
        /// The file name.
        name: String,
    },
    /// The file is larger than the API takes.
    #[error(
        "`image_file` {name:?} is {size} bytes; the API takes at most {max} bytes ({})",
        crate::limits::describe_bytes(*max)
    )]
    TooLarge {
        /// The file name.
        name: String,
        /// Its size in bytes.
        size: u64,
        /// The limit in bytes ([`limits::MAX_IMAGE_BYTES`]).
        max: u64,
    },
    /// The bytes are not PNG, JPEG or WebP.
    #[error("`image_file` {name:?} is not a PNG, JPEG or WebP image (it starts with {magic})")]
    UnsupportedFormat {
        /// The file name.
        name: String,
        /// The first bytes, in hex.
        magic: String,
    },
    /// The file could not be opened or read.
    #[error("`image_file` {path:?} cannot be read")]
    Io {
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file changed size between the check and the upload.
    #[error("`image_file` {path:?} changed size from {expected} to {actual} bytes since it was checked")]
    Changed {
        /// The path.
        path: String,
        /// The size when checked.
        expected: u64,
        /// The size now.
        actual: u64,
    },
    /// A one-shot reader was already sent once and cannot be replayed.
    #[error("`image_file` {name:?} came from a one-shot reader that was already consumed")]
    Consumed {
        /// The file name.
        name: String,
    },
}

fn hex_prefix(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing".into();
    }
    bytes
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// Checks an image of `length` bytes that starts with `head`.
pub(super) fn check(name: &str, head: &[u8], length: u64) -> Result<ImageFormat, ImageError> {
    if length == 0 {
        return Err(ImageError::Empty { name: name.into() });
    }
    if length > MAX_IMAGE_BYTES {
        return Err(ImageError::TooLarge {
            name: name.into(),
            size: length,
            max: limits::MAX_IMAGE_BYTES,
        });
    }
    ImageFormat::sniff(head).ok_or_else(|| ImageError::UnsupportedFormat {
        name: name.into(),
        magic: hex_prefix(head),
    })
}

/// The base name of `name`, without characters that could break a
/// multipart header; `image.EXT` when nothing is left.
pub(super) fn sanitize_file_name(name: &str, format: ImageFormat) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let clean: String = base.chars().filter(|c| !c.is_control() && *c != '"').collect();
    let clean = clean.trim();
    if clean.is_empty() || clean == "." || clean == ".." {
        format!("image.{}", format.extension())
    } else {
        clean.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F', 0, 1];
    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 ";

    #[test]
    fn formats_are_told_by_their_magic_bytes() {
        assert_eq!(ImageFormat::sniff(PNG), Some(ImageFormat::Png));
        assert_eq!(ImageFormat::sniff(JPEG), Some(ImageFormat::Jpeg));
        assert_eq!(ImageFormat::sniff(WEBP), Some(ImageFormat::Webp));
        assert_eq!(ImageFormat::sniff(b"GIF89a......"), None);
        assert_eq!(ImageFormat::sniff(b"RIFF\0\0\0\0WAVE"), None);
    }

    #[test]
    fn file_names_are_reduced_to_a_safe_base_name() {
        assert_eq!(sanitize_file_name("/home/u/photo.png", ImageFormat::Png), "photo.png");
        assert_eq!(
            sanitize_file_name("C:\\Users\\me\\pic.jpg", ImageFormat::Jpeg),
            "pic.jpg"
        );
        assert_eq!(sanitize_file_name("a\"b\r\n.png", ImageFormat::Png), "ab.png");
        assert_eq!(sanitize_file_name("", ImageFormat::Webp), "image.webp");
        assert_eq!(sanitize_file_name("dir/..", ImageFormat::Png), "image.png");
        assert_eq!(sanitize_file_name("café.png", ImageFormat::Png), "café.png");
    }
}
