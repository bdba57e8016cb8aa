//! Walks over every schema of the typed document: inside each component
//! schema, and every schema of a parameter, request body or response, in
//! the components and in the operations, each with a path for messages
//! (`components.schemas.A.properties.b`, `GET /x.responses.200...`).

use openapiv3::{
    AdditionalProperties, OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, Schema, SchemaKind, Type,
};

/// What a visit does with a schema: keep it (and look inside), or put a
/// reference in its place.
pub type Visit<'a> = dyn FnMut(&str, &mut Schema) -> Option<String> + 'a;

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
pub fn visit_inside(schema: &mut Schema, path: &str, visit: &mut Visit) {
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

pub fn visit_operation(op: &mut openapiv3::Operation, path: &str, visit: &mut Visit) {
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
pub fn visit_document(spec: &mut OpenAPI, visit: &mut Visit) {
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
pub fn for_each_schema(spec: &mut OpenAPI, f: &mut dyn FnMut(&str, &mut Schema)) {
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
