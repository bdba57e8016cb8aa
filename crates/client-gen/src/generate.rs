//! The pipeline: read (bundling the files a spec is split across), the
//! rules, progenitor, the multipart emitter, prettyplease and the header.
//! What one operation or schema does wrong degrades it alone, named.

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context as _, Result, bail};
use sha2::{Digest, Sha256};

use crate::deps::{Dependency, dependency};
use crate::header::{self, Omissions};
use crate::input::{self, BundledFile};
use crate::normalize::{self, Normalized};
use crate::rules::RuleReport;
use crate::spec::{OperationError, remove_operation};
use crate::{emit, progenitor_run};

/// What to generate and how to name it.
#[derive(Debug, Clone)]
pub struct Options {
    /// The spec as the header names it: a file name or a path relative to
    /// the workspace, never an absolute path, so that the output is the
    /// same on every machine.
    pub spec_name: String,
    /// The command the header tells to run again (`cargo xtask codegen`).
    pub command: String,
    /// Refuse the spec when any operation cannot be generated (or any
    /// schema is typed as any JSON), instead of leaving it out.
    pub strict: bool,
    /// The process exits once the code is written: the syntax tree, the
    /// type space and the spec are not freed (on Microsoft Graph's 47 MB
    /// spec freeing them took 6 s). Leave it `false` in a long-running
    /// process.
    pub exiting: bool,
}

/// An operation left out of the generated client, or a schema typed as
/// any JSON: where, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// `POST /path (id)`, or the schema's place.
    pub operation: String,
    /// Why it cannot be generated as the spec says.
    pub reason: String,
}

impl From<&OperationError> for LeftOut {
    fn from(error: &OperationError) -> Self {
        LeftOut {
            operation: error.location.clone(),
            reason: error.reason.clone(),
        }
    }
}

/// A generated client.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The Rust source, header first.
    pub code: String,
    /// The OpenAPI version the spec declared.
    pub version: String,
    /// The spec's operations.
    pub operations: usize,
    /// Its `multipart/form-data` operations that were generated.
    pub multipart: usize,
    /// Its `multipart/form-data` operations, as the document was written.
    pub multipart_operations: usize,
    /// The operations left out, with reasons.
    pub left_out: Vec<LeftOut>,
    /// The schemas typed as any JSON instead (`operation` names the
    /// place), with reasons.
    pub untyped_schemas: Vec<LeftOut>,
    /// The multipart bodies sent as forms the caller fills by part name,
    /// because their parts could not be typed.
    pub forms: Vec<LeftOut>,
    /// The other files the spec was bundled from.
    pub files: Vec<BundledFile>,
    /// The crates the code uses, as typify and progenitor reported them.
    pub dependencies: Vec<Dependency>,
}

impl Generated {
    /// The operations that were generated.
    pub fn generated(&self) -> usize {
        self.operations - self.left_out.len()
    }
}

/// One successful pass of progenitor and the emitter.
struct Pass {
    body: crate::syntax::Printed,
    normalized: Normalized,
    left_out: Vec<LeftOut>,
    untyped: Vec<LeftOut>,
    forms: Vec<LeftOut>,
    aliases: Vec<LeftOut>,
    dependencies: Vec<Dependency>,
}

/// The crates the generated code uses.
fn dependencies(normalized: &Normalized, generator: &progenitor::Generator) -> Result<Vec<Dependency>> {
    let type_space = generator.get_type_space();
    let mut out = vec![
        dependency("progenitor-client"),
        dependency("reqwest"),
        dependency("serde"),
    ];
    if !normalized.context.multipart.is_empty() || !normalized.context.security.is_empty() {
        out.insert(0, dependency("client-support"));
    }
    for (used, package) in [
        (type_space.uses_serde_json(), "serde_json"),
        (type_space.uses_chrono(), "chrono"),
        (type_space.uses_regress(), "regress"),
        (type_space.uses_uuid(), "uuid"),
        (generator.uses_futures(), "futures-core"),
    ] {
        if used {
            out.push(dependency(package));
        }
    }
    if generator.uses_websockets() {
        bail!("the spec has WebSocket operations, which this generator does not support");
    }
    Ok(out)
}

/// What the rules left for the emitter, kept to the operations still in
/// the document (progenitor may have left some out).
fn keep_operations_of(normalized: &mut Normalized) {
    let ids: std::collections::HashSet<String> = crate::spec::operations(&normalized.spec)
        .into_iter()
        .filter_map(|(_, op)| op.operation_id.clone())
        .collect();
    let context = &mut normalized.context;
    context.multipart.retain(|op| ids.contains(&op.operation_id));
    context.content_types.retain(|id, _| ids.contains(id));
    context.wire_names.retain(|name| ids.contains(&name.operation_id));
    context.aliases.retain(|alias| ids.contains(&alias.operation_id));
}

/// What sees the items of the `types` module as they are printed: the
/// carriers of inline multipart bodies are left out, and the names of the
/// types defined noted.
struct TypesScreen {
    carriers: emit::Carriers,
    defined: HashSet<String>,
}

impl crate::syntax::Screen for TypesScreen {
    fn keep(&mut self, item: &mut syn::Item) -> bool {
        let kept = self.carriers.keep(item);
        if kept && let Some(name) = emit::defined_name(item) {
            self.defined.insert(name);
        }
        kept
    }
}

/// progenitor, then the emitter; an operation the emitter cannot finish is
/// left out and the two run again.
fn pass(normalized: Normalized, exiting: bool) -> Result<Pass> {
    let Normalized {
        mut spec,
        reports,
        mut context,
    } = normalized;
    let (mut left_out, mut untyped) = (Vec::new(), Vec::new());
    for _ in 0..64 {
        let mut run = progenitor_run::generate(spec)?;
        left_out.extend(run.left_out);
        untyped.extend(run.untyped);
        let mut current = Normalized {
            spec: run.spec,
            reports: reports.clone(),
            context,
        };
        keep_operations_of(&mut current);
        let bodies = emit::bodies(&current, run.generator.get_type_space());
        let dependencies = dependencies(&current, &run.generator)?;
        // Freed before the parse, which then reuses its memory rather than
        // touching more (Microsoft Graph's beta spec: 0.25 GB, freed in
        // 0.05 s).
        crate::timing::time("drop the type space", move || drop(run.generator));
        // Parsed from the tokens item by item; the types module and some of
        // the methods are printed on a second thread meanwhile (see
        // `crate::syntax`).
        let tokens = std::mem::take(&mut run.tokens);
        let carriers = emit::Carriers::of(&current);
        let mut untouched = emit::Untouched::of(&current, &carriers);
        let screen = TypesScreen {
            carriers,
            defined: HashSet::new(),
        };
        let parsed = crate::timing::time("parse progenitor's output, printing the types and methods", || {
            let (file, worker, mut methods) = crate::syntax::parse_printing_types(tokens, screen, &mut untouched)?;
            let (types, screen) = crate::timing::time("wait for the second thread", || {
                worker.join(&mut methods, &mut untouched)
            })?;
            syn::Result::Ok((file, types, methods, screen))
        });
        let (mut file, types, methods, screen) = parsed.context("progenitor's output does not parse")?;
        let TypesScreen { carriers, defined } = screen;
        let finished = crate::timing::time("emit", || {
            emit::finish(&mut file, &current, bodies, carriers, untouched, &defined)
        });
        match finished {
            Ok(emit::Finished { forms, aliases }) => {
                let body = crate::timing::time("prettyplease", || crate::syntax::unparse(&file, types, methods))
                    .context("printing the client")?;
                if exiting {
                    std::mem::forget(file);
                } else {
                    crate::timing::time("drop", move || drop(file));
                }
                return Ok(Pass {
                    body,
                    normalized: current,
                    left_out,
                    untyped,
                    forms,
                    aliases,
                    dependencies,
                });
            }
            Err(error) => {
                let Some(op) = emit::operation_error(&error).cloned() else {
                    return Err(error);
                };
                spec = current.spec;
                context = current.context;
                remove_operation(&mut spec, &op.path, &op.method);
                left_out.push(LeftOut::from(&op));
            }
        }
    }
    bail!("the multipart emitter failed on 64 operations")
}

/// Generates the client for one spec text; references into other files
/// cannot resolve (they degrade, named).
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated> {
    generate_in(spec_text, options, None)
}

/// Generates the client for the spec file at `path`, bundling the files it
/// refers to (relative to the file that refers to each).
pub fn generate_file(path: &Path, options: &Options) -> Result<Generated> {
    let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    generate_in(&text, options, Some(path.parent().unwrap_or(Path::new("."))))
}

/// [`generate_hashed`], the spec's hash worked out on a second thread
/// meanwhile (Microsoft Graph's beta spec, 47 MB: 0.15 s).
fn generate_in(spec_text: &str, options: &Options, folder: Option<&Path>) -> Result<Generated> {
    std::thread::scope(|scope| {
        let hash = scope.spawn(|| hex_sha256(spec_text.as_bytes()));
        generate_hashed(spec_text, options, folder, hash)
    })
}

fn generate_hashed(
    spec_text: &str,
    options: &Options,
    folder: Option<&Path>,
    hash: std::thread::ScopedJoinHandle<'_, String>,
) -> Result<Generated> {
    let name = &options.spec_name;
    let input = input::read_in(spec_text, name, folder)?;
    let read_left_out: Vec<LeftOut> = input.context.left_out.iter().map(LeftOut::from).collect();
    let read_untyped = input.context.untyped.clone();
    let context = crate::rules::Context {
        left_out: Vec::new(),
        untyped: Vec::new(),
        ..input.context
    };
    let normalized = normalize::normalize(input.spec, context);
    let mut left_out = read_left_out;
    left_out.extend(normalized.context.left_out.iter().map(LeftOut::from));
    let done = pass(normalized, options.exiting)?;
    left_out.extend(done.left_out.iter().cloned());
    let mut untyped = read_untyped;
    untyped.extend(done.untyped.iter().cloned());
    if options.strict {
        strict(name, &left_out, &untyped, &done.forms)?;
    }
    let hash = hash
        .join()
        .map_err(|_| anyhow::anyhow!("{name}: hashing the spec panicked"))?;
    let reports: Vec<RuleReport> = input.reports.iter().chain(&done.normalized.reports).cloned().collect();
    let mut header = header::header(
        options,
        &input.version,
        &hash,
        &input.files,
        &reports,
        &Omissions {
            operations: &left_out,
            schemas: &untyped,
            forms: &done.forms,
            aliases: &done.aliases,
            total: input.operations,
        },
    );
    header.push('\n');
    let code = done.body.after(&header);
    let multipart = done.normalized.context.multipart.len();
    if options.exiting {
        std::mem::forget(done.normalized);
        std::mem::forget(done.body);
    }
    Ok(Generated {
        code,
        version: input.version.to_string(),
        operations: input.operations,
        multipart,
        multipart_operations: input.multipart_operations,
        left_out,
        untyped_schemas: untyped,
        forms: done.forms,
        files: input.files,
        dependencies: done.dependencies,
    })
}

/// `--strict`: the first operation left out, schema typed as any JSON or
/// multipart body sent as a form, as an error.
fn strict(name: &str, left_out: &[LeftOut], untyped: &[LeftOut], forms: &[LeftOut]) -> Result<()> {
    if let Some(op) = left_out.first() {
        bail!(
            "{name}: {}: {} (strict: no operation may be left out)",
            op.operation,
            op.reason
        );
    }
    if let Some(schema) = untyped.first() {
        bail!(
            "{name}: {}: {} (strict: no schema may be typed as any JSON)",
            schema.operation,
            schema.reason
        );
    }
    if let Some(form) = forms.first() {
        bail!(
            "{name}: {}: {} (strict: every multipart body must have typed parts)",
            form.operation,
            form.reason
        );
    }
    Ok(())
}

/// The SHA-256 of `bytes`, in hex.
pub fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}
