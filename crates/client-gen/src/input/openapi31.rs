//! OpenAPI 3.1 read as 3.0: the rules for the 3.1 constructs that only a
//! 3.1 document has. Those JSON Schema shapes any version's documents use
//! (type lists, null variants, boolean schemas, numeric bounds) are in
//! [`super::json_schema`]. Each rule rewrites the tree into the 3.0 form
//! that means the same, or drops what 3.0 cannot say, and reports every
//! place it touched; [`crate::rules::RULES`] orders them.

use serde_yaml::{Mapping, Value};

use super::tree::{self, each_schema, get, get_mut, visit_document_schemas};
use crate::rules::{Changes, Context};

/// Rule: document fields 3.0 does not have are dropped, each reported:
/// `webhooks` (requests the API sends, not ones a client makes),
/// `jsonSchemaDialect`, `info.summary`, `info.license.identifier` and
/// `components.pathItems`.
pub fn drop_document_fields(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    let drop = |holder: Option<&mut Value>, key: &str, at: &str, changes: &mut Vec<String>| {
        if let Some(Value::Mapping(map)) = holder
            && let Some(value) = map.remove(key)
        {
            let what = match &value {
                Value::Mapping(m) => format!(" ({} entries)", m.len()),
                _ => String::new(),
            };
            changes.push(format!("{at}{what} dropped"));
        }
    };
    drop(Some(doc), "webhooks", "/webhooks", &mut changes);
    drop(Some(doc), "jsonSchemaDialect", "/jsonSchemaDialect", &mut changes);
    drop(get_mut(doc, "info"), "summary", "/info/summary", &mut changes);
    drop(
        get_mut(doc, "info").and_then(|i| get_mut(i, "license")),
        "identifier",
        "/info/license/identifier",
        &mut changes,
    );
    drop(
        get_mut(doc, "components"),
        "pathItems",
        "/components/pathItems",
        &mut changes,
    );
    changes
}

/// Rule: schemas under `$defs` (or `definitions`) inside a schema move to
/// `components.schemas`, named as they were where that name is free, else
/// `{Owner}_{Name}`; every `$ref` to them is rewritten.
pub fn move_defs(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut moved: Vec<(String, String, Value)> = Vec::new();
    let mut taken: Vec<String> = get(doc, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
        .map(|m| m.keys().map(tree::key_text).collect())
        .unwrap_or_default();
    visit_document_schemas(doc, &mut |at, schema| {
        for key in ["$defs", "definitions"] {
            let Some(Value::Mapping(defs)) = schema.as_mapping_mut().and_then(|m| m.remove(key)) else {
                continue;
            };
            let owner = at.rsplit('/').next().unwrap_or("Schema").to_string();
            for (name, def) in defs {
                let name = tree::key_text(&name);
                let new = if taken.contains(&name) {
                    format!("{owner}_{name}")
                } else {
                    name.clone()
                };
                taken.push(new.clone());
                moved.push((tree::pointer(&tree::pointer(at, key), &name), new, def));
            }
        }
    });
    let mut changes = Vec::new();
    if moved.is_empty() {
        return changes;
    }
    for (old, new, _) in &moved {
        changes.push(format!("{old} -> /components/schemas/{new}"));
    }
    let renames: Vec<(String, String)> = moved
        .iter()
        .map(|(old, new, _)| (format!("#{old}"), format!("#/components/schemas/{new}")))
        .collect();
    let schemas = components_schemas(doc);
    for (_, new, def) in moved {
        schemas.insert(Value::String(new), def);
    }
    tree::rewrite_references(doc, &mut |target| {
        renames
            .iter()
            .find(|(old, _)| old == target)
            .map(|(_, new)| new.clone())
    });
    changes
}

/// `components.schemas`, created when missing.
fn components_schemas(doc: &mut Value) -> &mut Mapping {
    let root = doc.as_mapping_mut().expect("the document is a mapping");
    let components = root.entry("components".into()).or_insert_with(tree::mapping);
    let components = components.as_mapping_mut().expect("components is a mapping");
    let schemas = components.entry("schemas".into()).or_insert_with(tree::mapping);
    schemas.as_mapping_mut().expect("components.schemas is a mapping")
}

/// Keywords beside a `$ref` that only describe it: dropping them changes
/// no type.
const ANNOTATIONS: [&str; 9] = [
    "description",
    "summary",
    "title",
    "example",
    "examples",
    "deprecated",
    "readOnly",
    "writeOnly",
    "$comment",
];

/// Rule: a schema `$ref` beside other keywords (which 3.1 applies and 3.0
/// ignores) becomes `allOf: [$ref]` with those keywords beside it, so that
/// `nullable`, `default` and constraints still apply. Where the keywords
/// only annotate the reference (a description, a title), they are dropped
/// and the plain `$ref` stays, so the referenced type is used as it is.
pub fn ref_siblings(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        if map.len() < 2 || !map.contains_key("$ref") {
            return;
        }
        let siblings: Vec<String> = map.keys().map(tree::key_text).filter(|k| k != "$ref").collect();
        if siblings.iter().all(|k| ANNOTATIONS.contains(&k.as_str())) {
            map.retain(|k, _| k.as_str() == Some("$ref"));
            changes.push(format!("{at}: {} beside $ref dropped", siblings.join(", ")));
        } else {
            tree::wrap_ref_in_all_of(map);
            changes.push(format!("{at}: $ref beside {} -> allOf [$ref]", siblings.join(", ")));
        }
    })
}

/// Rule: `const: v` becomes `enum: [v]`.
pub fn const_values(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        if let Some(value) = map.remove("const") {
            let shown = serde_json::to_string(&value).unwrap_or_default();
            map.insert("enum".into(), Value::Sequence(vec![value]));
            changes.push(format!("{at}: const {shown} -> enum [{shown}]"));
        }
    })
}

/// Rule: a schema's `examples` list becomes `example`, its first item (3.0
/// has one example per schema; the rest are dropped and counted).
pub fn schema_examples(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let Some(Value::Sequence(examples)) = map.get("examples") else {
            return;
        };
        let examples = examples.clone();
        map.remove("examples");
        let n = examples.len();
        if let Some(first) = examples.into_iter().next()
            && !map.contains_key("example")
        {
            map.insert("example".into(), first);
        }
        changes.push(match n {
            0 => format!("{at}: empty examples dropped"),
            1 => format!("{at}: examples -> example"),
            n => format!("{at}: examples -> example (the first of {n})"),
        });
    })
}

/// Rule: a string with `contentEncoding: base64` is `format: byte`, and one
/// with `contentMediaType` (the content itself, not encoded) is a file,
/// `format: binary`, so that a multipart part of that schema is a file part
/// and a list of them a list of file parts.
pub fn content_media_type(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let encoding = map.get("contentEncoding").and_then(Value::as_str).map(str::to_string);
        let media = map.get("contentMediaType").and_then(Value::as_str).map(str::to_string);
        if encoding.is_none() && media.is_none() {
            return;
        }
        let is_string = matches!(map.get("type").and_then(Value::as_str), Some("string") | None);
        if !is_string {
            return;
        }
        map.remove("contentEncoding");
        map.remove("contentMediaType");
        map.insert("type".into(), "string".into());
        let (format, what) = match (&encoding, &media) {
            (Some(e), _) if e.eq_ignore_ascii_case("base64") || e.eq_ignore_ascii_case("base64url") => {
                ("byte", format!("contentEncoding {e}"))
            }
            (Some(e), _) => ("binary", format!("contentEncoding {e}")),
            (None, Some(m)) => ("binary", format!("contentMediaType {m}")),
            (None, None) => unreachable!("checked above"),
        };
        map.insert("format".into(), format.into());
        changes.push(format!("{at}: {what} -> string, format {format}"));
    })
}

/// JSON Schema 2020-12 keywords that 3.0 has no word for: they constrain or
/// identify a schema but change no Rust type progenitor would make.
const UNSAYABLE: [&str; 17] = [
    "$schema",
    "$id",
    "$anchor",
    "$dynamicRef",
    "$dynamicAnchor",
    "$comment",
    "$vocabulary",
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "contains",
    "minContains",
    "maxContains",
    "dependentRequired",
    "dependentSchemas",
    "propertyNames",
    "contentSchema",
];

/// Rule: keywords 3.0 cannot say (`$id`, `prefixItems`,
/// `patternProperties`, `if`/`then`/`else`, ...) are dropped, each place
/// reported. `patternProperties` with one pattern becomes
/// `additionalProperties` of its schema where that is unset.
pub fn drop_schema_keywords(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let mut dropped = Vec::new();
        if let Some(Value::Mapping(patterns)) = map.remove("patternProperties") {
            if patterns.len() == 1 && !map.contains_key("additionalProperties") {
                let (pattern, schema) = patterns.into_iter().next().expect("one pattern");
                map.insert("additionalProperties".into(), schema);
                changes.push(format!(
                    "{at}: patternProperties {} -> additionalProperties (the pattern is not checked)",
                    tree::key_text(&pattern)
                ));
            } else {
                dropped.push("patternProperties".to_string());
            }
        }
        for key in UNSAYABLE.iter().chain(&["if", "then", "else"]) {
            if map.remove(*key).is_some() {
                dropped.push((*key).to_string());
            }
        }
        if !dropped.is_empty() {
            changes.push(format!("{at}: {} dropped", dropped.join(", ")));
        }
    })
}

/// Rule: the document declares `openapi: 3.0.3`, the 3.0 it now is, and
/// gets an empty `paths` where it had none (3.1 allows a document of
/// webhooks or components only).
pub fn declare_3_0(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    let root = doc.as_mapping_mut().expect("the document is a mapping");
    let old = root.insert("openapi".into(), "3.0.3".into());
    changes.push(format!(
        "openapi {} -> 3.0.3",
        old.as_ref().map(tree::key_text).unwrap_or_default()
    ));
    if !root.contains_key("paths") {
        root.insert("paths".into(), tree::mapping());
        changes.push("no paths -> empty paths".to_string());
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::super::json_schema::exclusive_bounds;
    use super::*;

    fn doc(schema: &str) -> Value {
        serde_yaml::from_str(&format!(
            "openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    S: {schema}\n"
        ))
        .unwrap()
    }

    fn schema(d: &Value) -> String {
        let s = &d["components"]["schemas"]["S"];
        serde_json::to_string(s).unwrap()
    }

    #[test]
    fn document_fields_3_0_lacks_are_dropped() {
        let mut d: Value = serde_yaml::from_str(
            "openapi: 3.1.0\njsonSchemaDialect: x\ninfo: {title: t, summary: s, version: '1', license: {name: MIT, identifier: MIT}}\nwebhooks: {a: {}, b: {}}\n",
        )
        .unwrap();
        let changes = drop_document_fields(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/webhooks (2 entries) dropped",
                "/jsonSchemaDialect dropped",
                "/info/summary dropped",
                "/info/license/identifier dropped"
            ]
        );
        assert_eq!(d["info"]["license"]["name"], Value::from("MIT"));
    }

    #[test]
    fn defs_move_to_components_and_references_follow() {
        let mut d =
            doc("{properties: {a: {$ref: '#/components/schemas/S/$defs/Inner'}}, $defs: {Inner: {type: string}}}");
        let changes = move_defs(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec!["/components/schemas/S/$defs/Inner -> /components/schemas/Inner"]
        );
        assert_eq!(
            schema(&d),
            r##"{"properties":{"a":{"$ref":"#/components/schemas/Inner"}}}"##
        );
        assert_eq!(d["components"]["schemas"]["Inner"]["type"], Value::from("string"));
    }

    #[test]
    fn ref_siblings_keep_their_meaning() {
        let mut d = doc(
            "{properties: {a: {$ref: '#/components/schemas/T', description: d}, b: {$ref: '#/components/schemas/T', default: x}}}",
        );
        let changes = ref_siblings(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/a: description beside $ref dropped",
                "/components/schemas/S/properties/b: $ref beside default -> allOf [$ref]",
            ]
        );
        assert_eq!(
            schema(&d),
            r##"{"properties":{"a":{"$ref":"#/components/schemas/T"},"b":{"default":"x","allOf":[{"$ref":"#/components/schemas/T"}]}}}"##
        );
    }

    #[test]
    fn const_examples_and_bounds_take_their_3_0_words() {
        let mut d = doc("{type: integer, const: 3, examples: [3, 4], exclusiveMinimum: 0, exclusiveMaximum: 9.5}");
        assert_eq!(
            const_values(&mut d, &mut Context::default()),
            vec!["/components/schemas/S: const 3 -> enum [3]"]
        );
        assert_eq!(
            schema_examples(&mut d, &mut Context::default()),
            vec!["/components/schemas/S: examples -> example (the first of 2)"]
        );
        assert_eq!(exclusive_bounds(&mut d, &mut Context::default()).len(), 2);
        assert_eq!(
            schema(&d),
            r#"{"type":"integer","exclusiveMaximum":true,"enum":[3],"exclusiveMinimum":true,"example":3,"minimum":0,"maximum":9.5}"#
        );
    }

    #[test]
    fn content_media_types_are_files_and_base64_is_bytes() {
        let mut d = doc(
            "{properties: {f: {type: string, contentMediaType: image/png}, fs: {type: array, items: {contentMediaType: application/octet-stream}}, \
             b: {type: string, contentEncoding: base64, contentMediaType: image/png}, n: {type: integer, contentMediaType: x/y}}}",
        );
        let changes = content_media_type(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/f: contentMediaType image/png -> string, format binary",
                "/components/schemas/S/properties/fs/items: contentMediaType application/octet-stream -> string, format binary",
                "/components/schemas/S/properties/b: contentEncoding base64 -> string, format byte",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"f":{"type":"string","format":"binary"},"fs":{"type":"array","items":{"type":"string","format":"binary"}},"b":{"type":"string","format":"byte"},"n":{"type":"integer","contentMediaType":"x/y"}}}"#
        );
    }

    #[test]
    fn keywords_3_0_cannot_say_are_dropped_and_reported() {
        let mut d = doc("{$id: x, prefixItems: [{}], patternProperties: {'^a': {type: string}}, if: {}, then: {}}");
        let changes = drop_schema_keywords(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S: patternProperties ^a -> additionalProperties (the pattern is not checked)",
                "/components/schemas/S: $id, prefixItems, if, then dropped",
            ]
        );
        assert_eq!(schema(&d), r#"{"additionalProperties":{"type":"string"}}"#);
    }

    #[test]
    fn the_document_declares_3_0() {
        let mut d: Value = serde_yaml::from_str("openapi: 3.1.0\ninfo: {title: t, version: '1'}\n").unwrap();
        assert_eq!(
            declare_3_0(&mut d, &mut Context::default()),
            vec!["openapi 3.1.0 -> 3.0.3", "no paths -> empty paths"]
        );
        assert_eq!(d["openapi"], Value::from("3.0.3"));
    }
}
