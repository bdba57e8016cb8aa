//! OpenAPI 3.1 read as 3.0: one named rule per 3.1 construct that
//! `openapiv3` (and so progenitor) cannot read, each rewriting the tree into
//! the 3.0 form that means the same, or dropping what 3.0 cannot say, and
//! reporting every place it touched.
//!
//! | rule | 3.1 construct |
//! |---|---|
//! | [`drop_document_fields`] | `webhooks`, `jsonSchemaDialect`, `info.summary`, `license.identifier`, `components.pathItems` |
//! | [`boolean_schemas`] | `true` / `false` as schemas |
//! | [`move_defs`] | `$defs` inside schemas |
//! | [`null_variants`] | `anyOf` / `oneOf` with a `{"type": "null"}` variant |
//! | [`type_arrays`] | `type: [X, "null"]` and other type lists |
//! | [`ref_siblings`] | `$ref` beside other keywords |
//! | [`const_values`] | `const` |
//! | [`schema_examples`] | `examples` (a list) in schemas |
//! | [`exclusive_bounds`] | numeric `exclusiveMinimum` / `exclusiveMaximum` |
//! | [`content_media_type`] | `contentMediaType` / `contentEncoding` strings (files, base64) |
//! | [`drop_schema_keywords`] | JSON Schema 2020-12 keywords 3.0 has no word for |
//! | [`declare_3_0`] | the `openapi` version itself, and a missing `paths` |

use serde_yaml::{Mapping, Value};

use super::tree::{self, get, get_mut, visit_document_schemas};
use crate::report::RuleReport;

/// Applies every rule, in order.
pub fn upgrade(doc: &mut Value) -> Vec<RuleReport> {
    vec![
        drop_document_fields(doc),
        boolean_schemas(doc),
        move_defs(doc),
        null_variants(doc),
        type_arrays(doc),
        ref_siblings(doc),
        const_values(doc),
        schema_examples(doc),
        exclusive_bounds(doc),
        content_media_type(doc),
        drop_schema_keywords(doc),
        declare_3_0(doc),
    ]
}

/// Runs `f` on every schema that is a mapping, collecting its changes.
fn each_schema(doc: &mut Value, mut f: impl FnMut(&str, &mut Mapping, &mut Vec<String>)) -> Vec<String> {
    let mut changes = Vec::new();
    visit_document_schemas(doc, &mut |at, schema| {
        if let Value::Mapping(map) = schema {
            f(at, map, &mut changes);
        }
    });
    changes
}

/// Rule: document fields 3.0 does not have are dropped, each reported:
/// `webhooks` (requests the API sends, not ones a client makes),
/// `jsonSchemaDialect`, `info.summary`, `info.license.identifier` and
/// `components.pathItems`.
pub fn drop_document_fields(doc: &mut Value) -> RuleReport {
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
    RuleReport::new("openapi31_drop_document_fields", changes)
}

/// Rule: a boolean schema becomes its 3.0 form: `true` (anything) the
/// empty schema, `false` (nothing) `not: {}`. `additionalProperties: false`
/// is 3.0 already and stays.
pub fn boolean_schemas(doc: &mut Value) -> RuleReport {
    let mut changes = Vec::new();
    visit_document_schemas(doc, &mut |at, schema| {
        if let Value::Bool(b) = schema {
            let b = *b;
            *schema = if b {
                tree::mapping()
            } else {
                let mut m = Mapping::new();
                m.insert("not".into(), tree::mapping());
                Value::Mapping(m)
            };
            changes.push(format!("{at}: {b} -> {}", if b { "{}" } else { "{not: {}}" }));
        }
    });
    RuleReport::new("openapi31_boolean_schemas", changes)
}

/// Rule: schemas under `$defs` (or `definitions`) inside a schema move to
/// `components.schemas`, named as they were where that name is free, else
/// `{Owner}_{Name}`; every `$ref` to them is rewritten.
pub fn move_defs(doc: &mut Value) -> RuleReport {
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
        return RuleReport::new("openapi31_move_defs", changes);
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
    RuleReport::new("openapi31_move_defs", changes)
}

/// `components.schemas`, created when missing.
fn components_schemas(doc: &mut Value) -> &mut Mapping {
    let root = doc.as_mapping_mut().expect("the document is a mapping");
    let components = root.entry("components".into()).or_insert_with(tree::mapping);
    let components = components.as_mapping_mut().expect("components is a mapping");
    let schemas = components.entry("schemas".into()).or_insert_with(tree::mapping);
    schemas.as_mapping_mut().expect("components.schemas is a mapping")
}

fn is_null_schema(v: &Value) -> bool {
    get(v, "type").and_then(Value::as_str) == Some("null")
        || get(v, "const").is_some_and(Value::is_null)
        || get(v, "enum")
            .and_then(Value::as_sequence)
            .is_some_and(|e| e.len() == 1 && e[0].is_null())
}

fn is_bare_ref(v: &Value) -> bool {
    v.as_mapping().is_some_and(|m| m.len() == 1 && m.contains_key("$ref"))
}

/// Rule: an `anyOf` or `oneOf` with a null variant (`{"type": "null"}`)
/// loses that variant and the schema becomes `nullable`. One variant left
/// is the schema itself: a `$ref` becomes `allOf: [$ref]` (3.0 allows no
/// keyword beside `$ref`), an inline schema is merged in where no keyword
/// clashes.
pub fn null_variants(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
        for key in ["anyOf", "oneOf"] {
            let Some(Value::Sequence(variants)) = map.get(key) else {
                continue;
            };
            if !variants.iter().any(is_null_schema) {
                continue;
            }
            let rest: Vec<Value> = variants.iter().filter(|v| !is_null_schema(v)).cloned().collect();
            map.insert("nullable".into(), Value::Bool(true));
            let what = match rest.as_slice() {
                [one] if is_bare_ref(one) => {
                    map.remove(key);
                    map.insert("allOf".into(), Value::Sequence(vec![one.clone()]));
                    format!("{key} [$ref, null] -> allOf [$ref], nullable")
                }
                [Value::Mapping(one)] if one.keys().all(|k| !map.contains_key(k) || k.as_str() == Some(key)) => {
                    map.remove(key);
                    for (k, v) in one {
                        map.insert(k.clone(), v.clone());
                    }
                    format!("{key} [schema, null] -> that schema, nullable")
                }
                _ => {
                    let n = rest.len();
                    map.insert(key.into(), Value::Sequence(rest));
                    format!("{key}: null variant dropped ({n} left), nullable")
                }
            };
            changes.push(format!("{at}: {what}"));
        }
    });
    RuleReport::new("openapi31_null_variants", changes)
}

/// Rule: a `type` list becomes one `type`: `"null"` in it makes the schema
/// `nullable` (and leaves an `enum`, where 3.0 says nullable already), a
/// lone `["X"]` is `X`, and several other types become an `anyOf` of one
/// schema per type.
pub fn type_arrays(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
        let types: Vec<String> = match map.get("type") {
            Some(Value::Sequence(list)) => list.iter().filter_map(Value::as_str).map(str::to_string).collect(),
            Some(Value::String(s)) if s == "null" => vec!["null".to_string()],
            _ => return,
        };
        let nullable = types.iter().any(|t| t == "null");
        let others: Vec<&String> = types.iter().filter(|t| *t != "null").collect();
        map.remove("type");
        if nullable {
            map.insert("nullable".into(), Value::Bool(true));
            if let Some(Value::Sequence(values)) = map.get_mut("enum") {
                values.retain(|v| !v.is_null());
            }
        }
        match others.as_slice() {
            [] => {}
            [one] => {
                map.insert("type".into(), Value::String((*one).clone()));
            }
            many => {
                let variants = many
                    .iter()
                    .map(|t| {
                        let mut m = Mapping::new();
                        m.insert("type".into(), Value::String((*t).clone()));
                        Value::Mapping(m)
                    })
                    .collect();
                map.insert("anyOf".into(), Value::Sequence(variants));
            }
        }
        let quoted: Vec<String> = types.iter().map(|t| format!("{t:?}")).collect();
        let after = match others.as_slice() {
            [] => "no type".to_string(),
            [one] => one.to_string(),
            _ => "anyOf one schema per type".to_string(),
        };
        changes.push(format!(
            "{at}: type [{}] -> {after}{}",
            quoted.join(", "),
            if nullable { ", nullable" } else { "" }
        ));
    });
    RuleReport::new("openapi31_type_arrays", changes)
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
pub fn ref_siblings(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
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
    });
    RuleReport::new("openapi31_ref_siblings", changes)
}

/// Rule: `const: v` becomes `enum: [v]`.
pub fn const_values(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
        if let Some(value) = map.remove("const") {
            let shown = serde_json::to_string(&value).unwrap_or_default();
            map.insert("enum".into(), Value::Sequence(vec![value]));
            changes.push(format!("{at}: const {shown} -> enum [{shown}]"));
        }
    });
    RuleReport::new("openapi31_const_values", changes)
}

/// Rule: a schema's `examples` list becomes `example`, its first item (3.0
/// has one example per schema; the rest are dropped and counted).
pub fn schema_examples(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
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
    });
    RuleReport::new("openapi31_schema_examples", changes)
}

/// Rule: a numeric `exclusiveMinimum: n` becomes `minimum: n,
/// exclusiveMinimum: true` (and the same for the maximum).
pub fn exclusive_bounds(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            let Some(Value::Number(n)) = map.get(exclusive) else {
                continue;
            };
            let n = n.clone();
            map.insert(bound.into(), Value::Number(n.clone()));
            map.insert(exclusive.into(), Value::Bool(true));
            changes.push(format!("{at}: {exclusive} {n} -> {bound} {n}, {exclusive} true"));
        }
    });
    RuleReport::new("openapi31_exclusive_bounds", changes)
}

/// Rule: a string with `contentEncoding: base64` is `format: byte`, and one
/// with `contentMediaType` (the content itself, not encoded) is a file,
/// `format: binary`, so that a multipart part of that schema is a file part
/// and a list of them a list of file parts.
pub fn content_media_type(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
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
    });
    RuleReport::new("openapi31_content_media_type", changes)
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
pub fn drop_schema_keywords(doc: &mut Value) -> RuleReport {
    let changes = each_schema(doc, |at, map, changes| {
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
    });
    RuleReport::new("openapi31_drop_schema_keywords", changes)
}

/// Rule: the document declares `openapi: 3.0.3`, the 3.0 it now is, and
/// gets an empty `paths` where it had none (3.1 allows a document of
/// webhooks or components only).
pub fn declare_3_0(doc: &mut Value) -> RuleReport {
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
    RuleReport::new("openapi31_declare_3_0", changes)
}

#[cfg(test)]
mod tests {
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
        let report = drop_document_fields(&mut d);
        assert_eq!(
            report.changes,
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
    fn boolean_schemas_become_schemas() {
        let mut d = doc("{properties: {a: true, b: false}, additionalProperties: false}");
        let report = boolean_schemas(&mut d);
        assert_eq!(report.changes.len(), 2);
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{},"b":{"not":{}}},"additionalProperties":false}"#
        );
    }

    #[test]
    fn defs_move_to_components_and_references_follow() {
        let mut d =
            doc("{properties: {a: {$ref: '#/components/schemas/S/$defs/Inner'}}, $defs: {Inner: {type: string}}}");
        let report = move_defs(&mut d);
        assert_eq!(
            report.changes,
            vec!["/components/schemas/S/$defs/Inner -> /components/schemas/Inner"]
        );
        assert_eq!(
            schema(&d),
            r##"{"properties":{"a":{"$ref":"#/components/schemas/Inner"}}}"##
        );
        assert_eq!(d["components"]["schemas"]["Inner"]["type"], Value::from("string"));
    }

    #[test]
    fn null_variants_make_the_schema_nullable() {
        let mut d = doc(
            "{properties: {r: {anyOf: [{$ref: '#/components/schemas/T'}, {type: 'null'}], description: d}, \
             i: {anyOf: [{type: integer, minimum: 1}, {type: 'null'}]}, \
             m: {oneOf: [{type: integer}, {type: string}, {type: 'null'}]}}}",
        );
        let report = null_variants(&mut d);
        assert_eq!(
            report.changes,
            vec![
                "/components/schemas/S/properties/r: anyOf [$ref, null] -> allOf [$ref], nullable",
                "/components/schemas/S/properties/i: anyOf [schema, null] -> that schema, nullable",
                "/components/schemas/S/properties/m: oneOf: null variant dropped (2 left), nullable",
            ]
        );
        assert_eq!(
            schema(&d),
            r##"{"properties":{"r":{"nullable":true,"description":"d","allOf":[{"$ref":"#/components/schemas/T"}]},"i":{"nullable":true,"type":"integer","minimum":1},"m":{"oneOf":[{"type":"integer"},{"type":"string"}],"nullable":true}}}"##
        );
    }

    #[test]
    fn type_lists_become_one_type() {
        let mut d = doc(
            "{properties: {a: {type: [string, 'null'], enum: [x, null]}, b: {type: [integer]}, c: {type: [string, integer]}}}",
        );
        let report = type_arrays(&mut d);
        assert_eq!(
            report.changes,
            vec![
                "/components/schemas/S/properties/a: type [\"string\", \"null\"] -> string, nullable",
                "/components/schemas/S/properties/b: type [\"integer\"] -> integer",
                "/components/schemas/S/properties/c: type [\"string\", \"integer\"] -> anyOf one schema per type",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{"enum":["x"],"nullable":true,"type":"string"},"b":{"type":"integer"},"c":{"anyOf":[{"type":"string"},{"type":"integer"}]}}}"#
        );
    }

    #[test]
    fn ref_siblings_keep_their_meaning() {
        let mut d = doc(
            "{properties: {a: {$ref: '#/components/schemas/T', description: d}, b: {$ref: '#/components/schemas/T', default: x}}}",
        );
        let report = ref_siblings(&mut d);
        assert_eq!(
            report.changes,
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
            const_values(&mut d).changes,
            vec!["/components/schemas/S: const 3 -> enum [3]"]
        );
        assert_eq!(
            schema_examples(&mut d).changes,
            vec!["/components/schemas/S: examples -> example (the first of 2)"]
        );
        assert_eq!(exclusive_bounds(&mut d).changes.len(), 2);
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
        let report = content_media_type(&mut d);
        assert_eq!(
            report.changes,
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
        let report = drop_schema_keywords(&mut d);
        assert_eq!(
            report.changes,
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
            declare_3_0(&mut d).changes,
            vec!["openapi 3.1.0 -> 3.0.3", "no paths -> empty paths"]
        );
        assert_eq!(d["openapi"], Value::from("3.0.3"));
    }
}
