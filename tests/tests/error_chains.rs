//! Errors read once: every variant of `remix_client::Error` and
//! `DownloadError`, made the way a caller meets it (over loopback sockets
//! where it comes from the network), printed the way `anyhow` prints `{:#}`
//! (the error, then each source): no part repeats what a part after it
//! says.

use std::error::Error as _;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use remix_client::{Client, DownloadError, Downloader, Error, ImageFile, ImageRequest};
use remix_tests::{Reply, TestServer, png, task_envelope};

/// The error and each source, as `{:#}` joins them.
fn parts(error: &dyn std::error::Error) -> Vec<String> {
    let mut out = vec![error.to_string()];
    let mut source = error.source();
    while let Some(cause) = source {
        out.push(cause.to_string());
        source = cause.source();
    }
    out
}

/// Asserts that each cause is said once: no part holds the text of a part
/// after it.
fn reads_once(label: &str, error: &dyn std::error::Error) -> String {
    let parts = parts(error);
    for (i, outer) in parts.iter().enumerate() {
        for inner in &parts[i + 1..] {
            assert!(
                !outer.contains(inner.as_str()),
                "{label}: `{outer}` repeats its cause `{inner}`\nwhole: {}",
                parts.join(": ")
            );
        }
    }
    parts.join(": ")
}

fn request() -> ImageRequest {
    ImageRequest::builder("a lighthouse at dusk").build().unwrap()
}

fn image() -> ImageFile {
    ImageFile::from_bytes(png(8, 8), "a.png").unwrap()
}

fn client(url: &str) -> remix_client::ClientBuilder {
    Client::builder()
        .api_key("k")
        .base_url(url)
        .backoff(Duration::from_millis(1), Duration::from_millis(2))
}

/// A loopback address nothing listens on.
async fn closed_port() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{address}")
}

#[tokio::test]
async fn every_client_error_names_each_cause_once() {
    let mut seen = Vec::new();
    let invalid: Error = ImageRequest::builder("").build().unwrap_err().into();
    seen.push(("invalid request", invalid));
    let empty: Error = ImageFile::from_bytes(Vec::<u8>::new(), "a.png").unwrap_err().into();
    seen.push(("invalid image", empty));
    let unreadable: Error = ImageFile::from_path("/no/such/image.png").await.unwrap_err().into();
    seen.push(("unreadable image", unreadable));
    seen.push(("config", Client::builder().build().unwrap_err()));

    let refused = client(&closed_port().await).max_retries(0).build().unwrap();
    seen.push(("no connection", refused.remix(&request(), image()).await.unwrap_err()));

    let reset = TestServer::always(Reply::Reset { after: 10 }).await;
    let err = client(&reset.url())
        .max_retries(0)
        .build()
        .unwrap()
        .remix(&request(), image())
        .await;
    seen.push(("reset after connecting", err.unwrap_err()));

    let api = TestServer::always(Reply::json(400, serde_json::json!({"message": "bad prompt"}))).await;
    let err = client(&api.url())
        .build()
        .unwrap()
        .remix(&request(), image())
        .await
        .unwrap_err();
    seen.push(("api", err));

    let busy =
        TestServer::always(Reply::json(503, serde_json::json!({"message": "busy"})).with_header("Retry-After", "30"))
            .await;
    let err = client(&busy.url())
        .deadline(Duration::from_secs(2))
        .build()
        .unwrap()
        .remix(&request(), image())
        .await;
    let timeout = err.unwrap_err();
    assert!(
        timeout.source().is_some(),
        "the last failure is the timeout's source: {timeout:?}"
    );
    seen.push(("deadline with a last error", timeout));

    let hang = TestServer::always(Reply::Hang).await;
    let err = client(&hang.url())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    seen.push(("attempt timeout", err.remix(&request(), image()).await.unwrap_err()));

    let html = TestServer::always(Reply::raw(200, "text/html", "<html>").with_header("x-request-id", "req-7")).await;
    let err = client(&html.url())
        .build()
        .unwrap()
        .remix(&request(), image())
        .await
        .unwrap_err();
    assert_eq!(
        err.request_id(),
        Some("req-7"),
        "an undecodable answer keeps its request id"
    );
    seen.push(("decode", err));

    let cut = TestServer::always(Reply::Short {
        status: 200,
        body: serde_json::to_vec(&task_envelope()).unwrap()[..10].to_vec(),
        announced: 400,
    })
    .await;
    let err = client(&cut.url())
        .build()
        .unwrap()
        .remix(&request(), image())
        .await
        .unwrap_err();
    seen.push(("answer cut off", err));

    let kinds: Vec<&str> = seen.iter().map(|(label, _)| *label).collect();
    for (label, error) in &seen {
        let text = reads_once(label, error);
        assert!(!text.is_empty());
    }
    assert_eq!(kinds.len(), 11);
}

#[tokio::test]
async fn every_download_error_names_each_cause_once() {
    let dir = std::env::temp_dir().join(format!("remix-chains-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let downloader = Downloader::new().unwrap();
    let mut seen: Vec<(&str, DownloadError)> = Vec::new();
    let png_server = TestServer::always(Reply::raw(200, "image/png", png(4, 4))).await;
    let url = format!("{}/a.png", png_server.url());

    std::fs::write(dir.join("taken.png"), b"x").unwrap();
    seen.push((
        "exists",
        downloader
            .download(&url, &dir.join("taken.png"), None)
            .await
            .unwrap_err(),
    ));
    seen.push((
        "bad url",
        downloader
            .download("ftp://x/a.png", &dir.join("b.png"), None)
            .await
            .unwrap_err(),
    ));
    let past = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() - 60;
    let expired = format!("{url}?exp={past}");
    seen.push((
        "expired",
        downloader
            .download(&expired, &dir.join("c.png"), None)
            .await
            .unwrap_err(),
    ));
    let missing = TestServer::always(Reply::raw(404, "text/plain", "gone")).await;
    let err = downloader
        .download(&format!("{}/x.png", missing.url()), &dir.join("d.png"), None)
        .await;
    seen.push(("status", err.unwrap_err()));
    let html = TestServer::always(Reply::raw(200, "text/html", "<html>")).await;
    let err = downloader
        .download(&format!("{}/x.png", html.url()), &dir.join("e.png"), None)
        .await;
    seen.push(("not an image", err.unwrap_err()));
    let short = TestServer::always(Reply::Short {
        status: 200,
        body: png(4, 4)[..20].to_vec(),
        announced: 4000,
    })
    .await;
    let err = downloader
        .download(&format!("{}/x.png", short.url()), &dir.join("f.png"), None)
        .await;
    seen.push(("truncated", err.unwrap_err()));
    let err = downloader
        .download(&format!("{}/x.png", closed_port().await), &dir.join("g.png"), None)
        .await;
    seen.push(("transport", err.unwrap_err()));
    let err = downloader.download(&url, &dir.join("no/such/folder/h.png"), None).await;
    seen.push(("io", err.unwrap_err()));
    seen.push((
        "certificates",
        Downloader::with_root_certificates_pem("not pem").unwrap_err(),
    ));

    for (label, error) in &seen {
        reads_once(label, error);
    }
    let transport = seen.iter().find(|(l, _)| *l == "transport").unwrap();
    assert!(transport.1.source().is_some(), "the HTTP stack's error is the source");
    let _ = std::fs::remove_dir_all(&dir);
}
