//! Reading a recorded `multipart/form-data` body, with `multer` (the parser
//! axum uses), so the tests see what a real server sees.

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, if any.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// All of its headers, as sent (names lower-cased).
    pub headers: Vec<(String, String)>,
    /// Its content.
    pub body: Vec<u8>,
}

impl Part {
    /// The content as UTF-8 text.
    pub fn text(&self) -> &str {
        std::str::from_utf8(&self.body).expect("a text part")
    }
}

/// Runs a future whose input is all in memory to completion.
fn complete<F: Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return out;
        }
    }
}

/// Parses a `multipart/form-data` body. Panics on a malformed body: in a
/// test that is the failure to report.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let chunk: Result<bytes::Bytes, std::io::Error> = Ok(bytes::Bytes::copy_from_slice(body));
    let mut multipart = multer::Multipart::new(futures_util::stream::iter([chunk]), boundary);
    complete(async {
        let mut parts = Vec::new();
        while let Some(field) = multipart.next_field().await.expect("a well-formed multipart body") {
            let headers = field
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_string(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            parts.push(Part {
                name: field.name().expect("a part name").to_string(),
                file_name: field.file_name().map(str::to_string),
                content_type: field.content_type().map(|m| m.to_string()),
                headers,
                body: field.bytes().await.expect("a readable part").to_vec(),
            });
        }
        parts
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_and_file_parts_are_read() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n";
        let parts = parse_multipart(body, "XyZ");
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].text()), ("a", "hello"));
        assert_eq!(parts[0].content_type, None);
        assert_eq!(parts[1].file_name.as_deref(), Some("p.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].body, b"\x89PNG");
    }
}
