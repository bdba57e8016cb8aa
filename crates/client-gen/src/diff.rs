//! What changed between two versions of a spec, in API terms: operations,
//! parameters, body parts, response statuses and top-level response
//! fields, enum values, required-ness and defaults, each marked additive
//! or breaking for a client (the way oasdiff classifies: what an existing
//! caller may now send wrongly, or may no longer receive, is breaking).
//! Descriptions and examples are not API: a change of them alone reports
//! "no API change".

use std::collections::BTreeMap;

use anyhow::Result;
use openapiv3::{OpenAPI, Operation, Parameter, ReferenceOr, Schema, SchemaKind, Type};

use crate::input;
use crate::spec::{resolve, resolve_boxed};

/// Whether a change can break an existing client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Callers may have to change.
    Breaking,
    /// Callers keep working.
    Additive,
}

/// One change, in API terms.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Change {
    /// Breaking or additive.
    pub impact: Impact,
    /// `POST /path: part `x` is now required`.
    pub what: String,
}

impl std::fmt::Display for Change {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let label = match self.impact {
            Impact::Breaking => "breaking",
            Impact::Additive => "additive",
        };
        write!(f, "{label}: {}", self.what)
    }
}

/// A field of an object schema (a body part, a response field) as the
/// comparison sees it.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    required: bool,
    enumeration: Vec<String>,
    default: Option<String>,
}

fn enum_values(schema: &Schema) -> Vec<String> {
    let text = |v: &Option<String>| v.as_ref().map_or_else(|| "null".to_string(), |s| format!("{s:?}"));
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().map(text).collect(),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().map(|v| format!("{v:?}")).collect(),
        SchemaKind::Any(a) => a.enumeration.iter().map(ToString::to_string).collect(),
        _ => Vec::new(),
    }
}

fn field(spec: &OpenAPI, schema: &Schema, required: bool) -> Field {
    let resolved = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } if all_of.len() == 1 => resolve(spec, &all_of[0]).unwrap_or(schema),
        _ => schema,
    };
    Field {
        required,
        enumeration: enum_values(resolved),
        default: schema.schema_data.default.as_ref().map(ToString::to_string),
    }
}

/// How deep [`fields`] follows nested objects (`data.task_id` is 2).
const NESTING: usize = 4;

/// The properties of an object schema (through references), by name, and
/// those of the objects nested in it by dotted name (`data.task_id`), a
/// field of an optional object counting as optional.
fn fields(spec: &OpenAPI, schema: Option<&ReferenceOr<Schema>>) -> BTreeMap<String, Field> {
    let mut out = BTreeMap::new();
    if let Some(schema) = schema.and_then(|s| resolve(spec, s).ok()) {
        nested_fields(spec, schema, "", true, NESTING, &mut out);
    }
    out
}

fn nested_fields(
    spec: &OpenAPI,
    schema: &Schema,
    prefix: &str,
    required_here: bool,
    depth: usize,
    out: &mut BTreeMap<String, Field>,
) {
    let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
        return;
    };
    for (name, property) in &object.properties {
        let Ok(property) = resolve_boxed(spec, property) else {
            continue;
        };
        let required = required_here && object.required.contains(name);
        let path = format!("{prefix}{name}");
        out.insert(path.clone(), field(spec, property, required));
        if depth > 1 {
            nested_fields(spec, property, &format!("{path}."), required, depth - 1, out);
        }
    }
}

/// Compares one set of named fields; `kind` names them (`part`,
/// `parameter`, `response field`); `request` says whether the caller sends
/// them (then a new required one breaks) or receives them (then a removed
/// one breaks).
fn compare_fields(
    at: &str,
    kind: &str,
    request: bool,
    old: &BTreeMap<String, Field>,
    new: &BTreeMap<String, Field>,
    out: &mut Vec<Change>,
) {
    let mut push = |impact, what: String| {
        out.push(Change {
            impact,
            what: format!("{at}: {what}"),
        })
    };
    for (name, was) in old {
        let Some(now) = new.get(name) else {
            push(Impact::Breaking, format!("{kind} `{name}` removed"));
            continue;
        };
        if request && !was.required && now.required {
            push(Impact::Breaking, format!("{kind} `{name}` is now required"));
        }
        if request && was.required && !now.required {
            push(Impact::Additive, format!("{kind} `{name}` is now optional"));
        }
        if !request && was.required && !now.required {
            push(Impact::Breaking, format!("{kind} `{name}` may now be missing"));
        }
        for value in was.enumeration.iter().filter(|v| !now.enumeration.contains(v)) {
            if !now.enumeration.is_empty() {
                push(Impact::Breaking, format!("{kind} `{name}`: enum value {value} removed"));
            }
        }
        for value in now.enumeration.iter().filter(|v| !was.enumeration.contains(v)) {
            if !was.enumeration.is_empty() {
                let impact = if request { Impact::Additive } else { Impact::Breaking };
                push(impact, format!("{kind} `{name}`: enum value {value} added"));
            }
        }
        if was.default != now.default {
            push(
                Impact::Additive,
                format!(
                    "{kind} `{name}`: default {} -> {}",
                    was.default.as_deref().unwrap_or("none"),
                    now.default.as_deref().unwrap_or("none")
                ),
            );
        }
    }
    for (name, now) in new.iter().filter(|(n, _)| !old.contains_key(*n)) {
        let impact = if request && now.required {
            Impact::Breaking
        } else {
            Impact::Additive
        };
        let required = if now.required { "required" } else { "optional" };
        push(impact, format!("{required} {kind} `{name}` added"));
    }
}

fn operations(spec: &OpenAPI) -> BTreeMap<String, &Operation> {
    let mut out = BTreeMap::new();
    for (path, item) in &spec.paths.paths {
        let Some(item) = item.as_item() else { continue };
        for (method, op) in item.iter() {
            out.insert(format!("{} {path}", method.to_uppercase()), op);
        }
    }
    out
}

fn parameters(spec: &OpenAPI, op: &Operation) -> BTreeMap<String, Field> {
    op.parameters
        .iter()
        .filter_map(|p| resolve::<Parameter>(spec, p).ok())
        .filter_map(|p| {
            let data = p.parameter_data_ref();
            let schema = match &data.format {
                openapiv3::ParameterSchemaOrContent::Schema(s) => resolve(spec, s).ok()?,
                openapiv3::ParameterSchemaOrContent::Content(_) => return None,
            };
            Some((data.name.clone(), field(spec, schema, data.required)))
        })
        .collect()
}

fn body_fields(spec: &OpenAPI, op: &Operation) -> BTreeMap<String, Field> {
    let Some(body) = op.request_body.as_ref().and_then(|b| resolve(spec, b).ok()) else {
        return BTreeMap::new();
    };
    let mut all = BTreeMap::new();
    for media in body.content.values() {
        all.extend(fields(spec, media.schema.as_ref()));
    }
    all
}

fn responses(spec: &OpenAPI, op: &Operation) -> BTreeMap<String, BTreeMap<String, Field>> {
    let entries = op
        .responses
        .responses
        .iter()
        .map(|(s, r)| (s.to_string(), r))
        .chain(op.responses.default.iter().map(|r| ("default".to_string(), r)));
    entries
        .filter_map(|(status, r)| {
            let r = resolve(spec, r).ok()?;
            let mut all = BTreeMap::new();
            for media in r.content.values() {
                all.extend(fields(spec, media.schema.as_ref()));
            }
            Some((status, all))
        })
        .collect()
}

/// The changes from `old` to `new` (each a spec text, any version this
/// generator reads), breaking ones first.
pub fn diff(old_text: &str, new_text: &str) -> Result<Vec<Change>> {
    let old = input::read(old_text, "the old spec")?.spec;
    let new = input::read(new_text, "the new spec")?.spec;
    let (old_ops, new_ops) = (operations(&old), operations(&new));
    let mut out = Vec::new();
    for (at, was) in &old_ops {
        let Some(now) = new_ops.get(at) else {
            out.push(Change {
                impact: Impact::Breaking,
                what: format!("{at}: operation removed"),
            });
            continue;
        };
        compare_fields(
            at,
            "parameter",
            true,
            &parameters(&old, was),
            &parameters(&new, now),
            &mut out,
        );
        compare_fields(
            at,
            "part",
            true,
            &body_fields(&old, was),
            &body_fields(&new, now),
            &mut out,
        );
        let (was_r, now_r) = (responses(&old, was), responses(&new, now));
        for (status, fields_was) in &was_r {
            match now_r.get(status) {
                None => out.push(Change {
                    impact: Impact::Breaking,
                    what: format!("{at}: response {status} removed"),
                }),
                Some(fields_now) => compare_fields(
                    &format!("{at}: response {status}"),
                    "field",
                    false,
                    fields_was,
                    fields_now,
                    &mut out,
                ),
            }
        }
        for status in now_r.keys().filter(|s| !was_r.contains_key(*s)) {
            out.push(Change {
                impact: Impact::Additive,
                what: format!("{at}: response {status} added"),
            });
        }
    }
    for at in new_ops.keys().filter(|k| !old_ops.contains_key(*k)) {
        out.push(Change {
            impact: Impact::Additive,
            what: format!("{at}: operation added"),
        });
    }
    out.sort();
    Ok(out)
}

/// The report as Markdown lines: a verdict, then each change.
pub fn report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "No API change (descriptions, examples or formatting only).\n".to_string();
    }
    let breaking = changes.iter().filter(|c| c.impact == Impact::Breaking).count();
    let mut out = if breaking > 0 {
        format!("Breaking for clients: {breaking} of {} change(s).\n\n", changes.len())
    } else {
        format!("Additive only: {} change(s).\n\n", changes.len())
    };
    for change in changes {
        out.push_str(&format!("- {change}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const OLD: &str = r#"
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /remix:
    post:
      operationId: remix
      parameters:
        - {name: mode, in: query, schema: {type: string, enum: [fast, slow]}}
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              required: [image_file]
              properties:
                image_file: {type: string, format: binary, description: old words}
                image_request: {type: string}
                style: {type: string, enum: [AUTO, REALISTIC, ANIME], default: AUTO}
                seed: {type: integer}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id, status]
                properties:
                  id: {type: string}
                  status: {type: string, enum: [queued, done]}
        "429": {description: slow down}
  /old:
    get:
      responses: {"200": {description: ok}}
"#;

    #[test]
    fn each_kind_of_change_is_named_and_classified() {
        let new = OLD
            .replace("required: [image_file]", "required: [image_file, image_request]")
            .replace(
                "[AUTO, REALISTIC, ANIME], default: AUTO",
                "[AUTO, REALISTIC], default: REALISTIC",
            )
            .replace(
                "                seed: {type: integer}\n",
                "                seed: {type: integer}\n                mask: {type: string, format: binary}\n",
            )
            .replace("enum: [fast, slow]", "enum: [fast, slow, balanced]")
            .replace("enum: [queued, done]", "enum: [queued, done, failed]")
            .replace("required: [id, status]", "required: [id]")
            .replace(
                "        \"429\": {description: slow down}\n",
                "        \"503\": {description: busy}\n",
            )
            .replace("  /old:\n    get:\n", "  /new:\n    get:\n")
            .replace("old words", "new words");
        let changes: Vec<String> = diff(OLD, &new).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            vec![
                "breaking: GET /old: operation removed",
                "breaking: POST /remix: part `image_request` is now required",
                "breaking: POST /remix: part `style`: enum value \"ANIME\" removed",
                "breaking: POST /remix: response 200: field `status` may now be missing",
                "breaking: POST /remix: response 200: field `status`: enum value \"failed\" added",
                "breaking: POST /remix: response 429 removed",
                "additive: GET /new: operation added",
                "additive: POST /remix: optional part `mask` added",
                "additive: POST /remix: parameter `mode`: enum value \"balanced\" added",
                "additive: POST /remix: part `style`: default \"AUTO\" -> \"REALISTIC\"",
                "additive: POST /remix: response 503 added",
            ]
        );
    }

    #[test]
    fn fields_of_nested_objects_are_compared_by_dotted_name() {
        let old = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /remix:
    post:
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [data]
                properties:
                  data:
                    type: object
                    required: [task_id]
                    properties:
                      task_id: {type: string}
                      status: {type: string, enum: [queued, done]}
"#;
        let new = old
            .replace(
                "                      task_id: {type: string}\n",
                "                      task_id: {type: string}\n                      credits: {type: integer}\n",
            )
            .replace("enum: [queued, done]", "enum: [queued]");
        let changes: Vec<String> = diff(old, &new).unwrap().iter().map(ToString::to_string).collect();
        assert_eq!(
            changes,
            vec![
                "breaking: POST /remix: response 200: field `data.status`: enum value \"done\" removed",
                "additive: POST /remix: response 200: optional field `data.credits` added",
            ]
        );
    }

    #[test]
    fn descriptions_alone_are_no_api_change() {
        let new = OLD
            .replace("old words", "new words")
            .replace("description: ok", "description: fine");
        let changes = diff(OLD, &new).unwrap();
        assert!(changes.is_empty(), "{changes:?}");
        assert!(report(&changes).starts_with("No API change"));
    }
}
