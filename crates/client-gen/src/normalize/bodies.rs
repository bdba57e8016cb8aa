//! Rules on request bodies: the one media type progenitor takes, the
//! bodies it sends (JSON by any name, bytes for everything else), and
//! `allOf` / `oneOf` bodies made one object.

use anyhow::{Result, anyhow};
use indexmap::IndexMap;
use openapiv3::{MediaType, ObjectType, OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, StringType, Type};

use super::each_operation;
use crate::rules::{Changes, Context};
use crate::spec::{MediaKind, any_json_schema, body_mut, json_media, resolve};

/// Rule: a request body with more than one media type (left after the
/// multipart split) keeps one, because progenitor 0.15.1 `todo!`s on more:
/// the JSON one if there is one, else the first. Each dropped media type is
/// reported; the body's content is the same in each, so the method sends
/// the same data.
pub fn keep_one_body_media_type(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        let Some(body) = body_mut(lookup, op)? else {
            return Ok(());
        };
        if body.content.len() < 2 {
            return Ok(());
        }
        let keep = json_media(&body.content)
            .or_else(|| {
                body.content
                    .keys()
                    .find(|k| MediaKind::of(k) == MediaKind::JsonLike)
                    .map(String::as_str)
            })
            .or_else(|| body.content.keys().next().map(String::as_str))
            .map(str::to_string)
            .expect("at least two media types");
        let dropped: Vec<String> = body.content.keys().filter(|k| **k != keep).cloned().collect();
        body.content.retain(|k, _| *k == keep);
        changes.push(format!(
            "{}: kept {keep}, dropped {}",
            site.location,
            dropped.join(", ")
        ));
        Ok(())
    })
}

/// Rule: `encoding` on a JSON or form request body is dropped. OpenAPI
/// gives it a meaning only for multipart bodies (and, for forms, one
/// progenitor 0.15.1 does not send), and progenitor `todo!`s on it.
pub fn drop_encoding_from_json_bodies(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        let Some(body) = body_mut(lookup, op)? else {
            return Ok(());
        };
        for (media_type, media) in body.content.iter_mut() {
            let kind = MediaKind::of(media_type);
            if matches!(kind, MediaKind::Json | MediaKind::FormUrlencoded) && !media.encoding.is_empty() {
                let properties: Vec<&str> = media.encoding.keys().map(String::as_str).collect();
                changes.push(format!(
                    "{}: {media_type} body: encoding of {} dropped",
                    site.location,
                    properties.join(", ")
                ));
                media.encoding.clear();
            }
        }
        Ok(())
    })
}

fn binary_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format: openapiv3::VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
            ..Default::default()
        })),
    }
}

fn text_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
    }
}

/// Whether `schema` is exactly what progenitor takes for a raw body of
/// `kind`: an unconstrained string, binary for octet streams.
fn raw_schema_fits(schema: &Schema, kind: MediaKind) -> bool {
    let data = &schema.schema_data;
    if data.nullable || data.discriminator.is_some() || data.default.is_some() {
        return false;
    }
    let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
        return false;
    };
    let format_fits = match kind {
        MediaKind::OctetStream => s.format == openapiv3::VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
        _ => s.format == openapiv3::VariantOrUnknownOrEmpty::Empty,
    };
    format_fits && s.pattern.is_none() && s.enumeration.is_empty() && s.min_length.is_none() && s.max_length.is_none()
}

/// Whether `media_type` can be sent as a `Content-Type` header as it is
/// (no wildcard, visible ASCII only).
fn sendable(media_type: &str) -> bool {
    !media_type.is_empty()
        && !media_type.contains('*')
        && media_type.bytes().all(|b| (0x20..0x7f).contains(&b))
        && media_type.contains('/')
}

/// What a body becomes for progenitor.
struct Sent {
    /// The media type progenitor sees.
    media_type: String,
    /// Its schema.
    schema: Schema,
    /// The `Content-Type` the method sends instead of progenitor's, if any.
    content_type: Option<String>,
    /// The change, as the report says it.
    what: String,
}

fn sent(
    media_type: impl Into<String>,
    schema: Schema,
    content_type: Option<String>,
    what: impl Into<String>,
) -> Option<Sent> {
    Some(Sent {
        media_type: media_type.into(),
        schema,
        content_type,
        what: what.into(),
    })
}

/// What one body becomes, if progenitor cannot send it as it is.
fn sent_as(lookup: &OpenAPI, media_type: &str, media: &MediaType) -> Result<Option<Sent>> {
    let schema = media.schema.as_ref().map(|s| resolve(lookup, s)).transpose()?;
    let own = sendable(media_type).then(|| media_type.to_string());
    Ok(match (MediaKind::of(media_type), schema) {
        (MediaKind::Json | MediaKind::FormUrlencoded | MediaKind::Multipart, Some(_)) => None,
        (kind @ (MediaKind::Json | MediaKind::FormUrlencoded), None) => {
            let name = kind.name().expect("named").to_string();
            sent(name, any_json_schema(), None, "no schema -> any JSON")
        }
        (MediaKind::JsonLike, schema) => {
            let schema = schema.map_or_else(any_json_schema, Clone::clone);
            let what = match &own {
                Some(t) => format!("typed as JSON, sent as {t}"),
                None => "typed as JSON, sent as application/json".to_string(),
            };
            sent("application/json", schema, own, what)
        }
        (kind @ (MediaKind::OctetStream | MediaKind::Text), Some(schema)) if raw_schema_fits(schema, kind) => None,
        (MediaKind::Text, _) => sent(media_type, text_schema(), None, "its schema -> text the caller writes"),
        (MediaKind::OctetStream, _) => sent(media_type, binary_schema(), None, "its schema -> bytes"),
        (MediaKind::Multipart, None) | (MediaKind::Other, _) => {
            let what = match &own {
                Some(t) => format!("sent as bytes with Content-Type: {t}"),
                None => "sent as bytes (application/octet-stream)".to_string(),
            };
            sent("application/octet-stream", binary_schema(), own, what)
        }
    })
}

/// Rule: every request body is one progenitor 0.15.1 sends (it refuses
/// others, or `todo!`s): a JSON body by another name (`+json` types such as
/// `application/merge-patch+json`, `text/json`) is typed as JSON and sent
/// with its own `Content-Type`; a JSON or form body without a schema takes
/// any JSON; an octet-stream or text body whose schema is not the plain
/// string progenitor takes gets that one; a body of any other media type
/// (`text/xml`, `image/png`, `*/*`, ...) is sent as bytes the caller gives,
/// with its `Content-Type` where it names one.
pub fn bodies_progenitor_can_send(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, ctx, changes| {
        let id = op.operation_id.clone().unwrap_or_default();
        let Some(body) = body_mut(lookup, op)? else {
            return Ok(());
        };
        let Some((media_type, media)) = body.content.first() else {
            return Ok(());
        };
        let Some(Sent {
            media_type: key,
            schema,
            content_type,
            what,
        }) = sent_as(lookup, media_type, media)?
        else {
            return Ok(());
        };
        changes.push(format!("{}: {media_type} body: {what}", site.location));
        let mut media = media.clone();
        media.schema = Some(ReferenceOr::Item(schema));
        media.encoding.clear();
        body.content = IndexMap::from([(key, media)]);
        if let Some(content_type) = content_type {
            ctx.content_types.insert(id, content_type);
        }
        Ok(())
    })
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

/// The object `schema` is: itself, or the one object an `allOf` of objects
/// means.
fn object_of(spec: &OpenAPI, schema: &Schema, depth: usize) -> Result<ObjectType> {
    match (&schema.schema_kind, all_of_members(schema)) {
        (_, Some(inner)) if depth < 8 => merge_objects(spec, &inner, depth + 1),
        (SchemaKind::Type(Type::Object(object)), _) => Ok(object.clone()),
        // Properties without `type: object`, which openapiv3 reads as any.
        (SchemaKind::Any(any), _) if !any.properties.is_empty() && any.typ.as_deref().is_none_or(|t| t == "object") => {
            Ok(ObjectType {
                properties: any.properties.clone(),
                required: any.required.clone(),
                additional_properties: any.additional_properties.clone(),
                ..Default::default()
            })
        }
        _ => Err(anyhow!("an allOf member is not an object")),
    }
}

/// The one object an `allOf` of objects means: every member's properties
/// (in order) and required names. A property two members give different
/// schemas is an error.
fn merge_objects(spec: &OpenAPI, members: &[ReferenceOr<Schema>], depth: usize) -> Result<ObjectType> {
    let mut merged = ObjectType::default();
    for member in members {
        let object = object_of(spec, resolve(spec, member)?, depth)?;
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

/// The one object a multipart `oneOf` / `anyOf` of objects sends: every
/// variant's parts, each required only where every variant requires it.
/// `None` when a variant is not an object or two give one part different
/// schemas (the caller then fills the form by part name).
fn union_of_objects(spec: &OpenAPI, variants: &[ReferenceOr<Schema>]) -> Option<ObjectType> {
    let objects: Vec<ObjectType> = variants
        .iter()
        .map(|v| resolve(spec, v).ok().and_then(|s| object_of(spec, s, 0).ok()))
        .collect::<Option<_>>()?;
    let mut union = ObjectType::default();
    for object in &objects {
        for (name, property) in &object.properties {
            match union.properties.get(name) {
                Some(existing) if existing != property => return None,
                _ => {
                    union.properties.insert(name.clone(), property.clone());
                }
            }
        }
    }
    union.required = union
        .properties
        .keys()
        .filter(|name| objects.iter().all(|o| o.required.contains(name)))
        .cloned()
        .collect();
    Some(union)
}

/// What a body schema merges to, and how the report says it.
fn merged_body(lookup: &OpenAPI, schema: &Schema, multipart: bool) -> Result<Option<(ObjectType, String)>> {
    if let Some(members) = all_of_members(schema) {
        let object = merge_objects(lookup, &members, 0)?;
        let what = format!(
            "allOf of {} -> one object of {} properties",
            members.len(),
            object.properties.len()
        );
        return Ok(Some((object, what)));
    }
    let variants = match &schema.schema_kind {
        SchemaKind::OneOf { one_of } if multipart => ("oneOf", one_of),
        SchemaKind::AnyOf { any_of } if multipart => ("anyOf", any_of),
        _ => return Ok(None),
    };
    Ok(union_of_objects(lookup, variants.1).map(|object| {
        let what = format!(
            "{} of {} objects -> one object of their {} parts, {} required by every one",
            variants.0,
            variants.1.len(),
            object.properties.len(),
            object.required.len()
        );
        (object, what)
    }))
}

/// Rule: a request body whose schema is an `allOf` of objects (inline, or
/// for a multipart body also through a `$ref`) becomes the one object they
/// mean, inline: the multipart emitter sends one part per property, and
/// progenitor types one struct. A multipart `oneOf` or `anyOf` of objects
/// becomes one object of every variant's parts, each required only where
/// every variant requires it. A body that cannot merge (a member that is
/// not an object, two members that type one property differently) stays
/// as it is, named: typify types a JSON one, and a multipart one is a form
/// the caller fills.
pub fn merge_all_of_bodies(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        let Some(body) = body_mut(lookup, op)? else {
            return Ok(());
        };
        for (media_type, media) in body.content.iter_mut() {
            let Some(schema) = media.schema.as_mut() else { continue };
            let multipart = MediaKind::of(media_type) == MediaKind::Multipart;
            let resolved = match schema {
                ReferenceOr::Item(s) => s.clone(),
                ReferenceOr::Reference { .. } if multipart => resolve(lookup, schema)?.clone(),
                ReferenceOr::Reference { .. } => continue,
            };
            let merged = match merged_body(lookup, &resolved, multipart) {
                Ok(merged) => merged,
                // A multipart body that cannot merge is a form the caller
                // fills; progenitor types a JSON one as it stands.
                Err(e) => {
                    changes.push(format!("{}: {media_type} body: not merged ({e})", site.location));
                    None
                }
            };
            let Some((object, what)) = merged else { continue };
            changes.push(format!("{}: {media_type} body: {what}", site.location));
            *schema = ReferenceOr::Item(Schema {
                schema_data: resolved.schema_data.clone(),
                schema_kind: SchemaKind::Type(Type::Object(object)),
            });
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{request_body, spec};

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
        let changes = keep_one_body_media_type(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec!["POST /a (a): kept application/json, dropped application/x-www-form-urlencoded"]
        );
        let body = request_body(&s, "/a", "post");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), vec!["application/json"]);
    }

    #[test]
    fn encoding_on_a_json_body_is_dropped() {
        let mut s = spec(SPEC);
        let changes = drop_encoding_from_json_bodies(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec!["POST /a (a): application/json body: encoding of p dropped"]
        );
        let body = request_body(&s, "/a", "post");
        assert!(body.content["application/json"].encoding.is_empty());
        assert!(drop_encoding_from_json_bodies(&mut s, &mut Context::default()).is_empty());
    }

    #[test]
    fn every_body_becomes_one_progenitor_sends() {
        let body = |name: &str, media: &str, schema: &str| {
            format!(
                "  /{name}:\n    post:\n      operationId: {name}\n      requestBody: {{content: {{'{media}': {{{schema}}}}}}}\n      responses: {{'200': {{description: ok}}}}\n"
            )
        };
        let paths: String = [
            body("patch", "application/merge-patch+json", "schema: {type: object}"),
            body("xml", "text/xml", "schema: {type: object}"),
            body("any", "*/*", ""),
            body(
                "bytes",
                "application/octet-stream",
                "schema: {type: string, format: binary, nullable: true}",
            ),
            body("text", "text/plain", "schema: {type: integer}"),
            body("json", "application/json", ""),
            body(
                "fine",
                "application/octet-stream",
                "schema: {type: string, format: binary}",
            ),
        ]
        .concat();
        let mut s = spec(&format!("paths:\n{paths}"));
        let mut ctx = Context::default();
        let changes = bodies_progenitor_can_send(&mut s, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "POST /patch (patch): application/merge-patch+json body: typed as JSON, sent as application/merge-patch+json",
                "POST /xml (xml): text/xml body: sent as bytes with Content-Type: text/xml",
                "POST /any (any): */* body: sent as bytes (application/octet-stream)",
                "POST /bytes (bytes): application/octet-stream body: its schema -> bytes",
                "POST /text (text): text/plain body: its schema -> text the caller writes",
                "POST /json (json): application/json body: no schema -> any JSON",
            ]
        );
        assert_eq!(
            ctx.content_types.into_iter().collect::<Vec<_>>(),
            vec![
                ("patch".to_string(), "application/merge-patch+json".to_string()),
                ("xml".to_string(), "text/xml".to_string()),
            ]
        );
        let xml = request_body(&s, "/xml", "post");
        assert_eq!(xml.content.keys().collect::<Vec<_>>(), vec!["application/octet-stream"]);
    }

    #[test]
    fn a_multipart_one_of_of_objects_is_one_object_of_their_parts() {
        let mut s = spec(
            r#"
components:
  schemas:
    ByUrl: {type: object, required: [url, mode], properties: {url: {type: string}, mode: {type: string}}}
    ByFile: {type: object, required: [file, mode], properties: {file: {type: string, format: binary}, mode: {type: string}}}
paths:
  /edit:
    post:
      operationId: edit
      requestBody:
        content:
          multipart/form-data:
            schema: {oneOf: [{$ref: '#/components/schemas/ByUrl'}, {$ref: '#/components/schemas/ByFile'}]}
      responses: {"200": {description: ok}}
"#,
        );
        let changes = merge_all_of_bodies(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "POST /edit (edit): multipart/form-data body: oneOf of 2 objects -> one object of their 3 parts, 1 required by every one"
            ]
        );
        let body = request_body(&s, "/edit", "post");
        let schema = body.content["multipart/form-data"]
            .schema
            .as_ref()
            .unwrap()
            .as_item()
            .unwrap();
        let SchemaKind::Type(Type::Object(object)) = &schema.schema_kind else {
            panic!("{schema:?}")
        };
        assert_eq!(
            object.properties.keys().collect::<Vec<_>>(),
            vec!["url", "mode", "file"]
        );
        assert_eq!(object.required, vec!["mode"]);
    }
}
