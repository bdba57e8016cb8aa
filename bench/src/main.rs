//! `remix-bench`: measures `remix-client` and the `remix` CLI. Run through
//! `cargo xtask bench`, which builds everything in release mode, starts the
//! servers and adds the codegen and cold-build timings.
//!
//! Subcommands (the xtask calls them; each prints Markdown or a number):
//! - `sink`: a server that reads every body whole and answers the spec's
//!   200 envelope; prints its URL first.
//! - `latency URL`: per-request latency and throughput, ours vs
//!   hand-written, for 64 KiB, 1 MiB and 10 MiB, 1 and 16 in flight.
//! - `count ours|hand N URL`: N sequential 64 KiB requests, for callgrind.
//! - `rss path|bytes FILE URL`: peak resident memory of one upload.
//! - `build`: `ImageRequest::build()` plus JSON serialization, ns per request.
//! - `make-image PATH SIZE`: writes a PNG-signed file of SIZE bytes.
//! - `batch REMIX URL NATIVE_URL DIR`: `remix batch` of 64 images against a
//!   `remix-mock --latency 200` at URL: wall time and peak RSS.
//! - `time N -- CMD ...`: the median wall time of N runs of CMD, in seconds.

mod batch;
mod compare;
mod memory;
mod timing;

use std::hint::black_box;

use bytes::Bytes;
use remix_client::{AspectRatio, ColorPalette, ImageRequest, Model, PalettePreset};

const KEY: &str = "bench-key";
const ENVELOPE: &str = r#"{"code":200,"message":"success","request_id":"req-1","data":{"task_id":"task-1","task_status":"SUBMITTED","created_at":1764000000,"updated_at":1764000000}}"#;
const USAGE: &str = "usage: remix-bench sink | latency URL | count ours|hand N URL | rss path|bytes FILE URL | build \
                     | make-image PATH SIZE | batch REMIX URL NATIVE_URL DIR | time N -- CMD ...";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    match args.as_slice() {
        ["sink"] => runtime.block_on(sink()),
        ["latency", url] => runtime.block_on(compare::latency(url)),
        ["count", who, n, url] => runtime.block_on(compare::count(who, n.parse().expect("a count"), url)),
        ["rss", mode, file, url] => runtime.block_on(memory::rss(mode, file, url)),
        ["build"] => timing::build_bench(),
        ["make-image", path, size] => {
            std::fs::write(path, image_bytes(size.parse().expect("a size"))).expect("the image file is written");
        }
        ["batch", remix, url, native_url, dir] => {
            batch::batch(std::path::Path::new(remix), url, native_url, std::path::Path::new(dir))
        }
        ["time", runs, "--", command @ ..] => timing::time_command(runs.parse().expect("a count"), command),
        _ => {
            eprintln!("{USAGE}");
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
pub(crate) fn image_bytes(size: usize) -> Bytes {
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

pub(crate) fn request() -> ImageRequest {
    ImageRequest::builder("a beautiful sunset over mountains")
        .aspect_ratio(AspectRatio::Ratio16x9)
        .model(Model::V2)
        .color_palette(ColorPalette::preset(PalettePreset::Fresh))
        .seed(123_456)
        .build()
        .expect("a valid request")
}
