//! The public API of the library crates as text, one item a line (the
//! `public-api` crate, from rustdoc's JSON), and `cargo xtask semver`: the
//! change since each crate's last release (its listing kept in `api/`)
//! judged as semver does, against the version in its `Cargo.toml`.
//!
//! rustdoc's JSON output is unstable: it is asked of the stable toolchain
//! with `RUSTC_BOOTSTRAP=1`, as cargo-semver-checks does, and read by
//! `public-api` (in `xtask/api-listing`, run as a process), which matches
//! this toolchain's format.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};

use crate::workspace;

/// The library crates whose API is pinned: package and library names.
pub const LIBRARY_CRATES: [(&str, &str); 4] = [
    ("client-support", "client_support"),
    ("remix-raw", "remix_raw"),
    ("remix-client", "remix_client"),
    ("remix-mock", "remix_mock"),
];

/// Where a crate's released API is kept, relative to the workspace root.
pub fn baseline_path(package: &str) -> String {
    format!("api/{package}.txt")
}

/// Builds the rustdoc JSON of `package`'s library and returns its path.
/// It builds in a target folder of its own: `RUSTC_BOOTSTRAP` changes what
/// some build scripts see, and would rebuild much of the main target.
fn rustdoc_json(root: &Path, package: &str, lib: &str) -> Result<PathBuf> {
    let target = workspace::target_dir()?.join("api-json");
    let out = workspace::cargo()
        .current_dir(root)
        .env("RUSTC_BOOTSTRAP", "1")
        .env("CARGO_TARGET_DIR", &target)
        .args(["rustdoc", "--quiet", "--locked", "--package", package, "--lib", "--"])
        .args(["-Z", "unstable-options", "--output-format", "json"])
        .output()
        .with_context(|| format!("running cargo rustdoc for {package}"))?;
    if !out.status.success() {
        bail!(
            "cargo rustdoc --output-format json failed for {package}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(target.join("doc").join(format!("{lib}.json")))
}

/// The public API of `package`, one item a line, sorted.
pub fn listing(root: &Path, package: &str) -> Result<String> {
    let lib = LIBRARY_CRATES
        .iter()
        .find(|(p, _)| *p == package)
        .map(|(_, l)| *l)
        .with_context(|| format!("{package} is not one of the library crates"))?;
    let json = rustdoc_json(root, package, lib)?;
    // `xtask/api-listing` reads it (public-api), as a process of its own so
    // that xtask builds without it.
    let out = workspace::cargo()
        .current_dir(root)
        .args(["run", "--quiet", "--locked", "--package", "api-listing", "--"])
        .arg(&json)
        .output()
        .context("running api-listing")?;
    if !out.status.success() {
        bail!(
            "api-listing failed for {package}:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    String::from_utf8(out.stdout).context("api-listing printed text that is not UTF-8")
}

/// What a change needs, as semver says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No public item changed (a patch release at most).
    None,
    /// Items were added only.
    Minor,
    /// Items were removed or changed.
    Major,
}

/// The verdict for one crate: what changed and what it needs.
#[derive(Debug)]
pub struct Verdict {
    pub package: String,
    pub bump: Bump,
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// The struct a field line (`pub path::Struct::field: Type`) belongs to.
fn struct_of_field(line: &str) -> Option<&str> {
    let first = line.strip_prefix("pub ")?.split(' ').next()?;
    let path = first.strip_suffix(':')?;
    path.rsplit_once("::").map(|(owner, _)| owner)
}

/// The enum a variant line (`pub path::Enum::Variant`, or
/// `pub path::Enum::Variant(..)`) belongs to.
fn enum_of_variant(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("pub ")?;
    let path = rest.split(['(', ' ']).next()?;
    if path.ends_with(':') {
        return None;
    }
    path.rsplit_once("::").map(|(owner, _)| owner)
}

/// Compares a released listing with the current one. A changed item shows
/// as one removed line and one added line; any removed line needs a major
/// version, and so does a field added to a struct that callers could build
/// with a literal (a `pub struct` without `#[non_exhaustive]`).
pub fn judge(package: &str, released: &str, current: &str) -> Verdict {
    let body = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| !l.starts_with("# ") && !l.trim().is_empty())
            .map(str::to_string)
            .collect()
    };
    let (old, new) = (body(released), body(current));
    let removed: Vec<String> = old.iter().filter(|l| !new.contains(l)).cloned().collect();
    let added: Vec<String> = new.iter().filter(|l| !old.contains(l)).cloned().collect();
    let breaks_literals = added
        .iter()
        .any(|line| struct_of_field(line).is_some_and(|owner| old.iter().any(|l| *l == format!("pub struct {owner}"))));
    // A variant added to an exhaustive enum breaks every exhaustive match.
    let breaks_matches = added
        .iter()
        .any(|line| enum_of_variant(line).is_some_and(|owner| old.iter().any(|l| *l == format!("pub enum {owner}"))));
    let bump = if !removed.is_empty() || breaks_literals || breaks_matches {
        Bump::Major
    } else if !added.is_empty() {
        Bump::Minor
    } else {
        Bump::None
    };
    Verdict {
        package: package.to_string(),
        bump,
        added,
        removed,
    }
}

/// A version as (major, minor, patch).
pub fn version(text: &str) -> (u64, u64, u64) {
    let mut parts = text.trim().split('.').map(|p| p.parse::<u64>().unwrap_or(0));
    (
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
        parts.next().unwrap_or(0),
    )
}

/// Whether going from `released` to `declared` is the bump `needed` asks
/// for (or more). While 0.x, a breaking change needs the minor number up,
/// an addition at least the patch number.
pub fn version_suffices(released: &str, declared: &str, needed: Bump) -> bool {
    let (r, d) = (version(released), version(declared));
    let breaking_step = if r.0 == 0 { d.0 > 0 || d.1 > r.1 } else { d.0 > r.0 };
    let feature_step = if r.0 == 0 { d > r } else { d.0 > r.0 || d.1 > r.1 };
    match needed {
        Bump::Major => breaking_step,
        Bump::Minor => feature_step,
        Bump::None => d >= r,
    }
}

/// The version a crate's manifest declares.
pub fn declared_version(root: &Path, package: &str) -> Result<String> {
    let manifest = std::fs::read_to_string(root.join("crates").join(package).join("Cargo.toml"))
        .with_context(|| format!("reading {package}'s Cargo.toml"))?;
    workspace::manifest_value(&manifest, "version").with_context(|| format!("{package}'s Cargo.toml has no version"))
}

/// The released version a baseline listing names in its first line
/// (`# remix-client 0.1.0`).
pub fn released_version(baseline: &str) -> Option<String> {
    baseline
        .lines()
        .next()?
        .strip_prefix("# ")?
        .split(' ')
        .nth(1)
        .map(str::to_string)
}

/// The commit a baseline was recorded at (`# remix-client 0.1.0 REV`): the
/// released sources cargo-semver-checks builds its baseline from.
pub fn released_rev(baseline: &str) -> Option<String> {
    baseline
        .lines()
        .next()?
        .strip_prefix("# ")?
        .split(' ')
        .nth(2)
        .map(str::to_string)
}

/// Whether `cargo semver-checks` is installed.
fn semver_checks_installed() -> bool {
    workspace::cargo()
        .args(["semver-checks", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// `cargo semver-checks check-release -p PACKAGE --baseline-rev REV`: its
/// lints (a private field added to a struct built with a literal, a variant
/// added to an exhaustive enum, a trait method added, ...) against the
/// released sources, judged against the version in the manifest.
fn semver_checks(root: &Path, package: &str, rev: &str) -> Result<bool> {
    let status = workspace::cargo()
        .current_dir(root)
        .args([
            "semver-checks",
            "check-release",
            "--package",
            package,
            "--baseline-rev",
            rev,
        ])
        .status()
        .context("running cargo semver-checks")?;
    Ok(status.success())
}

/// The commit checked out now.
fn head_rev(root: &Path) -> Result<String> {
    let out = std::process::Command::new("git")
        .current_dir(root)
        .args(["rev-parse", "HEAD"])
        .output()
        .context("running git rev-parse HEAD")?;
    if !out.status.success() {
        bail!("git rev-parse HEAD failed: --record needs a git checkout (the baseline names its commit)");
    }
    Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// `cargo xtask semver`: every library crate judged against its baseline;
/// fails when a crate's declared version is lower than its change needs.
/// `--record` writes the current listings as the new baselines (at a
/// release).
pub fn semver(root: &Path, record: bool) -> Result<bool> {
    let mut ok = true;
    let rev = if record { Some(head_rev(root)?) } else { None };
    let checks = !record && semver_checks_installed();
    if !record && !checks {
        println!(
            "cargo-semver-checks is not installed: only the listing comparison runs (`cargo install --locked cargo-semver-checks`)"
        );
    }
    for (package, _) in LIBRARY_CRATES {
        let current = listing(root, package)?;
        let declared = declared_version(root, package)?;
        let path = root.join(baseline_path(package));
        if record {
            std::fs::create_dir_all(path.parent().context("api/ has a parent")?)?;
            let rev = rev.as_deref().unwrap_or_default();
            std::fs::write(&path, format!("# {package} {declared} {rev}\n{current}"))?;
            println!("{package} {declared}: baseline recorded in {}", baseline_path(package));
            continue;
        }
        let baseline = std::fs::read_to_string(&path).with_context(|| {
            format!(
                "reading {} (record one with cargo xtask semver --record)",
                baseline_path(package)
            )
        })?;
        let released = released_version(&baseline).context("the baseline's first line names no version")?;
        let verdict = judge(package, &baseline, &current);
        let needs = match verdict.bump {
            Bump::None => "no API change (a patch at most)",
            Bump::Minor => "minor: items added",
            Bump::Major if version(&released).0 == 0 => "major: items removed or changed (a minor bump while 0.x)",
            Bump::Major => "major: items removed or changed",
        };
        let suffices = version_suffices(&released, &declared, verdict.bump);
        println!(
            "{package}: {needs}; released {released}, Cargo.toml says {declared}{}",
            if suffices { "" } else { ": TOO LOW" }
        );
        for line in &verdict.removed {
            println!("  - {line}");
        }
        for line in &verdict.added {
            println!("  + {line}");
        }
        ok &= suffices;
        if checks {
            match released_rev(&baseline) {
                Some(rev) => {
                    let passed = semver_checks(root, package, &rev)?;
                    println!(
                        "{package}: cargo-semver-checks against {}: {}",
                        &rev[..rev.len().min(12)],
                        if passed { "pass" } else { "FAILED (see above)" }
                    );
                    ok &= passed;
                }
                None => println!("{package}: the baseline names no commit; cargo-semver-checks skipped"),
            }
        }
    }
    Ok(ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributes_are_items_the_header_is_not() {
        // `#[non_exhaustive]` starts an item's line: making a type
        // exhaustive again is a change, not a comment.
        let released = "# c 0.1.0\n#[non_exhaustive] pub struct c::S\n";
        let verdict = judge("c", released, "pub struct c::S\n");
        assert_eq!(verdict.bump, Bump::Major);
        assert_eq!(verdict.removed, vec!["#[non_exhaustive] pub struct c::S"]);
        assert_eq!(
            judge("c", released, "#[non_exhaustive] pub struct c::S\n").bump,
            Bump::None
        );
    }

    #[test]
    fn a_variant_of_an_exhaustive_enum_is_breaking() {
        let released = "# c 0.1.0\npub enum c::E\npub c::E::A\n#[non_exhaustive] pub enum c::F\npub c::F::A\n";
        let exhaustive = judge("c", released, &format!("{}pub c::E::B(u8)\n", &released[10..]));
        assert_eq!(exhaustive.bump, Bump::Major, "{exhaustive:?}");
        let open = judge("c", released, &format!("{}pub c::F::B\n", &released[10..]));
        assert_eq!(open.bump, Bump::Minor, "{open:?}");
    }

    #[test]
    fn changes_are_judged_as_semver_does() {
        let released = "# c 0.1.0\npub fn c::a()\npub fn c::b()\n";
        assert_eq!(judge("c", released, "pub fn c::a()\npub fn c::b()\n").bump, Bump::None);
        let added = judge("c", released, "pub fn c::a()\npub fn c::b()\npub fn c::new()\n");
        assert_eq!((added.bump, added.added.len()), (Bump::Minor, 1));
        let changed = judge("c", released, "pub fn c::a(u8)\npub fn c::b()\n");
        assert_eq!(changed.bump, Bump::Major);
        assert_eq!(changed.removed, vec!["pub fn c::a()"]);
        assert_eq!(released_version(released).as_deref(), Some("0.1.0"));
        let structs = "# c 0.1.0\npub struct c::Body\npub c::Body::a: u8\n#[non_exhaustive] pub struct c::Open\n";
        let field = judge("c", structs, &format!("{}pub c::Body::b: u8\n", &structs[10..]));
        assert_eq!(field.bump, Bump::Major, "a struct literal no longer compiles");
        let open = judge("c", structs, &format!("{}pub c::Open::b: u8\n", &structs[10..]));
        assert_eq!(open.bump, Bump::Minor, "non_exhaustive: no literal to break");
    }

    #[test]
    fn the_declared_version_must_cover_the_change() {
        assert!(version_suffices("0.1.0", "0.1.0", Bump::None));
        assert!(!version_suffices("0.1.0", "0.1.0", Bump::Minor));
        assert!(version_suffices("0.1.0", "0.1.1", Bump::Minor));
        assert!(!version_suffices("0.1.0", "0.1.1", Bump::Major));
        assert!(version_suffices("0.1.0", "0.2.0", Bump::Major));
        assert!(version_suffices("1.2.0", "2.0.0", Bump::Major));
        assert!(!version_suffices("1.2.0", "1.3.0", Bump::Major));
        assert!(version_suffices("1.2.0", "1.3.0", Bump::Minor));
    }
}
