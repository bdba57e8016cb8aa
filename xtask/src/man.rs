//! `cargo xtask man`: the man pages of `remix`, rendered by clap_mangen
//! from the same definitions as its `--help` (the hidden `remix man`), into
//! `target/man/`.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};

use crate::workspace;

/// Builds `remix`, has it write its pages into `target/man/`, and returns
/// the pages written.
pub fn run() -> Result<Vec<PathBuf>> {
    let root = workspace::root()?;
    let status = workspace::cargo()
        .current_dir(&root)
        .args(["build", "--quiet", "--package", "remix-cli", "--bin", "remix"])
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build of remix failed");
    }
    let target = workspace::target_dir()?;
    let out = target.join("man");
    let status = std::process::Command::new(target.join("debug").join("remix"))
        .args(["man", "--out"])
        .arg(&out)
        .status()
        .context("running remix man")?;
    if !status.success() {
        bail!("remix man failed ({status})");
    }
    let mut pages: Vec<PathBuf> = std::fs::read_dir(&out)
        .with_context(|| format!("reading {}", out.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "1"))
        .collect();
    pages.sort();
    Ok(pages)
}
