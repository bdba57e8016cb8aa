//! Running progenitor so that none of its panics reaches the user.
//!
//! progenitor 0.15.1 panics or hits `todo!` on some spec shapes; the
//! normalization rules remove the ones we know. For any other, progenitor
//! runs under `catch_unwind` with its panic message kept off the terminal,
//! and when it fails (by error or panic), each operation is tried alone to
//! name the one it cannot generate.

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use anyhow::{Result, bail};
use openapiv3::{OpenAPI, ReferenceOr};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle};

use crate::normalize::{Method, Site, any_json_schema};

thread_local! {
    /// Set while progenitor runs on this thread: its panics are caught, so
    /// the panic hook stays quiet about them.
    static QUIET: Cell<bool> = const { Cell::new(false) };
}

fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// One progenitor run: its tokens and the generator (for its type space),
/// or what went wrong, as text.
fn attempt(spec: &OpenAPI) -> std::result::Result<(TokenStream, Generator), String> {
    install_quiet_hook();
    let mut settings = GenerationSettings::default();
    settings.with_interface(InterfaceStyle::Positional);
    QUIET.with(|q| q.set(true));
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut generator = Generator::new(&settings);
        generator.generate_tokens(spec).map(|tokens| (tokens, generator))
    }));
    QUIET.with(|q| q.set(false));
    match outcome {
        Ok(Ok(done)) => Ok(done),
        Ok(Err(error)) => Err(error.to_string()),
        Err(payload) => Err(format!("panicked: {}", panic_message(&*payload))),
    }
}

/// `spec` with only the operations in `keep` (every component kept).
fn with_only(spec: &OpenAPI, keep: &[(String, String)]) -> OpenAPI {
    let mut subset = spec.clone();
    subset.paths.paths.retain(|p, _| keep.iter().any(|(path, _)| path == p));
    for (path, item) in subset.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for method in Method::ALL {
            if !keep.iter().any(|(p, m)| p == path && m == method.as_str()) {
                *method.slot(item) = None;
            }
        }
    }
    subset
}

/// One operation among `ops` that fails on its own (halving the set, so a
/// spec of n operations takes about log2(n) runs), with progenitor's error.
fn failing_operation(spec: &OpenAPI, ops: &[(String, String)]) -> Option<((String, String), String)> {
    match ops {
        [] => None,
        [one] => attempt(&with_only(spec, ops)).err().map(|e| (one.clone(), e)),
        _ => {
            let (first, second) = ops.split_at(ops.len() / 2);
            [first, second]
                .into_iter()
                .find(|half| attempt(&with_only(spec, half)).is_err())
                .and_then(|half| failing_operation(spec, half))
        }
    }
}

/// A component schema progenitor (typify) cannot generate, whatever the
/// operations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SchemaError {
    /// The schema's name under `components.schemas`.
    pub name: String,
    /// What progenitor said.
    pub reason: String,
}

impl std::fmt::Display for SchemaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "components.schemas.{}: progenitor 0.15.1 cannot generate it: {}",
            self.name, self.reason
        )
    }
}

impl std::error::Error for SchemaError {}

/// `spec` with the schemas named in `blank` replaced by the empty schema
/// (any JSON), so that references to them still resolve.
pub fn with_blank_schemas(spec: &OpenAPI, blank: &[String]) -> OpenAPI {
    let mut out = spec.clone();
    if let Some(components) = out.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if blank.contains(name) {
                *schema = ReferenceOr::Item(any_json_schema());
            }
        }
    }
    out
}

/// One component schema of `names` that progenitor cannot generate: with
/// it blanked (and perhaps others), the operation-free `spec` generates.
/// The candidates are halved (about 2 log2(n) runs); `None` when blanking
/// every schema does not help either.
fn failing_schema(spec: &OpenAPI, names: &[String]) -> Option<String> {
    let fixed_by = |blank: &[String]| attempt(&with_blank_schemas(spec, blank)).is_ok();
    if !fixed_by(names) {
        return None;
    }
    // Invariant: blanking `base` and `candidates` fixes the spec.
    let mut base: Vec<String> = Vec::new();
    let mut candidates = names.to_vec();
    while candidates.len() > 1 {
        let second = candidates.split_off(candidates.len() / 2);
        let with = |half: &[String]| [base.as_slice(), half].concat();
        if fixed_by(&with(&candidates)) {
            continue;
        }
        if fixed_by(&with(&second)) {
            candidates = second;
            continue;
        }
        // Culprits in both halves: look in the first with the second blanked.
        base.extend(second);
    }
    candidates.pop()
}

/// Runs progenitor on the normalized spec. When it fails on the component
/// schemas alone, the error says so (no operation is to blame); else it is
/// an [`OperationError`] naming one operation that fails on its own.
pub fn generate(spec: &OpenAPI) -> Result<(TokenStream, Generator)> {
    let whole_error = match attempt(spec) {
        Ok(done) => return Ok(done),
        Err(e) => e,
    };
    let bare = with_only(spec, &[]);
    if let Err(error) = attempt(&bare) {
        let blank = ReferenceOr::Item(any_json_schema());
        let names: Vec<String> = bare
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .filter(|(_, schema)| **schema != blank)
            .map(|(name, _)| name.clone())
            .collect();
        if let Some(name) = failing_schema(&bare, &names) {
            return Err(anyhow::Error::new(SchemaError { name, reason: error }));
        }
        bail!(
            "progenitor 0.15.1 cannot generate the component schemas (whatever the operations, \
             and no one schema alone is to blame): {error}"
        );
    }
    let ops: Vec<(String, String)> = spec
        .paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| item.iter().map(move |(method, _)| (path.clone(), method.to_string())))
        .collect();
    let Some(((path, method), error)) = failing_operation(spec, &ops) else {
        bail!("progenitor 0.15.1 cannot generate the spec (no single operation fails alone): {whole_error}")
    };
    let op = spec.paths.paths[&path]
        .as_item()
        .and_then(|item| item.iter().find(|(m, _)| *m == method))
        .map(|(_, op)| op)
        .expect("the operation was found in this spec");
    Err(Site::of(&method, &path, op).refuse(format!(
        "progenitor 0.15.1 cannot generate it: {error}; no normalization rule covers this shape yet"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progenitor_panic_becomes_an_error_naming_the_operation() {
        // A path parameter the path template does not have: progenitor
        // 0.15.1 panics while sorting the parameters.
        let spec = crate::input::read(
            r#"
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /fine:
    get:
      operationId: fine
      responses: {"200": {description: ok}}
  /things:
    get:
      operationId: list_things
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
        - {name: kind, in: path, required: true, schema: {type: string}}
      responses: {"200": {description: ok}}
"#,
            "test.yaml",
        )
        .unwrap()
        .spec;
        let err = generate(&spec)
            .err()
            .expect("progenitor fails on this spec")
            .to_string();
        assert!(err.contains("GET /things (list_things)"), "{err}");
        assert!(err.contains("panicked") && err.contains("missing from path"), "{err}");
    }
}
