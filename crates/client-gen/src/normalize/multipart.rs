//! The rule that hands `multipart/form-data` bodies to the multipart
//! emitter while progenitor still generates everything else about the
//! operation (parameters, responses, hooks, docs).

use anyhow::{Context, Result};
use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Operation, ReferenceOr, RequestBody, Schema, SchemaKind, StringFormat, StringType, Type,
};

use super::{MediaKind, RuleReport, Site, body_mut, component_name, operations_mut, resolve};
use crate::names::{self, Case};

/// How progenitor's method for a multipart operation comes to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MultipartSource {
    /// The operation takes multipart only: its body became an
    /// `application/octet-stream` stand-in, and the emitter turns the method
    /// progenitor generates for it into the multipart method.
    StandIn,
    /// The operation offers another body too (JSON, say): progenitor's
    /// method for that one stays, and the emitter adds a copy of it that
    /// sends multipart instead.
    Twin,
}

/// A `multipart/form-data` operation, for the multipart emitter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultipartOperation {
    /// The operation id.
    pub operation_id: String,
    /// Where the operation is, for messages.
    pub site: Site,
    /// `POST /path`, for docs.
    pub request: String,
    /// The name of the method that sends the multipart body: progenitor's
    /// name of the operation, or of `{operation_id}_multipart` for a twin.
    pub method_name: String,
    /// The name of progenitor's method this one is made from.
    pub progenitor_method: String,
    /// How the method comes to be.
    pub source: MultipartSource,
    /// The body type's name in the generated `multipart` module.
    pub body_type: String,
    /// The component schema of the body, whose typify struct types the
    /// body's fields.
    pub body_component: String,
    /// Whether this rule added `body_component` (an inline body schema);
    /// its type is removed from the output again.
    pub carrier: bool,
    /// Per-property content types from the media type's `encoding` map.
    pub encoding: IndexMap<String, String>,
}

/// The body progenitor sees for a multipart-only operation: raw bytes.
fn octet_stream_stand_in(body: &RequestBody) -> RequestBody {
    let binary = Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType {
            format: openapiv3::VariantOrUnknownOrEmpty::Item(StringFormat::Binary),
            ..Default::default()
        })),
    };
    let mut content = IndexMap::new();
    content.insert(
        MediaKind::OctetStream
            .name()
            .expect("octet-stream has a name")
            .to_string(),
        MediaType {
            schema: Some(ReferenceOr::Item(binary)),
            ..Default::default()
        },
    );
    RequestBody {
        description: body.description.clone(),
        content,
        required: body.required,
        extensions: Default::default(),
    }
}

fn check_object(spec: &OpenAPI, schema: &ReferenceOr<Schema>, site: &Site) -> Result<()> {
    match &resolve(spec, schema)?.schema_kind {
        SchemaKind::Type(Type::Object(_)) => Ok(()),
        _ => Err(site.refuse(
            "the multipart body schema is not an object with properties; \
             the multipart emitter sends one part per property",
        )),
    }
}

/// The name of the method that sends the multipart body.
fn multipart_method_name(
    source: MultipartSource,
    operation_id: &str,
    taken_ids: &[String],
    site: &Site,
) -> Result<String> {
    match source {
        MultipartSource::StandIn => Ok(names::progenitor(operation_id, Case::Snake)),
        MultipartSource::Twin => {
            let twin_id = format!("{operation_id}_multipart");
            if taken_ids.contains(&twin_id) {
                return Err(site.refuse(format!(
                    "the multipart twin's name `{twin_id}` is another operation's id"
                )));
            }
            Ok(names::progenitor(&twin_id, Case::Snake))
        }
    }
}

/// Inline body schemas, added to the components under their body type's
/// name so that typify types them.
struct Carriers<'a> {
    lookup: &'a OpenAPI,
    added: Vec<(String, ReferenceOr<Schema>)>,
}

impl Carriers<'_> {
    /// The component that types the body's fields, and whether it is a
    /// carrier added here.
    fn component_for(
        &mut self,
        schema: &ReferenceOr<Schema>,
        body_type: &str,
        site: &Site,
        changes: &mut Vec<String>,
    ) -> Result<(String, bool)> {
        if let ReferenceOr::Reference { reference } = schema {
            return Ok((component_name::<Schema>(reference)?.to_string(), false));
        }
        let exists = self
            .lookup
            .components
            .as_ref()
            .is_some_and(|c| c.schemas.contains_key(body_type));
        if exists || self.added.iter().any(|(name, _)| name == body_type) {
            return Err(site.refuse(format!(
                "components.schemas.{body_type} exists; the inline multipart body needs that name"
            )));
        }
        self.added.push((body_type.to_string(), schema.clone()));
        changes.push(format!(
            "{}: inline multipart schema -> components.schemas.{body_type} (types the fields; removed from the output)",
            site.location
        ));
        Ok((body_type.to_string(), true))
    }
}

/// The multipart operation `op` is, if it is one; its body is split as
/// [`split_multipart_operations`] says.
fn split_one(
    path: &str,
    method: &str,
    op: &mut Operation,
    taken_ids: &[String],
    carriers: &mut Carriers<'_>,
    changes: &mut Vec<String>,
) -> Result<Option<MultipartOperation>> {
    let site = Site::of(method, path, op);
    let location = site.location.clone();
    let operation_id = op.operation_id.clone().context("assign_operation_ids runs first")?;
    let Some(body) = body_mut(carriers.lookup, op)? else {
        return Ok(None);
    };
    let Some(key) = body
        .content
        .keys()
        .find(|k| MediaKind::of(k) == MediaKind::Multipart)
        .cloned()
    else {
        return Ok(None);
    };
    let media = body.content.shift_remove(&key).expect("the key was found");
    let schema = media
        .schema
        .ok_or_else(|| site.refuse("the multipart body has no schema"))?;
    check_object(carriers.lookup, &schema, &site)?;
    let source = if body.content.is_empty() {
        MultipartSource::StandIn
    } else {
        MultipartSource::Twin
    };
    let method_name = multipart_method_name(source, &operation_id, taken_ids, &site)?;
    let body_type = format!("{}Body", names::progenitor(&method_name, Case::Pascal));
    let (body_component, carrier) = carriers.component_for(&schema, &body_type, &site, changes)?;
    let progenitor_method = names::progenitor(&operation_id, Case::Snake);
    changes.push(match source {
        MultipartSource::StandIn => {
            *body = octet_stream_stand_in(body);
            format!("{location}: {key} body -> `{method_name}` sends multipart::{body_type}")
        }
        MultipartSource::Twin => {
            let others: Vec<&str> = body.content.keys().map(String::as_str).collect();
            format!(
                "{location}: {key} beside {} -> `{method_name}` sends multipart::{body_type}; \
                 `{progenitor_method}` keeps the other body",
                others.join(", "),
            )
        }
    });
    let encoding = media
        .encoding
        .iter()
        .filter_map(|(property, e)| e.content_type.clone().map(|ct| (property.clone(), ct)))
        .collect();
    Ok(Some(MultipartOperation {
        progenitor_method,
        operation_id,
        site,
        request: format!("{} {path}", method.to_uppercase()),
        method_name,
        source,
        body_type,
        body_component,
        carrier,
        encoding,
    }))
}

/// Rule: operations with a `multipart/form-data` body are generated by
/// progenitor as far as it can (parameters, responses, hooks, docs) and
/// finished by the multipart emitter.
///
/// - A multipart-only body becomes an `application/octet-stream` stand-in,
///   whose method the emitter turns into the multipart one.
/// - A body that also offers other media types keeps them for progenitor's
///   method, and the emitter adds `{operation_id}_multipart`.
/// - An inline body schema is added to the components (named as the body
///   type, `{Method}Body`) so that typify types its properties exactly as it
///   types JSON bodies; the emitter removes that type from the output again.
pub fn split_multipart_operations(spec: &mut OpenAPI) -> Result<(Vec<MultipartOperation>, RuleReport)> {
    let lookup = spec.clone();
    let taken_ids: Vec<String> = operations_mut(&mut spec.clone())
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    let mut carriers = Carriers {
        lookup: &lookup,
        added: Vec::new(),
    };
    let mut taken = Vec::new();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        if let Some(operation) = split_one(path, method, op, &taken_ids, &mut carriers, &mut changes)? {
            taken.push(operation);
        }
    }
    let added = carriers.added;
    if !added.is_empty() {
        let components = spec.components.get_or_insert_with(Default::default);
        components.schemas.extend(added);
    }
    Ok((taken, RuleReport::new("split_multipart_operations", changes)))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{request_body, spec};
    use super::*;

    const SPEC: &str = r#"
components:
  schemas:
    Upload:
      type: object
      properties:
        file: {type: string, format: binary}
        meta: {type: object}
  requestBodies:
    Shared:
      content:
        multipart/form-data:
          schema: {$ref: '#/components/schemas/Upload'}
        application/json:
          schema: {$ref: '#/components/schemas/Upload'}
paths:
  /upload:
    post:
      operationId: upload
      requestBody:
        required: true
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
            encoding:
              file: {contentType: image/png}
      responses:
        "200": {description: ok}
  /both/{id}:
    put:
      operationId: both
      parameters:
        - {name: id, in: path, required: true, schema: {type: string}}
      requestBody: {$ref: '#/components/requestBodies/Shared'}
      responses:
        "200": {description: ok}
"#;

    #[test]
    fn multipart_only_bodies_get_a_stand_in_and_inline_schemas_a_carrier() {
        let mut s = spec(SPEC);
        let (ops, report) = split_multipart_operations(&mut s).unwrap();
        let upload = &ops[0];
        assert_eq!(upload.source, MultipartSource::StandIn);
        assert_eq!(
            (upload.method_name.as_str(), upload.body_type.as_str()),
            ("upload", "UploadBody")
        );
        assert_eq!((upload.body_component.as_str(), upload.carrier), ("UploadBody", true));
        assert_eq!(upload.encoding.get("file").map(String::as_str), Some("image/png"));
        let body = request_body(&s, "/upload", "post");
        assert_eq!(
            body.content.keys().collect::<Vec<_>>(),
            vec!["application/octet-stream"]
        );
        assert!(body.required, "the body stays required");
        assert!(s.components.as_ref().unwrap().schemas.contains_key("UploadBody"));
        assert_eq!(
            report.changes,
            vec![
                "POST /upload (upload): inline multipart schema -> components.schemas.UploadBody (types the fields; removed from the output)",
                "POST /upload (upload): multipart/form-data body -> `upload` sends multipart::UploadBody",
                "PUT /both/{id} (both): multipart/form-data beside application/json -> `both_multipart` sends \
                 multipart::BothMultipartBody; `both` keeps the other body",
            ]
        );
    }

    #[test]
    fn a_body_with_json_too_gets_a_twin_and_keeps_json() {
        let mut s = spec(SPEC);
        let (ops, _) = split_multipart_operations(&mut s).unwrap();
        let both = &ops[1];
        assert_eq!(both.source, MultipartSource::Twin);
        assert_eq!(
            (both.method_name.as_str(), both.progenitor_method.as_str()),
            ("both_multipart", "both")
        );
        assert_eq!((both.body_component.as_str(), both.carrier), ("Upload", false));
        let body = request_body(&s, "/both/{id}", "put");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), vec!["application/json"]);
        let shared = s.components.as_ref().unwrap().request_bodies["Shared"]
            .as_item()
            .unwrap();
        assert_eq!(shared.content.len(), 2, "the shared component itself is left alone");
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused_with_its_operation() {
        let mut s = spec(&SPEC.replace(
            "              type: object\n              properties:\n                file: {type: string, format: binary}\n",
            "              type: string\n              format: binary\n",
        ));
        let err = split_multipart_operations(&mut s).unwrap_err().to_string();
        assert!(
            err.contains("POST /upload (upload)") && err.contains("not an object"),
            "{err}"
        );
    }
}
