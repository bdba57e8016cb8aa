//! Component schemas whose names are one Rust name (`FileDTO` beside
//! `FileDto`, `user-id` beside `UserId`): typify names each type after its
//! schema, so both would be defined under one name and the crate would not
//! compile (`error[E0428]`).

use std::collections::HashSet;

use serde_yaml::Value;

use super::refs::{component_schemas, components_schemas};
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
    let Some(schemas) = component_schemas(doc) else {
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
    rename_components(doc, &renames, &|old| {
        format!(
            "typify would name it `{}` as well as an earlier schema",
            names::typify(old, Case::Pascal)
        )
    })
}

/// Renames the component schemas `renames` (old key, new key) and makes
/// every `$ref` and discriminator mapping follow; one change each, `why`
/// giving its reason.
pub(super) fn rename_components(
    doc: &mut Value,
    renames: &[(String, String)],
    why: &dyn Fn(&str) -> String,
) -> Changes {
    if renames.is_empty() {
        return Vec::new();
    }
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for (old, new) in renames {
        let Some(schema) = schemas
            .iter()
            .find(|(k, _)| key_text(k) == *old)
            .map(|(k, _)| k.clone())
            .and_then(|k| schemas.shift_remove(&k))
        else {
            continue;
        };
        schemas.insert(new.clone().into(), schema);
        changes.push(format!("schema `{old}` is `{new}` ({})", why(old)));
    }
    let moved: Vec<(String, String)> = renames.iter().map(|(o, n)| (reference(o), reference(n))).collect();
    let follow = |target: &str| moved.iter().find(|(o, _)| o == target).map(|(_, n)| n.clone());
    tree::rewrite_references(doc, &mut |t| follow(t));
    rewrite_mappings(doc, &follow);
    changes
}

/// Where an inline schema that typify names after its place is: the
/// component, the steps to the property (`properties/x`, or through an
/// inline `allOf` member, `allOf/0/properties/x`), and whether it is the
/// property's `items`.
struct Inline {
    component: String,
    steps: Vec<String>,
    /// The property, or none for the component's own `items`.
    property: Option<String>,
    items: bool,
    name: String,
    /// The component the schema is a verbatim copy of, by its title.
    copy_of: Option<String>,
}

/// Keys that only annotate a schema: they change no type.
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

/// Whether typify makes a type of its own, named after the place, for the
/// inline schema `v`: an enum, an object with properties, a union or an
/// intersection of several. A wrapper (`anyOf: [$ref]`, nullable) or a
/// plain string or number is no type of its own, so it cannot clash.
fn makes_a_named_type(v: &Value) -> bool {
    tree::get(v, "title").is_none() && makes_a_type(v)
}

/// Whether typify makes a type of its own for `v`, however it names it:
/// an enum, an object with properties, a string with a length or a pattern
/// (a newtype), a union or an intersection of several.
fn makes_a_type(v: &Value) -> bool {
    if !v.is_mapping() || tree::get(v, "$ref").is_some() {
        return false;
    }
    // Members that only annotate (`allOf: [$ref, {description}]`, as AWS
    // writes a documented reference) make no type.
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
    let constrained_string = tree::get_str(v, "type") == Some("string")
        && ["minLength", "maxLength", "pattern"]
            .iter()
            .any(|k| tree::get(v, k).is_some());
    tree::get(v, "enum").is_some()
        || constrained_string
        || tree::get(v, "properties")
            .and_then(Value::as_mapping)
            .is_some_and(|p| !p.is_empty())
        || composes("oneOf")
        || composes("anyOf")
        || composes("allOf")
}

/// `v` without the annotations at its top.
pub(super) fn unannotated(v: &Value) -> Value {
    let mut v = v.clone();
    if let Some(m) = v.as_mapping_mut() {
        m.retain(|k, _| !ANNOTATIONS.contains(&key_text(k).as_str()));
    }
    v
}

/// Whether typify names the inline schema `v` after its place: it makes a
/// type, and has no title, or one of the `untitled` (which a later rule
/// drops or makes a reference of, so its place names it after all).
fn named_after_its_place(v: &Value, untitled: &HashSet<String>) -> bool {
    match tree::get_str(v, "title") {
        Some(title) => untitled.contains(&names::typify(title, Case::Pascal)) && makes_a_type(v),
        None => makes_a_type(v),
    }
}

/// The Rust names of the titles that `untitle_clashing_inline_schemas`
/// drops: titles of inline schemas that make types, shared by schemas
/// that differ (a component's own title aside).
fn shared_titles(doc: &mut Value) -> HashSet<String> {
    let mut by_title: std::collections::HashMap<String, Vec<String>> = Default::default();
    tree::visit_document_schemas(doc, &mut |at, schema| {
        let root = at
            .strip_prefix("/components/schemas/")
            .is_some_and(|rest| !rest.contains('/'));
        if let Some(title) = tree::get_str(schema, "title").filter(|_| !root && makes_a_type(schema)) {
            let contents = by_title.entry(names::typify(title, Case::Pascal)).or_default();
            let content = serde_json::to_string(schema).unwrap_or_default();
            if !contents.contains(&content) {
                contents.push(content);
            }
        }
    });
    by_title
        .into_iter()
        .filter(|(_, c)| c.len() > 1)
        .map(|(t, _)| t)
        .collect()
}

/// The inline schemas of the components whose typify names a component
/// has: a property's (`{Component}{Property}`), its `items`
/// (`{Component}{Property}Item`), and an array component's own `items`
/// (`{Component}Item`); the properties both of the component and of its
/// inline `allOf` members, which typify merges into it.
fn clashing_inlines(schemas: &serde_yaml::Mapping, rust: &HashSet<String>, untitled: &HashSet<String>) -> Vec<Inline> {
    let mut out = Vec::new();
    // Each component's key and typify name, worked out once (looked up for
    // each candidate: Microsoft Graph beta's 40 candidates times its 6,177
    // components took 1.7 s).
    let components: Vec<(String, String, &Value)> = schemas
        .iter()
        .map(|(k, v)| (key_text(k), names::typify(&key_text(k), Case::Pascal), v))
        .collect();
    for (key, schema) in schemas {
        let component = key_text(key);
        let parent = names::typify(&component, Case::Pascal);
        // A candidate: the inline schema `sub` at `steps`, which typify
        // would name `name`.
        let mut found = |steps: &[String], property: Option<&str>, items: bool, sub: &Value, name: String| {
            if !named_after_its_place(sub, untitled) || !rust.contains(&name) {
                return false;
            }
            // A copy of the component of that name (or of its title's),
            // its annotations aside, is referred to instead.
            let titled = tree::get_str(sub, "title").map(|t| names::typify(t, Case::Pascal));
            let copy_of = components
                .iter()
                .find(|(_, k, v)| (*k == name || Some(k) == titled.as_ref()) && unannotated(v) == unannotated(sub))
                .map(|(key, _, _)| key.clone());
            out.push(Inline {
                component: component.clone(),
                steps: steps.to_vec(),
                property: property.map(str::to_string),
                items,
                name,
                copy_of,
            });
            true
        };
        if let Some(items) = tree::get(schema, "items") {
            found(
                &[],
                None,
                true,
                items,
                names::typify(&format!("{parent}_item"), Case::Pascal),
            );
        }
        let mut places: Vec<(Vec<String>, &Value)> = vec![(Vec::new(), schema)];
        while let Some((steps, at)) = places.pop() {
            for (i, member) in tree::get(at, "allOf")
                .and_then(Value::as_sequence)
                .into_iter()
                .flatten()
                .enumerate()
            {
                if tree::get(member, "$ref").is_none() && steps.len() < 16 {
                    let mut deeper = steps.clone();
                    deeper.extend(["allOf".to_string(), i.to_string()]);
                    places.push((deeper, member));
                }
            }
            let Some(properties) = tree::get(at, "properties").and_then(Value::as_mapping) else {
                continue;
            };
            for (prop, sub) in properties {
                let property = key_text(prop);
                let name = names::typify(&format!("{parent}_{property}"), Case::Pascal);
                if !found(&steps, Some(&property), false, sub, name)
                    && let Some(items) = tree::get(sub, "items")
                {
                    let name = names::typify(&format!("{parent}_{property}_item"), Case::Pascal);
                    found(&steps, Some(&property), true, items, name);
                }
            }
        }
    }
    out
}

/// The schema at `steps` (keys, and indexes of sequences) under `value`.
fn at_steps<'a>(value: &'a mut Value, steps: &[String]) -> Option<&'a mut Value> {
    let mut at = value;
    for step in steps {
        at = match at {
            Value::Sequence(items) => items.get_mut(step.parse::<usize>().ok()?)?,
            other => tree::get_mut(other, step)?,
        };
    }
    Some(at)
}

/// Rule: an inline schema of a component's property (or of its `items`)
/// whose typify name another component has (`Classification.template`
/// is `ClassificationTemplate`, beside the component of that name) moves
/// into the components under a free name (`ClassificationTemplate2`) and
/// is referred to there; typify would define both under one name.
pub fn inline_names_apart_from_components(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = component_schemas(doc) else {
        return Vec::new();
    };
    let mut taken: HashSet<String> = schemas
        .keys()
        .map(|k| names::typify(&key_text(k), Case::Pascal))
        .collect();
    let mut untitled = shared_titles(doc);
    untitled.extend(taken.iter().cloned());
    let Some(schemas) = component_schemas(doc) else {
        return Vec::new();
    };
    let clashes = clashing_inlines(schemas, &taken, &untitled);
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    for clash in clashes {
        let mut through: String = clash.steps.chunks(2).map(|s| format!(".{}[{}]", s[0], s[1])).collect();
        if let Some(property) = &clash.property {
            through = format!("{through}.{property}");
        }
        let place = if clash.items { "its items" } else { "its schema" };
        let free = match &clash.copy_of {
            Some(component) => component.clone(),
            None => (2..)
                .map(|i| format!("{}{i}", clash.name))
                .find(|n| !taken.contains(n))
                .expect("some name is free"),
        };
        taken.insert(free.clone());
        let Some(slot) = schemas
            .iter_mut()
            .find(|(k, _)| key_text(k) == clash.component)
            .and_then(|(_, s)| at_steps(s, &clash.steps))
            .and_then(|s| match &clash.property {
                Some(property) => tree::get_mut(s, "properties").and_then(|p| tree::get_mut(p, property)),
                None => Some(s),
            })
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
        if clash.copy_of.is_some() {
            changes.push(format!(
                "{}{through}: {place}, a copy of components.schemas.{free} -> $ref (typify would name it {}, a component's name)",
                clash.component, clash.name
            ));
            continue;
        }
        schemas.insert(free.clone().into(), schema);
        changes.push(format!(
            "{}{through}: {place} -> components.schemas.{free} (typify would name it {}, a component's name)",
            clash.component, clash.name
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
                // A key is text to compare, not a new string per node.
                if k.as_str() == Some("discriminator")
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
    fn titled_copies_constrained_strings_and_merged_members_are_named_apart() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    DeviceSetOwner: {title: Device Set Owner, type: object, properties: {id: {type: string}}}
    DeviceSet:
      type: object
      properties:
        owner: {title: Device Set Owner, type: object, properties: {id: {type: string}}}
        group: {title: Device Set Owner, type: object, properties: {name: {type: string}}}
        label: {title: A Label, type: string, enum: [x]}
    DeviceSetGroup: {type: string}
    DeviceSetLabel: {type: string}
    tag: {type: object, properties: {name: {type: string, minLength: 1}, note: {type: string}}}
    tag_name: {type: string, minLength: 1, maxLength: 9}
    tag_note: {type: string}
    ErrorGroup:
      allOf:
        - type: object
          properties: {state: {type: string, enum: [open, closed]}}
      properties: {count: {type: integer}}
    ErrorGroupState: {type: object, properties: {state: {type: string}}}
    cloudInfoSchema: {type: array, items: {type: object, properties: {key: {type: string}}}}
    cloudInfoSchemaItem: {type: object, properties: {key: {type: string}}}
    other: {type: array, items: {type: object, properties: {key: {type: integer}}}}
    otherItem: {type: string}
    UserSettings:
      type: object
      properties:
        feature: {title: Shared, type: object, properties: {a: {type: boolean}}}
    Account: {type: object, properties: {x: {title: Shared, type: object, properties: {b: {type: string}}}}}
    UserSettingsFeature: {type: object, properties: {a: {type: integer}}}
"##,
        )
        .unwrap();
        let changes = inline_names_apart_from_components(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "DeviceSet.owner: its schema, a copy of components.schemas.DeviceSetOwner -> $ref (typify would name it DeviceSetOwner, a component's name)",
                "DeviceSet.group: its schema -> components.schemas.DeviceSetGroup2 (typify would name it DeviceSetGroup, a component's name)",
                "tag.name: its schema -> components.schemas.TagName2 (typify would name it TagName, a component's name)",
                "ErrorGroup.allOf[0].state: its schema -> components.schemas.ErrorGroupState2 (typify would name it ErrorGroupState, a component's name)",
                "cloudInfoSchema: its items, a copy of components.schemas.cloudInfoSchemaItem -> $ref (typify would name it CloudInfoSchemaItem, a component's name)",
                "other: its items -> components.schemas.OtherItem2 (typify would name it OtherItem, a component's name)",
                "UserSettings.feature: its schema -> components.schemas.UserSettingsFeature2 (typify would name it UserSettingsFeature, a component's name)",
            ],
            "a title of its own names `label`; a plain string `note` is no type; a title two schemas share is \
             dropped later, so its place names `feature`"
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let member = &tree::get(tree::get(schemas, "ErrorGroup").unwrap(), "allOf").unwrap()[0];
        assert_eq!(
            tree::get_str(
                tree::get(tree::get(member, "properties").unwrap(), "state").unwrap(),
                "$ref"
            ),
            Some("#/components/schemas/ErrorGroupState2")
        );
        assert!(
            tree::get(schemas, "DeviceSetOwner2").is_none(),
            "a copy is referred to, not moved"
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
