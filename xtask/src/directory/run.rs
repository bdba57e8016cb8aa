//! Running the generator on many specs at once, each in its own process
//! with a time limit, and what each run said.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::fetch::Spec;

/// How one spec fared.
#[derive(Debug, Clone)]
pub enum Status {
    /// Generated; the generator's `--summary`.
    Generated(serde_json::Value),
    /// Refused: the generator's last stderr line.
    Refused(String),
    /// Stopped at the time limit.
    TimedOut,
}

/// One spec's run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The spec.
    pub spec: Spec,
    /// How it fared.
    pub status: Status,
    /// Wall-clock seconds.
    pub seconds: f64,
    /// The crate written for it, with `--check-crates`.
    pub krate: Option<String>,
}

/// What to run on each spec.
pub struct Plan<'a> {
    /// The generator binary.
    pub generator: &'a Path,
    /// Where outputs go.
    pub out: &'a Path,
    /// Write a crate per spec (for `cargo check`), with this
    /// `client-support`.
    pub crates: Option<&'a Path>,
    /// The time limit per spec.
    pub timeout: Duration,
    /// Processes at once.
    pub jobs: usize,
}

/// A crate name for the `index`th spec: `d0042-amazonaws-com-s3`.
pub fn crate_name(index: usize, spec: &Spec) -> String {
    let id: String = spec
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let id: String = id.split('-').filter(|s| !s.is_empty()).collect::<Vec<_>>().join("-");
    let id: String = id.chars().take(48).collect();
    format!("d{index:04}-{}", id.trim_end_matches('-'))
}

fn command(plan: &Plan<'_>, index: usize, spec: &Spec) -> (Command, Option<String>) {
    let mut command = Command::new(plan.generator);
    command.arg("generate").arg(&spec.path);
    let krate = plan.crates.map(|support| {
        let name = crate_name(index, spec);
        command
            .arg("--crate")
            .arg(plan.out.join("crates").join(&name))
            .args(["--name", &name, "--client-support"])
            .arg(support);
        name
    });
    if krate.is_none() {
        command.arg(plan.out.join("rs").join(format!("{}.rs", spec.id.replace('/', "__"))));
    }
    command.arg("--summary").stdout(Stdio::piped()).stderr(Stdio::piped());
    (command, krate)
}

/// Reads a child's pipe on a thread, so that a child writing more than the
/// pipe holds never waits for its reader.
pub(super) fn read_pipe(pipe: Option<impl std::io::Read + Send + 'static>) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        if let Some(mut pipe) = pipe {
            let _ = pipe.read_to_string(&mut text);
        }
        text
    })
}

fn run_one(plan: &Plan<'_>, index: usize, spec: &Spec) -> Outcome {
    let started = Instant::now();
    let (mut command, krate) = command(plan, index, spec);
    let status = match command.spawn() {
        Err(e) => Status::Refused(format!("cannot run the generator: {e}")),
        Ok(mut child) => {
            let (stdout, stderr) = (read_pipe(child.stdout.take()), read_pipe(child.stderr.take()));
            let exit = loop {
                match child.try_wait() {
                    Ok(Some(exit)) => break Some(exit),
                    Ok(None) if started.elapsed() > plan.timeout => {
                        let _ = child.kill();
                        let _ = child.wait();
                        break None;
                    }
                    Ok(None) => std::thread::sleep(Duration::from_millis(10)),
                    Err(_) => break None,
                }
            };
            let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
            match exit {
                None => Status::TimedOut,
                Some(exit) if exit.success() => match serde_json::from_str(stdout.trim()) {
                    Ok(summary) => Status::Generated(summary),
                    Err(_) => Status::Refused(format!("no summary on stdout: {}", stdout.trim())),
                },
                Some(exit) => Status::Refused(
                    stderr
                        .lines()
                        .rev()
                        .find(|l| !l.trim().is_empty())
                        .map_or_else(|| format!("exit {exit}"), str::to_string),
                ),
            }
        }
    };
    Outcome {
        spec: spec.clone(),
        status,
        seconds: started.elapsed().as_secs_f64(),
        krate,
    }
}

/// Runs the plan on every spec, `plan.jobs` at a time, in order of the
/// results (one line per spec on stderr as it ends).
pub fn run_all(plan: &Plan<'_>, specs: &[Spec]) -> Vec<Outcome> {
    let next = Mutex::new(0usize);
    let done: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..plan.jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let index = {
                        let mut next = next.lock().expect("not poisoned");
                        let index = *next;
                        *next += 1;
                        index
                    };
                    let Some(spec) = specs.get(index) else { break };
                    let outcome = run_one(plan, index, spec);
                    let mut done = done.lock().expect("not poisoned");
                    let word = match &outcome.status {
                        Status::Generated(_) => "ok",
                        Status::Refused(_) => "REFUSED",
                        Status::TimedOut => "TIMED OUT",
                    };
                    eprintln!(
                        "[{}/{}] {} {word} {:.2} s",
                        done.len() + 1,
                        specs.len(),
                        spec.id,
                        outcome.seconds
                    );
                    done.push((index, outcome));
                }
            });
        }
    });
    let mut done = done.into_inner().expect("not poisoned");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, o)| o).collect()
}

/// Where the runs of this plan write their outputs.
pub fn outputs(out: &Path) -> [PathBuf; 2] {
    [out.join("rs"), out.join("crates")]
}
