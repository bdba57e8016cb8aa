//! Swagger 2.0 read as OpenAPI 3.0, by the standard mapping (the one
//! swagger2openapi and the OpenAPI 3.0 specification's "migrating" notes
//! describe), one named rule per part of the document, each reporting what
//! it moved.
//!
//! | rule | 2.0 construct | 3.0 form |
//! |---|---|---|
//! | [`servers`] | `host`, `basePath`, `schemes` | `servers[].url` |
//! | [`components`] | `definitions`, `parameters`, `responses` | `components.*`, references rewritten |
//! | [`security_schemes`] | `securityDefinitions` | `components.securitySchemes` (`basic` -> HTTP basic, an `Authorization` key described as a bearer token -> HTTP bearer) |
//! | [`request_bodies`] | `in: body` and `in: formData` parameters, `consumes` | `requestBody` (form data: an object schema, multipart when it holds a file or `consumes` says so) |
//! | [`parameter_schemas`] | a parameter's `type`, `format`, `items`, ..., `collectionFormat` | its `schema`, `style`, `explode` |
//! | [`response_bodies`] | a response's `schema` and `headers`, `produces` | `content` per media type, header schemas |
//! | [`schema_words`] | `type: file`, `x-nullable`, `discriminator: name` | `format: binary`, `nullable`, `discriminator.propertyName` |

use serde_yaml::{Mapping, Value};

use super::tree::{self, get, get_mut, get_str, pointer};
use crate::report::RuleReport;

/// Applies every rule, in order; the document is 3.0 after them.
pub fn convert(doc: &mut Value) -> Vec<RuleReport> {
    let original = doc.clone();
    let mut reports = vec![servers(doc), components(doc), security_schemes(doc)];
    reports.push(request_bodies(doc, &original));
    reports.push(parameter_schemas(doc));
    reports.push(response_bodies(doc));
    reports.push(schema_words(doc));
    let root = doc.as_mapping_mut().expect("the document is a mapping");
    root.remove("swagger");
    root.remove("consumes");
    root.remove("produces");
    root.insert("openapi".into(), "3.0.3".into());
    if !root.contains_key("paths") {
        root.insert("paths".into(), tree::mapping());
    }
    reports
}

fn root(doc: &mut Value) -> &mut Mapping {
    doc.as_mapping_mut().expect("the document is a mapping")
}

fn components_entry<'a>(doc: &'a mut Value, kind: &str) -> &'a mut Mapping {
    let components = root(doc).entry("components".into()).or_insert_with(tree::mapping);
    let components = components.as_mapping_mut().expect("components is a mapping");
    components
        .entry(kind.into())
        .or_insert_with(tree::mapping)
        .as_mapping_mut()
        .expect("a components entry is a mapping")
}

/// Rule: `schemes`, `host` and `basePath` become one server per scheme
/// (`https` first); without a host, the base path alone.
pub fn servers(doc: &mut Value) -> RuleReport {
    let map = root(doc);
    let host = map.remove("host").and_then(|v| v.as_str().map(str::to_string));
    let base = map.remove("basePath").and_then(|v| v.as_str().map(str::to_string));
    let schemes: Vec<String> = map
        .remove("schemes")
        .and_then(|v| v.as_sequence().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|s| s.as_str().map(str::to_string))
        .collect();
    let base = base.unwrap_or_default();
    let base = base.trim_end_matches('/');
    let mut urls: Vec<String> = match &host {
        Some(host) => {
            let mut schemes = if schemes.is_empty() {
                vec!["https".to_string()]
            } else {
                schemes
            };
            schemes.sort_by_key(|s| s != "https");
            schemes.iter().map(|s| format!("{s}://{host}{base}")).collect()
        }
        None if !base.is_empty() => vec![base.to_string()],
        None => Vec::new(),
    };
    urls.dedup();
    let changes = urls.iter().map(|u| format!("servers[] url {u}")).collect();
    if !urls.is_empty() {
        let servers = urls
            .into_iter()
            .map(|u| {
                let mut m = Mapping::new();
                m.insert("url".into(), u.into());
                Value::Mapping(m)
            })
            .collect();
        map.insert("servers".into(), Value::Sequence(servers));
    }
    RuleReport::new("swagger2_servers", changes)
}

fn is_body_parameter(p: &Value) -> bool {
    matches!(get_str(p, "in"), Some("body" | "formData"))
}

/// Rule: `definitions`, the non-body `parameters` and `responses` move
/// under `components`, and every reference to them follows. Body and form
/// parameters become part of each operation's request body instead
/// ([`request_bodies`]).
pub fn components(doc: &mut Value) -> RuleReport {
    let mut changes = Vec::new();
    let map = root(doc);
    let definitions = map.remove("definitions");
    let parameters = map.remove("parameters");
    let responses = map.remove("responses");
    for (kind, moved) in [("schemas", definitions), ("responses", responses)] {
        if let Some(Value::Mapping(entries)) = moved {
            changes.push(format!("{} -> components.{kind}", entries.len()));
            components_entry(doc, kind).extend(entries);
        }
    }
    if let Some(Value::Mapping(entries)) = parameters {
        let (body, plain): (Mapping, Mapping) = entries.into_iter().partition(|(_, p)| is_body_parameter(p));
        changes.push(format!(
            "{} parameters -> components.parameters ({} body and form parameters inlined where used)",
            plain.len(),
            body.len()
        ));
        components_entry(doc, "parameters").extend(plain);
    }
    if let Some(first) = changes.first_mut() {
        *first = format!("definitions: {first}");
    }
    let rewritten = tree::rewrite_references(doc, &mut |target| {
        for (old, new) in [
            ("#/definitions/", "#/components/schemas/"),
            ("#/parameters/", "#/components/parameters/"),
            ("#/responses/", "#/components/responses/"),
        ] {
            if let Some(rest) = target.strip_prefix(old) {
                return Some(format!("{new}{rest}"));
            }
        }
        None
    });
    changes.push(format!("{rewritten} references rewritten"));
    RuleReport::new("swagger2_components", changes)
}

/// Rule: `securityDefinitions` become `components.securitySchemes`:
/// `basic` is HTTP basic, `oauth2` gets its one flow, and `apiKey` stays,
/// except an API key in the `Authorization` header whose description says
/// it is a bearer token: 2.0 has no bearer scheme, and exporters write HTTP
/// bearer that way, so it becomes HTTP bearer again.
pub fn security_schemes(doc: &mut Value) -> RuleReport {
    let Some(Value::Mapping(definitions)) = root(doc).remove("securityDefinitions") else {
        return RuleReport::new("swagger2_security_schemes", Vec::new());
    };
    let mut changes = Vec::new();
    let mut schemes = Mapping::new();
    for (name, scheme) in definitions {
        let label = tree::key_text(&name);
        let mut scheme = scheme.as_mapping().cloned().unwrap_or_default();
        let kind = scheme
            .get("type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let description = scheme.get("description").and_then(Value::as_str).unwrap_or_default();
        let header = scheme.get("name").and_then(Value::as_str).unwrap_or_default();
        let bearer = kind == "apiKey"
            && scheme.get("in").and_then(Value::as_str) == Some("header")
            && header.eq_ignore_ascii_case("authorization")
            && description.to_ascii_lowercase().contains("bearer");
        if kind == "basic" || bearer {
            let http = if bearer { "bearer" } else { "basic" };
            scheme.insert("type".into(), "http".into());
            scheme.insert("scheme".into(), http.into());
            scheme.remove("in");
            scheme.remove("name");
            changes.push(format!("{label}: {kind} -> http {http}"));
        } else if kind == "oauth2" {
            let flow = match scheme.remove("flow").as_ref().and_then(Value::as_str) {
                Some("implicit") => "implicit",
                Some("password") => "password",
                Some("application") => "clientCredentials",
                _ => "authorizationCode",
            };
            let mut details = Mapping::new();
            for key in ["authorizationUrl", "tokenUrl", "scopes"] {
                if let Some(v) = scheme.remove(key) {
                    details.insert(key.into(), v);
                }
            }
            let mut flows = Mapping::new();
            flows.insert(flow.into(), Value::Mapping(details));
            scheme.insert("flows".into(), Value::Mapping(flows));
            changes.push(format!("{label}: oauth2 -> oauth2 flow {flow}"));
        } else {
            changes.push(format!("{label}: {kind} kept"));
        }
        schemes.insert(name, Value::Mapping(scheme));
    }
    components_entry(doc, "securitySchemes").extend(schemes);
    RuleReport::new("swagger2_security_schemes", changes)
}

/// The parameter `p` is, with a `$ref` to the 2.0 `parameters` resolved.
fn resolved_parameter(p: &Value, original: &Value) -> Value {
    match get_str(p, "$ref") {
        Some(reference) => reference
            .strip_prefix("#/components/parameters/")
            .or_else(|| reference.strip_prefix("#/parameters/"))
            .and_then(|name| get(original, "parameters").and_then(|ps| get(ps, name)))
            .cloned()
            .unwrap_or_else(|| p.clone()),
        None => p.clone(),
    }
}

/// The 2.0 keywords of a non-body parameter (or `items`) that describe its
/// value: they move into its schema.
const VALUE_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The schema a non-body parameter's value keywords describe (taken out of
/// `p`); nested `items` lose their `collectionFormat`.
fn value_schema(p: &mut Mapping) -> Mapping {
    let mut schema = Mapping::new();
    for key in VALUE_KEYWORDS {
        if let Some(v) = p.remove(key) {
            schema.insert(key.into(), v);
        }
    }
    if let Some(Value::Mapping(items)) = schema.get_mut("items") {
        items.remove("collectionFormat");
        let inner = value_schema(items);
        *items = inner;
    }
    schema
}

fn operation_consumes(op: &Value, doc: &Value) -> Vec<String> {
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let own = list(get(op, "consumes"));
    if own.is_empty() {
        list(get(doc, "consumes"))
    } else {
        own
    }
}

/// The path items and their operations, with their pointers.
fn each_operation(doc: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    let Some(Value::Mapping(paths)) = get_mut(doc, "paths") else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let at = pointer("/paths", &tree::key_text(path));
        for method in tree::PATH_ITEM_METHODS {
            if let Some(op) = get_mut(item, method) {
                f(&pointer(&at, method), op);
            }
        }
    }
}

/// The request body an operation's body or form parameters make, if any.
fn body_from_parameters(params: &[Value], consumes: &[String], at: &str, changes: &mut Vec<String>) -> Option<Value> {
    if let Some(body) = params.iter().find(|p| get_str(p, "in") == Some("body")) {
        let schema = get(body, "schema").cloned().unwrap_or_else(tree::mapping);
        let types = if consumes.is_empty() {
            vec!["application/json".to_string()]
        } else {
            consumes.to_vec()
        };
        let mut content = Mapping::new();
        for t in &types {
            let mut media = Mapping::new();
            media.insert("schema".into(), schema.clone());
            content.insert(t.as_str().into(), Value::Mapping(media));
        }
        let mut request = Mapping::new();
        if let Some(d) = get(body, "description") {
            request.insert("description".into(), d.clone());
        }
        request.insert("content".into(), Value::Mapping(content));
        if get(body, "required").and_then(Value::as_bool) == Some(true) {
            request.insert("required".into(), true.into());
        }
        changes.push(format!(
            "{at}: body parameter `{}` -> requestBody {}",
            get_str(body, "name").unwrap_or_default(),
            types.join(", ")
        ));
        return Some(Value::Mapping(request));
    }
    let form: Vec<&Value> = params.iter().filter(|p| get_str(p, "in") == Some("formData")).collect();
    if form.is_empty() {
        return None;
    }
    let has_file = form.iter().any(|p| get_str(p, "type") == Some("file"));
    let media_type = if has_file || consumes.iter().any(|c| c.starts_with("multipart/form-data")) {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut properties = Mapping::new();
    let mut required = Vec::new();
    for p in &form {
        let mut p = p.as_mapping().cloned().unwrap_or_default();
        let name = p.get("name").map(tree::key_text).unwrap_or_default();
        let mut schema = value_schema(&mut p);
        if let Some(d) = p.get("description") {
            schema.insert("description".into(), d.clone());
        }
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.clone()));
        }
        properties.insert(name.into(), Value::Mapping(schema));
    }
    let mut schema = Mapping::new();
    schema.insert("type".into(), "object".into());
    let names: Vec<String> = properties.keys().map(tree::key_text).collect();
    schema.insert("properties".into(), Value::Mapping(properties));
    let any_required = !required.is_empty();
    if any_required {
        schema.insert("required".into(), Value::Sequence(required));
    }
    let mut media = Mapping::new();
    media.insert("schema".into(), Value::Mapping(schema));
    let mut content = Mapping::new();
    content.insert(media_type.into(), Value::Mapping(media));
    let mut request = Mapping::new();
    request.insert("content".into(), Value::Mapping(content));
    if any_required {
        request.insert("required".into(), true.into());
    }
    changes.push(format!(
        "{at}: formData {} -> requestBody {media_type}",
        names.join(", ")
    ));
    Some(Value::Mapping(request))
}

/// Rule: an operation's `in: body` parameter becomes its `requestBody`,
/// one media type per `consumes` entry (JSON when there is none); its
/// `in: formData` parameters become one object schema, sent as
/// `multipart/form-data` when one is a file or `consumes` says multipart,
/// else as `application/x-www-form-urlencoded`. Path-level form
/// parameters apply to every operation of the path.
pub fn request_bodies(doc: &mut Value, original: &Value) -> RuleReport {
    let mut changes = Vec::new();
    let lookup = doc.clone();
    let Some(Value::Mapping(paths)) = get_mut(doc, "paths") else {
        return RuleReport::new("swagger2_request_bodies", changes);
    };
    for (path, item) in paths.iter_mut() {
        let at = pointer("/paths", &tree::key_text(path));
        let shared: Vec<Value> = get(item, "parameters")
            .and_then(Value::as_sequence)
            .map(|ps| ps.iter().map(|p| resolved_parameter(p, original)).collect())
            .unwrap_or_default();
        if let Some(Value::Sequence(ps)) = get_mut(item, "parameters") {
            ps.retain(|p| !is_body_parameter(&resolved_parameter(p, original)));
        }
        for method in tree::PATH_ITEM_METHODS {
            let Some(op) = get_mut(item, method) else { continue };
            let own: Vec<Value> = get(op, "parameters")
                .and_then(Value::as_sequence)
                .map(|ps| ps.iter().map(|p| resolved_parameter(p, original)).collect())
                .unwrap_or_default();
            let own_names: Vec<(Option<&str>, Option<&str>)> =
                own.iter().map(|p| (get_str(p, "name"), get_str(p, "in"))).collect();
            let params: Vec<Value> = own
                .iter()
                .cloned()
                .chain(
                    shared
                        .iter()
                        .filter(|p| !own_names.contains(&(get_str(p, "name"), get_str(p, "in"))))
                        .cloned(),
                )
                .collect();
            let consumes = operation_consumes(op, &lookup);
            let body = body_from_parameters(&params, &consumes, &pointer(&at, method), &mut changes);
            let op = op.as_mapping_mut().expect("an operation is a mapping");
            op.remove("consumes");
            if let Some(Value::Sequence(ps)) = op.get_mut("parameters") {
                ps.retain(|p| !is_body_parameter(&resolved_parameter(p, original)));
            }
            if let Some(body) = body {
                op.insert("requestBody".into(), body);
            }
        }
    }
    RuleReport::new("swagger2_request_bodies", changes)
}

fn schema_of_parameter(p: &mut Value, at: &str, changes: &mut Vec<String>) {
    let Some(map) = p.as_mapping_mut() else { return };
    if map.contains_key("$ref") || map.contains_key("schema") || map.contains_key("content") {
        return;
    }
    let location = map.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
    let collection = map
        .remove("collectionFormat")
        .and_then(|v| v.as_str().map(str::to_string));
    let schema = value_schema(map);
    if schema.is_empty() {
        return;
    }
    map.insert("schema".into(), Value::Mapping(schema));
    let mut change = format!("{at}: type keywords -> schema");
    if let Some(format) = collection {
        let (style, explode) = match (format.as_str(), location.as_str()) {
            ("multi", _) => ("form", true),
            ("ssv", _) => ("spaceDelimited", false),
            ("pipes", _) => ("pipeDelimited", false),
            (_, "query" | "cookie") => ("form", false),
            _ => ("simple", false),
        };
        map.insert("style".into(), style.into());
        map.insert("explode".into(), explode.into());
        change.push_str(&format!(
            ", collectionFormat {format} -> style {style}, explode {explode}"
        ));
    }
    changes.push(change);
}

/// Rule: a non-body parameter's `type`, `format`, `items`, `enum`,
/// `default` and bounds move into its `schema`; `collectionFormat` becomes
/// `style` and `explode` (`csv` the 3.0 default, `multi` exploded form,
/// `ssv` and `pipes` delimited; `tsv`, which 3.0 cannot say, as `csv`).
pub fn parameter_schemas(doc: &mut Value) -> RuleReport {
    let mut changes = Vec::new();
    if let Some(Value::Mapping(params)) = get_mut(doc, "components").and_then(|c| get_mut(c, "parameters")) {
        for (name, p) in params.iter_mut() {
            let at = pointer("/components/parameters", &tree::key_text(name));
            schema_of_parameter(p, &at, &mut changes);
        }
    }
    let Some(Value::Mapping(paths)) = get_mut(doc, "paths") else {
        return RuleReport::new("swagger2_parameter_schemas", changes);
    };
    for (path, item) in paths.iter_mut() {
        let at = pointer("/paths", &tree::key_text(path));
        let mut lists: Vec<(String, &mut Value)> = Vec::new();
        if let Some(Value::Mapping(item)) = Some(item) {
            for (key, value) in item.iter_mut() {
                let key = tree::key_text(key);
                if key == "parameters" {
                    lists.push((pointer(&at, "parameters"), value));
                } else if tree::PATH_ITEM_METHODS.contains(&key.as_str())
                    && let Some(ps) = get_mut(value, "parameters")
                {
                    lists.push((pointer(&pointer(&at, &key), "parameters"), ps));
                }
            }
        }
        for (list_at, list) in lists {
            if let Value::Sequence(ps) = list {
                for (i, p) in ps.iter_mut().enumerate() {
                    schema_of_parameter(p, &pointer(&list_at, &i.to_string()), &mut changes);
                }
            }
        }
    }
    RuleReport::new("swagger2_parameter_schemas", changes)
}

fn convert_response(response: &mut Value, produces: &[String], at: &str, changes: &mut Vec<String>) {
    let Some(map) = response.as_mapping_mut() else { return };
    if map.contains_key("$ref") {
        return;
    }
    map.remove("examples");
    if let Some(Value::Mapping(headers)) = map.get_mut("headers") {
        for (_, header) in headers.iter_mut() {
            if let Value::Mapping(h) = header
                && !h.contains_key("schema")
            {
                h.remove("collectionFormat");
                let schema = value_schema(h);
                h.insert("schema".into(), Value::Mapping(schema));
            }
        }
    }
    if let Some(schema) = map.remove("schema") {
        let types = if produces.is_empty() {
            vec!["application/json".to_string()]
        } else {
            produces.to_vec()
        };
        let mut content = Mapping::new();
        for t in &types {
            let mut media = Mapping::new();
            media.insert("schema".into(), schema.clone());
            content.insert(t.as_str().into(), Value::Mapping(media));
        }
        map.insert("content".into(), Value::Mapping(content));
        changes.push(format!("{at}: schema -> content {}", types.join(", ")));
    }
    if !map.contains_key("description") {
        map.insert("description".into(), "".into());
    }
}

/// Rule: a response's `schema` becomes its `content`, one media type per
/// `produces` entry (JSON when there is none), and its headers' type
/// keywords their schemas.
pub fn response_bodies(doc: &mut Value) -> RuleReport {
    let mut changes = Vec::new();
    let global: Vec<String> = get(doc, "produces")
        .and_then(Value::as_sequence)
        .map(|s| s.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if let Some(Value::Mapping(responses)) = get_mut(doc, "components").and_then(|c| get_mut(c, "responses")) {
        for (name, r) in responses.iter_mut() {
            let at = pointer("/components/responses", &tree::key_text(name));
            convert_response(r, &global, &at, &mut changes);
        }
    }
    each_operation(doc, &mut |at, op| {
        let own: Vec<String> = get(op, "produces")
            .and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
            .unwrap_or_default();
        let produces = if own.is_empty() { global.clone() } else { own };
        if let Some(map) = op.as_mapping_mut() {
            map.remove("produces");
        }
        if let Some(Value::Mapping(responses)) = get_mut(op, "responses") {
            for (status, r) in responses.iter_mut() {
                let here = pointer(&pointer(at, "responses"), &tree::key_text(status));
                convert_response(r, &produces, &here, &mut changes);
            }
        }
    });
    RuleReport::new("swagger2_response_bodies", changes)
}

/// Rule: schema words of 2.0 that 3.0 spells otherwise: `type: file` is a
/// binary string, `x-nullable: true` is `nullable`, and a `discriminator`
/// given as a property name is `{propertyName: name}`.
pub fn schema_words(doc: &mut Value) -> RuleReport {
    let mut changes = Vec::new();
    tree::visit_document_schemas(doc, &mut |at, schema| {
        let Value::Mapping(map) = schema else { return };
        if map.get("type").and_then(Value::as_str) == Some("file") {
            map.insert("type".into(), "string".into());
            map.insert("format".into(), "binary".into());
            changes.push(format!("{at}: type file -> string, format binary"));
        }
        if let Some(nullable) = map.remove("x-nullable") {
            tree::wrap_ref_in_all_of(map);
            map.insert("nullable".into(), nullable);
            changes.push(format!("{at}: x-nullable -> nullable"));
        }
        if let Some(Value::String(name)) = map.get("discriminator").cloned() {
            let mut d = Mapping::new();
            d.insert("propertyName".into(), name.clone().into());
            map.insert("discriminator".into(), Value::Mapping(d));
            changes.push(format!("{at}: discriminator {name} -> propertyName {name}"));
        }
    });
    RuleReport::new("swagger2_schema_words", changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
swagger: "2.0"
info: {title: t, version: "1"}
host: api.example.test
basePath: /v1/
schemes: [http, https]
consumes: [application/json]
produces: [application/json]
securityDefinitions:
  token: {type: apiKey, in: header, name: Authorization, description: "Bearer token"}
  key: {type: apiKey, in: header, name: X-Key}
  login: {type: basic}
parameters:
  limit: {name: limit, in: query, type: integer, maximum: 10}
definitions:
  Pet:
    type: object
    discriminator: kind
    properties:
      kind: {type: string}
      owner: {$ref: '#/definitions/Owner', x-nullable: true}
  Owner: {type: object}
paths:
  /pets/{id}:
    parameters:
      - {name: id, in: path, required: true, type: string}
    post:
      operationId: upload
      consumes: [multipart/form-data]
      parameters:
        - {name: photo, in: formData, type: file, required: true, description: The photo.}
        - {name: tags, in: formData, type: array, items: {type: string}}
        - {name: ids, in: query, type: array, items: {type: integer}, collectionFormat: multi}
        - $ref: '#/parameters/limit'
      responses:
        200:
          description: ok
          schema: {$ref: '#/definitions/Pet'}
          headers:
            X-Rate: {type: integer}
    put:
      parameters:
        - {name: pet, in: body, required: true, schema: {$ref: '#/definitions/Pet'}}
      responses:
        default: {description: error}
"#;

    fn converted() -> (Value, Vec<RuleReport>) {
        let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
        let reports = convert(&mut doc);
        (doc, reports)
    }

    fn json(v: &Value) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn servers_come_from_host_base_path_and_schemes() {
        let (doc, reports) = converted();
        assert_eq!(
            json(&doc["servers"]),
            r#"[{"url":"https://api.example.test/v1"},{"url":"http://api.example.test/v1"}]"#
        );
        assert_eq!(reports[0].changes[0], "servers[] url https://api.example.test/v1");
    }

    #[test]
    fn definitions_and_parameters_move_and_references_follow() {
        let (doc, reports) = converted();
        assert!(doc["components"]["schemas"]["Pet"].is_mapping());
        assert_eq!(
            json(&doc["components"]["parameters"]["limit"]),
            r#"{"name":"limit","in":"query","schema":{"type":"integer","maximum":10}}"#
        );
        assert_eq!(
            reports[1].changes,
            vec![
                "definitions: 2 -> components.schemas",
                "1 parameters -> components.parameters (0 body and form parameters inlined where used)",
                "4 references rewritten",
            ]
        );
        let put = &doc["paths"]["/pets/{id}"]["put"];
        assert_eq!(
            json(&put["requestBody"]),
            r##"{"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}},"required":true}"##
        );
        assert!(put.get("parameters").unwrap().as_sequence().unwrap().is_empty());
    }

    #[test]
    fn security_definitions_become_schemes() {
        let (doc, reports) = converted();
        assert_eq!(
            reports[2].changes,
            vec![
                "token: apiKey -> http bearer",
                "key: apiKey kept",
                "login: basic -> http basic"
            ]
        );
        assert_eq!(
            json(&doc["components"]["securitySchemes"]["token"]),
            r#"{"type":"http","scheme":"bearer","description":"Bearer token"}"#
        );
    }

    #[test]
    fn form_data_becomes_a_multipart_body_with_a_file_part() {
        let (doc, _) = converted();
        let post = &doc["paths"]["/pets/{id}"]["post"];
        assert_eq!(
            json(&post["requestBody"]),
            r#"{"content":{"multipart/form-data":{"schema":{"type":"object","properties":{"photo":{"type":"string","description":"The photo.","format":"binary"},"tags":{"type":"array","items":{"type":"string"}}},"required":["photo"]}}},"required":true}"#
        );
        assert_eq!(
            json(&post["parameters"]),
            r##"[{"name":"ids","in":"query","schema":{"type":"array","items":{"type":"integer"}},"style":"form","explode":true},{"$ref":"#/components/parameters/limit"}]"##
        );
    }

    #[test]
    fn responses_get_content_and_schemas_their_3_0_words() {
        let (doc, _) = converted();
        let ok = &doc["paths"]["/pets/{id}"]["post"]["responses"][200];
        assert_eq!(
            json(ok),
            r##"{"description":"ok","headers":{"X-Rate":{"schema":{"type":"integer"}}},"content":{"application/json":{"schema":{"$ref":"#/components/schemas/Pet"}}}}"##
        );
        let pet = &doc["components"]["schemas"]["Pet"];
        assert_eq!(json(&pet["discriminator"]), r#"{"propertyName":"kind"}"#);
        assert_eq!(doc["openapi"], Value::from("3.0.3"));
        assert!(get(&doc, "swagger").is_none() && get(&doc, "consumes").is_none());
    }
}
