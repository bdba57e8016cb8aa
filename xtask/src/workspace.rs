//! Where things are: the workspace root, the target directory and the
//! `cargo` to run, all found at run time from where the command runs,
//! never from where xtask was compiled (a target directory shared by two
//! checkouts reuses one xtask binary for both).

use std::path::PathBuf;
use std::process::Command;

use anyhow::{Context, Result, bail};

/// The `cargo` that runs us (`$CARGO`), or `cargo` from `PATH`.
pub fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// The workspace root: the folder above xtask's manifest, which cargo names
/// in `CARGO_MANIFEST_DIR` when it runs us (`cargo xtask`, `cargo test`);
/// else what `cargo locate-project --workspace` says for the current
/// directory.
pub fn root() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os("CARGO_MANIFEST_DIR") {
        let dir = PathBuf::from(dir);
        if let Some(parent) = dir.parent()
            && dir.join("Cargo.toml").is_file()
            && parent.join("Cargo.toml").is_file()
        {
            return Ok(parent.to_path_buf());
        }
    }
    let out = cargo()
        .args(["locate-project", "--workspace", "--message-format", "plain"])
        .output()
        .context("running cargo locate-project")?;
    if !out.status.success() {
        bail!(
            "cannot find the workspace from {}: {}",
            std::env::current_dir().unwrap_or_default().display(),
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    let manifest = PathBuf::from(String::from_utf8(out.stdout).context("a UTF-8 path")?.trim());
    Ok(manifest.parent().context("a manifest path has a folder")?.to_path_buf())
}

/// The target directory cargo builds into for this workspace (honoring
/// `CARGO_TARGET_DIR` and `build.target-dir`), from `cargo metadata`.
pub fn target_dir() -> Result<PathBuf> {
    let out = cargo()
        .current_dir(root()?)
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .output()
        .context("running cargo metadata")?;
    if !out.status.success() {
        bail!("cargo metadata failed: {}", String::from_utf8_lossy(&out.stderr).trim());
    }
    let metadata: serde_json::Value = serde_json::from_slice(&out.stdout).context("cargo metadata's JSON")?;
    let dir = metadata["target_directory"]
        .as_str()
        .context("cargo metadata names no target_directory")?;
    Ok(PathBuf::from(dir))
}

/// The string value of the first `key = "value"` line of a `Cargo.toml`'s
/// text (`version`, `rust-version`).
pub fn manifest_value(manifest: &str, key: &str) -> Option<String> {
    manifest.lines().find_map(|line| {
        let rest = line.trim().strip_prefix(key)?.trim_start().strip_prefix('=')?;
        Some(rest.trim().trim_matches('"').to_string())
    })
}

/// A server process this command started, killed when dropped.
pub struct Server {
    child: std::process::Child,
    /// The address it printed as its first line (`http://127.0.0.1:PORT`).
    pub url: String,
}

impl Server {
    /// Starts `command` and reads its first stdout line, its address.
    pub fn start(command: &mut Command, what: &str) -> Result<Server> {
        use std::io::{BufRead, BufReader};
        let mut child = command
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {what}"))?;
        let mut first = String::new();
        let read = child.stdout.take().map(|out| BufReader::new(out).read_line(&mut first));
        let url = first.trim().to_string();
        if !matches!(read, Some(Ok(n)) if n > 0) || !url.starts_with("http://") {
            let _ = child.kill();
            let _ = child.wait();
            bail!("{what} did not print its address");
        }
        Ok(Server { child, url })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_the_folder_above_xtask() {
        let root = root().unwrap();
        assert!(root.join("xtask/Cargo.toml").is_file(), "{}", root.display());
        assert!(root.join("openapi/remix.yaml").is_file(), "{}", root.display());
    }
}
