//! Running progenitor so that none of its failures sinks the spec, and
//! none of its panics reaches the user.
//!
//! progenitor 0.15.1 panics or hits `todo!` on some spec shapes; the
//! normalization rules remove the ones we know. For any other, progenitor
//! runs under `catch_unwind` with its panic message kept off the terminal.
//! When the whole spec fails, the parts to blame are found by group
//! testing (halving the suspects, each try a small spec of its own: only
//! the operations tried and the schemas they reach), and each is mended
//! where it is: a component schema loses the defaults typify refuses, or
//! its properties (or itself) become any JSON; an operation's own schemas
//! become any JSON; only an operation that still fails is left out.

mod prune;

use prune::Graph;

use std::cell::Cell;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Once;

use anyhow::{Result, bail};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, Type};
use proc_macro2::TokenStream;
use progenitor::{GenerationSettings, Generator, InterfaceStyle};

use crate::generate::LeftOut;
use crate::spec::{Method, Site, any_json_schema, operations, remove_operation, visit};

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

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".into())
}

/// One progenitor run: its tokens and the generator (for its type space),
/// or what went wrong, as text.
pub fn attempt(spec: &OpenAPI) -> std::result::Result<(TokenStream, Generator), String> {
    crate::timing::time("progenitor", || attempt_untimed(spec))
}

fn attempt_untimed(spec: &OpenAPI) -> std::result::Result<(TokenStream, Generator), String> {
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

/// The suspects among `all` that fail on their own (each a set `fails`
/// says fails), found by halving: about `k log n` tries for `k` of them.
/// Where a set fails but neither half does (two suspects fail together),
/// the one whose absence mends the set is blamed, else the whole set.
fn culprits<T: Clone>(all: &[T], fails: &mut dyn FnMut(&[T]) -> bool) -> Vec<T> {
    fn search<T: Clone>(set: &[T], fails: &mut dyn FnMut(&[T]) -> bool, known_to_fail: bool) -> Vec<T> {
        if set.is_empty() || (!known_to_fail && !fails(set)) {
            return Vec::new();
        }
        if set.len() == 1 {
            return set.to_vec();
        }
        let (first, second) = set.split_at(set.len() / 2);
        let mut found = search(first, fails, false);
        found.extend(search(second, fails, false));
        if found.is_empty() {
            let without = |i: usize| [&set[..i], &set[i + 1..]].concat();
            let mended = (0..set.len().min(64)).rev().find(|&i| !fails(&without(i)));
            return match mended {
                Some(i) => vec![set[i].clone()],
                None => set.to_vec(),
            };
        }
        found
    }
    search(all, fails, false)
}

/// What progenitor generated, and what had to be mended or left out.
pub struct Run {
    /// progenitor's tokens.
    pub tokens: TokenStream,
    /// The generator, for its type space.
    pub generator: Generator,
    /// The document as generated (mended, operations left out).
    pub spec: OpenAPI,
    /// The operations left out, with progenitor's reasons.
    pub left_out: Vec<LeftOut>,
    /// The schemas typed as any JSON (or mended), with the reasons.
    pub untyped: Vec<LeftOut>,
}

/// A schema with every `default` inside it (not behind references) taken
/// out; `None` when it has none.
fn without_defaults(schema: &Schema) -> Option<Schema> {
    let mut copy = schema.clone();
    let mut found = copy.schema_data.default.take().is_some();
    visit::visit_inside(&mut copy, "", &mut |_, inner| {
        found |= inner.schema_data.default.take().is_some();
        None
    });
    found.then_some(copy)
}

/// `spec` with the component schemas for which `keep` says no typed as
/// any JSON, and no operations.
fn components_only(spec: &OpenAPI, keep: &dyn Fn(&str) -> bool) -> OpenAPI {
    let mut out = prune::without_operations(spec);
    if let Some(components) = out.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if !keep(name) {
                *schema = ReferenceOr::Item(any_json_schema());
            }
        }
    }
    out
}

/// The component schema `name` of `spec`, mutably.
fn component_mut<'a>(spec: &'a mut OpenAPI, name: &str) -> Option<&'a mut ReferenceOr<Schema>> {
    spec.components.as_mut()?.schemas.get_mut(name)
}

/// Mends the component schema `name`, which fails with the others typed
/// as any JSON: its defaults go, else its failing properties become any
/// JSON, else it does.
fn mend_component(spec: &mut OpenAPI, name: &str, reason: &str, untyped: &mut Vec<LeftOut>) {
    let alone = |spec: &OpenAPI| attempt(&components_only(spec, &|n| n == name)).is_ok();
    let place = format!("components.schemas.{name}");
    let Some(ReferenceOr::Item(schema)) = component_mut(spec, name).cloned() else {
        return;
    };
    if let Some(mended) = without_defaults(&schema) {
        let mut trial = spec.clone();
        *component_mut(&mut trial, name).expect("it is there") = ReferenceOr::Item(mended);
        if alone(&trial) {
            *spec = trial;
            untyped.push(LeftOut {
                operation: format!("{place} (its defaults only)"),
                reason: format!("defaults dropped, typify refuses them: {reason}"),
            });
            return;
        }
    }
    if let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind {
        let properties: Vec<String> = object.properties.keys().cloned().collect();
        let with_blank = |blank: &[String]| {
            let mut trial = spec.clone();
            if let Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Object(o)),
                ..
            })) = component_mut(&mut trial, name)
            {
                for p in blank {
                    o.properties
                        .insert(p.clone(), ReferenceOr::Item(Box::new(any_json_schema())));
                }
            }
            trial
        };
        let mut fails = |keep: &[String]| {
            let blank: Vec<String> = properties.iter().filter(|p| !keep.contains(p)).cloned().collect();
            !alone(&with_blank(&blank))
        };
        let bad = culprits(&properties, &mut fails);
        let trial = with_blank(&bad);
        if !bad.is_empty() && bad.len() < properties.len() && alone(&trial) {
            *spec = trial;
            for p in bad {
                untyped.push(LeftOut {
                    operation: format!("{place}.properties.{p}"),
                    reason: reason.to_string(),
                });
            }
            return;
        }
    }
    *component_mut(spec, name).expect("it is there") = ReferenceOr::Item(any_json_schema());
    untyped.push(LeftOut {
        operation: place,
        reason: reason.to_string(),
    });
}

/// Mends the component schemas until they generate with no operation.
fn mend_components(spec: &mut OpenAPI, untyped: &mut Vec<LeftOut>) -> Result<()> {
    for _round in 0..8 {
        let bare = components_only(spec, &|_| true);
        let Err(reason) = attempt(&bare) else { return Ok(()) };
        let blank = ReferenceOr::Item(any_json_schema());
        let names: Vec<String> = bare
            .components
            .iter()
            .flat_map(|c| c.schemas.iter())
            .filter(|(_, s)| **s != blank)
            .map(|(n, _)| n.clone())
            .collect();
        let snapshot = spec.clone();
        let mut fails =
            |keep: &[String]| attempt(&components_only(&snapshot, &|n| keep.iter().any(|k| k == n))).is_err();
        let bad = culprits(&names, &mut fails);
        if bad.is_empty() {
            bail!("progenitor 0.15.1 cannot generate the component schemas, and no schema is to blame: {reason}");
        }
        for name in bad {
            let why = attempt(&components_only(spec, &|n| n == name))
                .err()
                .unwrap_or_else(|| reason.clone());
            mend_component(spec, &name, &why, untyped);
        }
    }
    bail!("progenitor 0.15.1 cannot generate the component schemas even with every failing one typed as any JSON")
}

/// An operation's place: its path and method.
type Op = (String, String);

/// Whether the operations `ops` of `spec` (with the schemas they reach in
/// `graph`) fail together, and why.
fn ops_fail(spec: &OpenAPI, graph: &Graph, ops: &[Op]) -> Option<String> {
    attempt(&prune::subset(spec, Some(graph), ops)).err()
}

/// Mends the operation `op`, which fails alone: its own schemas (not
/// behind references) that fail become any JSON. Returns whether it
/// generates now.
fn mend_operation(spec: &mut OpenAPI, graph: &Graph, op: &Op, reason: &str, untyped: &mut Vec<LeftOut>) -> bool {
    // The operation alone, with the schemas it reaches: every try is made
    // on a copy of this small spec.
    let mut alone = prune::subset(spec, Some(graph), std::slice::from_ref(op));
    let slots = prune::own_schemas(&mut alone, op);
    let fails_with = |blank: &[String]| {
        let mut trial = alone.clone();
        prune::blank_schemas(&mut trial, op, blank);
        attempt(&trial).is_err()
    };
    if slots.is_empty() || fails_with(&slots) {
        return false;
    }
    let bad = culprits(&slots, &mut |keep: &[String]| {
        let blank: Vec<String> = slots.iter().filter(|s| !keep.contains(s)).cloned().collect();
        fails_with(&blank)
    });
    if bad.is_empty() || fails_with(&bad) {
        return false;
    }
    prune::own_schemas(spec, op);
    prune::blank_schemas(spec, op, &bad);
    for slot in bad {
        untyped.push(LeftOut {
            operation: slot,
            reason: reason.to_string(),
        });
    }
    true
}

fn leave_out(spec: &mut OpenAPI, op: &Op, reason: String, left_out: &mut Vec<LeftOut>) {
    let location = operations(spec)
        .into_iter()
        .find(|(site, _)| site.path == op.0 && site.method == op.1)
        .map(|(site, _)| site.location)
        .unwrap_or_else(|| format!("{} {}", op.1.to_uppercase(), op.0));
    left_out.push(LeftOut {
        operation: location,
        reason: format!("progenitor 0.15.1 cannot generate it: {reason}; no normalization rule covers this shape yet"),
    });
    remove_operation(spec, &op.0, &op.1);
}

/// The operations of the spec, in order.
fn all_operations(spec: &OpenAPI) -> Vec<Op> {
    operations(spec)
        .into_iter()
        .map(|(site, _): (Site, _)| (site.path, site.method))
        .filter(|(_, m)| Method::from_name(m).is_some())
        .collect()
}

/// Runs progenitor on the normalized spec, mending or leaving out what it
/// cannot generate.
pub fn generate(mut spec: OpenAPI) -> Result<Run> {
    let (mut left_out, mut untyped) = (Vec::new(), Vec::new());
    let first = match attempt(&spec) {
        Ok((tokens, generator)) => {
            return Ok(Run {
                tokens,
                generator,
                spec,
                left_out,
                untyped,
            });
        }
        Err(first) => first,
    };
    {
        mend_components(&mut spec, &mut untyped)?;
        let ops = all_operations(&spec);
        let graph = Graph::of(&spec);
        let snapshot = spec.clone();
        let bad = culprits(&ops, &mut |set| ops_fail(&snapshot, &graph, set).is_some());
        for op in bad {
            let reason = ops_fail(&spec, &graph, std::slice::from_ref(&op)).unwrap_or_else(|| first.clone());
            if !mend_operation(&mut spec, &graph, &op, &reason, &mut untyped) {
                leave_out(&mut spec, &op, reason, &mut left_out);
            }
        }
    }
    for _ in 0..64 {
        match attempt(&spec) {
            Ok((tokens, generator)) => {
                return Ok(Run {
                    tokens,
                    generator,
                    spec,
                    left_out,
                    untyped,
                });
            }
            Err(reason) => {
                let ops = all_operations(&spec);
                let Some(op) = first_failing_prefix(&spec, &Graph::of(&spec), &ops) else {
                    bail!("progenitor 0.15.1 cannot generate the spec, and no operation is to blame: {reason}");
                };
                leave_out(
                    &mut spec,
                    &op,
                    format!("beside the operations before it: {reason}"),
                    &mut left_out,
                );
            }
        }
    }
    bail!("progenitor 0.15.1 cannot generate the spec after leaving 64 operations out")
}

/// The operation whose addition to the ones before it makes them fail
/// (halving on the length of the prefix).
fn first_failing_prefix(spec: &OpenAPI, graph: &Graph, ops: &[Op]) -> Option<Op> {
    ops_fail(spec, graph, ops)?;
    let (mut good, mut bad) = (0, ops.len());
    while bad - good > 1 {
        let mid = (good + bad) / 2;
        if ops_fail(spec, graph, &ops[..mid]).is_some() {
            bad = mid;
        } else {
            good = mid;
        }
    }
    ops.get(bad - 1).cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn culprits_are_found_by_halving() {
        let all: Vec<u32> = (0..100).collect();
        let mut tries = 0;
        let found = culprits(&all, &mut |set| {
            tries += 1;
            set.contains(&17) || set.contains(&80)
        });
        assert_eq!(found, vec![17, 80]);
        assert!(tries < 40, "{tries} tries");
        let found = culprits(&all, &mut |set| set.contains(&3) && set.contains(&4));
        assert_eq!(
            found,
            vec![4],
            "two that fail only together: the one whose absence mends"
        );
    }

    #[test]
    fn a_progenitor_panic_leaves_out_the_operation_and_keeps_the_rest() {
        // A path parameter the path template does not have: progenitor
        // 0.15.1 panics while sorting the parameters (the rules would add
        // it; here progenitor gets the spec as it is).
        let spec = crate::spec::test_support::raw_spec(
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
        );
        let run = generate(spec).expect("the spec generates without the operation");
        assert_eq!(run.left_out.len(), 1);
        assert_eq!(run.left_out[0].operation, "GET /things (list_things)");
        assert!(run.left_out[0].reason.contains("panicked") && run.left_out[0].reason.contains("missing from path"));
        assert!(run.spec.paths.paths.contains_key("/fine"));
    }

    #[test]
    fn a_default_typify_refuses_is_dropped_and_the_schema_stays_typed() {
        let spec = crate::spec::test_support::raw_spec(
            r#"
openapi: 3.0.1
info: {title: t, version: "1"}
paths: {}
components:
  schemas:
    Edit:
      type: object
      properties:
        prompt: {type: string}
        strength: {anyOf: [{type: number}, {type: string}], default: [1, 2]}
"#,
        );
        let run = generate(spec).expect("it generates");
        assert_eq!(
            run.untyped.len(),
            1,
            "{:?}",
            run.untyped.iter().map(|u| &u.operation).collect::<Vec<_>>()
        );
        assert_eq!(run.untyped[0].operation, "components.schemas.Edit (its defaults only)");
        let code = run.tokens.to_string();
        assert!(code.contains("pub struct Edit"), "Edit is still a struct");
    }
}
