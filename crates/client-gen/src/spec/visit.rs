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

/// A message path built as a walk goes down: one buffer for the walk, a
/// piece written on before each step down and cut off after it, rather
/// than a new string per schema.
struct Path(String);

impl Path {
    fn with<T>(&mut self, piece: std::fmt::Arguments, f: impl FnOnce(&mut Path) -> T) -> T {
        use std::fmt::Write;
        let len = self.0.len();
        let _ = self.0.write_fmt(piece);
        let out = f(self);
        self.0.truncate(len);
        out
    }
}

fn visit_slot(slot: &mut ReferenceOr<Schema>, path: &mut Path, visit: &mut Visit) {
    if let ReferenceOr::Item(schema) = slot {
        match visit(&path.0, schema) {
            Some(reference) => *slot = ReferenceOr::ref_(&reference),
            None => walk_inside(schema, path, visit),
        }
    }
}

fn visit_boxed(slot: &mut ReferenceOr<Box<Schema>>, path: &mut Path, visit: &mut Visit) {
    if let ReferenceOr::Item(schema) = slot {
        match visit(&path.0, schema) {
            Some(reference) => *slot = ReferenceOr::ref_(&reference),
            None => walk_inside(schema, path, visit),
        }
    }
}

fn visit_properties(
    properties: &mut indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>,
    path: &mut Path,
    visit: &mut Visit,
) {
    for (name, property) in properties.iter_mut() {
        path.with(format_args!(".properties.{name}"), |path| {
            visit_boxed(property, path, visit)
        });
    }
}

fn visit_list(list: &mut [ReferenceOr<Schema>], path: &mut Path, key: &str, visit: &mut Visit) {
    for (i, schema) in list.iter_mut().enumerate() {
        path.with(format_args!(".{key}[{i}]"), |path| visit_slot(schema, path, visit));
    }
}

fn visit_additional(additional: &mut Option<AdditionalProperties>, path: &mut Path, visit: &mut Visit) {
    if let Some(AdditionalProperties::Schema(schema)) = additional {
        path.with(format_args!(".additionalProperties"), |path| {
            visit_slot(schema, path, visit)
        });
    }
}

/// Visits every schema inside `schema` (not `schema` itself).
pub fn visit_inside(schema: &mut Schema, path: &str, visit: &mut Visit) {
    walk_inside(schema, &mut Path(path.to_string()), visit);
}

fn walk_inside(schema: &mut Schema, path: &mut Path, visit: &mut Visit) {
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            visit_properties(&mut object.properties, path, visit);
            visit_additional(&mut object.additional_properties, path, visit);
        }
        SchemaKind::Type(Type::Array(array)) => {
            if let Some(items) = &mut array.items {
                path.with(format_args!(".items"), |path| visit_boxed(items, path, visit));
            }
        }
        SchemaKind::OneOf { one_of } => visit_list(one_of, path, "oneOf", visit),
        SchemaKind::AnyOf { any_of } => visit_list(any_of, path, "anyOf", visit),
        SchemaKind::AllOf { all_of } => visit_list(all_of, path, "allOf", visit),
        SchemaKind::Not { not } => path.with(format_args!(".not"), |path| visit_slot(not, path, visit)),
        SchemaKind::Any(any) => {
            visit_properties(&mut any.properties, path, visit);
            visit_additional(&mut any.additional_properties, path, visit);
            if let Some(items) = &mut any.items {
                path.with(format_args!(".items"), |path| visit_boxed(items, path, visit));
            }
            visit_list(&mut any.one_of, path, "oneOf", visit);
            visit_list(&mut any.any_of, path, "anyOf", visit);
            visit_list(&mut any.all_of, path, "allOf", visit);
            if let Some(not) = &mut any.not {
                path.with(format_args!(".not"), |path| visit_slot(not, path, visit));
            }
        }
        SchemaKind::Type(_) => {}
    }
}

fn visit_content(content: &mut indexmap::IndexMap<String, openapiv3::MediaType>, path: &mut Path, visit: &mut Visit) {
    for (media_type, media) in content.iter_mut() {
        if let Some(schema) = &mut media.schema {
            path.with(format_args!(".content.{media_type}.schema"), |path| {
                visit_slot(schema, path, visit)
            });
        }
    }
}

fn visit_parameter(parameter: &mut ReferenceOr<Parameter>, path: &mut Path, visit: &mut Visit) {
    if let ReferenceOr::Item(parameter) = parameter {
        let data = match parameter {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        path.with(format_args!(".parameters.{}", data.name), |path| {
            match &mut data.format {
                ParameterSchemaOrContent::Schema(schema) => visit_slot(schema, path, visit),
                ParameterSchemaOrContent::Content(content) => visit_content(content, path, visit),
            }
        });
    }
}

fn visit_operation(op: &mut openapiv3::Operation, path: &mut Path, visit: &mut Visit) {
    for parameter in op.parameters.iter_mut() {
        visit_parameter(parameter, path, visit);
    }
    if let Some(ReferenceOr::Item(body)) = &mut op.request_body {
        path.with(format_args!(".requestBody"), |path| {
            visit_content(&mut body.content, path, visit)
        });
    }
    let responses = op.responses.responses.iter_mut().map(|(s, r)| (s.to_string(), r));
    let default = op.responses.default.iter_mut().map(|r| ("default".to_string(), r));
    for (status, response) in responses.chain(default) {
        if let ReferenceOr::Item(response) = response {
            path.with(format_args!(".responses.{status}"), |path| {
                visit_content(&mut response.content, path, visit)
            });
        }
    }
}

/// Visits every schema of the document: inside each component schema, and
/// every schema of a parameter, request body or response (in the
/// components and in the operations).
pub fn visit_document(spec: &mut OpenAPI, visit: &mut Visit) {
    let path = &mut Path(String::new());
    if let Some(components) = spec.components.as_mut() {
        for (name, schema) in components.schemas.iter_mut() {
            if let ReferenceOr::Item(schema) = schema {
                path.with(format_args!("components.schemas.{name}"), |path| {
                    walk_inside(schema, path, visit)
                });
            }
        }
        for (name, parameter) in components.parameters.iter_mut() {
            path.with(format_args!("components.{name}"), |path| {
                visit_parameter(parameter, path, visit)
            });
        }
        for (name, body) in components.request_bodies.iter_mut() {
            if let ReferenceOr::Item(body) = body {
                path.with(format_args!("components.requestBodies.{name}"), |path| {
                    visit_content(&mut body.content, path, visit)
                });
            }
        }
        for (name, response) in components.responses.iter_mut() {
            if let ReferenceOr::Item(response) = response {
                path.with(format_args!("components.responses.{name}"), |path| {
                    visit_content(&mut response.content, path, visit)
                });
            }
        }
    }
    for (template, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        path.with(format_args!("{template}"), |path| {
            for parameter in item.parameters.iter_mut() {
                visit_parameter(parameter, path, visit);
            }
        });
        for (method, op) in super::path_item_operations_mut(item) {
            let method = method.to_uppercase();
            path.with(format_args!("{method} {template}"), |path| {
                visit_operation(op, path, visit)
            });
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
