//! Every multipart part kind on the wire, as a server reads it: the client
//! generated from `xtask/fixtures/multipart.yaml` sends to a recording
//! server on 127.0.0.1, which parses the body. Parts are compared by name,
//! not by order.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use multipart_fixture_client::multipart::{FilePart, PutDocumentsBody, SearchMultipartBody, UploadPhotosBody};
use multipart_fixture_client::{Client, Error, types};
use remix_tests::{Part, Recorded, Reply, TestServer, png};
use serde_json::json;

fn client(server: &TestServer) -> Client {
    Client::new_with_bearer_token(&server.url(), "fixture-token", reqwest::Client::builder()).unwrap()
}

/// The parts of a recorded request, by name, each name's parts in order.
fn parts_by_name(request: &Recorded) -> BTreeMap<String, Vec<Part>> {
    let mut by_name: BTreeMap<String, Vec<Part>> = BTreeMap::new();
    for part in request.parts() {
        by_name.entry(part.name.clone()).or_default().push(part);
    }
    by_name
}

fn text_of(parts: &BTreeMap<String, Vec<Part>>, name: &str) -> Vec<String> {
    parts[name].iter().map(|p| p.text().to_string()).collect()
}

/// A stream of `chunks` that counts every byte it yields, so a test can
/// tell the file was read once, as it went out.
struct CountingStream {
    chunks: std::vec::IntoIter<bytes::Bytes>,
    yielded: Arc<AtomicU64>,
}

impl futures_core::Stream for CountingStream {
    type Item = Result<bytes::Bytes, std::io::Error>;
    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        _: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Self::Item>> {
        let next = self.chunks.next();
        if let Some(chunk) = &next {
            self.yielded.fetch_add(chunk.len() as u64, Ordering::SeqCst);
        }
        std::task::Poll::Ready(next.map(Ok))
    }
}

fn streamed(content: &[u8], yielded: &Arc<AtomicU64>) -> FilePart {
    let chunks: Vec<bytes::Bytes> = content.chunks(7).map(bytes::Bytes::copy_from_slice).collect();
    let stream = CountingStream {
        chunks: chunks.into_iter(),
        yielded: yielded.clone(),
    };
    FilePart::from_stream(stream, content.len() as u64)
}

fn every_kind(photos: Vec<FilePart>) -> UploadPhotosBody {
    UploadPhotosBody {
        cover: FilePart::from_bytes(png(2, 2))
            .file_name("cover.png")
            .content_type("image/png"),
        thumbnail: None,
        photos,
        extras: None,
        title: "Holiday at the sea".into(),
        caption: Some("*sun* and sand".into()),
        count: 2,
        total_bytes: Some(5_000_000_000),
        ratio: 1.5,
        public: true,
        mood: types::Mood::Bold,
        light: Some(types::PhotoUploadLight::Night),
        tags: vec!["beach".into(), "sea".into(), "été".into()],
        settings: types::Settings {
            quality: 90,
            labels: vec!["best".into()],
        },
        layout: Some(types::PhotoUploadLayout { columns: Some(3) }),
        palette: Some(types::Palette::Name("EMBER".into())),
        size: Some(types::PhotoUploadSize::Integer(1024)),
        raw_json: Some("as json".into()),
    }
}

/// The request line, headers and framing of the recorded upload.
fn assert_request_head(request: &Recorded) {
    assert_eq!(
        request.path, "/albums/album%201%2F2/photos?notify=true",
        "path and query parameters"
    );
    assert_eq!(request.header("x-request-tag"), Some("tag-7"), "a header parameter");
    assert_eq!(request.header("authorization"), Some("Bearer fixture-token"));
    assert_eq!(request.header("accept"), Some("application/json"));
    let length: usize = request
        .header("content-length")
        .expect("a known length")
        .parse()
        .unwrap();
    assert_eq!(length, request.body.len());
    assert_eq!(
        request.header("transfer-encoding"),
        None,
        "streamed files keep a Content-Length"
    );
}

/// A single file and an array of files (repeated parts, in order).
fn assert_files(parts: &BTreeMap<String, Vec<Part>>) {
    let cover = &parts["cover"][0];
    assert_eq!(
        (cover.file_name.as_deref(), cover.content_type.as_deref()),
        (Some("cover.png"), Some("image/png"))
    );
    assert_eq!(cover.body, png(2, 2));
    let photos = &parts["photos"];
    assert_eq!(photos.len(), 2);
    assert_eq!(
        (photos[0].file_name.as_deref(), photos[0].content_type.as_deref()),
        (Some("a.jpg"), Some("image/jpeg"))
    );
    assert_eq!(photos[0].body, b"first photo bytes, streamed");
    assert_eq!(
        (photos[1].file_name.as_deref(), photos[1].content_type.as_deref()),
        (Some("b.webp"), Some("application/octet-stream")),
        "a file without a type goes as octet-stream"
    );
    assert_eq!(photos[1].body, b"second photo");
}

/// Scalars and enums as plain text, arrays of scalars as repeated parts,
/// a text part with the spec's content type.
fn assert_text_parts(parts: &BTreeMap<String, Vec<Part>>) {
    for (name, value) in [
        ("title", "Holiday at the sea"),
        ("count", "2"),
        ("total_bytes", "5000000000"),
        ("ratio", "1.5"),
        ("public", "true"),
        ("mood", "BOLD"),
        ("light", "NIGHT"),
        ("size", "1024"),
    ] {
        assert_eq!(text_of(parts, name), vec![value], "{name}");
        assert_eq!(parts[name][0].content_type, None, "{name} is plain text");
        assert_eq!(parts[name][0].file_name, None, "{name} is no file");
    }
    assert_eq!(text_of(parts, "caption"), vec!["*sun* and sand"]);
    assert_eq!(parts["caption"][0].content_type.as_deref(), Some("text/markdown"));
    assert_eq!(text_of(parts, "tags"), vec!["beach", "sea", "été"]);
}

/// Objects, oneOf and encoding-JSON parts: one part holding the JSON.
fn assert_json_parts(parts: &BTreeMap<String, Vec<Part>>) {
    for (name, json) in [
        ("settings", json!({"quality": 90, "labels": ["best"]})),
        ("layout", json!({"columns": 3})),
        ("palette", json!({"name": "EMBER"})),
        ("raw_json", json!("as json")),
    ] {
        let part = &parts[name][0];
        assert_eq!(part.content_type.as_deref(), Some("application/json"), "{name}");
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&part.body).unwrap(),
            json,
            "{name}"
        );
    }
}

#[tokio::test]
async fn every_part_kind_goes_out_as_a_server_reads_it() {
    let server = TestServer::always(Reply::json(200, json!({"stored": 2}))).await;
    let yielded = Arc::new(AtomicU64::new(0));
    let photos = vec![
        streamed(b"first photo bytes, streamed", &yielded)
            .file_name("a.jpg")
            .content_type("image/jpeg"),
        streamed(b"second photo", &yielded).file_name("b.webp"),
    ];
    let answer = client(&server)
        .upload_photos("album 1/2", Some(true), Some("tag-7"), every_kind(photos))
        .await
        .unwrap();
    assert_eq!(answer.into_inner().stored, 2);

    let request = &server.requests()[0];
    assert_request_head(request);
    let stream_bytes = (b"first photo bytes, streamed".len() + b"second photo".len()) as u64;
    assert_eq!(
        yielded.load(Ordering::SeqCst),
        stream_bytes,
        "each streamed file was read once"
    );
    let parts = parts_by_name(request);
    let names: Vec<&str> = parts.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        vec![
            "caption",
            "count",
            "cover",
            "layout",
            "light",
            "mood",
            "palette",
            "photos",
            "public",
            "ratio",
            "raw_json",
            "settings",
            "size",
            "tags",
            "title",
            "total_bytes"
        ],
        "unset optional parts (thumbnail, extras) are not sent"
    );
    assert_files(&parts);
    assert_text_parts(&parts);
    assert_json_parts(&parts);
}

#[tokio::test]
async fn a_request_built_unsent_goes_out_the_same_through_another_client() {
    let server = TestServer::always(Reply::json(200, json!({"stored": 2}))).await;
    let photos = vec![
        FilePart::from_bytes(b"first photo bytes, streamed".to_vec())
            .file_name("a.jpg")
            .content_type("image/jpeg"),
        FilePart::from_bytes(b"second photo".to_vec()).file_name("b.webp"),
    ];
    // Built by a client without credentials; the caller adds its own and
    // sends it with a client of its own.
    let builder = Client::new(&server.url());
    let mut request = builder
        .upload_photos_request("album 1/2", Some(true), Some("tag-7"), every_kind(photos))
        .unwrap();
    request
        .headers_mut()
        .insert("authorization", "Bearer fixture-token".parse().unwrap());
    let response = reqwest::Client::new().execute(request).await.unwrap();
    assert_eq!(response.status(), 200);

    let request = &server.requests()[0];
    assert_request_head(request);
    let parts = parts_by_name(request);
    assert_files(&parts);
    assert_text_parts(&parts);
    assert_json_parts(&parts);
}

#[tokio::test]
async fn an_any_of_part_goes_as_the_variant_it_holds() {
    let server = TestServer::always(Reply::json(200, json!({"stored": 1}))).await;
    let mut body = every_kind(vec![FilePart::from_bytes(&b"p"[..])]);
    body.size = Some(types::PhotoUploadSize::String("large".into()));
    body.palette = Some(types::Palette::Colors(vec!["#FF0000".into()]));
    client(&server).upload_photos("a", None, None, body).await.unwrap();
    let request = &server.requests()[0];
    assert_eq!(request.path, "/albums/a/photos", "an unset query parameter is not sent");
    assert_eq!(request.header("x-request-tag"), None);
    let parts = parts_by_name(request);
    assert_eq!(text_of(&parts, "size"), vec!["large"]);
    let palette: serde_json::Value = serde_json::from_slice(&parts["palette"][0].body).unwrap();
    assert_eq!(palette, json!({"colors": ["#FF0000"]}));
}

#[tokio::test]
async fn typed_and_bodiless_errors_keep_their_status() {
    let server = TestServer::start(
        vec![Reply::json(422, json!({"message": "unreadable image"}))],
        Reply::raw(400, "text/plain", ""),
    )
    .await;
    let client = client(&server);
    match client.upload_photos("a", None, None, every_kind(Vec::new())).await {
        Err(Error::ErrorResponse(problem)) => {
            assert_eq!(problem.status().as_u16(), 422);
            assert_eq!(problem.into_inner().message, "unreadable image");
        }
        other => panic!("expected the typed 422, got {other:?}"),
    }
    match client.upload_photos("a", None, None, every_kind(Vec::new())).await {
        Err(Error::UnexpectedResponse(response)) => assert_eq!(response.status().as_u16(), 400),
        other => panic!("expected the bodiless 400 as an unexpected response, got {other:?}"),
    }
    let raw = client
        .upload_photos_raw("a", None, None, every_kind(Vec::new()))
        .await
        .expect("the raw method returns any status");
    assert_eq!(raw.status().as_u16(), 400);
}

#[tokio::test]
async fn an_inline_body_without_an_operation_id() {
    let server = TestServer::always(Reply::json(201, json!({"id": "d1", "pages": 3}))).await;
    let body = PutDocumentsBody {
        file: FilePart::from_bytes(&b"%PDF-1.7"[..]).file_name("report.pdf"),
        note: Some("# Q3".into()),
        page_limit: Some(10),
        public: None,
    };
    let document = client(&server).put_documents(body).await.unwrap().into_inner();
    assert_eq!((document.id.as_str(), document.pages), ("d1", 3));
    let request = &server.requests()[0];
    assert_eq!((request.method.as_str(), request.path.as_str()), ("PUT", "/documents"));
    let parts = parts_by_name(request);
    assert_eq!(parts.keys().collect::<Vec<_>>(), vec!["file", "note", "page-limit"]);
    assert_eq!(
        text_of(&parts, "page-limit"),
        vec!["10"],
        "the part keeps the spec's name"
    );
    assert_eq!(parts["note"][0].content_type.as_deref(), Some("text/markdown"));
}

/// An operation offering multipart and JSON gets both methods: `search`
/// sends JSON, `search_multipart` the same operation as multipart.
#[tokio::test]
async fn an_operation_with_json_and_multipart_bodies_gets_both() {
    let server = TestServer::always(Reply::json(200, json!({"id": "d2", "pages": 1}))).await;
    let client = client(&server);
    let query = types::SearchQuery {
        query: "cats".into(),
        example: None,
        filters: Some(types::SearchQueryFilters { year: Some(2026) }),
    };
    client.search(&query).await.unwrap();
    let body = SearchMultipartBody {
        query: "cats".into(),
        example: Some(FilePart::from_bytes(png(1, 1)).file_name("cat.png")),
        filters: Some(types::SearchQueryFilters { year: Some(2026) }),
    };
    client.search_multipart(body).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests[0].header("content-type"), Some("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(json, json!({"query": "cats", "filters": {"year": 2026}}));

    assert!(
        requests[1]
            .header("content-type")
            .unwrap()
            .starts_with("multipart/form-data; boundary=")
    );
    let parts = parts_by_name(&requests[1]);
    assert_eq!(text_of(&parts, "query"), vec!["cats"]);
    assert_eq!(parts["example"][0].file_name.as_deref(), Some("cat.png"));
    assert_eq!(parts["filters"][0].content_type.as_deref(), Some("application/json"));
    assert_eq!(requests[0].path, requests[1].path);
}

#[tokio::test]
async fn the_api_key_constructor_sends_its_header() {
    let server = TestServer::always(Reply::json(200, json!({"ok": true}))).await;
    let client = Client::new_with_api_key(&server.url(), "k-123", reqwest::Client::builder()).unwrap();
    client.health().await.unwrap();
    assert_eq!(server.requests()[0].header("x-api-key"), Some("k-123"));
}

mod openapi_31 {
    //! The client generated from `xtask/fixtures/multipart-3.1.yaml` (an
    //! OpenAPI 3.1 spec with the corpus' shapes) on the wire.

    use multipart_fixture_client::v31::multipart::{CreateImagesBody, FilePart};
    use multipart_fixture_client::v31::{Client, Error, types};
    use remix_tests::{Reply, TestServer, png};
    use serde_json::json;

    use super::{parts_by_name, text_of};

    fn client(server: &TestServer) -> Client {
        Client::new_with_bearer_token(&server.url(), "t", reqwest::Client::builder()).unwrap()
    }

    fn body(images: Vec<FilePart>) -> CreateImagesBody {
        CreateImagesBody {
            prompt: "a red kite".into(),
            size: Some(types::CreateImagesBodySize::X1365x1024),
            images,
            mask: Some(FilePart::from_bytes(&b"mask bytes"[..]).file_name("mask.bin")),
            strength: None,
            kind: types::CreateImagesBodyKind::Raster,
        }
    }

    /// An `allOf` body (a `$ref` and an inline object) goes out as one set
    /// of parts; `contentMediaType` properties are file parts, the array
    /// one file part per item; the path and query parameters are set.
    #[tokio::test]
    async fn an_all_of_body_with_3_1_file_parts_and_a_path_parameter() {
        let server = TestServer::always(Reply::json(200, json!({"credits": 4}))).await;
        let images = vec![
            FilePart::from_bytes(png(2, 2))
                .file_name("one.png")
                .content_type("image/png"),
            FilePart::from_bytes(&b"second"[..]).file_name("two.png"),
        ];
        let answer = client(&server)
            .create_images("style 7/a", Some(types::CreateImagesBilling::Api), body(images))
            .await
            .unwrap();
        assert_eq!(
            answer.into_inner().credits.get(),
            4,
            "exclusiveMinimum 0 types it NonZero"
        );

        let request = &server.requests()[0];
        assert_eq!(request.method, "POST");
        assert_eq!(request.path, "/styles/style%207%2Fa/images?billing=api");
        let parts = parts_by_name(request);
        assert_eq!(
            parts.keys().collect::<Vec<_>>(),
            vec!["images", "kind", "mask", "prompt", "size"],
            "the unset nullable strength is not sent"
        );
        assert_eq!(text_of(&parts, "prompt"), vec!["a red kite"], "from the $ref'd member");
        assert_eq!(text_of(&parts, "size"), vec!["1365x1024"]);
        assert_eq!(text_of(&parts, "kind"), vec!["raster"], "the const");
        let images = &parts["images"];
        assert_eq!(images.len(), 2, "one part per file");
        assert_eq!(images[0].file_name.as_deref(), Some("one.png"));
        assert_eq!(images[0].content_type.as_deref(), Some("image/png"));
        assert_eq!(images[0].body, png(2, 2));
        assert_eq!(images[1].body, b"second");
        assert_eq!(parts["mask"][0].file_name.as_deref(), Some("mask.bin"));
        assert_eq!(parts["mask"][0].body, b"mask bytes");
    }

    /// Error bodies of two shapes are one type: the caller matches on the
    /// shape, and the status is kept.
    #[tokio::test]
    async fn error_bodies_of_two_shapes_are_told_apart_by_shape_and_status() {
        let server = TestServer::start(
            vec![Reply::json(
                422,
                json!({"detail": [{"loc": ["body", "images"], "msg": "required"}]}),
            )],
            Reply::json(503, json!({"error": "busy", "retry": true})),
        )
        .await;
        let client = client(&server);
        match client.create_images("s", None, body(Vec::new())).await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 422);
                match e.into_inner() {
                    types::CreateImagesErrorBody::Invalid(invalid) => {
                        assert_eq!(invalid.detail[0].msg.as_deref(), Some("required"))
                    }
                    other => panic!("expected the validation shape, got {other:?}"),
                }
            }
            other => panic!("expected a typed 422, got {other:?}"),
        }
        match client.create_images("s", None, body(Vec::new())).await {
            Err(Error::ErrorResponse(e)) => {
                assert_eq!(e.status().as_u16(), 503);
                match e.into_inner() {
                    types::CreateImagesErrorBody::Failure(failure) => {
                        assert_eq!((failure.error.as_str(), failure.retry), ("busy", true))
                    }
                    other => panic!("expected the failure shape, got {other:?}"),
                }
            }
            other => panic!("expected a typed 503, got {other:?}"),
        }
    }
}
