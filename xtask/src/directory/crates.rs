//! `--check-crates`: every generated crate checked by cargo in one
//! workspace (one resolution, one shared target directory, cargo's own
//! parallelism), each error put to the crate it is in.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result};

use crate::workspace;

/// The first errors of each crate that does not compile, by crate name.
pub type Failures = BTreeMap<String, Vec<String>>;

/// Makes the crates under `dir/crates/` (named `names`) members of one
/// workspace at `dir`, checks them all, and returns the ones that fail.
pub fn check(dir: &Path, names: &[String], target: &Path, lock: &Path) -> Result<Failures> {
    for name in names {
        let manifest = dir.join("crates").join(name).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        let member = text.replace("[workspace]\n", "");
        std::fs::write(&manifest, member).with_context(|| format!("writing {}", manifest.display()))?;
    }
    let members: Vec<String> = names.iter().map(|n| format!("    \"crates/{n}\",")).collect();
    let root = format!(
        "# The generated crates, checked together by `cargo xtask directory --check-crates`.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
        members.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), root).context("writing the workspace manifest")?;
    if !dir.join("Cargo.lock").is_file() {
        std::fs::copy(lock, dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    eprintln!(
        "==> cargo check of {} crates (one workspace, {})",
        names.len(),
        target.display()
    );
    let mut child = workspace::cargo()
        .current_dir(dir)
        .args(["check", "--workspace", "--keep-going", "--message-format", "short"])
        .env("CARGO_TARGET_DIR", target)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .context("running cargo check")?;
    let stderr = child.stderr.take().context("cargo check's stderr")?;
    // Read as cargo writes it, so that a run of hours shows where it is and
    // each failing crate as soon as it fails.
    let mut lines = Vec::new();
    let mut failures = Failures::new();
    let mut started = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.context("reading cargo check's output")?;
        if let Some(rest) = line.trim_start().strip_prefix("Checking ")
            && let Some(name) = rest.split_whitespace().next()
            && names.iter().any(|n| n == name)
        {
            started += 1;
            eprintln!("[check {started}/{}] {name}", names.len());
        }
        if let Some(rest) = line.strip_prefix("crates/")
            && let Some((name, _)) = rest.split_once('/')
            && line.contains(": error")
        {
            let errors = failures.entry(name.to_string()).or_default();
            if errors.len() < 3 {
                eprintln!("[check] {name} does not compile: {line}");
                errors.push(line.to_string());
            }
        }
        if let Some(rest) = line.strip_prefix("error: could not compile `")
            && let Some((name, _)) = rest.split_once('`')
        {
            failures.entry(name.to_string()).or_default();
        }
        lines.push(line);
    }
    let status = child.wait().context("waiting for cargo check")?;
    if !status.success() && failures.is_empty() {
        let tail: Vec<&str> = lines.iter().rev().take(20).map(String::as_str).collect();
        failures.insert(
            "(cargo)".to_string(),
            tail.into_iter().rev().map(str::to_string).collect(),
        );
    }
    Ok(failures)
}
