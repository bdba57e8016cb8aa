//! The rule that hands `multipart/form-data` bodies to the multipart
//! emitter while progenitor still generates everything else about the
//! operation (parameters, responses, hooks, docs).

use anyhow::{Context as _, Result};
use indexmap::IndexMap;
use openapiv3::{
    MediaType, OpenAPI, Operation, ReferenceOr, RequestBody, Schema, SchemaKind, StringFormat, StringType, Type,
};

use super::each_operation;
use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::{MediaKind, Site, body_mut, component_name, resolve};

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

/// What the body type of a multipart operation is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MultipartBody {
    /// One field per property of an object schema.
    Typed {
        /// The component schema of the body, whose typify struct types the
        /// body's fields.
        component: String,
        /// Whether the rule added `component` (an inline body schema); its
        /// type is removed from the output again.
        carrier: bool,
    },
    /// A form the caller fills by part name, for a body whose schema does
    /// not say its parts (none, any JSON, a `oneOf` of other shapes).
    Form {
        /// Why the parts are not typed.
        why: String,
    },
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
    /// What the body type is made from.
    pub body: MultipartBody,
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

/// Why the body schema does not say its parts, if it does not.
fn untyped_because(spec: &OpenAPI, schema: Option<&ReferenceOr<Schema>>) -> Result<Option<String>> {
    let Some(schema) = schema else {
        return Ok(Some("the body has no schema".to_string()));
    };
    Ok(match &resolve(spec, schema)?.schema_kind {
        SchemaKind::Type(Type::Object(o)) if !o.properties.is_empty() => None,
        SchemaKind::Type(Type::Object(_)) => Some("the body schema is an object without properties".to_string()),
        SchemaKind::Any(_) => Some("the body schema is any JSON".to_string()),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => {
            Some("the body schema is a choice of shapes that are not all objects".to_string())
        }
        _ => Some("the body schema is not an object".to_string()),
    })
}

/// The first of `base`, `base2`, `base3`, ... that `taken` does not hold.
fn free_name(base: &str, taken: impl Fn(&str) -> bool) -> String {
    (1..)
        .map(|i| if i == 1 { base.to_string() } else { format!("{base}{i}") })
        .find(|n| !taken(n))
        .expect("some name is free")
}

/// The names the rule must not take: operation ids and component schemas.
struct Taken {
    ids: Vec<String>,
    schemas: Vec<String>,
}

impl Taken {
    fn schema(&self, name: &str) -> bool {
        let pascal = names::typify(name, Case::Pascal);
        self.schemas.iter().any(|s| names::typify(s, Case::Pascal) == pascal)
    }

    fn id(&self, id: &str) -> bool {
        let snake = names::progenitor(id, Case::Snake);
        self.ids.iter().any(|s| names::progenitor(s, Case::Snake) == snake)
    }
}

/// A component schema the rule adds: its name and schema.
type Carrier = (String, ReferenceOr<Schema>);

/// What the body type of `body_type` is made from, and the carrier schema
/// added for an inline object schema.
fn body_of(
    lookup: &OpenAPI,
    schema: Option<&ReferenceOr<Schema>>,
    body_type: &str,
    site: &Site,
    taken: &mut Taken,
    changes: &mut Changes,
) -> Result<(MultipartBody, Option<Carrier>)> {
    Ok(match (untyped_because(lookup, schema)?, schema) {
        (Some(why), _) => (MultipartBody::Form { why }, None),
        (None, Some(ReferenceOr::Reference { reference })) => (
            MultipartBody::Typed {
                component: component_name::<Schema>(reference)?.to_string(),
                carrier: false,
            },
            None,
        ),
        (None, Some(schema)) => {
            let name = free_name(body_type, |n| taken.schema(n));
            taken.schemas.push(name.clone());
            changes.push(format!(
                "{}: inline multipart schema -> components.schemas.{name} (types the fields; removed from the output)",
                site.location
            ));
            let carrier = Some((name.clone(), schema.clone()));
            (
                MultipartBody::Typed {
                    component: name,
                    carrier: true,
                },
                carrier,
            )
        }
        (None, None) => unreachable!("a body without a schema is a form"),
    })
}

/// What one multipart operation becomes, and the carrier schema it adds.
fn split_one(
    lookup: &OpenAPI,
    site: &Site,
    op: &mut Operation,
    taken: &mut Taken,
    changes: &mut Changes,
) -> Result<Option<(MultipartOperation, Option<Carrier>)>> {
    let operation_id = op.operation_id.clone().context("assign_operation_ids runs first")?;
    let Some(body) = body_mut(lookup, op)? else {
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
    let source = if body.content.is_empty() {
        MultipartSource::StandIn
    } else {
        MultipartSource::Twin
    };
    let method_name = match source {
        MultipartSource::StandIn => names::progenitor(&operation_id, Case::Snake),
        MultipartSource::Twin => {
            let id = free_name(&format!("{operation_id}_multipart"), |n| taken.id(n));
            taken.ids.push(id.clone());
            names::progenitor(&id, Case::Snake)
        }
    };
    let body_type = format!("{}Body", names::progenitor(&method_name, Case::Pascal));
    let (typed, carrier) = body_of(lookup, media.schema.as_ref(), &body_type, site, taken, changes)?;
    let progenitor_method = names::progenitor(&operation_id, Case::Snake);
    let sends = match &typed {
        MultipartBody::Typed { .. } => format!("multipart::{body_type}"),
        MultipartBody::Form { why } => format!("multipart::{body_type}, a form the caller fills by part name ({why})"),
    };
    changes.push(match source {
        MultipartSource::StandIn => {
            *body = octet_stream_stand_in(body);
            format!("{}: {key} body -> `{method_name}` sends {sends}", site.location)
        }
        MultipartSource::Twin => {
            let others: Vec<&str> = body.content.keys().map(String::as_str).collect();
            format!(
                "{}: {key} beside {} -> `{method_name}` sends {sends}; `{progenitor_method}` keeps the other body",
                site.location,
                others.join(", "),
            )
        }
    });
    let encoding = media
        .encoding
        .iter()
        .filter_map(|(property, e)| e.content_type.clone().map(|ct| (property.clone(), ct)))
        .collect();
    let operation = MultipartOperation {
        progenitor_method,
        operation_id,
        site: site.clone(),
        request: format!("{} {}", site.method.to_uppercase(), site.path),
        method_name,
        source,
        body_type,
        body: typed,
        encoding,
    };
    Ok(Some((operation, carrier)))
}

/// Rule: operations with a `multipart/form-data` body are generated by
/// progenitor as far as it can (parameters, responses, hooks, docs) and
/// finished by the multipart emitter.
///
/// - A multipart-only body becomes an `application/octet-stream` stand-in,
///   whose method the emitter turns into the multipart one.
/// - A body that also offers other media types keeps them for progenitor's
///   method, and the emitter adds `{operation_id}_multipart`.
/// - An object body schema gives typed parts. An inline one is added to the
///   components (named as the body type, `{Method}Body`) so that typify
///   types its properties exactly as it types JSON bodies; the emitter
///   removes that type from the output again.
/// - Any other body (no schema, any JSON, a choice of shapes) is a form the
///   caller fills by part name.
pub fn split_multipart_operations(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    let mut taken = Taken {
        ids: crate::spec::operations(spec)
            .into_iter()
            .filter_map(|(_, op)| op.operation_id.clone())
            .collect(),
        schemas: spec.components.iter().flat_map(|c| c.schemas.keys().cloned()).collect(),
    };
    let mut carriers = Vec::new();
    let changes = each_operation(spec, ctx, |lookup, site, op, ctx, changes| {
        if let Some((operation, carrier)) = split_one(lookup, site, op, &mut taken, changes)? {
            ctx.multipart.push(operation);
            carriers.extend(carrier);
        }
        Ok(())
    });
    if !carriers.is_empty() {
        spec.components
            .get_or_insert_with(Default::default)
            .schemas
            .extend(carriers);
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{request_body, spec};

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

    fn split(s: &mut OpenAPI) -> (Vec<MultipartOperation>, Changes) {
        let mut ctx = Context::default();
        let changes = split_multipart_operations(s, &mut ctx);
        (ctx.multipart, changes)
    }

    #[test]
    fn multipart_only_bodies_get_a_stand_in_and_inline_schemas_a_carrier() {
        let mut s = spec(SPEC);
        let (ops, changes) = split(&mut s);
        let upload = &ops[0];
        assert_eq!(upload.source, MultipartSource::StandIn);
        assert_eq!(
            (upload.method_name.as_str(), upload.body_type.as_str()),
            ("upload", "UploadBody")
        );
        assert_eq!(
            upload.body,
            MultipartBody::Typed {
                component: "UploadBody".into(),
                carrier: true
            }
        );
        assert_eq!(upload.encoding.get("file").map(String::as_str), Some("image/png"));
        let body = request_body(&s, "/upload", "post");
        assert_eq!(
            body.content.keys().collect::<Vec<_>>(),
            vec!["application/octet-stream"]
        );
        assert!(body.required, "the body stays required");
        assert!(s.components.as_ref().unwrap().schemas.contains_key("UploadBody"));
        assert_eq!(
            changes,
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
        let (ops, _) = split(&mut s);
        let both = &ops[1];
        assert_eq!(both.source, MultipartSource::Twin);
        assert_eq!(
            (both.method_name.as_str(), both.progenitor_method.as_str()),
            ("both_multipart", "both")
        );
        assert_eq!(
            both.body,
            MultipartBody::Typed {
                component: "Upload".into(),
                carrier: false
            }
        );
        let body = request_body(&s, "/both/{id}", "put");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), vec!["application/json"]);
        let shared = s.components.as_ref().unwrap().request_bodies["Shared"]
            .as_item()
            .unwrap();
        assert_eq!(shared.content.len(), 2, "the shared component itself is left alone");
    }

    #[test]
    fn a_body_that_does_not_say_its_parts_is_a_form_the_caller_fills() {
        let mut s = spec(&SPEC.replace(
            "              type: object\n              properties:\n                file: {type: string, format: binary}\n",
            "              type: string\n              format: binary\n",
        ));
        let (ops, changes) = split(&mut s);
        assert_eq!(
            ops[0].body,
            MultipartBody::Form {
                why: "the body schema is not an object".into()
            }
        );
        assert_eq!(
            changes[0],
            "POST /upload (upload): multipart/form-data body -> `upload` sends multipart::UploadBody, a form the \
             caller fills by part name (the body schema is not an object)"
        );
    }
}
