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
pub mod schemas;

use anyhow::Result;
use openapiv3::{OpenAPI, Operation};

pub use client::SecurityScheme;
pub use multipart::{MultipartBody, MultipartOperation, MultipartSource};

use crate::rules::{Apply, Changes, Context, RULES, RuleReport};
use crate::spec::{OperationError, Site, operations_mut, remove_operation};

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
    for rule in RULES {
        let Apply::Spec(apply) = rule.apply else { continue };
        let before = context.left_out.len();
        let changes = apply(&mut spec, &mut context);
        remove_left_out(&mut spec, &context.left_out[before..]);
        reports.push(RuleReport {
            rule: rule.name,
            changes,
        });
    }
    Normalized { spec, reports, context }
}

/// Runs `f` on every operation (with a copy of the document to resolve
/// references in, and the operation's site). An error leaves that
/// operation out, with the error as the reason; the others go on.
pub fn each_operation(
    spec: &mut OpenAPI,
    ctx: &mut Context,
    mut f: impl FnMut(&OpenAPI, &Site, &mut Operation, &mut Context, &mut Changes) -> Result<()>,
) -> Changes {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let site = Site::of(method, path, op);
        if let Err(error) = f(&lookup, &site, op, ctx, &mut changes) {
            let error = match error.downcast::<OperationError>() {
                Ok(error) => error,
                Err(other) => site.error(format!("{other:#}")),
            };
            ctx.leave_out(error);
        }
    }
    changes
}
