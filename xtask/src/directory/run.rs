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

/// A spec file of this size or more is generated with nothing beside it:
/// a user generating it has the machine to itself, and two such runs side
/// by side share both cores (Microsoft Graph's beta spec, 47 MB: 8.8 s
/// alone, 12.3 s beside its v1.0 spec, 20 MB). Of the directory's specs,
/// those two are this big; the next is 6 MB.
pub const ALONE_BYTES: u64 = 16 << 20;

/// Whether `spec` is run with nothing beside it ([`ALONE_BYTES`]).
pub fn runs_alone(spec: &Spec) -> bool {
    std::fs::metadata(&spec.path).is_ok_and(|m| m.len() >= ALONE_BYTES)
}

/// Runs the plan on every spec, in order of the results (one line per
/// spec on stderr as it ends): first those that [`runs_alone`] says, one
/// at a time, then the others `plan.jobs` at a time.
pub fn run_all(plan: &Plan<'_>, specs: &[Spec]) -> Vec<Outcome> {
    let (alone, beside): (Vec<usize>, Vec<usize>) = (0..specs.len()).partition(|&i| runs_alone(&specs[i]));
    let done: Mutex<Vec<(usize, Outcome)>> = Mutex::new(Vec::new());
    run_these(plan, specs, &alone, 1, &done);
    run_these(plan, specs, &beside, plan.jobs, &done);
    let mut done = done.into_inner().expect("not poisoned");
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, o)| o).collect()
}

/// Runs the plan on the specs at `indices`, `jobs` at a time.
fn run_these(plan: &Plan<'_>, specs: &[Spec], indices: &[usize], jobs: usize, done: &Mutex<Vec<(usize, Outcome)>>) {
    let next = Mutex::new(0usize);
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| {
                loop {
                    let at = {
                        let mut next = next.lock().expect("not poisoned");
                        let at = *next;
                        *next += 1;
                        at
                    };
                    let Some(&index) = indices.get(at) else { break };
                    let spec = &specs[index];
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
}

/// Where the runs of this plan write their outputs.
pub fn outputs(out: &Path) -> [PathBuf; 2] {
    [out.join("rs"), out.join("crates")]
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A stand-in generator that logs when each run starts and ends.
    const GENERATOR: &str = "#!/bin/sh\n\
        log=\"$(dirname \"$0\")/log\"\n\
        echo \"start $(basename \"$2\") $(date +%s%N)\" >> \"$log\"\n\
        sleep 0.3\n\
        echo \"end $(basename \"$2\") $(date +%s%N)\" >> \"$log\"\n\
        echo '{}'\n";

    #[test]
    fn a_big_spec_runs_with_nothing_beside_it_and_results_keep_their_order() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("xtask-run-all-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("out/rs")).unwrap();
        let generator = dir.join("generator");
        std::fs::write(&generator, GENERATOR).unwrap();
        std::fs::set_permissions(&generator, std::fs::Permissions::from_mode(0o755)).unwrap();
        let specs: Vec<Spec> = ["a", "big", "c", "d"]
            .iter()
            .map(|id| {
                let path = dir.join(format!("{id}.json"));
                let file = std::fs::File::create(&path).unwrap();
                // Sparse: as long as a big spec, without writing one.
                file.set_len(if *id == "big" { ALONE_BYTES } else { 10 }).unwrap();
                Spec {
                    id: id.to_string(),
                    provider: id.to_string(),
                    path,
                }
            })
            .collect();
        let out = dir.join("out");
        let plan = Plan {
            generator: &generator,
            out: &out,
            crates: None,
            timeout: Duration::from_secs(30),
            jobs: 2,
        };
        let outcomes = run_all(&plan, &specs);
        let ids: Vec<&str> = outcomes.iter().map(|o| o.spec.id.as_str()).collect();
        assert_eq!(ids, ["a", "big", "c", "d"]);
        assert!(outcomes.iter().all(|o| matches!(o.status, Status::Generated(_))));
        let log = std::fs::read_to_string(dir.join("log")).unwrap();
        let at = |what: &str, id: &str| -> u128 {
            let line = log
                .lines()
                .find(|l| l.starts_with(&format!("{what} {id}.json ")))
                .unwrap();
            line.rsplit(' ').next().unwrap().parse().unwrap()
        };
        let (start, end) = (at("start", "big"), at("end", "big"));
        for id in ["a", "c", "d"] {
            let (s, e) = (at("start", id), at("end", id));
            assert!(e <= start || s >= end, "{id} ran beside the big spec:\n{log}");
        }
        let overlapping = at("start", "c").max(at("start", "a")) < at("end", "c").min(at("end", "a"));
        assert!(overlapping, "the small specs still run side by side:\n{log}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
