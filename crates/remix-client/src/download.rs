//! Downloading the images of a native-shape answer: streamed to disk,
//! never overwriting a file, and never with the API key (image links point
//! at a CDN, not at the API).

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_core::Stream;
use tokio::io::AsyncWriteExt;

use crate::image::Progress;

/// The largest image downloaded: 256 MiB.
pub const MAX_DOWNLOAD_BYTES: u64 = 256 * 1024 * 1024;

/// Why a download failed. A partly written file is removed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DownloadError {
    /// The target exists; downloads never overwrite.
    #[error("{0} already exists; downloads never overwrite a file")]
    Exists(PathBuf),
    /// The URL is not an http(s) URL.
    #[error("{url:?} is not an http:// or https:// URL")]
    BadUrl {
        /// The URL.
        url: String,
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
    pub fn new() -> Result<Self, crate::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(300))
            .redirect(reqwest::redirect::Policy::limited(5))
            .user_agent(concat!("remix-client/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| crate::Error::Config {
                setting: "downloader",
                reason: e.to_string(),
            })?;
        Ok(Downloader { http })
    }

    /// The file extension an image URL suggests (`png`, `jpg`, `webp`),
    /// `png` when its path has none of those.
    pub fn extension_for(url: &str) -> &'static str {
        let path = reqwest::Url::parse(url)
            .map(|u| u.path().to_ascii_lowercase())
            .unwrap_or_default();
        if path.ends_with(".jpg") || path.ends_with(".jpeg") {
            "jpg"
        } else if path.ends_with(".webp") {
            "webp"
        } else {
            "png"
        }
    }

    /// Streams `url` into a new file at `path` and returns its size. Fails
    /// if `path` exists. `progress(received, total)` is told as bytes arrive
    /// (`total` is 0 when the server sends no length).
    pub async fn download(&self, url: &str, path: &Path, progress: Option<Progress>) -> Result<u64, DownloadError> {
        let parsed = reqwest::Url::parse(url).map_err(|_| DownloadError::BadUrl { url: url.into() })?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(DownloadError::BadUrl { url: url.into() });
        }
        if tokio::fs::try_exists(path).await.unwrap_or(false) {
            return Err(DownloadError::Exists(path.to_path_buf()));
        }
        let transport = |source| DownloadError::Transport {
            url: url.to_string(),
            source,
        };
        let response = self.http.get(parsed).send().await.map_err(transport)?;
        let status = response.status().as_u16();
        if !response.status().is_success() {
            return Err(DownloadError::Status {
                url: url.into(),
                status,
            });
        }
        let total = response.content_length().unwrap_or(0);
        if total > MAX_DOWNLOAD_BYTES {
            return Err(DownloadError::TooLarge {
                url: url.into(),
                max: MAX_DOWNLOAD_BYTES,
            });
        }
        let io = |source| DownloadError::Io {
            path: path.to_path_buf(),
            source,
        };
        let mut file = tokio::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .await
            .map_err(|e| {
                if e.kind() == std::io::ErrorKind::AlreadyExists {
                    DownloadError::Exists(path.to_path_buf())
                } else {
                    io(e)
                }
            })?;
        let result = async {
            let mut stream = response.bytes_stream();
            let mut received: u64 = 0;
            while let Some(chunk) = next(&mut stream).await {
                let chunk = chunk.map_err(transport)?;
                received += chunk.len() as u64;
                if received > MAX_DOWNLOAD_BYTES {
                    return Err(DownloadError::TooLarge {
                        url: url.into(),
                        max: MAX_DOWNLOAD_BYTES,
                    });
                }
                file.write_all(&chunk).await.map_err(io)?;
                if let Some(p) = &progress {
                    p(received, total);
                }
            }
            file.flush().await.map_err(io)?;
            file.sync_all().await.map_err(io)?;
            Ok(received)
        }
        .await;
        if result.is_err() {
            drop(file);
            let _ = tokio::fs::remove_file(path).await;
        }
        result
    }
}

async fn next<S: Stream + Unpin>(stream: &mut S) -> Option<S::Item> {
    std::future::poll_fn(|cx| std::pin::Pin::new(&mut *stream).poll_next(cx)).await
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
