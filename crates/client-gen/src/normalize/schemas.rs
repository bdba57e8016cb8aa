//! Rules on schemas: the shapes that make typify generate Rust that does
//! not compile.

use openapiv3::{OpenAPI, Schema, SchemaKind, Type};

use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::visit::{for_each_schema, visit_document};

/// Rule: an `enum` that lists a value twice lists it once. typify makes
/// one variant per value and panics on two of one name; the values mean
/// the same either way.
pub fn dedupe_enum_values(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    fn dedupe<T: PartialEq + Clone + std::fmt::Debug>(values: &mut Vec<T>) -> Vec<String> {
        let mut seen: Vec<T> = Vec::new();
        let mut repeated = Vec::new();
        values.retain(|v| {
            if seen.contains(v) {
                repeated.push(format!("{v:?}"));
                false
            } else {
                seen.push(v.clone());
                true
            }
        });
        repeated
    }
    let mut changes = Vec::new();
    for_each_schema(spec, &mut |path, schema| {
        let repeated = match &mut schema.schema_kind {
            SchemaKind::Type(Type::String(s)) => dedupe(&mut s.enumeration),
            SchemaKind::Type(Type::Integer(i)) => dedupe(&mut i.enumeration),
            SchemaKind::Type(Type::Number(n)) => dedupe(&mut n.enumeration),
            SchemaKind::Type(Type::Boolean(b)) => dedupe(&mut b.enumeration),
            SchemaKind::Any(any) => dedupe(&mut any.enumeration),
            _ => Vec::new(),
        };
        if !repeated.is_empty() {
            changes.push(format!(
                "{path}: repeated enum value {} listed once",
                repeated.join(", ")
            ));
        }
    });
    changes
}

/// Rule: a schema with both `anyOf` and `oneOf` (a value must match both)
/// keeps `oneOf`, the stricter of the two, which progenitor 0.15.1 can type
/// (it asserts a schema has at most one of them).
pub fn one_of_beside_any_of(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for_each_schema(spec, &mut |path, schema| {
        if let SchemaKind::Any(any) = &mut schema.schema_kind
            && !any.any_of.is_empty()
            && !any.one_of.is_empty()
        {
            changes.push(format!(
                "{path}: anyOf of {} dropped beside oneOf of {}",
                any.any_of.len(),
                any.one_of.len()
            ));
            any.any_of.clear();
        }
    });
    changes
}

/// Rule: a string `enum` whose values typify cannot make distinct variants
/// of (it panics: `[asc, desc, ASC, DESC]` are `Asc` and `Desc` twice;
/// `[\"\", \"X\"]` are `X` twice; values without letters have no name) is
/// typed as a string. Its values are listed in its description, so the
/// docs still say them.
pub fn enums_typify_can_name(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for_each_schema(spec, &mut |path, schema| {
        let SchemaKind::Type(Type::String(string)) = &mut schema.schema_kind else {
            return;
        };
        let values: Vec<&str> = string.enumeration.iter().flatten().map(String::as_str).collect();
        if values.is_empty() || names::typify_variants(&values).is_some() {
            return;
        }
        let listed: Vec<String> = values.iter().map(|v| format!("`{v:?}`")).collect();
        let note = format!("One of {}.", listed.join(", "));
        changes.push(format!(
            "{path}: enum {} -> a string (typify cannot name its variants apart)",
            listed.join(", ")
        ));
        string.enumeration.clear();
        let description = &mut schema.schema_data.description;
        *description = Some(match description.take() {
            Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
            _ => note,
        });
    });
    changes
}

/// Whether typify makes a type of its own for `schema` (named by its
/// title): an enum, an object with properties, a composition. A plain
/// string or number is a Rust primitive whatever its title.
fn becomes_named_type(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => !s.enumeration.is_empty(),
        SchemaKind::Type(Type::Integer(i)) => !i.enumeration.is_empty(),
        SchemaKind::Type(Type::Number(n)) => !n.enumeration.is_empty(),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::Type(_) => false,
        _ => true,
    }
}

/// Rule: inline schemas that share a `title` (as typify names it) but not
/// their content lose the title. typify names an inline type by its title
/// and gives every schema of one title the type of the first, so the
/// others would be typed wrongly (a default of theirs would not even fit).
/// Untitled, each is named from where it is.
pub fn untitle_clashing_inline_schemas(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let components: Vec<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| names::typify(n, Case::Pascal))
        .collect();
    let mut by_title: Vec<(String, Vec<String>)> = Vec::new();
    visit_document(spec, &mut |_, schema| {
        if let Some(title) = &schema.schema_data.title
            && becomes_named_type(schema)
        {
            let key = names::typify(title, Case::Pascal);
            let content = serde_json::to_string(schema).unwrap_or_default();
            match by_title.iter_mut().find(|(k, _)| *k == key) {
                Some((_, contents)) if !contents.contains(&content) => contents.push(content),
                Some(_) => {}
                None => by_title.push((key, vec![content])),
            }
        }
        None
    });
    let clashing: Vec<String> = by_title
        .into_iter()
        .filter(|(key, contents)| contents.len() > 1 || components.contains(key))
        .map(|(key, _)| key)
        .collect();
    let mut changes = Vec::new();
    visit_document(spec, &mut |path, schema| {
        if let Some(title) = &schema.schema_data.title
            && becomes_named_type(schema)
            && clashing.contains(&names::typify(title, Case::Pascal))
        {
            changes.push(format!("{path}: title {title:?} dropped (other schemas share it)"));
            schema.schema_data.title = None;
        }
        None
    });
    changes
}

/// Rule: an inline schema whose `title` names a component schema becomes a
/// `$ref` to it when it is a verbatim copy (spec generators inline
/// referenced schemas this way), and otherwise loses its `title`. typify
/// names an inline type by its title, so either way it would define a
/// second type of the component's name, which does not compile.
pub fn reference_titled_copies(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let components: Vec<(String, Schema)> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.iter())
        .filter_map(|(name, schema)| schema.as_item().map(|s| (name.clone(), s.clone())))
        .collect();
    let mut changes = Vec::new();
    visit_document(spec, &mut |path, schema| {
        let title = schema.schema_data.title.clone()?;
        let (_, component) = components.iter().find(|(name, _)| *name == title)?;
        if component == schema {
            changes.push(format!("{path}: copy of {title} -> $ref"));
            Some(format!("#/components/schemas/{title}"))
        } else {
            schema.schema_data.title = None;
            changes.push(format!(
                "{path}: title {title} dropped (it names a different component)"
            ));
            None
        }
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::spec;

    const SPEC: &str = r#"
openapi: 3.0.1
info: {title: Resolution, version: "1"}
components:
  schemas:
    Resolution: {title: Resolution, type: string, pattern: '^\d+x\d+$'}
    Image:
      type: object
      properties:
        resolution: {title: Resolution, type: string, pattern: '^\d+x\d+$'}
        other: {title: Resolution, type: string}
paths:
  /images:
    get:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: array
                items: {title: Resolution, type: string, pattern: '^\d+x\d+$'}
"#;

    #[test]
    fn verbatim_copies_become_references_and_other_titles_go() {
        let mut s = spec(SPEC);
        let changes = reference_titled_copies(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "components.schemas.Image.properties.resolution: copy of Resolution -> $ref",
                "components.schemas.Image.properties.other: title Resolution dropped (it names a different component)",
                "GET /images.responses.200.content.application/json.schema.items: copy of Resolution -> $ref",
            ]
        );
        let doc = serde_json::to_value(&s).unwrap();
        let at = |pointer: &str| doc.pointer(pointer).and_then(serde_json::Value::as_str);
        assert_eq!(
            at("/components/schemas/Image/properties/resolution/$ref"),
            Some("#/components/schemas/Resolution")
        );
        assert_eq!(at("/components/schemas/Image/properties/other/title"), None);
        assert_eq!(
            at("/components/schemas/Resolution/title"),
            Some("Resolution"),
            "the component keeps it"
        );
        assert_eq!(at("/info/title"), Some("Resolution"), "info is no schema");
    }

    #[test]
    fn enums_typify_cannot_name_apart_become_strings() {
        let mut s = spec(
            r#"
components:
  schemas:
    Order: {type: string, enum: [asc, desc, ASC, DESC]}
    Fine: {type: string, enum: [x-1, x1]}
    Dice: {type: string, description: Pick one., enum: ["🎲", "🎯"]}
paths: {}
"#,
        );
        let changes = enums_typify_can_name(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "components.schemas.Order: enum `\"asc\"`, `\"desc\"`, `\"ASC\"`, `\"DESC\"` -> a string (typify cannot name its variants apart)",
                "components.schemas.Dice: enum `\"🎲\"`, `\"🎯\"` -> a string (typify cannot name its variants apart)",
            ]
        );
        let doc = serde_json::to_value(&s).unwrap();
        assert_eq!(
            doc["components"]["schemas"]["Dice"]["description"],
            "Pick one.\n\nOne of `\"🎲\"`, `\"🎯\"`."
        );
        assert!(
            doc["components"]["schemas"]["Fine"]["enum"].is_array(),
            "typify names x-1 and x1 apart"
        );
    }
}
