//! Component schemas whose names are one Rust name (`FileDTO` beside
//! `FileDto`, `user-id` beside `UserId`): typify names each type after its
//! schema, so both would be defined under one name and the crate would not
//! compile (`error[E0428]`).

use std::collections::HashSet;

use serde_yaml::Value;

use super::refs::components_schemas;
use super::tree::{self, key_text};
use crate::names::{self, Case};
use crate::rules::{Changes, Context};

/// The local reference to the component schema `name`.
fn reference(name: &str) -> String {
    format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"))
}

/// Rule: a component schema whose Rust name an earlier one has is renamed
/// to a free one (`FileDTO` after `FileDto` becomes `FileDto2`), and every
/// `$ref` and discriminator mapping that names it follows.
pub fn schema_names_apart_in_rust(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = tree::get(doc, "components")
        .and_then(|c| tree::get(c, "schemas"))
        .and_then(Value::as_mapping)
    else {
        return Vec::new();
    };
    let keys: Vec<String> = schemas.keys().map(key_text).collect();
    let mut taken: HashSet<String> = HashSet::new();
    let all_rust: HashSet<String> = keys.iter().map(|k| names::typify(k, Case::Pascal)).collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    for key in &keys {
        let rust = names::typify(key, Case::Pascal);
        if taken.insert(rust.clone()) {
            continue;
        }
        let free = (2..)
            .map(|i| format!("{rust}{i}"))
            .find(|n| !taken.contains(n) && !all_rust.contains(n) && !keys.contains(n))
            .expect("some name is free");
        taken.insert(free.clone());
        renames.push((key.clone(), free));
    }
    if renames.is_empty() {
        return Vec::new();
    }
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for (old, new) in &renames {
        let Some(schema) = schemas
            .iter()
            .find(|(k, _)| key_text(k) == *old)
            .map(|(k, _)| k.clone())
            .and_then(|k| schemas.shift_remove(&k))
        else {
            continue;
        };
        schemas.insert(new.clone().into(), schema);
        changes.push(format!(
            "schema `{old}` is `{new}` (typify would name it `{}` as well as an earlier schema)",
            names::typify(old, Case::Pascal)
        ));
    }
    let moved: Vec<(String, String)> = renames.iter().map(|(o, n)| (reference(o), reference(n))).collect();
    let follow = |target: &str| moved.iter().find(|(o, _)| o == target).map(|(_, n)| n.clone());
    tree::rewrite_references(doc, &mut |t| follow(t));
    rewrite_mappings(doc, &follow);
    changes
}

/// Where an inline schema that typify names after its place is: the
/// component, its property, and whether it is the property's `items`.
struct Inline {
    component: String,
    property: String,
    items: bool,
    name: String,
}

/// Whether typify makes a type of its own, named after the place, for the
/// inline schema `v`: an enum, an object with properties, a union or an
/// intersection of several. A wrapper (`anyOf: [$ref]`, nullable) or a
/// plain string or number is no type of its own, so it cannot clash.
fn makes_a_named_type(v: &Value) -> bool {
    if !v.is_mapping() || tree::get(v, "$ref").is_some() || tree::get(v, "title").is_some() {
        return false;
    }
    // Members that only annotate (`allOf: [$ref, {description}]`, as AWS
    // writes a documented reference) make no type.
    const ANNOTATIONS: [&str; 8] = [
        "description",
        "title",
        "example",
        "examples",
        "deprecated",
        "readOnly",
        "writeOnly",
        "nullable",
    ];
    let substantive = |m: &Value| {
        m.as_mapping()
            .is_some_and(|m| m.keys().any(|k| !ANNOTATIONS.contains(&key_text(k).as_str())))
    };
    // Several members are a type; one is, if it is one itself (Box's
    // `allOf: [{oneOf: [...]}, {description}]`).
    let composes = |key: &str| {
        let members: Vec<&Value> = tree::get(v, key)
            .and_then(Value::as_sequence)
            .map(|s| s.iter().filter(|m| substantive(m)).collect())
            .unwrap_or_default();
        members.len() > 1 || members.first().is_some_and(|m| makes_a_named_type(m))
    };
    tree::get(v, "enum").is_some()
        || tree::get(v, "properties")
            .and_then(Value::as_mapping)
            .is_some_and(|p| !p.is_empty())
        || composes("oneOf")
        || composes("anyOf")
        || composes("allOf")
}

/// The inline property schemas (and property `items`) of the components
/// whose typify names (`{Component}{Property}`, `…Item`) a component has.
fn clashing_inlines(schemas: &serde_yaml::Mapping, rust: &HashSet<String>) -> Vec<Inline> {
    let mut out = Vec::new();
    for (key, schema) in schemas {
        let component = key_text(key);
        let parent = names::typify(&component, Case::Pascal);
        let Some(properties) = tree::get(schema, "properties").and_then(Value::as_mapping) else {
            continue;
        };
        for (prop, sub) in properties {
            let property = key_text(prop);
            let inline = makes_a_named_type;
            let name = names::typify(&format!("{parent}_{property}"), Case::Pascal);
            if inline(sub) && rust.contains(&name) {
                out.push(Inline {
                    component: component.clone(),
                    property: property.clone(),
                    items: false,
                    name,
                });
            } else if tree::get(sub, "items").is_some_and(inline) {
                let name = names::typify(&format!("{parent}_{property}_item"), Case::Pascal);
                if rust.contains(&name) {
                    out.push(Inline {
                        component: component.clone(),
                        property,
                        items: true,
                        name,
                    });
                }
            }
        }
    }
    out
}

/// Rule: an inline schema of a component's property (or of its `items`)
/// whose typify name another component has (`Classification.template`
/// is `ClassificationTemplate`, beside the component of that name) moves
/// into the components under a free name (`ClassificationTemplate2`) and
/// is referred to there; typify would define both under one name.
pub fn inline_names_apart_from_components(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = tree::get(doc, "components")
        .and_then(|c| tree::get(c, "schemas"))
        .and_then(Value::as_mapping)
    else {
        return Vec::new();
    };
    let mut taken: HashSet<String> = schemas
        .keys()
        .map(|k| names::typify(&key_text(k), Case::Pascal))
        .collect();
    let clashes = clashing_inlines(schemas, &taken);
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for clash in clashes {
        let free = (2..)
            .map(|i| format!("{}{i}", clash.name))
            .find(|n| !taken.contains(n))
            .expect("some name is free");
        taken.insert(free.clone());
        let Some(slot) = schemas
            .iter_mut()
            .find(|(k, _)| key_text(k) == clash.component)
            .and_then(|(_, s)| tree::get_mut(s, "properties"))
            .and_then(|p| tree::get_mut(p, &clash.property))
            .and_then(|p| {
                if clash.items {
                    tree::get_mut(p, "items")
                } else {
                    Some(p)
                }
            })
        else {
            continue;
        };
        let mut reference = serde_yaml::Mapping::new();
        reference.insert("$ref".into(), self::reference(&free).into());
        let schema = std::mem::replace(slot, Value::Mapping(reference));
        schemas.insert(free.clone().into(), schema);
        let place = if clash.items { "its items" } else { "its schema" };
        changes.push(format!(
            "{}.{}: {place} -> components.schemas.{free} (typify would name it {}, a component's name)",
            clash.component, clash.property, clash.name
        ));
    }
    changes
}

/// The first two properties of `schema` that typify would give one field
/// name (`prefs/background` and `prefs_background`, `_id` and `id`), with
/// that name. A `required` name that is not among the properties is one
/// too: typify declares it, as any JSON.
fn clashing_fields(schema: &Value) -> Option<(String, String, String)> {
    let properties = tree::get(schema, "properties")?.as_mapping()?;
    let mut keys: Vec<String> = properties.keys().map(key_text).collect();
    let required = tree::get(schema, "required").and_then(Value::as_sequence);
    for name in required.into_iter().flatten().filter_map(Value::as_str) {
        if !keys.iter().any(|k| k == name) {
            keys.push(name.to_string());
        }
    }
    let mut seen: std::collections::HashMap<String, String> = std::collections::HashMap::new();
    for key in keys {
        let field = names::typify(&key, Case::Snake);
        if let Some(first) = seen.get(&field) {
            return Some((first.clone(), key, field));
        }
        seen.insert(field, key);
    }
    None
}

/// Rule: an object schema two of whose properties are one Rust field name
/// (`prefs/background` beside `prefs_background`) becomes any JSON, its
/// description kept: typify would declare the field twice, and renaming
/// either would change what goes on the wire.
pub fn property_names_apart_in_rust(doc: &mut Value, ctx: &mut Context) -> Changes {
    let mut degraded = Vec::new();
    tree::visit_document_schemas(doc, &mut |at, schema| {
        let Some((first, second, field)) = clashing_fields(schema) else {
            return;
        };
        let mut any = serde_yaml::Mapping::new();
        if let Some(description) = tree::get(schema, "description").cloned() {
            any.insert("description".into(), description);
        }
        *schema = Value::Mapping(any);
        let reason = format!("properties `{first}` and `{second}` are one Rust field, `{field}`");
        degraded.push((at.to_string(), reason));
    });
    let mut changes = Vec::new();
    for (at, reason) in degraded {
        changes.push(format!("{at}: any JSON ({reason})"));
        ctx.type_as_any(&at, &reason);
    }
    changes
}

/// Rewrites the values of every `discriminator.mapping` with `f`.
fn rewrite_mappings(value: &mut Value, f: &dyn Fn(&str) -> Option<String>) {
    match value {
        Value::Mapping(map) => {
            for (k, v) in map.iter_mut() {
                if key_text(k) == "discriminator"
                    && let Some(mapping) = tree::get_mut(v, "mapping").and_then(Value::as_mapping_mut)
                {
                    for (_, target) in mapping.iter_mut() {
                        if let Some(new) = target.as_str().and_then(f) {
                            *target = Value::String(new);
                        }
                    }
                } else {
                    rewrite_mappings(v, f);
                }
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|v| rewrite_mappings(v, f)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_one_rust_name_apart_are_renamed_and_followed() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
paths:
  /files:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/FileDTO"}
components:
  schemas:
    FileDto: {type: object, properties: {id: {type: string}}}
    FileDTO:
      type: object
      properties: {name: {type: string}}
    FileDto2: {type: string}
    Any:
      oneOf: [{$ref: "#/components/schemas/FileDTO"}]
      discriminator:
        propertyName: kind
        mapping: {file: "#/components/schemas/FileDTO"}
"##,
        )
        .unwrap();
        let changes = schema_names_apart_in_rust(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec!["schema `FileDTO` is `FileDto3` (typify would name it `FileDto` as well as an earlier schema)"]
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let keys: Vec<String> = schemas.as_mapping().unwrap().keys().map(key_text).collect();
        assert_eq!(keys, ["FileDto", "FileDto2", "Any", "FileDto3"]);
        let text = serde_json::to_string(&doc).unwrap();
        assert!(!text.contains("FileDTO"), "every reference follows: {text}");
        assert_eq!(text.matches("#/components/schemas/FileDto3").count(), 3);
    }

    #[test]
    fn inline_schemas_named_like_a_component_move_into_the_components() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    ClassificationTemplate: {type: object, properties: {type: {type: string}}}
    Classification:
      type: object
      properties:
        template: {type: string, enum: [a, b]}
        tags: {type: array, items: {type: object, properties: {x: {type: string}}}}
        other: {type: string, enum: [c]}
        wrapped: {anyOf: [{$ref: "#/components/schemas/ClassificationTemplate"}], nullable: true}
        documented: {allOf: [{$ref: "#/components/schemas/ClassificationTemplate"}, {description: A template.}]}
        source: {allOf: [{oneOf: [{$ref: "#/components/schemas/A"}, {$ref: "#/components/schemas/B"}]}, {description: Who.}]}
        titled: {title: Named, type: string, enum: [d]}
    ClassificationTagsItem: {type: string}
    ClassificationTitled: {type: string}
    ClassificationWrapped: {type: string}
    ClassificationDocumented: {type: string}
    ClassificationSource: {type: string}
"##,
        )
        .unwrap();
        let changes = inline_names_apart_from_components(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "Classification.template: its schema -> components.schemas.ClassificationTemplate2 (typify would name it ClassificationTemplate, a component's name)",
                "Classification.tags: its items -> components.schemas.ClassificationTagsItem2 (typify would name it ClassificationTagsItem, a component's name)",
                "Classification.source: its schema -> components.schemas.ClassificationSource2 (typify would name it ClassificationSource, a component's name)",
            ]
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let properties = tree::get(tree::get(schemas, "Classification").unwrap(), "properties").unwrap();
        assert_eq!(
            tree::get_str(tree::get(properties, "template").unwrap(), "$ref"),
            Some("#/components/schemas/ClassificationTemplate2")
        );
        let moved = tree::get(schemas, "ClassificationTemplate2").unwrap();
        assert_eq!(tree::get_str(moved, "type"), Some("string"), "the schema itself moved");
        assert!(
            tree::get(tree::get(properties, "other").unwrap(), "enum").is_some(),
            "no clash, left inline"
        );
        assert!(
            tree::get(tree::get(properties, "titled").unwrap(), "enum").is_some(),
            "a title names it"
        );
        assert!(
            tree::get(tree::get(properties, "wrapped").unwrap(), "anyOf").is_some(),
            "a wrapper is no type of its own"
        );
        assert!(
            tree::get(tree::get(properties, "documented").unwrap(), "allOf").is_some(),
            "nor is a documented reference"
        );
    }

    #[test]
    fn objects_with_two_properties_of_one_field_name_become_any_json() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    Board:
      description: A board.
      type: object
      properties:
        prefs/background: {type: string}
        prefs_background: {type: string}
    Fine: {type: object, properties: {id: {type: string}, name: {type: string}}, required: [id]}
    Newsletter: {type: object, properties: {_id: {type: string}}, required: [id]}
"##,
        )
        .unwrap();
        let mut ctx = Context::default();
        let changes = property_names_apart_in_rust(&mut doc, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "/components/schemas/Board: any JSON (properties `prefs/background` and `prefs_background` are one Rust field, `prefs_background`)",
                "/components/schemas/Newsletter: any JSON (properties `_id` and `id` are one Rust field, `id`)",
            ]
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let board = tree::get(schemas, "Board").unwrap();
        assert_eq!(tree::get_str(board, "description"), Some("A board."));
        assert!(tree::get(board, "properties").is_none());
        assert!(tree::get(tree::get(schemas, "Fine").unwrap(), "properties").is_some());
        assert_eq!(ctx.untyped.len(), 2, "named among the schemas typed as any JSON");
    }

    #[test]
    fn distinct_rust_names_are_left_alone() {
        let mut doc: Value =
            serde_yaml::from_str("components: {schemas: {A: {type: string}, B: {type: string}}}").unwrap();
        let before = doc.clone();
        assert!(schema_names_apart_in_rust(&mut doc, &mut Context::default()).is_empty());
        assert_eq!(doc, before);
    }
}
