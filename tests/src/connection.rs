//! One connection of the scripted server: reading request heads and
//! bodies (by length or chunked), and the scripted ways to answer.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn reason(status: u16) -> &'static str {
    reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Status")
}

/// A request's head: its line and headers.
pub(crate) struct Head {
    pub(crate) method: String,
    pub(crate) path: String,
    pub(crate) headers: Vec<(String, String)>,
}

impl Head {
    fn parse(text: &str) -> Head {
        let mut lines = text.split("\r\n");
        let mut first = lines.next().unwrap_or_default().split(' ');
        let method = first.next().unwrap_or_default().to_string();
        let path = first.next().unwrap_or_default().to_string();
        let headers = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        Head { method, path, headers }
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// One client connection and what was read from it but not used yet.
pub(crate) struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    pub(crate) fn new(stream: TcpStream) -> Self {
        Connection {
            stream,
            buf: Vec::new(),
        }
    }

    /// Reads more bytes into the buffer; false at the end of the stream.
    pub(crate) async fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The next request head, or `None` when the client closed.
    pub(crate) async fn head(&mut self) -> std::io::Result<Option<Head>> {
        loop {
            if let Some(end) = find(&self.buf, b"\r\n\r\n") {
                let text = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                self.buf.drain(..end + 4);
                return Ok(Some(Head::parse(&text)));
            }
            if !self.fill().await? {
                return Ok(None);
            }
        }
    }

    /// The body, by `Content-Length` or chunked; as much as arrived if the
    /// client closes early.
    pub(crate) async fn body(&mut self, head: &Head) -> std::io::Result<Vec<u8>> {
        if head
            .header("transfer-encoding")
            .is_some_and(|v| v.eq_ignore_ascii_case("chunked"))
        {
            return self.chunked_body().await;
        }
        let length: usize = head.header("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        while self.buf.len() < length {
            if !self.fill().await? {
                break;
            }
        }
        let length = length.min(self.buf.len());
        Ok(self.buf.drain(..length).collect())
    }

    pub(crate) async fn chunked_body(&mut self) -> std::io::Result<Vec<u8>> {
        let mut body = Vec::new();
        loop {
            let line_end = loop {
                if let Some(i) = find(&self.buf, b"\r\n") {
                    break i;
                }
                if !self.fill().await? {
                    return Ok(body);
                }
            };
            let size_text = String::from_utf8_lossy(&self.buf[..line_end]).into_owned();
            let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
            self.buf.drain(..line_end + 2);
            while self.buf.len() < size + 2 {
                if !self.fill().await? {
                    return Ok(body);
                }
            }
            body.extend_from_slice(&self.buf[..size]);
            self.buf.drain(..size + 2);
            if size == 0 {
                return Ok(body);
            }
        }
    }

    /// Reads `after` body bytes, then resets the connection (linger 0:
    /// closing sends RST instead of FIN). Returns what was read.
    pub(crate) async fn reset_after(mut self, after: usize) -> std::io::Result<Vec<u8>> {
        while self.buf.len() < after {
            if !self.fill().await? {
                break;
            }
        }
        let read = self.buf[..after.min(self.buf.len())].to_vec();
        let std_stream = self.stream.into_std()?;
        socket2::SockRef::from(&std_stream).set_linger(Some(Duration::ZERO))?;
        drop(std_stream);
        Ok(read)
    }

    /// Writes the status line, `headers` and the blank line, then `body`.
    async fn write_message(&mut self, status: u16, headers: &[(String, String)], body: &[u8]) -> std::io::Result<()> {
        let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str("\r\n");
        self.stream.write_all(out.as_bytes()).await?;
        self.stream.write_all(body).await?;
        self.stream.flush().await
    }

    pub(crate) async fn respond(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> std::io::Result<()> {
        let mut all = headers.to_vec();
        all.push(("Content-Length".into(), body.len().to_string()));
        self.write_message(status, &all, body).await
    }

    /// Writes the status, exactly `headers` and `body`, as given (no
    /// `Content-Length` of its own), then closes.
    pub(crate) async fn respond_raw(
        &mut self,
        status: u16,
        headers: &[(String, String)],
        body: &[u8],
    ) -> std::io::Result<()> {
        let mut all = vec![("Connection".to_string(), "close".to_string())];
        all.extend_from_slice(headers);
        self.write_message(status, &all, body).await?;
        self.stream.shutdown().await
    }

    /// Waits until the client gives up and closes.
    pub(crate) async fn hang(&mut self) -> std::io::Result<()> {
        while self.fill().await? {}
        Ok(())
    }

    /// Answers `status` with a body that never ends, at most `limit` bytes;
    /// returns how many body bytes the peer took before it hung up (or
    /// `limit`).
    pub(crate) async fn endless(&mut self, status: u16, limit: usize) -> std::io::Result<usize> {
        let head = format!(
            "HTTP/1.1 {status} {}\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
            reason(status)
        );
        self.stream.write_all(head.as_bytes()).await?;
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0;
        while sent < limit && self.stream.write_all(&chunk).await.is_ok() {
            sent += chunk.len();
        }
        Ok(sent)
    }
}
