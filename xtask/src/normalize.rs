//! Normalization of the OpenAPI document before progenitor sees it.
//!
//! The checked-in spec is never edited by hand. Everything progenitor cannot
//! take as it stands is adjusted here, in memory, one small named rule at a
//! time. Each rule reports what it changed; the report ends up in the header
//! of the generated file so that a reviewer sees every adjustment.

use anyhow::{Context, Result, bail};
use openapiv3::{
    OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema, SecurityScheme, StatusCode,
};

/// Header parameters that the generated client sets itself. A spec that
/// declares them as operation parameters would otherwise turn them into
/// string arguments of every method (and a caller-supplied `Content-Type`
/// would lack the multipart boundary).
pub const CLIENT_OWNED_HEADERS: [&str; 3] = ["Content-Type", "Accept", "Authorization"];

/// The media type handed to our own emitter instead of progenitor.
pub const MULTIPART_FORM_DATA: &str = "multipart/form-data";

/// What one rule did to the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleReport {
    /// The rule's function name.
    pub rule: &'static str,
    /// One line per change, in document order.
    pub changes: Vec<String>,
}

/// The bearer security scheme found in the spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerScheme {
    /// The scheme's name under `components.securitySchemes`.
    pub name: String,
}

/// A `multipart/form-data` operation taken out of the document for the
/// multipart emitter.
#[derive(Debug, Clone)]
pub struct MultipartOperation {
    /// The operation id (given or derived).
    pub operation_id: String,
    /// Lower-case HTTP method.
    pub method: String,
    /// The path template, as in the spec.
    pub path: String,
    /// The operation's summary, if any.
    pub summary: Option<String>,
    /// The operation's description, if any.
    pub description: Option<String>,
    /// Whether the operation is marked deprecated.
    pub deprecated: bool,
    /// The schema of the multipart body (an object).
    pub body_schema: ReferenceOr<Schema>,
    /// Per-property content types from the media type's `encoding` map.
    pub encoding: Vec<(String, String)>,
    /// Whether the request body itself is required.
    pub body_required: bool,
    /// The operation's responses, with inline JSON schemas replaced by
    /// references to the component schemas this rule added.
    pub responses: Vec<(StatusCode, ResponseShape)>,
    /// The operation's `default` response, if any.
    pub default_response: Option<ResponseShape>,
}

/// What a response carries, as far as the emitter cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResponseShape {
    /// A JSON body whose type is the component schema of this name.
    Json {
        /// The media type, as in the spec (for the `Accept` header).
        media_type: String,
        /// The component schema name (type name after typify).
        schema: String,
    },
    /// No body, or a body of a media type the emitter passes on as bytes.
    Empty,
}

/// The normalized document and what was taken out of it.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The document progenitor generates from.
    pub spec: OpenAPI,
    /// `servers[0].url`, for the `DEFAULT_BASE_URL` constant.
    pub default_base_url: Option<String>,
    /// The bearer scheme, for the token constructor.
    pub bearer: Option<BearerScheme>,
    /// Operations with multipart bodies, for our emitter.
    pub multipart: Vec<MultipartOperation>,
    /// What each rule did, in the order applied.
    pub reports: Vec<RuleReport>,
}

/// Applies every rule, in order.
pub fn normalize(mut spec: OpenAPI) -> Result<Normalized> {
    let reports = vec![assign_operation_ids(&mut spec)?, drop_client_owned_headers(&mut spec)];
    let (default_base_url, report) = extract_default_base_url(&spec);
    let mut reports = reports;
    reports.push(report);
    let (bearer, report) = extract_bearer_scheme(&spec);
    reports.push(report);
    let (multipart, report) = take_multipart_operations(&mut spec)?;
    reports.push(report);
    Ok(Normalized {
        spec,
        default_base_url,
        bearer,
        multipart,
        reports,
    })
}

/// Parses the YAML (or JSON) text of an OpenAPI document.
pub fn parse(text: &str) -> Result<OpenAPI> {
    serde_yaml::from_str(text).context("the spec is not a valid OpenAPI 3.0 document")
}

/// Derives an operation id from the method and the path template:
/// the lower-case method, then each path segment, joined by `_`. Template
/// braces are dropped (`{id}` becomes `id`), every character that is not
/// an ASCII letter or digit becomes `_`, runs of `_` collapse to one, and
/// letters are lower-cased. `POST /ideogram/remix` becomes
/// `post_ideogram_remix`; `GET /v1/tasks/{task-id}` becomes
/// `get_v1_tasks_task_id`.
pub fn derive_operation_id(method: &str, path: &str) -> String {
    let raw = format!("{method}_{path}");
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        let c = match c {
            '{' | '}' => continue,
            c if c.is_ascii_alphanumeric() => c.to_ascii_lowercase(),
            _ => '_',
        };
        if c == '_' && (out.is_empty() || out.ends_with('_')) {
            continue;
        }
        out.push(c);
    }
    while out.ends_with('_') {
        out.pop();
    }
    out
}

fn operations_mut(spec: &mut OpenAPI) -> impl Iterator<Item = (&str, &str, &mut Operation)> {
    spec.paths.paths.iter_mut().flat_map(|(path, item)| {
        let item = match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        };
        item.into_iter()
            .flat_map(move |item| path_item_operations_mut(item).map(move |(method, op)| (path.as_str(), method, op)))
    })
}

fn path_item_operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        ("get", item.get.as_mut()),
        ("put", item.put.as_mut()),
        ("post", item.post.as_mut()),
        ("delete", item.delete.as_mut()),
        ("options", item.options.as_mut()),
        ("head", item.head.as_mut()),
        ("patch", item.patch.as_mut()),
        ("trace", item.trace.as_mut()),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.map(|op| (m, op)))
}

/// Rule: every operation without an `operationId` gets one from
/// [`derive_operation_id`]. A derived id that collides with another
/// operation's id is an error, never silently renamed.
pub fn assign_operation_ids(spec: &mut OpenAPI) -> Result<RuleReport> {
    let mut taken: Vec<String> = operations_mut(spec)
        .filter_map(|(_, _, op)| op.operation_id.clone())
        .collect();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        if op.operation_id.is_some() {
            continue;
        }
        let id = derive_operation_id(method, path);
        if taken.contains(&id) {
            bail!(
                "{} {path}: the derived operationId `{id}` is already used by another operation; \
                 give one of them an explicit operationId in the spec",
                method.to_uppercase()
            );
        }
        changes.push(format!("{} {path} -> {id}", method.to_uppercase()));
        taken.push(id.clone());
        op.operation_id = Some(id);
    }
    Ok(RuleReport {
        rule: "assign_operation_ids",
        changes,
    })
}

fn is_client_owned_header(parameter: &Parameter) -> bool {
    match parameter {
        Parameter::Header { parameter_data, .. } => CLIENT_OWNED_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&parameter_data.name)),
        _ => false,
    }
}

fn resolve_parameter<'a>(spec: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            match spec.components.as_ref()?.parameters.get(name)? {
                ReferenceOr::Item(p) => Some(p),
                ReferenceOr::Reference { .. } => None,
            }
        }
    }
}

/// Rule: drop the header parameters the client owns (`Content-Type`,
/// `Accept`, `Authorization`, compared case-insensitively) from every
/// operation and path item, inline or by reference. Every other parameter,
/// header or not, is kept.
pub fn drop_client_owned_headers(spec: &mut OpenAPI) -> RuleReport {
    let lookup = spec.clone();
    let owned = |p: &ReferenceOr<Parameter>| resolve_parameter(&lookup, p).is_some_and(is_client_owned_header);
    let name = |p: &ReferenceOr<Parameter>| {
        resolve_parameter(&lookup, p)
            .map(|p| p.parameter_data_ref().name.clone())
            .unwrap_or_default()
    };
    let mut changes = Vec::new();
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let dropped: Vec<String> = item.parameters.iter().filter(|p| owned(p)).map(name).collect();
        if !dropped.is_empty() {
            changes.push(format!("{path} (all operations): {}", dropped.join(", ")));
            item.parameters.retain(|p| !owned(p));
        }
        for (method, op) in path_item_operations_mut(item) {
            let dropped: Vec<String> = op.parameters.iter().filter(|p| owned(p)).map(name).collect();
            if !dropped.is_empty() {
                changes.push(format!("{} {path}: {}", method.to_uppercase(), dropped.join(", ")));
                op.parameters.retain(|p| !owned(p));
            }
        }
    }
    RuleReport {
        rule: "drop_client_owned_headers",
        changes,
    }
}

/// Rule: `servers[0].url` becomes the `DEFAULT_BASE_URL` constant. A
/// trailing `/` is trimmed, since the generated methods append paths that
/// start with `/`.
pub fn extract_default_base_url(spec: &OpenAPI) -> (Option<String>, RuleReport) {
    let url = spec.servers.first().map(|s| s.url.trim_end_matches('/').to_string());
    let changes = url
        .iter()
        .map(|u| format!("servers[0].url -> DEFAULT_BASE_URL = {u:?}"))
        .collect();
    (
        url,
        RuleReport {
            rule: "extract_default_base_url",
            changes,
        },
    )
}

/// Rule: an HTTP bearer security scheme becomes a `Client` constructor
/// that takes the token and sets a sensitive `Authorization: Bearer`
/// default header. The first such scheme in name order is used.
pub fn extract_bearer_scheme(spec: &OpenAPI) -> (Option<BearerScheme>, RuleReport) {
    let bearer = spec.components.as_ref().and_then(|c| {
        c.security_schemes.iter().find_map(|(name, s)| match s {
            ReferenceOr::Item(SecurityScheme::HTTP { scheme, .. }) if scheme.eq_ignore_ascii_case("bearer") => {
                Some(BearerScheme { name: name.clone() })
            }
            _ => None,
        })
    });
    let changes = bearer
        .iter()
        .map(|b| {
            format!(
                "securitySchemes.{} (http bearer) -> Client::new_with_bearer_token",
                b.name
            )
        })
        .collect();
    (
        bearer,
        RuleReport {
            rule: "extract_bearer_scheme",
            changes,
        },
    )
}

/// Name under which an operation's inline response schema is added to the
/// components, matching progenitor's own naming of inline response types
/// (`{operation_id}_response` in upper camel case). Error responses get the
/// status appended so that they never clash with the success type.
pub fn response_schema_name(operation_id: &str, status: Option<&StatusCode>, success: bool) -> String {
    use heck::ToUpperCamelCase;
    let base = format!("{operation_id}_response").to_upper_camel_case();
    match (success, status) {
        (true, _) => base,
        (false, Some(status)) => format!("{base}{}", status.to_string().to_upper_camel_case()),
        (false, None) => format!("{base}Default"),
    }
}

fn is_success(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

fn resolve_request_body<'a>(spec: &'a OpenAPI, body: &'a ReferenceOr<RequestBody>) -> Result<&'a RequestBody> {
    match body {
        ReferenceOr::Item(b) => Ok(b),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/requestBodies/")
                .with_context(|| format!("unsupported request body reference {reference}"))?;
            match spec.components.as_ref().and_then(|c| c.request_bodies.get(name)) {
                Some(ReferenceOr::Item(b)) => Ok(b),
                _ => bail!("request body reference {reference} does not resolve"),
            }
        }
    }
}

fn resolve_response<'a>(spec: &'a OpenAPI, r: &'a ReferenceOr<Response>) -> Result<&'a Response> {
    match r {
        ReferenceOr::Item(r) => Ok(r),
        ReferenceOr::Reference { reference } => {
            let name = reference
                .strip_prefix("#/components/responses/")
                .with_context(|| format!("unsupported response reference {reference}"))?;
            match spec.components.as_ref().and_then(|c| c.responses.get(name)) {
                Some(ReferenceOr::Item(r)) => Ok(r),
                _ => bail!("response reference {reference} does not resolve"),
            }
        }
    }
}

/// Rule: operations with a `multipart/form-data` request body are taken out
/// of the document and handed to our multipart emitter, because progenitor
/// cannot generate them. Their response schemas stay behind as component
/// schemas (named by [`response_schema_name`], or by their existing
/// reference) so that progenitor still generates the response types.
///
/// An operation that offers multipart next to other body media types, or
/// that has parameters other than the client-owned headers, is an error:
/// the emitter does not support it, and nothing is dropped silently.
pub fn take_multipart_operations(spec: &mut OpenAPI) -> Result<(Vec<MultipartOperation>, RuleReport)> {
    let lookup = spec.clone();
    let mut taken = Vec::new();
    let mut new_schemas: Vec<(String, ReferenceOr<Schema>)> = Vec::new();
    let mut changes = Vec::new();

    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let path_params = item.parameters.len();
        for (method, slot) in [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ] {
            let Some(op) = slot.as_ref() else { continue };
            let Some(body) = op.request_body.as_ref() else { continue };
            let body = resolve_request_body(&lookup, body)?;
            let Some(media) = body.content.get(MULTIPART_FORM_DATA) else {
                continue;
            };
            let op_id = op
                .operation_id
                .clone()
                .context("assign_operation_ids must run before take_multipart_operations")?;
            let where_ = format!("{} {path} ({op_id})", method.to_uppercase());
            if body.content.len() > 1 {
                let others: Vec<&str> = body
                    .content
                    .keys()
                    .map(String::as_str)
                    .filter(|k| *k != MULTIPART_FORM_DATA)
                    .collect();
                bail!(
                    "{where_}: the request body offers {} next to multipart/form-data; \
                     the multipart emitter supports multipart-only bodies",
                    others.join(", ")
                );
            }
            if !op.parameters.is_empty() || path_params > 0 {
                let names: Vec<String> = op
                    .parameters
                    .iter()
                    .chain(item.parameters.iter())
                    .map(|p| {
                        resolve_parameter(&lookup, p)
                            .map(|p| p.parameter_data_ref().name.clone())
                            .unwrap_or_else(|| "<unresolved>".into())
                    })
                    .collect();
                bail!(
                    "{where_}: parameters ({}) on a multipart operation are not supported by the multipart emitter yet",
                    names.join(", ")
                );
            }
            let Some(body_schema) = media.schema.clone() else {
                bail!("{where_}: the multipart body has no schema");
            };

            let mut responses = Vec::new();
            let mut default_response = None;
            let entries = op
                .responses
                .responses
                .iter()
                .map(|(s, r)| (Some(s), r))
                .chain(op.responses.default.iter().map(|r| (None, r)));
            for (status, response) in entries {
                let response = resolve_response(&lookup, response)?;
                let success = status.is_some_and(is_success);
                let json = response
                    .content
                    .iter()
                    .find(|(mt, _)| mt.as_str() == "application/json" || mt.ends_with("+json"));
                let shape = match json.and_then(|(mt, m)| m.schema.as_ref().map(|s| (mt, s))) {
                    Some((mt, ReferenceOr::Reference { reference })) => ResponseShape::Json {
                        media_type: mt.clone(),
                        schema: reference
                            .strip_prefix("#/components/schemas/")
                            .with_context(|| format!("{where_}: unsupported schema reference {reference}"))?
                            .to_string(),
                    },
                    Some((mt, schema)) => {
                        let name = response_schema_name(&op_id, status, success);
                        if new_schemas.iter().any(|(n, _)| *n == name)
                            || lookup
                                .components
                                .as_ref()
                                .is_some_and(|c| c.schemas.contains_key(&name))
                        {
                            bail!("{where_}: the component schema name {name} is already taken");
                        }
                        new_schemas.push((name.clone(), schema.clone()));
                        changes.push(format!(
                            "{where_}: response {} schema -> components.schemas.{name}",
                            status.map(|s| s.to_string()).unwrap_or_else(|| "default".into())
                        ));
                        ResponseShape::Json {
                            media_type: mt.clone(),
                            schema: name,
                        }
                    }
                    None => ResponseShape::Empty,
                };
                match status {
                    Some(s) => responses.push((s.clone(), shape)),
                    None => default_response = Some(shape),
                }
            }

            changes.push(format!("{where_}: multipart/form-data body -> multipart emitter"));
            taken.push(MultipartOperation {
                operation_id: op_id,
                method: method.to_string(),
                path: path.clone(),
                summary: op.summary.clone(),
                description: op.description.clone(),
                deprecated: op.deprecated,
                body_schema,
                encoding: media
                    .encoding
                    .iter()
                    .filter_map(|(k, e)| e.content_type.clone().map(|ct| (k.clone(), ct)))
                    .collect(),
                body_required: body.required,
                responses,
                default_response,
            });
            *slot = None;
        }
    }
    // A path left with no operation is removed, so progenitor sees no empty item.
    spec.paths.paths.retain(|_, item| match item {
        ReferenceOr::Item(item) => item.iter().next().is_some(),
        ReferenceOr::Reference { .. } => true,
    });
    if !new_schemas.is_empty() {
        let components = spec.components.get_or_insert_with(Default::default);
        for (name, schema) in new_schemas {
            components.schemas.insert(name, schema);
        }
    }
    Ok((
        taken,
        RuleReport {
            rule: "take_multipart_operations",
            changes,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(yaml: &str) -> OpenAPI {
        parse(yaml).unwrap()
    }

    const BASE: &str = r#"
openapi: 3.0.1
info: {title: t, version: "1"}
servers:
  - url: https://example.test/
components:
  securitySchemes:
    bearer: {type: http, scheme: bearer}
  parameters:
    acceptRef: {name: accept, in: header, schema: {type: string}}
paths:
  /things/{thing-id}:
    parameters:
      - {name: AUTHORIZATION, in: header, schema: {type: string}}
    get:
      parameters:
        - {name: thing-id, in: path, required: true, schema: {type: string}}
        - {name: content-type, in: header, schema: {type: string}}
        - {name: X-Trace, in: header, schema: {type: string}}
        - $ref: '#/components/parameters/acceptRef'
      responses:
        "200": {description: ok}
    put:
      operationId: replace_thing
      responses:
        "200": {description: ok}
  /upload:
    post:
      requestBody:
        content:
          multipart/form-data:
            schema:
              type: object
              properties:
                file: {type: string, format: binary}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {type: object, properties: {id: {type: string}}}
        "422":
          description: bad
          content:
            application/json:
              schema: {type: object, properties: {error: {type: string}}}
"#;

    #[test]
    fn derive_operation_id_uses_method_and_path() {
        assert_eq!(derive_operation_id("post", "/ideogram/remix"), "post_ideogram_remix");
        assert_eq!(
            derive_operation_id("get", "/v1/tasks/{task-id}"),
            "get_v1_tasks_task_id"
        );
        assert_eq!(derive_operation_id("get", "/"), "get");
        assert_eq!(derive_operation_id("PATCH", "/A//B.c/"), "patch_a_b_c");
    }

    #[test]
    fn assign_operation_ids_fills_only_missing_ids() {
        let mut s = spec(BASE);
        let report = assign_operation_ids(&mut s).unwrap();
        assert_eq!(
            report.changes,
            vec![
                "GET /things/{thing-id} -> get_things_thing_id",
                "POST /upload -> post_upload"
            ]
        );
        let item = s.paths.paths["/things/{thing-id}"].as_item().unwrap();
        assert_eq!(
            item.put.as_ref().unwrap().operation_id.as_deref(),
            Some("replace_thing")
        );
    }

    #[test]
    fn assign_operation_ids_refuses_a_collision() {
        let mut s = spec(&BASE.replace("operationId: replace_thing", "operationId: post_upload"));
        let err = assign_operation_ids(&mut s).unwrap_err().to_string();
        assert!(err.contains("post_upload") && err.contains("already used"), "{err}");
    }

    #[test]
    fn drop_client_owned_headers_drops_exactly_those() {
        let mut s = spec(BASE);
        let report = drop_client_owned_headers(&mut s);
        assert_eq!(
            report.changes,
            vec![
                "/things/{thing-id} (all operations): AUTHORIZATION",
                "GET /things/{thing-id}: content-type, accept",
            ]
        );
        let item = s.paths.paths["/things/{thing-id}"].as_item().unwrap();
        assert!(item.parameters.is_empty());
        let kept: Vec<String> = item
            .get
            .as_ref()
            .unwrap()
            .parameters
            .iter()
            .map(|p| p.as_item().unwrap().parameter_data_ref().name.clone())
            .collect();
        assert_eq!(kept, vec!["thing-id", "X-Trace"]);
    }

    #[test]
    fn default_base_url_comes_from_the_first_server() {
        let (url, report) = extract_default_base_url(&spec(BASE));
        assert_eq!(url.as_deref(), Some("https://example.test"));
        assert_eq!(report.changes.len(), 1);
        let (url, _) = extract_default_base_url(&spec(&BASE.replace("servers:\n  - url: https://example.test/\n", "")));
        assert_eq!(url, None);
    }

    #[test]
    fn bearer_scheme_is_found() {
        let (bearer, _) = extract_bearer_scheme(&spec(BASE));
        assert_eq!(bearer, Some(BearerScheme { name: "bearer".into() }));
        let (none, report) = extract_bearer_scheme(&spec(&BASE.replace("scheme: bearer", "scheme: basic")));
        assert_eq!(none, None);
        assert!(report.changes.is_empty());
    }

    #[test]
    fn multipart_operations_leave_their_response_types_behind() {
        let mut s = spec(BASE);
        assign_operation_ids(&mut s).unwrap();
        let (ops, report) = take_multipart_operations(&mut s).unwrap();
        assert_eq!(ops.len(), 1);
        let op = &ops[0];
        assert_eq!((op.method.as_str(), op.path.as_str()), ("post", "/upload"));
        assert_eq!(
            op.responses,
            vec![
                (
                    StatusCode::Code(200),
                    ResponseShape::Json {
                        media_type: "application/json".into(),
                        schema: "PostUploadResponse".into()
                    }
                ),
                (
                    StatusCode::Code(422),
                    ResponseShape::Json {
                        media_type: "application/json".into(),
                        schema: "PostUploadResponse422".into()
                    }
                ),
            ]
        );
        assert!(
            !s.paths.paths.contains_key("/upload"),
            "the operation is gone from the spec"
        );
        let schemas = &s.components.as_ref().unwrap().schemas;
        assert!(schemas.contains_key("PostUploadResponse") && schemas.contains_key("PostUploadResponse422"));
        assert_eq!(report.changes.len(), 3);
    }

    #[test]
    fn multipart_with_parameters_is_refused_not_dropped() {
        let mut s = spec(&BASE.replace(
            "  /upload:\n    post:\n",
            "  /upload:\n    post:\n      parameters:\n        - {name: q, in: query, schema: {type: string}}\n",
        ));
        assign_operation_ids(&mut s).unwrap();
        let err = take_multipart_operations(&mut s).unwrap_err().to_string();
        assert!(err.contains("parameters (q)"), "{err}");
    }
}
