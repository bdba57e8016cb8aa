//! `cargo xtask spec-update (FILE | --url URL)`: the whole update of
//! `openapi/remix.yaml` in one command. It reads the new spec (refusing
//! what is not one), writes it, regenerates, explains the change in API
//! terms, refreshes the API listings, bumps the versions the change needs,
//! writes the CHANGELOG entries and a pull-request body
//! (`target/spec-update/PR.md`), and ends with what CI checks on generated
//! code. When remix-client no longer compiles against the new raw crate,
//! it names the breaking spec changes and stops before any version,
//! changelog or change-log entry is written.

pub mod changes;
mod pr;
pub mod versions;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::api::{self, LIBRARY_CRATES};
use crate::codegen::{self, Mode};
use crate::workspace;

/// Where the new spec comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file.
    File(PathBuf),
    /// An `https://` URL (or `http://` on loopback), fetched with the
    /// workspace's reqwest and rustls (`xtask/spec-fetch`).
    Url(String),
}

impl Source {
    /// `FILE` or `--url URL`.
    pub fn parse(args: &[&str]) -> Result<Source> {
        match args {
            ["--url", url] => Ok(Source::Url((*url).to_string())),
            [file] if !file.starts_with("--") => Ok(Source::File(PathBuf::from(file))),
            _ => bail!("usage: cargo xtask spec-update (FILE | --url URL)"),
        }
    }
}

/// One crate's line of the semver table.
#[derive(Debug, Clone)]
pub struct Bumped {
    pub package: &'static str,
    pub released: String,
    pub before: String,
    pub after: String,
    pub verdict: api::Bump,
    /// Why it moved: its API changed, or a dependency it is released with.
    pub why: String,
    /// What this update added to the crate's API, and removed or changed:
    /// the accepted listing before it against the one after (the release
    /// may be further back; the verdict is against the release).
    pub added: Vec<String>,
    pub removed: Vec<String>,
}

/// Runs the update; the exit code says whether the tree is ready to commit.
pub fn run(source: &Source) -> Result<ExitCode> {
    let root = workspace::root()?;
    let scratch = workspace::target_dir()?.join("spec-update");
    std::fs::create_dir_all(&scratch)?;
    let new = read(&root, source, &scratch)?;
    let new_path = scratch.join("new-spec");
    std::fs::write(&new_path, &new)?;
    let spec_path = root.join(changes::SPEC);
    let before = std::fs::read(&spec_path).with_context(|| format!("reading {}", changes::SPEC))?;
    let generated_from = std::fs::read(root.join(changes::GENERATED_FROM)).unwrap_or_else(|_| before.clone());
    // Parses both: what is not a spec is refused here, with client-gen's reason.
    let old_path = root.join(changes::GENERATED_FROM);
    let old_path = if old_path.exists() { old_path } else { spec_path.clone() };
    let report = codegen::diff_report(&root, &old_path, &new_path)
        .context("the new document was refused (it must be a Swagger 2.0 or OpenAPI 3.x spec)")?;
    if new == before && new == generated_from {
        println!(
            "no change: {} is already this spec (sha256 {})",
            changes::SPEC,
            changes::sha256(&new)
        );
        return Ok(ExitCode::SUCCESS);
    }
    println!("==> the spec changes, in API terms:\n{report}");
    std::fs::write(&spec_path, &new).with_context(|| format!("writing {}", changes::SPEC))?;
    codegen::clients(&root, Mode::Write)?;
    if let Err(e) = compiles(&root) {
        eprintln!("error: {e:#}");
        eprintln!(
            "remix-client does not compile against the regenerated remix-raw. The spec changes that can cause it:\n{}",
            breaking_lines(&report).join("\n")
        );
        eprintln!(
            "The regenerated tree is left as it is: adapt remix-client, then run the same command again \
             (no version, CHANGELOG or CHANGES entry was written)."
        );
        return Ok(ExitCode::FAILURE);
    }
    codegen::image_request_schema(&root, Mode::Write)?;
    codegen::rule_docs(&root, Mode::Write)?;
    if let changes::Explained::Logged { .. } = changes::explain(&root)? {
        println!("==> entry added to {}", changes::CHANGES);
    }
    changes::keep_generated_from(&root, Mode::Write)?;
    let bumped = bump(&root, &report)?;
    let summary = left_out(&root)?;
    let pr = pr::body(
        &report,
        &bumped,
        &summary,
        &changes::sha256(&generated_from),
        &changes::sha256(&new),
    );
    let pr_path = scratch.join("PR.md");
    std::fs::write(&pr_path, &pr)?;
    std::fs::write(scratch.join("label"), pr::label(pr::overall(&bumped)))?;
    println!("{}", pr::table(&bumped));
    println!("==> pull-request body: {}", pr_path.display());
    ready(&root)
}

/// The spec's bytes from `source`.
fn read(root: &Path, source: &Source, scratch: &Path) -> Result<Vec<u8>> {
    match source {
        Source::File(path) => std::fs::read(path).with_context(|| format!("reading {}", path.display())),
        Source::Url(url) => {
            let out = scratch.join("fetched");
            let status = workspace::cargo()
                .current_dir(root)
                .args(["run", "--quiet", "--package", "spec-fetch", "--"])
                .arg(url)
                .arg(&out)
                .status()
                .context("running spec-fetch")?;
            if !status.success() {
                bail!("fetching {url} failed (the line above says why)");
            }
            std::fs::read(&out).with_context(|| format!("reading {}", out.display()))
        }
    }
}

/// `cargo check -p remix-client --all-targets`: whether the hand-written
/// crate still compiles against the regenerated one.
fn compiles(root: &Path) -> Result<()> {
    let status = workspace::cargo()
        .current_dir(root)
        .args([
            "check",
            "--quiet",
            "--package",
            "remix-client",
            "--all-targets",
            "--all-features",
        ])
        .status()
        .context("running cargo check")?;
    if !status.success() {
        bail!("cargo check -p remix-client failed ({status})");
    }
    Ok(())
}

/// The breaking lines of a `client-gen diff` report (all of its lines when
/// it names none breaking).
fn breaking_lines(report: &str) -> Vec<String> {
    let changes: Vec<&str> = report.lines().filter(|l| l.starts_with("- ")).collect();
    let breaking: Vec<String> = changes
        .iter()
        .filter(|l| l.starts_with("- breaking"))
        .map(|l| format!("  {l}"))
        .collect();
    if breaking.is_empty() {
        changes.iter().map(|l| format!("  {l}")).collect()
    } else {
        breaking
    }
}

/// The listings refreshed, each crate judged against its release and
/// bumped as needed (dependents of a bumped crate by a patch at least),
/// and the CHANGELOG entries written.
fn bump(root: &Path, report: &str) -> Result<Vec<Bumped>> {
    // Every listing first: a version written into a manifest makes the
    // lock file stale until it is refreshed below.
    let mut listings = Vec::new();
    for (package, _) in LIBRARY_CRATES {
        listings.push((package, api::listing(root, package)?));
    }
    let mut bumped: Vec<Bumped> = Vec::new();
    for (package, current) in listings {
        let previous = accepted_snapshot(root, package).unwrap_or_else(|| current.clone());
        let this_update = api::judge(package, &previous, &current);
        write_snapshot(root, package, &current)?;
        let baseline = std::fs::read_to_string(root.join(api::baseline_path(package)))
            .with_context(|| format!("reading {}", api::baseline_path(package)))?;
        let released = api::released_version(&baseline).context("the baseline names no version")?;
        let before = api::declared_version(root, package)?;
        let verdict = api::judge(package, &baseline, &current);
        let mut after = versions::needed_version(&released, &before, verdict.bump);
        let mut why = String::from("its API");
        let moved_dependency = versions::DEPENDENTS.iter().find(|(dependency, dependents)| {
            dependents.contains(&package) && bumped.iter().any(|b| b.package == *dependency && b.after != b.before)
        });
        if after == before
            && let Some((dependency, _)) = moved_dependency
        {
            after = versions::patch_after(&released, &before);
            why = format!("{dependency}'s new version");
        }
        bumped.push(Bumped {
            package,
            released,
            before,
            after,
            verdict: verdict.bump,
            why,
            added: this_update.added,
            removed: this_update.removed,
        });
    }
    for b in bumped.iter().filter(|b| b.after != b.before) {
        versions::set_version(root, b.package, &b.after)?;
    }
    if bumped.iter().any(|b| b.after != b.before) {
        // The workspace's own entries of Cargo.lock take the new versions;
        // nothing else is updated, and nothing is fetched.
        let status = workspace::cargo()
            .current_dir(root)
            .args(["update", "--workspace", "--offline", "--quiet"])
            .status()
            .context("running cargo update --workspace")?;
        if !status.success() {
            bail!("cargo update --workspace --offline failed ({status})");
        }
    }
    let changelog_path = root.join("CHANGELOG.md");
    let mut changelog = std::fs::read_to_string(&changelog_path).context("reading CHANGELOG.md")?;
    for b in bumped.iter().filter(|b| b.after != b.before) {
        let lines = pr::changelog_lines(b, report);
        changelog = versions::changelog_with(&changelog, b.package, &b.after, &lines);
    }
    std::fs::write(&changelog_path, changelog).context("writing CHANGELOG.md")?;
    Ok(bumped)
}

/// The accepted snapshot of `package`'s API before this update (the
/// listing without insta's header), if there is one.
fn accepted_snapshot(root: &Path, package: &str) -> Option<String> {
    let text = std::fs::read_to_string(root.join(format!("xtask/tests/snapshots/api__{package}.snap"))).ok()?;
    let body = text.strip_prefix("---\n")?.split_once("\n---\n")?.1;
    Some(body.to_string())
}

/// Writes `listing` as the accepted snapshot of `package`'s API (what the
/// API test compares; the diff is the reviewer's view of the change).
fn write_snapshot(root: &Path, package: &str, listing: &str) -> Result<()> {
    let path = root.join(format!("xtask/tests/snapshots/api__{package}.snap"));
    let text = format!("---\nsource: xtask/tests/api.rs\nexpression: text\n---\n{listing}");
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))
}

/// client-gen's summary of the new spec (`left_out` lists what it could
/// not generate, with why).
fn left_out(root: &Path) -> Result<serde_json::Value> {
    let out = workspace::target_dir()?.join("spec-update").join("summary.rs");
    let mut command = codegen::client_gen(root);
    command
        .arg("generate")
        .arg(root.join(changes::SPEC))
        .arg(&out)
        .arg("--summary");
    let output = command.output().context("running client-gen --summary")?;
    Ok(serde_json::from_slice(&output.stdout).unwrap_or_default())
}

/// What CI checks on generated code, and one line on whether the tree is
/// ready to commit.
fn ready(root: &Path) -> Result<ExitCode> {
    let mut failed = Vec::new();
    let mut stale = codegen::clients(root, Mode::Check)?;
    stale.extend(changes::keep_generated_from(root, Mode::Check)?);
    stale.extend(codegen::rule_docs(root, Mode::Check)?);
    stale.extend(codegen::image_request_schema(root, Mode::Check)?);
    if !stale.is_empty() {
        codegen::report(&stale, Mode::Check);
        failed.push("cargo xtask codegen --check");
    }
    let api_test = workspace::cargo()
        .current_dir(root)
        .env("INSTA_UPDATE", "no")
        .args(["test", "--quiet", "--package", "xtask", "--test", "api"])
        .status()
        .context("running the API snapshot test")?;
    if !api_test.success() {
        failed.push("the API snapshot test");
    }
    if !api::semver(root, false)? {
        failed.push("cargo xtask semver");
    }
    if failed.is_empty() {
        println!("==> ready to commit: codegen --check, the API snapshots and semver pass");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("==> NOT ready to commit: {} failed", failed.join(", "));
        Ok(ExitCode::FAILURE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_update_is_judged_against_the_listing_accepted_before_it() {
        let root = workspace::target_dir()
            .unwrap()
            .join("tmp")
            .join("spec-update-snapshot");
        let folder = root.join("xtask/tests/snapshots");
        std::fs::create_dir_all(&folder).unwrap();
        let before = "pub struct remix_client::Kept\npub fn remix_client::gone()\n";
        write_snapshot(&root, "remix-client", before).unwrap();
        let previous = accepted_snapshot(&root, "remix-client").unwrap();
        assert_eq!(previous, before, "insta's header is not part of the listing");
        let after = "pub struct remix_client::Kept\npub fn remix_client::new()\n";
        let verdict = api::judge("remix-client", &previous, after);
        assert_eq!(verdict.removed, vec!["pub fn remix_client::gone()"]);
        assert_eq!(verdict.added, vec!["pub fn remix_client::new()"]);
        assert!(accepted_snapshot(&root, "no-such-crate").is_none());
    }
}
