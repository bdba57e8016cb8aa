//! References as the standards say them, brought to the one form
//! progenitor follows (`#/components/{section}/{name}`): percent-encoded
//! fragments decoded, references to other places of the document moved
//! into the components, and references that resolve nowhere degraded
//! where they are.

use std::collections::{BTreeMap, HashSet};

use serde_yaml::{Mapping, Value};

use super::tree::{self, key_text, schema_positions};
use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::OperationError;

/// The component sections a `$ref` may name in OpenAPI 3.0.
const SECTIONS: [&str; 9] = [
    "schemas",
    "responses",
    "parameters",
    "examples",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
];

/// `text` with its `%XX` escapes decoded, if it has any and they decode to
/// UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    if !text.contains('%') {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%'
            && let (Some(h), Some(l)) = (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            )
        {
            out.push((h * 16 + l) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok().filter(|decoded| decoded != text)
}

/// Rule: a `$ref` whose fragment (or file) is percent-encoded, as a URI
/// reference may be (RFC 6901 §6: `#/paths/~1jobs~1%7Bid%7D`), is written
/// decoded, the form every lookup here compares.
pub fn percent_decoded_references(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    tree::rewrite_references(doc, &mut |target| {
        let decoded = percent_decode(target)?;
        changes.push(format!("{target} -> {decoded}"));
        Some(decoded)
    });
    changes
}

/// Whether `target` names a component itself (`#/components/schemas/X`).
pub fn is_component_reference(target: &str) -> bool {
    let Some(rest) = target.strip_prefix("#/components/") else {
        return false;
    };
    let mut parts = rest.split('/');
    matches!(
        (parts.next(), parts.next(), parts.next()),
        (Some(section), Some(name), None) if SECTIONS.contains(&section) && !name.is_empty()
    )
}

/// The segments of a local pointer (`#/a/b~1c` -> `a`, `b/c`).
fn segments(target: &str) -> Vec<String> {
    target
        .trim_start_matches('#')
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect()
}

/// A component name for the schema at `target`: the words of where it is
/// (the path, the method, the status, the property), without the words
/// every such place has.
fn name_for(target: &str) -> String {
    const STRUCTURE: [&str; 8] = [
        "paths",
        "components",
        "schemas",
        "content",
        "schema",
        "properties",
        "responses",
        "parameters",
    ];
    let words: Vec<String> = segments(target)
        .into_iter()
        // Path templates start with `/`; media types hold one inside.
        .filter(|s| s.starts_with('/') || (!STRUCTURE.contains(&s.as_str()) && !s.contains('/')))
        .map(|s| s.replace(['{', '}'], ""))
        .collect();
    let name = names::typify(&words.join("-"), Case::Pascal);
    if name.is_empty() { "Schema".to_string() } else { name }
}

/// The value at a local pointer, mutably.
fn resolve_mut<'a>(doc: &'a mut Value, target: &str) -> Option<&'a mut Value> {
    let mut current = doc;
    for segment in segments(target) {
        current = match current {
            Value::Mapping(map) => {
                if map.contains_key(segment.as_str()) {
                    map.get_mut(segment.as_str())?
                } else {
                    // A key that is not a string (YAML's `200:`), compared as text.
                    map.iter_mut().find(|(k, _)| key_text(k) == segment).map(|(_, v)| v)?
                }
            }
            Value::Sequence(items) => items.get_mut(segment.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(current)
}

/// `components.schemas`, when the document has it.
pub fn component_schemas(doc: &Value) -> Option<&Mapping> {
    tree::get(doc, "components")
        .and_then(|c| tree::get(c, "schemas"))
        .and_then(Value::as_mapping)
}

/// `components.schemas`, created when missing.
pub fn components_schemas(doc: &mut Value) -> Option<&mut Mapping> {
    let root = doc.as_mapping_mut()?;
    let components = root.entry("components".into()).or_insert_with(tree::mapping);
    let schemas = components
        .as_mapping_mut()?
        .entry("schemas".into())
        .or_insert_with(tree::mapping);
    schemas.as_mapping_mut()
}

/// The component names typify would give the schemas already there.
fn taken_names(doc: &Value) -> HashSet<String> {
    component_schemas(doc)
        .map(|m| m.keys().map(|k| names::typify(&key_text(k), Case::Pascal)).collect())
        .unwrap_or_default()
}

/// Moves the schema at `target` into `components.schemas` under a free
/// name, leaving a reference to it there; returns the new reference.
fn hoist(doc: &mut Value, target: &str, taken: &mut HashSet<String>) -> Option<String> {
    let base = name_for(target);
    let name = (1..)
        .map(|i| if i == 1 { base.clone() } else { format!("{base}{i}") })
        .find(|n| !taken.contains(n))?;
    taken.insert(name.clone());
    let reference = format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
    let mut placeholder = Mapping::new();
    placeholder.insert("$ref".into(), reference.clone().into());
    let slot = resolve_mut(doc, target)?;
    let schema = std::mem::replace(slot, Value::Mapping(placeholder));
    components_schemas(doc)?.insert(name.into(), schema);
    Some(reference)
}

/// Rule: a `$ref` to a place of the document that is not a component
/// (`#/paths/~1a/get/responses/200/content/application~1json/schema`,
/// `#/components/schemas/A/properties/b`), which progenitor cannot follow,
/// is brought into the components: a schema moves into
/// `components.schemas` (named from where it was) and both its old place
/// and every reference to it refer to it there, so it is one type; any
/// other part (a parameter, a response) is copied where it is referred
/// to. References into a moved schema follow it.
pub fn references_into_components(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    let mut taken = taken_names(doc);
    for _round in 0..8 {
        let mut refs = Vec::new();
        tree::reference_targets(doc, &mut refs);
        let mut targets: Vec<String> = refs
            .into_iter()
            .filter(|t| t.starts_with("#/") && !is_component_reference(t) && tree::resolve(doc, t).is_some())
            .map(str::to_string)
            .collect();
        if targets.is_empty() {
            break;
        }
        targets.sort_by_key(|t| (t.matches('/').count(), t.clone()));
        targets.dedup();
        let positions = schema_positions(doc);
        let mut moved: Vec<(String, String)> = Vec::new();
        for original in targets {
            let target = follow(&original, &moved);
            if is_component_reference(&target) {
                continue;
            }
            if positions.contains(original.trim_start_matches('#')) {
                if let Some(reference) = hoist(doc, &target, &mut taken) {
                    changes.push(format!("{target}: a schema -> {reference}"));
                    moved.push((target, reference));
                }
            } else {
                let copies = copy_in(doc, &target);
                changes.push(format!("{target}: copied where it is referred to ({copies})"));
            }
        }
        tree::rewrite_references(doc, &mut |t| {
            let new = follow(t, &moved);
            (new != t).then_some(new)
        });
    }
    changes
}

/// `target` after the moves: a pointer into a moved schema points into its
/// new place.
fn follow(target: &str, moved: &[(String, String)]) -> String {
    let mut current = target.to_string();
    'moves: for _ in 0..=moved.len() {
        for (old, new) in moved {
            if current == *old {
                current = new.clone();
                continue 'moves;
            }
            if let Some(rest) = current.strip_prefix(old.as_str())
                && rest.starts_with('/')
            {
                current = format!("{new}{rest}");
                continue 'moves;
            }
        }
        break;
    }
    current
}

/// Replaces every `{$ref: target}` with a copy of what it points at;
/// returns how many.
fn copy_in(doc: &mut Value, target: &str) -> usize {
    let Some(value) = tree::resolve(doc, target).cloned() else {
        return 0;
    };
    fn walk(v: &mut Value, target: &str, value: &Value, count: &mut usize) {
        match v {
            Value::Mapping(map) => {
                if map.get("$ref").and_then(Value::as_str) == Some(target) {
                    *v = value.clone();
                    *count += 1;
                    return;
                }
                for (_, inner) in map.iter_mut() {
                    walk(inner, target, value, count);
                }
            }
            Value::Sequence(items) => items.iter_mut().for_each(|i| walk(i, target, value, count)),
            _ => {}
        }
    }
    let mut count = 0;
    walk(doc, target, &value, &mut count);
    count
}

/// Why `target` does not resolve in `doc`, or `None` when it does.
fn unresolved_reason(doc: &Value, target: &str, ctx: &Context) -> Option<String> {
    if let Some(reason) = ctx.unresolved.get(target) {
        return Some(reason.clone());
    }
    if !target.starts_with('#') {
        return Some(if target.contains("://") {
            "it is a URL, and URLs are not fetched".to_string()
        } else {
            "it points into another file, and the spec was read without its folder".to_string()
        });
    }
    if tree::resolve(doc, target).is_none() {
        return Some("it does not resolve".to_string());
    }
    (!is_component_reference(target))
        .then(|| "it points at a place that is not a component, through a loop of references".to_string())
}

/// The operation (or path item) a pointer is in: `/paths/{p}/{method}`.
fn operation_of(at: &str) -> Option<(String, Option<String>)> {
    let rest = at.strip_prefix("/paths/")?;
    let mut parts = rest.splitn(3, '/');
    let path = parts.next()?.replace("~1", "/").replace("~0", "~");
    let method = parts
        .next()
        .filter(|m| tree::PATH_ITEM_METHODS.contains(m))
        .map(str::to_string);
    Some((path, method))
}

/// The `/components/{section}/{name}` a pointer is in.
fn component_of(at: &str) -> Option<String> {
    let rest = at.strip_prefix("/components/")?;
    let mut parts = rest.splitn(3, '/');
    let section = parts.next()?;
    let name = parts.next()?;
    Some(format!("/components/{section}/{name}"))
}

/// Leaves out the operations of the tree at `path` (`method`, or all of the
/// path item), each with `reason`.
fn leave_out(doc: &mut Value, path: &str, method: Option<&str>, reason: &str, ctx: &mut Context) {
    let Some(Value::Mapping(paths)) = tree::get_mut(doc, "paths") else {
        return;
    };
    let Some(item) = paths.get_mut(path) else { return };
    let methods: Vec<&str> = match method {
        Some(m) => vec![m],
        None => tree::PATH_ITEM_METHODS
            .into_iter()
            .filter(|m| tree::get(item, m).is_some())
            .collect(),
    };
    for m in &methods {
        let id = tree::get(item, m).and_then(|op| tree::get_str(op, "operationId"));
        let location = match id {
            Some(id) => format!("{} {path} ({id})", m.to_uppercase()),
            None => format!("{} {path}", m.to_uppercase()),
        };
        ctx.leave_out(OperationError {
            path: path.to_string(),
            method: m.to_string(),
            location,
            reason: reason.to_string(),
        });
        if let Some(map) = item.as_mapping_mut() {
            map.remove(*m);
        }
    }
    let empty = methods.is_empty() || tree::PATH_ITEM_METHODS.iter().all(|m| tree::get(item, m).is_none());
    if method.is_none() || empty {
        paths.remove(path);
    }
}

/// Removes the value at the local pointer `at` from its parent.
pub fn remove_at(doc: &mut Value, at: &str) -> bool {
    let Some((parent, last)) = at.rsplit_once('/') else {
        return false;
    };
    let last = last.replace("~1", "/").replace("~0", "~");
    match resolve_mut(doc, &format!("#{parent}")) {
        Some(Value::Mapping(map)) => {
            let key = map.keys().find(|k| key_text(k) == last).cloned();
            key.is_some_and(|k| map.remove(&k).is_some())
        }
        Some(Value::Sequence(items)) => match last.parse::<usize>() {
            Ok(i) if i < items.len() => {
                items.remove(i);
                true
            }
            _ => false,
        },
        _ => false,
    }
}

/// Degrades the part that holds the reference at `at`: a schema becomes
/// any JSON, an operation is left out, a component is dropped (references
/// to it then degrade in turn), anything else is dropped. Returns the
/// change, or `None` when `at` is gone already.
pub fn degrade(
    doc: &mut Value,
    at: &str,
    reason: &str,
    positions: &HashSet<String>,
    ctx: &mut Context,
) -> Option<String> {
    if positions.contains(at) {
        let slot = resolve_mut(doc, &format!("#{at}"))?;
        let description = tree::get(slot, "description").cloned();
        let mut any = Mapping::new();
        if let Some(d) = description {
            any.insert("description".into(), d);
        }
        *slot = Value::Mapping(any);
        ctx.type_as_any(at, reason);
        return Some(format!("{at}: any JSON ({reason})"));
    }
    if let Some((path, method)) = operation_of(at) {
        leave_out(doc, &path, method.as_deref(), reason, ctx);
        let what = method.map_or_else(
            || format!("every operation of {path}"),
            |m| format!("{} {path}", m.to_uppercase()),
        );
        return Some(format!("{at}: {what} left out ({reason})"));
    }
    let component = component_of(at);
    let place = component.as_deref().unwrap_or(at);
    remove_at(doc, place).then(|| format!("{place}: dropped ({reason})"))
}

/// Rule: a `$ref` that resolves nowhere (a pointer to nothing, a file that
/// is missing or not read, a URL, which is never fetched) degrades the part
/// that holds it: a schema becomes any JSON (its description kept), an
/// operation that needs anything else is left out, a component that is not
/// a schema is dropped and references to it degrade in turn. Each is
/// named, with the reason.
pub fn unresolved_references(doc: &mut Value, ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for _round in 0..16 {
        // Most documents have none: each target is looked up once, and
        // the pointers are found only when one does not resolve.
        let mut targets = Vec::new();
        tree::reference_targets(doc, &mut targets);
        let mut seen = HashSet::new();
        if !targets
            .into_iter()
            .any(|target| seen.insert(target) && unresolved_reason(doc, target, ctx).is_some())
        {
            break;
        }
        let mut refs = Vec::new();
        tree::references(doc, "", &mut refs);
        let mut dangling: BTreeMap<String, String> = BTreeMap::new();
        for (at, target) in refs {
            if let Some(why) = unresolved_reason(doc, &target, ctx) {
                let at = if at.is_empty() { "/".to_string() } else { at };
                dangling.entry(at).or_insert(format!("$ref {target:?}: {why}"));
            }
        }
        if dangling.is_empty() {
            break;
        }
        let positions = schema_positions(doc);
        for (at, reason) in dangling {
            changes.extend(degrade(doc, &at, &reason, &positions, ctx));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    fn json(v: &Value) -> String {
        serde_json::to_string(v).unwrap()
    }

    #[test]
    fn percent_encoded_fragments_are_decoded() {
        let mut d = doc("a: {$ref: '#/paths/~1jobs~1%7Bid%7D/get'}\nb: {$ref: '#/plain'}\n");
        let changes = percent_decoded_references(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec!["#/paths/~1jobs~1%7Bid%7D/get -> #/paths/~1jobs~1{id}/get"]
        );
        assert_eq!(d["a"]["$ref"], Value::from("#/paths/~1jobs~1{id}/get"));
        assert_eq!(percent_decode("100%"), None, "a lone % is kept");
    }

    const SPEC: &str = r##"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /jobs/{id}:
    get:
      operationId: getJob
      parameters: [{name: id, in: path, required: true, schema: {type: string}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}, tags: {type: array, items: {type: string}}}}
  /jobs:
    get:
      operationId: listJobs
      parameters: [{$ref: '#/paths/~1jobs~1{id}/get/parameters/0'}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/paths/~1jobs~1{id}/get/responses/200/content/application~1json/schema'}}
        "404": {$ref: '#/paths/~1jobs~1{id}/get/responses/200'}
components:
  schemas:
    Tags: {$ref: '#/paths/~1jobs~1{id}/get/responses/200/content/application~1json/schema/properties/tags'}
"##;

    #[test]
    fn schemas_outside_components_move_in_and_other_parts_are_copied() {
        let mut d = doc(SPEC);
        let changes = references_into_components(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "#/paths/~1jobs~1{id}/get/parameters/0: copied where it is referred to (1)",
                "#/paths/~1jobs~1{id}/get/responses/200: copied where it is referred to (1)",
                "#/paths/~1jobs~1{id}/get/responses/200/content/application~1json/schema: a schema -> #/components/schemas/JobsIdGet200",
                "#/components/schemas/JobsIdGet200/properties/tags: a schema -> #/components/schemas/JobsIdGet200Tags",
            ]
        );
        let get = &d["paths"]["/jobs/{id}"]["get"];
        let moved = "#/components/schemas/JobsIdGet200";
        assert_eq!(
            get["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            Value::from(moved)
        );
        let list = &d["paths"]["/jobs"]["get"];
        assert_eq!(
            list["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"],
            Value::from(moved)
        );
        assert_eq!(
            json(&list["parameters"][0]),
            r#"{"name":"id","in":"path","required":true,"schema":{"type":"string"}}"#
        );
        assert_eq!(
            d["components"]["schemas"]["Tags"]["$ref"],
            Value::from("#/components/schemas/JobsIdGet200Tags"),
            "a reference into a moved schema follows it"
        );
        let mut refs = Vec::new();
        tree::references(&d, "", &mut refs);
        assert!(refs.iter().all(|(_, t)| is_component_reference(t)), "{refs:?}");
    }

    #[test]
    fn unresolved_references_degrade_where_they_are() {
        let mut d = doc(r##"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: a
      responses:
        "200": {description: ok, content: {application/json: {schema: {$ref: '#/components/schemas/Gone', description: kept}}}}
  /b:
    get:
      operationId: b
      parameters: [{$ref: '#/components/parameters/P'}]
      responses: {"200": {description: ok}}
    post:
      operationId: c
      responses: {"200": {description: ok}}
components:
  parameters:
    P: {name: p, in: query, schema: {$ref: 'https://example.test/p.json'}}
    Q: {$ref: 'other.yaml#/Q'}
"##);
        let mut ctx = Context::default();
        let changes = unresolved_references(&mut d, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "/components/parameters/P/schema: any JSON ($ref \"https://example.test/p.json\": it is a URL, and URLs are not fetched)",
                "/components/parameters/Q: dropped ($ref \"other.yaml#/Q\": it points into another file, and the spec was read without its folder)",
                "/paths/~1a/get/responses/200/content/application~1json/schema: any JSON ($ref \"#/components/schemas/Gone\": it does not resolve)",
            ]
        );
        assert_eq!(
            json(&d["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]),
            r#"{"description":"kept"}"#
        );
        assert_eq!(ctx.untyped.len(), 2);
        let mut d = doc(&serde_yaml::to_string(&d)
            .unwrap()
            .replace("'#/components/parameters/P'", "'#/components/parameters/Gone'"));
        let mut ctx = Context::default();
        let changes = unresolved_references(&mut d, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "/paths/~1b/get/parameters/0: GET /b left out ($ref \"#/components/parameters/Gone\": it does not resolve)"
            ]
        );
        assert_eq!(ctx.left_out[0].location, "GET /b (b)");
        assert!(
            d["paths"]["/b"]["post"].is_mapping(),
            "the other operation of the path stays"
        );
    }
}
