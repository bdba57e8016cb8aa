//! The API key never shows: not in TRACE-level tracing output (the client's
//! own spans and the HTTP stack's log records), not in an error's Debug or
//! Display, not in the client's Debug.

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use remix_client::{Client, ImageFile, ImageRequest};
use remix_tests::{Reply, TestServer, png};

const KEY: &str = "sk-live-SECRET-5f2b9c7e1a";

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl Write for Capture {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test(flavor = "current_thread")]
async fn the_key_is_absent_from_trace_output_and_errors() {
    let capture = Capture::default();
    let writer = capture.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    // Route the HTTP stack's `log` records into the same subscriber.
    let _ = tracing_log::LogTracer::init();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = TestServer::start(
        vec![Reply::json(503, serde_json::json!({"error": "busy"}))],
        Reply::json(
            401,
            serde_json::json!({"error": "invalid api key", "request_id": "r-401"}),
        ),
    )
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap();
    let request = ImageRequest::builder("a lighthouse").build().unwrap();
    let image = ImageFile::from_bytes(png(8, 8), "p.png").unwrap();
    let err = client.remix(&request, image).await.unwrap_err();

    assert_eq!(server.hits(), 2);
    assert_eq!(
        server.requests()[0].header("authorization"),
        Some(format!("Bearer {KEY}").as_str()),
        "the key was sent, as a bearer token"
    );
    let output = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
    assert!(output.contains("remix.attempt"), "spans were captured:\n{output}");
    assert!(
        output.contains("attempt=2") && output.contains("status=401"),
        "{output}"
    );
    assert!(
        output.contains("request_id=\"r-401\"") || output.contains("request_id=r-401"),
        "{output}"
    );
    assert!(!output.contains(KEY), "the key leaked into tracing output");
    assert!(!output.contains("SECRET"), "part of the key leaked into tracing output");

    for shown in [format!("{err}"), format!("{err:?}"), format!("{client:?}")] {
        assert!(!shown.contains("SECRET"), "the key leaked: {shown}");
    }
}
