//! Fault injection: a scripted loopback server per scenario, each asserting
//! the attempts the server saw, the delay honored and the error returned.
//! One scenario per test, the file long because the table of faults is:
//! every retried and final status, every timeout and transport failure.
//! Delays are short (a few hundred milliseconds, or the one-second minimum
//! of Retry-After) so the whole file runs in seconds.

use std::time::{Duration, Instant, SystemTime};

use remix_client::{ApiErrorKind, Client, ClientBuilder, Error, ImageFile, ImageRequest, TimeoutPhase};
use remix_tests::{Reply, TestServer, png, task_envelope};

const KEY: &str = "sk-fault-key-abcdef";

fn builder(server: &TestServer) -> ClientBuilder {
    Client::builder()
        .api_key(KEY)
        .base_url(server.url())
        .backoff(Duration::from_millis(10), Duration::from_millis(40))
        .attempt_timeout(Duration::from_secs(5))
        .deadline(Duration::from_secs(10))
}

fn request() -> ImageRequest {
    ImageRequest::builder("a lighthouse at dusk").build().unwrap()
}

fn image() -> ImageFile {
    ImageFile::from_bytes(png(16, 16), "photo.png").unwrap()
}

/// Builds the client and remixes the default request and image.
async fn call(builder: ClientBuilder) -> Result<remix_client::RemixResponse, Error> {
    builder.build().unwrap().remix(&request(), image()).await
}

fn ok() -> Reply {
    Reply::json(200, task_envelope())
}

fn status(code: u16) -> Reply {
    Reply::json(code, serde_json::json!({"error": format!("scripted {code}")}))
}

/// Time between the arrival of request `i` and request `i + 1`.
fn gap(server: &TestServer, i: usize) -> Duration {
    let r = server.requests();
    r[i + 1].at.duration_since(r[i].at)
}

#[tokio::test]
async fn status_429_then_200_honors_retry_after() {
    let server = TestServer::start(vec![status(429).with_header("Retry-After", "1")], ok()).await;
    let response = call(builder(&server)).await.unwrap();
    assert!(response.task().is_some());
    assert_eq!(server.hits(), 2);
    let waited = gap(&server, 0);
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_millis(1800),
        "{waited:?}"
    );
}

#[tokio::test]
async fn status_503_twice_then_200() {
    let server = TestServer::start(vec![status(503), status(503)], ok()).await;
    let output = builder(&server)
        .build()
        .unwrap()
        .remix_output(&request(), image())
        .await
        .unwrap();
    assert_eq!((server.hits(), output.attempts), (3, 3));
    for i in 0..2 {
        assert!(
            gap(&server, i) < Duration::from_millis(500),
            "backoff stays within its 40 ms cap"
        );
    }
}

/// `on_retry` is told of every retry: the attempt, the error, the wait.
#[tokio::test]
async fn every_retry_is_observed() {
    let server = TestServer::start(vec![status(503), status(429).with_header("Retry-After", "0")], ok()).await;
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let record = seen.clone();
    builder(&server)
        .on_retry(move |event| {
            let reason = event.error.api().and_then(|a| a.reason()).map(str::to_string);
            record
                .lock()
                .unwrap()
                .push((event.attempt, event.error.status(), reason, event.wait));
        })
        .build()
        .unwrap()
        .remix(&request(), image())
        .await
        .unwrap();
    let seen = seen.lock().unwrap();
    assert_eq!(seen.len(), 2, "{seen:?}");
    assert_eq!((seen[0].0, seen[0].1), (1, Some(503)));
    assert_eq!((seen[1].0, seen[1].1), (2, Some(429)));
    assert_eq!(seen[1].3, Duration::ZERO, "the server's Retry-After is the wait");
}

#[tokio::test]
async fn status_500_is_not_retried() {
    let server = TestServer::start(vec![status(500)], ok()).await;
    let err = call(builder(&server)).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    let api = err.api().expect("an API error");
    assert_eq!(
        (api.status(), api.kind(), api.attempts()),
        (500, ApiErrorKind::Server, 1)
    );
}

#[tokio::test]
async fn server_errors_that_may_have_charged_are_retried_only_when_asked() {
    for code in [500, 502, 504] {
        let server = TestServer::start(vec![status(code)], ok()).await;
        let err = call(builder(&server)).await.unwrap_err();
        assert_eq!(server.hits(), 1, "HTTP {code} is not retried by default");
        assert!(err.may_have_been_charged(), "HTTP {code} may have charged");
        let server = TestServer::start(vec![status(code)], ok()).await;
        call(builder(&server).retry_server_errors(true)).await.unwrap();
        assert_eq!(server.hits(), 2, "HTTP {code} is retried when asked");
    }
}

#[tokio::test]
async fn status_402_is_not_retried() {
    let server = TestServer::start(
        vec![Reply::json(402, serde_json::json!({"error": "daily_limit"})).with_header("Retry-After", "1")],
        ok(),
    )
    .await;
    let err = call(builder(&server)).await.unwrap_err();
    assert_eq!(server.hits(), 1);
    assert_eq!(err.api().unwrap().kind(), ApiErrorKind::PaymentRequired);
}

#[tokio::test]
async fn retry_after_as_an_http_date() {
    let at = SystemTime::now() + Duration::from_secs(3);
    let server = TestServer::start(
        vec![status(503).with_header("Retry-After", &httpdate::fmt_http_date(at))],
        ok(),
    )
    .await;
    call(builder(&server)).await.unwrap();
    assert_eq!(server.hits(), 2);
    // HTTP dates have whole seconds: the date is 2 to 3 s after the answer,
    // less the time the test took to send; the backoff alone would be 40 ms.
    let waited = gap(&server, 0);
    assert!(
        waited >= Duration::from_millis(1500) && waited < Duration::from_millis(3500),
        "{waited:?}"
    );
}

#[tokio::test]
async fn retries_exhausted_returns_the_last_error() {
    let server = TestServer::always(status(503)).await;
    let err = call(builder(&server).max_retries(2)).await.unwrap_err();
    assert_eq!(server.hits(), 3);
    let api = err.api().expect("the last API error");
    assert_eq!((api.status(), api.attempts()), (503, 3));
    assert!(err.to_string().contains("after 3 attempts"), "{err}");
}

#[tokio::test]
async fn max_retries_zero_disables_retries() {
    let server = TestServer::always(status(503)).await;
    call(builder(&server).max_retries(0)).await.unwrap_err();
    assert_eq!(server.hits(), 1);
}

#[tokio::test]
async fn reset_during_upload_is_a_transport_error_and_not_retried() {
    let server = TestServer::start(vec![Reply::Reset { after: 1024 }], ok()).await;
    let big = ImageFile::from_bytes(png(512, 512), "big.png").unwrap();
    let err = builder(&server)
        .build()
        .unwrap()
        .remix(&request(), big)
        .await
        .unwrap_err();
    assert_eq!(
        server.hits(),
        1,
        "the upload may have reached the server: no blind retry"
    );
    assert!(err.may_have_been_charged(), "{err:?}");
    match err {
        Error::Transport { attempts, .. } => assert_eq!(attempts, 1),
        other => panic!("expected a transport error, got {other:?}"),
    }
}

#[tokio::test]
async fn a_server_that_never_answers_hits_the_attempt_timeout() {
    let server = TestServer::always(Reply::Hang).await;
    let started = Instant::now();
    let err = call(builder(&server).attempt_timeout(Duration::from_millis(300)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Attempt,
                attempts: 1,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(
        server.hits(),
        1,
        "a timed-out upload may have been accepted: not retried"
    );
    assert!(
        took >= Duration::from_millis(300) && took < Duration::from_millis(1500),
        "{took:?}"
    );
}

#[tokio::test]
async fn deadline_shorter_than_the_retries() {
    let server = TestServer::always(status(429).with_header("Retry-After", "2")).await;
    let started = Instant::now();
    let err = call(builder(&server).deadline(Duration::from_millis(800)))
        .await
        .unwrap_err();
    let took = started.elapsed();
    match &err {
        Error::Timeout {
            phase: TimeoutPhase::Deadline,
            attempts: 1,
            last_error: Some(last),
            ..
        } => assert_eq!(last.status(), Some(429)),
        other => panic!("expected a deadline timeout, got {other:?}"),
    }
    assert_eq!(server.hits(), 1);
    assert!(
        took < Duration::from_millis(800),
        "no wait that cannot finish in time: {took:?}"
    );
}

#[tokio::test]
async fn deadline_passing_during_an_attempt() {
    let server = TestServer::always(ok().delayed(Duration::from_secs(3))).await;
    let started = Instant::now();
    let err = call(builder(&server).deadline(Duration::from_millis(400)))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Timeout {
                phase: TimeoutPhase::Deadline,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(started.elapsed() < Duration::from_millis(1500));
}

#[tokio::test]
async fn a_50_mib_success_body_is_cut_at_the_limit() {
    let server = TestServer::always(Reply::Endless {
        status: 200,
        limit: 50 * 1024 * 1024,
    })
    .await;
    let started = Instant::now();
    let err = call(builder(&server)).await.unwrap_err();
    match &err {
        Error::Decode {
            status,
            reason,
            body_prefix,
            ..
        } => {
            assert_eq!(*status, 200);
            assert!(reason.contains("larger than 1048576 bytes"), "{reason}");
            assert_eq!(body_prefix.len(), 512);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "the rest of the body is not read"
    );
}

#[tokio::test]
async fn a_50_mib_error_body_is_cut_at_64_kib() {
    let server = TestServer::always(Reply::Endless {
        status: 502,
        limit: 50 * 1024 * 1024,
    })
    .await;
    let err = call(builder(&server).max_retries(0)).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!(api.status(), 502);
    assert!(api.body_prefix().len() <= 512);
    drop(err);
    // The client read 64 KiB and hung up: the server could write only that
    // and what the loopback socket buffers held (a few MiB), never the 50.
    let sent = server.endless_bytes_sent(1, Duration::from_secs(10)).await;
    assert_eq!(sent.len(), 1, "the server's write ended");
    assert!(sent[0] < 16 * 1024 * 1024, "the server wrote {} bytes", sent[0]);
}

#[tokio::test]
async fn a_refused_connection_is_retried_then_reported() {
    // Bind and drop a listener: nothing listens on that port any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://127.0.0.1:{port}"))
        .backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap();
    let err = client.remix(&request(), image()).await.unwrap_err();
    assert!(!err.may_have_been_charged(), "nothing reached a server: {err:?}");
    match err {
        Error::Transport { attempts, message, .. } => {
            assert_eq!(attempts, 3, "nothing was sent, so every attempt is made");
            assert!(message.contains("could not connect"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_one_shot_reader_is_not_retried() {
    let server = TestServer::start(vec![status(503)], ok()).await;
    let bytes = png(16, 16);
    let len = bytes.len() as u64;
    let image = ImageFile::from_reader(std::io::Cursor::new(bytes), len, "r.png")
        .await
        .unwrap();
    assert!(!image.is_replayable());
    let err = builder(&server)
        .build()
        .unwrap()
        .remix(&request(), image)
        .await
        .unwrap_err();
    assert_eq!(server.hits(), 1);
    assert_eq!(err.status(), Some(503));
}

#[tokio::test]
async fn a_file_is_reopened_for_every_attempt() {
    let server = TestServer::start(vec![status(503)], ok()).await;
    let dir = std::env::temp_dir().join(format!("remix-retry-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("retry.png");
    std::fs::write(&path, png(32, 32)).unwrap();
    let image = ImageFile::from_path(&path).await.unwrap();
    builder(&server)
        .build()
        .unwrap()
        .remix(&request(), image)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    for r in &requests {
        assert_eq!(r.parts()[1].body, png(32, 32), "each attempt sends the whole file");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn redirects_are_not_followed() {
    let elsewhere = TestServer::always(ok()).await;
    let server = TestServer::always(
        Reply::raw(307, "text/plain", "moved").with_header("Location", &format!("{}/ideogram/remix", elsewhere.url())),
    )
    .await;
    let err = call(builder(&server)).await.unwrap_err();
    let api = err.api().expect("an API error");
    assert_eq!((api.status(), api.kind()), (307, ApiErrorKind::Redirect));
    assert!(api.message().contains("not followed"), "{}", api.message());
    assert_eq!(elsewhere.hits(), 0, "neither the key nor the image went elsewhere");
}

#[tokio::test]
async fn html_empty_truncated_and_mistyped_bodies_never_panic() {
    let bodies: Vec<(u16, &str, &[u8])> = vec![
        (200, "text/html", b"<html>gateway</html>"),
        (200, "application/json", b""),
        (200, "application/json", br#"{"code": 200, "message": "ok", "request_id": "r", "data": {"task_id": "#),
        (200, "application/json", br#"{"code": 200, "message": "ok", "request_id": "r", "data": {"task_id": 1, "task_status": "x", "created_at": 1, "updated_at": 1}}"#),
        (200, "application/json", br#"{"created": 5, "data": [{}]}"#),
        (200, "application/json", b"[1,2,3]"),
        (400, "application/json", br#"{"error": {"message": 7}}"#),
        (503, "text/html", b""),
    ];
    for (code, content_type, body) in bodies {
        let server = TestServer::always(Reply::raw(code, content_type, body.to_vec())).await;
        let err = call(builder(&server).max_retries(0)).await.unwrap_err();
        assert_eq!(err.status(), Some(code), "{err}");
        assert!(matches!(err, Error::Decode { .. } | Error::Api(_)), "{err:?}");
    }
}

#[tokio::test]
async fn retryable_statuses_are_retried() {
    for code in [408, 429, 503] {
        let server = TestServer::start(vec![status(code)], ok()).await;
        call(builder(&server)).await.unwrap();
        assert_eq!(server.hits(), 2, "HTTP {code} is retried once, then succeeds");
        let server = TestServer::always(status(code)).await;
        let err = call(builder(&server).max_retries(0)).await.unwrap_err();
        assert!(!err.may_have_been_charged(), "HTTP {code} says the work was not done");
    }
}

#[tokio::test]
async fn final_statuses_are_never_retried() {
    for code in [400, 401, 402, 403, 404, 422, 500, 502, 504] {
        let server = TestServer::start(vec![status(code)], ok()).await;
        let err = call(builder(&server)).await.unwrap_err();
        assert_eq!(server.hits(), 1, "HTTP {code} is not retried");
        assert_eq!(err.status(), Some(code));
    }
}

/// A listener whose accept queue is full drops new SYNs, so a connect to
/// it hangs: the connect timeout ends each attempt, and since nothing was
/// sent, every attempt is made.
#[tokio::test]
async fn a_connect_timeout_is_retried_and_reported() {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
    socket
        .bind(&"127.0.0.1:0".parse::<std::net::SocketAddr>().unwrap().into())
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    // Fill the accept queue (never accepted) so later SYNs are dropped.
    let mut fillers = Vec::new();
    for _ in 0..4 {
        let filler = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        filler.set_nonblocking(true).unwrap();
        let _ = filler.connect(&addr.into());
        fillers.push(filler);
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let client = Client::builder()
        .api_key(KEY)
        .base_url(format!("http://{addr}"))
        .connect_timeout(Duration::from_millis(200))
        .backoff(Duration::from_millis(5), Duration::from_millis(10))
        .build()
        .unwrap();
    let started = Instant::now();
    let err = client.remix(&request(), image()).await.unwrap_err();
    let took = started.elapsed();
    match err {
        Error::Timeout {
            phase: TimeoutPhase::Connect,
            attempts,
            ..
        } => assert_eq!(attempts, 3),
        other => panic!("expected a connect timeout, got {other:?}"),
    }
    assert!(
        took >= Duration::from_millis(600) && took < Duration::from_secs(3),
        "{took:?}"
    );
    drop(socket);
}
