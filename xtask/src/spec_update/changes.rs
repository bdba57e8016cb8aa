//! What a spec update changed, against the spec the generated code came
//! from: `crates/remix-raw/openapi.yaml`, a copy `cargo xtask codegen`
//! keeps beside the raw crate (and `--check` keeps honest), so that no git
//! history is needed. `openapi/CHANGES.md` gets one entry per new spec,
//! keyed by its SHA-256: a second run, or a run after the spec was
//! committed, adds nothing twice.

use std::path::Path;

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::codegen::{self, Mode, Stale};

/// The spec the raw crate is generated from.
pub const SPEC: &str = "openapi/remix.yaml";

/// The copy of the spec `crates/remix-raw` was last generated from.
pub const GENERATED_FROM: &str = "crates/remix-raw/openapi.yaml";

/// The change log of the spec, newest first.
pub const CHANGES: &str = "openapi/CHANGES.md";

/// SHA-256 of `bytes`, in hex.
pub fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// What happened to [`CHANGES`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Explained {
    /// The spec is the one the code was generated from.
    Unchanged,
    /// The entry for this spec's hash was there already.
    AlreadyLogged { hash: String },
    /// A new entry: the `client-gen diff` report.
    Logged { hash: String, report: String },
}

/// Compares [`SPEC`] with [`GENERATED_FROM`] (`client-gen diff`) and adds
/// the report to [`CHANGES`] under the new spec's hash, once.
pub fn explain(root: &Path) -> Result<Explained> {
    let current = std::fs::read(root.join(SPEC)).with_context(|| format!("reading {SPEC}"))?;
    let Ok(previous) = std::fs::read(root.join(GENERATED_FROM)) else {
        // No copy yet (the first run of this version): nothing to compare.
        return Ok(Explained::Unchanged);
    };
    if previous == current {
        return Ok(Explained::Unchanged);
    }
    let hash = sha256(&current);
    let path = root.join(CHANGES);
    let existing = std::fs::read_to_string(&path).unwrap_or_default();
    if existing.contains(&entry_key(&hash)) {
        return Ok(Explained::AlreadyLogged { hash });
    }
    let report = codegen::diff_report(root, &root.join(GENERATED_FROM), &root.join(SPEC))?;
    std::fs::write(&path, with_entry(&existing, &hash, &sha256(&previous), &report))
        .with_context(|| format!("writing {CHANGES}"))?;
    Ok(Explained::Logged { hash, report })
}

/// The text that marks the entry of the spec with `hash`.
fn entry_key(hash: &str) -> String {
    format!("(sha256 {hash})")
}

/// `existing` with a new entry on top.
fn with_entry(existing: &str, hash: &str, previous: &str, report: &str) -> String {
    let (head, rest) = match existing.find("\n## ") {
        Some(i) => existing.split_at(i + 1),
        None if existing.trim().is_empty() => (
            "# Spec changes\n\nWhat each update of `openapi/remix.yaml` changed in API terms, newest first,\n\
             written by `cargo xtask codegen` and `cargo xtask spec-update` (breaking: an\n\
             existing caller may now send something wrong or miss something it reads;\n\
             additive: callers keep working). Each entry names the spec by its SHA-256.\n\n",
            "",
        ),
        None => (existing, ""),
    };
    let short = &previous[..previous.len().min(12)];
    format!(
        "{head}## {} {} {}\n\nFrom the spec {short}…:\n\n{report}\n{rest}",
        codegen::today(),
        SPEC,
        entry_key(hash)
    )
}

/// Writes (or checks) [`GENERATED_FROM`]: the spec as the code was just
/// generated from it.
pub fn keep_generated_from(root: &Path, mode: Mode) -> Result<Option<Stale>> {
    let spec = std::fs::read_to_string(root.join(SPEC)).with_context(|| format!("reading {SPEC}"))?;
    codegen::ensure_file_contents(root, GENERATED_FROM, &spec, mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_are_keyed_by_the_new_specs_hash_newest_first() {
        let first = with_entry("", "aaaa", "0000", "Additive only: 1 change(s).\n\n- additive: x\n");
        assert!(first.starts_with("# Spec changes"));
        assert!(first.contains("(sha256 aaaa)") && first.contains("- additive: x"));
        let second = with_entry(&first, "bbbb", "aaaa", "Breaking for clients: 1 of 1 change(s).\n");
        let (b, a) = (
            second.find("(sha256 bbbb)").unwrap(),
            second.find("(sha256 aaaa)").unwrap(),
        );
        assert!(b < a, "newest first: {second}");
        assert_eq!(second.matches("# Spec changes").count(), 1);
    }

    #[test]
    fn hashes_are_sha256_hex() {
        assert_eq!(
            sha256(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
