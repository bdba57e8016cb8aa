//! `cargo xtask`: the workspace's automation entry point.

use std::process::ExitCode;

use xtask::codegen::{self, Mode};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate the raw client crate and the other generated
                      files from openapi/; --check writes nothing and fails if
                      any of them is stale
  bench               every benchmark (client vs hand-written reqwest, memory,
                      request building, codegen and cold builds), printed
                      as Markdown and written to target/remix-bench/report.md
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
        ["demo"] => xtask::demo::run(),
        ["bench"] => run_bench(),
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

fn run_bench() -> anyhow::Result<ExitCode> {
    let started = std::time::Instant::now();
    let report = xtask::bench::run()?;
    let path = codegen::workspace_root().join("target/remix-bench/report.md");
    std::fs::write(&path, &report)?;
    println!("{report}");
    eprintln!(
        "==> {:.0} s in all; report written to target/remix-bench/report.md",
        started.elapsed().as_secs_f64()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_codegen(mode: Mode) -> anyhow::Result<ExitCode> {
    let root = codegen::workspace_root();
    let mut stale = codegen::clients(&root, mode)?;
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
