//! JSON Schema shapes that OpenAPI 3.0 spells otherwise, or not at all,
//! written in documents of every version (3.1 allows them; vendors' 3.0
//! and 2.0 documents use them anyway): boolean schemas, `type` lists and
//! `"null"`, null variants, numeric exclusive bounds, tuple `items`, and
//! integers beyond 64 bits. Each rule rewrites the tree into the 3.0 form
//! that means the same and reports every place it touched.

use serde_yaml::{Mapping, Value};

use super::tree::{self, each_schema, get, visit_document_schemas};
use crate::rules::{Changes, Context};

/// Rule: a boolean schema becomes its 3.0 form: `true` (anything) the
/// empty schema, `false` (nothing) `not: {}`. `additionalProperties: false`
/// is 3.0 already and stays.
pub fn boolean_schemas(doc: &mut Value, _ctx: &mut Context) -> Changes {
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
    changes
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
pub fn null_variants(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
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
    })
}

/// Rule: a `type` list becomes one `type`: `"null"` in it makes the schema
/// `nullable` (and leaves an `enum`, where 3.0 says nullable already), a
/// lone `["X"]` is `X`, and several other types become an `anyOf` of one
/// schema per type.
pub fn type_lists(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
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
    })
}

/// Rule: a numeric `exclusiveMinimum: n` becomes `minimum: n,
/// exclusiveMinimum: true` (and the same for the maximum).
pub fn exclusive_bounds(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
            let Some(Value::Number(n)) = map.get(exclusive) else {
                continue;
            };
            let n = n.clone();
            map.insert(bound.into(), Value::Number(n.clone()));
            map.insert(exclusive.into(), Value::Bool(true));
            changes.push(format!("{at}: {exclusive} {n} -> {bound} {n}, {exclusive} true"));
        }
    })
}

/// Rule: a JSON Schema tuple, `items: [A, B]`, becomes one `items`
/// schema: the one schema when every position has it, else `anyOf` of
/// them (an array of any of those; 3.0 cannot say which position holds
/// which). An empty list allows anything.
pub fn tuple_items(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let Some(Value::Sequence(items)) = map.get("items") else {
            return;
        };
        let mut distinct: Vec<Value> = Vec::new();
        for item in items {
            if !distinct.contains(item) {
                distinct.push(item.clone());
            }
        }
        let n = items.len();
        let (items, what) = match distinct.len() {
            0 => (tree::mapping(), "any item".to_string()),
            1 => (distinct.remove(0), "that schema".to_string()),
            k => {
                let mut any = Mapping::new();
                any.insert("anyOf".into(), Value::Sequence(distinct));
                (Value::Mapping(any), format!("anyOf of its {k} schemas"))
            }
        };
        map.insert("items".into(), items);
        changes.push(format!("{at}: items, a tuple of {n} -> items: {what}"));
    })
}

/// The keywords that only strings have, and the ones only numbers have.
const STRING_WORDS: [&str; 3] = ["pattern", "minLength", "maxLength"];
const NUMBER_WORDS: [&str; 5] = [
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
];

/// The type a schema without `type` means by its keywords (`format:
/// double`, `pattern`), and the keywords of another type it holds too.
fn implied_type(map: &Mapping) -> Option<(&'static str, Vec<&'static str>)> {
    const STRUCTURE: [&str; 9] = [
        "type",
        "$ref",
        "allOf",
        "anyOf",
        "oneOf",
        "not",
        "enum",
        "properties",
        "items",
    ];
    if STRUCTURE.iter().any(|k| map.contains_key(*k)) {
        return None;
    }
    let has = |words: &[&'static str]| -> Vec<&'static str> {
        words.iter().copied().filter(|w| map.contains_key(*w)).collect()
    };
    let (strings, numbers) = (has(&STRING_WORDS), has(&NUMBER_WORDS));
    let format = map.get("format").and_then(Value::as_str);
    let kind = match format {
        Some("int32" | "int64") => "integer",
        Some("float" | "double" | "decimal") => "number",
        Some(_) => "string",
        None if !strings.is_empty() => "string",
        None if !numbers.is_empty() => "number",
        None => return None,
    };
    let other = if kind == "string" { numbers } else { strings };
    Some((kind, other))
}

/// Rule: a schema without `type` whose keywords say one (`format: double`
/// and bounds; `pattern` or a string format) gets that `type`, and
/// keywords of another type beside them are dropped, each named: typify
/// `todo!`s on a schema of no type with such keywords.
pub fn implied_types(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let Some((kind, other)) = implied_type(map) else { return };
        for word in &other {
            map.remove(*word);
        }
        map.insert("type".into(), kind.into());
        let dropped = if other.is_empty() {
            String::new()
        } else {
            format!(" ({} dropped)", other.join(", "))
        };
        changes.push(format!("{at}: no type -> {kind}, as its keywords say{dropped}"));
    })
}

/// `value` as a value of the JSON type `kind`, when it is written as
/// another (`"4"` for an integer, `4` for a string).
fn of_type(value: &Value, kind: &str) -> Option<Value> {
    match (kind, value) {
        ("integer", Value::String(s)) => s.trim().parse::<i64>().ok().map(Value::from),
        ("number", Value::String(s)) => s.trim().parse::<f64>().ok().filter(|f| f.is_finite()).map(Value::from),
        ("string", Value::Number(n)) => Some(Value::String(n.to_string())),
        ("string", Value::Bool(b)) => Some(Value::String(b.to_string())),
        ("boolean", Value::String(s)) => match s.trim() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        ("integer", Value::Number(n)) if n.as_i64().is_none() && n.as_u64().is_none() => n
            .as_f64()
            .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
            .map(|f| Value::from(f as i64)),
        _ => None,
    }
}

/// Whether `value` is a JSON value of the type `kind` (null counts: a
/// nullable schema takes it).
fn is_of_type(value: &Value, kind: &str) -> bool {
    match (kind, value) {
        (_, Value::Null) => true,
        ("integer", Value::Number(n)) => n.as_i64().is_some() || n.as_u64().is_some(),
        ("number", Value::Number(_)) | ("string", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
        ("integer" | "number" | "string" | "boolean", _) => false,
        _ => true,
    }
}

/// A `default` of another type than its schema's: written as the schema's
/// type, or (when it is no such value) dropped. Returns the change.
fn default_of_its_type(map: &mut Mapping, kind: &str, at: &str) -> Option<String> {
    let default = map.get("default")?;
    if is_of_type(default, kind) {
        return None;
    }
    let shown = serde_json::to_string(default).unwrap_or_default();
    Some(match of_type(default, kind) {
        Some(typed) => {
            map.insert("default".into(), typed);
            format!("{at}: default {shown} written as a {kind}")
        }
        None => {
            map.remove("default");
            format!("{at}: default {shown} dropped (it is no {kind})")
        }
    })
}

/// Rule: `enum` values and a `default` of an integer, number, string or
/// boolean schema written as another type (`type: integer, enum: ["0",
/// "1"]`; `type: boolean, default: "true"`) are written as the schema's
/// type, where they are one; typify refuses values that do not conform. A
/// default that is no such value is dropped. Values that are no such value are
/// left for the next rules to degrade. An array's `enum` of values (which
/// its items take) becomes its items' `enum`.
pub fn values_of_their_type(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let Some(kind) = map.get("type").and_then(Value::as_str).map(str::to_string) else {
            return;
        };
        changes.extend(default_of_its_type(map, &kind, at));
        if kind == "array"
            && let Some(Value::Mapping(items)) = map.get("items")
            && !items.contains_key("enum")
            && let Some(values) = map.remove("enum")
        {
            let n = values.as_sequence().map_or(0, Vec::len);
            if let Some(Value::Mapping(items)) = map.get_mut("items") {
                items.insert("enum".into(), values);
            }
            changes.push(format!(
                "{at}: the {n} enum values of an array -> the enum of its items"
            ));
            return;
        }
        let Some(Value::Sequence(values)) = map.get_mut("enum") else {
            return;
        };
        let mut changed = 0;
        for value in values.iter_mut() {
            if let Some(typed) = of_type(value, &kind) {
                *value = typed;
                changed += 1;
            }
        }
        if changed > 0 {
            changes.push(format!("{at}: {changed} enum values written as {kind}s"));
        }
    })
}

/// Rule: a `format` on a schema of type `object`, `array` or `boolean` is
/// dropped: JSON Schema gives `format` a meaning for strings and numbers
/// only, and typify `todo!`s on it there (`type: object, format: metadata`).
pub fn format_only_on_strings_and_numbers(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let kind = map.get("type").and_then(Value::as_str).map(str::to_string);
        if let Some(kind @ ("object" | "array" | "boolean")) = kind.as_deref()
            && let Some(format) = map.remove("format")
        {
            changes.push(format!(
                "{at}: format {} dropped (type {kind})",
                tree::key_text(&format)
            ));
        }
    })
}

/// The 64-bit integer a bound means: `value` rounded into the range it
/// bounds (up for a minimum, down for a maximum) and clamped to `i64`.
fn integer_bound(value: &serde_yaml::Number, minimum: bool) -> Option<i64> {
    if value.as_i64().is_some() {
        return None;
    }
    if value.as_u64().is_some() {
        return Some(i64::MAX);
    }
    let f = value.as_f64()?;
    let rounded = if minimum { f.ceil() } else { f.floor() };
    // `as` saturates at the ends of the range, which is the clamp meant.
    Some(rounded as i64)
}

/// Rule: an integer schema's `minimum`, `maximum` and `multipleOf` that
/// are not 64-bit integers (JavaScript writes `i64::MIN` as
/// `-9223372036854776000`, one past the range; some specs write `1.5`)
/// become the nearest 64-bit integers inside the range they bound, which
/// is what they mean for a 64-bit value. A `multipleOf` that does not fit
/// is dropped.
pub fn numbers_in_64_bits(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        if map.get("type").and_then(Value::as_str) != Some("integer") {
            return;
        }
        for (key, minimum) in [("minimum", true), ("maximum", false)] {
            let Some(Value::Number(n)) = map.get(key) else { continue };
            if let Some(bound) = integer_bound(n, minimum) {
                changes.push(format!("{at}: {key} {n} -> {bound}"));
                map.insert(key.into(), Value::Number(bound.into()));
            }
        }
        if let Some(Value::Number(n)) = map.get("multipleOf")
            && n.as_i64().is_none()
        {
            changes.push(format!("{at}: multipleOf {n} dropped (not a 64-bit integer)"));
            map.remove("multipleOf");
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(schema: &str) -> Value {
        let text =
            format!("openapi: 3.1.0\ninfo: {{title: t, version: '1'}}\ncomponents:\n  schemas:\n    S: {schema}\n");
        crate::input::parse_tree(&text, "spec.yaml").unwrap()
    }

    fn schema(d: &Value) -> String {
        let s = &d["components"]["schemas"]["S"];
        serde_json::to_string(s).unwrap()
    }

    #[test]
    fn boolean_schemas_become_schemas() {
        let mut d = doc("{properties: {a: true, b: false}, additionalProperties: false}");
        let changes = boolean_schemas(&mut d, &mut Context::default());
        assert_eq!(changes.len(), 2);
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{},"b":{"not":{}}},"additionalProperties":false}"#
        );
    }

    #[test]
    fn null_variants_make_the_schema_nullable() {
        let mut d = doc(
            "{properties: {r: {anyOf: [{$ref: '#/components/schemas/T'}, {type: 'null'}], description: d}, \
             i: {anyOf: [{type: integer, minimum: 1}, {type: 'null'}]}, \
             m: {oneOf: [{type: integer}, {type: string}, {type: 'null'}]}}}",
        );
        let changes = null_variants(&mut d, &mut Context::default());
        assert_eq!(
            changes,
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
        let changes = type_lists(&mut d, &mut Context::default());
        assert_eq!(
            changes,
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
    fn tuples_become_one_items_schema() {
        let mut d = doc(
            "{properties: {a: {items: [{type: string}, {type: string}]}, b: {items: [{type: string}, {type: integer}]}, c: {items: []}}}",
        );
        let changes = tuple_items(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/a: items, a tuple of 2 -> items: that schema",
                "/components/schemas/S/properties/b: items, a tuple of 2 -> items: anyOf of its 2 schemas",
                "/components/schemas/S/properties/c: items, a tuple of 0 -> items: any item",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{"items":{"type":"string"}},"b":{"items":{"anyOf":[{"type":"string"},{"type":"integer"}]}},"c":{"items":{}}}}"#
        );
    }

    #[test]
    fn keywords_say_the_type_a_schema_has_none_of() {
        let mut d = doc(
            "{properties: {a: {format: double, maximum: 9.5, pattern: '^x$'}, b: {pattern: '^y$'}, c: {format: int64}, d: {description: any}}}",
        );
        let changes = implied_types(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/a: no type -> number, as its keywords say (pattern dropped)",
                "/components/schemas/S/properties/b: no type -> string, as its keywords say",
                "/components/schemas/S/properties/c: no type -> integer, as its keywords say",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{"format":"double","maximum":9.5,"type":"number"},"b":{"pattern":"^y$","type":"string"},"c":{"format":"int64","type":"integer"},"d":{"description":"any"}}}"#
        );
    }

    #[test]
    fn enum_values_take_their_schema_type() {
        let mut d = doc(
            "{properties: {a: {type: integer, enum: ['0', '1', x]}, b: {type: string, enum: [1, true, ok]}, c: {type: array, items: {type: string}, enum: [EU, US]}, d: {type: boolean, default: 'true'}, e: {type: integer, default: soon}}}",
        );
        let changes = values_of_their_type(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/a: 2 enum values written as integers",
                "/components/schemas/S/properties/b: 2 enum values written as strings",
                "/components/schemas/S/properties/c: the 2 enum values of an array -> the enum of its items",
                "/components/schemas/S/properties/d: default \"true\" written as a boolean",
                "/components/schemas/S/properties/e: default \"soon\" dropped (it is no integer)",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{"type":"integer","enum":[0,1,"x"]},"b":{"type":"string","enum":["1","true","ok"]},"c":{"type":"array","items":{"type":"string","enum":["EU","US"]}},"d":{"type":"boolean","default":true},"e":{"type":"integer"}}}"#
        );
    }

    #[test]
    fn formats_stay_on_strings_and_numbers() {
        let mut d = doc(
            "{type: object, format: metadata, properties: {n: {type: integer, format: int32}, b: {type: boolean, format: flag}}}",
        );
        let changes = format_only_on_strings_and_numbers(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S: format metadata dropped (type object)",
                "/components/schemas/S/properties/b: format flag dropped (type boolean)",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"type":"object","properties":{"n":{"type":"integer","format":"int32"},"b":{"type":"boolean"}}}"#
        );
    }

    #[test]
    fn integer_bounds_outside_64_bits_are_brought_inside() {
        let mut d = doc(
            "{properties: {a: {type: integer, minimum: -9223372036854776000, maximum: 9223372036854775808}, \
             b: {type: integer, minimum: 0.5, maximum: 9.5, multipleOf: 0.5}, c: {type: number, minimum: 0.5}}}",
        );
        let changes = numbers_in_64_bits(&mut d, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/S/properties/a: minimum -9.223372036854776e18 -> -9223372036854775808",
                "/components/schemas/S/properties/a: maximum 9223372036854775808 -> 9223372036854775807",
                "/components/schemas/S/properties/b: minimum 0.5 -> 1",
                "/components/schemas/S/properties/b: maximum 9.5 -> 9",
                "/components/schemas/S/properties/b: multipleOf 0.5 dropped (not a 64-bit integer)",
            ]
        );
        assert_eq!(
            schema(&d),
            r#"{"properties":{"a":{"type":"integer","minimum":-9223372036854775808,"maximum":9223372036854775807},"b":{"type":"integer","minimum":1,"maximum":9},"c":{"type":"number","minimum":0.5}}}"#
        );
    }
}
