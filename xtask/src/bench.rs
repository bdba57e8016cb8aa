//! `cargo xtask bench`: every benchmark of the workspace in one run, printed
//! as Markdown and written to `target/remix-bench/report.md`.
//!
//! The measurements themselves live in the `remix-bench` crate (built in
//! release mode and run as separate processes: the generator never links
//! the crates it generates into); this module builds, starts the servers,
//! runs them in order and adds the machine description.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::workspace::{self, Server};

fn run_ok(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find_map(|l| {
                l.strip_prefix("model name")
                    .map(|v| v.trim_start_matches([' ', '\t', ':']).to_string())
            })
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .find_map(|l| l.strip_prefix("MemTotal:").map(|v| v.trim().to_string()))
        })
        .unwrap_or_default();
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {mem} memory, {rustc}, Linux")
}

/// The release binaries the benchmarks run.
struct Binaries {
    bench: PathBuf,
    remix: PathBuf,
    mock: PathBuf,
}

fn build(root: &Path, target: &Path) -> Result<Binaries> {
    eprintln!("==> building remix-bench, remix and remix-mock (release)");
    run_ok(
        workspace::cargo().current_dir(root).args([
            "build",
            "--quiet",
            "--release",
            "--package",
            "remix-bench",
            "--package",
            "remix-cli",
            "--package",
            "remix-mock",
        ]),
        "cargo build --release",
    )?;
    let release = target.join("release");
    Ok(Binaries {
        bench: release.join("remix-bench"),
        remix: release.join("remix"),
        mock: release.join("remix-mock"),
    })
}

fn cold_build(dir: &Path, target: &Path, package: Option<&str>) -> Result<Duration> {
    let _ = std::fs::remove_dir_all(target);
    let mut cmd = workspace::cargo();
    cmd.current_dir(dir)
        .args(["build", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", target);
    if let Some(p) = package {
        cmd.args(["--package", p]);
    }
    let started = Instant::now();
    run_ok(&mut cmd, "a cold build")?;
    let took = started.elapsed();
    let _ = std::fs::remove_dir_all(target);
    Ok(took)
}

/// Instructions one sequential 64 KiB request costs each side, counted by
/// callgrind (deterministic, unlike wall time on a shared 2-core machine):
/// the difference between runs of 1200 and 200 requests, over 1000.
fn instructions_per_request(bench: &Path, url: &str) -> Result<String> {
    if Command::new("valgrind").arg("--version").output().is_err() {
        return Ok("(valgrind is not installed: no instruction counts)\n".into());
    }
    let count = |who: &str, n: u32| -> Result<u64> {
        let out = Command::new("valgrind")
            .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
            .arg(bench)
            .args(["count", who, &n.to_string(), url])
            .output()
            .context("running valgrind")?;
        let text = String::from_utf8_lossy(&out.stderr);
        text.lines()
            .find_map(|l| l.split("Collected :").nth(1))
            .and_then(|v| v.trim().parse().ok())
            .with_context(|| format!("no instruction count in valgrind's output: {text}"))
    };
    let per = |who: &str| -> Result<f64> { Ok((count(who, 1200)? as f64 - count(who, 200)? as f64) / 1000.0) };
    let (ours, hand) = (per("ours")?, per("hand")?);
    Ok(format!(
        "Instructions per sequential 64 KiB request (callgrind, client process): ours {:.1}k, \
         hand-written {:.1}k, ratio {:.3}.\n",
        ours / 1000.0,
        hand / 1000.0,
        ours / hand
    ))
}

/// Peak RSS rows of a 10 MiB upload, streamed and read into memory.
fn rss_rows(bench: &Path, work: &Path, url: &str) -> Result<String> {
    let file = work.join("image-10mib.png");
    let file_arg = file.to_str().context("a UTF-8 path")?;
    run_ok(
        Command::new(bench).args(["make-image", file_arg, &(10 * 1024 * 1024).to_string()]),
        "remix-bench make-image",
    )?;
    let mut rows = String::new();
    for (mode, label) in [
        ("path", "`ImageFile::from_path` (streamed)"),
        ("bytes", "`ImageFile::from_bytes` (file read into memory)"),
    ] {
        let out = run_ok(
            Command::new(bench).args(["rss", mode, file_arg, url]),
            "remix-bench rss",
        )?;
        let fields: Vec<u64> = out.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
        let [size, before, after] = fields[..] else {
            bail!("unexpected rss output {out:?}");
        };
        rows.push_str(&format!(
            "| {label} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.2} MiB |\n",
            size as f64 / 1048576.0,
            before as f64 / 1024.0,
            after as f64 / 1024.0,
            (after.saturating_sub(before)) as f64 / 1024.0
        ));
    }
    Ok(rows)
}

/// Ours against the hand-written call, on the sink.
fn client_benchmarks(bins: &Binaries, work: &Path) -> Result<String> {
    eprintln!("==> starting the sink server");
    let sink = Server::start(Command::new(&bins.bench).arg("sink"), "the sink")?;
    eprintln!("==> latency and throughput (a minute or two)");
    let latency = run_ok(
        Command::new(&bins.bench).args(["latency", &sink.url]),
        "remix-bench latency",
    )?;
    eprintln!("==> peak RSS of a 10 MiB upload");
    let rss = rss_rows(&bins.bench, work, &sink.url)?;
    eprintln!("==> instructions per 64 KiB request (callgrind)");
    let instructions = instructions_per_request(&bins.bench, &sink.url)?;
    eprintln!("==> request building");
    let build = run_ok(Command::new(&bins.bench).arg("build"), "remix-bench build")?;
    Ok(format!(
        "### Latency and throughput, remix-client vs a hand-written reqwest call\n\n\
         Ratio columns are ours / hand-written for latency and hand-written / ours for throughput\n\
         (above 1.0 means ours is slower).\n\n{latency}\n\
         {instructions}\n\
         ### Peak resident memory of one process uploading a 10 MiB file\n\n\
         | upload | file | peak RSS before | peak RSS after | growth |\n|---|---|---|---|---|\n{rss}\n\
         ### Request building\n\n| what | time per request |\n|---|---|\n{build}"
    ))
}

/// `remix batch` against `remix-mock --latency 200`.
fn batch_benchmark(bins: &Binaries, work: &Path) -> Result<String> {
    eprintln!("==> remix batch: 64 images, remix-mock --latency 200, concurrency 8");
    let mock = Server::start(
        Command::new(&bins.mock).args(["--port", "0", "--latency", "200"]),
        "remix-mock",
    )?;
    let native = Server::start(
        Command::new(&bins.mock).args(["--port", "0", "--latency", "200", "--native"]),
        "remix-mock --native",
    )?;
    let remix = bins.remix.to_str().context("a UTF-8 path")?;
    let work = work.to_str().context("a UTF-8 path")?;
    let table = run_ok(
        Command::new(&bins.bench).args(["batch", remix, &mock.url, &native.url, work]),
        "remix-bench batch",
    )?;
    Ok(format!("### `remix batch`\n\n{table}"))
}

/// The codegen and cold-build timings.
fn build_timings(bins: &Binaries, root: &Path, target: &Path, work: &Path) -> Result<String> {
    eprintln!("==> cargo xtask codegen --check, 5 runs");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let codegen = run_ok(
        Command::new(&bins.bench)
            .current_dir(root)
            .args(["time", "5", "--", &cargo, "xtask", "codegen", "--check"]),
        "remix-bench time",
    )?;
    eprintln!("==> cold debug build of remix-client");
    let client_cold = cold_build(root, &target.join("bench-cold-client"), Some("remix-client"))?;
    eprintln!("==> cold debug build of a bare reqwest + serde + tokio crate");
    let bare = work.join("bare-crate");
    std::fs::create_dir_all(bare.join("src"))?;
    std::fs::write(
        bare.join("Cargo.toml"),
        "[package]\nname = \"bare\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\", \"multipart\", \"rustls\"] }\n\
         serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\
         tokio = { version = \"1\", default-features = false, features = [\"fs\", \"io-util\", \"time\"] }\n",
    )?;
    std::fs::write(
        bare.join("src/lib.rs"),
        "pub use reqwest;\npub use serde;\npub use serde_json;\npub use tokio;\n",
    )?;
    std::fs::copy(root.join("Cargo.lock"), bare.join("Cargo.lock"))?;
    let bare_cold = cold_build(&bare, &target.join("bench-cold-bare"), None)?;
    Ok(format!(
        "### Codegen and builds\n\n| what | time |\n|---|---|\n\
         | `cargo xtask codegen --check` once built (median of 5) | {:.2} s |\n\
         | cold debug build of `remix-client` (all its dependencies) | {:.1} s |\n\
         | cold debug build of a bare reqwest (rustls) + serde + tokio crate | {:.1} s |\n",
        codegen.trim().parse::<f64>().unwrap_or(f64::NAN),
        client_cold.as_secs_f64(),
        bare_cold.as_secs_f64()
    ))
}

/// Runs every benchmark and returns the report.
pub fn run() -> Result<String> {
    let root = workspace::root()?;
    let target = workspace::target_dir()?;
    let work = target.join("remix-bench");
    std::fs::create_dir_all(&work)?;
    let bins = build(&root, &target)?;
    let clients = client_benchmarks(&bins, &work)?;
    let batch = batch_benchmark(&bins, &work)?;
    let builds = build_timings(&bins, &root, &target, &work)?;
    Ok(format!("Machine: {}\n\n{clients}\n{batch}\n{builds}", machine()))
}

/// Runs only the batch benchmark (`cargo xtask bench batch`), for a quick
/// look without the minutes the rest take.
pub fn run_batch() -> Result<String> {
    let root = workspace::root()?;
    let target = workspace::target_dir()?;
    let work = target.join("remix-bench");
    std::fs::create_dir_all(&work)?;
    let bins = build(&root, &target)?;
    Ok(format!("Machine: {}\n\n{}", machine(), batch_benchmark(&bins, &work)?))
}
