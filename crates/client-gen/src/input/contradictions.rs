//! Schemas that say two things no value can be at once, where the spec
//! plainly means one of them.

use std::collections::HashMap;

use serde_yaml::Value;

use super::merged_names::component_of;
use super::refs::component_schemas;
use super::tree::{self, each_schema, key_text};
use crate::rules::{Changes, Context};

/// The JSON type a schema says its values have: its `type`, or, for an
/// `enum` without one, the type all its values share.
fn stated_type(schema: &Value) -> Option<String> {
    if let Some(kind) = tree::get_str(schema, "type") {
        return Some(kind.to_string());
    }
    let values = tree::get(schema, "enum")?.as_sequence()?;
    let kind = |v: &Value| match v {
        Value::String(_) => Some("string"),
        Value::Bool(_) => Some("boolean"),
        Value::Number(_) => Some("number"),
        _ => None,
    };
    let first = kind(values.first()?)?;
    values.iter().all(|v| kind(v) == Some(first)).then(|| first.to_string())
}

/// Rule: an object schema without properties of its own whose `oneOf` or
/// `anyOf` members are none of them objects (Channel 4's `ContentTypeType`,
/// `type: object` beside `oneOf: [a string enum, a string]`) loses its
/// `type` and `additionalProperties`: as written no value fits it, and
/// typify makes a type no value can be; the members say what it is.
pub fn types_the_members_have(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let components: HashMap<String, Option<String>> = component_schemas(doc)
        .map(|m| m.iter().map(|(k, v)| (key_text(k), stated_type(v))).collect())
        .unwrap_or_default();
    let member_type = |m: &Value| match tree::get_str(m, "$ref") {
        Some(target) => component_of(target)
            .and_then(|name| components.get(&name).cloned())
            .flatten(),
        None => stated_type(m),
    };
    each_schema(doc, |at, map, changes| {
        if map.get("type").and_then(Value::as_str) != Some("object")
            || map
                .get("properties")
                .and_then(Value::as_mapping)
                .is_some_and(|p| !p.is_empty())
        {
            return;
        }
        let Some((word, members)) = ["oneOf", "anyOf"]
            .iter()
            .find_map(|w| map.get(*w).and_then(Value::as_sequence).map(|m| (*w, m)))
        else {
            return;
        };
        let kinds: Vec<Option<String>> = members.iter().map(member_type).collect();
        if kinds.is_empty() || kinds.iter().any(|k| k.as_deref().is_none_or(|k| k == "object")) {
            return;
        }
        map.remove("type");
        map.remove("additionalProperties");
        map.remove("properties");
        let mut kinds: Vec<String> = kinds.into_iter().flatten().collect();
        kinds.dedup();
        changes.push(format!(
            "{at}: type object dropped (no member of its {word} is one: {})",
            kinds.join(", ")
        ));
    })
}

/// Rule: a number's `default` outside its own `minimum`/`maximum`
/// (CloudRF's `mod`: `minimum: 1`, `default: 0`) is dropped: no value of
/// the schema is it, and typify would type the field `NonZeroU32` and
/// default it with `Default`, which that type lacks.
pub fn defaults_within_bounds(doc: &mut Value, _ctx: &mut Context) -> Changes {
    each_schema(doc, |at, map, changes| {
        let number = |k: &str| map.get(k).and_then(Value::as_f64);
        let Some(default) = number("default") else {
            return;
        };
        let exclusive = |k: &str| map.get(k).and_then(Value::as_bool) == Some(true);
        let below =
            number("minimum").is_some_and(|min| default < min || (exclusive("exclusiveMinimum") && default == min));
        let above =
            number("maximum").is_some_and(|max| default > max || (exclusive("exclusiveMaximum") && default == max));
        if below || above {
            let bound = if below { "minimum" } else { "maximum" };
            map.remove("default");
            changes.push(format!("{at}: default {default} dropped (outside its {bound})"));
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_outside_the_bounds_are_dropped() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    Output:
      type: object
      properties:
        mod: {type: integer, format: int32, minimum: 1, maximum: 11, default: 0}
        ber: {type: integer, minimum: 1, default: 1}
        gain: {type: number, maximum: 10, exclusiveMaximum: true, default: 10}
        col: {type: string, default: "5"}
"##,
        )
        .unwrap();
        let changes = defaults_within_bounds(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/components/schemas/Output/properties/mod: default 0 dropped (outside its minimum)",
                "/components/schemas/Output/properties/gain: default 10 dropped (outside its maximum)",
            ],
            "a default on its bound, and a string's, stay"
        );
    }

    #[test]
    fn an_object_type_no_member_has_is_dropped() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    ContentTypeType:
      additionalProperties: false
      type: object
      oneOf: [{$ref: "#/components/schemas/TextTypeType"}, {$ref: "#/components/schemas/MimeType"}]
    TextTypeType: {enum: [text, html, xhtml]}
    MimeType: {type: string, pattern: "(application|text)/.+"}
    Shape:
      type: object
      oneOf: [{$ref: "#/components/schemas/Circle"}, {type: string}]
    Circle: {type: object, properties: {r: {type: number}}}
    Named:
      type: object
      properties: {name: {type: string}}
      anyOf: [{type: string}]
"##,
        )
        .unwrap();
        let changes = types_the_members_have(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec!["/components/schemas/ContentTypeType: type object dropped (no member of its oneOf is one: string)"],
            "an object member, or properties of its own, keep the type"
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let fixed = tree::get(schemas, "ContentTypeType").unwrap();
        assert!(tree::get(fixed, "type").is_none() && tree::get(fixed, "additionalProperties").is_none());
        assert!(tree::get(fixed, "oneOf").is_some(), "the members stay");
        assert_eq!(
            tree::get_str(tree::get(schemas, "Shape").unwrap(), "type"),
            Some("object")
        );
    }
}
