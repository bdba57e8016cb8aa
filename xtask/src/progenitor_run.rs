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

/// `spec` with one operation only (every component kept).
fn with_only(spec: &OpenAPI, path: &str, method: &str) -> OpenAPI {
    let mut single = spec.clone();
    single.paths.paths.retain(|p, _| p == path);
    if let Some(ReferenceOr::Item(item)) = single.paths.paths.get_mut(path) {
        let keep = |m: &str, slot: &mut Option<openapiv3::Operation>| {
            if m != method {
                *slot = None;
            }
        };
        keep("get", &mut item.get);
        keep("put", &mut item.put);
        keep("post", &mut item.post);
        keep("delete", &mut item.delete);
        keep("options", &mut item.options);
        keep("head", &mut item.head);
        keep("patch", &mut item.patch);
        keep("trace", &mut item.trace);
    }
    single
}

/// Runs progenitor on the normalized spec. On failure, the error names the
/// first operation that fails on its own, and what progenitor said.
pub fn generate(spec: &OpenAPI) -> Result<(TokenStream, Generator)> {
    let whole_error = match attempt(spec) {
        Ok(done) => return Ok(done),
        Err(e) => e,
    };
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            if let Err(error) = attempt(&with_only(spec, path, method)) {
                let id = op.operation_id.as_deref().unwrap_or("no operationId");
                bail!(
                    "progenitor 0.15.1 cannot generate {} {path} ({id}): {error}. \
                     No normalization rule covers this shape yet.",
                    method.to_uppercase()
                );
            }
        }
    }
    bail!("progenitor 0.15.1 cannot generate the spec (no single operation fails alone): {whole_error}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_progenitor_panic_becomes_an_error_naming_the_operation() {
        // A path parameter the path template does not have: progenitor
        // 0.15.1 panics while sorting the parameters.
        let spec = crate::normalize::parse(
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
        )
        .unwrap();
        let err = generate(&spec)
            .err()
            .expect("progenitor fails on this spec")
            .to_string();
        assert!(err.contains("GET /things (list_things)"), "{err}");
        assert!(err.contains("panicked") && err.contains("missing from path"), "{err}");
    }
}
