//! The pull-request body of a spec update (`target/spec-update/PR.md`),
//! its semver table, and the CHANGELOG lines of each crate.

use std::fmt::Write as _;

use super::Bumped;
use crate::api::Bump;

/// How many API items a CHANGELOG entry lists before it says how many more.
const MOST_ITEMS: usize = 12;

/// The word a verdict is labelled with: `major`, `minor` or `patch`.
pub fn label(verdict: Bump) -> &'static str {
    match verdict {
        Bump::Major => "major",
        Bump::Minor => "minor",
        Bump::None => "patch",
    }
}

/// The largest verdict of the update, what the pull request is labelled.
pub fn overall(bumped: &[Bumped]) -> Bump {
    if bumped.iter().any(|b| b.verdict == Bump::Major) {
        Bump::Major
    } else if bumped.iter().any(|b| b.verdict == Bump::Minor) {
        Bump::Minor
    } else {
        Bump::None
    }
}

/// The semver table: each library crate, its API verdict and its version.
pub fn table(bumped: &[Bumped]) -> String {
    let mut out = String::from("| crate | API change | released | was | now | why |\n|---|---|---|---|---|---|\n");
    for b in bumped {
        let why = if b.after == b.before {
            "unchanged"
        } else {
            b.why.as_str()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {why} |",
            b.package,
            label(b.verdict),
            b.released,
            b.before,
            b.after
        );
    }
    out
}

/// The `- ` lines of a `client-gen diff` report, without the dash.
fn change_lines(report: &str) -> Vec<String> {
    report
        .lines()
        .filter_map(|l| l.strip_prefix("- "))
        .map(str::to_string)
        .collect()
}

/// What `b`'s CHANGELOG entry says: for remix-raw the spec's changes, for
/// every crate the public items removed or changed and added.
pub fn changelog_lines(b: &Bumped, report: &str) -> Vec<String> {
    let mut lines = Vec::new();
    if b.package == "remix-raw" {
        lines.extend(change_lines(report).into_iter().map(|l| format!("The spec: {l}.")));
    }
    let mut items = |what: &str, list: &[String]| {
        for item in list.iter().take(MOST_ITEMS) {
            lines.push(format!("{what}: `{item}`"));
        }
        if list.len() > MOST_ITEMS {
            lines.push(format!("{what}: {} more items", list.len() - MOST_ITEMS));
        }
    };
    items("Removed or changed (breaking)", &b.removed);
    items("Added", &b.added);
    if b.removed.is_empty() && b.added.is_empty() {
        lines.push(format!("No API change; released for {}.", b.why));
    }
    lines
}

/// The pull-request body.
pub fn body(report: &str, bumped: &[Bumped], summary: &serde_json::Value, old_hash: &str, new_hash: &str) -> String {
    let mut out = format!(
        "# Spec update: openapi/remix.yaml\n\nFrom the spec with SHA-256 `{}…` to `{}…`, written by `cargo xtask spec-update`. \
         Semver verdict: **{}**.\n\n## What changed in the API\n\n{report}\n## Versions\n\n{}\n",
        &old_hash[..old_hash.len().min(12)],
        &new_hash[..new_hash.len().min(12)],
        label(overall(bumped)),
        table(bumped)
    );
    out.push_str("## Operations left out\n\n");
    match summary["left_out"].as_array() {
        Some(left) if !left.is_empty() => {
            for op in left {
                let _ = writeln!(out, "- {op}");
            }
        }
        _ => out.push_str("None: every operation of the spec was generated.\n"),
    }
    out.push_str("\n## What a reviewer must look at\n\n");
    let client = bumped.iter().find(|b| b.package == "remix-client");
    match client {
        Some(c) if !c.removed.is_empty() => {
            out.push_str(
                "1. **remix-client users must change their code**: this update removed or changed these public items:\n",
            );
            for item in c.removed.iter().take(MOST_ITEMS) {
                let _ = writeln!(out, "   - `{item}`");
            }
        }
        _ => out.push_str(
            "1. This update leaves remix-client's public API as it was: its users change nothing (remix-raw's breaking changes, if any, stop there).\n",
        ),
    }
    out.push_str(
        "2. The diff of `xtask/tests/snapshots/api__*.snap`: every public item that moved, per crate.\n\
         3. remix-client's hand-kept tables (`crates/remix-client/src/wire.rs`, `limits.rs`): the spec carries \
         `image_request` as a JSON string, so a changed enum value or limit there is not generated; check the \
         change above against them.\n\
         4. `openapi/CHANGES.md` and `CHANGELOG.md`: the entries written for this update.\n",
    );
    out
}
