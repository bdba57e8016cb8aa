//! Rules on the request bodies progenitor generates itself.

use anyhow::{Result, anyhow};
use openapiv3::{ObjectType, OpenAPI, ReferenceOr, Schema, SchemaKind, Type};

use super::{MediaKind, RuleReport, Site, body_mut, describe_operation, json_media, operations_mut, resolve};

/// Rule: a request body with more than one media type (left after the
/// multipart split) keeps one, because progenitor 0.15.1 `todo!`s on more:
/// the JSON one if there is one, else the first. Each dropped media type is
/// reported; the body's content is the same in each, so the method sends
/// the same data.
pub fn keep_one_body_media_type(spec: &mut OpenAPI) -> Result<RuleReport> {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let location = describe_operation(method, path, op);
        let Some(body) = body_mut(&lookup, op)? else { continue };
        if body.content.len() < 2 {
            continue;
        }
        let keep = json_media(&body.content)
            .or_else(|| body.content.keys().next().map(String::as_str))
            .map(str::to_string)
            .expect("at least two media types");
        let dropped: Vec<String> = body.content.keys().filter(|k| **k != keep).cloned().collect();
        body.content.retain(|k, _| *k == keep);
        changes.push(format!("{location}: kept {keep}, dropped {}", dropped.join(", ")));
    }
    Ok(RuleReport::new("keep_one_body_media_type", changes))
}

/// Rule: `encoding` on a JSON request body is dropped. OpenAPI gives it a
/// meaning only for multipart and form bodies, and progenitor 0.15.1
/// `todo!`s on it.
pub fn drop_encoding_from_json_bodies(spec: &mut OpenAPI) -> Result<RuleReport> {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let location = describe_operation(method, path, op);
        let Some(body) = body_mut(&lookup, op)? else { continue };
        for (media_type, media) in body.content.iter_mut() {
            if MediaKind::of(media_type) == MediaKind::Json && !media.encoding.is_empty() {
                let properties: Vec<&str> = media.encoding.keys().map(String::as_str).collect();
                changes.push(format!(
                    "{location}: {media_type} body: encoding of {} dropped",
                    properties.join(", ")
                ));
                media.encoding.clear();
            }
        }
    }
    Ok(RuleReport::new("drop_encoding_from_json_bodies", changes))
}

/// The members of an `allOf` schema, with the object keywords written
/// beside it (which openapiv3 reads as an `Any` schema) as one more member.
fn all_of_members(schema: &Schema) -> Option<Vec<ReferenceOr<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => Some(all_of.clone()),
        SchemaKind::Any(any) if !any.all_of.is_empty() => {
            let mut members = any.all_of.clone();
            if !any.properties.is_empty() {
                members.push(ReferenceOr::Item(Schema {
                    schema_data: Default::default(),
                    schema_kind: SchemaKind::Type(Type::Object(ObjectType {
                        properties: any.properties.clone(),
                        required: any.required.clone(),
                        ..Default::default()
                    })),
                }));
            }
            Some(members)
        }
        _ => None,
    }
}

/// The one object an `allOf` of objects means: every member's properties
/// (in order) and required names. A property two members give different
/// schemas is an error.
fn merge_objects(spec: &OpenAPI, members: &[ReferenceOr<Schema>], depth: usize) -> Result<ObjectType> {
    let mut merged = ObjectType::default();
    for member in members {
        let schema = resolve(spec, member)?;
        let object = match (&schema.schema_kind, all_of_members(schema)) {
            (_, Some(inner)) if depth < 8 => merge_objects(spec, &inner, depth + 1)?,
            (SchemaKind::Type(Type::Object(object)), _) => object.clone(),
            _ => return Err(anyhow!("an allOf member is not an object")),
        };
        for (name, property) in object.properties {
            match merged.properties.get(&name) {
                Some(existing) if *existing != property => {
                    return Err(anyhow!("allOf members give property `{name}` different schemas"));
                }
                _ => {
                    merged.properties.insert(name, property);
                }
            }
        }
        for name in object.required {
            if !merged.required.contains(&name) {
                merged.required.push(name);
            }
        }
        if merged.additional_properties.is_none() {
            merged.additional_properties = object.additional_properties;
        }
    }
    Ok(merged)
}

/// Rule: a request body whose schema is an `allOf` of objects (inline, or
/// for a multipart body also through a `$ref`) becomes the one object they
/// mean, inline: the multipart emitter sends one part per property, and
/// progenitor types one struct. A member that is not an object, or two
/// members that type one property differently, leave the operation out
/// with the reason.
pub fn merge_all_of_bodies(spec: &mut OpenAPI) -> Result<RuleReport> {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let site = Site::of(method, path, op);
        let Some(body) = body_mut(&lookup, op)? else { continue };
        for (media_type, media) in body.content.iter_mut() {
            let Some(schema) = media.schema.as_mut() else { continue };
            let multipart = MediaKind::of(media_type) == MediaKind::Multipart;
            let resolved = match schema {
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { .. } if multipart => resolve(&lookup, schema)?.clone(),
                ReferenceOr::Reference { .. } => continue,
            };
            let Some(members) = all_of_members(&resolved) else {
                continue;
            };
            let object =
                merge_objects(&lookup, &members, 0).map_err(|e| site.refuse(format!("the {media_type} body: {e}")))?;
            changes.push(format!(
                "{}: {media_type} body: allOf of {} -> one object of {} properties",
                site.location,
                members.len(),
                object.properties.len()
            ));
            *schema = ReferenceOr::Item(Schema {
                schema_data: resolved.schema_data.clone(),
                schema_kind: SchemaKind::Type(Type::Object(object)),
            });
        }
    }
    Ok(RuleReport::new("merge_all_of_bodies", changes))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{request_body, spec};
    use super::*;

    const SPEC: &str = r#"
paths:
  /a:
    post:
      operationId: a
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object}
          application/json:
            schema: {type: object, properties: {p: {type: object}}}
            encoding:
              p: {contentType: application/json}
      responses:
        "200": {description: ok}
"#;

    #[test]
    fn one_media_type_is_kept_json_first() {
        let mut s = spec(SPEC);
        let report = keep_one_body_media_type(&mut s).unwrap();
        assert_eq!(
            report.changes,
            vec!["POST /a (a): kept application/json, dropped application/x-www-form-urlencoded"]
        );
        let body = request_body(&s, "/a", "post");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), vec!["application/json"]);
    }

    #[test]
    fn encoding_on_a_json_body_is_dropped() {
        let mut s = spec(SPEC);
        let report = drop_encoding_from_json_bodies(&mut s).unwrap();
        assert_eq!(
            report.changes,
            vec!["POST /a (a): application/json body: encoding of p dropped"]
        );
        let body = request_body(&s, "/a", "post");
        assert!(body.content["application/json"].encoding.is_empty());
        assert!(drop_encoding_from_json_bodies(&mut s).unwrap().changes.is_empty());
    }
}
