//! `cargo xtask demo`: the workspace's main job, offline. Builds the `remix`
//! CLI and `remix-mock`, starts the mock on a free port, remixes the shipped
//! sample image through it and downloads the images it returns.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::{Context, Result, bail};

use crate::workspace::{self, Server};

/// The demo's request: the sample valley, 16:9, two images in pastel.
const REQUEST: [&str; 12] = [
    "--prompt",
    "the same valley at dawn, as a watercolor",
    "--aspect-ratio",
    "16:9",
    "--num-images",
    "2",
    "--palette",
    "PASTEL",
    "--style-type",
    "STYLIZED",
    "--seed",
    "7",
];

/// Builds `remix` and `remix-mock` and returns the folder they are in.
///
/// `remix` is built with rustls on the `ring` provider (its `rustls-ring`
/// feature) instead of the default aws-lc-rs: the same TLS to a user
/// (`target/debug/remix` works against the real API), without aws-lc-sys's
/// C build, which was the longest step of a first demo (60 s of 151 s).
fn build(root: &Path) -> Result<PathBuf> {
    eprintln!("==> building remix and remix-mock");
    let status = workspace::cargo()
        .current_dir(root)
        .args(["build", "--quiet", "--package", "remix-cli", "--package", "remix-mock"])
        .args(["--no-default-features", "--features", "remix-cli/rustls-ring"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    Ok(workspace::target_dir()?.join("debug"))
}

/// A fresh folder for this run's images.
fn out_dir() -> Result<PathBuf> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let dir = workspace::target_dir()?.join("remix-demo").join(format!("run-{stamp}"));
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    Ok(dir)
}

/// The command line as a shell would show it.
fn shown(args: &[&str]) -> String {
    let words: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect();
    words.join(" ")
}

/// Runs the demo and returns the CLI's exit code.
pub fn run() -> Result<ExitCode> {
    let root = workspace::root()?;
    let bin = build(&root)?;
    eprintln!("==> starting remix-mock --port 0 --native --seed 7");
    let mock = Server::start(
        Command::new(bin.join("remix-mock")).args(["--port", "0", "--native", "--seed", "7"]),
        "remix-mock",
    )?;
    let out = out_dir()?;
    let image = root.join("assets/sunset.png");
    let mut args = vec!["--image", image.to_str().context("a UTF-8 path")?];
    args.extend(REQUEST);
    args.extend([
        "--base-url",
        &mock.url,
        "--download",
        out.to_str().context("a UTF-8 path")?,
    ]);
    eprintln!("==> REMIX_API_KEY=demo-key remix {}", shown(&args));
    let status = Command::new(bin.join("remix"))
        .args(&args)
        .env("REMIX_API_KEY", "demo-key")
        .env_remove("REMIX_BASE_URL")
        .status()
        .context("running remix")?;
    drop(mock);
    if status.success() {
        eprintln!("==> done: the images are in {}", out.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("==> remix failed ({status})");
        Ok(ExitCode::from(
            status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1),
        ))
    }
}
