//! The workspace's binaries, built once per test process (a no-op when
//! they are fresh), and a running `remix-mock` process.
//!
//! Their paths come from cargo's own build report (`--message-format
//! json`), so a target directory set anywhere (`CARGO_TARGET_DIR`,
//! `build.target-dir`) is found.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

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

/// A `remix` command with `args`, with no REMIX_* variables (nor
/// RUST_LOG) from the caller's environment.
pub fn remix_command(args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut cmd = Command::new(path("remix"));
    cmd.args(args)
        .env_remove("REMIX_API_KEY")
        .env_remove("REMIX_BASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd
}

/// How long a test lets one `remix` process run before it fails the test
/// (every run here takes seconds; a hang must fail, not freeze the suite).
pub const PROCESS_DEADLINE: Duration = Duration::from_secs(120);

/// Runs `remix` with `args` (see [`remix_command`]) and returns its
/// output; fails the test if it runs past [`PROCESS_DEADLINE`].
pub fn remix(args: &[&str], env: &[(&str, &str)]) -> Output {
    let child = remix_command(args, env)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("remix runs");
    output_within(child, PROCESS_DEADLINE)
}

/// Reads a pipe to its end on a thread of its own.
fn drain(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut bytes = Vec::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_end(&mut bytes);
        }
        bytes
    })
}

/// Waits for `child` and collects its piped output, as `wait_with_output`
/// does, but at most `deadline`: past it the child is killed and the test
/// fails with what it printed so far.
pub fn output_within(mut child: Child, deadline: Duration) -> Output {
    let (stdout, stderr) = (drain(child.stdout.take()), drain(child.stderr.take()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for the child") {
            break status;
        }
        if started.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            let stderr = String::from_utf8_lossy(&stderr.join().unwrap_or_default()).into_owned();
            panic!(
                "process {} still ran after {deadline:?}; killed. Its stderr:\n{stderr}",
                child.id()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    Output {
        status,
        stdout: stdout.join().unwrap_or_default(),
        stderr: stderr.join().unwrap_or_default(),
    }
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
        let (sender, first_line) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = sender.send(line);
        });
        let Ok(line) = first_line.recv_timeout(Duration::from_secs(30)) else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("remix-mock printed no address within 30 s");
        };
        let url = line.trim().to_string();
        assert!(
            url.starts_with("http://127.0.0.1:"),
            "first line is the address: {url:?}"
        );
        Mock { child, url }
    }
}

impl Mock {
    /// The mock's log (`GET /mock/log`): one entry per remix request it
    /// answered, what it charged for. Fails the test if it takes over 10 s.
    pub fn log(&self) -> Vec<serde_json::Value> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a runtime");
        runtime.block_on(async {
            let client = reqwest::Client::builder()
                .timeout(Duration::from_secs(10))
                .build()
                .expect("a client");
            let answer = client
                .get(format!("{}/mock/log", self.url))
                .send()
                .await
                .expect("the mock's log answers within 10 s");
            answer.json::<Vec<serde_json::Value>>().await.expect("the log is JSON")
        })
    }
}

impl Drop for Mock {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
