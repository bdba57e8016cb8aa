//! The rules that read the typed OpenAPI 3.0 document progenitor reads,
//! in the order the pipeline applies them, with the spec shape each
//! handles.

use super::{Apply, Rule, Stage};
use crate::normalize;

/// The rules on the typed document, in order (after those that read it).
pub const NORMALIZE: &[Rule] = &[
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
        handles: "`deepObject` query parameters -> what goes on the wire (`filter[name]` per property, `expand[]` \
                  per item); delimited lists and `content` parameters -> a string the caller writes; cookies are \
                  dropped (progenitor sends none)",
        apply: Apply::Spec(normalize::parameters::parameters_progenitor_can_send),
    },
    Rule {
        name: "parameter_names_apart_in_rust",
        stage: Stage::Normalize,
        handles: "parameters whose Rust names collide (`domainName` beside `domain_name`, a query `id` beside a path \
                  `id`, a `body` parameter beside the body): the later one is `{name}_{location}` in Rust, and keeps \
                  its name on the wire",
        apply: Apply::Spec(normalize::rust_names::parameter_names_apart_in_rust),
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
        name: "shared_parameter_enums",
        stage: Stage::Normalize,
        handles: "an inline string `enum` that parameters of several operations repeat, value for value, becomes \
                  one component schema, named as progenitor names the first one's type; the other names are kept as \
                  type aliases of it (Microsoft Graph's beta spec: 17,631 `$select`, `$expand` and `$orderby` enums, \
                  2,153 distinct)",
        apply: Apply::Spec(normalize::shared_enums::shared_parameter_enums),
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
        name: "upgrade_errors_progenitor_can_print",
        stage: Stage::Normalize,
        handles: "an error response that is not JSON, of an operation that answers 101, becomes any JSON \
                  (progenitor's upgrade needs an error type it can print)",
        apply: Apply::Spec(normalize::upgrades::upgrade_errors_progenitor_can_print),
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
