//! `ImageFile`: the source image, from a path (streamed from disk), from
//! bytes (shared, never copied) or from a reader of known length (sent
//! once), checked before any upload (`check`).

mod check;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_core::Stream;
use remix_raw::multipart::FilePart;
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio_util::io::ReaderStream;

pub(crate) use check::SNIFF_LEN;
pub use check::{ImageError, ImageFormat};
use check::{check, sanitize_file_name};

use crate::limits;
use crate::transfer::{Chunks, Counting, Progress};

/// Chunk size when streaming a file from disk.
const READ_CHUNK: usize = 64 * 1024;

type ByteStream = std::pin::Pin<Box<dyn Stream<Item = std::io::Result<Bytes>> + Send>>;
type OneShot = Arc<Mutex<Option<ByteStream>>>;

#[derive(Clone)]
enum Source {
    Bytes(Bytes),
    Path(PathBuf),
    Reader(OneShot),
}

/// The image to remix, checked up front: PNG, JPEG or WebP by its magic
/// bytes, not empty, at most [`limits::MAX_IMAGE_BYTES`].
///
/// The file name sent is the base name only, without characters that could
/// break the multipart header (quotes, backslashes, control characters);
/// [`ImageFile::file_name`] shows exactly what will be sent.
///
/// Cloning is cheap: bytes are shared, a path is reopened for every upload.
/// An image from [`ImageFile::from_reader`] can be sent once only, so a call
/// with it is never retried.
#[derive(Clone)]
pub struct ImageFile {
    name: String,
    format: ImageFormat,
    length: u64,
    source: Source,
    progress: Option<Progress>,
}

impl std::fmt::Debug for ImageFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let source = match &self.source {
            Source::Bytes(_) => "bytes".to_string(),
            Source::Path(p) => format!("path {}", p.display()),
            Source::Reader(_) => "one-shot reader".to_string(),
        };
        f.debug_struct("ImageFile")
            .field("name", &self.name)
            .field("format", &self.format)
            .field("length", &self.length)
            .field("source", &source)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

fn io_error(path: &Path, source: std::io::Error) -> ImageError {
    ImageError::Io {
        path: path.display().to_string(),
        source,
    }
}

async fn read_head<R: AsyncRead + Unpin>(reader: &mut R, want: usize) -> std::io::Result<Vec<u8>> {
    let mut head = vec![0u8; want];
    let mut filled = 0;
    while filled < want {
        let n = reader.read(&mut head[filled..]).await?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    head.truncate(filled);
    Ok(head)
}

impl ImageFile {
    /// An image from a file on disk. Only the first bytes are read now; the
    /// file is streamed from disk at upload (and reopened for a retry), so
    /// it is never held in memory whole.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use remix_client::{ImageFile, ImageFormat};
    ///
    /// # async fn run() -> Result<(), remix_client::ImageError> {
    /// let image = ImageFile::from_path("photo.png").await?;
    /// assert_eq!(image.format(), ImageFormat::Png);
    /// println!("{} ({} bytes)", image.file_name(), image.len());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`ImageError`] when the file cannot be opened or read, is not a
    /// regular file, is empty, is larger than
    /// [`limits::MAX_IMAGE_BYTES`](crate::limits::MAX_IMAGE_BYTES), or is
    /// not PNG, JPEG or WebP by its first bytes (whatever its name says).
    pub async fn from_path(path: impl AsRef<Path>) -> Result<Self, ImageError> {
        let path = path.as_ref();
        let mut file = tokio::fs::File::open(path).await.map_err(|e| io_error(path, e))?;
        let meta = file.metadata().await.map_err(|e| io_error(path, e))?;
        if !meta.is_file() {
            return Err(io_error(
                path,
                std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a regular file"),
            ));
        }
        let shown = path.display().to_string();
        let head = read_head(&mut file, SNIFF_LEN).await.map_err(|e| io_error(path, e))?;
        let format = check(&shown, &head, meta.len())?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        Ok(ImageFile {
            name: sanitize_file_name(&name, format),
            format,
            length: meta.len(),
            source: Source::Path(path.to_path_buf()),
            progress: None,
        })
    }

    /// An image from bytes in memory. `Bytes`, `Vec<u8>` and `&'static [u8]`
    /// convert without copying, and every upload shares the same bytes.
    pub fn from_bytes(bytes: impl Into<Bytes>, file_name: impl AsRef<str>) -> Result<Self, ImageError> {
        let bytes = bytes.into();
        let file_name = file_name.as_ref();
        let format = check(file_name, &bytes[..bytes.len().min(SNIFF_LEN)], bytes.len() as u64)?;
        Ok(ImageFile {
            name: sanitize_file_name(file_name, format),
            format,
            length: bytes.len() as u64,
            source: Source::Bytes(bytes),
            progress: None,
        })
    }

    /// An image from any async reader that yields exactly `length` bytes.
    /// The first bytes are read now to check the format. The body can be
    /// sent once only: a call with this image is never retried.
    pub async fn from_reader<R>(mut reader: R, length: u64, file_name: impl AsRef<str>) -> Result<Self, ImageError>
    where
        R: AsyncRead + Send + Unpin + 'static,
    {
        let file_name = file_name.as_ref();
        // Refuse a bad length before reading anything.
        if length == 0 || length > limits::MAX_IMAGE_BYTES {
            check(file_name, &[], length)?;
        }
        let want = SNIFF_LEN.min(usize::try_from(length).unwrap_or(SNIFF_LEN));
        let head = read_head(&mut reader, want).await.map_err(|e| ImageError::Io {
            path: file_name.to_string(),
            source: e,
        })?;
        let format = check(file_name, &head, length)?;
        let rest = length - head.len() as u64;
        let stream = ReaderStream::with_capacity(std::io::Cursor::new(head).chain(reader.take(rest)), READ_CHUNK);
        Ok(ImageFile {
            name: sanitize_file_name(file_name, format),
            format,
            length,
            source: Source::Reader(Arc::new(Mutex::new(Some(Box::pin(stream))))),
            progress: None,
        })
    }

    /// The file name that will be sent.
    pub fn file_name(&self) -> &str {
        &self.name
    }

    /// The detected format.
    pub fn format(&self) -> ImageFormat {
        self.format
    }

    /// The content type that will be sent.
    pub fn content_type(&self) -> &'static str {
        self.format.content_type()
    }

    /// The size in bytes.
    pub fn len(&self) -> u64 {
        self.length
    }

    /// Always false: an empty image is refused when made.
    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// Whether the image can be sent again (for a retry): true for bytes
    /// and paths, false for a one-shot reader.
    pub fn is_replayable(&self) -> bool {
        !matches!(self.source, Source::Reader(_))
    }

    /// Calls `progress(sent, total)` as the upload goes out, for every
    /// attempt (a retry starts again from zero).
    pub fn with_progress(mut self, progress: impl Fn(u64, u64) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// The multipart file part for one upload: the shared bytes, the file
    /// reopened, or the reader (once).
    pub(crate) async fn to_part(&self) -> Result<FilePart, ImageError> {
        let part = match (&self.source, &self.progress) {
            (Source::Bytes(bytes), None) => FilePart::from_bytes(bytes.clone()),
            (Source::Bytes(bytes), Some(progress)) => {
                let chunks = Chunks::new(bytes.clone(), READ_CHUNK);
                FilePart::from_stream(Counting::new(chunks, self.length, progress.clone()), self.length)
            }
            (Source::Path(path), progress) => {
                let file = tokio::fs::File::open(path).await.map_err(|e| io_error(path, e))?;
                let actual = file.metadata().await.map_err(|e| io_error(path, e))?.len();
                if actual != self.length {
                    return Err(ImageError::Changed {
                        path: path.display().to_string(),
                        expected: self.length,
                        actual,
                    });
                }
                let stream = ReaderStream::with_capacity(file, READ_CHUNK);
                match progress {
                    Some(p) => FilePart::from_stream(Counting::new(stream, self.length, p.clone()), self.length),
                    None => FilePart::from_stream(stream, self.length),
                }
            }
            (Source::Reader(slot), progress) => {
                let stream = slot
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner())
                    .take()
                    .ok_or_else(|| ImageError::Consumed {
                        name: self.name.clone(),
                    })?;
                match progress {
                    Some(p) => FilePart::from_stream(Counting::new(stream, self.length, p.clone()), self.length),
                    None => FilePart::from_stream(stream, self.length),
                }
            }
        };
        Ok(part
            .file_name(self.name.clone())
            .content_type(self.format.content_type()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn from_bytes_checks_format_size_and_emptiness() {
        let ok = ImageFile::from_bytes(PNG, "a.png").unwrap();
        assert_eq!((ok.content_type(), ok.len()), ("image/png", PNG.len() as u64));
        assert!(matches!(
            ImageFile::from_bytes(Vec::new(), "e.png"),
            Err(ImageError::Empty { .. })
        ));
        let gif = ImageFile::from_bytes(&b"GIF89a\x01\x00"[..], "x.gif").unwrap_err();
        assert!(gif.to_string().contains("47 49 46 38"), "{gif}");
        let mut big = PNG.to_vec();
        big.resize(limits::MAX_IMAGE_BYTES as usize + 1, 0);
        assert!(matches!(
            ImageFile::from_bytes(big, "big.png"),
            Err(ImageError::TooLarge { size, .. }) if size == limits::MAX_IMAGE_BYTES + 1
        ));
        let mut limit = PNG.to_vec();
        limit.resize(limits::MAX_IMAGE_BYTES as usize, 0);
        assert!(
            ImageFile::from_bytes(limit, "limit.png").is_ok(),
            "exactly 10 MiB is allowed"
        );
    }
}
