//! `remix-bench`: measures `remix-client` against a hand-written `reqwest`
//! multipart call doing the same work, on loopback. Run through
//! `cargo xtask bench`, which builds it in release mode and adds the codegen
//! and cold-build timings.
//!
//! Subcommands (the xtask calls them; each prints Markdown):
//! - `sink`: a server that reads every body whole and answers the spec's
//!   200 envelope; prints its URL first.
//! - `latency URL`: per-request latency and throughput, ours vs
//!   hand-written, for 64 KiB, 1 MiB and 10 MiB, 1 and 16 in flight.
//! - `rss path|bytes FILE URL`: peak resident memory of one upload.
//! - `build`: `ImageRequest::build()` plus JSON serialization, ns per request.
//! - `make-image PATH SIZE`: writes a PNG-signed file of SIZE bytes.
//! - `count ours|hand N URL`: N sequential 64 KiB requests, for callgrind.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use remix_client::{AspectRatio, Client, ColorPalette, ImageFile, ImageRequest, Model, PalettePreset};

const KEY: &str = "bench-key";
const ENVELOPE: &str = r#"{"code":200,"message":"success","request_id":"req-1","data":{"task_id":"task-1","task_status":"SUBMITTED","created_at":1764000000,"updated_at":1764000000}}"#;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match args.as_slice() {
        ["sink"] => runtime.block_on(sink()),
        ["latency", url] => runtime.block_on(latency(url)),
        ["rss", mode, file, url] => runtime.block_on(rss(mode, file, url)),
        ["build"] => build_bench(),
        ["make-image", path, size] => {
            std::fs::write(path, image_bytes(size.parse().expect("a size"))).expect("the image file is written");
        }
        ["count", who, n, url] => runtime.block_on(count(who, n.parse().expect("a count"), url)),
        _ => {
            eprintln!("usage: remix-bench sink | latency URL | rss path|bytes FILE URL | build");
            std::process::exit(2);
        }
    }
}

async fn sink() {
    use axum::routing::post;
    let app = axum::Router::new()
        .route(
            "/ideogram/remix",
            post(|body: Bytes| async move {
                black_box(body.len());
                ([("content-type", "application/json")], ENVELOPE)
            }),
        )
        .layer(axum::extract::DefaultBodyLimit::disable());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    println!("http://{}", listener.local_addr().expect("address"));
    axum::serve(listener, app).await.expect("serve");
}

/// An image of `size` bytes: a PNG signature, then deterministic filler.
fn image_bytes(size: usize) -> Bytes {
    let mut v = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut x: u32 = 0x1234_5678;
    while v.len() < size {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        v.push(x as u8);
    }
    Bytes::from(v)
}

fn request() -> ImageRequest {
    ImageRequest::builder("a beautiful sunset over mountains")
        .aspect_ratio(AspectRatio::Ratio16x9)
        .model(Model::V2)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .seed(123_456)
        .build()
        .expect("a valid request")
}

#[derive(serde::Deserialize)]
#[allow(dead_code)]
struct Envelope {
    code: i64,
    message: String,
    request_id: String,
    data: serde_json::Value,
}

/// The practical floor: the same multipart request written by hand,
/// serializing the same request and decoding the same envelope.
async fn hand_written(http: &reqwest::Client, url: &str, request: &ImageRequest, image: &Bytes) -> Envelope {
    let json = serde_json::to_string(request).expect("a request serializes");
    let part = reqwest::multipart::Part::stream_with_length(reqwest::Body::from(image.clone()), image.len() as u64)
        .file_name("image.png")
        .mime_str("image/png")
        .expect("a mime type");
    let form = reqwest::multipart::Form::new()
        .text("image_request", json)
        .part("image_file", part);
    let response = http
        .post(format!("{url}/ideogram/remix"))
        .bearer_auth(KEY)
        .header("accept", "application/json")
        .multipart(form)
        .send()
        .await
        .expect("a response");
    assert!(response.status().is_success());
    let body = response.bytes().await.expect("a body");
    serde_json::from_slice(&body).expect("an envelope")
}

async fn ours(client: &Client, request: &ImageRequest, image: &Bytes) {
    let file = ImageFile::from_bytes(image.clone(), "image.png").expect("a PNG");
    let response = client.remix(request, file).await.expect("a response");
    assert!(response.task().is_some());
}

#[derive(Clone, Copy, PartialEq)]
enum Who {
    Ours,
    Hand,
}

/// Runs `total` requests with `concurrency` in flight; returns the
/// latencies and the wall time.
async fn round(
    who: Who,
    client: &Client,
    http: &reqwest::Client,
    url: &str,
    image: &Bytes,
    total: usize,
    concurrency: usize,
) -> (Vec<Duration>, Duration) {
    let request = request();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, http, url, image, request) = (
            client.clone(),
            http.clone(),
            url.to_string(),
            image.clone(),
            request.clone(),
        );
        let n = total / concurrency;
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(n);
            for _ in 0..n {
                let t = Instant::now();
                match who {
                    Who::Ours => ours(&client, &request, &image).await,
                    Who::Hand => {
                        black_box(hand_written(&http, &url, &request, &image).await);
                    }
                }
                latencies.push(t.elapsed());
            }
            latencies
        }));
    }
    let mut all = Vec::with_capacity(total);
    for task in tasks {
        all.extend(task.await.expect("a task"));
    }
    (all, started.elapsed())
}

fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_millis(10) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    }
}

/// The hand-written side's client: a careful call has the same timeouts
/// as ours (10 s to connect, 120 s per request).
fn careful_reqwest() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
        .expect("a client")
}

async fn latency(url: &str) {
    let client = Client::builder().api_key(KEY).base_url(url).build().expect("a client");
    let http = careful_reqwest();
    const ROUNDS: usize = 9;
    println!(
        "| image | in flight | requests | median latency ours | median latency hand-written | latency ratio (median, range) | throughput ours | throughput hand-written | throughput ratio (median, range) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    for (label, size, per_round) in [
        ("64 KiB", 64 * 1024, 512),
        ("1 MiB", 1024 * 1024, 128),
        ("10 MiB", 10 * 1024 * 1024, 32),
    ] {
        let image = image_bytes(size);
        for concurrency in [1usize, 16] {
            let total = per_round.max(concurrency);
            // Warm-up: connections, page cache, allocator.
            round(Who::Ours, &client, &http, url, &image, total, concurrency).await;
            round(Who::Hand, &client, &http, url, &image, total, concurrency).await;
            let (mut lat_ours, mut lat_hand) = (Vec::new(), Vec::new());
            let (mut wall_ours, mut wall_hand) = (Duration::ZERO, Duration::ZERO);
            let (mut lat_ratios, mut thr_ratios) = (Vec::new(), Vec::new());
            for r in 0..ROUNDS {
                // Alternate who goes first so drift hits both alike; compare
                // each round's pair, so slow phases of the machine cancel.
                let order = if r % 2 == 0 {
                    [Who::Ours, Who::Hand]
                } else {
                    [Who::Hand, Who::Ours]
                };
                let mut pair = [(Duration::ZERO, Duration::ZERO); 2];
                for who in order {
                    let (mut lat, wall) = round(who, &client, &http, url, &image, total, concurrency).await;
                    let m = median(&mut lat);
                    match who {
                        Who::Ours => {
                            pair[0] = (m, wall);
                            lat_ours.extend(lat);
                            wall_ours += wall;
                        }
                        Who::Hand => {
                            pair[1] = (m, wall);
                            lat_hand.extend(lat);
                            wall_hand += wall;
                        }
                    }
                }
                lat_ratios.push(pair[0].0.as_secs_f64() / pair[1].0.as_secs_f64());
                thr_ratios.push(pair[0].1.as_secs_f64() / pair[1].1.as_secs_f64());
            }
            let n = (total * ROUNDS) as f64;
            let (m_ours, m_hand) = (median(&mut lat_ours), median(&mut lat_hand));
            println!(
                "| {label} | {concurrency} | {total} x {ROUNDS} | {} | {} | {} | {:.0} req/s | {:.0} req/s | {} |",
                fmt_duration(m_ours),
                fmt_duration(m_hand),
                ratio_summary(&mut lat_ratios),
                n / wall_ours.as_secs_f64(),
                n / wall_hand.as_secs_f64(),
                ratio_summary(&mut thr_ratios),
            );
        }
    }
}

/// `median (min to max)` of paired ratios.
fn ratio_summary(ratios: &mut [f64]) -> String {
    ratios.sort_by(f64::total_cmp);
    format!(
        "{:.3} ({:.2} to {:.2})",
        ratios[ratios.len() / 2],
        ratios[0],
        ratios[ratios.len() - 1]
    )
}

/// `n` sequential 64 KiB requests by one side, for profilers
/// (`valgrind --tool=callgrind remix-bench count ours 1200 URL`).
async fn count(who: &str, n: usize, url: &str) {
    let client = Client::builder().api_key(KEY).base_url(url).build().expect("a client");
    let http = careful_reqwest();
    let image = image_bytes(64 * 1024);
    let who = if who == "ours" { Who::Ours } else { Who::Hand };
    round(who, &client, &http, url, &image, n, 1).await;
}

/// Peak resident set size so far (VmHWM), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

async fn rss(mode: &str, file: &str, url: &str) {
    let client = Client::builder().api_key(KEY).base_url(url).build().expect("a client");
    let request = request();
    // Warm up the client and the connection with a tiny upload first, so the
    // baseline holds everything but the file itself.
    let tiny = ImageFile::from_bytes(image_bytes(1024), "tiny.png").expect("a PNG");
    client.remix(&request, tiny).await.expect("warm-up");
    let before = peak_rss_kib();
    let image = match mode {
        "path" => ImageFile::from_path(file).await.expect("the file"),
        "bytes" => {
            let bytes = tokio::fs::read(file).await.expect("the file");
            ImageFile::from_bytes(bytes, "image.png").expect("a PNG")
        }
        other => panic!("unknown mode {other}"),
    };
    let size = image.len();
    client.remix(&request, image).await.expect("the upload");
    let after = peak_rss_kib();
    println!("{mode} {size} {before} {after}");
}

fn build_bench() {
    const N: u32 = 200_000;
    let mut full = Vec::new();
    let mut minimal = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..N {
            let r = ImageRequest::builder(black_box("a beautiful sunset over mountains"))
                .aspect_ratio(AspectRatio::Ratio16x9)
                .model(Model::V2)
                .color_palette(ColorPalette::preset(PalettePreset::Fresh))
                .seed(black_box(i))
                .num_images(2)
                .negative_prompt("blur")
                .build()
                .expect("valid");
            black_box(r.to_json());
        }
        full.push(t.elapsed() / N);
        let t = Instant::now();
        for _ in 0..N {
            let r = ImageRequest::builder(black_box("a cat")).build().expect("valid");
            black_box(r.to_json());
        }
        minimal.push(t.elapsed() / N);
    }
    println!(
        "| build + serialize, 7 fields set | {} ns |",
        median(&mut full).as_nanos()
    );
    println!(
        "| build + serialize, prompt only | {} ns |",
        median(&mut minimal).as_nanos()
    );
}
