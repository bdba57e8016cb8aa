//! A scripted HTTP/1.1 server on 127.0.0.1, port 0, that records every
//! request byte for byte.
//!
//! It speaks raw HTTP over a `TcpListener` on purpose: fault scenarios (a
//! reset mid-upload, a server that never answers, an endless body) need
//! control that a framework would hide.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};

use crate::connection::{Connection, Head};
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
    /// Announces `announced` bytes in `Content-Length`, sends `body`
    /// (fewer), and closes the connection: a body cut off on its way.
    Short {
        /// The status.
        status: u16,
        /// What is sent of the body.
        body: Vec<u8>,
        /// The `Content-Length` announced.
        announced: usize,
    },
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
    /// What each finished endless reply wrote.
    endless_sent: Vec<usize>,
    /// Requests whose head arrived and whose answer is not written yet.
    open: usize,
    /// The most of them at any one time.
    most_open: usize,
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
            endless_sent: Vec::new(),
            open: 0,
            most_open: 0,
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

    /// The most requests that were open at once (head received, answer not
    /// yet written), over the server's life.
    pub fn most_open(&self) -> usize {
        self.state.lock().expect("state").most_open
    }

    /// The body bytes each finished [`Reply::Endless`] wrote before its
    /// peer hung up (kernel buffers included), waiting up to `deadline`
    /// for `count` of them to finish.
    pub async fn endless_bytes_sent(&self, count: usize, deadline: Duration) -> Vec<usize> {
        let until = Instant::now() + deadline;
        loop {
            let sent = self.state.lock().expect("state").endless_sent.clone();
            if sent.len() >= count || Instant::now() >= until {
                return sent;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept.abort();
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
        self.open += 1;
        self.most_open = self.most_open.max(self.open);
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
    let mut connection = Connection::new(stream);
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
                let written = connection.respond(status, &headers, &body).await;
                state.lock().expect("state").open -= 1;
                written?;
            }
            Reply::Hang => return connection.hang().await,
            Reply::Short {
                status,
                body,
                announced,
            } => {
                let headers = [("Content-Length".to_string(), announced.to_string())];
                return connection.respond_raw(status, &headers, &body).await;
            }
            Reply::Endless { status, limit } => {
                let sent = connection.endless(status, limit).await?;
                state.lock().expect("state").endless_sent.push(sent);
                return Ok(());
            }
            Reply::Reset { .. } => unreachable!("handled above"),
        }
    }
    Ok(())
}
