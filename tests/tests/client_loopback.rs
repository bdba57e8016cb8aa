//! `remix-client` over a real socket: both success shapes, every error
//! status, the exact multipart body, and nothing sent for bad input.

use std::time::Duration;

use remix_client::{
    ApiErrorKind, AspectRatio, Client, ColorPalette, Error, ImageError, ImageFile, ImageRequest, Model, PalettePreset,
    RemixResponse,
};
use remix_tests::{Reply, TestServer, native_response, png, task_envelope};

const KEY: &str = "sk-loopback-key-0123456789";

fn client(server: &TestServer) -> Client {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .max_retries(0)
        .build()
        .unwrap()
}

fn request() -> ImageRequest {
    ImageRequest::builder("a beautiful sunset over mountains")
        .aspect_ratio(AspectRatio::Ratio16x9)
        .model(Model::V2)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .seed(123_456)
        .build()
        .unwrap()
}

fn image() -> ImageFile {
    ImageFile::from_bytes(png(4, 4), "photo.png").unwrap()
}

#[tokio::test]
async fn task_envelope_decodes_into_a_task() {
    let server = TestServer::always(Reply::json(200, task_envelope())).await;
    let response = client(&server).remix(&request(), image()).await.unwrap();
    let task = response.task().expect("the envelope shape");
    assert_eq!(task.task_id, "task-0001");
    assert_eq!(task.task_status, "SUBMITTED");
    assert_eq!(response.request_id(), Some("req-0001"));
    assert!(response.image_urls().is_empty());
}

#[tokio::test]
async fn native_shape_decodes_into_images() {
    let server = TestServer::always(Reply::json(200, native_response())).await;
    let response = client(&server).remix(&request(), image()).await.unwrap();
    assert!(matches!(response, RemixResponse::Images(_)));
    assert_eq!(response.image_urls(), ["https://cdn.example.invalid/images/one.png"]);
    let images = response.images();
    assert_eq!(images.len(), 2);
    assert!(
        !images[1].is_image_safe && images[1].url.is_none(),
        "an unsafe image has no URL"
    );
    assert_eq!(
        images[1].resolution, "800x1280",
        "a resolution outside the enum is kept"
    );
}

/// The multipart body exactly as the server received it, with the boundary
/// and the image bytes replaced by placeholders and line ends shown.
#[tokio::test]
async fn multipart_body_snapshot() {
    let server = TestServer::always(Reply::json(200, task_envelope())).await;
    let image_bytes = png(4, 4);
    let image = ImageFile::from_bytes(image_bytes.clone(), "../secret dir/photo \"1\".png").unwrap();
    assert_eq!(image.file_name(), "photo 1.png");
    client(&server).remix(&request(), image).await.unwrap();

    let recorded = &server.requests()[0];
    let boundary = recorded.boundary().unwrap();
    let body = &recorded.body;
    let at = body
        .windows(image_bytes.len())
        .position(|w| w == image_bytes.as_slice())
        .expect("the image bytes are in the body, unchanged");
    let mut shown = body[..at].to_vec();
    shown.extend_from_slice(format!("[{} bytes of image/png]", image_bytes.len()).as_bytes());
    shown.extend_from_slice(&body[at + image_bytes.len()..]);
    let text = String::from_utf8(shown)
        .unwrap()
        .replace(&boundary, "[BOUNDARY]")
        .replace("\r\n", "\\r\\n\n");
    insta::assert_snapshot!(text);

    let headers: Vec<String> = ["content-type", "accept", "authorization", "user-agent"]
        .iter()
        .map(|h| {
            format!(
                "{h}: {}",
                recorded.header(h).unwrap_or("-").replace(&boundary, "[BOUNDARY]")
            )
        })
        .collect();
    insta::assert_snapshot!("multipart_request_headers", headers.join("\n"));
}

async fn api_error_for(reply: Reply) -> (remix_client::ApiError, usize) {
    let server = TestServer::always(reply).await;
    let err = client(&server).remix(&request(), image()).await.unwrap_err();
    let hits = server.hits();
    match err {
        Error::Api(api) => (*api, hits),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn status_400_is_a_bad_request() {
    let (e, hits) = api_error_for(Reply::json(
        400,
        serde_json::json!({"code": 400, "message": "image_request: bad JSON", "request_id": "r-400"}),
    ))
    .await;
    assert_eq!((e.status(), e.kind(), hits), (400, ApiErrorKind::BadRequest, 1));
    assert_eq!(e.message(), "image_request: bad JSON");
    assert_eq!(e.request_id(), Some("r-400"));
}

#[tokio::test]
async fn status_401_is_unauthorized() {
    let (e, _) = api_error_for(Reply::json(401, serde_json::json!({"error": "invalid api key"}))).await;
    assert_eq!((e.status(), e.kind()), (401, ApiErrorKind::Unauthorized));
    assert_eq!(e.message(), "invalid api key");
}

#[tokio::test]
async fn status_402_is_payment_required() {
    let (e, hits) = api_error_for(
        Reply::json(
            402,
            serde_json::json!({"error": {"message": "balance is empty", "code": "insufficient_funds"}}),
        )
        .with_header("x-request-id", "r-402"),
    )
    .await;
    assert_eq!((e.status(), e.kind(), hits), (402, ApiErrorKind::PaymentRequired, 1));
    assert_eq!(e.code(), Some("insufficient_funds"));
    assert_eq!(e.message(), "balance is empty");
    assert_eq!(e.request_id(), Some("r-402"), "request id from the header");
}

#[tokio::test]
async fn status_422_is_a_safety_rejection() {
    let (e, _) = api_error_for(Reply::json(
        422,
        serde_json::json!({"error": "Prompt failed the safety check"}),
    ))
    .await;
    assert_eq!((e.status(), e.kind()), (422, ApiErrorKind::SafetyRejected));
    assert_eq!(e.message(), "Prompt failed the safety check");
}

#[tokio::test]
async fn status_429_is_rate_limited_with_reason_and_retry_after() {
    let (e, _) = api_error_for(
        Reply::json(
            429,
            serde_json::json!({"error": "too many images in flight", "reject_reason": "inflight_limit"}),
        )
        .with_header("Retry-After", "7"),
    )
    .await;
    assert_eq!((e.status(), e.kind()), (429, ApiErrorKind::RateLimited));
    assert_eq!(e.message(), "too many images in flight");
    assert_eq!(e.reason(), Some("inflight_limit"));
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn status_500_with_an_html_page_is_a_server_error() {
    let html = "<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1>nginx</body></html>";
    let (e, _) = api_error_for(Reply::raw(500, "text/html", html)).await;
    assert_eq!((e.status(), e.kind()), (500, ApiErrorKind::Server));
    assert!(e.message().contains("HTML page"), "{}", e.message());
    assert!(e.body_prefix().starts_with("<!DOCTYPE html>"), "{}", e.body_prefix());
}

#[tokio::test]
async fn a_failure_envelope_with_status_200_is_an_error() {
    let server = TestServer::always(Reply::json(
        200,
        serde_json::json!({"code": 4001, "message": "image too small", "request_id": "r-9", "data": null}),
    ))
    .await;
    match client(&server).remix(&request(), image()).await {
        Err(Error::Api(e)) => {
            assert_eq!((e.status(), e.kind()), (200, ApiErrorKind::Rejected));
            assert_eq!(e.code(), Some("4001"));
            assert_eq!(e.message(), "image too small");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_body_of_neither_shape_is_undecodable() {
    let server = TestServer::always(Reply::json(200, serde_json::json!({"status": "ok"}))).await;
    match client(&server).remix(&request(), image()).await {
        Err(Error::Decode {
            status, body_prefix, ..
        }) => {
            assert_eq!(status, 200);
            assert_eq!(body_prefix, r#"{"status":"ok"}"#);
        }
        other => panic!("{other:?}"),
    }
}

/// Every check runs before the upload: bad requests and images are
/// refused when they are made, each naming its field or its kind, so no
/// `ImageRequest` or `ImageFile` that could reach a server exists for them.
#[tokio::test]
async fn bad_input_never_reaches_the_server() {
    let bad_requests = [
        (ImageRequest::builder("").build(), "prompt"),
        (ImageRequest::builder("x").num_images(9).build(), "num_images"),
        (
            ImageRequest::builder("x").model(Model::V1).style_type("ANIME").build(),
            "style_type",
        ),
        (ImageRequest::from_json(r#"{"prompt": "x", "seed": "1"}"#), "seed"),
    ];
    for (bad, field) in bad_requests {
        let refused = bad.expect_err(field);
        assert_eq!(refused.first().field, field, "{refused}");
        assert!(Error::from(refused).is_invalid_input());
    }
    let empty = ImageFile::from_bytes(Vec::new(), "empty.png").unwrap_err();
    assert!(matches!(empty, ImageError::Empty { .. }), "{empty:?}");
    let gif = ImageFile::from_bytes(&b"GIF89a-not-supported"[..], "a.gif").unwrap_err();
    assert!(matches!(gif, ImageError::UnsupportedFormat { .. }), "{gif:?}");
    let missing = ImageFile::from_path("/nonexistent/photo.png").await.unwrap_err();
    assert!(matches!(missing, ImageError::Io { .. }), "{missing:?}");
    assert!(Error::from(missing).is_invalid_input());
}

/// The README's example, as a user would write it, against a loopback server.
#[tokio::test]
async fn readme_program_runs_against_loopback() {
    let server = TestServer::always(Reply::json(200, native_response())).await;
    let dir = std::env::temp_dir().join(format!("remix-readme-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("photo.png");
    std::fs::write(&path, png(16, 16)).unwrap();

    let client = Client::builder()
        .api_key("YOUR_API_KEY")
        .base_url(server.url())
        .build()
        .unwrap();
    let request = ImageRequest::builder("a beautiful sunset over mountains")
        .aspect_ratio(AspectRatio::Ratio16x9)
        .model(Model::V2)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .seed(123_456)
        .build()
        .unwrap();
    let image = ImageFile::from_path(&path).await.unwrap();
    let response = client.remix(&request, image).await.unwrap();
    assert_eq!(response.image_urls().len(), 1);

    let recorded = &server.requests()[0];
    let parts = recorded.parts();
    assert_eq!(parts[1].body, png(16, 16), "the file was streamed from disk unchanged");
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A link past its `exp` is refused before any request, with the moment
/// it expired.
#[tokio::test]
async fn an_expired_link_is_not_fetched() {
    let server = TestServer::always(Reply::raw(200, "image/png", png(2, 2))).await;
    let dir = std::env::temp_dir().join(format!("remix-expired-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let url = format!("{}/images/a.png?exp=1700000000&sig=00", server.url());
    let err = remix_client::Downloader::new()
        .unwrap()
        .download(&url, &dir.join("a.png"), None)
        .await
        .unwrap_err();
    match &err {
        remix_client::DownloadError::Expired { at, .. } => {
            assert_eq!(*at, std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000));
        }
        other => panic!("expected Expired, got {other:?}"),
    }
    assert!(
        err.to_string().contains("expired at Tue, 14 Nov 2023 22:13:20 GMT"),
        "{err}"
    );
    assert_eq!(server.hits(), 0, "nothing was fetched");
    assert!(!dir.join("a.png").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}
