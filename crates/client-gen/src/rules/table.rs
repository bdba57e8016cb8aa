//! The rules that read the document as it is written (every version, and
//! Swagger 2.0 alone), in the order the pipeline applies them, with the
//! spec shape each handles; [`RULES`] is every rule.

use super::normalize_table::NORMALIZE;
use super::{Apply, Rule, Stage};
use crate::input;

/// Every rule, in the order the pipeline applies them: the ones that read
/// the document, then the typed ones (`normalize_table.rs`).
pub static RULES: std::sync::LazyLock<Vec<Rule>> =
    std::sync::LazyLock::new(|| READ.iter().chain(NORMALIZE).copied().collect());

/// The rules that read the document, in order.
const READ: &[Rule] = &[
    Rule {
        name: "percent_decoded_references",
        stage: Stage::Read,
        handles: "`$ref` fragments written percent-encoded (`#/paths/~1jobs~1%7Bid%7D`, RFC 6901 §6) are decoded",
        apply: Apply::Tree(input::refs::percent_decoded_references),
    },
    Rule {
        name: "paths_start_with_a_slash",
        stage: Stage::Read,
        handles: "a path written without its leading `/` (`users/{id}`, which openapiv3 would drop unread) gets \
                  one, and the `$ref`s into it follow; one written both ways is left out",
        apply: Apply::Tree(input::paths::paths_start_with_a_slash),
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
        name: "types_the_members_have",
        stage: Stage::Read,
        handles: "`type: object` without properties beside a `oneOf`/`anyOf` none of whose members is an object \
                  is dropped (no value fits it as written; the members say the type)",
        apply: Apply::Tree(input::contradictions::types_the_members_have),
    },
    Rule {
        name: "defaults_within_bounds",
        stage: Stage::Read,
        handles: "a number's `default` outside its own `minimum`/`maximum` is dropped (typify would type the field \
                  `NonZeroU32` and default it with `Default`)",
        apply: Apply::Tree(input::contradictions::defaults_within_bounds),
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
        handles: "an inline schema (of a property, its `items`, an `allOf` member's property, an array's `items`) \
                  that typify would name like a component (`Classification.template`, `ClassificationTemplate`) \
                  moves into the components, or refers to it when a copy (typify would define the type twice)",
        apply: Apply::Tree(input::schema_names::inline_names_apart_from_components),
    },
    Rule {
        name: "merged_names_apart_from_components",
        stage: Stage::Read,
        handles: "a component named as typify names a property that `allOf` members merge (declared twice, or \
                  once as a `$ref` to an `allOf`: `detectedCatalogColumn.links`) is renamed, references follow",
        apply: Apply::Tree(input::merged_names::merged_names_apart_from_components),
    },
    Rule {
        name: "nullable_titles_apart_from_components",
        stage: Stage::Read,
        handles: "a nullable component whose `title` names a component, itself included, loses the title \
                  (typify names the type inside the nullable wrapper by it)",
        apply: Apply::Tree(input::merged_names::nullable_titles_apart_from_components),
    },
    Rule {
        name: "nullable_unions_apart",
        stage: Stage::Read,
        handles: "a nullable component that is a `oneOf`/`anyOf`/`allOf`, or an enum with `null` among its \
                  values, keeps its name as the nullable wrapper; the rest moves beside it as `{Name}Inner` (typify \
                  names both alike)",
        apply: Apply::Tree(input::merged_names::nullable_unions_apart),
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
];
