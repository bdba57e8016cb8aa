//! [`FilePart`]: one file of a multipart body.

use std::fmt;

use bytes::Bytes;

/// One file of a multipart body: its content, its file name and its content
/// type.
///
/// The content is either bytes already in memory (shared, never copied) or
/// a stream whose length is known up front, so that the request carries a
/// `Content-Length` and a large file is never read into memory whole.
pub struct FilePart {
    content: Content,
    length: u64,
    file_name: Option<String>,
    content_type: Option<String>,
}

enum Content {
    Bytes(Bytes),
    Stream(reqwest::Body),
}

impl FilePart {
    /// A file part from bytes in memory. `Bytes`, `Vec<u8>` and
    /// `&'static [u8]` convert without copying.
    pub fn from_bytes(bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        FilePart {
            length: bytes.len() as u64,
            content: Content::Bytes(bytes),
            file_name: None,
            content_type: None,
        }
    }

    /// A file part from a stream of chunks that yields exactly `length`
    /// bytes in all (a file read from disk, say). A stream that yields a
    /// different number of bytes fails the request.
    pub fn from_stream<S>(stream: S, length: u64) -> Self
    where
        S: futures_core::TryStream + Send + 'static,
        S::Error: Into<Box<dyn std::error::Error + Send + Sync>>,
        Bytes: From<S::Ok>,
    {
        FilePart {
            content: Content::Stream(reqwest::Body::wrap_stream(stream)),
            length,
            file_name: None,
            content_type: None,
        }
    }

    /// Sets the file name sent in the part's `Content-Disposition`. Without
    /// one, the part carries no file name.
    pub fn file_name(mut self, file_name: impl Into<String>) -> Self {
        self.file_name = Some(file_name.into());
        self
    }

    /// Sets the part's content type (`image/png`, say). Without one, the
    /// spec's `encoding` for the part, or `application/octet-stream`, is
    /// sent.
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// The number of bytes the part carries.
    pub fn length(&self) -> u64 {
        self.length
    }

    /// The file name set with [`FilePart::file_name`].
    pub fn get_file_name(&self) -> Option<&str> {
        self.file_name.as_deref()
    }

    /// The content type set with [`FilePart::content_type`].
    pub fn get_content_type(&self) -> Option<&str> {
        self.content_type.as_deref()
    }

    /// The part's parts: body, length, file name and content type.
    pub(crate) fn into_pieces(self) -> (reqwest::Body, u64, Option<String>, Option<String>) {
        let body = match self.content {
            Content::Bytes(bytes) => reqwest::Body::from(bytes),
            Content::Stream(body) => body,
        };
        (body, self.length, self.file_name, self.content_type)
    }
}

impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let content = match self.content {
            Content::Bytes(_) => "bytes",
            Content::Stream(_) => "stream",
        };
        f.debug_struct("FilePart")
            .field("content", &content)
            .field("length", &self.length)
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_keep_their_length_name_and_type() {
        let part = FilePart::from_bytes(&b"\x89PNG"[..])
            .file_name("a.png")
            .content_type("image/png");
        assert_eq!(part.length(), 4);
        assert_eq!(part.get_file_name(), Some("a.png"));
        assert_eq!(part.get_content_type(), Some("image/png"));
        let shown = format!("{part:?}");
        assert!(shown.contains("bytes") && shown.contains("a.png"), "{shown}");
    }

    #[test]
    fn a_stream_reports_the_length_it_was_given() {
        struct Empty;
        impl futures_core::Stream for Empty {
            type Item = Result<Bytes, std::io::Error>;
            fn poll_next(
                self: std::pin::Pin<&mut Self>,
                _: &mut std::task::Context<'_>,
            ) -> std::task::Poll<Option<Self::Item>> {
                std::task::Poll::Ready(None)
            }
        }
        let part = FilePart::from_stream(Empty, 1234);
        assert_eq!(part.length(), 1234);
        assert_eq!(part.get_file_name(), None);
        assert!(format!("{part:?}").contains("stream"));
    }
}
