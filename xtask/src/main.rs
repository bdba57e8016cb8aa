//! `cargo xtask`: the workspace's automation entry point.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use xtask::codegen::{self, Mode};
use xtask::workspace;

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  codegen [--check]   regenerate every generated file of the workspace (the
                      raw client, the fixture clients, the image_request
                      schema); --check writes nothing and fails if any of
                      them is stale
  generate SPEC OUT   generate a client from any OpenAPI 3.0 document (YAML
                      or JSON) into the Rust file OUT
  bench [batch]       every benchmark (client vs hand-written reqwest, memory,
                      request building, remix batch, codegen and cold
                      builds), printed as Markdown and written to
                      target/remix-bench/report.md; `batch` runs only the
                      remix batch one
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
        ["generate", spec, out] => run_generate(Path::new(spec), Path::new(out)),
        ["demo"] => xtask::demo::run(),
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

fn run_generate(spec: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(spec).with_context(|| format!("reading {}", spec.display()))?;
    let command = format!("cargo xtask generate {} {}", spec.display(), out.display());
    let code = codegen::generate_client(&text, &spec.display().to_string(), &command)?;
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(out, &code).with_context(|| format!("writing {}", out.display()))?;
    eprintln!("wrote {} ({} lines)", out.display(), code.lines().count());
    if let Some(report) = codegen::dependency_report(out, &code) {
        eprintln!("warning: {report}");
    }
    Ok(ExitCode::SUCCESS)
}
