//! Normalization of the typed OpenAPI 3.0 document before progenitor sees
//! it: everything progenitor 0.15.1 cannot take as it stands (it would
//! refuse it, panic on it or hit a `todo!`) is adjusted here, in memory,
//! one small named rule at a time, in the order of
//! [`crate::rules::RULES`]. Each rule is one function with its own unit
//! test and reports what it changed; the report ends up in the header of
//! the generated file so that a reviewer sees every adjustment.
//!
//! A rule that cannot handle one operation leaves it out
//! ([`Context::leave_out`]); the operation is taken out of the document
//! before the next rule runs, so no rule ever sinks the spec.
#![doc = include_str!("../../RULES.md")]

pub mod bodies;
pub mod client;
pub mod multipart;
pub mod operations;
pub mod parameters;
pub mod responses;
pub mod rust_names;
pub mod schemas;
pub mod shared_enums;
pub mod upgrades;

use anyhow::Result;
use openapiv3::{OpenAPI, Operation, Paths, ReferenceOr};

pub use client::SecurityScheme;
pub use multipart::{MultipartBody, MultipartOperation, MultipartSource};

use crate::rules::{Apply, Changes, Context, RULES, RuleReport};
use crate::spec::{OperationError, Site, path_item_operations_mut, remove_operation};

/// The normalized document and what the rules learned from it.
#[derive(Debug)]
pub struct Normalized {
    /// The document progenitor generates from.
    pub spec: OpenAPI,
    /// What each rule did, in the order applied.
    pub reports: Vec<RuleReport>,
    /// What the rules leave for the emitter, and what they left out.
    pub context: Context,
}

/// Takes the operations the rules left out (since `from`) out of `spec`.
fn remove_left_out(spec: &mut OpenAPI, left_out: &[OperationError]) {
    for op in left_out {
        remove_operation(spec, &op.path, &op.method);
    }
}

/// Applies every rule on the typed document, in order.
pub fn normalize(mut spec: OpenAPI, mut context: Context) -> Normalized {
    let mut reports = Vec::new();
    for rule in RULES.iter() {
        let Apply::Spec(apply) = rule.apply else { continue };
        let before = context.left_out.len();
        let changes = crate::timing::time(rule.name, || apply(&mut spec, &mut context));
        remove_left_out(&mut spec, &context.left_out[before..]);
        reports.push(RuleReport {
            rule: rule.name,
            changes,
        });
    }
    Normalized { spec, reports, context }
}

/// Runs `f` with the paths taken out of the document: it changes the
/// paths, and resolves references in the rest (the components), with no
/// copy of either. Once read, no reference points into the paths
/// ([`crate::input::refs::references_into_components`]).
pub fn with_paths<T>(spec: &mut OpenAPI, f: impl FnOnce(&mut Paths, &OpenAPI) -> T) -> T {
    let mut paths = std::mem::take(&mut spec.paths);
    let out = f(&mut paths, spec);
    spec.paths = paths;
    out
}

/// Runs `f` on every operation (with the document to resolve references
/// in, and the operation's site). An error leaves that operation out, with
/// the error as the reason; the others go on.
pub fn each_operation(
    spec: &mut OpenAPI,
    ctx: &mut Context,
    mut f: impl FnMut(&OpenAPI, &Site, &mut Operation, &mut Context, &mut Changes) -> Result<()>,
) -> Changes {
    with_paths(spec, |paths, lookup| {
        let mut changes = Vec::new();
        for (path, item) in paths.paths.iter_mut() {
            let ReferenceOr::Item(item) = item else { continue };
            for (method, op) in path_item_operations_mut(item) {
                let site = Site::of(method, path, op);
                if let Err(error) = f(lookup, &site, op, ctx, &mut changes) {
                    let error = match error.downcast::<OperationError>() {
                        Ok(error) => error,
                        Err(other) => site.error(format!("{other:#}")),
                    };
                    ctx.leave_out(error);
                }
            }
        }
        changes
    })
}
