//! The rules: one table, [`RULES`], in the order the pipeline applies
//! them. The pipeline, the generated file's header, the rule docs
//! (`client-gen rules`, written into `crates/client-gen/RULES.md` and the
//! README by `cargo xtask codegen`) all derive from it.
//!
//! Every rule has one signature: it gets the document (the YAML tree while
//! the spec is read, the typed OpenAPI 3.0 document after) and the
//! [`Context`], changes the document, and returns its report, one line per
//! change. A rule never fails the spec: what it cannot handle in one
//! operation it leaves out ([`Context::leave_out`]), naming why, and a
//! schema it cannot keep typed it types as any JSON
//! ([`Context::type_as_any`]).

use std::collections::BTreeMap;

use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::generate::LeftOut;
use crate::input::Version;
use crate::normalize::{self, MultipartOperation, SecurityScheme};

mod normalize_table;
mod table;
use crate::spec::OperationError;
pub use table::RULES;

/// A rule's report: one line per change, in document order.
pub type Changes = Vec<String>;

/// What a rule applies to, and how.
#[derive(Clone, Copy)]
pub enum Apply {
    /// The document as a tree, while it is read.
    Tree(fn(&mut Value, &mut Context) -> Changes),
    /// The typed OpenAPI 3.0 document, before progenitor reads it.
    Spec(fn(&mut OpenAPI, &mut Context) -> Changes),
}

/// Which documents a rule reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    /// Swagger 2.0 documents, while they are read as OpenAPI 3.0.
    Swagger2,
    /// OpenAPI 3.1 documents, while they are read as OpenAPI 3.0.
    OpenApi31,
    /// Every document, while it is read.
    Read,
    /// Every document, once typed: what progenitor 0.15.1 cannot take.
    Normalize,
}

impl Stage {
    /// Whether the stage applies to a document of `version`.
    pub fn applies_to(self, version: &Version) -> bool {
        match self {
            Stage::Swagger2 => *version == Version::Swagger2,
            Stage::OpenApi31 => matches!(version, Version::OpenApi31(_)),
            Stage::Read | Stage::Normalize => true,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Stage::Swagger2 => "Swagger 2.0",
            Stage::OpenApi31 => "OpenAPI 3.1",
            Stage::Read => "every version, read",
            Stage::Normalize => "every version, typed",
        }
    }
}

/// One named rule.
#[derive(Clone, Copy)]
pub struct Rule {
    /// Its name, as the header and the docs say it.
    pub name: &'static str,
    /// The documents it reads.
    pub stage: Stage,
    /// The spec shape it handles, and what it makes of it (Markdown).
    pub handles: &'static str,
    /// The rule itself.
    pub apply: Apply,
}

/// What the rules learn and leave for the stages after them.
#[derive(Debug, Default)]
pub struct Context {
    /// Operations left out by the rules, with the reason.
    pub left_out: Vec<OperationError>,
    /// Schemas typed as any JSON by the rules: the place, and why.
    pub untyped: Vec<LeftOut>,
    /// Why a reference the bundler could not follow does not resolve, by
    /// its target as written.
    pub unresolved: BTreeMap<String, String>,
    /// Operations with multipart bodies, for the multipart emitter.
    pub multipart: Vec<MultipartOperation>,
    /// Parameters renamed for Rust, whose wire names the emitter writes
    /// back.
    pub wire_names: Vec<normalize::rust_names::WireName>,
    /// The names progenitor would have given parameters' enums that now
    /// share a type, for the emitter to keep as aliases.
    pub aliases: Vec<normalize::shared_enums::TypeAlias>,
    /// Request bodies sent with another `Content-Type` than progenitor's
    /// method sets, by operation id.
    pub content_types: BTreeMap<String, String>,
    /// `servers[0].url`, for the `DEFAULT_BASE_URL` constant.
    pub default_base_url: Option<String>,
    /// The security schemes that get a constructor.
    pub security: Vec<SecurityScheme>,
    /// The typed document, when the last rule that reads the tree found it
    /// fits OpenAPI 3.0 whole (so that it is read once).
    pub typed: Option<OpenAPI>,
}

impl Context {
    /// Leaves an operation out, with the reason.
    pub fn leave_out(&mut self, error: OperationError) {
        if !self
            .left_out
            .iter()
            .any(|l| l.path == error.path && l.method == error.method)
        {
            self.left_out.push(error);
        }
    }

    /// Records that the schema at `place` is typed as any JSON, and why.
    pub fn type_as_any(&mut self, place: impl Into<String>, reason: impl Into<String>) {
        self.untyped.push(LeftOut {
            operation: place.into(),
            reason: reason.into(),
        });
    }
}

/// What one rule did to a document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    /// The rule's name.
    pub rule: &'static str,
    /// Its report.
    pub changes: Changes,
}

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// The rules as a Markdown table, for the docs and the README.
pub fn markdown() -> String {
    let mut out = String::from("| rule | reads | the spec shape it handles |\n|---|---|---|\n");
    for rule in RULES.iter() {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            rule.name,
            rule.stage.label(),
            rule.handles.replace('|', "\\|")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_unique_and_stages_in_pipeline_order() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                RULES[..i].iter().all(|r| r.name != rule.name),
                "{} is listed twice",
                rule.name
            );
        }
        let first_typed = RULES.iter().position(|r| r.stage == Stage::Normalize).unwrap();
        assert!(
            RULES[first_typed..].iter().all(|r| r.stage == Stage::Normalize),
            "every rule on the typed document comes after the rules that read the tree"
        );
        assert!(RULES.iter().all(|r| match r.apply {
            Apply::Tree(_) => r.stage != Stage::Normalize,
            Apply::Spec(_) => r.stage == Stage::Normalize,
        }));
    }

    #[test]
    fn the_docs_table_has_a_row_per_rule() {
        let table = markdown();
        assert_eq!(table.lines().count(), RULES.len() + 2);
        assert!(table.contains("| `split_multipart_operations` | every version, typed |"));
    }
}
