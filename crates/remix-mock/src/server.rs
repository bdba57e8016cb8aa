//! [`MockServer`]: the mock as a test helper, on a loopback port of its
//! own, with its URL, its charge log, and a stop when it is dropped.

use std::sync::Arc;

use tokio::sync::oneshot;

use crate::log::Entry;
use crate::{AppState, MockConfig};

/// The mock, serving on `127.0.0.1` on a port the system chose, until it
/// is dropped.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// let mock = remix_mock::MockServer::start(remix_mock::MockConfig::default()).await?;
/// assert!(mock.url().starts_with("http://127.0.0.1:"));
/// assert!(mock.log().is_empty(), "nothing remixed yet");
/// # Ok(())
/// # }
/// ```
pub struct MockServer {
    url: String,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<std::io::Result<()>>,
}

impl MockServer {
    /// Starts the mock of `config` on a loopback port (port 0: the system
    /// chooses). Faults, latency, link lifetimes and native answers are
    /// the config's, as for the `remix-mock` binary.
    pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let url = format!("http://{}", listener.local_addr()?);
        let state = crate::state(config);
        let routes = crate::routes(state.clone());
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            axum::serve(listener, routes)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await
        });
        Ok(MockServer {
            url,
            state,
            stop: Some(stop),
            task,
        })
    }

    /// The base URL, for `ClientBuilder::base_url`: `http://127.0.0.1:PORT`.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every remix request so far and what the mock answered, in order
    /// (what `GET /mock/log` lists).
    pub fn log(&self) -> Vec<Entry> {
        self.state.log.entries()
    }

    /// The most remix requests the mock was answering at once (from the
    /// request's arrival to its answer, latency included), over its life:
    /// what a client's in-flight limit let through.
    pub fn most_in_flight(&self) -> usize {
        self.state.in_flight.most()
    }

    /// How many remixes the real API would have charged for: the ones
    /// answered 200.
    pub fn charged(&self) -> usize {
        self.log().iter().filter(|e| e.charged()).count()
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.task.abort();
    }
}

impl std::fmt::Debug for MockServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockServer").field("url", &self.url).finish()
    }
}
