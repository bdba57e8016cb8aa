//! `--check-crates`: every generated crate checked by cargo in one
//! workspace (one resolution, one shared target directory, cargo's own
//! parallelism), each error put to the crate it is in.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result};

use crate::workspace;

/// The first errors of each crate that does not compile, by crate name;
/// [`WHOLE`] when cargo failed for all of them.
pub type Failures = BTreeMap<String, Vec<String>>;

/// The key of [`Failures`] for an error that is no one crate's: cargo did
/// not check the workspace, so no crate is known to compile.
pub const WHOLE: &str = "(cargo)";

/// Whether the crate `name` was checked and compiles.
pub fn compiles(failures: &Failures, name: &str) -> bool {
    !failures.contains_key(WHOLE) && !failures.contains_key(name)
}

/// Makes the crates under `dir/crates/` (named `names`) members of one
/// workspace at `dir`, checks them all, and returns the ones that fail. A
/// crate whose manifest cargo cannot load (openapi-generator writes the
/// spec's `info.version` as the crate's: `version = "N/A.0.0"`) fails, and
/// the others are checked without it.
pub fn check(dir: &Path, names: &[String], target: &Path, lock: &Path) -> Result<Failures> {
    for name in names {
        let manifest = dir.join("crates").join(name).join("Cargo.toml");
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        let member = text.replace("[workspace]\n", "");
        std::fs::write(&manifest, member).with_context(|| format!("writing {}", manifest.display()))?;
    }
    if !dir.join("Cargo.lock").is_file() {
        std::fs::copy(lock, dir.join("Cargo.lock")).context("copying Cargo.lock")?;
    }
    let mut members = names.to_vec();
    let mut unloadable = Failures::new();
    loop {
        let mut failures = check_members(dir, &members, target)?;
        let bad = failures.get(WHOLE).and_then(|lines| {
            lines.iter().find_map(|line| {
                let rest = line.split("failed to load manifest for workspace member `").nth(1)?;
                let name = rest.split('`').next()?.rsplit(['/', '\\']).next()?;
                members.iter().position(|m| m == name)
            })
        });
        match bad {
            Some(index) => {
                let name = members.remove(index);
                let why = failures.remove(WHOLE).unwrap_or_default();
                eprintln!("[check] {name}: cargo cannot load its manifest");
                unloadable.insert(
                    name,
                    why.into_iter().filter(|l| l.starts_with("error")).take(3).collect(),
                );
            }
            None => {
                failures.extend(unloadable);
                return Ok(failures);
            }
        }
    }
}

/// One `cargo check` of the workspace of `members`.
fn check_members(dir: &Path, names: &[String], target: &Path) -> Result<Failures> {
    let members: Vec<String> = names.iter().map(|n| format!("    \"crates/{n}\",")).collect();
    let root = format!(
        "# The generated crates, checked together by `cargo xtask directory --check-crates`.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n[profile.dev]\ndebug = false\nincremental = false\n",
        members.join("\n")
    );
    std::fs::write(dir.join("Cargo.toml"), root).context("writing the workspace manifest")?;
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
        failures.insert(WHOLE.to_string(), tail.into_iter().rev().map(str::to_string).collect());
    }
    Ok(failures)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_crate(dir: &Path, name: &str, version: &str, lib: &str) {
        let root = dir.join("crates").join(name);
        std::fs::create_dir_all(root.join("src")).unwrap();
        let manifest = format!("[package]\nname = \"{name}\"\nversion = \"{version}\"\nedition = \"2021\"\n");
        std::fs::write(root.join("Cargo.toml"), manifest).unwrap();
        std::fs::write(root.join("src/lib.rs"), lib).unwrap();
    }

    #[test]
    fn a_crate_cargo_cannot_load_fails_alone_and_the_others_are_still_checked() {
        let dir = std::env::temp_dir().join(format!("xtask-check-crates-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        write_crate(&dir, "good", "0.1.0", "pub fn f() -> u8 { 1 }\n");
        write_crate(&dir, "no_version", "N/A.0.0", "pub fn f() -> u8 { 1 }\n");
        write_crate(&dir, "bad_code", "0.1.0", "pub fn f() -> u8 { \"x\" }\n");
        let lock = dir.join("empty.lock");
        std::fs::write(&lock, "version = 4\n").unwrap();
        let names = ["good", "no_version", "bad_code"].map(String::from);
        let failures = check(&dir, &names, &dir.join("target"), &lock).unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            failures.keys().collect::<Vec<_>>(),
            ["bad_code", "no_version"],
            "{failures:#?}"
        );
        assert!(compiles(&failures, "good"));
        assert!(
            failures["no_version"]
                .iter()
                .any(|l| l.contains("failed to load manifest")),
            "{failures:#?}"
        );
    }

    #[test]
    fn when_cargo_checked_nothing_no_crate_compiles() {
        let failures = Failures::from([(WHOLE.to_string(), vec!["error: no workspace".to_string()])]);
        assert!(!compiles(&failures, "good"));
    }
}
