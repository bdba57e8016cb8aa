//! The pipeline: read, normalize, progenitor, the multipart emitter,
//! prettyplease and the header; operations that cannot be generated are
//! left out one at a time, each with its reason.

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, ReferenceOr};
use sha2::{Digest, Sha256};

use crate::input::{self, Version};
use crate::normalize::{self, Normalized, OperationError};
use crate::progenitor_run::SchemaError;
use crate::report::{RuleReport, comment_text, header_lines};
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
    /// Refuse the spec when any operation cannot be generated, instead of
    /// leaving it out.
    pub strict: bool,
}

/// An operation left out of the generated client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeftOut {
    /// `POST /path (id)`.
    pub operation: String,
    /// Why it cannot be generated.
    pub reason: String,
}

/// A crate the generated code uses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// Its name in `Cargo.toml`.
    pub package: &'static str,
    /// Its name in Rust paths.
    pub path: &'static str,
    /// The `Cargo.toml` line that declares it (`client-support` by path,
    /// with `{client_support}` standing for that path).
    pub declaration: &'static str,
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
    /// The operations left out, with reasons.
    pub left_out: Vec<LeftOut>,
    /// The component schemas progenitor could not type, typed as any JSON
    /// instead (`operation` names the schema), with reasons.
    pub untyped_schemas: Vec<LeftOut>,
    /// The crates the code uses, as typify and progenitor reported them.
    pub dependencies: Vec<Dependency>,
}

impl Generated {
    /// The operations that were generated.
    pub fn generated(&self) -> usize {
        self.operations - self.left_out.len()
    }
}

const DEPENDENCIES: [Dependency; 9] = [
    Dependency {
        package: "client-support",
        path: "client_support",
        declaration: "client-support = { path = \"{client_support}\" }",
    },
    Dependency {
        package: "progenitor-client",
        path: "progenitor_client",
        declaration: "progenitor-client = \"0.15.1\"",
    },
    Dependency {
        package: "reqwest",
        path: "reqwest",
        declaration: "reqwest = { version = \"0.13\", default-features = false, features = [\"json\", \"query\", \"stream\", \"multipart\"] }",
    },
    Dependency {
        package: "serde",
        path: "serde",
        declaration: "serde = { version = \"1\", features = [\"derive\"] }",
    },
    Dependency {
        package: "serde_json",
        path: "serde_json",
        declaration: "serde_json = \"1\"",
    },
    Dependency {
        package: "chrono",
        path: "chrono",
        declaration: "chrono = { version = \"0.4\", default-features = false, features = [\"serde\"] }",
    },
    Dependency {
        package: "regress",
        path: "regress",
        declaration: "regress = \"0.12\"",
    },
    Dependency {
        package: "uuid",
        path: "uuid",
        declaration: "uuid = { version = \"1\", default-features = false, features = [\"serde\"] }",
    },
    Dependency {
        package: "futures-core",
        path: "futures_core",
        declaration: "futures-core = \"0.3\"",
    },
];

fn dependency(package: &str) -> Dependency {
    DEPENDENCIES
        .iter()
        .find(|d| d.package == package)
        .cloned()
        .expect("a known dependency")
}

/// One successful pass of the pipeline.
struct Pass {
    normalized: Normalized,
    body: String,
    dependencies: Vec<Dependency>,
}

fn pass(spec: OpenAPI) -> Result<Pass> {
    let normalized = normalize::normalize(spec)?;
    let (tokens, generator) = progenitor_run::generate(&normalized.spec)?;
    let mut file: syn::File = syn::parse2(tokens).context("progenitor's output does not parse")?;
    let type_space = generator.get_type_space();
    emit::finish(&mut file, &normalized, type_space)?;
    let mut dependencies = vec![
        dependency("progenitor-client"),
        dependency("reqwest"),
        dependency("serde"),
    ];
    if !normalized.multipart.is_empty() || !normalized.security.is_empty() {
        dependencies.insert(0, dependency("client-support"));
    }
    for (used, package) in [
        (type_space.uses_serde_json(), "serde_json"),
        (type_space.uses_chrono(), "chrono"),
        (type_space.uses_regress(), "regress"),
        (type_space.uses_uuid(), "uuid"),
        (generator.uses_futures(), "futures-core"),
    ] {
        if used {
            dependencies.push(dependency(package));
        }
    }
    if generator.uses_websockets() {
        bail!("the spec has WebSocket operations, which this generator does not support");
    }
    Ok(Pass {
        body: prettyplease::unparse(&file),
        normalized,
        dependencies,
    })
}

fn count_operations(spec: &OpenAPI) -> usize {
    spec.paths
        .paths
        .values()
        .filter_map(ReferenceOr::as_item)
        .map(|item| item.iter().count())
        .sum()
}

/// Removes the operation `method path` from `spec`.
fn remove_operation(spec: &mut OpenAPI, path: &str, method: &str) {
    if let Some(ReferenceOr::Item(item)) = spec.paths.paths.get_mut(path)
        && let Some(method) = normalize::Method::from_name(method)
    {
        *method.slot(item) = None;
        if item.iter().next().is_none() {
            spec.paths.paths.shift_remove(path);
        }
    }
}

/// Generates the client for one spec text.
pub fn generate(spec_text: &str, options: &Options) -> Result<Generated> {
    let name = &options.spec_name;
    let input = input::read(spec_text, name)?;
    let operations = count_operations(&input.spec);
    let mut spec = input.spec.clone();
    let mut left_out = Vec::new();
    let mut untyped: Vec<LeftOut> = Vec::new();
    let done = loop {
        match pass(spec.clone()) {
            Ok(done) => break done,
            Err(error) => {
                if let Some(schema) = error.downcast_ref::<SchemaError>() {
                    let operation = format!("components.schemas.{}", schema.name);
                    if options.strict {
                        bail!("{name}: {schema} (strict: no schema may be left untyped)");
                    }
                    if untyped.iter().any(|l| l.operation == operation) {
                        bail!("{name}: {schema}, and typing it as any JSON does not help");
                    }
                    untyped.push(LeftOut {
                        operation: format!("components.schemas.{}", schema.name),
                        reason: schema.reason.clone(),
                    });
                    spec = progenitor_run::with_blank_schemas(&spec, std::slice::from_ref(&schema.name));
                    continue;
                }
                let Some(op) = error.downcast_ref::<OperationError>() else {
                    return Err(error.context(format!("generating {name}")));
                };
                if options.strict {
                    bail!("{name}: {op} (strict: no operation may be left out)");
                }
                left_out.push(LeftOut {
                    operation: op.location.clone(),
                    reason: op.reason.clone(),
                });
                remove_operation(&mut spec, &op.path, &op.method);
            }
        }
    };
    let hash = Sha256::digest(spec_text.as_bytes());
    let hash: String = hash.iter().map(|b| format!("{b:02x}")).collect();
    let code = format!(
        "{}\n{}",
        header(
            options,
            &input.version,
            &hash,
            &input.reports,
            &done.normalized.reports,
            &Omissions {
                operations: &left_out,
                schemas: &untyped,
                total: operations,
            },
        ),
        done.body
    );
    Ok(Generated {
        code,
        version: input.version.to_string(),
        operations,
        multipart: done.normalized.multipart.len(),
        left_out,
        untyped_schemas: untyped,
        dependencies: done.dependencies,
    })
}

/// What the generated code leaves out.
struct Omissions<'a> {
    operations: &'a [LeftOut],
    schemas: &'a [LeftOut],
    total: usize,
}

fn header(
    options: &Options,
    version: &Version,
    hash: &str,
    version_reports: &[RuleReport],
    reports: &[RuleReport],
    omissions: &Omissions<'_>,
) -> String {
    let (left_out, operations) = (omissions.operations, omissions.total);
    let command = comment_text(&options.command);
    let mut lines = vec![
        format!(
            "@generated by `{command}` from {} (OpenAPI {}, sha256 {hash}).",
            comment_text(&options.spec_name),
            comment_text(&version.to_string())
        ),
        format!("Do not edit this file by hand: change the spec (or the generator, client-gen) and run `{command}`."),
        String::new(),
    ];
    if !version_reports.is_empty() {
        lines.push(format!(
            "Rules that read the OpenAPI {} document as OpenAPI 3.0:",
            comment_text(&version.to_string())
        ));
        lines.extend(header_lines(version_reports));
        lines.push(String::new());
    }
    lines.push("Normalization rules applied before progenitor read the spec:".to_string());
    lines.extend(header_lines(reports));
    lines.push(String::new());
    if left_out.is_empty() {
        lines.push(format!("Every operation was generated ({operations} of {operations})."));
    } else {
        lines.push(format!(
            "Operations left out ({} of {operations}), each with the reason:",
            left_out.len()
        ));
        for op in left_out {
            lines.push(format!(
                "- {}: {}",
                comment_text(&op.operation),
                comment_text(&op.reason)
            ));
        }
    }
    if !omissions.schemas.is_empty() {
        lines.push(format!(
            "Schemas typed as any JSON (serde_json::Value) because progenitor cannot type them ({}):",
            omissions.schemas.len()
        ));
        for schema in omissions.schemas {
            lines.push(format!(
                "- {}: {}",
                comment_text(&schema.operation),
                comment_text(&schema.reason)
            ));
        }
    }
    let mut out = String::new();
    for line in lines {
        if line.is_empty() {
            out.push_str("//\n");
        } else {
            out.push_str("// ");
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}
