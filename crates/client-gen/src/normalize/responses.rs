//! Rules on responses: the shapes progenitor 0.15.1 panics or `todo!`s on.

use anyhow::Result;
use openapiv3::{MediaType, OpenAPI, ReferenceOr, Response, Schema, SchemaKind, StatusCode};

use super::each_operation;
use crate::rules::{Changes, Context};
use crate::spec::{MediaKind, Site, StatusClass, describe_operation, operations_mut, responses_mut};

fn status_text(status: Option<&StatusCode>) -> String {
    status.map_or_else(|| "default".to_string(), |s| s.to_string())
}

/// Calls `change` on the JSON media of every response of every operation
/// (responses inlined first); collects the changes it reports.
fn each_json_response(
    spec: &mut OpenAPI,
    ctx: &mut Context,
    mut change: impl FnMut(&mut MediaType) -> Option<String>,
) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        for (status, response) in responses_mut(lookup, op)? {
            for (media_type, media) in response.content.iter_mut() {
                if MediaKind::of(media_type) == MediaKind::Json
                    && let Some(what) = change(media)
                {
                    changes.push(format!("{}: response {}: {what}", site.location, status_text(status)));
                }
            }
        }
        Ok(())
    })
}

/// Rule: `encoding` on a JSON response is dropped: it means nothing there,
/// and progenitor 0.15.1 asserts there is none.
pub fn drop_encoding_from_responses(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_json_response(spec, ctx, |media| {
        (!media.encoding.is_empty()).then(|| {
            media.encoding.clear();
            "encoding dropped".to_string()
        })
    })
}

/// Rule: a JSON response without a schema gets the empty schema (any JSON,
/// a `serde_json::Value`), where progenitor 0.15.1 `todo!`s.
pub fn type_schemaless_json_responses(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_json_response(spec, ctx, |media| {
        media.schema.is_none().then(|| {
            media.schema = Some(ReferenceOr::Item(crate::spec::any_json_schema()));
            "no schema -> any JSON (serde_json::Value)".to_string()
        })
    })
}

/// Rule: a `default` response beside explicit success responses describes
/// the other statuses, the errors, but progenitor 0.15.1 counts it as a
/// success too and panics on the two body types. It becomes `4XX` and `5XX`
/// for each range that has no explicit status (an explicit one would make
/// the range's match arm shadow it), and is dropped otherwise.
pub fn default_response_means_errors(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let location = describe_operation(method, path, op);
        let responses = &mut op.responses;
        if responses.default.is_none() || !responses.responses.keys().any(|s| StatusClass::Success.holds(s)) {
            continue;
        }
        let default = responses.default.take().expect("checked above");
        let mut ranges = Vec::new();
        for range in [4u16, 5] {
            let taken = responses.responses.keys().any(|s| match s {
                StatusCode::Code(code) => code / 100 == range,
                StatusCode::Range(r) => *r == range,
            });
            if !taken {
                responses.responses.insert(StatusCode::Range(range), default.clone());
                ranges.push(format!("{range}XX"));
            }
        }
        changes.push(if ranges.is_empty() {
            format!("{location}: default dropped (every error range has explicit statuses)")
        } else {
            format!("{location}: default -> {}", ranges.join(", "))
        });
    }
    changes
}

/// The schema's JSON with what only annotates it (examples, descriptions,
/// titles) taken out: two bodies equal here are one Rust type.
fn shape(schema: &serde_json::Value, in_properties: bool) -> serde_json::Value {
    use serde_json::Value;
    match schema {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(k, _)| {
                    in_properties || !matches!(k.as_str(), "example" | "examples" | "description" | "title")
                })
                .map(|(k, v)| (k.clone(), shape(v, !in_properties && k == "properties")))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(|v| shape(v, false)).collect()),
        other => other.clone(),
    }
}

/// The statuses of `op` in each class, as progenitor groups them.
fn classes(op: &openapiv3::Operation) -> [(StatusClass, Vec<Option<StatusCode>>); 2] {
    let statuses: Vec<Option<StatusCode>> = op
        .responses
        .responses
        .keys()
        .cloned()
        .map(Some)
        .chain(op.responses.default.iter().map(|_| None))
        .collect();
    let has_success_range = statuses.contains(&Some(StatusCode::Range(2)));
    StatusClass::ALL.map(|class| {
        let members = statuses
            .iter()
            .filter(|s| class.counts(s.as_ref(), has_success_range))
            .cloned()
            .collect();
        (class, members)
    })
}

fn response_mut<'a>(op: &'a mut openapiv3::Operation, status: &Option<StatusCode>) -> Option<&'a mut Response> {
    let slot = match status {
        Some(s) => op.responses.responses.get_mut(s)?,
        None => op.responses.default.as_mut()?,
    };
    match slot {
        ReferenceOr::Item(response) => Some(response),
        ReferenceOr::Reference { .. } => None,
    }
}

fn json_schema_mut(response: &mut Response) -> Option<&mut ReferenceOr<Schema>> {
    response
        .content
        .iter_mut()
        .find(|(k, _)| MediaKind::of(k) == MediaKind::Json)
        .and_then(|(_, m)| m.schema.as_mut())
}

/// A response's status (`None`: `default`) and its JSON body schema.
type Body = (Option<StatusCode>, ReferenceOr<Schema>);

/// The JSON bodies of one class: each status with its schema, and the
/// distinct shapes among them (first schema of each).
fn class_bodies(
    op: &mut openapiv3::Operation,
    statuses: &[Option<StatusCode>],
) -> (Vec<Body>, Vec<ReferenceOr<Schema>>) {
    let mut bodies = Vec::new();
    for status in statuses {
        if let Some(schema) = response_mut(op, status).and_then(json_schema_mut) {
            bodies.push((status.clone(), schema.clone()));
        }
    }
    let mut keys: Vec<serde_json::Value> = Vec::new();
    let mut shapes = Vec::new();
    for (_, schema) in &bodies {
        let key = shape(&serde_json::to_value(schema).unwrap_or_default(), false);
        if !keys.contains(&key) {
            keys.push(key);
            shapes.push(schema.clone());
        }
    }
    (bodies, shapes)
}

/// The names of the components the rule adds, and the ones already there.
struct Added {
    taken: Vec<String>,
    schemas: Vec<(String, ReferenceOr<Schema>)>,
}

impl Added {
    /// A component `{Operation}{Class}Body`: one of `shapes`; its reference.
    fn one_of(
        &mut self,
        op_id: &str,
        class: StatusClass,
        shapes: Vec<ReferenceOr<Schema>>,
        site: &Site,
    ) -> Result<String> {
        let name = format!(
            "{}{}Body",
            crate::names::progenitor(op_id, crate::names::Case::Pascal),
            class.title()
        );
        if self.taken.contains(&name) {
            return Err(site.refuse(format!(
                "components.schemas.{name} exists; the {} bodies of several shapes need that name",
                class.as_str()
            )));
        }
        self.taken.push(name.clone());
        self.schemas.push((
            name.clone(),
            ReferenceOr::Item(Schema {
                schema_data: Default::default(),
                schema_kind: SchemaKind::OneOf { one_of: shapes },
            }),
        ));
        Ok(name)
    }
}

/// Rule: progenitor 0.15.1 takes one body type per class of responses
/// (success, error). Where a class has JSON bodies of several schemas:
/// schemas that differ only in examples, descriptions or titles become the
/// first of them (one type); schemas of different shapes become one
/// component, `{Operation}{Class}Body`, a `oneOf` of them in status order,
/// which typify makes an untagged enum: the caller matches on the variant
/// (the shape) and on the status the response value carries.
pub fn one_body_type_per_response_class(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    let mut added = Added {
        taken: spec.components.iter().flat_map(|c| c.schemas.keys().cloned()).collect(),
        schemas: Vec::new(),
    };
    let changes = each_operation(spec, ctx, |lookup, site, op, _, changes| {
        responses_mut(lookup, op)?;
        let operation_id = op.operation_id.clone().unwrap_or_default();
        for (class, statuses) in classes(op) {
            let (bodies, shapes) = class_bodies(op, &statuses);
            let mut distinct: Vec<&ReferenceOr<Schema>> = Vec::new();
            for (_, s) in &bodies {
                if !distinct.contains(&s) {
                    distinct.push(s);
                }
            }
            if distinct.len() < 2 {
                continue;
            }
            let listed: Vec<String> = bodies.iter().map(|(s, _)| status_text(s.as_ref())).collect();
            let (class_name, listed) = (class.as_str(), listed.join(", "));
            let target = if shapes.len() == 1 {
                changes.push(format!(
                    "{}: {class_name} {listed} carry one shape (differing in examples or descriptions): the first's schema for all",
                    site.location
                ));
                shapes[0].clone()
            } else {
                let n = shapes.len();
                let name = added.one_of(&operation_id, class, shapes, site)?;
                changes.push(format!(
                    "{}: {class_name} {listed} carry {n} shapes -> components.schemas.{name}, one of them (an untagged enum)",
                    site.location
                ));
                ReferenceOr::ref_(&format!("#/components/schemas/{name}"))
            };
            for status in &statuses {
                if let Some(schema) = response_mut(op, status).and_then(json_schema_mut) {
                    *schema = target.clone();
                }
            }
        }
        Ok(())
    });
    if !added.schemas.is_empty() {
        spec.components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(added.schemas);
    }
    changes
}

/// A response body as progenitor types it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum BodyKind {
    /// JSON, of this schema (its JSON text, so two equal schemas compare
    /// equal).
    Typed(String),
    /// Some other media type: a byte stream.
    Raw,
    /// No body.
    None,
}

fn body_kind(response: &Response) -> BodyKind {
    let json: Option<&MediaType> = response
        .content
        .iter()
        .find(|(k, _)| MediaKind::of(k) == MediaKind::Json)
        .map(|(_, m)| m);
    match json {
        Some(media) => BodyKind::Typed(serde_json::to_string(&media.schema).unwrap_or_default()),
        None if response.content.is_empty() => BodyKind::None,
        None => BodyKind::Raw,
    }
}

fn schema_label(kind: &BodyKind) -> String {
    match kind {
        BodyKind::Typed(json) => json
            .split("#/components/schemas/")
            .nth(1)
            .map(|rest| rest.trim_end_matches(['"', '}']).to_string())
            .unwrap_or_else(|| "an inline schema".into()),
        BodyKind::Raw => "raw".into(),
        BodyKind::None => "none".into(),
    }
}

/// What to drop from one class of responses (`members`) so that it keeps
/// one body kind, and the change to report; `None` when nothing is.
fn class_drops(
    site: &Site,
    class: StatusClass,
    members: &[&(Option<StatusCode>, BodyKind)],
) -> Result<Option<(Vec<Option<StatusCode>>, String)>> {
    let mut typed: Vec<&BodyKind> = members
        .iter()
        .map(|(_, k)| k)
        .filter(|k| matches!(k, BodyKind::Typed(_)))
        .collect();
    typed.dedup();
    if typed.len() > 1 {
        let labels: Vec<String> = typed.iter().map(|k| schema_label(k)).collect();
        return Err(site.refuse(format!(
            "the {} responses carry different JSON bodies ({}); progenitor 0.15.1 \
             generates one body type per class of responses, so this operation cannot be generated",
            class.as_str(),
            labels.join(", ")
        )));
    }
    let keep = match typed.first() {
        Some(kind) => (*kind).clone(),
        None if members.iter().any(|(_, k)| *k == BodyKind::Raw) => BodyKind::Raw,
        None => return Ok(None),
    };
    let off: Vec<&Option<StatusCode>> = members.iter().filter(|(_, k)| *k != keep).map(|(s, _)| s).collect();
    if off.is_empty() {
        return Ok(None);
    }
    let statuses: Vec<String> = off.iter().map(|s| status_text(s.as_ref())).collect();
    let beside = match &keep {
        BodyKind::Typed(_) => format!("the typed {}", schema_label(&keep)),
        _ => "a raw body".to_string(),
    };
    let change = format!(
        "{}: {} {} without that body dropped beside {beside}; they arrive as Error::UnexpectedResponse",
        site.location,
        class.as_str(),
        statuses.join(", ")
    );
    Ok(Some((off.into_iter().cloned().collect(), change)))
}

/// Rule: progenitor 0.15.1 takes one body type per class of responses
/// (success, error) and panics otherwise. Where a class mixes one JSON
/// body with bodiless (or raw) ones, the others are dropped: they reach
/// the caller as `Error::UnexpectedResponse`, status and body intact. Where
/// it mixes a raw body with bodiless ones, the bodiless ones are dropped.
/// Two different JSON bodies in one class cannot be generated: an error
/// names the operation and the schemas.
pub fn drop_bodiless_responses_beside_typed(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        let kinds: Vec<(Option<StatusCode>, BodyKind)> = responses_mut(lookup, op)?
            .into_iter()
            .map(|(status, response)| (status.cloned(), body_kind(response)))
            .collect();
        let has_success_range = kinds.iter().any(|(s, _)| s == &Some(StatusCode::Range(2)));
        let mut dropped: Vec<Option<StatusCode>> = Vec::new();
        for class in StatusClass::ALL {
            let members: Vec<&(Option<StatusCode>, BodyKind)> = kinds
                .iter()
                .filter(|(s, _)| class.counts(s.as_ref(), has_success_range))
                .collect();
            if let Some((off, change)) = class_drops(site, class, &members)? {
                changes.push(change);
                dropped.extend(off);
            }
        }
        for status in dropped {
            match status {
                Some(status) => {
                    op.responses.responses.shift_remove(&status);
                }
                None => op.responses.default = None,
            }
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{operation, spec};

    const SPEC: &str = r#"
components:
  schemas:
    Err: {type: object, properties: {error: {type: string}}}
    Ok: {type: object}
  responses:
    Safety:
      description: safety
      content:
        application/json:
          schema: {$ref: '#/components/schemas/Err'}
          encoding:
            error: {contentType: text/plain}
paths:
  /edit:
    post:
      operationId: edit
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Ok'}
        "400": {description: bad}
        "403": {description: forbidden}
        "422": {$ref: '#/components/responses/Safety'}
        "429": {description: slow down}
  /blob:
    get:
      operationId: blob
      responses:
        "200":
          description: ok
          content:
            application/json: {}
        default:
          description: error
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Err'}
"#;

    #[test]
    fn bodiless_errors_beside_a_typed_one_are_dropped() {
        let mut s = spec(SPEC);
        default_response_means_errors(&mut s, &mut Context::default());
        let changes = drop_bodiless_responses_beside_typed(&mut s, &mut Context::default());
        assert_eq!(
            changes[0],
            "POST /edit (edit): error 400, 403, 429 without that body dropped beside the typed Err; \
             they arrive as Error::UnexpectedResponse"
        );
        let statuses: Vec<String> = operation(&s, "/edit", "post")
            .responses
            .responses
            .keys()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(statuses, vec!["200", "422"]);
    }

    #[test]
    fn two_json_bodies_in_one_class_name_the_operation() {
        let mut s = spec(&SPEC.replace(
            "        \"400\": {description: bad}\n",
            "        \"400\":\n          description: bad\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Ok'}\n",
        ));
        default_response_means_errors(&mut s, &mut Context::default());
        let mut ctx = Context::default();
        drop_bodiless_responses_beside_typed(&mut s, &mut ctx);
        let err = ctx.left_out[0].to_string();
        assert!(err.contains("POST /edit (edit)") && err.contains("Ok, Err"), "{err}");
    }

    /// [`SPEC`] after `rule`, and the changes it reported.
    fn after(rule: fn(&mut OpenAPI, &mut Context) -> Changes) -> (OpenAPI, Vec<String>) {
        let mut s = spec(SPEC);
        let changes = rule(&mut s, &mut Context::default());
        (s, changes)
    }

    /// The JSON media of the `status` response of `method path`.
    fn json_response<'a>(s: &'a OpenAPI, path: &str, method: &str, status: u16) -> &'a MediaType {
        let op = operation(s, path, method);
        &op.responses.responses[&StatusCode::Code(status)]
            .as_item()
            .unwrap()
            .content["application/json"]
    }

    #[test]
    fn encoding_on_a_response_is_dropped_in_this_operation_only() {
        let (s, changes) = after(drop_encoding_from_responses);
        assert_eq!(changes, vec!["POST /edit (edit): response 422: encoding dropped"]);
        assert!(json_response(&s, "/edit", "post", 422).encoding.is_empty());
    }

    #[test]
    fn a_schemaless_json_response_becomes_any_json() {
        let (s, changes) = after(type_schemaless_json_responses);
        assert_eq!(
            changes,
            vec!["GET /blob (blob): response 200: no schema -> any JSON (serde_json::Value)"]
        );
        let media = json_response(&s, "/blob", "get", 200);
        assert!(matches!(
            media.schema,
            Some(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Any(_),
                ..
            }))
        ));
    }

    #[test]
    fn a_default_beside_successes_becomes_the_free_error_ranges() {
        let mut s = spec(SPEC);
        let changes = default_response_means_errors(&mut s, &mut Context::default());
        assert_eq!(changes, vec!["GET /blob (blob): default -> 4XX, 5XX"]);
        let op = operation(&s, "/blob", "get");
        assert!(op.responses.default.is_none());
        assert!(op.responses.responses.contains_key(&StatusCode::Range(4)));
        let mut s = spec(&SPEC.replace(
            "        default:\n",
            "        \"404\": {description: nf}\n        \"503\": {description: down}\n        default:\n",
        ));
        let changes = default_response_means_errors(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec!["GET /blob (blob): default dropped (every error range has explicit statuses)"]
        );
    }
}
