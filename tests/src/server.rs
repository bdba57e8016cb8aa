//! A scripted HTTP/1.1 server on 127.0.0.1, port 0, that records every
//! request byte for byte.
//!
//! It speaks raw HTTP over a `TcpListener` on purpose: fault scenarios (a
//! reset mid-upload, a server that never answers, an endless body) need
//! control that a framework would hide.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::multipart::{Part, parse_multipart};

/// One request as the server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `POST`, say.
    pub method: String,
    /// The request target (`/ideogram/remix`).
    pub path: String,
    /// Header names (lower-cased) and values, in order.
    pub headers: Vec<(String, String)>,
    /// The body bytes (as many as were read before a scripted reset).
    pub body: Vec<u8>,
    /// When the request line arrived.
    pub at: Instant,
}

impl Recorded {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The multipart boundary from the `Content-Type` header.
    pub fn boundary(&self) -> Option<String> {
        let ct = self.header("content-type")?;
        let rest = ct.strip_prefix("multipart/form-data")?;
        rest.split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("boundary="))
            .map(|b| b.trim_matches('"').to_string())
    }

    /// The body parsed as `multipart/form-data`.
    pub fn parts(&self) -> Vec<Part> {
        let boundary = self.boundary().expect("a multipart content type with a boundary");
        parse_multipart(&self.body, &boundary)
    }
}

/// What the server does with one request.
#[derive(Debug, Clone)]
pub enum Reply {
    /// Read the whole request, wait `delay`, then answer.
    Respond {
        /// HTTP status.
        status: u16,
        /// Extra headers (`Content-Length` is added).
        headers: Vec<(String, String)>,
        /// The body.
        body: Vec<u8>,
        /// How long to wait before answering.
        delay: Duration,
    },
    /// Read `after` body bytes, then reset the connection.
    Reset {
        /// Body bytes to read first.
        after: usize,
    },
    /// Read the whole request and never answer (until the client leaves).
    Hang,
    /// Answer `status` with a body that never ends (no length), sending
    /// at most `limit` bytes.
    Endless {
        /// HTTP status.
        status: u16,
        /// The most bytes ever sent, so the test cannot run away.
        limit: usize,
    },
}

impl Reply {
    /// A JSON answer.
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: serde_json::to_vec(&body).expect("serializable"),
            delay: Duration::ZERO,
        }
    }

    /// An answer with a raw body and content type.
    pub fn raw(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        Reply::Respond {
            status,
            headers: vec![("Content-Type".into(), content_type.into())],
            body: body.into(),
            delay: Duration::ZERO,
        }
    }

    /// Adds a header to a `Respond`.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        if let Reply::Respond { headers, .. } = &mut self {
            headers.push((name.into(), value.into()));
        }
        self
    }

    /// Sets the delay of a `Respond`.
    pub fn delayed(mut self, by: Duration) -> Self {
        if let Reply::Respond { delay, .. } = &mut self {
            *delay = by;
        }
        self
    }
}

/// The spec's 200 task envelope, as the reseller documents it.
pub fn task_envelope() -> serde_json::Value {
    serde_json::json!({
        "code": 200,
        "message": "success",
        "request_id": "req-0001",
        "data": {
            "task_id": "task-0001",
            "task_status": "SUBMITTED",
            "created_at": 1_764_000_000,
            "updated_at": 1_764_000_000
        }
    })
}

/// Ideogram's native synchronous shape.
pub fn native_response() -> serde_json::Value {
    serde_json::json!({
        "created": "2026-11-25T05:00:00Z",
        "data": [
            {
                "url": "https://cdn.example.invalid/images/one.png",
                "prompt": "a beautiful sunset over mountains",
                "resolution": "1024x1024",
                "is_image_safe": true,
                "seed": 123456,
                "style_type": "REALISTIC"
            },
            {
                "url": null,
                "prompt": "a beautiful sunset over mountains",
                "resolution": "800x1280",
                "is_image_safe": false,
                "seed": 123457,
                "style_type": "REALISTIC"
            }
        ]
    })
}

struct State {
    script: Vec<Reply>,
    fallback: Reply,
    next: usize,
    requests: Vec<Recorded>,
}

/// A scripted HTTP/1.1 server on 127.0.0.1, port 0. Request `n` gets
/// `script[n]`, later ones the fallback. Dropping it stops it.
pub struct TestServer {
    addr: std::net::SocketAddr,
    state: Arc<Mutex<State>>,
    accept: tokio::task::JoinHandle<()>,
}

impl TestServer {
    /// Starts a server that answers every request with `reply`.
    pub async fn always(reply: Reply) -> Self {
        Self::start(Vec::new(), reply).await
    }

    /// Starts a server with a script and a fallback.
    pub async fn start(script: Vec<Reply>, fallback: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local address");
        let state = Arc::new(Mutex::new(State {
            script,
            fallback,
            next: 0,
            requests: Vec::new(),
        }));
        let shared = state.clone();
        let accept = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let state = shared.clone();
                tokio::spawn(async move {
                    let _ = serve(stream, state).await;
                });
            }
        });
        TestServer { addr, state, accept }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Every request received so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state.lock().expect("state").requests.clone()
    }

    /// How many requests arrived.
    pub fn hits(&self) -> usize {
        self.state.lock().expect("state").requests.len()
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
    }
}

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
struct Head {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
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
struct Connection {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Connection {
    /// Reads more bytes into the buffer; false at the end of the stream.
    async fn fill(&mut self) -> std::io::Result<bool> {
        let mut chunk = vec![0u8; 64 * 1024];
        let n = self.stream.read(&mut chunk).await?;
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(n > 0)
    }

    /// The next request head, or `None` when the client closed.
    async fn head(&mut self) -> std::io::Result<Option<Head>> {
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
    async fn body(&mut self, head: &Head) -> std::io::Result<Vec<u8>> {
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

    async fn chunked_body(&mut self) -> std::io::Result<Vec<u8>> {
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
    async fn reset_after(mut self, after: usize) -> std::io::Result<Vec<u8>> {
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

    async fn respond(&mut self, status: u16, headers: &[(String, String)], body: &[u8]) -> std::io::Result<()> {
        let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
        for (k, v) in headers {
            out.push_str(&format!("{k}: {v}\r\n"));
        }
        out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
        self.stream.write_all(out.as_bytes()).await?;
        self.stream.write_all(body).await?;
        self.stream.flush().await
    }

    /// Waits until the client gives up and closes.
    async fn hang(&mut self) -> std::io::Result<()> {
        while self.fill().await? {}
        Ok(())
    }

    /// Answers `status` with a body that never ends, at most `limit` bytes.
    async fn endless(&mut self, status: u16, limit: usize) -> std::io::Result<()> {
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
        Ok(())
    }
}

impl State {
    /// The reply for the next request, and the index its record gets.
    fn next(&mut self, head: &Head) -> (Reply, usize) {
        let reply = self
            .script
            .get(self.next)
            .cloned()
            .unwrap_or_else(|| self.fallback.clone());
        self.next += 1;
        self.requests.push(Recorded {
            method: head.method.clone(),
            path: head.path.clone(),
            headers: head.headers.clone(),
            body: Vec::new(),
            at: Instant::now(),
        });
        (reply, self.requests.len() - 1)
    }
}

/// Serves one connection: request after request, each recorded and
/// answered as the script says.
async fn serve(stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut connection = Connection {
        stream,
        buf: Vec::new(),
    };
    while let Some(head) = connection.head().await? {
        let (reply, index) = state.lock().expect("state").next(&head);
        let record = |body: Vec<u8>| state.lock().expect("state").requests[index].body = body;
        if let Reply::Reset { after } = reply {
            record(connection.reset_after(after).await?);
            return Ok(());
        }
        record(connection.body(&head).await?);
        match reply {
            Reply::Respond {
                status,
                headers,
                body,
                delay,
            } => {
                tokio::time::sleep(delay).await;
                connection.respond(status, &headers, &body).await?;
            }
            Reply::Hang => return connection.hang().await,
            Reply::Endless { status, limit } => return connection.endless(status, limit).await,
            Reply::Reset { .. } => unreachable!("handled above"),
        }
    }
    Ok(())
}
