//! `cargo xtask codegen`, `generate` and `corpus`: the workspace's side of
//! code generation. The generator itself is the `client-gen` crate, run as
//! a separate process (`cargo run -p client-gen`), so that xtask never
//! compiles progenitor or typify.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

use anyhow::{Context, Result, bail};

use crate::workspace;

/// The command that regenerates everything; named in every staleness report
/// and in the header of every file it writes.
pub const FIX_COMMAND: &str = "cargo xtask codegen";

/// Whether to write the generated files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose contents changed.
    Write,
    /// Write nothing; fail when a file differs.
    Check,
}

/// One generated client: which spec it comes from and where it goes, both
/// relative to the workspace root.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    /// The OpenAPI document.
    pub spec: &'static str,
    /// The generated Rust file.
    pub output: &'static str,
}

/// Every client the workspace generates: the Remix API's raw crate, the
/// fixtures of every multipart part kind (OpenAPI 3.0 and 3.1), and
/// Ideogram's own API (what the reseller's spec will look like after an
/// update).
pub const TARGETS: [Target; 4] = [
    Target {
        spec: "openapi/remix.yaml",
        output: "crates/remix-raw/src/generated.rs",
    },
    Target {
        spec: "xtask/fixtures/multipart.yaml",
        output: "xtask/fixture-client/src/generated.rs",
    },
    Target {
        spec: "xtask/fixtures/multipart-3.1.yaml",
        output: "xtask/fixture-client/src/v31/generated_31.rs",
    },
    Target {
        spec: "xtask/fixtures/corpus/ideogram-official.json",
        output: "xtask/ideogram-client/src/generated.rs",
    },
];

/// The JSON Schema of `remix_client::ImageRequest`, written by a separate
/// process (the generator never links the crates it generates into).
pub const IMAGE_REQUEST_SCHEMA: &str = "openapi/image_request.schema.json";

/// The Cargo profile xtask builds the generator with (`Cargo.toml`): a
/// release build, so that a spec of Stripe's size generates in seconds,
/// kept apart from the dev builds the rest of the workspace shares.
pub const GENERATOR_PROFILE: &str = "generator";

/// Builds client-gen as xtask runs it and returns the binary.
pub fn build_generator(root: &Path) -> Result<std::path::PathBuf> {
    run(
        workspace::cargo().current_dir(root).args([
            "build",
            "--quiet",
            "--profile",
            GENERATOR_PROFILE,
            "--package",
            "client-gen",
        ]),
        "building client-gen",
    )?;
    Ok(workspace::target_dir()?.join(GENERATOR_PROFILE).join("client-gen"))
}

/// `cargo run -p client-gen -- ARGS` for the workspace at `root` (in the
/// [`GENERATOR_PROFILE`]), from the current directory (so relative paths
/// mean what the user typed).
pub fn client_gen(root: &Path) -> Command {
    let mut command = workspace::cargo();
    command.args([
        "run",
        "--quiet",
        "--profile",
        GENERATOR_PROFILE,
        "--package",
        "client-gen",
        "--manifest-path",
    ]);
    command.arg(root.join("Cargo.toml"));
    command.arg("--");
    command
}

/// Runs `command`; its stderr passes through, its stdout is returned.
fn run(command: &mut Command, what: &str) -> Result<String> {
    let output = command
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("running {what}"))?;
    if !output.status.success() {
        bail!("{what} failed ({})", output.status);
    }
    String::from_utf8(output.stdout).with_context(|| format!("{what} printed something not UTF-8"))
}

/// A file whose contents differ from what the generator produced.
#[derive(Debug)]
pub struct Stale {
    /// The path, relative to the workspace root.
    pub path: String,
    /// A unified diff from the file on disk to the expected contents.
    pub diff: String,
}

/// Writes `contents` to `path` (relative to `root`) if it differs, or in
/// check mode reports the difference. Returns `None` when the file is fresh.
pub fn ensure_file_contents(root: &Path, path: &str, contents: &str, mode: Mode) -> Result<Option<Stale>> {
    let full = root.join(path);
    let current = match std::fs::read_to_string(&full) {
        Ok(c) => Some(c),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(e).with_context(|| format!("reading {path}")),
    };
    if current.as_deref() == Some(contents) {
        return Ok(None);
    }
    let old = current.unwrap_or_default();
    let diff = similar::TextDiff::from_lines(old.as_str(), contents)
        .unified_diff()
        .context_radius(2)
        .header(&format!("{path} (on disk)"), &format!("{path} (generated)"))
        .to_string();
    if mode == Mode::Write {
        if let Some(parent) = full.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&full, contents).with_context(|| format!("writing {path}"))?;
    }
    Ok(Some(Stale {
        path: path.to_string(),
        diff,
    }))
}

/// Generates every client of [`TARGETS`] (strictly: an operation that
/// cannot be generated is an error here) and writes or checks it.
pub fn clients(root: &Path, mode: Mode) -> Result<Vec<Stale>> {
    let scratch = workspace::target_dir()?.join("xtask-codegen");
    let mut stale = Vec::new();
    for target in TARGETS {
        let out = match mode {
            Mode::Write => root.join(target.output),
            Mode::Check => scratch.join(target.output),
        };
        run(
            client_gen(root)
                .arg("generate")
                .arg(root.join(target.spec))
                .arg(&out)
                .args(["--strict", "--command", FIX_COMMAND, "--spec-name", target.spec]),
            &format!("client-gen on {}", target.spec),
        )?;
        if mode == Mode::Check {
            let code = std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
            stale.extend(ensure_file_contents(root, target.output, &code, mode)?);
        }
    }
    Ok(stale)
}

/// Where the rule table is written for the module docs.
pub const RULES_DOC: &str = "crates/client-gen/RULES.md";

/// The README section the rule table is written into, between these.
const RULES_BEGIN: &str = "<!-- rules:begin -->\n";
const RULES_END: &str = "<!-- rules:end -->";

/// Writes (or checks) the rule table, from `client-gen rules`, into
/// [`RULES_DOC`] and the README.
pub fn rule_docs(root: &Path, mode: Mode) -> Result<Vec<Stale>> {
    let table = run(client_gen(root).arg("rules"), "client-gen rules")?;
    let doc = format!(
        "# The rules\n\nEvery rule, in the order the pipeline applies them (written by `{FIX_COMMAND}` from \
         `client-gen rules`, the table in `src/rules.rs`):\n\n{table}"
    );
    let mut stale: Vec<Stale> = ensure_file_contents(root, RULES_DOC, &doc, mode)?.into_iter().collect();
    let readme = std::fs::read_to_string(root.join("README.md")).context("reading README.md")?;
    let (Some(begin), Some(end)) = (readme.find(RULES_BEGIN), readme.find(RULES_END)) else {
        bail!("README.md lacks the {RULES_BEGIN:?} ... {RULES_END:?} markers of the rule table");
    };
    let updated = format!("{}{RULES_BEGIN}{table}{}", &readme[..begin], &readme[end..]);
    stale.extend(ensure_file_contents(root, "README.md", &updated, mode)?);
    Ok(stale)
}

/// Today's date (UTC), `YYYY-MM-DD`.
pub fn today() -> String {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// `client-gen diff OLD NEW`: what changed between two specs, in API
/// terms (it fails, naming why, when either is not a spec).
pub fn diff_report(root: &Path, old: &Path, new: &Path) -> Result<String> {
    run(client_gen(root).arg("diff").arg(old).arg(new), "client-gen diff")
}

/// Prints what changed in `openapi/remix.yaml` since the raw crate was
/// generated from it, and logs it in `openapi/CHANGES.md` once per spec
/// (see [`crate::spec_update::changes`]).
pub fn explain_spec_change(root: &Path) -> Result<()> {
    use crate::spec_update::changes::{self, Explained};
    match changes::explain(root)? {
        Explained::Unchanged => {}
        Explained::AlreadyLogged { hash } => {
            eprintln!(
                "==> {} changed; its entry (sha256 {hash}) is in {} already",
                changes::SPEC,
                changes::CHANGES
            );
        }
        Explained::Logged { report, .. } => {
            eprintln!(
                "==> {} changed since the code was generated; in API terms:\n{report}",
                changes::SPEC
            );
            eprintln!("==> added to {}", changes::CHANGES);
        }
    }
    Ok(())
}

/// Runs `remix-client`'s schema example in its own process and writes or
/// checks its output.
pub fn image_request_schema(root: &Path, mode: Mode) -> Result<Vec<Stale>> {
    let schema = run(
        workspace::cargo().current_dir(root).args([
            "run",
            "--quiet",
            "--package",
            "remix-client",
            "--example",
            "image_request_schema",
            "--features",
            "schemars",
        ]),
        "the image_request_schema example of remix-client",
    )?;
    Ok(ensure_file_contents(root, IMAGE_REQUEST_SCHEMA, &schema, mode)?
        .into_iter()
        .collect())
}

/// Prints what is stale and the command that fixes it.
pub fn report(stale: &[Stale], mode: Mode) {
    for s in stale {
        match mode {
            Mode::Write => eprintln!("updated {}", s.path),
            Mode::Check => {
                const MAX_LINES: usize = 200;
                let lines: Vec<&str> = s.diff.lines().collect();
                eprintln!("{} is stale:", s.path);
                for line in lines.iter().take(MAX_LINES) {
                    eprintln!("{line}");
                }
                if lines.len() > MAX_LINES {
                    eprintln!("... ({} more diff lines)", lines.len() - MAX_LINES);
                }
            }
        }
    }
    if mode == Mode::Check && !stale.is_empty() {
        eprintln!(
            "\n{} generated file(s) differ from what the generator produces. Run `{FIX_COMMAND}` and commit the result.",
            stale.len()
        );
    }
}

/// `cargo xtask generate ARGS`: client-gen's `generate` with the same
/// arguments, run from the current directory. A crate (`--crate DIR`)
/// depends on this workspace's `client-support` by path unless the
/// arguments say otherwise.
pub fn generate(root: &Path, args: &[&str]) -> Result<ExitCode> {
    let mut command = client_gen(root);
    command.arg("generate").args(args);
    if args.contains(&"--crate") && !args.contains(&"--client-support") {
        command.arg("--client-support").arg(root.join("crates/client-support"));
    }
    let status = command.status().context("running client-gen")?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(u8::try_from(status.code().unwrap_or(1)).unwrap_or(1))
    })
}

/// Where the corpus specs are, relative to the workspace root.
pub const CORPUS: &str = "xtask/fixtures/corpus";

/// One row of the corpus table.
struct Row {
    spec: String,
    summary: serde_json::Value,
    generation: f64,
    check: f64,
}

fn corpus_specs(root: &Path) -> Result<Vec<PathBuf>> {
    let dir = root.join(CORPUS);
    let mut specs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("json" | "yaml" | "yml")))
        .collect();
    specs.sort();
    Ok(specs)
}

/// `cargo xtask corpus`: generates every spec of [`CORPUS`] as a crate in a
/// scratch folder, checks each with `cargo check`, and returns the table.
/// Fails when a crate does not compile.
pub fn corpus(root: &Path) -> Result<String> {
    let target = workspace::target_dir()?;
    let scratch = target.join("corpus");
    let generator = build_generator(root)?;
    let support = root.join("crates/client-support");
    let mut rows = Vec::new();
    for spec in corpus_specs(root)? {
        let name = spec
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir = scratch.join("crates").join(&name);
        let _ = std::fs::remove_dir_all(&dir);
        eprintln!("==> {name}: generating");
        let started = Instant::now();
        let summary = run(
            Command::new(&generator)
                .arg("generate")
                .arg(&spec)
                .arg("--crate")
                .arg(&dir)
                .args(["--summary", "--client-support"])
                .arg(&support),
            &format!("client-gen on {name}"),
        )?;
        let generation = started.elapsed().as_secs_f64();
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).context("copying Cargo.lock")?;
        eprintln!("==> {name}: cargo check");
        let started = Instant::now();
        run(
            workspace::cargo()
                .args(["check", "--quiet", "--manifest-path"])
                .arg(dir.join("Cargo.toml"))
                .env("CARGO_TARGET_DIR", target.join("generated-crates")),
            &format!("cargo check of the {name} crate"),
        )?;
        rows.push(Row {
            spec: spec
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default(),
            summary: serde_json::from_str(summary.trim()).context("client-gen's summary")?,
            generation,
            check: started.elapsed().as_secs_f64(),
        });
    }
    Ok(table(&rows))
}

fn table(rows: &[Row]) -> String {
    let mut out = String::from(
        "| spec | OpenAPI | operations | generated | left out | multipart | generation | cargo check |\n\
         |---|---|---|---|---|---|---|---|\n",
    );
    let mut totals = (0, 0);
    for row in rows {
        let s = &row.summary;
        let left_out: Vec<String> = s["left_out"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|l| {
                format!(
                    "{}: {}",
                    l["operation"].as_str().unwrap_or(""),
                    l["reason"].as_str().unwrap_or("")
                )
            })
            .collect();
        let operations = s["operations"].as_u64().unwrap_or(0);
        let generated = s["generated"].as_u64().unwrap_or(0);
        totals = (totals.0 + operations, totals.1 + generated);
        out.push_str(&format!(
            "| {} | {} | {operations} | {generated} | {} | {} | {:.2} s | {:.1} s |\n",
            row.spec,
            s["version"].as_str().unwrap_or("?"),
            if left_out.is_empty() {
                "none".to_string()
            } else {
                left_out.join("; ")
            },
            s["multipart"],
            row.generation,
            row.check,
        ));
    }
    out.push_str(&format!(
        "\n{} of {} operations generated; every crate compiles.\n",
        totals.1, totals.0
    ));
    out
}
