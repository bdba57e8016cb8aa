//! Swagger 2.0 bodies and parameters read as OpenAPI 3.0: `in: body` and
//! `in: formData` parameters become request bodies, the other parameters'
//! type keywords their schemas.

use serde_yaml::{Mapping, Value};

use super::is_body_parameter;
use crate::input::tree::{self, get, get_mut, get_str, pointer};
use crate::rules::{Changes, Context};

/// The parameter `p` is, with a `$ref` to the 2.0 `parameters` (now under
/// `components`) resolved in `doc`.
fn resolved_parameter(p: &Value, doc: &Value) -> Value {
    match get_str(p, "$ref") {
        Some(reference) => reference
            .strip_prefix("#/components/parameters/")
            .or_else(|| reference.strip_prefix("#/parameters/"))
            .and_then(|name| {
                get(doc, "components")
                    .and_then(|c| get(c, "parameters"))
                    .and_then(|ps| get(ps, name))
            })
            .cloned()
            .unwrap_or_else(|| p.clone()),
        None => p.clone(),
    }
}

/// The parameters under `parameters` of a path item or operation, resolved.
fn resolved_parameters(holder: &Value, doc: &Value) -> Vec<Value> {
    get(holder, "parameters")
        .and_then(Value::as_sequence)
        .map(|ps| ps.iter().map(|p| resolved_parameter(p, doc)).collect())
        .unwrap_or_default()
}

/// Takes the body and form parameters out of the `parameters` list of a
/// path item or operation.
fn drop_body_parameters(holder: &mut Value, doc: &Value) {
    if let Some(Value::Sequence(ps)) = get_mut(holder, "parameters") {
        ps.retain(|p| !is_body_parameter(&resolved_parameter(p, doc)));
    }
}

/// The 2.0 keywords of a non-body parameter (or `items`) that describe its
/// value: they move into its schema.
const VALUE_KEYWORDS: [&str; 17] = [
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
    "x-nullable",
];

/// The schema a non-body parameter's value keywords describe (taken out of
/// `p`); nested `items` lose their `collectionFormat`.
pub(super) fn value_schema(p: &mut Mapping) -> Mapping {
    let mut schema = Mapping::new();
    for key in VALUE_KEYWORDS {
        if let Some(v) = p.remove(key) {
            schema.insert(key.into(), v);
        }
    }
    if let Some(Value::Mapping(items)) = schema.get_mut("items") {
        items.remove("collectionFormat");
        let inner = value_schema(items);
        *items = inner;
    }
    schema
}

fn operation_consumes(op: &Value, doc: &Value) -> Vec<String> {
    let list = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_sequence)
            .map(|s| s.iter().filter_map(|m| m.as_str().map(str::to_string)).collect())
            .unwrap_or_default()
    };
    let own = list(get(op, "consumes"));
    if own.is_empty() {
        list(get(doc, "consumes"))
    } else {
        own
    }
}

/// The request body an operation's body or form parameters make, if any.
fn body_from_parameters(params: &[Value], consumes: &[String], at: &str, changes: &mut Vec<String>) -> Option<Value> {
    if let Some(body) = params.iter().find(|p| get_str(p, "in") == Some("body")) {
        let schema = get(body, "schema").cloned().unwrap_or_else(tree::mapping);
        let types = if consumes.is_empty() {
            vec!["application/json".to_string()]
        } else {
            consumes.to_vec()
        };
        let mut content = Mapping::new();
        for t in &types {
            let mut media = Mapping::new();
            media.insert("schema".into(), schema.clone());
            content.insert(t.as_str().into(), Value::Mapping(media));
        }
        let mut request = Mapping::new();
        if let Some(d) = get(body, "description") {
            request.insert("description".into(), d.clone());
        }
        request.insert("content".into(), Value::Mapping(content));
        if get(body, "required").and_then(Value::as_bool) == Some(true) {
            request.insert("required".into(), true.into());
        }
        changes.push(format!(
            "{at}: body parameter `{}` -> requestBody {}",
            get_str(body, "name").unwrap_or_default(),
            types.join(", ")
        ));
        return Some(Value::Mapping(request));
    }
    let form: Vec<&Value> = params.iter().filter(|p| get_str(p, "in") == Some("formData")).collect();
    if form.is_empty() {
        return None;
    }
    let has_file = form.iter().any(|p| get_str(p, "type") == Some("file"));
    let media_type = if has_file || consumes.iter().any(|c| c.starts_with("multipart/form-data")) {
        "multipart/form-data"
    } else {
        "application/x-www-form-urlencoded"
    };
    let mut properties = Mapping::new();
    let mut required = Vec::new();
    for p in &form {
        let mut p = p.as_mapping().cloned().unwrap_or_default();
        let name = p.get("name").map(tree::key_text).unwrap_or_default();
        let mut schema = value_schema(&mut p);
        if let Some(d) = p.get("description") {
            schema.insert("description".into(), d.clone());
        }
        if p.get("required").and_then(Value::as_bool) == Some(true) {
            required.push(Value::String(name.clone()));
        }
        properties.insert(name.into(), Value::Mapping(schema));
    }
    let mut schema = Mapping::new();
    schema.insert("type".into(), "object".into());
    let names: Vec<String> = properties.keys().map(tree::key_text).collect();
    schema.insert("properties".into(), Value::Mapping(properties));
    let any_required = !required.is_empty();
    if any_required {
        schema.insert("required".into(), Value::Sequence(required));
    }
    let mut media = Mapping::new();
    media.insert("schema".into(), Value::Mapping(schema));
    let mut content = Mapping::new();
    content.insert(media_type.into(), Value::Mapping(media));
    let mut request = Mapping::new();
    request.insert("content".into(), Value::Mapping(content));
    if any_required {
        request.insert("required".into(), true.into());
    }
    changes.push(format!(
        "{at}: formData {} -> requestBody {media_type}",
        names.join(", ")
    ));
    Some(Value::Mapping(request))
}

/// Rule: an operation's `in: body` parameter becomes its `requestBody`,
/// one media type per `consumes` entry (JSON when there is none); its
/// `in: formData` parameters become one object schema, sent as
/// `multipart/form-data` when one is a file or `consumes` says multipart,
/// else as `application/x-www-form-urlencoded`. Path-level form
/// parameters apply to every operation of the path.
pub fn request_bodies(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    let lookup = doc.clone();
    if let Some(Value::Mapping(paths)) = get_mut(doc, "paths") {
        for (path, item) in paths.iter_mut() {
            let at = pointer("/paths", &tree::key_text(path));
            let shared = resolved_parameters(item, &lookup);
            drop_body_parameters(item, &lookup);
            for method in tree::PATH_ITEM_METHODS {
                let Some(op) = get_mut(item, method) else { continue };
                let own = resolved_parameters(op, &lookup);
                let named = |p: &Value| {
                    (
                        get_str(p, "name").map(str::to_string),
                        get_str(p, "in").map(str::to_string),
                    )
                };
                let own_names: Vec<_> = own.iter().map(named).collect();
                let params: Vec<Value> = own
                    .iter()
                    .chain(shared.iter().filter(|p| !own_names.contains(&named(p))))
                    .cloned()
                    .collect();
                let consumes = operation_consumes(op, &lookup);
                let body = body_from_parameters(&params, &consumes, &pointer(&at, method), &mut changes);
                drop_body_parameters(op, &lookup);
                let op = op.as_mapping_mut().expect("an operation is a mapping");
                op.remove("consumes");
                if let Some(body) = body {
                    op.insert("requestBody".into(), body);
                }
            }
        }
    }
    // Body and form parameters are inlined where they are used.
    if let Some(Value::Mapping(components)) = get_mut(doc, "components").and_then(|c| get_mut(c, "parameters")) {
        components.retain(|_, p| !is_body_parameter(p));
    }
    changes
}

fn schema_of_parameter(p: &mut Value, at: &str, changes: &mut Vec<String>) {
    let Some(map) = p.as_mapping_mut() else { return };
    if map.contains_key("$ref") || map.contains_key("schema") || map.contains_key("content") {
        return;
    }
    let location = map.get("in").and_then(Value::as_str).unwrap_or_default().to_string();
    let collection = map
        .remove("collectionFormat")
        .and_then(|v| v.as_str().map(str::to_string));
    let schema = value_schema(map);
    if schema.is_empty() {
        return;
    }
    map.insert("schema".into(), Value::Mapping(schema));
    let mut change = format!("{at}: type keywords -> schema");
    if let Some(format) = collection {
        let (style, explode) = match (format.as_str(), location.as_str()) {
            ("multi", _) => ("form", true),
            ("ssv", _) => ("spaceDelimited", false),
            ("pipes", _) => ("pipeDelimited", false),
            (_, "query" | "cookie") => ("form", false),
            _ => ("simple", false),
        };
        map.insert("style".into(), style.into());
        map.insert("explode".into(), explode.into());
        change.push_str(&format!(
            ", collectionFormat {format} -> style {style}, explode {explode}"
        ));
    }
    changes.push(change);
}

/// Rule: a non-body parameter's `type`, `format`, `items`, `enum`,
/// `default` and bounds move into its `schema`; `collectionFormat` becomes
/// `style` and `explode` (`csv` the 3.0 default, `multi` exploded form,
/// `ssv` and `pipes` delimited; `tsv`, which 3.0 cannot say, as `csv`).
pub fn parameter_schemas(doc: &mut Value, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    if let Some(Value::Mapping(params)) = get_mut(doc, "components").and_then(|c| get_mut(c, "parameters")) {
        for (name, p) in params.iter_mut() {
            let at = pointer("/components/parameters", &tree::key_text(name));
            schema_of_parameter(p, &at, &mut changes);
        }
    }
    let Some(Value::Mapping(paths)) = get_mut(doc, "paths") else {
        return changes;
    };
    for (path, item) in paths.iter_mut() {
        let at = pointer("/paths", &tree::key_text(path));
        let mut lists: Vec<(String, &mut Value)> = Vec::new();
        if let Some(Value::Mapping(item)) = Some(item) {
            for (key, value) in item.iter_mut() {
                let key = tree::key_text(key);
                if key == "parameters" {
                    lists.push((pointer(&at, "parameters"), value));
                } else if tree::PATH_ITEM_METHODS.contains(&key.as_str())
                    && let Some(ps) = get_mut(value, "parameters")
                {
                    lists.push((pointer(&pointer(&at, &key), "parameters"), ps));
                }
            }
        }
        for (list_at, list) in lists {
            if let Value::Sequence(ps) = list {
                for (i, p) in ps.iter_mut().enumerate() {
                    schema_of_parameter(p, &pointer(&list_at, &i.to_string()), &mut changes);
                }
            }
        }
    }
    changes
}
