//! The service's tests, written as a user of remix-client would: against
//! `remix_mock::MockServer` on a loopback port.

use std::error::Error as _;
use std::time::Duration;

use remix_client::{Client, Error, ImageFile, ImageRequest, Outcome};
use remix_mock::{MockConfig, MockServer};

const KEY: &str = "sk-user-crate-test";
const IMAGE: &[u8] = include_bytes!("../../../assets/sunset.png");

async fn start(config: MockConfig) -> MockServer {
    MockServer::start(config)
        .await
        .expect("the mock starts on a loopback port")
}

fn faults(spec: &str) -> MockConfig {
    MockConfig {
        faults: vec![spec.parse().expect("a fault")],
        retry_after: 0,
        ..MockConfig::default()
    }
}

async fn remix_once(client: &Client) -> Result<remix_client::RemixResponse, Error> {
    let request = ImageRequest::builder("a lighthouse at dusk").build()?;
    client
        .remix(&request, ImageFile::from_bytes(IMAGE, "sunset.png")?)
        .await
}

#[tokio::test]
async fn the_services_default_header_and_user_agent_reach_the_server() {
    let mock = start(MockConfig::default()).await;
    let client = remix_user::client(mock.url(), KEY, 4).unwrap();
    remix_once(&client).await.expect("remixed");
    let log = mock.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].headers.get("x-team").map(String::as_str), Some("imaging"));
    let agent = &log[0].headers["user-agent"];
    assert!(
        agent.starts_with("remix-client/") && agent.ends_with(" thumbnailer/3.1"),
        "{agent}"
    );
    assert!(
        !log[0].headers.contains_key("authorization"),
        "the mock never keeps the key"
    );
}

#[tokio::test]
async fn the_services_own_reqwest_client_sends_its_header_and_our_key() {
    let mock = start(MockConfig::default()).await;
    let mut headers = remix_client::reqwest::header::HeaderMap::new();
    headers.insert("x-team", "platform".parse().unwrap());
    let http = remix_client::reqwest::Client::builder()
        .default_headers(headers)
        .user_agent("platform-http/2.0")
        .build()
        .unwrap();
    let client = remix_user::client_on(http, mock.url(), KEY, 4).unwrap();
    remix_once(&client)
        .await
        .expect("remixed: the key went out with the client's own request");
    let log = mock.log();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].headers.get("x-team").map(String::as_str), Some("platform"));
    assert_eq!(log[0].headers["user-agent"], "platform-http/2.0");

    let wrong = remix_client::reqwest::Client::new();
    let error = remix_user::client_on(wrong, mock.url(), "", 4).unwrap_err();
    assert!(format!("{error:#}").contains("api_key"), "{error:#}");
    let error = Client::builder()
        .api_key(KEY)
        .base_url(mock.url())
        .http_client(remix_client::reqwest::Client::new())
        .user_agent_suffix("thumbnailer/3.1")
        .build()
        .unwrap_err();
    let text = format!("{error:#}");
    assert!(
        text.contains("user_agent") && text.contains("your own reqwest::Client"),
        "{text}"
    );
}

#[tokio::test]
async fn twenty_calls_never_have_more_than_three_open() {
    let config = MockConfig {
        latency: Duration::from_millis(150),
        ..MockConfig::default()
    };
    let mock = start(config).await;
    let client = remix_user::client(mock.url(), KEY, 3).unwrap();
    let prompts = ["a lighthouse at dusk"; 20];
    let results = remix_user::remix_all(&client, IMAGE, &prompts).await;
    assert!(results.iter().all(Result::is_ok), "every call succeeds");
    assert_eq!(mock.log().len(), 20);
    assert_eq!(mock.most_in_flight(), 3, "three at once, never more");
    assert_eq!(client.in_flight(), 0, "every place given back");
}

#[tokio::test]
async fn a_gateway_timeout_is_not_retried_but_unavailable_is() {
    let mock = start(faults("504:1")).await;
    let client = remix_user::client(mock.url(), KEY, 4).unwrap();
    let error = remix_once(&client).await.expect_err("a 504 is the answer");
    assert_eq!(Outcome::of(&error), Outcome::ServerError);
    assert!(error.may_have_been_charged(), "the upstream may have gone on: {error}");
    assert_eq!(mock.log().len(), 1, "sent once: a 504 is not retried by default");

    let mock = start(faults("503:1")).await;
    let client = remix_user::client(mock.url(), KEY, 4).unwrap();
    remix_once(&client).await.expect("the second attempt succeeds");
    let statuses: Vec<u16> = mock.log().iter().map(|e| e.status).collect();
    assert_eq!(statuses, [503, 200], "a 503 says the work was not done: retried");
    assert_eq!(mock.charged(), 1);
}

/// `{:#}` through anyhow, as a service logs it: no cause twice.
fn assert_reads_once(error: anyhow::Error) -> String {
    let text = format!("{error:#}");
    let parts: Vec<&str> = text.split(": ").collect();
    for (i, part) in parts.iter().enumerate() {
        for later in &parts[i + 1..] {
            assert!(
                !later.contains(part) && !part.contains(later),
                "{part:?} and {later:?} repeat each other in {text:?}"
            );
        }
    }
    text
}

#[tokio::test]
async fn every_error_reads_once_under_alternate_display() {
    // The API's answer (with the envelope's request id).
    let mock = start(faults("500:1")).await;
    let client = remix_user::client(mock.url(), KEY, 4).unwrap();
    let api = remix_once(&client).await.unwrap_err();
    assert!(api.request_id().is_some(), "{api:?}");
    let text = assert_reads_once(api.into());
    assert!(text.contains("HTTP 500"), "{text}");

    // Nothing listening: a transport error with its cause.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let client = Client::builder()
        .api_key(KEY)
        .base_url(&url)
        .max_retries(0)
        .build()
        .unwrap();
    let transport = remix_once(&client).await.unwrap_err();
    assert!(transport.source().is_some(), "the cause is the source: {transport:?}");
    assert_reads_once(transport.into());

    // A deadline: the last failure is the source, said once.
    let slow = start(MockConfig {
        latency: Duration::from_secs(5),
        ..MockConfig::default()
    })
    .await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(slow.url())
        .attempt_timeout(Duration::from_millis(200))
        .deadline(Duration::from_millis(300))
        .build()
        .unwrap();
    let timeout = remix_once(&client).await.unwrap_err();
    assert!(matches!(timeout, Error::Timeout { .. }), "{timeout:?}");
    assert_reads_once(timeout.into());

    // A request refused before sending, and a bad image.
    let invalid = ImageRequest::builder("").build().unwrap_err();
    assert!(format!("{invalid:#}").contains("prompt"), "{invalid:#}");
    assert_reads_once(invalid.into());
    let image = ImageFile::from_bytes(&b"not an image"[..], "x.png").unwrap_err();
    assert_reads_once(Error::from(image).into());
}
