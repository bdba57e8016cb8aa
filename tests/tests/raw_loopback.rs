//! The generated `remix-raw` client over a real socket: what the server
//! receives, and how the spec's 200 envelope decodes.

use remix_raw::multipart::{FilePart, PostIdeogramRemixBody};
use remix_tests::{Reply, TestServer, png, task_envelope};

const TOKEN: &str = "test-token-123";

fn client(url: &str) -> remix_raw::Client {
    remix_raw::Client::new_with_bearer_token(url, TOKEN, reqwest::Client::builder()).unwrap()
}

#[tokio::test]
async fn generated_remix_method_sends_the_multipart_request() {
    let server = TestServer::always(Reply::json(200, task_envelope())).await;
    let image = png(8, 8);
    let body = PostIdeogramRemixBody {
        image_request: Some(r#"{"prompt":"a beautiful sunset over mountains"}"#.into()),
        image_file: Some(
            FilePart::from_bytes(image.clone())
                .file_name("photo.png")
                .content_type("image/png"),
        ),
    };

    let response = client(&server.url()).post_ideogram_remix(body).await.unwrap();

    assert_eq!(response.status().as_u16(), 200);
    let envelope = response.into_inner();
    assert_eq!(envelope.code, 200);
    assert_eq!(envelope.request_id, "req-0001");
    assert_eq!(envelope.data.task_id, "task-0001");
    assert_eq!(envelope.data.task_status, "SUBMITTED");
    assert_eq!(envelope.data.created_at, 1_764_000_000);

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "POST");
    assert_eq!(request.path, "/ideogram/remix");
    assert_eq!(request.header("authorization"), Some("Bearer test-token-123"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let boundary = request.boundary().expect("multipart/form-data with a boundary");
    assert!(!boundary.is_empty());
    assert_eq!(
        request.header("content-length").map(|v| v.parse::<usize>().unwrap()),
        Some(request.body.len()),
        "a body of known length carries Content-Length"
    );

    let parts = request.parts();
    let names: Vec<&str> = parts.iter().map(|p| p.name.as_str()).collect();
    assert_eq!(names, ["image_request", "image_file"]);
    assert_eq!(parts[0].text(), r#"{"prompt":"a beautiful sunset over mountains"}"#);
    assert_eq!(parts[0].file_name, None);
    assert_eq!(parts[1].file_name.as_deref(), Some("photo.png"));
    assert_eq!(parts[1].content_type.as_deref(), Some("image/png"));
    assert_eq!(parts[1].body, image);
}

#[tokio::test]
async fn a_streamed_file_part_sends_its_bytes_with_a_known_length() {
    let server = TestServer::always(Reply::json(200, task_envelope())).await;
    let image = png(64, 64);
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = image.chunks(100).map(|c| Ok(c.to_vec())).collect();
    let stream = StreamOf(chunks.into_iter());
    let body = PostIdeogramRemixBody {
        image_request: Some("{}".into()),
        image_file: Some(FilePart::from_stream(stream, image.len() as u64).file_name("big.png")),
    };
    client(&server.url()).post_ideogram_remix(body).await.unwrap();

    let request = &server.requests()[0];
    assert!(
        request.header("content-length").is_some(),
        "no chunked encoding for a known length"
    );
    let file = request.parts().into_iter().find(|p| p.name == "image_file").unwrap();
    assert_eq!(file.body, image);
    assert_eq!(file.content_type.as_deref(), Some("application/octet-stream"));
}

#[tokio::test]
async fn an_undocumented_status_is_an_unexpected_response() {
    let server = TestServer::always(Reply::json(429, serde_json::json!({"error": "slow down"}))).await;
    let body = PostIdeogramRemixBody::default();
    match client(&server.url()).post_ideogram_remix(body).await {
        Err(remix_raw::Error::UnexpectedResponse(r)) => assert_eq!(r.status().as_u16(), 429),
        other => panic!("expected UnexpectedResponse, got {other:?}"),
    }
}

#[test]
fn an_empty_or_unsendable_token_is_refused_without_echoing_it() {
    let empty = remix_raw::Client::new_with_bearer_token("http://127.0.0.1:1", "  ", reqwest::Client::builder());
    assert!(matches!(empty, Err(remix_raw::AuthError::Empty { .. })));
    let bad = remix_raw::Client::new_with_bearer_token("http://127.0.0.1:1", "abc\ndef", reqwest::Client::builder());
    let err = bad.expect_err("a newline cannot go in a header");
    assert!(matches!(err, remix_raw::AuthError::Unsendable { .. }));
    assert!(!err.to_string().contains("abc"), "{err}");
}

/// A minimal stream over an iterator, so the test needs no futures crate.
struct StreamOf<I>(I);

impl<I: Iterator + Unpin> futures_core::Stream for StreamOf<I> {
    type Item = I::Item;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        std::task::Poll::Ready(self.0.next())
    }
}
