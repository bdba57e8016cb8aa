//! The public API of each library crate, one item a line, pinned as a
//! snapshot: a change to any public item fails until its snapshot is
//! accepted, so every API change shows in review next to its cause.

use xtask::api::{LIBRARY_CRATES, listing};
use xtask::workspace;

/// The Rust the listings are pinned to: rustdoc's JSON format and the
/// auto-trait lines change with the toolchain (CI and the workflows run
/// this one).
const PINNED_RUST: &str = "1.95";

/// `rustc --version` when it is not [`PINNED_RUST`].
fn other_toolchain() -> Option<String> {
    let out = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
    (!version.starts_with(&format!("rustc {PINNED_RUST}."))).then_some(version)
}

#[test]
fn public_api_listings() {
    if let Some(version) = other_toolchain() {
        eprintln!("skipped: the API listings are pinned to Rust {PINNED_RUST} and this is {version}");
        return;
    }
    let root = workspace::root().unwrap();
    for (package, _) in LIBRARY_CRATES {
        let text = listing(&root, package).unwrap();
        if package == "remix-client" {
            insulated_from_the_generated_crate_and_reqwest(&text);
        }
        insta::assert_snapshot!(package, text);
    }
}

/// remix-client's API names no `remix_raw` item, so that a breaking
/// regeneration stops at remix-raw, and reqwest only through the one
/// deliberate re-export (`remix_client::reqwest`), the builder hook that
/// takes its `ClientBuilder` and the setter that takes a finished `Client`.
fn insulated_from_the_generated_crate_and_reqwest(listing: &str) {
    let raw: Vec<&str> = listing.lines().filter(|l| l.contains("remix_raw")).collect();
    assert!(raw.is_empty(), "remix_raw in remix-client's API: {raw:#?}");
    let reqwest: Vec<&str> = listing
        .lines()
        .filter(|l| l.contains("reqwest"))
        .filter(|l| {
            *l != "pub use remix_client::reqwest"
                && !l.starts_with("pub fn remix_client::ClientBuilder::configure_http(")
                && !l.starts_with("pub fn remix_client::ClientBuilder::http_client(")
        })
        .collect();
    assert!(reqwest.is_empty(), "reqwest outside the re-export: {reqwest:#?}");
}
