//! Rules on schemas: the shapes that make typify generate Rust that does
//! not compile.

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};

use super::RuleReport;
use crate::names::{self, Case};

/// What a visit does with a schema: keep it (and look inside), or put a
/// reference in its place.
type Visit<'a> = dyn FnMut(&str, &mut Schema) -> Option<String> + 'a;

fn visit_slot(slot: &mut ReferenceOr<Schema>, path: &str, visit: &mut Visit) {
    if let ReferenceOr::Item(schema) = slot {
        match visit(path, schema) {
            Some(reference) => *slot = ReferenceOr::ref_(&reference),
            None => visit_inside(schema, path, visit),
        }
    }
}

fn visit_boxed(slot: &mut ReferenceOr<Box<Schema>>, path: &str, visit: &mut Visit) {
    if let ReferenceOr::Item(schema) = slot {
        match visit(path, schema) {
            Some(reference) => *slot = ReferenceOr::ref_(&reference),
            None => visit_inside(schema, path, visit),
        }
    }
}

fn visit_properties(
    properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    path: &str,
    visit: &mut Visit,
) {
    for (name, property) in properties.iter_mut() {
        visit_boxed(property, &format!("{path}.properties.{name}"), visit);
    }
}

fn visit_list(list: &mut [ReferenceOr<Schema>], path: &str, key: &str, visit: &mut Visit) {
    for (i, schema) in list.iter_mut().enumerate() {
        visit_slot(schema, &format!("{path}.{key}[{i}]"), visit);
    }
}

fn visit_additional(additional: &mut Option<AdditionalProperties>, path: &str, visit: &mut Visit) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        visit_slot(schema, &format!("{path}.additionalProperties"), visit);
    }
}

/// Visits every schema inside `schema` (not `schema` itself).
fn visit_inside(schema: &mut Schema, path: &str, visit: &mut Visit) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            visit_properties(&mut object.properties, path, visit);
            visit_additional(&mut object.additional_properties, path, visit);
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                visit_boxed(items, &format!("{path}.items"), visit);
            }
        }
        SchemaKind::OneOf { one_of } => visit_list(one_of, path, "oneOf", visit),
        SchemaKind::AnyOf { any_of } => visit_list(any_of, path, "anyOf", visit),
        SchemaKind::AllOf { all_of } => visit_list(all_of, path, "allOf", visit),
        SchemaKind::Not { not } => visit_slot(not, &format!("{path}.not"), visit),
        SchemaKind::Any(any) => {
            visit_properties(&mut any.properties, path, visit);
            visit_additional(&mut any.additional_properties, path, visit);
            if let Some(items) = &mut any.items {
                visit_boxed(items, &format!("{path}.items"), visit);
            }
            visit_list(&mut any.one_of, path, "oneOf", visit);
            visit_list(&mut any.any_of, path, "anyOf", visit);
            visit_list(&mut any.all_of, path, "allOf", visit);
            if let Some(not) = &mut any.not {
                visit_slot(not, &format!("{path}.not"), visit);
            }
        }
        SchemaKind::Type(_) => {}
    }
}

fn visit_content(content: &mut indexmap::IndexMap<String, openapiv3::MediaType>, path: &str, visit: &mut Visit) {
    for (media_type, media) in content.iter_mut() {
        if let Some(schema) = &mut media.schema {
            visit_slot(schema, &format!("{path}.content.{media_type}.schema"), visit);
        }
    }
}

fn visit_parameter(parameter: &mut ReferenceOr<Parameter>, path: &str, visit: &mut Visit) {
    if let ReferenceOr::Item(parameter) = parameter {
        let data = match parameter {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        let here = format!("{path}.parameters.{}", data.name);
        match &mut data.format {
            ParameterSchemaOrContent::Schema(schema) => visit_slot(schema, &here, visit),
            ParameterSchemaOrContent::Content(content) => visit_content(content, &here, visit),
        }
    }
}

fn visit_operation(op: &mut openapiv3::Operation, path: &str, visit: &mut Visit) {
    for parameter in op.parameters.iter_mut() {
        visit_parameter(parameter, path, visit);
    }
    if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
        visit_content(&mut body.content, &format!("{path}.requestBody"), visit);
    }
    let responses = op.responses.responses.iter_mut().map(|(s, r)| (s.to_string(), r));
    let default = op.responses.default.iter_mut().map(|r| ("default".to_string(), r));
    for (status, response) in responses.chain(default) {
        if let ReferenceOr::Item(response) = response {
            visit_content(&mut response.content, &format!("{path}.responses.{status}"), visit);
        }
    }
}

/// Visits every schema of the document: inside each component schema, and
/// every schema of a parameter, request body or response (in the
/// components and in the operations).
fn visit_document(spec: &mut OpenAPI, visit: &mut Visit) {
    if let Some(components) = spec.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if let ReferenceOr::Item(schema) = schema {
                visit_inside(schema, &format!("components.schemas.{name}"), visit);
            }
        }
        for (name, parameter) in components.parameters.iter_mut() {
            visit_parameter(parameter, &format!("components.{name}"), visit);
        }
        for (name, body) in components.request_bodies.iter_mut() {
            if let ReferenceOr::Item(body) = body {
                visit_content(&mut body.content, &format!("components.requestBodies.{name}"), visit);
            }
        }
        for (name, response) in components.responses.iter_mut() {
            if let ReferenceOr::Item(response) = response {
                visit_content(&mut response.content, &format!("components.responses.{name}"), visit);
            }
        }
    }
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for parameter in item.parameters.iter_mut() {
            visit_parameter(parameter, path, visit);
        }
        for (method, op) in super::path_item_operations_mut(item) {
            visit_operation(op, &format!("{} {path}", method.to_uppercase()), visit);
        }
    }
}

/// Calls `f` on every schema of the document, component schemas included.
fn for_each_schema(spec: &mut OpenAPI, f: &mut dyn FnMut(&str, &mut Schema)) {
    if let Some(components) = spec.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if let ReferenceOr::Item(schema) = schema {
                f(&format!("components.schemas.{name}"), schema);
            }
        }
    }
    visit_document(spec, &mut |path, schema| {
        f(path, schema);
        None
    });
}

/// Rule: an `enum` that lists a value twice lists it once. typify makes
/// one variant per value and panics on two of one name; the values mean
/// the same either way.
pub fn dedupe_enum_values(spec: &mut OpenAPI) -> RuleReport {
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
    RuleReport::new("dedupe_enum_values", changes)
}

/// Rule: a schema with both `anyOf` and `oneOf` (a value must match both)
/// keeps `oneOf`, the stricter of the two, which progenitor 0.15.1 can type
/// (it asserts a schema has at most one of them).
pub fn one_of_beside_any_of(spec: &mut OpenAPI) -> RuleReport {
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
    RuleReport::new("one_of_beside_any_of", changes)
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
pub fn untitle_clashing_inline_schemas(spec: &mut OpenAPI) -> RuleReport {
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
    RuleReport::new("untitle_clashing_inline_schemas", changes)
}

/// Rule: an inline schema whose `title` names a component schema becomes a
/// `$ref` to it when it is a verbatim copy (spec generators inline
/// referenced schemas this way), and otherwise loses its `title`. typify
/// names an inline type by its title, so either way it would define a
/// second type of the component's name, which does not compile.
pub fn reference_titled_copies(spec: &mut OpenAPI) -> RuleReport {
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
    RuleReport::new("reference_titled_copies", changes)
}

#[cfg(test)]
mod tests {
    use super::super::test_support::spec;
    use super::*;

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
        let report = reference_titled_copies(&mut s);
        assert_eq!(
            report.changes,
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
}
