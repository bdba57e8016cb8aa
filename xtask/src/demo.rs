//! `cargo xtask demo`: the workspace's main job, offline. Builds the `remix`
//! CLI and `remix-mock`, starts the mock on a free port, remixes the shipped
//! sample image through it and downloads the images it returns.

use std::io::{BufRead, BufReader};
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, Result, bail};

use crate::workspace;

/// Runs the demo and returns the CLI's exit code.
pub fn run() -> Result<ExitCode> {
    let root = workspace::root()?;
    eprintln!("==> building remix and remix-mock");
    let status = workspace::cargo()
        .current_dir(&root)
        .args(["build", "--quiet", "--package", "remix-cli", "--package", "remix-mock"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build failed");
    }
    let target = workspace::target_dir()?;
    let bin = target.join("debug");

    eprintln!("==> starting remix-mock --port 0 --native --seed 7");
    let mut mock = Command::new(bin.join("remix-mock"))
        .args(["--port", "0", "--native", "--seed", "7"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting remix-mock")?;
    let mut first = String::new();
    let read = mock.stdout.take().map(|out| BufReader::new(out).read_line(&mut first));
    let url = first.trim().to_string();
    if !matches!(read, Some(Ok(n)) if n > 0) || !url.starts_with("http://") {
        let _ = mock.kill();
        bail!("remix-mock did not print its address");
    }

    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let out_dir = target.join("remix-demo").join(format!("run-{stamp}"));
    std::fs::create_dir_all(&out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let image = root.join("assets/sunset.png");
    let args = [
        "--image",
        image.to_str().context("a UTF-8 path")?,
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
        "--base-url",
        &url,
        "--download",
        out_dir.to_str().context("a UTF-8 path")?,
    ];
    let shown: Vec<String> = args
        .iter()
        .map(|a| {
            if a.contains(' ') {
                format!("{a:?}")
            } else {
                a.to_string()
            }
        })
        .collect();
    eprintln!("==> REMIX_API_KEY=demo-key remix {}", shown.join(" "));
    let status = Command::new(bin.join("remix"))
        .args(args)
        .env("REMIX_API_KEY", "demo-key")
        .env_remove("REMIX_BASE_URL")
        .status();
    let _ = mock.kill();
    let _ = mock.wait();
    let status = status.context("running remix")?;
    if status.success() {
        eprintln!("==> done: the images are in {}", out_dir.display());
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!("==> remix failed ({status})");
        Ok(ExitCode::from(
            status.code().and_then(|c| u8::try_from(c).ok()).unwrap_or(1),
        ))
    }
}
