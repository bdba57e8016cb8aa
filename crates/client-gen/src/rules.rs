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
use crate::input::{self, Version};
use crate::normalize::{self, MultipartOperation, SecurityScheme};
use crate::spec::OperationError;

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
    /// Request bodies sent with another `Content-Type` than progenitor's
    /// method sets, by operation id.
    pub content_types: BTreeMap<String, String>,
    /// `servers[0].url`, for the `DEFAULT_BASE_URL` constant.
    pub default_base_url: Option<String>,
    /// The security schemes that get a constructor.
    pub security: Vec<SecurityScheme>,
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

/// Every rule, in the order the pipeline applies them.
pub const RULES: &[Rule] = &[
    Rule {
        name: "percent_decoded_references",
        stage: Stage::Read,
        handles: "`$ref` fragments written percent-encoded (`#/paths/~1jobs~1%7Bid%7D`, RFC 6901 §6) are decoded",
        apply: Apply::Tree(input::refs::percent_decoded_references),
    },
    Rule {
        name: "swagger2_servers",
        stage: Stage::Swagger2,
        handles: "`host`, `basePath`, `schemes` -> `servers[].url`",
        apply: Apply::Tree(input::swagger2::servers),
    },
    Rule {
        name: "swagger2_components",
        stage: Stage::Swagger2,
        handles: "`definitions`, `parameters`, `responses` -> `components.*`, references rewritten",
        apply: Apply::Tree(input::swagger2::components),
    },
    Rule {
        name: "swagger2_security_schemes",
        stage: Stage::Swagger2,
        handles: "`securityDefinitions` -> `components.securitySchemes` (`basic` -> HTTP basic; an API key in \
                  `Authorization` described as a bearer token -> HTTP bearer, the way 2.0 exporters write it)",
        apply: Apply::Tree(input::swagger2::security_schemes),
    },
    Rule {
        name: "swagger2_request_bodies",
        stage: Stage::Swagger2,
        handles: "`in: body` and `in: formData` parameters, `consumes` -> `requestBody` (`type: file` -> a file \
                  part; multipart when a part is a file or `consumes` says so)",
        apply: Apply::Tree(input::swagger2::request_bodies),
    },
    Rule {
        name: "swagger2_parameter_schemas",
        stage: Stage::Swagger2,
        handles: "a parameter's `type`, `format`, `items`, ..., `collectionFormat` -> its `schema`, `style`, `explode`",
        apply: Apply::Tree(input::swagger2::parameter_schemas),
    },
    Rule {
        name: "swagger2_response_bodies",
        stage: Stage::Swagger2,
        handles: "a response's `schema` and `headers`, `produces` -> `content` per media type, header schemas",
        apply: Apply::Tree(input::swagger2::response_bodies),
    },
    Rule {
        name: "swagger2_schema_words",
        stage: Stage::Swagger2,
        handles: "`type: file`, `x-nullable`, `discriminator: name` -> `format: binary`, `nullable`, \
                  `discriminator.propertyName`",
        apply: Apply::Tree(input::swagger2::schema_words),
    },
    Rule {
        name: "swagger2_declare_3_0",
        stage: Stage::Swagger2,
        handles: "`swagger: \"2.0\"`, `consumes`, `produces` -> `openapi: 3.0.3` (and a missing `paths`)",
        apply: Apply::Tree(input::swagger2::declare_3_0),
    },
    Rule {
        name: "openapi31_drop_document_fields",
        stage: Stage::OpenApi31,
        handles: "`webhooks`, `jsonSchemaDialect`, `info.summary`, `license.identifier`, `components.pathItems` \
                  are dropped, each named",
        apply: Apply::Tree(input::openapi31::drop_document_fields),
    },
    Rule {
        name: "json_schema_boolean_schemas",
        stage: Stage::Read,
        handles: "`true` / `false` as schemas -> `{}` / `{not: {}}`",
        apply: Apply::Tree(input::json_schema::boolean_schemas),
    },
    Rule {
        name: "openapi31_move_defs",
        stage: Stage::OpenApi31,
        handles: "`$defs` inside schemas -> `components.schemas`, references rewritten",
        apply: Apply::Tree(input::openapi31::move_defs),
    },
    Rule {
        name: "json_schema_null_variants",
        stage: Stage::Read,
        handles: "`anyOf` / `oneOf` with a `{type: \"null\"}` variant -> `nullable`",
        apply: Apply::Tree(input::json_schema::null_variants),
    },
    Rule {
        name: "json_schema_type_lists",
        stage: Stage::Read,
        handles: "`type: [X, \"null\"]`, `type: \"null\"` and other type lists -> one type, `nullable`, or an \
                  `anyOf` of one schema per type",
        apply: Apply::Tree(input::json_schema::type_lists),
    },
    Rule {
        name: "openapi31_ref_siblings",
        stage: Stage::OpenApi31,
        handles: "`$ref` beside other keywords -> `allOf: [$ref]` beside them (annotations alone are dropped)",
        apply: Apply::Tree(input::openapi31::ref_siblings),
    },
    Rule {
        name: "openapi31_const_values",
        stage: Stage::OpenApi31,
        handles: "`const` -> a one-value `enum`",
        apply: Apply::Tree(input::openapi31::const_values),
    },
    Rule {
        name: "openapi31_schema_examples",
        stage: Stage::OpenApi31,
        handles: "`examples` (a list) in schemas -> `example`",
        apply: Apply::Tree(input::openapi31::schema_examples),
    },
    Rule {
        name: "json_schema_exclusive_bounds",
        stage: Stage::Read,
        handles: "numeric `exclusiveMinimum` / `exclusiveMaximum` -> `minimum` / `maximum` and the 3.0 boolean",
        apply: Apply::Tree(input::json_schema::exclusive_bounds),
    },
    Rule {
        name: "openapi31_content_media_type",
        stage: Stage::OpenApi31,
        handles: "`contentMediaType` -> a file (`format: binary`), `contentEncoding: base64` -> bytes",
        apply: Apply::Tree(input::openapi31::content_media_type),
    },
    Rule {
        name: "openapi31_drop_schema_keywords",
        stage: Stage::OpenApi31,
        handles: "JSON Schema 2020-12 keywords 3.0 has no word for (`$id`, `prefixItems`, `if`, ...) are dropped, \
                  each named",
        apply: Apply::Tree(input::openapi31::drop_schema_keywords),
    },
    Rule {
        name: "openapi31_declare_3_0",
        stage: Stage::OpenApi31,
        handles: "the `openapi` version itself, and a missing `paths`",
        apply: Apply::Tree(input::openapi31::declare_3_0),
    },
    Rule {
        name: "json_schema_tuple_items",
        stage: Stage::Read,
        handles: "`items: [A, B]` (a JSON Schema tuple) -> `items: A` when all are one schema, else `items: {anyOf: \
                  [A, B]}`",
        apply: Apply::Tree(input::json_schema::tuple_items),
    },
    Rule {
        name: "numbers_in_64_bits",
        stage: Stage::Read,
        handles: "integer bounds outside 64 bits (`-9223372036854776000`, as JavaScript writes `i64::MIN`) or with \
                  a fraction -> the nearest 64-bit integer inside them",
        apply: Apply::Tree(input::json_schema::numbers_in_64_bits),
    },
    Rule {
        name: "references_into_components",
        stage: Stage::Read,
        handles: "`$ref`s to places outside `components` (`#/paths/...`, `#/components/schemas/A/properties/b`): a \
                  schema moves into `components.schemas` (both places refer to it), anything else is copied in",
        apply: Apply::Tree(input::refs::references_into_components),
    },
    Rule {
        name: "unresolved_references",
        stage: Stage::Read,
        handles: "`$ref`s that resolve nowhere (a dangling pointer, a missing file, a URL, which is not fetched): a \
                  schema becomes any JSON, an operation that needs anything else is left out",
        apply: Apply::Tree(input::refs::unresolved_references),
    },
    Rule {
        name: "text_without_carriage_returns",
        stage: Stage::Read,
        handles: "carriage returns in descriptions, summaries and titles -> newlines (rustc refuses a bare CR in a \
                  doc comment)",
        apply: Apply::Tree(input::fit::text_without_carriage_returns),
    },
    Rule {
        name: "parts_that_fit_openapi_3_0",
        stage: Stage::Read,
        handles: "a part that does not fit OpenAPI 3.0's types (a string where a number belongs, say): a schema \
                  becomes any JSON, an operation is left out, a component that is not a schema is dropped",
        apply: Apply::Tree(input::fit::parts_that_fit_openapi_3_0),
    },
    Rule {
        name: "assign_operation_ids",
        stage: Stage::Normalize,
        handles: "an operation without `operationId` gets `{method}_{path}` in snake case (`POST /ideogram/remix` \
                  becomes `post_ideogram_remix`); one whose id another operation has is left out",
        apply: Apply::Spec(normalize::operations::assign_operation_ids),
    },
    Rule {
        name: "drop_client_owned_headers",
        stage: Stage::Normalize,
        handles: "`Content-Type`, `Accept` and `Authorization` header parameters are dropped; the client sets them",
        apply: Apply::Spec(normalize::operations::drop_client_owned_headers),
    },
    Rule {
        name: "require_path_parameters",
        stage: Stage::Normalize,
        handles: "a path parameter not marked `required` is marked so (progenitor asserts it)",
        apply: Apply::Spec(normalize::operations::require_path_parameters),
    },
    Rule {
        name: "path_parameters_match_the_template",
        stage: Stage::Normalize,
        handles: "a `{name}` of the path without a parameter gets a string one; a path parameter the path does not \
                  have is dropped (progenitor panics on either)",
        apply: Apply::Spec(normalize::parameters::path_parameters_match_the_template),
    },
    Rule {
        name: "parameters_are_not_nullable",
        stage: Stage::Normalize,
        handles: "a nullable parameter schema is not nullable: absent is `None` already (ElevenLabs' `xi-api-key` \
                  header would not compile)",
        apply: Apply::Spec(normalize::operations::parameters_are_not_nullable),
    },
    Rule {
        name: "parameters_progenitor_can_send",
        stage: Stage::Normalize,
        handles: "`deepObject` query objects -> one query parameter per property (`filter[name]`), as they go on \
                  the wire; cookie parameters and a second parameter of one Rust name are left out of their \
                  operations' arguments, named",
        apply: Apply::Spec(normalize::parameters::parameters_progenitor_can_send),
    },
    Rule {
        name: "reference_titled_copies",
        stage: Stage::Normalize,
        handles: "an inline copy of a component schema titled with its name becomes a `$ref` (typify would define \
                  the type twice)",
        apply: Apply::Spec(normalize::schemas::reference_titled_copies),
    },
    Rule {
        name: "untitle_clashing_inline_schemas",
        stage: Stage::Normalize,
        handles: "inline enums and objects that share a title but not their content lose the title (typify gives \
                  them all the first one's type)",
        apply: Apply::Spec(normalize::schemas::untitle_clashing_inline_schemas),
    },
    Rule {
        name: "dedupe_enum_values",
        stage: Stage::Normalize,
        handles: "a value listed twice in an `enum` is listed once (typify panics)",
        apply: Apply::Spec(normalize::schemas::dedupe_enum_values),
    },
    Rule {
        name: "enums_typify_can_name",
        stage: Stage::Normalize,
        handles: "a string `enum` whose values typify cannot make distinct variants of (`[asc, ASC]`, `[\"\", \
                  \"X\"]`, values without letters) is typed as a string, its values listed in the docs",
        apply: Apply::Spec(normalize::schemas::enums_typify_can_name),
    },
    Rule {
        name: "one_of_beside_any_of",
        stage: Stage::Normalize,
        handles: "a schema with both keeps `oneOf`, the stricter (progenitor asserts)",
        apply: Apply::Spec(normalize::schemas::one_of_beside_any_of),
    },
    Rule {
        name: "merge_all_of_bodies",
        stage: Stage::Normalize,
        handles: "a request body that is an `allOf` of objects becomes the one object; a multipart `oneOf` / \
                  `anyOf` of objects, one object of every variant's parts",
        apply: Apply::Spec(normalize::bodies::merge_all_of_bodies),
    },
    Rule {
        name: "split_multipart_operations",
        stage: Stage::Normalize,
        handles: "`multipart/form-data` bodies go to the multipart emitter: typed parts from an object schema, a \
                  form the caller fills by part name for any other shape",
        apply: Apply::Spec(normalize::multipart::split_multipart_operations),
    },
    Rule {
        name: "keep_one_body_media_type",
        stage: Stage::Normalize,
        handles: "a body with several other media types keeps the JSON one (progenitor `todo!`s)",
        apply: Apply::Spec(normalize::bodies::keep_one_body_media_type),
    },
    Rule {
        name: "bodies_progenitor_can_send",
        stage: Stage::Normalize,
        handles: "`+json` and `text/json` bodies are typed as JSON, sent with their own `Content-Type`; a body \
                  without a schema, or of a media type (or schema) progenitor does not send, is sent as bytes with \
                  its `Content-Type`",
        apply: Apply::Spec(normalize::bodies::bodies_progenitor_can_send),
    },
    Rule {
        name: "drop_encoding_from_json_bodies",
        stage: Stage::Normalize,
        handles: "`encoding` on a JSON or form body is dropped (progenitor `todo!`s)",
        apply: Apply::Spec(normalize::bodies::drop_encoding_from_json_bodies),
    },
    Rule {
        name: "drop_encoding_from_responses",
        stage: Stage::Normalize,
        handles: "`encoding` on a JSON response is dropped (progenitor asserts)",
        apply: Apply::Spec(normalize::responses::drop_encoding_from_responses),
    },
    Rule {
        name: "type_schemaless_json_responses",
        stage: Stage::Normalize,
        handles: "a JSON response without a schema becomes any JSON (progenitor `todo!`s)",
        apply: Apply::Spec(normalize::responses::type_schemaless_json_responses),
    },
    Rule {
        name: "default_response_means_errors",
        stage: Stage::Normalize,
        handles: "a `default` response beside 2xx ones becomes `4XX`/`5XX` (progenitor panics on two success types)",
        apply: Apply::Spec(normalize::responses::default_response_means_errors),
    },
    Rule {
        name: "one_body_type_per_response_class",
        stage: Stage::Normalize,
        handles: "JSON bodies of one class (success, error) that differ only in examples or descriptions become \
                  one; bodies of different shapes become one component `{Operation}{Success,Error}Body`, a `oneOf` \
                  typify makes an untagged enum, matched by shape (the status stays on the response)",
        apply: Apply::Spec(normalize::responses::one_body_type_per_response_class),
    },
    Rule {
        name: "drop_bodiless_responses_beside_typed",
        stage: Stage::Normalize,
        handles: "bodiless errors beside a typed one (Ideogram's 400/403/429 beside a typed 422) are dropped and \
                  arrive as `Error::UnexpectedResponse` with their status (progenitor panics)",
        apply: Apply::Spec(normalize::responses::drop_bodiless_responses_beside_typed),
    },
    Rule {
        name: "extract_default_base_url",
        stage: Stage::Normalize,
        handles: "`servers[0].url` becomes `DEFAULT_BASE_URL` (none for an empty or relative URL)",
        apply: Apply::Spec(normalize::client::extract_default_base_url),
    },
    Rule {
        name: "extract_security_schemes",
        stage: Stage::Normalize,
        handles: "an HTTP bearer scheme becomes `Client::new_with_bearer_token`, an API key in a header \
                  `Client::new_with_api_key`; both set a sensitive default header",
        apply: Apply::Spec(normalize::client::extract_security_schemes),
    },
];

/// The rule named `name`.
pub fn rule(name: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.name == name)
}

/// The rules as a Markdown table, for the docs and the README.
pub fn markdown() -> String {
    let mut out = String::from("| rule | reads | the spec shape it handles |\n|---|---|---|\n");
    for rule in RULES {
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
