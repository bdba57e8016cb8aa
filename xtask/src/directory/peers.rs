//! `--peers`: the same specs through progenitor 0.15.1 alone and through
//! openapi-generator 7.26's `rust` generator, each output checked with
//! cargo, for the side-by-side table of BENCHMARKS.md. openapi-generator
//! is PyPI's `openapi-generator-cli` (it brings its jar; Java 17 runs it),
//! found on `PATH` or at `$OPENAPI_GENERATOR`; without it, its column says
//! so. Each peer gets [`PEER_TIMEOUT`] a spec, one spec at a time; every
//! run is appended to `target/directory/peers/results.jsonl` as it ends,
//! so a run stopped early still leaves its figures. Never run in CI.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use super::crates;
use super::fetch::Spec;
use crate::workspace;

/// What one peer made of one spec.
#[derive(Debug, Clone)]
pub struct PeerRun {
    /// The spec's id.
    pub spec: String,
    /// Its operations.
    pub operations: u64,
    /// The operations the peer generated.
    pub generated: u64,
    /// The crate written, if any.
    pub krate: Option<String>,
    /// Seconds it took.
    pub seconds: f64,
    /// Whether it was stopped at [`PEER_TIMEOUT`].
    pub timed_out: bool,
}

/// How long a peer may take for one spec. Far above what client-gen takes
/// for any spec of the directory (under 10 s but for two), so a peer
/// stopped here is still slower than ours on that spec.
pub const PEER_TIMEOUT: Duration = Duration::from_secs(120);

/// How a peer's run ended.
enum Ended {
    Ok(String),
    Failed,
    TimedOut,
}

impl PeerRun {
    /// The word the progress line and the results file use.
    fn outcome(&self) -> &'static str {
        match (self.timed_out, &self.krate) {
            (true, _) => "timed out",
            (false, Some(_)) => "ok",
            (false, None) => "failed",
        }
    }

    /// Prints the progress line and appends the run to `results`.
    fn record(&self, peer: &str, index: usize, of: usize, results: &Path) -> Result<()> {
        eprintln!(
            "[{peer} {}/{of}] {} {} {:.2} s",
            index + 1,
            self.spec,
            self.outcome(),
            self.seconds
        );
        let line = serde_json::json!({
            "peer": peer, "spec": self.spec, "outcome": self.outcome(), "seconds": self.seconds,
            "operations": self.operations, "generated": self.generated, "crate": self.krate,
        });
        use std::io::Write;
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(results)
            .with_context(|| format!("opening {}", results.display()))?;
        writeln!(file, "{line}").with_context(|| format!("writing {}", results.display()))
    }
}

/// The dependencies a crate of progenitor's output needs (all it may use).
const PROGENITOR_DEPENDENCIES: &str = "progenitor-client = \"0.15.1\"\n\
    reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\"] }\n\
    serde = { version = \"1\", features = [\"derive\"] }\nserde_json = \"1\"\n\
    chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }\n\
    uuid = { version = \"1\", default-features = false, features = [\"serde\"] }\n\
    regress = \"0.12\"\nfutures-core = \"0.3\"\n";

fn run_with_timeout(command: &mut Command) -> Result<Ended> {
    // Its own process group, so that a peer stopped at the time limit goes
    // with its children (PyPI's openapi-generator-cli is a Python script
    // that starts `java`, which would otherwise keep running beside the
    // next spec).
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(command, 0);
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("running a peer")?;
    // Read while it runs: openapi-generator logs every file it writes to
    // stdout (500 KB for Box), and a full pipe would stop it until the
    // time limit.
    let reader = super::run::read_pipe(child.stdout.take());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait()? {
            let out = reader.join().unwrap_or_default();
            return Ok(if status.success() {
                Ended::Ok(out)
            } else {
                Ended::Failed
            });
        }
        if started.elapsed() > PEER_TIMEOUT {
            #[cfg(unix)]
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", child.id())])
                .status();
            let _ = child.kill();
            let _ = child.wait();
            return Ok(Ended::TimedOut);
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The operations of a spec file (every method of every path item).
pub fn operations_of(path: &Path) -> u64 {
    counts_of(path).0
}

/// The operations of a directory spec (JSON, OpenAPI 3.x), and how many
/// of them send `multipart/form-data`, for specs the generator did not
/// count itself.
pub fn counts_of(path: &Path) -> (u64, u64) {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    let methods = [
        "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
    ];
    let body = |op: &serde_json::Value| {
        let body = &op["requestBody"];
        match body["$ref"]
            .as_str()
            .and_then(|r| r.strip_prefix("#/components/requestBodies/"))
        {
            Some(name) => doc["components"]["requestBodies"][name].clone(),
            None => body.clone(),
        }
    };
    let (mut operations, mut multipart) = (0, 0);
    for item in doc["paths"].as_object().into_iter().flat_map(|p| p.values()) {
        for op in methods.iter().filter_map(|m| item.get(*m)) {
            operations += 1;
            let content = body(op);
            if content["content"].as_object().is_some_and(|c| {
                c.keys()
                    .any(|k| k.to_ascii_lowercase().starts_with("multipart/form-data"))
            }) {
                multipart += 1;
            }
        }
    }
    (operations, multipart)
}

fn progenitor(example: &Path, specs: &[Spec], dir: &Path) -> Result<Vec<PeerRun>> {
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let name = format!("p{}", super::run::crate_name(i, spec));
        let src = dir.join("crates").join(&name).join("src");
        std::fs::create_dir_all(&src)?;
        let started = Instant::now();
        let ended = run_with_timeout(Command::new(example).arg(&spec.path).arg(src.join("generated.rs")))?;
        let seconds = started.elapsed().as_secs_f64();
        let generated = match &ended {
            Ended::Ok(stdout) => {
                let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_default();
                summary["generated"] == serde_json::Value::Bool(true)
            }
            _ => false,
        };
        let operations = operations_of(&spec.path);
        if generated {
            std::fs::write(
                src.join("lib.rs"),
                "#![allow(warnings, clippy::all)]\ninclude!(\"generated.rs\");\n",
            )?;
            let manifest = format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{PROGENITOR_DEPENDENCIES}"
            );
            std::fs::write(dir.join("crates").join(&name).join("Cargo.toml"), manifest)?;
        }
        let run = PeerRun {
            spec: spec.id.clone(),
            operations,
            generated: if generated { operations } else { 0 },
            krate: generated.then_some(name),
            seconds,
            timed_out: matches!(ended, Ended::TimedOut),
        };
        run.record("progenitor", i, specs.len(), &dir.join("results.jsonl"))?;
        out.push(run);
    }
    Ok(out)
}

/// The `openapi-generator-cli` to run, if there is one.
fn openapi_generator() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("OPENAPI_GENERATOR") {
        return Some(PathBuf::from(path));
    }
    let found = Command::new("openapi-generator-cli")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    found
        .is_ok_and(|s| s.success())
        .then(|| PathBuf::from("openapi-generator-cli"))
}

/// The operations openapi-generator wrote: its `pub async fn`s.
fn generated_functions(dir: &Path) -> u64 {
    let apis = dir.join("src").join("apis");
    let Ok(entries) = std::fs::read_dir(apis) else { return 0 };
    entries
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|text| text.matches("pub async fn ").count() as u64)
        .sum()
}

fn openapi_generator_runs(generator: &Path, specs: &[Spec], dir: &Path) -> Result<Vec<PeerRun>> {
    let mut out = Vec::new();
    for (i, spec) in specs.iter().enumerate() {
        let name = format!("o{}", super::run::crate_name(i, spec)).replace('-', "_");
        let crate_dir = dir.join("crates").join(&name);
        let started = Instant::now();
        let ended = run_with_timeout(
            Command::new(generator)
                .args(["generate", "-g", "rust", "--skip-validate-spec", "-i"])
                .arg(&spec.path)
                .arg("-o")
                .arg(&crate_dir)
                .arg(format!("--additional-properties=packageName={name},supportAsync=true")),
        )?;
        let seconds = started.elapsed().as_secs_f64();
        let ok = matches!(ended, Ended::Ok(_));
        let run = PeerRun {
            spec: spec.id.clone(),
            operations: operations_of(&spec.path),
            generated: if ok { generated_functions(&crate_dir) } else { 0 },
            krate: ok.then_some(name),
            seconds,
            timed_out: matches!(ended, Ended::TimedOut),
        };
        run.record("openapi-generator", i, specs.len(), &dir.join("results.jsonl"))?;
        out.push(run);
    }
    Ok(out)
}

/// One row of the side-by-side table.
fn row(label: &str, runs: &[PeerRun], failures: Option<&crates::Failures>) -> String {
    let operations: u64 = runs.iter().map(|r| r.operations).sum();
    let generated: u64 = runs.iter().map(|r| r.generated).sum();
    let compiles = |r: &PeerRun| match (&r.krate, failures) {
        (Some(k), Some(f)) => crates::compiles(f, k),
        _ => false,
    };
    let compiling: u64 = runs.iter().filter(|r| compiles(r)).map(|r| r.generated).sum();
    let crates = runs.iter().filter(|r| compiles(r)).count();
    let mut seconds: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
    seconds.sort_by(f64::total_cmp);
    let q = |p: f64| {
        seconds
            .get(((seconds.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    format!(
        "| {label} | {} of {} | {} | {} of {operations} ({:.1}%) | {crates} of {} | {compiling} of {operations} ({:.1}%) | {:.2} / {:.2} / {:.2} s |\n",
        runs.iter().filter(|r| r.krate.is_some()).count(),
        runs.len(),
        runs.iter().filter(|r| r.timed_out).count(),
        generated,
        100.0 * generated as f64 / operations.max(1) as f64,
        runs.len(),
        100.0 * compiling as f64 / operations.max(1) as f64,
        q(0.5),
        q(0.99),
        seconds.last().copied().unwrap_or(0.0)
    )
}

/// The specs on which client-gen took longer than `peer`, spec by spec
/// (a peer that failed or timed out still took the time it took).
fn slower_than(label: &str, ours: &[PeerRun], theirs: &[PeerRun]) -> String {
    let mut slower: Vec<(&PeerRun, &PeerRun)> = ours
        .iter()
        .zip(theirs)
        .filter(|(o, t)| o.spec == t.spec && o.seconds > t.seconds)
        .collect();
    slower.sort_by(|a, b| (b.0.seconds - b.1.seconds).total_cmp(&(a.0.seconds - a.1.seconds)));
    let listed: Vec<String> = slower
        .iter()
        .take(5)
        .map(|(o, t)| {
            format!(
                "{} ({:.2} s against {:.2} s, {})",
                o.spec,
                o.seconds,
                t.seconds,
                t.outcome()
            )
        })
        .collect();
    format!(
        "client-gen took longer than {label} on {} of {} specs{}{}.\n",
        slower.len(),
        ours.len().min(theirs.len()),
        if listed.is_empty() { "" } else { ": " },
        listed.join(", ")
    )
}

/// Runs both peers on `specs` (ours is `ours`, already run and checked)
/// and returns the side-by-side table; `jobs` is how many specs ours ran
/// at a time.
pub fn compare(specs: &[Spec], ours: &[PeerRun], our_failures: &crates::Failures, jobs: usize) -> Result<String> {
    let root = workspace::root()?;
    let target = workspace::target_dir()?;
    let dir = target.join("directory").join("peers");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("crates"))?;
    let status = workspace::cargo()
        .current_dir(&root)
        .args([
            "build",
            "--quiet",
            "--profile",
            crate::codegen::GENERATOR_PROFILE,
            "--package",
            "client-gen",
            "--example",
            "progenitor_alone",
        ])
        .status()?;
    if !status.success() {
        bail!("building the progenitor_alone example failed");
    }
    let example = target
        .join(crate::codegen::GENERATOR_PROFILE)
        .join("examples")
        .join("progenitor_alone");
    let progenitor = progenitor(&example, specs, &dir)?;
    let others = match openapi_generator() {
        Some(generator) => Some(openapi_generator_runs(&generator, specs, &dir)?),
        None => None,
    };
    let mut names: Vec<String> = progenitor.iter().filter_map(|r| r.krate.clone()).collect();
    names.extend(others.iter().flatten().filter_map(|r| r.krate.clone()));
    let failures = crates::check(
        &dir,
        &names,
        &target.join("generated-crates-peers"),
        &root.join("Cargo.lock"),
    )?;
    let mut table = String::from(
        "| generator | specs generated | timed out | operations generated | crates that compile | operations in crates that compile | time median / p99 / max |\n\
         |---|---|---|---|---|---|---|\n",
    );
    table.push_str(&row("client-gen", ours, Some(our_failures)));
    table.push_str(&row("progenitor 0.15.1 alone", &progenitor, Some(&failures)));
    match &others {
        Some(runs) => table.push_str(&row("openapi-generator 7.26 (`rust`)", runs, Some(&failures))),
        None => table.push_str("| openapi-generator 7.26 (`rust`) | not run: no `openapi-generator-cli` | | | | | |\n"),
    }
    table.push_str(&format!(
        "\nEach peer one spec at a time, stopped after {} s (client-gen {} at a time).\n",
        PEER_TIMEOUT.as_secs(),
        jobs
    ));
    table.push_str(&slower_than("progenitor 0.15.1 alone", ours, &progenitor));
    if let Some(runs) = &others {
        table.push_str(&slower_than("openapi-generator 7.26", ours, runs));
    }
    Ok(table)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(spec: &str, seconds: f64, timed_out: bool) -> PeerRun {
        PeerRun {
            spec: spec.to_string(),
            operations: 1,
            generated: 1,
            krate: (!timed_out).then(|| spec.to_string()),
            seconds,
            timed_out,
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_peer_that_writes_much_to_stdout_is_not_held_up_by_the_pipe() {
        let started = Instant::now();
        let ended =
            run_with_timeout(Command::new("sh").args(["-c", "head -c 1000000 /dev/zero | tr '\\0' x"])).unwrap();
        let Ended::Ok(out) = ended else {
            panic!("the peer did not end by itself")
        };
        assert_eq!(out.len(), 1_000_000);
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn the_specs_where_ours_is_slower_are_named_worst_first() {
        let ours = [run("a", 1.0, false), run("b", 9.0, false), run("c", 0.5, false)];
        let theirs = [run("a", 3.0, false), run("b", 4.0, false), run("c", 0.1, true)];
        assert_eq!(
            slower_than("x", &ours, &theirs),
            "client-gen took longer than x on 2 of 3 specs: b (9.00 s against 4.00 s, ok), \
             c (0.50 s against 0.10 s, timed out).\n"
        );
        assert_eq!(
            slower_than("x", &ours[..1], &theirs[..1]),
            "client-gen took longer than x on 0 of 1 specs.\n"
        );
    }
}
