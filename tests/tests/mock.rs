//! `remix-mock` as a contract check: one rejection per rule (status and
//! message), both success shapes, image serving, scripted faults, and a
//! property test that it answers every request the spec allows without 5xx.
//! Long because it is the contract's checklist, a test per family of rules
//! with its table of cases; one file is one test binary to link.

use proptest::prelude::*;
use remix_mock::{Fault, MockConfig};
use remix_tests::{png, png_size};
use reqwest::multipart::{Form, Part};

async fn start(config: MockConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(remix_mock::serve(listener, config));
    url
}

fn file(bytes: Vec<u8>, name: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/png")
        .unwrap()
}

fn form(request: &str) -> Form {
    Form::new()
        .text("image_request", request.to_string())
        .part("image_file", file(png(8, 8), "a.png"))
}

async fn post(url: &str, token: Option<&str>, form: Form) -> (u16, serde_json::Value) {
    let mut builder = reqwest::Client::new()
        .post(format!("{url}/ideogram/remix"))
        .multipart(form);
    if let Some(token) = token {
        builder = builder.bearer_auth(token);
    }
    let response = builder.send().await.unwrap();
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, body)
}

/// A rejection's status and the message that must name the problem.
async fn rejects(url: &str, token: Option<&str>, form: Form, status: u16, needle: &str) {
    let (got, body) = post(url, token, form).await;
    assert_eq!(got, status, "{body}");
    let message = body["message"].as_str().unwrap_or_default();
    assert!(message.contains(needle), "{needle:?} not in {message:?}");
    assert_eq!(body["code"], status, "the envelope shape: {body}");
}

#[tokio::test]
async fn rejections_of_the_token_and_the_body() {
    let url = start(MockConfig::default()).await;
    let ok = r#"{"prompt": "p"}"#;

    rejects(&url, None, form(ok), 401, "bearer token").await;
    rejects(&url, Some(" "), form(ok), 401, "bearer token").await;
    let plain = reqwest::Client::new()
        .post(format!("{url}/ideogram/remix"))
        .bearer_auth("key")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status().as_u16(), 400);
    let body: serde_json::Value = plain.json().await.unwrap();
    assert!(
        body["message"].as_str().unwrap().contains("multipart/form-data"),
        "{body}"
    );
}

#[tokio::test]
async fn rejections_of_the_parts() {
    let url = start(MockConfig::default()).await;
    let ok = r#"{"prompt": "p"}"#;
    let t = Some("key");

    rejects(
        &url,
        t,
        Form::new().part("image_file", file(png(8, 8), "a.png")),
        400,
        "missing part `image_request`",
    )
    .await;
    rejects(
        &url,
        t,
        Form::new().text("image_request", ok),
        400,
        "missing part `image_file`",
    )
    .await;
    rejects(&url, t, form(ok).text("mask", "x"), 400, "unknown part `mask`").await;
    rejects(
        &url,
        t,
        form(ok).text("image_request", ok),
        400,
        "part `image_request` is sent twice",
    )
    .await;
    rejects(
        &url,
        t,
        form("{not json"),
        400,
        "image_request: `image_request` must be valid JSON",
    )
    .await;
}

/// One rejection per rule of `image_request`.
#[tokio::test]
async fn rejections_of_the_request_rules() {
    let url = start(MockConfig::default()).await;
    let t = Some("key");
    let rules = [
        (r#"{"prompt": ""}"#, "`prompt` = \"\" must not be empty"),
        (r#"{"seed": 1}"#, "`prompt` is required"),
        (
            r#"{"prompt": "p", "num_images": 9}"#,
            "`num_images` = 9 must be between 1 and 8",
        ),
        (
            r#"{"prompt": "p", "image_weight": 0}"#,
            "`image_weight` = 0 must be between 1 and 100",
        ),
        (
            r#"{"prompt": "p", "seed": 2147483648}"#,
            "`seed` = 2147483648 must be between 0 and 2147483647",
        ),
        (
            r#"{"prompt": "p", "aspect_ratio": "ASPECT_1_1", "resolution": "RESOLUTION_1024_1024"}"#,
            "cannot be combined with `aspect_ratio`",
        ),
        (
            r#"{"prompt": "p", "model": "V_1", "resolution": "RESOLUTION_1024_1024"}"#,
            "`resolution` = \"RESOLUTION_1024_1024\" is not supported by model V_1",
        ),
        (
            r#"{"prompt": "p", "model": "V_1_TURBO", "style_type": "ANIME"}"#,
            "`style_type` = \"ANIME\" is not supported by model V_1_TURBO",
        ),
        (
            r#"{"prompt": "p", "model": "V_3", "negative_prompt": "x"}"#,
            "`negative_prompt` = \"x\" is not supported by model V_3",
        ),
        (
            r#"{"prompt": "p", "model": "V_2A", "color_palette": {"name": "FRESH"}}"#,
            "`color_palette` = {\"name\":\"FRESH\"} is not supported by model V_2A",
        ),
        (
            r##"{"prompt": "p", "color_palette": {"members": [{"color_hex": "red"}]}}"##,
            "`color_palette.members[0].color_hex` = \"red\" must be #RGB or #RRGGBB",
        ),
        (
            r##"{"prompt": "p", "color_palette": {"members": [{"color_hex": "#fff", "color_weight": 2}]}}"##,
            "`color_palette.members[0].color_weight` = 2 must be between 0.05 and 1",
        ),
        (
            r#"{"prompt": "p", "color_palette": {"members": []}}"#,
            "`color_palette.members` = 0 entries must have 1 to 8 entries",
        ),
        (
            r#"{"prompt": "p", "color_palette": {}}"#,
            "must have exactly one of `name` or `members`",
        ),
        (
            r#"{"prompt": "p", "promt": "x"}"#,
            "`promt` = \"x\" is not a field of image_request",
        ),
        (r#"{"prompt": "p", "seed": "1"}"#, "`seed` = \"1\" must be an integer"),
    ];
    for (request, needle) in rules {
        rejects(&url, t, form(request), 400, needle).await;
    }
}

#[tokio::test]
async fn rejections_of_the_image() {
    let url = start(MockConfig::default()).await;
    let ok = r#"{"prompt": "p"}"#;
    let t = Some("key");

    let gif = Form::new()
        .text("image_request", ok)
        .part("image_file", file(b"GIF89a-xxxxxx".to_vec(), "a.gif"));
    rejects(&url, t, gif, 400, "is not a PNG, JPEG or WebP image").await;
    let empty = Form::new()
        .text("image_request", ok)
        .part("image_file", file(Vec::new(), "e.png"));
    rejects(&url, t, empty, 400, "is empty").await;
    let mut big = png(8, 8);
    big.resize(10 * 1024 * 1024 + 1, 0);
    let big = Form::new()
        .text("image_request", ok)
        .part("image_file", file(big, "big.png"));
    rejects(&url, t, big, 400, "10485761 bytes; the API takes at most 10485760").await;
    let garbage = Form::new().text("image_request", ok).part(
        "image_file",
        file(b"\x89PNG\r\n\x1a\n but no image".to_vec(), "bad.png"),
    );
    rejects(&url, t, garbage, 400, "`image_file` cannot be decoded").await;
}

#[tokio::test]
async fn only_the_configured_key_is_accepted() {
    let url = start(MockConfig {
        api_key: Some("right".into()),
        ..MockConfig::default()
    })
    .await;
    rejects(&url, Some("wrong"), form(r#"{"prompt": "p"}"#), 401, "bearer token").await;
    let (status, _) = post(&url, Some("right"), form(r#"{"prompt": "p"}"#)).await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn task_envelope_is_deterministic_with_a_seed() {
    let url = start(MockConfig {
        seed: Some(42),
        ..MockConfig::default()
    })
    .await;
    let (status, body) = post(&url, Some("k"), form(r#"{"prompt": "p"}"#)).await;
    assert_eq!(status, 200);
    assert_eq!(
        body,
        serde_json::json!({
            "code": 200, "message": "success", "request_id": "req-42-0000",
            "data": {"task_id": "task-42-0000", "task_status": "SUBMITTED", "created_at": 1764000000u64, "updated_at": 1764000000u64}
        })
    );
}

#[tokio::test]
async fn native_images_are_served_at_the_requested_size() {
    let url = start(MockConfig {
        native: true,
        seed: Some(1),
        ..MockConfig::default()
    })
    .await;
    let request = r#"{"prompt": "p", "resolution": "RESOLUTION_1536_640", "num_images": 2, "seed": 9}"#;
    let (status, body) = post(&url, Some("k"), form(request)).await;
    assert_eq!(status, 200);
    let data = body["data"].as_array().unwrap();
    assert_eq!(data.len(), 2);
    assert_eq!(
        (data[0]["seed"].as_u64(), data[1]["seed"].as_u64()),
        (Some(9), Some(10))
    );
    let link = data[1]["url"].as_str().unwrap();
    assert!(link.starts_with(&url), "{link}");
    let image = reqwest::get(link).await.unwrap();
    assert_eq!(image.headers()["content-type"], "image/png");
    assert_eq!(png_size(&image.bytes().await.unwrap()), Some((1536, 640)));
    let missing = reqwest::get(format!("{url}/images/nope.png")).await.unwrap();
    assert_eq!(missing.status().as_u16(), 404);
}

/// White on the left half, black on the right.
fn halves() -> Vec<u8> {
    remix_mock::render::png(64, 32, |x, _| if x < 32 { [255; 3] } else { [0; 3] })
}

/// The mean brightness of the left and right halves of a PNG.
fn half_brightness(png: &[u8]) -> (f64, f64) {
    let image = remix_mock::render::decode(png).unwrap();
    let (w, h) = (image.width(), image.height());
    // Rec. 709 luma, as image editors weigh the channels.
    let luma = |[r, g, b]: [u8; 3]| 0.2126 * f64::from(r) + 0.7152 * f64::from(g) + 0.0722 * f64::from(b);
    let mean = |xs: std::ops::Range<u32>| {
        let n = f64::from((xs.end - xs.start) * h);
        xs.flat_map(|x| (0..h).map(move |y| (x, y)))
            .map(|(x, y)| luma(image.get_pixel(x, y)))
            .sum::<f64>()
            / n
    };
    (mean(0..w / 2), mean(w / 2..w))
}

async fn remix_halves(url: &str, request: &str) -> Vec<String> {
    let form = Form::new()
        .text("image_request", request.to_string())
        .part("image_file", file(halves(), "halves.png"));
    let (status, body) = post(url, Some("k"), form).await;
    assert_eq!(status, 200, "{body}");
    body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["url"].as_str().unwrap().to_string())
        .collect()
}

/// The mock's images are remixes of the upload: what was bright stays
/// bright, and the same request and seed give the same bytes.
#[tokio::test]
async fn native_images_come_from_the_uploaded_image() {
    let config = MockConfig {
        native: true,
        ..MockConfig::default()
    };
    let (first, second) = (start(config.clone()).await, start(config).await);
    let request = r#"{"prompt": "p", "aspect_ratio": "ASPECT_16_9", "seed": 5, "num_images": 2,
                      "style_type": "DESIGN", "color_palette": {"name": "MAGIC"}}"#;
    let links = remix_halves(&first, request).await;
    let a = reqwest::get(&links[0]).await.unwrap().bytes().await.unwrap();
    let b = reqwest::get(&links[1]).await.unwrap().bytes().await.unwrap();
    let (left, right) = half_brightness(&a);
    assert!(left > right + 60.0, "left {left} right {right}");
    assert_ne!(a, b, "each image of a request has its own seed");
    let again = remix_halves(&second, request).await;
    let a_again = reqwest::get(&again[0]).await.unwrap().bytes().await.unwrap();
    assert_eq!(a, a_again, "the same request and seed give the same bytes");
}

/// Native links carry `exp` and `sig` like Ideogram's; past `exp` they
/// answer 410, and an edited `exp` is refused.
#[tokio::test]
async fn native_links_expire() {
    let fresh = start(MockConfig {
        native: true,
        ..MockConfig::default()
    })
    .await;
    let link = remix_halves(&fresh, r#"{"prompt": "p"}"#).await.remove(0);
    let exp: u64 = link
        .split("exp=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    assert!((now + 86_390..=now + 86_410).contains(&exp), "24 hours: {link}");
    assert!(link.contains("&sig="), "{link}");
    let edited = link.replace(&format!("exp={exp}"), &format!("exp={}", exp + 3600));
    assert_eq!(reqwest::get(&edited).await.unwrap().status().as_u16(), 403);

    let expired = start(MockConfig {
        native: true,
        link_ttl: 0,
        ..MockConfig::default()
    })
    .await;
    let link = remix_halves(&expired, r#"{"prompt": "p"}"#).await.remove(0);
    let gone = reqwest::get(&link).await.unwrap();
    assert_eq!(gone.status().as_u16(), 410);
    assert!(gone.text().await.unwrap().contains("expired"));
}

/// `--latency` delays every answer; `GET /mock/log` lists every remix
/// request with its status and upload, charged or not.
#[tokio::test]
async fn latency_and_the_request_log() {
    let url = start(MockConfig {
        latency: std::time::Duration::from_millis(300),
        faults: vec!["429:1".parse().unwrap()],
        ..MockConfig::default()
    })
    .await;
    let started = std::time::Instant::now();
    let (first, _) = post(&url, Some("k"), form(r#"{"prompt": "p"}"#)).await;
    let (second, _) = post(&url, Some("k"), form(r#"{"prompt": "p"}"#)).await;
    assert_eq!((first, second), (429, 200));
    assert!(
        started.elapsed() >= std::time::Duration::from_millis(600),
        "{:?}",
        started.elapsed()
    );
    let log: serde_json::Value = reqwest::get(format!("{url}/mock/log"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let entries = log.as_array().unwrap();
    assert_eq!(entries.len(), 2);
    assert_eq!(
        (entries[0]["n"].as_u64(), entries[0]["status"].as_u64()),
        (Some(0), Some(429))
    );
    assert_eq!(entries[1]["status"], 200);
    assert_eq!(entries[1]["file_name"], "a.png");
    assert_eq!(entries[1]["image_hash"].as_str().map(str::len), Some(16));
}

/// `--jitter` adds a delay drawn per request (from its number and the
/// seed, so a seeded run repeats), up to the bound given.
#[tokio::test]
async fn jitter_varies_the_delay_within_its_bound() {
    let url = start(MockConfig {
        jitter: std::time::Duration::from_millis(400),
        seed: Some(1),
        ..MockConfig::default()
    })
    .await;
    let mut took = Vec::new();
    for _ in 0..6 {
        let started = std::time::Instant::now();
        let (status, _) = post(&url, Some("k"), form(r#"{"prompt": "p"}"#)).await;
        assert_eq!(status, 200);
        took.push(started.elapsed());
    }
    let (least, most) = (took.iter().min().unwrap(), took.iter().max().unwrap());
    assert!(
        *most - *least >= std::time::Duration::from_millis(50),
        "the delays vary: {took:?}"
    );
    assert!(
        *most < std::time::Duration::from_millis(400 + 500),
        "at most the jitter, plus the remix itself: {took:?}"
    );
}

#[tokio::test]
async fn scripted_faults_come_first_in_order() {
    let url = start(MockConfig {
        faults: vec![Fault { status: 503, count: 1 }, Fault { status: 429, count: 2 }],
        retry_after: 3,
        ..MockConfig::default()
    })
    .await;
    let mut seen = Vec::new();
    for _ in 0..4 {
        let response = reqwest::Client::new()
            .post(format!("{url}/ideogram/remix"))
            .bearer_auth("k")
            .multipart(form(r#"{"prompt": "p"}"#))
            .send()
            .await
            .unwrap();
        let retry_after = response
            .headers()
            .get("retry-after")
            .map(|v| v.to_str().unwrap().to_string());
        seen.push((response.status().as_u16(), retry_after));
    }
    assert_eq!(
        seen,
        vec![
            (503, Some("3".into())),
            (429, Some("3".into())),
            (429, Some("3".into())),
            (200, None)
        ]
    );
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// What the spec allows: both parts optional, `image_request` any
    /// string, `image_file` any bytes. The mock answers all of it with 2xx
    /// or 4xx, never 5xx.
    #[test]
    fn the_mock_never_answers_5xx(
        request in prop::option::of(prop_oneof![
            "\\PC{0,60}",
            Just(r#"{"prompt": "p"}"#.to_string()),
            Just(r#"{"prompt": "p", "model": "V_4", "resolution": "RESOLUTION_1024_1024", "num_images": 8}"#.to_string()),
        ]),
        file_bytes in prop::option::of(prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64),
            Just(png(4, 4)),
        ]),
        file_name in "[a-z./\\\\\"]{0,12}",
        native in any::<bool>(),
    ) {
        let rt = runtime();
        let status = rt.block_on(async {
            let url = start(MockConfig { native, ..MockConfig::default() }).await;
            let mut form = Form::new();
            if let Some(r) = request {
                form = form.text("image_request", r);
            }
            if let Some(b) = file_bytes {
                form = form.part("image_file", Part::bytes(b).file_name(file_name));
            }
            post(&url, Some("k"), form).await.0
        });
        prop_assert!((200..500).contains(&status), "status {}", status);
    }
}

/// A valid request drawn from remix-client's rule table: a known model,
/// and each model-dependent field only where that model takes it; every
/// number within its limit. `resolution` and `aspect_ratio` exclude each
/// other, so one of them at most.
fn valid_request() -> impl Strategy<Value = String> {
    use remix_client::{AspectRatio, ImageRequest, Model, ModelField, PalettePreset, Resolution, StyleType, limits};
    let pick = |known: &'static [&'static str]| prop::sample::select(known.to_vec());
    (
        pick(Model::KNOWN),
        prop::option::of(prop_oneof![
            pick(AspectRatio::KNOWN).prop_map(|a| (true, a)),
            pick(Resolution::KNOWN).prop_map(|r| (false, r)),
        ]),
        prop::option::of(1u32..=2),
        prop::option::of(0..=limits::MAX_SEED),
        prop::option::of(limits::IMAGE_WEIGHT),
        prop::option::of(pick(StyleType::KNOWN)),
        prop::option::of(pick(PalettePreset::KNOWN)),
        prop::option::of("[a-z ]{1,20}"),
    )
        .prop_map(|(model, shape, n, seed, weight, style, palette, negative)| {
            let model = Model::from(model);
            let takes = |field| model.takes(field) == Some(true);
            let mut b = ImageRequest::builder("a valley at dawn").model(model.clone());
            match shape {
                Some((true, aspect)) => b = b.aspect_ratio(aspect),
                Some((false, resolution)) if takes(ModelField::Resolution) => b = b.resolution(resolution),
                _ => {}
            }
            if let Some(n) = n {
                b = b.num_images(n);
            }
            if let Some(seed) = seed {
                b = b.seed(seed);
            }
            if let Some(weight) = weight {
                b = b.image_weight(weight);
            }
            if let Some(style) = style.filter(|_| takes(ModelField::StyleType)) {
                b = b.style_type(style);
            }
            if let Some(preset) = palette.filter(|_| takes(ModelField::ColorPalette)) {
                b = b.color_palette(remix_client::ColorPalette::preset(PalettePreset::from(preset)));
            }
            if let Some(negative) = negative.filter(|_| takes(ModelField::NegativePrompt)) {
                b = b.negative_prompt(negative);
            }
            b.build()
                .expect("a request drawn from the rule table is valid")
                .to_json()
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Every valid request (drawn from the rule table) reaches the mock's
    /// render path: a 200 with as many images as asked for, never a 5xx.
    #[test]
    fn the_mock_renders_every_valid_request(request in valid_request(), native in any::<bool>()) {
        let rt = runtime();
        let asked: u64 = serde_json::from_str::<serde_json::Value>(&request).unwrap()["num_images"]
            .as_u64()
            .unwrap_or(1);
        let (status, body) = rt.block_on(async {
            let url = start(MockConfig { native, ..MockConfig::default() }).await;
            let form = Form::new()
                .text("image_request", request.clone())
                .part("image_file", Part::bytes(png(4, 4)).file_name("a.png"));
            post(&url, Some("k"), form).await
        });
        prop_assert_eq!(status, 200, "{} -> {}", request, body);
        if native {
            prop_assert_eq!(body["data"].as_array().map(Vec::len), Some(asked as usize), "{}", body);
        } else {
            prop_assert!(body["data"]["task_id"].is_string(), "{}", body);
        }
    }
}
