//! Versions after a spec update: the smallest version each crate's API
//! change needs, the manifests that name it, and the CHANGELOG entries.

use std::path::Path;

use anyhow::{Context, Result};

use crate::api::{Bump, version, version_suffices};

/// The crates whose manifests may name a library crate's version.
const MANIFESTS: [&str; 7] = [
    "crates/client-support/Cargo.toml",
    "crates/remix-raw/Cargo.toml",
    "crates/remix-client/Cargo.toml",
    "crates/remix-mock/Cargo.toml",
    "crates/remix-cli/Cargo.toml",
    "tests/Cargo.toml",
    "bench/Cargo.toml",
];

/// Which crates depend on which, for the bumps a dependency's new version
/// makes necessary (a release that can use it).
pub const DEPENDENTS: [(&str, &[&str]); 3] = [
    ("client-support", &["remix-raw"]),
    ("remix-raw", &["remix-client"]),
    ("remix-client", &["remix-mock", "remix-cli"]),
];

/// The smallest version at or above `declared` that covers `needed` since
/// `released`; `declared` itself when it does already.
pub fn needed_version(released: &str, declared: &str, needed: Bump) -> String {
    if version_suffices(released, declared, needed) {
        return declared.to_string();
    }
    let (major, minor, patch) = version(released);
    let (major, minor, patch) = match (needed, major) {
        (Bump::Major, 0) | (Bump::Minor, 1..) => (major, minor + 1, 0),
        (Bump::Major, _) => (major + 1, 0, 0),
        (Bump::Minor, 0) | (Bump::None, _) => (major, minor, patch + 1),
    };
    format!("{major}.{minor}.{patch}")
}

/// The next patch version of `released`, for a crate whose API is
/// unchanged but whose dependency moved (when its declared version is not
/// past `released` already).
pub fn patch_after(released: &str, declared: &str) -> String {
    if version(declared) > version(released) {
        return declared.to_string();
    }
    let (major, minor, patch) = version(released);
    format!("{major}.{minor}.{}", patch + 1)
}

/// `manifest` with `package`'s own version (when it is that crate's) or
/// its version requirement (in a dependency line) set to `new`.
pub fn set_in_manifest(manifest: &str, package: &str, new: &str) -> String {
    let own = crate::workspace::manifest_value(manifest, "name").as_deref() == Some(package);
    let mut done_own = false;
    let mut out = String::with_capacity(manifest.len());
    for line in manifest.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let replaced = if own && !done_own && trimmed.starts_with("version = \"") {
            done_own = true;
            Some(format!("version = \"{new}\"\n"))
        } else if trimmed.starts_with(&format!("{package} = {{")) && trimmed.contains("version = \"") {
            let start = line.find("version = \"").map(|i| i + "version = \"".len());
            start.and_then(|s| {
                line[s..]
                    .find('"')
                    .map(|e| format!("{}{new}{}", &line[..s], &line[s + e..]))
            })
        } else {
            None
        };
        out.push_str(replaced.as_deref().unwrap_or(line));
    }
    out
}

/// Sets `package`'s version to `new` in its manifest and every
/// requirement on it in the workspace's manifests.
pub fn set_version(root: &Path, package: &str, new: &str) -> Result<()> {
    for path in MANIFESTS {
        let full = root.join(path);
        let Ok(text) = std::fs::read_to_string(&full) else {
            continue;
        };
        let updated = set_in_manifest(&text, package, new);
        if updated != text {
            std::fs::write(&full, updated).with_context(|| format!("writing {path}"))?;
        }
    }
    Ok(())
}

/// `changelog` with `lines` under `### PACKAGE VERSION` in its
/// "Unreleased" section (the heading renamed to the new version when the
/// crate has one there already).
pub fn changelog_with(changelog: &str, package: &str, version: &str, lines: &[String]) -> String {
    let body: String = lines.iter().map(|l| format!("- {l}\n")).collect();
    let Some(unreleased) = changelog.find("## [Unreleased]") else {
        return format!("{changelog}\n## [Unreleased]\n\n### {package} {version}\n\n{body}");
    };
    let section_end = changelog[unreleased + 1..]
        .find("\n## ")
        .map_or(changelog.len(), |i| unreleased + 1 + i + 1);
    let section = &changelog[unreleased..section_end];
    let heading = format!("### {package} ");
    let new_section = if let Some(at) = section.find(&heading) {
        let line_end = section[at..].find('\n').map_or(section.len(), |i| at + i);
        let after_heading = section[line_end..].find("\n\n").map_or(line_end, |i| line_end + i + 2);
        let rest = &section[after_heading..];
        // Prose after the heading keeps a blank line from the new items.
        let gap = if rest.starts_with("- ") || rest.is_empty() {
            ""
        } else {
            "\n"
        };
        format!(
            "{}### {package} {version}{}{body}{gap}{rest}",
            &section[..at],
            &section[line_end..after_heading],
        )
    } else {
        let section = section.replace("\nNothing yet.\n", "\n");
        let title_end = section.find('\n').map_or(section.len(), |i| i + 1);
        let rest = section[title_end..].trim_start_matches('\n');
        format!("{}\n### {package} {version}\n\n{body}\n{rest}", &section[..title_end])
    };
    format!("{}{new_section}{}", &changelog[..unreleased], &changelog[section_end..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_smallest_sufficient_version_is_chosen() {
        assert_eq!(needed_version("0.1.0", "0.1.0", Bump::Major), "0.2.0");
        assert_eq!(needed_version("0.1.0", "0.1.0", Bump::Minor), "0.1.1");
        assert_eq!(needed_version("0.1.0", "0.1.0", Bump::None), "0.1.0");
        assert_eq!(needed_version("0.1.0", "0.2.0", Bump::Major), "0.2.0", "already enough");
        assert_eq!(needed_version("1.4.2", "1.4.2", Bump::Major), "2.0.0");
        assert_eq!(needed_version("1.4.2", "1.4.2", Bump::Minor), "1.5.0");
        assert_eq!(patch_after("0.2.0", "0.2.0"), "0.2.1");
        assert_eq!(patch_after("0.2.0", "0.3.0"), "0.3.0");
    }

    #[test]
    fn manifests_get_the_version_and_the_requirements() {
        let own = "[package]\nname = \"remix-raw\"\nversion = \"0.1.0\"\n\n[dependencies]\nclient-support = { path = \"../client-support\", version = \"0.1.1\" }\n";
        let bumped = set_in_manifest(own, "remix-raw", "0.2.0");
        assert!(
            bumped.contains("version = \"0.2.0\"\n") && bumped.contains("version = \"0.1.1\" }"),
            "{bumped}"
        );
        let dependent = "[package]\nname = \"remix-client\"\nversion = \"0.2.0\"\n[dependencies]\nremix-raw = { path = \"../remix-raw\", version = \"0.1.0\" }\n";
        let moved = set_in_manifest(dependent, "remix-raw", "0.2.0");
        assert!(
            moved.contains("name = \"remix-client\"\nversion = \"0.2.0\""),
            "its own version untouched"
        );
        assert!(
            moved.contains("remix-raw = { path = \"../remix-raw\", version = \"0.2.0\" }"),
            "{moved}"
        );
    }

    #[test]
    fn changelog_entries_go_under_unreleased() {
        let log = "# Changelog\n\n## [Unreleased]\n\nNothing yet.\n\n## [0.1.0] - 2026-11-29\n\nold\n";
        let once = changelog_with(log, "remix-raw", "0.2.0", &["optional part `x` added".into()]);
        assert_eq!(
            once,
            "# Changelog\n\n## [Unreleased]\n\n### remix-raw 0.2.0\n\n- optional part `x` added\n\n## [0.1.0] - 2026-11-29\n\nold\n"
        );
        let twice = changelog_with(&once, "remix-raw", "0.2.0", &["field `y` added".into()]);
        assert!(
            twice.contains("### remix-raw 0.2.0\n\n- field `y` added\n- optional part `x` added\n"),
            "{twice}"
        );
        assert_eq!(twice.matches("### remix-raw").count(), 1);
        let prose = "## [Unreleased]\n\n### remix-client 0.2.0\n\nBreaking:\n\n- a\n";
        let bumped = changelog_with(prose, "remix-client", "0.2.1", &["b".into()]);
        assert_eq!(
            bumped,
            "## [Unreleased]\n\n### remix-client 0.2.1\n\n- b\n\nBreaking:\n\n- a\n"
        );
    }
}
