//! Downloading the images of a native-shape answer: streamed to disk,
//! never overwriting a file, and never with the API key (image links point
//! at a CDN, not at the API).

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;

use crate::image::ImageFormat;
use crate::limits::MAX_DOWNLOAD_BYTES;
use crate::response::link_expiry;
use crate::tls::ExtraRoots;
use crate::transfer::Progress;

/// Why a download failed. A partly written file is removed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The HTTP client for downloads could not be built (its TLS backend
    /// failed to start, say).
    #[error("the download client cannot be built: {0}")]
    Setup(#[source] reqwest::Error),
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
    /// The connection failed or timed out.
    #[error("GET {url} failed: {source}")]
    Transport {
        /// The URL.
        url: String,
        /// The error.
        #[source]
        source: reqwest::Error,
    },
    /// Writing the file failed.
    #[error("writing {path} failed: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
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
        let http = builder.build().map_err(DownloadError::Setup)?;
        Ok(Downloader { http })
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

    /// Streams `url` into a new file at `path` and returns its size. Fails
    /// if `path` exists. `progress(received, total)` is told as bytes arrive
    /// (`total` is 0 when the server sends no length).
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
    ///     let bytes = downloader.download(url, &path, None).await?;
    ///     println!("saved {} ({bytes} bytes)", path.display());
    /// }
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// [`DownloadError`] when `path` exists, the link has expired (before
    /// anything is sent, from its `exp`), the server answers with a status
    /// other than 2xx, the body is larger than
    /// [`limits::MAX_DOWNLOAD_BYTES`](crate::limits::MAX_DOWNLOAD_BYTES),
    /// or the network or the file fails.
    pub async fn download(&self, url: &str, path: &Path, progress: Option<Progress>) -> Result<u64, DownloadError> {
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
        let mut file = create_new(path).await?;
        let result = write_body(response, &mut file, url, path, progress).await;
        if result.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
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
                source,
            })?;
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

async fn create_new(path: &Path) -> Result<tokio::fs::File, DownloadError> {
    tokio::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .await
        .map_err(|e| match e.kind() {
            std::io::ErrorKind::AlreadyExists => DownloadError::Exists(path.to_path_buf()),
            _ => DownloadError::Io {
                path: path.to_path_buf(),
                source: e,
            },
        })
}

/// Streams the body into `file`, at most [`MAX_DOWNLOAD_BYTES`], and syncs it.
async fn write_body(
    response: reqwest::Response,
    file: &mut tokio::fs::File,
    url: &str,
    path: &Path,
    progress: Option<Progress>,
) -> Result<u64, DownloadError> {
    let io = |source| DownloadError::Io {
        path: path.to_path_buf(),
        source,
    };
    let total = response.content_length().unwrap_or(0);
    let mut body = response.bytes_stream();
    let mut received: u64 = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|source| DownloadError::Transport {
            url: url.to_string(),
            source,
        })?;
        received += chunk.len() as u64;
        if received > MAX_DOWNLOAD_BYTES {
            return Err(DownloadError::TooLarge {
                url: url.into(),
                max: MAX_DOWNLOAD_BYTES,
            });
        }
        file.write_all(&chunk).await.map_err(io)?;
        if let Some(report) = &progress {
            report(received, total);
        }
    }
    file.flush().await.map_err(io)?;
    file.sync_all().await.map_err(io)?;
    Ok(received)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_follow_the_url_path() {
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b.JPEG?sig=1"), "jpg");
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b.webp"), "webp");
        assert_eq!(Downloader::extension_for("https://cdn.test/a/b"), "png");
        assert_eq!(Downloader::extension_for("not a url"), "png");
    }
}
