//! [`RULES`]: every rule, in the order the pipeline applies them, with the
//! spec shape each handles.

use super::{Apply, Rule, Stage};
use crate::{input, normalize};

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
        name: "values_of_their_type",
        stage: Stage::Read,
        handles: "`enum` values and defaults written as another type than the schema's (`type: integer, enum: \
                  [\"0\", \"1\"]`, `type: boolean, default: \"true\"`) -> values of its type; a default that is none \
                  is dropped (typify refuses values that do not conform)",
        apply: Apply::Tree(input::json_schema::values_of_their_type),
    },
    Rule {
        name: "json_schema_implied_types",
        stage: Stage::Read,
        handles: "a schema without `type` whose keywords say one (`format: double`, `pattern`) gets it; keywords \
                  of another type beside them are dropped (typify `todo!`s)",
        apply: Apply::Tree(input::json_schema::implied_types),
    },
    Rule {
        name: "json_schema_format_on_strings_and_numbers",
        stage: Stage::Read,
        handles: "`format` on an `object`, `array` or `boolean` schema is dropped (typify `todo!`s)",
        apply: Apply::Tree(input::json_schema::format_only_on_strings_and_numbers),
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
        name: "schema_names_apart_in_rust",
        stage: Stage::Read,
        handles: "component schemas whose names are one Rust name (`FileDTO` beside `FileDto`): the later one is \
                  renamed (`FileDto2`), every reference follows (typify would define the type twice)",
        apply: Apply::Tree(input::schema_names::schema_names_apart_in_rust),
    },
    Rule {
        name: "inline_names_apart_from_components",
        stage: Stage::Read,
        handles: "an inline schema of a component's property (or its `items`) that typify would name like another \
                  component (`Classification.template` beside `ClassificationTemplate`) moves into the components \
                  under a free name (typify would define the type twice)",
        apply: Apply::Tree(input::schema_names::inline_names_apart_from_components),
    },
    Rule {
        name: "property_names_apart_in_rust",
        stage: Stage::Read,
        handles: "an object two of whose properties are one Rust field (`prefs/background` beside \
                  `prefs_background`, `_id` beside `id`) becomes any JSON where it is, its description kept \
                  (typify would declare the field twice; renaming either would change the wire)",
        apply: Apply::Tree(input::schema_names::property_names_apart_in_rust),
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
