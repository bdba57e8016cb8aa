//! Small specs for progenitor to try: only some operations, and only the
//! component schemas they reach, so that finding what fails in a big spec
//! does not type every schema of it on every try.

use std::collections::{HashMap, HashSet};

use openapiv3::{OpenAPI, Operation, ReferenceOr};
use serde_json::Value;

use super::Op;
use crate::spec::{Method, any_json_schema, describe_operation};

/// Every `$ref` inside `value`.
fn references(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push(target.clone());
            }
            map.values().for_each(|v| references(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| references(v, out)),
        _ => {}
    }
}

/// Who refers to what: each component's and each operation's references.
pub struct Graph {
    components: HashMap<String, Vec<String>>,
    operations: HashMap<Op, Vec<String>>,
}

impl Graph {
    /// The references of `spec`.
    pub fn of(spec: &OpenAPI) -> Graph {
        let mut components = HashMap::new();
        if let Some(c) = &spec.components {
            let value = serde_json::to_value(c).unwrap_or_default();
            if let Value::Object(sections) = value {
                for (section, entries) in sections {
                    let Value::Object(entries) = entries else { continue };
                    for (name, entry) in entries {
                        let mut refs = Vec::new();
                        references(&entry, &mut refs);
                        components.insert(format!("#/components/{section}/{name}"), refs);
                    }
                }
            }
        }
        let mut operations = HashMap::new();
        for (path, item) in &spec.paths.paths {
            let Some(item) = item.as_item() else { continue };
            let mut shared = Vec::new();
            references(&serde_json::to_value(&item.parameters).unwrap_or_default(), &mut shared);
            for (method, op) in item.iter() {
                let mut refs = shared.clone();
                references(&serde_json::to_value(op).unwrap_or_default(), &mut refs);
                operations.insert((path.clone(), method.to_string()), refs);
            }
        }
        Graph { components, operations }
    }

    /// The component schemas `ops` reach, by name.
    fn schemas_reached(&self, ops: &[Op]) -> HashSet<String> {
        let mut seen: HashSet<&str> = HashSet::new();
        let mut queue: Vec<&str> = ops
            .iter()
            .filter_map(|op| self.operations.get(op))
            .flatten()
            .map(String::as_str)
            .collect();
        while let Some(target) = queue.pop() {
            if seen.insert(target)
                && let Some(refs) = self.components.get(target)
            {
                queue.extend(refs.iter().map(String::as_str));
            }
        }
        seen.iter()
            .filter_map(|t| t.strip_prefix("#/components/schemas/"))
            .map(str::to_string)
            .collect()
    }
}

/// `spec` with only the operations `ops` and the component schemas they
/// reach in `graph` (every schema without a graph; every other component
/// kept).
pub fn subset(spec: &OpenAPI, graph: Option<&Graph>, ops: &[Op]) -> OpenAPI {
    let reached = graph.map(|g| g.schemas_reached(ops));
    let mut paths = openapiv3::Paths::default();
    for (path, item) in &spec.paths.paths {
        let ReferenceOr::Item(item) = item else { continue };
        if !ops.iter().any(|(p, _)| p == path) {
            continue;
        }
        let mut kept = item.clone();
        for method in Method::ALL {
            if !ops.iter().any(|(p, m)| p == path && m == method.as_str()) {
                *method.slot(&mut kept) = None;
            }
        }
        paths.paths.insert(path.clone(), ReferenceOr::Item(kept));
    }
    let components = spec.components.as_ref().map(|c| {
        let mut kept = openapiv3::Components {
            schemas: Default::default(),
            ..c.clone_without_schemas()
        };
        kept.schemas = c
            .schemas
            .iter()
            .filter(|(name, _)| reached.as_ref().is_none_or(|r| r.contains(name.as_str())))
            .map(|(n, s)| (n.clone(), s.clone()))
            .collect();
        kept
    });
    OpenAPI {
        openapi: spec.openapi.clone(),
        info: spec.info.clone(),
        servers: spec.servers.clone(),
        paths,
        components,
        security: spec.security.clone(),
        tags: Vec::new(),
        external_docs: None,
        extensions: Default::default(),
    }
}

/// The component schemas of `spec` without its operations.
pub fn without_operations(spec: &OpenAPI) -> OpenAPI {
    subset(spec, None, &[])
}

/// The components without their schemas.
trait WithoutSchemas {
    fn clone_without_schemas(&self) -> openapiv3::Components;
}

impl WithoutSchemas for openapiv3::Components {
    fn clone_without_schemas(&self) -> openapiv3::Components {
        openapiv3::Components {
            schemas: Default::default(),
            responses: self.responses.clone(),
            parameters: self.parameters.clone(),
            examples: Default::default(),
            request_bodies: self.request_bodies.clone(),
            headers: self.headers.clone(),
            security_schemes: self.security_schemes.clone(),
            links: Default::default(),
            callbacks: Default::default(),
            extensions: Default::default(),
        }
    }
}

fn operation_mut<'a>(spec: &'a mut OpenAPI, op: &Op) -> Option<&'a mut Operation> {
    let ReferenceOr::Item(item) = spec.paths.paths.get_mut(&op.0)? else {
        return None;
    };
    Method::from_name(&op.1)?.slot(item).as_mut()
}

/// The inline schema slots of an operation (its parameters', its body's
/// and its responses'), each named the way the header names it.
fn slots<'a>(op: &'a mut Operation, location: &str) -> Vec<(String, &'a mut ReferenceOr<openapiv3::Schema>)> {
    let mut out = Vec::new();
    for parameter in op.parameters.iter_mut() {
        if let ReferenceOr::Item(parameter) = parameter {
            let name = parameter.parameter_data_ref().name.clone();
            if let openapiv3::ParameterSchemaOrContent::Schema(schema) =
                &mut crate::spec::parameter_data_mut(parameter).format
            {
                out.push((format!("{location}: parameter {name}"), schema));
            }
        }
    }
    if let Some(ReferenceOr::Item(body)) = op.request_body.as_mut() {
        for (media, content) in body.content.iter_mut() {
            if let Some(schema) = content.schema.as_mut() {
                out.push((format!("{location}: {media} body"), schema));
            }
        }
    }
    let statuses = op.responses.responses.iter_mut().map(|(s, r)| (s.to_string(), r));
    let default = op.responses.default.iter_mut().map(|r| ("default".to_string(), r));
    for (status, response) in statuses.chain(default) {
        if let ReferenceOr::Item(response) = response {
            for (media, content) in response.content.iter_mut() {
                if let Some(schema) = content.schema.as_mut() {
                    out.push((format!("{location}: response {status} ({media})"), schema));
                }
            }
        }
    }
    out
}

/// The operation's parameters, request body and responses given by
/// reference, copied in, so that their schemas are the operation's own.
fn inline_parts(operation: &mut Operation, lookup: &openapiv3::Components) {
    let spec = OpenAPI {
        components: Some(lookup.clone_without_schemas()),
        ..Default::default()
    };
    for parameter in operation.parameters.iter_mut() {
        if let Ok(resolved) = crate::spec::resolve(&spec, parameter) {
            *parameter = ReferenceOr::Item(resolved.clone());
        }
    }
    if let Some(body) = operation.request_body.as_mut()
        && let Ok(resolved) = crate::spec::resolve(&spec, body)
    {
        *body = ReferenceOr::Item(resolved.clone());
    }
    let responses = operation
        .responses
        .responses
        .values_mut()
        .chain(operation.responses.default.as_mut());
    for response in responses {
        if let Ok(resolved) = crate::spec::resolve(&spec, response) {
            *response = ReferenceOr::Item(resolved.clone());
        }
    }
}

/// The names of the operation's own schema slots (its referenced
/// parameters, body and responses copied in first) that are not schema
/// references.
pub fn own_schemas(spec: &mut OpenAPI, op: &Op) -> Vec<String> {
    let components = spec.components.clone().unwrap_or_default();
    let Some(operation) = operation_mut(spec, op) else {
        return Vec::new();
    };
    inline_parts(operation, &components);
    let location = describe_operation(&op.1, &op.0, operation);
    slots(operation, &location)
        .into_iter()
        .filter(|(_, schema)| matches!(schema, ReferenceOr::Item(_)))
        .map(|(name, _)| name)
        .collect()
}

/// Types the named schema slots of the operation as any JSON, in `spec`.
pub fn blank_schemas(spec: &mut OpenAPI, op: &Op, blank: &[String]) {
    if let Some(operation) = operation_mut(spec, op) {
        let location = describe_operation(&op.1, &op.0, operation);
        for (name, schema) in slots(operation, &location) {
            if blank.contains(&name) {
                *schema = ReferenceOr::Item(any_json_schema());
            }
        }
    }
}
