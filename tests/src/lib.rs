//! Test kit for the workspace's end-to-end tests: a scripted HTTP/1.1
//! server on 127.0.0.1 (port 0) that records every request byte for byte,
//! a small multipart parser to read what it recorded, and deterministic
//! test images.
//!
//! The server speaks raw HTTP over a `TcpListener` on purpose: fault
//! scenarios (a reset mid-upload, a server that never answers, an endless
//! body) need control that a framework would hide.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

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

/// One part of a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The `name` of its `Content-Disposition`.
    pub name: String,
    /// The `filename`, if any.
    pub file_name: Option<String>,
    /// Its `Content-Type`, if any.
    pub content_type: Option<String>,
    /// All of its headers, as sent.
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

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn disposition_param(value: &str, key: &str) -> Option<String> {
    value.split(';').map(str::trim).find_map(|p| {
        let v = p.strip_prefix(key)?.strip_prefix('=')?;
        Some(v.trim_matches('"').to_string())
    })
}

/// Parses a `multipart/form-data` body. Panics on a malformed body: in a
/// test that is the failure to report.
pub fn parse_multipart(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}");
    let mut rest = body;
    let start = find(rest, delimiter.as_bytes()).expect("the body starts with the boundary");
    rest = &rest[start + delimiter.len()..];
    let mut parts = Vec::new();
    loop {
        if rest.starts_with(b"--") {
            break;
        }
        rest = rest.strip_prefix(b"\r\n").expect("CRLF after a boundary");
        let header_end = find(rest, b"\r\n\r\n").expect("part headers end");
        let head = std::str::from_utf8(&rest[..header_end]).expect("UTF-8 part headers");
        let headers: Vec<(String, String)> = head
            .split("\r\n")
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        rest = &rest[header_end + 4..];
        let next = format!("\r\n--{boundary}");
        let end = find(rest, next.as_bytes()).expect("a closing boundary");
        let get = |k: &str| headers.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
        let disposition = get("content-disposition").expect("a Content-Disposition");
        parts.push(Part {
            name: disposition_param(&disposition, "name").expect("a part name"),
            file_name: disposition_param(&disposition, "filename"),
            content_type: get("content-type"),
            headers: headers.clone(),
            body: rest[..end].to_vec(),
        });
        rest = &rest[end + next.len()..];
    }
    parts
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

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        401 => "Unauthorized",
        402 => "Payment Required",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

async fn serve(mut stream: TcpStream, state: Arc<Mutex<State>>) -> std::io::Result<()> {
    let mut buf: Vec<u8> = Vec::new();
    loop {
        // Read the request head.
        let head_end = loop {
            if let Some(i) = find(&buf, b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let at = Instant::now();
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        buf.drain(..head_end + 4);
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or_default().split(' ');
        let method = first.next().unwrap_or_default().to_string();
        let path = first.next().unwrap_or_default().to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let length: usize = headers
            .iter()
            .find(|(k, _)| k == "content-length")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let chunked = headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.eq_ignore_ascii_case("chunked"));

        let reply = {
            let mut s = state.lock().expect("state");
            let r = s.script.get(s.next).cloned().unwrap_or_else(|| s.fallback.clone());
            s.next += 1;
            r
        };
        let index = {
            let mut s = state.lock().expect("state");
            s.requests.push(Recorded {
                method,
                path,
                headers,
                body: Vec::new(),
                at,
            });
            s.requests.len() - 1
        };

        if let Reply::Reset { after } = reply {
            while buf.len() < after {
                let mut chunk = [0u8; 16 * 1024];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            state.lock().expect("state").requests[index].body = buf[..after.min(buf.len())].to_vec();
            // Linger 0: closing sends RST instead of FIN.
            let std_stream = stream.into_std()?;
            socket2::SockRef::from(&std_stream).set_linger(Some(Duration::ZERO))?;
            drop(std_stream);
            return Ok(());
        }

        let body = if chunked {
            read_chunked(&mut stream, &mut buf).await?
        } else {
            while buf.len() < length {
                let mut chunk = vec![0u8; 64 * 1024];
                let n = stream.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(());
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            buf.drain(..length).collect()
        };
        state.lock().expect("state").requests[index].body = body;

        match reply {
            Reply::Respond {
                status,
                headers,
                body,
                delay,
            } => {
                tokio::time::sleep(delay).await;
                let mut out = format!("HTTP/1.1 {status} {}\r\n", reason(status));
                for (k, v) in &headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
                stream.write_all(out.as_bytes()).await?;
                stream.write_all(&body).await?;
                stream.flush().await?;
            }
            Reply::Hang => {
                // Wait until the client gives up and closes.
                let mut sink = [0u8; 1024];
                while stream.read(&mut sink).await? > 0 {}
                return Ok(());
            }
            Reply::Endless { status, limit } => {
                let out = format!(
                    "HTTP/1.1 {status} {}\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n",
                    reason(status)
                );
                stream.write_all(out.as_bytes()).await?;
                let chunk = vec![b'x'; 64 * 1024];
                let mut sent = 0;
                while sent < limit {
                    if stream.write_all(&chunk).await.is_err() {
                        return Ok(());
                    }
                    sent += chunk.len();
                }
                return Ok(());
            }
            Reply::Reset { .. } => unreachable!("handled above"),
        }
    }
}

async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = find(buf, b"\r\n") {
                break i;
            }
            let mut chunk = [0u8; 16 * 1024];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(body);
            }
            buf.extend_from_slice(&chunk[..n]);
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        buf.drain(..line_end + 2);
        while buf.len() < size + 2 {
            let mut chunk = vec![0u8; 64 * 1024];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Ok(body);
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
        if size == 0 {
            return Ok(body);
        }
    }
}

/// A small valid PNG (RGB, `width` x `height`), made here so no test
/// depends on a file or the network. The encoder is the mock's.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    remix_mock::png::encode(width, height, |x, y| {
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
    fn multipart_parser_reads_text_and_file_parts() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nhello\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"p.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--XyZ--\r\n";
        let parts = parse_multipart(body, "XyZ");
        assert_eq!(parts.len(), 2);
        assert_eq!((parts[0].name.as_str(), parts[0].text()), ("a", "hello"));
        assert_eq!(parts[1].file_name.as_deref(), Some("p.png"));
        assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
        assert_eq!(parts[1].body, b"\x89PNG");
    }

    #[test]
    fn png_has_signature_and_size() {
        let small = png(4, 3);
        assert_eq!(png_size(&small), Some((4, 3)));
        assert!(png(64, 64).len() > small.len());
        assert_eq!(png_size(b"GIF89a"), None);
    }
}

/// The workspace's binaries, built once per test process (a no-op when
/// they are fresh), and a running `remix-mock` process.
pub mod bins {
    use std::io::{BufRead, BufReader};
    use std::path::PathBuf;
    use std::process::{Child, Command, Output, Stdio};
    use std::sync::OnceLock;

    fn target_dir() -> PathBuf {
        // tests/ -> the workspace root -> target/debug (or $CARGO_TARGET_DIR/debug).
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| root.join("target"));
        target.join("debug")
    }

    /// Path of a workspace binary (`remix`, `remix-mock`), after building them.
    pub fn path(name: &str) -> PathBuf {
        static BUILT: OnceLock<()> = OnceLock::new();
        BUILT.get_or_init(|| {
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
                .args(["build", "--quiet", "--package", "remix-cli", "--package", "remix-mock"])
                .status()
                .expect("cargo runs");
            assert!(status.success(), "building remix and remix-mock failed");
        });
        target_dir().join(name)
    }

    /// Runs `remix` with `args`, with no REMIX_* variables from the caller's
    /// environment, and returns its output.
    pub fn remix(args: &[&str], env: &[(&str, &str)]) -> Output {
        let mut cmd = Command::new(path("remix"));
        cmd.args(args)
            .env_remove("REMIX_API_KEY")
            .env_remove("REMIX_BASE_URL")
            .stdin(Stdio::null());
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output().expect("remix runs")
    }

    /// A `remix-mock` process on 127.0.0.1, port 0; killed on drop.
    pub struct Mock {
        child: Child,
        /// `http://127.0.0.1:PORT`, from the mock's first stdout line.
        pub url: String,
    }

    impl Mock {
        /// Starts the mock with extra flags.
        pub fn start(args: &[&str]) -> Mock {
            let mut child = Command::new(path("remix-mock"))
                .args(["--port", "0"])
                .args(args)
                .env_remove("REMIX_MOCK_API_KEY")
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::null())
                .spawn()
                .expect("remix-mock starts");
            let stdout = child.stdout.take().expect("piped stdout");
            let mut line = String::new();
            BufReader::new(stdout).read_line(&mut line).expect("the first line");
            let url = line.trim().to_string();
            assert!(
                url.starts_with("http://127.0.0.1:"),
                "first line is the address: {url:?}"
            );
            Mock { child, url }
        }
    }

    impl Drop for Mock {
        fn drop(&mut self) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
