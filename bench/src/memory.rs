//! Peak resident memory of one upload, streamed from disk or read into
//! memory first.

use remix_client::{Client, ImageFile};

use crate::{KEY, image_bytes, request};

/// Peak resident set size so far (VmHWM), in KiB.
pub fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

pub async fn rss(mode: &str, file: &str, url: &str) {
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
