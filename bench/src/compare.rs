//! Ours against the practical floor: `remix-client` and a hand-written
//! `reqwest` multipart call doing the same work against the sink, for
//! latency, throughput and (under callgrind) instructions.

use std::hint::black_box;
use std::time::{Duration, Instant};

use bytes::Bytes;
use remix_client::{Client, ImageFile, ImageRequest};

use crate::timing::{fmt_duration, median};
use crate::{KEY, image_bytes, request};

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

/// The hand-written side's client: a careful call has the same timeouts
/// as ours (10 s to connect, 120 s per request).
fn careful_reqwest() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(120))
        .build()
        .expect("a client")
}

/// One side's latencies and wall time over the measured rounds.
#[derive(Default)]
struct Tally {
    latencies: Vec<Duration>,
    wall: Duration,
}

/// Both sides over [`ROUNDS`] paired rounds of `total` requests at
/// `concurrency`, and the per-round ratios (ours / hand-written) of the
/// median latency and of the wall time.
struct Comparison {
    ours: Tally,
    hand: Tally,
    latency_ratios: Vec<f64>,
    wall_ratios: Vec<f64>,
}

const ROUNDS: usize = 9;

async fn compare(
    client: &Client,
    http: &reqwest::Client,
    url: &str,
    image: &Bytes,
    total: usize,
    concurrency: usize,
) -> Comparison {
    // Warm-up: connections, page cache, allocator.
    round(Who::Ours, client, http, url, image, total, concurrency).await;
    round(Who::Hand, client, http, url, image, total, concurrency).await;
    let mut comparison = Comparison {
        ours: Tally::default(),
        hand: Tally::default(),
        latency_ratios: Vec::new(),
        wall_ratios: Vec::new(),
    };
    for round_index in 0..ROUNDS {
        // Alternate who goes first so drift hits both alike; compare each
        // round's pair, so slow phases of the machine cancel.
        let order = if round_index % 2 == 0 {
            [Who::Ours, Who::Hand]
        } else {
            [Who::Hand, Who::Ours]
        };
        let mut pair = [(Duration::ZERO, Duration::ZERO); 2];
        for who in order {
            let (mut latencies, wall) = round(who, client, http, url, image, total, concurrency).await;
            let (slot, tally) = match who {
                Who::Ours => (0, &mut comparison.ours),
                Who::Hand => (1, &mut comparison.hand),
            };
            pair[slot] = (median(&mut latencies), wall);
            tally.latencies.extend(latencies);
            tally.wall += wall;
        }
        comparison
            .latency_ratios
            .push(pair[0].0.as_secs_f64() / pair[1].0.as_secs_f64());
        comparison
            .wall_ratios
            .push(pair[0].1.as_secs_f64() / pair[1].1.as_secs_f64());
    }
    comparison
}

pub async fn latency(url: &str) {
    let client = Client::builder().api_key(KEY).base_url(url).build().expect("a client");
    let http = careful_reqwest();
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
            let mut comparison = compare(&client, &http, url, &image, total, concurrency).await;
            let requests = (total * ROUNDS) as f64;
            println!(
                "| {label} | {concurrency} | {total} x {ROUNDS} | {} | {} | {} | {:.0} req/s | {:.0} req/s | {} |",
                fmt_duration(median(&mut comparison.ours.latencies)),
                fmt_duration(median(&mut comparison.hand.latencies)),
                ratio_summary(&mut comparison.latency_ratios),
                requests / comparison.ours.wall.as_secs_f64(),
                requests / comparison.hand.wall.as_secs_f64(),
                ratio_summary(&mut comparison.wall_ratios),
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
pub async fn count(who: &str, n: usize, url: &str) {
    let client = Client::builder().api_key(KEY).base_url(url).build().expect("a client");
    let http = careful_reqwest();
    let image = image_bytes(64 * 1024);
    let who = if who == "ours" { Who::Ours } else { Who::Hand };
    round(who, &client, &http, url, &image, n, 1).await;
}
