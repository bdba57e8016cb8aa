//! [`super::each_schema`] on both cores, for a big document.
//!
//! The document's schemas are reached from disjoint parts of it: each
//! component (schema, parameter, header, request body, response) and each
//! path item. Those parts, in the order [`super::visit_document_schemas`]
//! visits them, are cut into chunks; two threads take the chunks in turn,
//! each walking its chunk as that walk would, and the changes of the
//! chunks are put together in their order. A rule's function sees one
//! schema and nothing else of the document, so each schema is in the same
//! state when it sees it, and the changes come out in the same order: the
//! result is the one of one walk.

use std::sync::Mutex;

use serde_yaml::{Mapping, Value};

use super::{At, get_mut, visit_media_types, visit_parameter, visit_path_item, visit_response, walk_schema};

/// Parts of the document below this, it is walked on one thread (most
/// specs: a thread would cost more than it saves).
pub const PARALLEL_FROM: usize = 2_000;

/// Parts in a chunk: small enough that neither thread waits long for the
/// other at the end.
const CHUNK: usize = 64;

/// How a part of the document is walked.
#[derive(Clone, Copy)]
enum Kind {
    Schema,
    Parameter,
    RequestBody,
    Response,
    PathItem,
}

/// A part of the document: how it is walked, its pointer, its value.
type Part<'a> = (Kind, String, &'a mut Value);

/// The parts of the document, in the order of [`super::visit_document_schemas`].
fn parts(doc: &mut Value) -> Vec<Part<'_>> {
    let mut parts = Vec::new();
    let Some(root) = doc.as_mapping_mut() else {
        return parts;
    };
    let (mut components, mut paths) = (None, None);
    for (key, value) in root.iter_mut() {
        match key.as_str() {
            Some("components") => components = Some(value),
            Some("paths") => paths = Some(value),
            _ => {}
        }
    }
    if let Some(components) = components.and_then(Value::as_mapping_mut) {
        let mut groups: [(&str, Kind, Option<&mut Value>); 5] = [
            ("schemas", Kind::Schema, None),
            ("parameters", Kind::Parameter, None),
            ("headers", Kind::Parameter, None),
            ("requestBodies", Kind::RequestBody, None),
            ("responses", Kind::Response, None),
        ];
        for (key, value) in components.iter_mut() {
            if let Some(group) = groups.iter_mut().find(|(name, _, _)| key.as_str() == Some(name)) {
                group.2 = Some(value);
            }
        }
        for (name, kind, value) in groups {
            if let Some(map) = value.filter(|v| v.is_mapping()) {
                entries(map, &format!("/components/{name}"), kind, &mut parts);
            }
        }
    }
    if let Some(paths) = paths.filter(|v| v.is_mapping()) {
        entries(paths, "/paths", Kind::PathItem, &mut parts);
    }
    parts
}

/// Each value of the mapping `map` at `at` as a part of `kind`.
fn entries<'a>(map: &'a mut Value, at: &str, kind: Kind, parts: &mut Vec<Part<'a>>) {
    if let Value::Mapping(map) = map {
        for (key, value) in map.iter_mut() {
            let pointer = At::new(at).with_key(key, |at| at.as_str().to_string());
            parts.push((kind, pointer, value));
        }
    }
}

/// Walks one part, as [`super::visit_document_schemas`] walks it.
fn walk(kind: Kind, at: &str, value: &mut Value, f: &mut dyn FnMut(&str, &mut Value)) {
    let at = &mut At::new(at);
    match kind {
        Kind::Schema => walk_schema(value, at, f),
        Kind::Parameter => visit_parameter(value, at, f),
        Kind::RequestBody => visit_media_types(get_mut(value, "content"), at, f),
        Kind::Response => visit_response(value, at, f),
        Kind::PathItem => visit_path_item(value, at, f),
    }
}

/// [`super::each_schema`] on two threads when the document has
/// [`PARALLEL_FROM`] parts or more; `None` when it has fewer (the caller
/// walks it on this thread).
pub fn each_schema(doc: &mut Value, f: &(dyn Fn(&str, &mut Mapping, &mut Vec<String>) + Sync)) -> Option<Vec<String>> {
    let parts = parts(doc);
    if parts.len() < PARALLEL_FROM {
        return None;
    }
    let mut chunks: Vec<Vec<Part<'_>>> = Vec::new();
    let mut parts = parts.into_iter().peekable();
    while parts.peek().is_some() {
        chunks.push(parts.by_ref().take(CHUNK).collect());
    }
    let count = chunks.len();
    let queue = Mutex::new(chunks.into_iter().enumerate());
    let done: Mutex<Vec<Option<Vec<String>>>> = Mutex::new((0..count).map(|_| None).collect());
    let work = || {
        loop {
            let Some((n, chunk)) = queue.lock().expect("not poisoned").next() else {
                break;
            };
            let mut changes = Vec::new();
            for (kind, at, value) in chunk {
                walk(kind, &at, value, &mut |at, schema| {
                    if let Value::Mapping(map) = schema {
                        f(at, map, &mut changes);
                    }
                });
            }
            done.lock().expect("not poisoned")[n] = Some(changes);
        }
    };
    std::thread::scope(|scope| {
        scope.spawn(work);
        work();
    });
    let done = done.into_inner().expect("not poisoned");
    Some(done.into_iter().flatten().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A document of `n` component schemas (one with a key to escape) and
    /// `n` path items, each with a nested schema.
    fn document(n: usize) -> Value {
        let mut text = String::from("openapi: 3.0.0\ncomponents:\n  schemas:\n    'a/b~c': {type: [string, 'null']}\n");
        for i in 0..n {
            text.push_str(&format!(
                "    S{i}: {{type: object, properties: {{p: {{type: [integer, 'null']}}, q: {{items: {{type: string}}}}}}}}\n"
            ));
        }
        text.push_str("  parameters:\n    P: {name: p, in: query, schema: {type: string}}\n");
        text.push_str(
            "  responses:\n    R: {description: r, content: {application/json: {schema: {type: [number]}}}}\n",
        );
        text.push_str("paths:\n");
        for i in 0..n {
            text.push_str(&format!(
                "  /p{i}:\n    get:\n      parameters: [{{name: q, in: query, schema: {{type: [string, 'null']}}}}]\n      responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{anyOf: [{{type: string}}]}}}}}}}}}}\n"
            ));
        }
        serde_yaml::from_str(&text).unwrap()
    }

    /// A rule's function: notes every schema it sees, and rewrites a
    /// `type` list as the first type.
    fn rule(at: &str, map: &mut Mapping, changes: &mut Vec<String>) {
        let first = match map.get("type") {
            Some(Value::Sequence(types)) => types.first().cloned(),
            _ => None,
        };
        if let Some(first) = first {
            map.insert("type".into(), first);
            changes.push(format!("{at}: type list"));
        }
        changes.push(format!("{at}: seen"));
    }

    fn one_walk(doc: &mut Value) -> Vec<String> {
        let mut changes = Vec::new();
        super::super::visit_document_schemas(doc, &mut |at, schema| {
            if let Value::Mapping(map) = schema {
                rule(at, map, &mut changes);
            }
        });
        changes
    }

    #[test]
    fn a_big_document_walked_on_two_threads_is_the_one_walk_would_give() {
        let mut walked = document(PARALLEL_FROM);
        let mut threaded = walked.clone();
        let expected = one_walk(&mut walked);
        let changes = each_schema(&mut threaded, &rule).expect("big enough for two threads");
        assert_eq!(changes.len(), expected.len());
        assert_eq!(changes, expected, "the same changes, in the same order");
        assert_eq!(threaded, walked, "the same document");
        assert_eq!(changes[0], "/components/schemas/a~1b~0c: type list");
        assert!(changes.contains(&"/paths/~1p1999/get/parameters/0/schema: type list".to_string()));
        assert!(changes.last().unwrap().starts_with("/paths/~1p1999/get/responses/200/"));
    }

    #[test]
    fn a_small_document_is_left_to_one_walk() {
        let mut doc = document(10);
        assert!(each_schema(&mut doc, &rule).is_none());
        assert_eq!(doc, document(10), "untouched");
    }
}
