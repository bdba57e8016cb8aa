//! Types typify makes of its own when it merges an `allOf` or wraps a
//! nullable schema, and names so that a component already has the name:
//! the component gives way, or the schema loses what names the type.

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use serde_yaml::Value;

use super::refs::{component_schemas, components_schemas};
use super::schema_names::{rename_components, unannotated};
use super::tree::{self, key_text};
use crate::names::{self, Case};
use crate::rules::{Changes, Context};

/// The component a local `$ref` names (`#/components/schemas/a~1b` is
/// `a/b`).
pub(super) fn component_of(reference: &str) -> Option<String> {
    let name = reference.strip_prefix("#/components/schemas/")?;
    (!name.contains('/')).then(|| name.replace("~1", "/").replace("~0", "~"))
}

/// The component schemas by name: the first of each name, as a search in
/// order finds it (a key may be a number, `200:`, named by its text). A
/// search per `$ref` instead was nearly half of this rule's time on
/// Microsoft Graph's beta spec (0.39 s -> 0.22 s; 6,177 components).
type ByName<'a> = HashMap<String, &'a Value>;

fn by_name(schemas: &serde_yaml::Mapping) -> ByName<'_> {
    let mut out = HashMap::with_capacity(schemas.len());
    for (k, v) in schemas {
        out.entry(key_text(k)).or_insert(v);
    }
    out
}

/// The properties that the members of `schema`'s `allOf` declare, one
/// list per property in the order first declared (through `$ref`s to
/// components and their own `allOf`s, as typify merges them), added to
/// `out`.
fn merged_properties<'a>(
    schemas: &ByName<'a>,
    schema: &'a Value,
    depth: usize,
    out: &mut IndexMap<String, Vec<&'a Value>>,
) {
    if depth > 16 {
        return;
    }
    let schema = match tree::get_str(schema, "$ref").and_then(component_of) {
        Some(name) => match schemas.get(&name) {
            Some(target) => *target,
            None => return,
        },
        None => schema,
    };
    if let Some(properties) = tree::get(schema, "properties").and_then(Value::as_mapping) {
        for (key, sub) in properties {
            out.entry(key_text(key)).or_default().push(sub);
        }
    }
    for member in tree::get(schema, "allOf")
        .and_then(Value::as_sequence)
        .into_iter()
        .flatten()
    {
        merged_properties(schemas, member, depth + 1, out);
    }
}

/// Rule: a component schema whose Rust name typify gives to a merged
/// property of another component's `allOf` (`detectedCatalogColumn` is
/// `allOf: [catalogColumn, {links: detectedCatalogColumnLinks}]`, and
/// both members declare `links`: typify merges the two into a new type it
/// names `DetectedCatalogColumnLinks`; so it does with one declaration that
/// refers to an `allOf`) is renamed to a free name, and every reference
/// follows; typify would define both under one name.
pub fn merged_names_apart_from_components(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = component_schemas(doc) else {
        return Vec::new();
    };
    let keys: Vec<String> = schemas.keys().map(key_text).collect();
    let rust: Vec<String> = keys.iter().map(|k| names::typify(k, Case::Pascal)).collect();
    // The first component of each Rust name.
    let mut first_named: HashMap<&str, usize> = HashMap::with_capacity(rust.len());
    for (i, r) in rust.iter().enumerate() {
        first_named.entry(r.as_str()).or_insert(i);
    }
    let components = by_name(schemas);
    let mut taken: HashSet<String> = rust.iter().cloned().collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut reasons: Vec<(String, String)> = Vec::new();
    for (key, schema) in schemas {
        if tree::get(schema, "allOf").is_none() {
            continue;
        }
        let component = key_text(key);
        let parent = names::typify(&component, Case::Pascal);
        let mut properties = IndexMap::new();
        merged_properties(&components, schema, 0, &mut properties);
        for (property, declared) in properties {
            // Declarations that differ only in their annotations merge into
            // the one type they are.
            let mut distinct: Vec<Value> = Vec::new();
            for d in declared.into_iter().map(unannotated) {
                if !distinct.contains(&d) {
                    distinct.push(d);
                }
            }
            // One declaration makes a type of its own when it refers to an
            // `allOf` (Zuora's `POSTAccountType.billToContact`): typify
            // merges that afresh where it is used.
            let to_all_of = |v: &Value| {
                tree::get_str(v, "$ref")
                    .and_then(component_of)
                    .and_then(|name| components.get(&name))
                    .is_some_and(|target| tree::get(target, "allOf").is_some())
            };
            if distinct.len() < 2 && !distinct.first().is_some_and(to_all_of) {
                continue;
            }
            let merged = names::typify(&format!("{parent}_{property}"), Case::Pascal);
            let Some(&i) = first_named.get(merged.as_str()) else {
                continue;
            };
            if renames.iter().any(|(old, _)| *old == keys[i]) {
                continue;
            }
            let free = (2..)
                .map(|n| format!("{merged}{n}"))
                .find(|n| !taken.contains(n) && !keys.contains(n))
                .expect("some name is free");
            taken.insert(free.clone());
            renames.push((keys[i].clone(), free));
            reasons.push((
                keys[i].clone(),
                format!("typify names the merge of `{component}`'s `allOf` members' `{property}` `{merged}`"),
            ));
        }
    }
    rename_components(doc, &renames, &|old| {
        reasons
            .iter()
            .find(|(k, _)| k == old)
            .map(|(_, r)| r.clone())
            .unwrap_or_default()
    })
}

/// Rule: a nullable component schema (`nullable: true`, or `null` among its
/// `enum` values) loses a `title` that names a
/// component, itself included (Impala's `hotelAgreementStub`, titled
/// "Hotel Agreement (stub)"). typify types a nullable component as a
/// wrapper of an `Option` of an inner type it names by the title (else
/// `{Name}Inner`), so the inner type would have the wrapper's name.
pub fn nullable_titles_apart_from_components(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let rust: HashSet<String> = schemas
        .keys()
        .map(|k| names::typify(&key_text(k), Case::Pascal))
        .collect();
    let mut changes = Vec::new();
    for (key, schema) in schemas.iter_mut() {
        let Some(map) = schema.as_mapping_mut() else {
            continue;
        };
        // `nullable: true`, or a `null` among the enum's values.
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true) || enum_has_null(map);
        let Some(title) = map.get("title").and_then(Value::as_str).map(str::to_string) else {
            continue;
        };
        let named = names::typify(&title, Case::Pascal);
        if nullable && rust.contains(&named) {
            map.remove("title");
            changes.push(format!(
                "{}: title {title:?} dropped (typify would name the type inside this nullable schema {named}, a component's name)",
                key_text(key)
            ));
        }
    }
    changes
}

/// Whether `null` is among the values of the schema's `enum`.
fn enum_has_null(schema: &serde_yaml::Mapping) -> bool {
    schema
        .get("enum")
        .and_then(Value::as_sequence)
        .is_some_and(|values| values.iter().any(Value::is_null))
}

/// Whether `schema` is a composition of its own: a `oneOf`, `anyOf` or
/// `allOf` that is more than a wrapper of one `$ref`.
fn is_union(schema: &Value) -> bool {
    ["oneOf", "anyOf", "allOf"].iter().any(|word| {
        tree::get(schema, word)
            .and_then(Value::as_sequence)
            .is_some_and(|members| !(members.len() == 1 && tree::get(&members[0], "$ref").is_some()))
    })
}

/// Rule: a nullable component that is a union or an intersection (Vercel's
/// `EdgeConfigItemValue`, `oneOf: [string, number, ...]` and `type: null`;
/// Plaid's `AccountProductAccessNullable`, an `allOf`), or an enum with a
/// `null` among its values (Plaid's `PayFrequencyValue`), keeps its name as
/// the nullable wrapper, and the composition moves to a free name beside
/// it (`EdgeConfigItemValueInner`). typify names the type inside a
/// nullable wrapper like the wrapper itself, so both would be defined
/// under one name.
pub fn nullable_unions_apart(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let Some(schemas) = components_schemas(doc) else {
        return Vec::new();
    };
    let mut taken: HashSet<String> = schemas
        .keys()
        .map(|k| names::typify(&key_text(k), Case::Pascal))
        .collect();
    let mut moved = Vec::new();
    for (key, schema) in schemas.iter_mut() {
        let Some(map) = schema.as_mapping_mut() else {
            continue;
        };
        let null_value = enum_has_null(map);
        let nullable = map.get("nullable").and_then(Value::as_bool) == Some(true);
        if !(nullable && is_union(&Value::Mapping(map.clone())) || null_value) {
            continue;
        }
        let rust = names::typify(&key_text(key), Case::Pascal);
        let inner = std::iter::once(format!("{rust}Inner"))
            .chain((2..).map(|i| format!("{rust}Inner{i}")))
            .find(|n| !taken.contains(n))
            .expect("some name is free");
        taken.insert(inner.clone());
        let mut union = std::mem::take(map);
        union.remove("nullable");
        if let Some(Value::Sequence(values)) = union.get_mut("enum") {
            values.retain(|v| !v.is_null());
        }
        map.insert("nullable".into(), true.into());
        if let Some(description) = union.get("description").cloned() {
            map.insert("description".into(), description);
        }
        let mut reference = serde_yaml::Mapping::new();
        reference.insert("$ref".into(), format!("#/components/schemas/{inner}").into());
        map.insert("anyOf".into(), Value::Sequence(vec![Value::Mapping(reference)]));
        let what = if null_value {
            "its other values"
        } else {
            "its composition"
        };
        moved.push((key_text(key), inner, union, what));
    }
    let mut changes = Vec::new();
    for (key, inner, union, what) in moved {
        changes.push(format!(
            "{key}: {what} -> components.schemas.{inner}, {key} the nullable wrapper of it (typify would name \
             both {})",
            names::typify(&key, Case::Pascal)
        ));
        schemas.insert(inner.into(), Value::Mapping(union));
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_named_like_a_merged_all_of_property_are_renamed() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
paths:
  /columns:
    get:
      responses:
        "200":
          content:
            application/json:
              schema: {$ref: "#/components/schemas/detectedCatalogColumnLinks"}
components:
  schemas:
    catalogColumn:
      type: object
      properties:
        links: {$ref: "#/components/schemas/catalogColumnLinks"}
        name: {type: string}
    catalogColumnLinks: {type: object, properties: {rename: {type: string}}}
    detectedCatalogColumnLinks: {type: object, properties: {map: {type: string}}}
    detectedCatalogColumn:
      allOf:
        - $ref: "#/components/schemas/catalogColumn"
        - type: object
          properties:
            links: {$ref: "#/components/schemas/detectedCatalogColumnLinks"}
            name: {type: string}
    sameLinks:
      allOf:
        - $ref: "#/components/schemas/catalogColumn"
        - {type: object, properties: {links: {$ref: "#/components/schemas/catalogColumnLinks", description: Same.}}}
    sameLinksLinks: {type: string}
    POSTAccountType:
      allOf:
        - {type: object, properties: {billToContact: {$ref: "#/components/schemas/POSTAccountTypeBillToContact"}}}
    POSTAccountTypeBillToContact:
      allOf: [{type: object, properties: {city: {type: string}}}]
"##,
        )
        .unwrap();
        let changes = merged_names_apart_from_components(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "schema `detectedCatalogColumnLinks` is `DetectedCatalogColumnLinks2` (typify names the merge of \
                 `detectedCatalogColumn`'s `allOf` members' `links` `DetectedCatalogColumnLinks`)",
                "schema `POSTAccountTypeBillToContact` is `PostAccountTypeBillToContact2` (typify names the merge of \
                 `POSTAccountType`'s `allOf` members' `billToContact` `PostAccountTypeBillToContact`)",
            ],
            "`name` is declared alike twice and `sameLinks.links` is one reference twice: no new type"
        );
        let text = serde_json::to_string(&doc).unwrap();
        assert!(
            !text.contains("schemas/detectedCatalogColumnLinks"),
            "every reference follows: {text}"
        );
        assert_eq!(
            text.matches("#/components/schemas/DetectedCatalogColumnLinks2").count(),
            2
        );
    }

    #[test]
    fn nullable_unions_move_beside_their_wrapper() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    EdgeConfigItemValue:
      description: A value.
      nullable: true
      oneOf: [{type: string}, {type: number}, {type: array, items: {$ref: "#/components/schemas/EdgeConfigItemValue"}}]
    Wrapper: {nullable: true, anyOf: [{$ref: "#/components/schemas/EdgeConfigItemValue"}]}
    Plain: {oneOf: [{type: string}, {type: number}]}
    AccessNullable:
      nullable: true
      allOf: [{$ref: "#/components/schemas/Plain"}, {type: object, additionalProperties: true}]
    Frequency: {type: string, enum: [monthly, null]}
"##,
        )
        .unwrap();
        let changes = nullable_unions_apart(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "EdgeConfigItemValue: its composition -> components.schemas.EdgeConfigItemValueInner, EdgeConfigItemValue \
                 the nullable wrapper of it (typify would name both EdgeConfigItemValue)",
                "AccessNullable: its composition -> components.schemas.AccessNullableInner, AccessNullable the nullable \
                 wrapper of it (typify would name both AccessNullable)",
                "Frequency: its other values -> components.schemas.FrequencyInner, Frequency the nullable wrapper of it \
                 (typify would name both Frequency)",
            ],
            "a wrapper of one reference, and a union that is not nullable, stay"
        );
        let schemas = tree::get(tree::get(&doc, "components").unwrap(), "schemas").unwrap();
        let wrapper = tree::get(schemas, "EdgeConfigItemValue").unwrap();
        assert_eq!(
            tree::get_str(&tree::get(wrapper, "anyOf").unwrap()[0], "$ref"),
            Some("#/components/schemas/EdgeConfigItemValueInner")
        );
        assert_eq!(tree::get_str(wrapper, "description"), Some("A value."));
        let union = tree::get(schemas, "EdgeConfigItemValueInner").unwrap();
        assert!(tree::get(union, "nullable").is_none());
        assert_eq!(tree::get(union, "oneOf").unwrap().as_sequence().unwrap().len(), 3);
        let values = tree::get(tree::get(schemas, "FrequencyInner").unwrap(), "enum").unwrap();
        assert_eq!(values.as_sequence().unwrap().len(), 1, "null is the wrapper's");
    }

    #[test]
    fn nullable_components_lose_titles_that_name_a_component() {
        let mut doc: Value = serde_yaml::from_str(
            r##"
components:
  schemas:
    hotelAgreementStub: {nullable: true, title: Hotel Agreement (stub), type: object, properties: {id: {type: string}}}
    hotelStub: {title: Hotel Stub, type: object, properties: {id: {type: string}}}
    rate: {nullable: true, title: A Rate, type: object, properties: {id: {type: string}}}
    PayFrequencyValue: {title: PayFrequencyValue, type: string, enum: [monthly, null]}
"##,
        )
        .unwrap();
        let changes = nullable_titles_apart_from_components(&mut doc, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "hotelAgreementStub: title \"Hotel Agreement (stub)\" dropped (typify would name the type inside this nullable schema HotelAgreementStub, a component's name)",
                "PayFrequencyValue: title \"PayFrequencyValue\" dropped (typify would name the type inside this nullable schema PayFrequencyValue, a component's name)",
            ],
            "a schema that is not nullable has no inner type, and `A Rate` names no component"
        );
    }
}
