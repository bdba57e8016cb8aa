//! `cargo xtask msrv`: the declared Rust version (`rust-version` of the
//! workspace) is true of every dependency in `Cargo.lock`. Each package
//! that declares a newer `rust-version` is named; the check fails then.
//! That the workspace's own code stays within it is clippy's
//! `incompatible_msrv` lint (standard library items newer than the
//! declared version), which CI runs with warnings as errors.

use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::workspace;

/// A `rust-version` as numbers (`1.88` and `1.88.0` are equal).
fn parse(version: &str) -> Vec<u64> {
    let mut parts: Vec<u64> = version.split('.').map(|p| p.parse().unwrap_or(0)).collect();
    parts.resize(3, 0);
    parts
}

/// The packages of `metadata` (cargo's JSON) that declare a newer
/// `rust-version` than `declared`, as `name version (rust-version X)`.
pub fn newer_than(metadata: &serde_json::Value, declared: &str) -> Vec<String> {
    let limit = parse(declared);
    let mut offenders: Vec<String> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let needs = p["rust_version"].as_str()?;
            (parse(needs) > limit).then(|| {
                format!(
                    "{} {} (rust-version {needs})",
                    p["name"].as_str().unwrap_or("?"),
                    p["version"].as_str().unwrap_or("?")
                )
            })
        })
        .collect();
    offenders.sort();
    offenders.dedup();
    offenders
}

/// The workspace's declared `rust-version`, from its `Cargo.toml`.
fn declared(root: &Path) -> Result<String> {
    let manifest = std::fs::read_to_string(root.join("Cargo.toml")).context("reading Cargo.toml")?;
    workspace::manifest_value(&manifest, "rust-version").context("the workspace's Cargo.toml declares no rust-version")
}

/// Runs the check; prints what it checked.
pub fn run(root: &Path) -> Result<()> {
    let declared = declared(root)?;
    let out = workspace::cargo()
        .current_dir(root)
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).context("cargo metadata's JSON")?;
    let packages = metadata["packages"].as_array().map_or(0, Vec::len);
    let offenders = newer_than(&metadata, &declared);
    if !offenders.is_empty() {
        bail!(
            "{} package(s) in Cargo.lock need a newer Rust than the declared rust-version {declared}:\n  {}\n\
             Raise rust-version in Cargo.toml (and say so in CHANGELOG.md), or hold those dependencies back.",
            offenders.len(),
            offenders.join("\n  ")
        );
    }
    println!("rust-version {declared}: every one of the {packages} packages in Cargo.lock builds with it");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_newer_than_the_declared_version_are_named() {
        let metadata = serde_json::json!({"packages": [
            {"name": "old", "version": "1.0.0", "rust_version": "1.70"},
            {"name": "same", "version": "2.0.0", "rust_version": "1.88.0"},
            {"name": "none", "version": "0.1.0", "rust_version": null},
            {"name": "new", "version": "3.1.0", "rust_version": "1.89"},
        ]});
        assert_eq!(newer_than(&metadata, "1.88"), vec!["new 3.1.0 (rust-version 1.89)"]);
        assert!(newer_than(&metadata, "1.89").is_empty());
    }
}
