//! A user's service on remix-client: one `Client` for the whole process,
//! built with the service's own HTTP settings and an in-flight bound, and
//! remixes fanned out over clones of it.

use std::time::Duration;

use remix_client::{Client, ImageFile, ImageRequest, RemixResponse, reqwest};

/// The client the service uses: its team header on every request, its name
/// in the user agent, at most `in_flight` remixes open at once, and short
/// backoffs.
pub fn client(base_url: &str, key: &str, in_flight: u32) -> Result<Client, remix_client::Error> {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .configure_http(|http| {
            let mut headers = reqwest::header::HeaderMap::new();
            headers.insert("x-team", reqwest::header::HeaderValue::from_static("imaging"));
            http.default_headers(headers)
        })
        .user_agent_suffix("thumbnailer/3.1")
        .max_in_flight(in_flight)
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
        .max_retry_after(Duration::from_secs(1))
        .build()
}

/// The client a service uses when its platform hands it a finished
/// `reqwest::Client` (shared pool, proxies, headers already set): the key
/// and the in-flight bound are still this crate's.
pub fn client_on(
    http: reqwest::Client,
    base_url: &str,
    key: &str,
    in_flight: u32,
) -> Result<Client, remix_client::Error> {
    Client::builder()
        .api_key(key)
        .base_url(base_url)
        .http_client(http)
        .max_in_flight(in_flight)
        .build()
}

/// Remixes `image` once per prompt, all at once over clones of `client`.
pub async fn remix_all(client: &Client, image: &[u8], prompts: &[&str]) -> Vec<anyhow::Result<RemixResponse>> {
    let mut tasks = Vec::new();
    for prompt in prompts {
        let client = client.clone();
        let image = image.to_vec();
        let prompt = prompt.to_string();
        tasks.push(tokio::spawn(async move {
            let request = ImageRequest::builder(prompt).build()?;
            let image = ImageFile::from_bytes(image, "photo.png")?;
            Ok(client.remix(&request, image).await?)
        }));
    }
    let mut results = Vec::new();
    for task in tasks {
        results.push(
            task.await
                .unwrap_or_else(|e| Err(anyhow::anyhow!("the task failed: {e}"))),
        );
    }
    results
}
