//! Walking an OpenAPI document as a YAML tree (before it is typed): where
//! its schemas are, and JSON pointers to name each place.
//!
//! The version rules ([`super::openapi31`], [`super::swagger2`]) work on the
//! untyped tree because `openapiv3` reads 3.0 only: a 3.1 keyword it does
//! not know is silently ignored or refused, so each is rewritten here first.

mod parallel;

use serde_yaml::{Mapping, Value};

/// `/a/b~1c`: a JSON pointer segment appended to `base`, escaped.
pub fn pointer(base: &str, segment: &str) -> String {
    format!("{base}/{}", segment.replace('~', "~0").replace('/', "~1"))
}

/// A mapping key as text (YAML keys may be numbers, such as `200`).
pub fn key_text(key: &Value) -> String {
    match key {
        Value::String(s) => s.clone(),
        Value::Number(n) => n.to_string(),
        Value::Bool(b) => b.to_string(),
        other => serde_yaml::to_string(other).unwrap_or_default().trim().to_string(),
    }
}

/// The value under `key` in a mapping.
pub fn get<'a>(value: &'a Value, key: &str) -> Option<&'a Value> {
    value.as_mapping()?.get(key)
}

/// The mutable value under `key` in a mapping.
pub fn get_mut<'a>(value: &'a mut Value, key: &str) -> Option<&'a mut Value> {
    value.as_mapping_mut()?.get_mut(key)
}

/// The string under `key` in a mapping.
pub fn get_str<'a>(value: &'a Value, key: &str) -> Option<&'a str> {
    get(value, key)?.as_str()
}

/// A JSON pointer built as a walk goes down: one buffer for the whole
/// walk, a segment pushed before each step down and cut off after it
/// (the walks used to format a new string at every node of the tree).
pub struct At(String);

impl At {
    /// A walk's pointer, starting at `base` (`""`: the document).
    pub fn new(base: &str) -> At {
        At(base.to_string())
    }

    /// The pointer where the walk is.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Runs `f` with `segment` appended (escaped), then removes it.
    fn with<T>(&mut self, segment: &str, f: impl FnOnce(&mut At) -> T) -> T {
        let len = self.0.len();
        self.0.push('/');
        if segment.contains(['~', '/']) {
            self.0.push_str(&segment.replace('~', "~0").replace('/', "~1"));
        } else {
            self.0.push_str(segment);
        }
        let out = f(self);
        self.0.truncate(len);
        out
    }

    /// [`At::with`] for a mapping key (YAML keys may be numbers).
    pub fn with_key<T>(&mut self, key: &Value, f: impl FnOnce(&mut At) -> T) -> T {
        match key {
            Value::String(k) => self.with(k, f),
            other => self.with(&key_text(other), f),
        }
    }

    /// [`At::with`] for a sequence index.
    pub fn with_index<T>(&mut self, i: usize, f: impl FnOnce(&mut At) -> T) -> T {
        self.with(&i.to_string(), f)
    }
}

type Visit<'a> = &'a mut dyn FnMut(&str, &mut Value);

/// Calls `f` on each value of the mapping `map`, with its pointer.
fn each_entry_of(map: &mut Value, at: &mut At, f: &mut dyn FnMut(&mut At, &mut Value)) {
    if let Value::Mapping(map) = map {
        for (k, v) in map.iter_mut() {
            at.with_key(k, |at| f(at, v));
        }
    }
}

/// Calls `f` on each value of the mapping under `key`, with its pointer.
fn each_entry(parent: &mut Value, at: &mut At, key: &str, f: &mut dyn FnMut(&mut At, &mut Value)) {
    if let Some(map @ Value::Mapping(_)) = get_mut(parent, key) {
        at.with(key, |at| each_entry_of(map, at, f));
    }
}

/// Calls `f` on each item of the sequence `items`, with its pointer.
fn each_item_of(items: &mut Value, at: &mut At, f: &mut dyn FnMut(&mut At, &mut Value)) {
    if let Value::Sequence(items) = items {
        for (i, v) in items.iter_mut().enumerate() {
            at.with_index(i, |at| f(at, v));
        }
    }
}

/// The keywords whose value is one schema.
const ONE_SCHEMA: [&str; 9] = [
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
];

/// The keywords whose value maps names to schemas.
const NAMED_SCHEMAS: [&str; 5] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
];

/// The keywords whose value is a list of schemas.
const LISTED_SCHEMAS: [&str; 4] = ["allOf", "anyOf", "oneOf", "prefixItems"];

/// The places [`schema_keyword`] gives.
const KEYWORD_PLACES: usize = 20;

/// What a schema keyword holds: its place in the order the keywords are
/// visited (the lists above, then `additionalProperties` and `items`), or
/// `None` when it holds no schema.
fn schema_keyword(key: &str, value: &Value) -> Option<usize> {
    let rank = |list: &[&str], from: usize| list.iter().position(|k| *k == key).map(|i| from + i);
    match value {
        Value::Mapping(_) if key == "additionalProperties" => Some(18),
        _ if key == "items" => Some(19),
        Value::Mapping(_) if NAMED_SCHEMAS.contains(&key) => rank(&NAMED_SCHEMAS, 0),
        Value::Sequence(_) if LISTED_SCHEMAS.contains(&key) => rank(&LISTED_SCHEMAS, 5),
        _ => rank(&ONE_SCHEMA, 9),
    }
}

/// Visits `schema` (pre-order: `f` first, then what `f` left inside it).
fn walk_schema(schema: &mut Value, at: &mut At, f: Visit) {
    f(&at.0, schema);
    let Value::Mapping(map) = schema else {
        return;
    };
    // The keys are read once, the schemas under them visited in the
    // order of the keyword lists (not the order they are written in). A
    // keyword has one place, so one slot each, and nothing to sort or
    // allocate (a walk meets millions of schemas).
    let mut inside: [Option<(&str, &mut Value)>; KEYWORD_PLACES] = [const { None }; KEYWORD_PLACES];
    for (k, v) in map.iter_mut() {
        if let Some(k) = k.as_str()
            && let Some(rank) = schema_keyword(k, v)
        {
            inside[rank] = Some((k, v));
        }
    }
    for (rank, slot) in inside.into_iter().enumerate() {
        let Some((key, value)) = slot else { continue };
        at.with(key, |at| match rank {
            0..5 => each_entry_of(value, at, &mut |at, v| walk_schema(v, at, f)),
            5..9 => each_item_of(value, at, &mut |at, v| walk_schema(v, at, f)),
            19 if value.is_sequence() => each_item_of(value, at, &mut |at, v| walk_schema(v, at, f)),
            _ => walk_schema(value, at, f),
        });
    }
}

/// The values under `keys` in the mapping `value` (`None` where absent),
/// found in one pass over it. A lookup per key hashes the key and probes
/// the table; a path item took ten of them, and lookups were about a third
/// of a walk's samples (`perf`, Microsoft Graph's beta spec).
fn fields<'a, const N: usize>(value: &'a mut Value, keys: [&str; N]) -> [Option<&'a mut Value>; N] {
    let mut out = [const { None }; N];
    if let Value::Mapping(map) = value {
        for (k, v) in map.iter_mut() {
            if let Some(i) = k.as_str().and_then(|k| keys.iter().position(|key| *key == k)) {
                out[i] = Some(v);
            }
        }
    }
    out
}

/// The schemas of a `content` mapping's media types.
fn visit_media_types(content: Option<&mut Value>, at: &mut At, f: Visit) {
    if let Some(content @ Value::Mapping(_)) = content {
        at.with("content", |at| {
            each_entry_of(content, at, &mut |at, media| {
                if let Some(schema) = get_mut(media, "schema") {
                    at.with("schema", |at| walk_schema(schema, at, f));
                }
            })
        });
    }
}

/// The schemas of a `parameters` list.
fn visit_parameters(parameters: Option<&mut Value>, at: &mut At, f: Visit) {
    if let Some(parameters @ Value::Sequence(_)) = parameters {
        at.with("parameters", |at| {
            each_item_of(parameters, at, &mut |at, v| visit_parameter(v, at, f))
        });
    }
}

/// A parameter or header: its `schema`, or the schemas of its `content`.
fn visit_parameter(parameter: &mut Value, at: &mut At, f: Visit) {
    let [schema, content] = fields(parameter, ["schema", "content"]);
    if let Some(schema) = schema {
        at.with("schema", |at| walk_schema(schema, at, f));
    }
    visit_media_types(content, at, f);
}

fn visit_response(response: &mut Value, at: &mut At, f: Visit) {
    let [content, headers] = fields(response, ["content", "headers"]);
    visit_media_types(content, at, f);
    if let Some(headers @ Value::Mapping(_)) = headers {
        at.with("headers", |at| {
            each_entry_of(headers, at, &mut |at, h| visit_parameter(h, at, f))
        });
    }
}

/// The HTTP methods a path item holds operations under (3.x), with the
/// `query` method some specs use ahead of OpenAPI 3.2.
pub const PATH_ITEM_METHODS: [&str; 9] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace", "query",
];

fn visit_operation(op: &mut Value, at: &mut At, f: Visit) {
    let [parameters, body, responses] = fields(op, ["parameters", "requestBody", "responses"]);
    visit_parameters(parameters, at, f);
    if let Some(body) = body {
        at.with("requestBody", |at| visit_media_types(get_mut(body, "content"), at, f));
    }
    if let Some(responses) = responses {
        at.with("responses", |at| {
            each_entry_of(responses, at, &mut |at, r| visit_response(r, at, f))
        });
    }
}

/// A path item: its parameters, then its operations in the order of
/// [`PATH_ITEM_METHODS`].
fn visit_path_item(item: &mut Value, at: &mut At, f: Visit) {
    visit_parameters(get_mut(item, "parameters"), at, f);
    for (method, op) in PATH_ITEM_METHODS.iter().zip(fields(item, PATH_ITEM_METHODS)) {
        if let Some(op) = op {
            at.with(method, |at| visit_operation(op, at, f));
        }
    }
}

/// Visits every schema of an OpenAPI 3.x document, with its JSON pointer:
/// the component schemas, and the schemas of every parameter, header,
/// request body and response, in the components and in the paths.
pub fn visit_document_schemas(doc: &mut Value, f: Visit) {
    let at = &mut At(String::new());
    if let Some(components) = get_mut(doc, "components") {
        at.with("components", |at| {
            each_entry(components, at, "schemas", &mut |at, s| walk_schema(s, at, f));
            each_entry(components, at, "parameters", &mut |at, v| visit_parameter(v, at, f));
            each_entry(components, at, "headers", &mut |at, v| visit_parameter(v, at, f));
            each_entry(components, at, "requestBodies", &mut |at, v| {
                visit_media_types(get_mut(v, "content"), at, f)
            });
            each_entry(components, at, "responses", &mut |at, v| visit_response(v, at, f));
        });
    }
    each_entry(doc, at, "paths", &mut |at, item| visit_path_item(item, at, f));
}

/// The JSON pointers of every schema position of the document (as
/// [`visit_document_schemas`] visits them, `$ref`s included).
pub fn schema_positions(doc: &Value) -> std::collections::HashSet<String> {
    let mut copy = doc.clone();
    let mut positions = std::collections::HashSet::new();
    visit_document_schemas(&mut copy, &mut |at, _| {
        positions.insert(at.to_string());
    });
    positions
}

/// Runs `f` on every schema of the document that is a mapping, with its
/// pointer, collecting the changes it reports; a big document on both
/// cores (see [`parallel`]), with the same result.
pub fn each_schema(doc: &mut Value, f: impl Fn(&str, &mut Mapping, &mut Vec<String>) + Sync) -> Vec<String> {
    if let Some(changes) = parallel::each_schema(doc, &f) {
        return changes;
    }
    let mut changes = Vec::new();
    visit_document_schemas(doc, &mut |at, schema| {
        if let Value::Mapping(map) = schema {
            f(at, map, &mut changes);
        }
    });
    changes
}

/// Every `$ref` of the tree, with the pointer of the mapping that holds it.
/// One pointer buffer serves the whole walk: a new pointer string per node
/// was most of the time (Microsoft Graph's beta spec: 0.3 s a walk).
pub fn references(value: &Value, at: &str, out: &mut Vec<(String, String)>) {
    collect_references(value, &mut At::new(at), out);
}

/// The target of every `$ref` of the tree, in the order of [`references`],
/// without the pointers (building those for every node of the tree was most
/// of a walk: Microsoft Graph's beta spec has 0.4 GB of tree).
pub fn reference_targets<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                if k.as_str() == Some("$ref")
                    && let Some(target) = v.as_str()
                {
                    out.push(target);
                } else {
                    reference_targets(v, out);
                }
            }
        }
        Value::Sequence(items) => items.iter().for_each(|v| reference_targets(v, out)),
        Value::Tagged(tagged) => reference_targets(&tagged.value, out),
        _ => {}
    }
}

fn collect_references(value: &Value, at: &mut At, out: &mut Vec<(String, String)>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map {
                if k.as_str() == Some("$ref")
                    && let Some(target) = v.as_str()
                {
                    out.push((at.0.clone(), target.to_string()));
                } else {
                    at.with_key(k, |at| collect_references(v, at, out));
                }
            }
        }
        Value::Sequence(items) => {
            for (i, v) in items.iter().enumerate() {
                at.with_index(i, |at| collect_references(v, at, out));
            }
        }
        Value::Tagged(tagged) => collect_references(&tagged.value, at, out),
        _ => {}
    }
}

/// Resolves a local JSON pointer (`#/a/b`) in the document.
pub fn resolve<'a>(doc: &'a Value, reference: &str) -> Option<&'a Value> {
    let path = reference.strip_prefix('#')?;
    if path.is_empty() {
        return Some(doc);
    }
    let mut current = doc;
    for segment in path.strip_prefix('/')?.split('/') {
        let segment = segment.replace("~1", "/").replace("~0", "~");
        current = match current {
            Value::Mapping(map) => match map.get(segment.as_str()) {
                Some(v) => v,
                // A key that is not a string (YAML's `200:`), compared as text.
                None => map.iter().find(|(k, _)| key_text(k) == segment).map(|(_, v)| v)?,
            },
            Value::Sequence(items) => items.get(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// Rewrites every `$ref` of the tree with `f` (which returns the new
/// target, or `None` to leave it).
pub fn rewrite_references(value: &mut Value, f: &mut dyn FnMut(&str) -> Option<String>) -> usize {
    let mut count = 0;
    match value {
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                if k.as_str() == Some("$ref") {
                    if let Some(new) = v.as_str().and_then(&mut *f) {
                        *v = Value::String(new);
                        count += 1;
                    }
                } else {
                    count += rewrite_references(v, f);
                }
            }
        }
        Value::Sequence(items) => {
            for v in items {
                count += rewrite_references(v, f);
            }
        }
        _ => {}
    }
    count
}

/// Moves a schema's `$ref` (if it has one) into `allOf: [{$ref}]`, the 3.0
/// way to let keywords beside it apply. Returns whether it moved one.
pub fn wrap_ref_in_all_of(schema: &mut Mapping) -> bool {
    let Some(reference) = schema.remove("$ref") else {
        return false;
    };
    let mut only = Mapping::new();
    only.insert("$ref".into(), reference);
    schema.insert("allOf".into(), Value::Sequence(vec![Value::Mapping(only)]));
    true
}

/// A new, empty mapping value.
pub fn mapping() -> Value {
    Value::Mapping(Mapping::new())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn yaml(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn schemas_are_visited_in_keyword_order_with_escaped_pointers() {
        let mut doc = yaml(
            r#"
paths:
  /a/{id}:
    parameters: [{name: id, in: path, schema: {type: string}}]
    get:
      requestBody: {content: {application/json: {schema: {$ref: '#/components/schemas/S'}}}}
      responses:
        200: {description: ok, headers: {X: {schema: {type: integer}}}}
components:
  schemas:
    S:
      items: [{type: string}, {type: integer}]
      not: [1, 2]
      additionalProperties: true
      allOf: [{type: object}]
      properties:
        a/b: {type: string}
        c~d: {items: {type: string}, additionalProperties: {type: integer}}
      anyOf: {not: a list}
"#,
        );
        let mut seen = Vec::new();
        visit_document_schemas(&mut doc, &mut |at, _| seen.push(at.to_string()));
        assert_eq!(
            seen,
            [
                "/components/schemas/S",
                "/components/schemas/S/properties/a~1b",
                "/components/schemas/S/properties/c~0d",
                "/components/schemas/S/properties/c~0d/additionalProperties",
                "/components/schemas/S/properties/c~0d/items",
                "/components/schemas/S/allOf/0",
                "/components/schemas/S/not",
                "/components/schemas/S/items/0",
                "/components/schemas/S/items/1",
                "/paths/~1a~1{id}/parameters/0/schema",
                "/paths/~1a~1{id}/get/requestBody/content/application~1json/schema",
                "/paths/~1a~1{id}/get/responses/200/headers/X/schema",
            ]
        );
    }

    #[test]
    fn every_schema_place_is_visited_with_its_pointer() {
        let mut doc = yaml(
            r#"
components:
  schemas:
    A:
      properties:
        b: {items: {type: string}}
        c: {anyOf: [{type: string}, {type: "null"}]}
  responses:
    R: {content: {application/json: {schema: {type: object}}}}
paths:
  /x/{id}:
    parameters: [{name: id, in: path, schema: {type: string}}]
    post:
      requestBody: {content: {multipart/form-data: {schema: {additionalProperties: {type: integer}}}}}
      responses:
        200: {headers: {X-Rate: {schema: {type: integer}}}}
"#,
        );
        let mut seen = Vec::new();
        visit_document_schemas(&mut doc, &mut |p, _| seen.push(p.to_string()));
        assert_eq!(
            seen,
            vec![
                "/components/schemas/A",
                "/components/schemas/A/properties/b",
                "/components/schemas/A/properties/b/items",
                "/components/schemas/A/properties/c",
                "/components/schemas/A/properties/c/anyOf/0",
                "/components/schemas/A/properties/c/anyOf/1",
                "/components/responses/R/content/application~1json/schema",
                "/paths/~1x~1{id}/parameters/0/schema",
                "/paths/~1x~1{id}/post/requestBody/content/multipart~1form-data/schema",
                "/paths/~1x~1{id}/post/requestBody/content/multipart~1form-data/schema/additionalProperties",
                "/paths/~1x~1{id}/post/responses/200/headers/X-Rate/schema",
            ]
        );
    }

    #[test]
    fn every_reference_is_found_with_the_escaped_pointer_of_its_mapping() {
        let doc = yaml(
            r#"
$ref: top.yaml
paths:
  /a/{id}:
    get:
      responses:
        200: {$ref: '#/components/responses/R'}
components:
  schemas:
    c~d:
      allOf: [{$ref: 'x.yaml#/y'}, {type: string}, {items: {$ref: '#/z'}}]
      $ref: {not: text, $ref: '#/inner'}
"#,
        );
        let mut refs = Vec::new();
        references(&doc, "", &mut refs);
        let found: Vec<(&str, &str)> = refs.iter().map(|(a, t)| (a.as_str(), t.as_str())).collect();
        assert_eq!(
            found,
            [
                ("", "top.yaml"),
                ("/paths/~1a~1{id}/get/responses/200", "#/components/responses/R"),
                ("/components/schemas/c~0d/allOf/0", "x.yaml#/y"),
                ("/components/schemas/c~0d/allOf/2/items", "#/z"),
                ("/components/schemas/c~0d/$ref", "#/inner"),
            ]
        );
        let mut under = Vec::new();
        references(&doc["paths"], "/paths", &mut under);
        assert_eq!(under[0].0, "/paths/~1a~1{id}/get/responses/200");
        let mut targets = Vec::new();
        reference_targets(&doc, &mut targets);
        let expected: Vec<&str> = found.iter().map(|(_, t)| *t).collect();
        assert_eq!(
            targets, expected,
            "the same targets in the same order, without pointers"
        );
    }

    #[test]
    fn references_resolve_by_json_pointer() {
        let doc = yaml("components: {schemas: {'a/b': {type: string}}}\nlist: [1, {x: 2}]\n");
        assert!(resolve(&doc, "#/components/schemas/a~1b").is_some());
        assert_eq!(resolve(&doc, "#/list/1/x"), Some(&Value::from(2)));
        assert!(resolve(&doc, "#/components/schemas/c").is_none());
        assert!(resolve(&doc, "other.yaml#/x").is_none());
    }
}
