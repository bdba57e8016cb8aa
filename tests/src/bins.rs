//! The workspace's binaries, built once per test process (a no-op when
//! they are fresh), and a running `remix-mock` process.
//!
//! Their paths come from cargo's own build report (`--message-format
//! json`), so a target directory set anywhere (`CARGO_TARGET_DIR`,
//! `build.target-dir`) is found.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;

/// Builds `remix` and `remix-mock` and returns every executable cargo
/// reported, by name.
fn build() -> HashMap<String, PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .args([
            "build",
            "--quiet",
            "--message-format",
            "json",
            "--package",
            "remix-cli",
            "--package",
            "remix-mock",
        ])
        .stderr(Stdio::inherit())
        .output()
        .expect("cargo runs");
    assert!(output.status.success(), "building remix and remix-mock failed");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter_map(|message| {
            let path = PathBuf::from(message["executable"].as_str()?);
            let name = path.file_stem()?.to_string_lossy().into_owned();
            Some((name, path))
        })
        .collect()
}

/// Path of a workspace binary (`remix`, `remix-mock`), after building them.
pub fn path(name: &str) -> PathBuf {
    static BUILT: OnceLock<HashMap<String, PathBuf>> = OnceLock::new();
    BUILT
        .get_or_init(build)
        .get(name)
        .unwrap_or_else(|| panic!("cargo built no binary named {name}"))
        .clone()
}

/// A `remix` command with `args`, with no REMIX_* variables from the
/// caller's environment.
pub fn remix_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(path("remix"));
    cmd.args(args)
        .env_remove("REMIX_API_KEY")
        .env_remove("REMIX_BASE_URL")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// Runs `remix` with `args` (see [`remix_command`]) and returns its output.
pub fn remix(args: &[&str], env: &[(&str, &str)]) -> Output {
    remix_command(args, env).output().expect("remix runs")
}

/// A `remix-mock` process on 127.0.0.1, port 0; killed on drop.
pub struct Mock {
    child: Child,
    /// `http://127.0.0.1:PORT`, from the mock's first stdout line.
    pub url: String,
}

impl Mock {
    /// Starts the mock with extra flags.
    pub fn start(args: &[&str]) -> Mock {
        let mut child = Command::new(path("remix-mock"))
            .args(["--port", "0"])
            .args(args)
            .env_remove("REMIX_MOCK_API_KEY")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("remix-mock starts");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).expect("the first line");
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "first line is the address: {url:?}"
        );
        Mock { child, url }
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
