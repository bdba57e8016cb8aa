//! The last rules of reading: text that would break a doc comment, and
//! every part of the document checked against OpenAPI 3.0's types one at a
//! time, so that what does not fit degrades where it is instead of
//! refusing the spec.

use std::collections::HashSet;

use openapiv3::{Callback, Example, Header, Link, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_yaml::{Mapping, Value};

use super::refs::{degrade, remove_at, unresolved_references};
use super::tree::{self, At, key_text, pointer, schema_positions};
use crate::rules::{Changes, Context};

/// The keys whose text reaches doc comments.
const TEXT_KEYS: [&str; 4] = ["description", "summary", "title", "termsOfService"];

/// Rule: a carriage return in a description, summary or title (`\r\n` or
/// alone) becomes a newline. The text becomes doc comments, and rustc
/// refuses a bare CR in one.
pub fn text_without_carriage_returns(doc: &mut Value, _ctx: &mut Context) -> Changes {
    // One pointer buffer for the walk (a new string per node was most of
    // its time).
    fn walk(v: &mut Value, at: &mut At, changes: &mut Changes) {
        match v {
            Value::Mapping(map) => {
                for (k, inner) in map.iter_mut() {
                    at.with_key(k, |at| match inner {
                        Value::String(text)
                            if k.as_str().is_some_and(|k| TEXT_KEYS.contains(&k)) && text.contains('\r') =>
                        {
                            *text = text.replace("\r\n", "\n").replace('\r', "\n");
                            changes.push(format!("{}: carriage returns -> newlines", at.as_str()));
                        }
                        _ => walk(inner, at, changes),
                    });
                }
            }
            Value::Sequence(items) => {
                for (i, item) in items.iter_mut().enumerate() {
                    at.with_index(i, |at| walk(item, at, changes));
                }
            }
            _ => {}
        }
    }
    let mut changes = Vec::new();
    walk(doc, &mut At::new(""), &mut changes);
    changes
}

/// What `value` fails to be as a `T`, if anything. Read from the tree in
/// place, not from a copy of it.
fn misfit<T: DeserializeOwned>(value: &Value) -> Option<String> {
    T::deserialize(value).err().map(|e| e.to_string())
}

/// The schema keywords a value cannot lose without its type changing.
const STRUCTURE: [&str; 8] = [
    "type",
    "properties",
    "items",
    "allOf",
    "anyOf",
    "oneOf",
    "not",
    "additionalProperties",
];

/// The schemas directly inside the schema `value` at `at`, as openapiv3
/// reads them.
fn inner_schemas(value: &Value, at: &str) -> Vec<String> {
    let mut out = Vec::new();
    let Some(map) = value.as_mapping() else { return out };
    for (k, v) in map {
        let key = key_text(k);
        let here = pointer(at, &key);
        match (key.as_str(), v) {
            ("properties", Value::Mapping(props)) => out.extend(props.keys().map(|p| pointer(&here, &key_text(p)))),
            ("allOf" | "anyOf" | "oneOf", Value::Sequence(list)) => {
                out.extend((0..list.len()).map(|i| pointer(&here, &i.to_string())));
            }
            ("items" | "not", Value::Mapping(_)) | ("additionalProperties", Value::Mapping(_)) => out.push(here),
            _ => {}
        }
    }
    out
}

/// Makes the schema at `at` fit: its inner schemas first, then its own
/// keywords (one that does not fit and is not structure is dropped), and
/// when nothing else helps it becomes any JSON. Returns the changes.
fn fit_schema(doc: &mut Value, at: &str, ctx: &mut Context, depth: usize) -> Changes {
    let target = format!("#{at}");
    let Some(value) = tree::resolve(doc, &target) else {
        return Vec::new();
    };
    let Some(reason) = misfit::<ReferenceOr<Schema>>(value) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    if depth < 32 {
        for inner in inner_schemas(value, at) {
            changes.extend(fit_schema(doc, &inner, ctx, depth + 1));
        }
    }
    let Some(Value::Mapping(map)) = tree::resolve(doc, &target).cloned() else {
        return changes;
    };
    if misfit::<ReferenceOr<Schema>>(&Value::Mapping(map.clone())).is_none() {
        return changes;
    }
    for key in map.keys().map(key_text).filter(|k| !STRUCTURE.contains(&k.as_str())) {
        let mut without = map.clone();
        without.remove(key.as_str());
        if misfit::<ReferenceOr<Schema>>(&Value::Mapping(without)).is_none() {
            remove_at(doc, &pointer(at, &key));
            changes.push(format!("{at}: {key} dropped (it does not fit: {reason})"));
            return changes;
        }
    }
    let positions: HashSet<String> = [at.to_string()].into();
    changes.extend(degrade(
        doc,
        at,
        &format!("it does not fit OpenAPI 3.0: {reason}"),
        &positions,
        ctx,
    ));
    changes
}

/// The outermost schema positions under `at`.
fn outer_schemas(positions: &HashSet<String>, at: &str) -> Vec<String> {
    let prefix = format!("{at}/");
    let mut inside: Vec<&String> = positions.iter().filter(|p| p.starts_with(&prefix)).collect();
    inside.sort();
    let mut outer: Vec<String> = Vec::new();
    for p in inside {
        if !outer.iter().any(|o| p.starts_with(&format!("{o}/"))) {
            outer.push(p.clone());
        }
    }
    outer
}

/// The operation keys a client does not need to send anything right.
const OPERATION_EXTRAS: [&str; 7] = [
    "callbacks",
    "externalDocs",
    "tags",
    "security",
    "servers",
    "summary",
    "description",
];

/// Makes the path item at `at` fit: its schemas first, then per
/// operation (extras that do not fit are dropped, an operation that still
/// does not fit is left out), then the path item's own keys.
fn fit_path_item(doc: &mut Value, at: &str, positions: &HashSet<String>, ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for schema in outer_schemas(positions, at) {
        changes.extend(fit_schema(doc, &schema, ctx, 0));
    }
    for method in tree::PATH_ITEM_METHODS {
        let here = pointer(at, method);
        let Some(op) = tree::resolve(doc, &format!("#{here}")).cloned() else {
            continue;
        };
        let Some(reason) = misfit::<openapiv3::Operation>(&op) else {
            continue;
        };
        for extra in OPERATION_EXTRAS {
            let key = pointer(&here, extra);
            if tree::get(&op, extra).is_some() && remove_at(doc, &key) {
                changes.push(format!("{key}: dropped (it does not fit OpenAPI 3.0)"));
            }
        }
        let op = tree::resolve(doc, &format!("#{here}")).cloned().unwrap_or_default();
        if misfit::<openapiv3::Operation>(&op).is_some() {
            let reason = format!("it does not fit OpenAPI 3.0: {reason}");
            changes.extend(degrade(doc, &here, &reason, &HashSet::new(), ctx));
        }
    }
    if let Some(item) = tree::resolve(doc, &format!("#{at}"))
        && let Some(reason) = misfit::<ReferenceOr<PathItem>>(item)
    {
        let reason = format!("the path item does not fit OpenAPI 3.0: {reason}");
        changes.extend(degrade(doc, &pointer(at, "parameters"), &reason, &HashSet::new(), ctx));
    }
    changes
}

/// The check of one component section's entries.
type Check = fn(&Value) -> Option<String>;

/// The component sections and the type of their entries.
const SECTIONS: [(&str, Check); 8] = [
    ("responses", misfit::<ReferenceOr<Response>>),
    ("parameters", misfit::<ReferenceOr<Parameter>>),
    ("examples", misfit::<ReferenceOr<Example>>),
    ("requestBodies", misfit::<ReferenceOr<RequestBody>>),
    ("headers", misfit::<ReferenceOr<Header>>),
    ("securitySchemes", misfit::<ReferenceOr<openapiv3::SecurityScheme>>),
    ("links", misfit::<ReferenceOr<Link>>),
    ("callbacks", misfit::<ReferenceOr<Callback>>),
];

/// The keys of the mapping at `at`, as pointers.
fn entries(doc: &Value, at: &str) -> Vec<String> {
    tree::resolve(doc, &format!("#{at}"))
        .and_then(Value::as_mapping)
        .map(|m| m.keys().map(|k| pointer(at, &key_text(k))).collect())
        .unwrap_or_default()
}

/// Makes the components fit: each schema, then each entry of the other
/// sections (its schemas first; an entry that still does not fit is
/// dropped).
fn fit_components(doc: &mut Value, positions: &HashSet<String>, ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for schema in entries(doc, "/components/schemas") {
        changes.extend(fit_schema(doc, &schema, ctx, 0));
    }
    for (section, check) in SECTIONS {
        for entry in entries(doc, &format!("/components/{section}")) {
            for schema in outer_schemas(positions, &entry) {
                changes.extend(fit_schema(doc, &schema, ctx, 0));
            }
            if let Some(reason) = tree::resolve(doc, &format!("#{entry}")).and_then(check)
                && remove_at(doc, &entry)
            {
                changes.push(format!("{entry}: dropped (it does not fit OpenAPI 3.0: {reason})"));
            }
        }
    }
    changes
}

/// The document's own fields that do not fit: `info` is rebuilt from what
/// fits of it, anything else that does not fit is dropped.
fn fit_document(doc: &mut Value) -> Changes {
    let mut changes = Vec::new();
    let Some(root) = doc.as_mapping_mut() else {
        return changes;
    };
    let info_fits = root.get("info").is_some_and(|i| misfit::<openapiv3::Info>(i).is_none());
    if !info_fits {
        let old = root.get("info").cloned().unwrap_or_default();
        let mut info = Mapping::new();
        for key in ["title", "version"] {
            let text = tree::get_str(&old, key).unwrap_or_default().to_string();
            info.insert(key.into(), text.into());
        }
        root.insert("info".into(), Value::Mapping(info));
        changes.push("/info: does not fit OpenAPI 3.0; title and version kept".to_string());
    }
    if !root.get("paths").is_some_and(Value::is_mapping) {
        root.insert("paths".into(), tree::mapping());
        changes.push("/paths: not a mapping -> no paths".to_string());
    }
    for (key, fits) in [
        ("servers", misfit::<Vec<openapiv3::Server>> as Check),
        ("tags", misfit::<Vec<openapiv3::Tag>>),
        ("security", misfit::<Vec<openapiv3::SecurityRequirement>>),
        ("externalDocs", misfit::<openapiv3::ExternalDocumentation>),
    ] {
        if let Some(reason) = root.get(key).and_then(fits) {
            root.remove(key);
            changes.push(format!("/{key}: dropped (it does not fit OpenAPI 3.0: {reason})"));
        }
    }
    changes
}

/// Path items from this many on, a document is read as OpenAPI 3.0's
/// types on two threads.
const TYPED_ON_TWO_THREADS_FROM: usize = 1_000;

/// The document read as OpenAPI 3.0's types, or `None` where some part
/// does not fit; a document of many path items on two threads (see
/// [`typed_on_two_threads`]).
fn typed(doc: &mut Value) -> Option<openapiv3::OpenAPI> {
    let paths = tree::get(doc, "paths")
        .and_then(Value::as_mapping)
        .map_or(0, Mapping::len);
    if paths >= TYPED_ON_TWO_THREADS_FROM {
        typed_on_two_threads(doc)
    } else {
        openapiv3::OpenAPI::deserialize(&*doc).ok()
    }
}

/// [`typed`] on two threads: the components and the second half of the
/// path items on one, the rest of the document with the first half on the
/// other (Microsoft Graph's beta spec: 0.38 s on one thread, the path
/// items most of it). `OpenAPI`'s own `Deserialize` reads its
/// `components` as an `Option<Components>` and its `paths` as `Paths`,
/// each from the value under its key, and `Paths` keeps its path items and
/// extensions in the order of the mapping; the halves, read the same way
/// and put end to end, are that. The document is put back as it was.
fn typed_on_two_threads(doc: &mut Value) -> Option<openapiv3::OpenAPI> {
    use openapiv3::{Components, OpenAPI, Paths};
    let Some(paths) = tree::get_mut(doc, "paths").and_then(Value::as_mapping_mut) else {
        return OpenAPI::deserialize(&*doc).ok();
    };
    // The second half taken out while this thread reads the document with
    // the first, and the components (a `null` there reads as none).
    let all = std::mem::take(paths);
    let half = all.len() / 2;
    let mut second = Mapping::new();
    for (i, (key, item)) in all.into_iter().enumerate() {
        if i < half { &mut *paths } else { &mut second }.insert(key, item);
    }
    let second = Value::Mapping(second);
    let components = tree::get_mut(doc, "components").map(std::mem::take);
    let (read, other) = std::thread::scope(|scope| {
        let other = scope.spawn(|| {
            let components = components.as_ref().map(Option::<Components>::deserialize).transpose();
            (components.ok(), Paths::deserialize(&second).ok())
        });
        (OpenAPI::deserialize(&*doc).ok(), other.join())
    });
    if let (Some(slot), Some(components)) = (tree::get_mut(doc, "components"), components) {
        *slot = components;
    }
    if let (Some(paths), Value::Mapping(second)) = (tree::get_mut(doc, "paths").and_then(Value::as_mapping_mut), second)
    {
        paths.extend(second);
    }
    // A panic on the other thread is a part that does not fit, found
    // again when the caller reads each part on its own.
    let (Some(components), Some(second_read)) = other.ok()? else {
        return None;
    };
    let mut spec = read?;
    spec.paths.paths.extend(second_read.paths);
    spec.paths.extensions.extend(second_read.extensions);
    spec.components = components.flatten();
    Some(spec)
}

/// Rule: every part of the document is checked against OpenAPI 3.0's
/// types, one at a time (each component, each path item, the document's
/// own fields), and a part that does not fit degrades where it is: a
/// schema keyword that is not structure (`pattern: 0`) is dropped, a schema
/// that still does not fit becomes any JSON, an operation's extras
/// (`callbacks`, `tags`, ...) are dropped and an operation that still does
/// not fit is left out, a component of another kind is dropped (and what
/// refers to it degrades in turn). A `query` operation (OpenAPI 3.2) is
/// left out. Each is named with what did not fit.
pub fn parts_that_fit_openapi_3_0(doc: &mut Value, ctx: &mut Context) -> Changes {
    let mut changes = fit_document(doc);
    for path in entries(doc, "/paths") {
        let query = pointer(&path, "query");
        if tree::resolve(doc, &format!("#{query}")).is_some() {
            let reason = "QUERY is an OpenAPI 3.2 method; OpenAPI 3.0 and progenitor 0.15.1 have none";
            changes.extend(degrade(doc, &query, reason, &HashSet::new(), ctx));
        }
    }
    // The common case, read once: the whole document fits. Read from the
    // tree in place: a copy of it to read from was 0.5 GB more for
    // Microsoft Graph's beta spec.
    if let Some(spec) = typed(doc) {
        ctx.typed = Some(spec);
        return changes;
    }
    let positions = schema_positions(doc);
    changes.extend(fit_components(doc, &positions, ctx));
    for path in entries(doc, "/paths") {
        if tree::resolve(doc, &format!("#{path}")).is_some_and(|item| misfit::<ReferenceOr<PathItem>>(item).is_some()) {
            changes.extend(fit_path_item(doc, &path, &positions, ctx));
        }
    }
    changes.extend(unresolved_references(doc, ctx));
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn carriage_returns_in_text_become_newlines() {
        let mut d = doc(concat!(
            "info: {title: t, description: \"a\\r\\nb\\rc\"}\nx: {example: \"k\\r\"}\n",
            "paths: {'/a/{id}': {get: {parameters: [{name: id}, {summary: \"s\\r\"}]}}}\n",
        ));
        let changes = text_without_carriage_returns(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/info/description: carriage returns -> newlines",
                "/paths/~1a~1{id}/get/parameters/1/summary: carriage returns -> newlines",
            ]
        );
        assert_eq!(d["info"]["description"], Value::from("a\nb\nc"));
        assert_eq!(d["x"]["example"], Value::from("k\r"), "examples are data, not docs");
    }

    const SPEC: &str = r##"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  /a:
    get:
      operationId: a
      callbacks: {on: {$ref: '#/components/callbacks/C'}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  timecode: {type: string, pattern: 0}
                  n: {type: integer, minimum: "low"}
  /b:
    get:
      operationId: b
      parameters: [{name: q, in: formData, schema: {type: string}}]
      responses: {"200": {description: ok}}
components:
  schemas:
    S: {type: object, properties: {x: {type: [1, 2]}}}
  responses:
    R: {description: 7, content: 8}
"##;

    #[test]
    fn what_does_not_fit_degrades_where_it_is() {
        let mut d = doc(SPEC);
        let mut ctx = Context::default();
        let changes = parts_that_fit_openapi_3_0(&mut d, &mut ctx);
        let text = changes.join("\n");
        assert!(text.contains("/components/schemas/S/properties/x: any JSON"), "{text}");
        assert!(text.contains("/components/responses/R: dropped"), "{text}");
        assert!(text.contains("/properties/timecode: pattern dropped"), "{text}");
        assert!(text.contains("/properties/n: minimum dropped"), "{text}");
        assert!(text.contains("/paths/~1a/get/callbacks: dropped"), "{text}");
        assert!(text.contains("GET /b left out"), "{text}");
        assert_eq!(ctx.left_out.len(), 1);
        assert_eq!(ctx.left_out[0].location, "GET /b (b)");
        let schema = &d["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
        assert_eq!(
            schema["properties"]["timecode"]["type"],
            Value::from("string"),
            "the type stays"
        );
        serde_yaml::from_value::<openapiv3::OpenAPI>(d).expect("the document fits now");
    }

    /// A document of `paths` path items (an extension among them, and in
    /// the second half one `bad` item when asked), with components.
    fn many_paths(paths: usize, bad: bool) -> Value {
        let mut text = String::from("openapi: 3.0.0\ninfo: {title: t, version: '1'}\nx-top: 1\npaths:\n");
        for i in 0..paths {
            text.push_str(&format!(
                "  /p{i}: {{get: {{operationId: o{i}, responses: {{'200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/S'}}}}}}}}}}}}}}\n"
            ));
            if i == 3 {
                text.push_str("  x-paths: {a: 1}\n");
            }
        }
        if bad {
            text.push_str("  /bad: {get: {responses: 7}}\n");
        }
        text.push_str("components:\n  schemas:\n    S: {type: object, properties: {a: {type: string}}}\n  x-c: 2\n");
        doc(&text)
    }

    #[test]
    fn a_document_read_on_two_threads_is_the_one_read_on_one() {
        let mut d = many_paths(TYPED_ON_TWO_THREADS_FROM, false);
        let before = d.clone();
        let one: openapiv3::OpenAPI = openapiv3::OpenAPI::deserialize(&d).expect("fits");
        let two = typed(&mut d).expect("fits on two threads");
        assert_eq!(two, one);
        assert_eq!(two.paths.paths.len(), TYPED_ON_TWO_THREADS_FROM);
        assert_eq!(two.paths.extensions.keys().collect::<Vec<_>>(), ["x-paths"]);
        assert!(two.components.as_ref().is_some_and(|c| c.schemas.contains_key("S")));
        assert_eq!(
            serde_yaml::to_string(&d).unwrap(),
            serde_yaml::to_string(&before).unwrap(),
            "the document is put back as it was"
        );
    }

    #[test]
    fn a_path_item_that_does_not_fit_fails_the_read_on_two_threads_and_the_document_is_kept() {
        let mut d = many_paths(TYPED_ON_TWO_THREADS_FROM, true);
        let before = serde_yaml::to_string(&d).unwrap();
        assert!(openapiv3::OpenAPI::deserialize(&d).is_err());
        assert!(typed(&mut d).is_none());
        assert_eq!(serde_yaml::to_string(&d).unwrap(), before);
        let changes = parts_that_fit_openapi_3_0(&mut d, &mut Context::default());
        assert!(changes.iter().any(|c| c.contains("/paths/~1bad")), "{changes:?}");
    }
}
