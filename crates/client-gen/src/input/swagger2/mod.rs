//! Swagger 2.0 read as OpenAPI 3.0, by the standard mapping (the one
//! swagger2openapi and the OpenAPI 3.0 specification's "migrating" notes
//! describe), one named rule per part of the document, each reporting what
//! it moved; [`crate::rules::RULES`] orders them. The request bodies and
//! parameter schemas are in [`bodies`].

mod bodies;

use bodies::value_schema;
pub use bodies::{parameter_schemas, request_bodies};
use serde_yaml::{Mapping, Value};

use super::tree::{self, get, get_mut, get_str, pointer};
use crate::rules::{Changes, Context};

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
pub fn servers(doc: &mut Value, _ctx: &mut Context) -> Changes {
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
    changes
}

pub(super) fn is_body_parameter(p: &Value) -> bool {
    matches!(get_str(p, "in"), Some("body" | "formData"))
}

/// Rule: `definitions`, the non-body `parameters` and `responses` move
/// under `components`, and every reference to them follows. Body and form
/// parameters become part of each operation's request body instead
/// ([`request_bodies`]).
pub fn components(doc: &mut Value, _ctx: &mut Context) -> Changes {
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
        components_entry(doc, "parameters").extend(body);
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
    changes
}

/// Rule: `securityDefinitions` become `components.securitySchemes`:
/// `basic` is HTTP basic, `oauth2` gets its one flow, and `apiKey` stays,
/// except an API key in the `Authorization` header whose description says
/// it is a bearer token: 2.0 has no bearer scheme, and exporters write HTTP
/// bearer that way, so it becomes HTTP bearer again.
pub fn security_schemes(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(Value::Mapping(definitions)) = root(doc).remove("securityDefinitions") else {
        return Vec::new();
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
    changes
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
pub fn response_bodies(doc: &mut Value, _ctx: &mut Context) -> Changes {
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
    changes
}

/// Rule: schema words of 2.0 that 3.0 spells otherwise: `type: file` is a
/// binary string, `x-nullable: true` is `nullable`, and a `discriminator`
/// given as a property name is `{propertyName: name}`.
pub fn schema_words(doc: &mut Value, _ctx: &mut Context) -> Changes {
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
    changes
}

/// Rule: the document declares `openapi: 3.0.3`, the 3.0 it now is; the
/// 2.0 fields the other rules read (`swagger`, `consumes`, `produces`) go,
/// and a missing `paths` is an empty one.
pub fn declare_3_0(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let root = root(doc);
    let mut changes = Vec::new();
    for key in ["swagger", "consumes", "produces"] {
        if root.remove(key).is_some() {
            changes.push(format!("{key} dropped"));
        }
    }
    root.insert("openapi".into(), "3.0.3".into());
    changes.push("openapi 3.0.3".to_string());
    if !root.contains_key("paths") {
        root.insert("paths".into(), tree::mapping());
        changes.push("no paths -> empty paths".to_string());
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleReport, Stage};

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

    /// The document after the Swagger 2.0 rules, and their reports.
    fn converted() -> (Value, Vec<RuleReport>) {
        let mut doc: Value = serde_yaml::from_str(SPEC).unwrap();
        let reports =
            crate::input::apply_tree_rules(&mut doc, &mut Context::default(), &|stage| stage == Stage::Swagger2);
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
