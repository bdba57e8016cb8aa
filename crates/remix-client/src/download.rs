//! Downloading the images of a native-shape answer: streamed to disk,
//! never overwriting a file, and never with the API key (image links point
//! at a CDN, not at the API).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tracing::Instrument;

use crate::image::ImageFormat;
use crate::limits::MAX_DOWNLOAD_BYTES;
use crate::response::link_expiry;
use crate::tls::ExtraRoots;
use crate::transfer::Progress;

/// Why a download failed. Nothing is left on disk: the image is written to
/// a `.NAME.part` file beside the target and removed on any failure.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The HTTP client for downloads could not be built (its TLS backend
    /// failed to start, say); the source says why.
    #[error("the download client cannot be built")]
    Setup(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The extra root certificates are not usable.
    #[error("the root certificates cannot be used: {0}")]
    Certificates(String),
    /// The target exists; downloads never overwrite.
    #[error("{0} already exists; downloads never overwrite a file")]
    Exists(PathBuf),
    /// The URL is not an http(s) URL.
    #[error("{url:?} is not an http:// or https:// URL")]
    BadUrl {
        /// The URL.
        url: String,
    },
    /// The link's `exp` has passed: image links last a limited time
    /// (Ideogram's, 24 hours).
    #[error("the link {url} expired at {}", httpdate::fmt_http_date(*.at))]
    Expired {
        /// The URL.
        url: String,
        /// When it expired.
        at: std::time::SystemTime,
    },
    /// The image server answered with an error status.
    #[error("GET {url} answered HTTP {status}")]
    Status {
        /// The URL.
        url: String,
        /// The status.
        status: u16,
    },
    /// The image is larger than [`MAX_DOWNLOAD_BYTES`].
    #[error("{url} is larger than {max} bytes")]
    TooLarge {
        /// The URL.
        url: String,
        /// The limit.
        max: u64,
    },
    /// The body ended before the length the server announced.
    #[error("GET {url} sent {received} of the {expected} bytes it announced")]
    Truncated {
        /// The URL.
        url: String,
        /// The `Content-Length`.
        expected: u64,
        /// What arrived.
        received: u64,
    },
    /// The body is not a PNG, JPEG or WebP image (an HTML error page behind
    /// a 200, say).
    #[error("GET {url} answered {}, which is not a PNG, JPEG or WebP image", .content_type.as_deref().unwrap_or("a body without a Content-Type"))]
    NotAnImage {
        /// The URL.
        url: String,
        /// The `Content-Type` the server sent, if any.
        content_type: Option<String>,
    },
    /// The connection failed or timed out; the source is what the HTTP
    /// stack said.
    #[error("GET {url} failed")]
    Transport {
        /// The URL.
        url: String,
        /// The error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// Writing the file failed.
    #[error("writing {path} failed")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

/// A finished download: the whole image, checked, under its final name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Downloaded {
    /// Where it is: the path asked for, its extension set to the format
    /// that arrived (`photo-1.png` holding a JPEG becomes `photo-1.jpg`).
    pub path: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its format, by its magic bytes.
    pub format: ImageFormat,
}

/// Downloads image links with a plain HTTP client: no API key, redirects
/// followed (at most 5), 10 s to connect, 5 minutes per image.
#[derive(Debug, Clone)]
pub struct Downloader {
    http: reqwest::Client,
}

impl Downloader {
    /// A downloader with the defaults above.
    pub fn new() -> Result<Self, DownloadError> {
        Self::with_roots(&ExtraRoots::default())
    }

    /// A downloader that also trusts the root certificates in `pem`, as
    /// [`ClientBuilder::root_certificates_pem`](crate::ClientBuilder::root_certificates_pem)
    /// does for the API.
    pub fn with_root_certificates_pem(pem: impl Into<Vec<u8>>) -> Result<Self, DownloadError> {
        let mut roots = ExtraRoots::default();
        roots.add(pem.into());
        Self::with_roots(&roots)
    }

    fn with_roots(roots: &ExtraRoots) -> Result<Self, DownloadError> {
        let builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("remix-client/", env!("CARGO_PKG_VERSION")));
        let builder = roots
            .apply(builder)
            .map_err(|e| DownloadError::Certificates(e.to_string()))?;
        let http = builder.build().map_err(|e| DownloadError::Setup(Box::new(e)))?;
        Ok(Downloader { http })
    }

    /// When an image link expires, from its `exp` query parameter (Ideogram's
    /// links carry one); `None` when it has none.
    pub fn link_expiry(url: &str) -> Option<SystemTime> {
        link_expiry(url)
    }

    /// The file extension an image URL suggests (`png`, `jpg`, `webp`),
    /// `png` when its path has none of those.
    pub fn extension_for(url: &str) -> &'static str {
        let path = reqwest::Url::parse(url)
            .map(|u| u.path().to_string())
            .unwrap_or_default();
        std::path::Path::new(&path)
            .extension()
            .and_then(|e| e.to_str())
            .and_then(ImageFormat::from_extension)
            .unwrap_or(ImageFormat::Png)
            .extension()
    }

    /// Streams `url` into a new file at `path` (its extension set to the
    /// format that arrived) and says where it went. Never overwrites a file.
    /// `progress(received, total)` is told as bytes arrive (`total` is 0
    /// when the server sends no length).
    ///
    /// The bytes go to `.NAME.part` beside the target (a leftover one from
    /// a dead run is replaced), are synced, checked (a 2xx status, every
    /// byte `Content-Length` announced, PNG, JPEG or WebP magic bytes), and
    /// only then linked under the final name, and the folder is synced: a
    /// process killed at any moment leaves no file or the whole file under
    /// the final name, never a partial one.
    ///
    /// # Examples
    ///
    /// ```no_run
    /// use std::path::Path;
    /// use remix_client::{Downloader, RemixResponse};
    ///
    /// # async fn run(response: RemixResponse) -> Result<(), remix_client::DownloadError> {
    /// let downloader = Downloader::new()?;
    /// for (i, url) in response.image_urls().into_iter().enumerate() {
    ///     let path = Path::new("out").join(format!("remix-{}.{}", i + 1, Downloader::extension_for(url)));
    ///     let saved = downloader.download(url, &path, None).await?;
    ///     println!("saved {} ({} bytes)", saved.path.display(), saved.bytes);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`DownloadError`] when `path` (or its final name) exists, the link
    /// has expired (before anything is sent, from its `exp`), the server
    /// answers with a status other than 2xx, the body is shorter than
    /// announced, is not an image, or is larger than
    /// [`limits::MAX_DOWNLOAD_BYTES`](crate::limits::MAX_DOWNLOAD_BYTES),
    /// or the network or the file fails.
    pub async fn download(
        &self,
        url: &str,
        path: &Path,
        progress: Option<Progress>,
    ) -> Result<Downloaded, DownloadError> {
        // The link without its query: signed links carry their signature
        // there.
        let link = url.split('?').next().unwrap_or_default();
        let span = tracing::info_span!(
            "remix.download",
            link,
            status = tracing::field::Empty,
            bytes = tracing::field::Empty,
        );
        let result = self
            .download_in_span(url, path, progress)
            .instrument(span.clone())
            .await;
        match &result {
            Ok(done) => span.in_scope(|| tracing::debug!(path = %done.path.display(), "downloaded")),
            Err(error) => span.in_scope(|| tracing::debug!(%error, "download failed")),
        }
        result
    }

    async fn download_in_span(
        &self,
        url: &str,
        path: &Path,
        progress: Option<Progress>,
    ) -> Result<Downloaded, DownloadError> {
        let parsed = reqwest::Url::parse(url)
            .ok()
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .ok_or_else(|| DownloadError::BadUrl { url: url.into() })?;
        if tokio::fs::try_exists(path).await.unwrap_or(false) {
            return Err(DownloadError::Exists(path.to_path_buf()));
        }
        if let Some(at) = link_expiry(url)
            && at <= SystemTime::now()
        {
            return Err(DownloadError::Expired { url: url.into(), at });
        }
        let response = self.fetch(url, parsed).await?;
        let content_type = response
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let part = part_path(path);
        let mut file = create_part(&part).await?;
        let written = write_body(response, &mut file, url, &part, progress).await;
        drop(file);
        let result = match written {
            Ok((bytes, head)) => {
                tracing::Span::current().record("bytes", bytes);
                match ImageFormat::sniff(&head) {
                    Some(format) => {
                        persist(&part, &final_path(path, format))
                            .await
                            .map(|path| Downloaded { path, bytes, format })
                    }
                    None => Err(DownloadError::NotAnImage {
                        url: url.into(),
                        content_type,
                    }),
                }
            }
            Err(e) => Err(e),
        };
        let _ = tokio::fs::remove_file(&part).await;
        result
    }

    /// Sends the GET and checks the status and the announced length.
    async fn fetch(&self, url: &str, parsed: reqwest::Url) -> Result<reqwest::Response, DownloadError> {
        let response = self
            .http
            .get(parsed)
            .send()
            .await
            .map_err(|source| DownloadError::Transport {
                url: url.to_string(),
                source: Box::new(source),
            })?;
        tracing::Span::current().record("status", response.status().as_u16());
        if !response.status().is_success() {
            // A link that expired on its way (clocks differ) says so.
            if let Some(at) = link_expiry(url).filter(|at| *at <= SystemTime::now()) {
                return Err(DownloadError::Expired { url: url.into(), at });
            }
            return Err(DownloadError::Status {
                url: url.into(),
                status: response.status().as_u16(),
            });
        }
        if response.content_length().unwrap_or(0) > MAX_DOWNLOAD_BYTES {
            return Err(DownloadError::TooLarge {
                url: url.into(),
                max: MAX_DOWNLOAD_BYTES,
            });
        }
        Ok(response)
    }
}

/// `.NAME.part` beside `path`: where the bytes go until they are checked.
fn part_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.part"))
}

/// `path`, its extension set to `format`'s unless it already names it
/// (`.jpeg` stays for a JPEG).
fn final_path(path: &Path, format: ImageFormat) -> PathBuf {
    let named = path
        .extension()
        .and_then(|e| e.to_str())
        .and_then(ImageFormat::from_extension);
    if named == Some(format) {
        path.to_path_buf()
    } else {
        path.with_extension(format.extension())
    }
}

/// Creates the part file, replacing one a dead run left.
async fn create_part(part: &Path) -> Result<tokio::fs::File, DownloadError> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .open(part)
        .await
        .map_err(|source| DownloadError::Io {
            path: part.to_path_buf(),
            source,
        })
}

/// Puts the checked part file under `target` without ever replacing a
/// file there (a hard link fails if the name is taken; where the file
/// system has no hard links, the name is checked and the file renamed),
/// then syncs the folder so that the name survives a crash.
async fn persist(part: &Path, target: &Path) -> Result<PathBuf, DownloadError> {
    let io = |source| DownloadError::Io {
        path: target.to_path_buf(),
        source,
    };
    match tokio::fs::hard_link(part, target).await {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(DownloadError::Exists(target.to_path_buf()));
        }
        Err(_) => {
            if tokio::fs::try_exists(target).await.unwrap_or(false) {
                return Err(DownloadError::Exists(target.to_path_buf()));
            }
            tokio::fs::rename(part, target).await.map_err(io)?;
        }
    }
    if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
        sync_dir(dir).await.map_err(io)?;
    }
    Ok(target.to_path_buf())
}

/// Syncs a folder's entries to disk (a no-op where folders cannot be
/// opened as files).
async fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match tokio::fs::File::open(dir).await {
        Ok(handle) => handle.sync_all().await,
        Err(_) => Ok(()),
    }
}

/// Streams the body into `file`, at most [`MAX_DOWNLOAD_BYTES`], checks
/// it is as long as announced, and syncs it. Returns its size and its
/// first bytes (for the format).
async fn write_body(
    response: reqwest::Response,
    file: &mut tokio::fs::File,
    url: &str,
    path: &Path,
    progress: Option<Progress>,
) -> Result<(u64, Vec<u8>), DownloadError> {
    let io = |source| DownloadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let total = response.content_length().unwrap_or(0);
    let mut body = response.bytes_stream();
    let mut received: u64 = 0;
    let mut head = Vec::with_capacity(crate::image::SNIFF_LEN);
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|source| DownloadError::Transport {
            url: url.to_string(),
            source: Box::new(source),
        })?;
        received += chunk.len() as u64;
        if received > MAX_DOWNLOAD_BYTES {
            return Err(DownloadError::TooLarge {
                url: url.into(),
                max: MAX_DOWNLOAD_BYTES,
            });
        }
        let wanted = crate::image::SNIFF_LEN.saturating_sub(head.len()).min(chunk.len());
        head.extend_from_slice(&chunk[..wanted]);
        file.write_all(&chunk).await.map_err(io)?;
        if let Some(report) = &progress {
            report(received, total);
        }
    }
    if total > 0 && received != total {
        return Err(DownloadError::Truncated {
            url: url.into(),
            expected: total,
            received,
        });
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    Ok((received, head))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_final_name_follows_the_format_and_the_part_hides_beside_it() {
        let p = Path::new("out/photo-1.png");
        assert_eq!(final_path(p, ImageFormat::Png), Path::new("out/photo-1.png"));
        assert_eq!(final_path(p, ImageFormat::Jpeg), Path::new("out/photo-1.jpg"));
        assert_eq!(final_path(Path::new("a.jpeg"), ImageFormat::Jpeg), Path::new("a.jpeg"));
        assert_eq!(final_path(Path::new("a"), ImageFormat::Webp), Path::new("a.webp"));
        assert_eq!(part_path(p), Path::new("out/.photo-1.png.part"));
    }

    #[test]
    fn extensions_follow_the_url_path() {
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b.JPEG?sig=1"), "jpg");
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b.webp"), "webp");
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b"), "png");
        assert_eq!(Downloader::extension_for("not a url"), "png");
    }
}
