//! `cargo xtask bench`: every benchmark of the workspace in one run, printed
//! as Markdown and written to `target/remix-bench/report.md`.
//!
//! The measurements themselves live in the `remix-bench` crate (built in
//! release mode and run as separate processes: the generator never links
//! the crates it generates into); this module adds the codegen and
//! cold-build timings and the machine description.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::workspace;

fn cargo() -> Command {
    workspace::cargo()
}

fn run_ok(cmd: &mut Command, what: &str) -> Result<String> {
    let out = cmd.output().with_context(|| format!("running {what}"))?;
    if !out.status.success() {
        bail!("{what} failed: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn median(mut values: Vec<Duration>) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
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

fn cold_build(dir: &Path, target: &Path, package: Option<&str>) -> Result<Duration> {
    let _ = std::fs::remove_dir_all(target);
    let mut cmd = cargo();
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

/// Runs every benchmark and returns the report.
pub fn run() -> Result<String> {
    let root = workspace::root()?;
    let target = workspace::target_dir()?;
    let work = target.join("remix-bench");
    std::fs::create_dir_all(&work)?;

    eprintln!("==> building remix-bench (release)");
    run_ok(
        cargo()
            .current_dir(&root)
            .args(["build", "--quiet", "--release", "--package", "remix-bench"]),
        "cargo build --release -p remix-bench",
    )?;
    let bench = target.join("release").join("remix-bench");

    eprintln!("==> starting the sink server");
    let mut sink = Command::new(&bench)
        .arg("sink")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("starting the sink")?;
    let mut url = String::new();
    if let Some(out) = sink.stdout.take() {
        BufReader::new(out).read_line(&mut url)?;
    }
    let url = url.trim().to_string();

    let result = (|| -> Result<String> {
        eprintln!("==> latency and throughput (a minute or two)");
        let latency = run_ok(Command::new(&bench).args(["latency", &url]), "remix-bench latency")?;

        eprintln!("==> peak RSS of a 10 MiB upload");
        let file = work.join("image-10mib.png");
        let file_arg = file.to_str().context("a UTF-8 path")?;
        run_ok(
            Command::new(&bench).args(["make-image", file_arg, &(10 * 1024 * 1024).to_string()]),
            "remix-bench make-image",
        )?;
        let mut rss_rows = String::new();
        for mode in ["path", "bytes"] {
            let out = run_ok(
                Command::new(&bench).args(["rss", mode, file_arg, &url]),
                "remix-bench rss",
            )?;
            let fields: Vec<u64> = out.split_whitespace().skip(1).filter_map(|f| f.parse().ok()).collect();
            let [size, before, after] = fields[..] else {
                bail!("unexpected rss output {out:?}");
            };
            let label = if mode == "path" {
                "`ImageFile::from_path` (streamed)"
            } else {
                "`ImageFile::from_bytes` (file read into memory)"
            };
            rss_rows.push_str(&format!(
                "| {label} | {:.1} MiB | {:.1} MiB | {:.1} MiB | {:.2} MiB |\n",
                size as f64 / 1048576.0,
                before as f64 / 1024.0,
                after as f64 / 1024.0,
                (after.saturating_sub(before)) as f64 / 1024.0
            ));
        }

        eprintln!("==> instructions per 64 KiB request (callgrind)");
        let instructions = instructions_per_request(&bench, &url)?;

        eprintln!("==> request building");
        let build = run_ok(Command::new(&bench).arg("build"), "remix-bench build")?;
        Ok(format!(
            "### Latency and throughput, remix-client vs a hand-written reqwest call\n\n\
             Ratio columns are ours / hand-written for latency and hand-written / ours for throughput\n\
             (above 1.0 means ours is slower).\n\n{latency}\n\
             {instructions}\n\
             ### Peak resident memory of one process uploading a 10 MiB file\n\n\
             | upload | file | peak RSS before | peak RSS after | growth |\n|---|---|---|---|---|\n{rss_rows}\n\
             ### Request building\n\n| what | time per request |\n|---|---|\n{build}"
        ))
    })();
    let _ = sink.kill();
    let _ = sink.wait();
    let measured = result?;

    eprintln!("==> cargo xtask codegen --check, 5 runs");
    let mut codegen = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        run_ok(
            cargo().current_dir(&root).args(["xtask", "codegen", "--check"]),
            "cargo xtask codegen --check",
        )?;
        codegen.push(started.elapsed());
    }
    let codegen = median(codegen);

    eprintln!("==> cold debug build of remix-client");
    let client_cold = cold_build(&root, &target.join("bench-cold-client"), Some("remix-client"))?;
    eprintln!("==> cold debug build of a bare reqwest + serde + tokio crate");
    let bare = work.join("bare-crate");
    std::fs::create_dir_all(bare.join("src"))?;
    std::fs::write(
        bare.join("Cargo.toml"),
        "[package]\nname = \"bare\"\nversion = \"0.0.0\"\nedition = \"2024\"\n\n[workspace]\n\n[dependencies]\n\
         reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\", \"multipart\", \"native-tls\"] }\n\
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
        "Machine: {}\n\n{measured}\n### Codegen and builds\n\n| what | time |\n|---|---|\n\
         | `cargo xtask codegen --check` once built (median of 5) | {:.2} s |\n\
         | cold debug build of `remix-client` (all its dependencies) | {:.1} s |\n\
         | cold debug build of a bare reqwest + serde + tokio crate | {:.1} s |\n",
        machine(),
        codegen.as_secs_f64(),
        client_cold.as_secs_f64(),
        bare_cold.as_secs_f64()
    ))
}
