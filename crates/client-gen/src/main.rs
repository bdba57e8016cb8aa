//! `client-gen`: generate a Rust client from an OpenAPI document.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result, bail};
use client_gen::{ClientSupport, Generated, Options, generate_file, missing_dependencies, write_crate};

/// The generator allocates and frees millions of small tokens and tree
/// nodes; with the system allocator a third of its time was malloc and
/// free (perf, on Microsoft Graph's spec).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc.h,
/// where the Rust bindings leave it out).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Memory freed stays with the process, for the next allocation to reuse,
/// rather than going back to the OS after 10 ms and being faulted in (and
/// zeroed) again when it is needed: the generator frees the spec's tree as
/// it builds progenitor's, and tokens as it parses them. A run is short, so
/// nothing is kept longer than the run. Microsoft Graph's spec, three runs
/// each: 11.5 to 15.2 s instead of 14.2 to 16.3 s, system time 2.8 to 4.2
/// s instead of 4.7 to 6.6 s.
fn keep_freed_memory() {
    // SAFETY: sets one of mimalloc's options to a value it documents (-1:
    // no purging at all); options may be set at any time.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

const USAGE: &str = "\
usage:
  client-gen rules
      the normalization rules, in the order they apply, as a Markdown table
  client-gen diff OLD NEW
      what changed from the spec OLD to NEW in API terms, each change
      marked breaking or additive for a client (Markdown on stdout)
  client-gen generate SPEC OUT.rs [--strict] [--summary] [--timings] [--command CMD] [--spec-name NAME]
  client-gen generate SPEC --crate DIR [--name NAME] [--client-support PATH] [--strict] [--summary] [--timings]

Reads SPEC (Swagger 2.0 or OpenAPI 3.0 or 3.1, YAML or JSON) and writes a
Rust client: into the file OUT.rs, or as a standalone crate in DIR.

  --strict           fail when any operation cannot be generated (by
                     default it is left out and named, with the reason, on
                     stderr and in the generated file's header)
  --command CMD      the command the header tells to run again
                     (default: cargo xtask generate)
  --spec-name NAME   how the header names the spec (default: its file name)
  --summary          print what was generated as one JSON line on stdout
                     (version, operations, generated, multipart, left_out,
                     untyped_schemas, forms, files)
  --timings          print on stderr where the time went, stage by stage
  --name NAME        the crate's name (default: the spec's file stem)
  --client-support PATH
                     where the crate finds client-support (default: its
                     published version from crates.io)
";

#[derive(Debug, Default)]
struct Args {
    spec: PathBuf,
    out: Option<PathBuf>,
    crate_dir: Option<PathBuf>,
    name: Option<String>,
    client_support: Option<String>,
    command: Option<String>,
    spec_name: Option<String>,
    strict: bool,
    summary: bool,
    timings: bool,
}

fn parse(args: &[String]) -> Result<Args> {
    let mut parsed = Args::default();
    let mut positional = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().cloned().with_context(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--strict" => parsed.strict = true,
            "--summary" => parsed.summary = true,
            "--timings" => parsed.timings = true,
            "--crate" => parsed.crate_dir = Some(PathBuf::from(value("--crate")?)),
            "--name" => parsed.name = Some(value("--name")?),
            "--client-support" => parsed.client_support = Some(value("--client-support")?),
            "--command" => parsed.command = Some(value("--command")?),
            "--spec-name" => parsed.spec_name = Some(value("--spec-name")?),
            flag if flag.starts_with("--") => bail!("unknown option {flag}"),
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    match (positional.as_slice(), &parsed.crate_dir) {
        ([spec, out], None) => {
            parsed.spec = spec.clone();
            parsed.out = Some(out.clone());
        }
        ([spec], Some(_)) => parsed.spec = spec.clone(),
        _ => bail!("expected SPEC and OUT.rs, or SPEC and --crate DIR"),
    }
    Ok(parsed)
}

mod warm;

fn main() -> ExitCode {
    keep_freed_memory();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let rest = match args.split_first() {
        Some((command, rest)) if command == "diff" => return run_diff(rest),
        Some((command, rest)) if command == "rules" && rest.is_empty() => {
            print!("{}", client_gen::rules::markdown());
            return ExitCode::SUCCESS;
        }
        Some((command, rest)) if command == "generate" => rest,
        Some((command, _)) if matches!(command.as_str(), "help" | "--help" | "-h") => {
            print!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let args = match parse(rest) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e:#}\n");
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    // A spec that cannot be read is reported by the run, as before.
    if let Ok(meta) = std::fs::metadata(&args.spec) {
        warm::fault_in_ahead(meta.len());
    }
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// `client-gen diff OLD NEW`.
fn run_diff(args: &[String]) -> ExitCode {
    let [old, new] = args else {
        eprint!("{USAGE}");
        return ExitCode::from(2);
    };
    let read = |p: &String| std::fs::read_to_string(p).with_context(|| format!("reading {p}"));
    let result = read(old).and_then(|o| read(new).and_then(|n| client_gen::diff(&o, &n)));
    match result {
        Ok(changes) => {
            print!("{}", client_gen::diff_report(&changes));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn run(args: &Args) -> Result<()> {
    let options = Options {
        spec_name: args.spec_name.clone().unwrap_or_else(|| file_name(&args.spec)),
        command: args
            .command
            .clone()
            .unwrap_or_else(|| "cargo xtask generate".to_string()),
        strict: args.strict,
        exiting: true,
    };
    let generated = generate_file(&args.spec, &options)?;
    if args.timings {
        for (stage, seconds, calls) in client_gen::timing::take() {
            if seconds >= 0.0005 {
                eprintln!("timing: {stage}: {seconds:.3} s ({calls} calls)");
            }
        }
    }
    for op in &generated.left_out {
        eprintln!("left out: {}: {}", op.operation, op.reason);
    }
    for schema in &generated.untyped_schemas {
        eprintln!("typed as any JSON: {}: {}", schema.operation, schema.reason);
    }
    for form in &generated.forms {
        eprintln!("a form the caller fills: {}: {}", form.operation, form.reason);
    }
    match (&args.out, &args.crate_dir) {
        (Some(out), _) => write_file(out, &generated, args.strict)?,
        (None, Some(dir)) => {
            let name = args.name.clone().unwrap_or_else(|| crate_name(&args.spec));
            let support = match &args.client_support {
                Some(path) => ClientSupport::Path(path.clone()),
                None => ClientSupport::Published,
            };
            write_crate(dir, &name, &generated, &support)?;
            eprintln!(
                "wrote crate {name} in {} ({} of {} operations)",
                dir.display(),
                generated.generated(),
                generated.operations
            );
        }
        (None, None) => unreachable!("parse requires one"),
    }
    if args.summary {
        let left_out: Vec<serde_json::Value> = generated
            .left_out
            .iter()
            .map(|l| serde_json::json!({"operation": l.operation, "reason": l.reason}))
            .collect();
        let summary = serde_json::json!({
            "version": generated.version,
            "operations": generated.operations,
            "generated": generated.generated(),
            "multipart": generated.multipart,
            "multipart_operations": generated.multipart_operations,
            "left_out": left_out,
            "untyped_schemas": generated.untyped_schemas.len(),
            "forms": generated.forms.len(),
            "files": generated.files.len(),
        });
        println!("{summary}");
    }
    Ok(())
}

fn write_file(out: &Path, generated: &Generated, strict: bool) -> Result<()> {
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    }
    std::fs::write(out, &generated.code).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "wrote {} ({} lines, {} of {} operations)",
        out.display(),
        generated.code.lines().count(),
        generated.generated(),
        generated.operations
    );
    let manifest = out
        .parent()
        .into_iter()
        .flat_map(Path::ancestors)
        .take(3)
        .map(|d| d.join("Cargo.toml"))
        .find(|p| p.is_file());
    if let Some(manifest) = manifest {
        let text = std::fs::read_to_string(&manifest).with_context(|| format!("reading {}", manifest.display()))?;
        let missing = missing_dependencies(&generated.dependencies, &text);
        if !missing.is_empty() {
            let message = format!(
                "{} lacks dependencies the generated code uses; add to its [dependencies]:\n  {}",
                manifest.display(),
                missing.join("\n  ")
            );
            if strict {
                bail!("{message}");
            }
            eprintln!("warning: {message}");
        }
    }
    Ok(())
}

/// A crate name from the spec's file stem: lower case, `-` between words.
fn crate_name(spec: &Path) -> String {
    let stem = spec
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let name = name.trim_matches('-').to_string();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("client-{name}")
    } else {
        format!("{name}-client")
    }
}
