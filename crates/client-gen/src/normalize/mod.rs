//! Normalization of the OpenAPI document before progenitor sees it.
//!
//! The checked-in spec is never edited by hand. Everything progenitor 0.15.1
//! cannot take as it stands (it would refuse it, panic on it or hit a
//! `todo!`) is adjusted here, in memory, one small named rule at a time.
//! Each rule is one function with its own unit test and reports what it
//! changed; the report ends up in the header of the generated file so that
//! a reviewer sees every adjustment.
//!
//! | rule | the spec shape it handles |
//! |---|---|
//! | [`assign_operation_ids`] | operations without `operationId` |
//! | [`drop_client_owned_headers`] | `Content-Type` / `Accept` / `Authorization` declared as parameters |
//! | [`require_path_parameters`] | path parameters not marked `required` (progenitor asserts they are) |
//! | [`reference_titled_copies`] | inline copies of a component titled with its name (typify defines the type twice) |
//! | [`split_multipart_operations`] | `multipart/form-data` bodies, which progenitor cannot generate |
//! | [`keep_one_body_media_type`] | more than one non-multipart body media type (progenitor `todo!`s) |
//! | [`drop_encoding_from_json_bodies`] | `encoding` on a JSON body (progenitor `todo!`s) |
//! | [`drop_encoding_from_responses`] | `encoding` on a JSON response (progenitor asserts there is none) |
//! | [`type_schemaless_json_responses`] | a JSON response without a schema (progenitor `todo!`s) |
//! | [`default_response_means_errors`] | a `default` response beside explicit 2xx ones |
//! | [`drop_bodiless_responses_beside_typed`] | bodiless responses beside a typed one of the same class (progenitor asserts one type per class) |
//! | [`extract_default_base_url`] | `servers[0].url` |
//! | [`extract_security_schemes`] | HTTP bearer and header API-key schemes |

mod bodies;
mod client;
mod multipart;
mod operations;
mod responses;
mod schemas;

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, Parameter, PathItem, ReferenceOr, RequestBody, Response, Schema};

pub use bodies::{drop_encoding_from_json_bodies, keep_one_body_media_type, merge_all_of_bodies};
pub use client::{SecurityScheme, extract_default_base_url, extract_security_schemes};
pub use multipart::{MultipartOperation, MultipartSource, split_multipart_operations};
pub use operations::{
    assign_operation_ids, drop_client_owned_headers, parameters_are_not_nullable, require_path_parameters,
};
pub use responses::{
    default_response_means_errors, drop_bodiless_responses_beside_typed, drop_encoding_from_responses,
    one_body_type_per_response_class, type_schemaless_json_responses,
};
pub use schemas::{dedupe_enum_values, one_of_beside_any_of, reference_titled_copies, untitle_clashing_inline_schemas};

pub use crate::report::RuleReport;

/// An operation that cannot be generated, and why: the generator leaves it
/// out (or, in strict mode, stops) and says so.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperationError {
    /// The operation's path template.
    pub path: String,
    /// Its lower-case method.
    pub method: String,
    /// `POST /path (id)`, as messages name it.
    pub location: String,
    /// What cannot be generated, and why.
    pub reason: String,
}

impl std::fmt::Display for OperationError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.location, self.reason)
    }
}

impl std::error::Error for OperationError {}

/// Where an operation is: its method and path, and how messages name it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    /// The lower-case method.
    pub method: String,
    /// The path template.
    pub path: String,
    /// `POST /path (id)`.
    pub location: String,
}

impl Site {
    /// The site of `op` at `method path`.
    pub fn of(method: &str, path: &str, op: &Operation) -> Site {
        Site {
            method: method.to_string(),
            path: path.to_string(),
            location: describe_operation(method, path, op),
        }
    }

    /// An [`OperationError`] here.
    pub fn refuse(&self, reason: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(OperationError {
            path: self.path.clone(),
            method: self.method.clone(),
            location: self.location.clone(),
            reason: reason.into(),
        })
    }
}

/// The normalized document and what was taken out of it.
#[derive(Debug, Clone)]
pub struct Normalized {
    /// The document progenitor generates from.
    pub spec: OpenAPI,
    /// `servers[0].url`, for the `DEFAULT_BASE_URL` constant.
    pub default_base_url: Option<String>,
    /// The security schemes that get a constructor.
    pub security: Vec<SecurityScheme>,
    /// Operations with multipart bodies, for the multipart emitter.
    pub multipart: Vec<MultipartOperation>,
    /// What each rule did, in the order applied.
    pub reports: Vec<RuleReport>,
}

/// Applies every rule, in order.
pub fn normalize(mut spec: OpenAPI) -> Result<Normalized> {
    let mut reports = vec![
        assign_operation_ids(&mut spec)?,
        drop_client_owned_headers(&mut spec),
        require_path_parameters(&mut spec),
        parameters_are_not_nullable(&mut spec),
        reference_titled_copies(&mut spec),
        untitle_clashing_inline_schemas(&mut spec),
        dedupe_enum_values(&mut spec),
        one_of_beside_any_of(&mut spec),
        merge_all_of_bodies(&mut spec)?,
    ];
    let (multipart, report) = split_multipart_operations(&mut spec)?;
    reports.push(report);
    reports.push(keep_one_body_media_type(&mut spec)?);
    reports.push(drop_encoding_from_json_bodies(&mut spec)?);
    reports.push(drop_encoding_from_responses(&mut spec)?);
    reports.push(type_schemaless_json_responses(&mut spec)?);
    reports.push(default_response_means_errors(&mut spec)?);
    reports.push(one_body_type_per_response_class(&mut spec)?);
    reports.push(drop_bodiless_responses_beside_typed(&mut spec)?);
    let (default_base_url, report) = extract_default_base_url(&spec);
    reports.push(report);
    let (security, report) = extract_security_schemes(&spec);
    reports.push(report);
    Ok(Normalized {
        spec,
        default_base_url,
        security,
        multipart,
        reports,
    })
}

/// The HTTP methods of a path item, in the order progenitor visits them.
const METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

fn path_item_operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    [
        item.get.as_mut(),
        item.put.as_mut(),
        item.post.as_mut(),
        item.delete.as_mut(),
        item.options.as_mut(),
        item.head.as_mut(),
        item.patch.as_mut(),
        item.trace.as_mut(),
    ]
    .into_iter()
    .zip(METHODS)
    .filter_map(|(op, method)| op.map(|op| (method, op)))
}

/// Every operation of the document, with its path and lower-case method.
fn operations_mut(spec: &mut OpenAPI) -> impl Iterator<Item = (&str, &'static str, &mut Operation)> {
    spec.paths.paths.iter_mut().flat_map(|(path, item)| {
        let item = match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        };
        item.into_iter()
            .flat_map(move |item| path_item_operations_mut(item).map(move |(method, op)| (path.as_str(), method, op)))
    })
}

/// `POST /path (operation_id)`, the way every message names an operation.
pub fn describe_operation(method: &str, path: &str, op: &Operation) -> String {
    match &op.operation_id {
        Some(id) => format!("{} {path} ({id})", method.to_uppercase()),
        None => format!("{} {path}", method.to_uppercase()),
    }
}

fn component_name<'a>(reference: &'a str, kind: &str) -> Result<&'a str> {
    reference
        .strip_prefix(&format!("#/components/{kind}/"))
        .with_context(|| format!("unsupported reference {reference}: only #/components/{kind}/... is followed"))
}

fn resolve_parameter<'a>(spec: &'a OpenAPI, p: &'a ReferenceOr<Parameter>) -> Option<&'a Parameter> {
    match p {
        ReferenceOr::Item(p) => Some(p),
        ReferenceOr::Reference { reference } => {
            let name = reference.strip_prefix("#/components/parameters/")?;
            spec.components.as_ref()?.parameters.get(name)?.as_item()
        }
    }
}

fn resolve_request_body<'a>(spec: &'a OpenAPI, body: &'a ReferenceOr<RequestBody>) -> Result<&'a RequestBody> {
    match body {
        ReferenceOr::Item(b) => Ok(b),
        ReferenceOr::Reference { reference } => {
            let name = component_name(reference, "requestBodies")?;
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
            let name = component_name(reference, "responses")?;
            match spec.components.as_ref().and_then(|c| c.responses.get(name)) {
                Some(ReferenceOr::Item(r)) => Ok(r),
                _ => bail!("response reference {reference} does not resolve"),
            }
        }
    }
}

/// Resolves a schema through any chain of `#/components/schemas/` references.
pub fn resolve_schema<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Result<&'a Schema> {
    let mut current = schema;
    for _ in 0..32 {
        match current {
            ReferenceOr::Item(s) => return Ok(s),
            ReferenceOr::Reference { reference } => {
                let name = component_name(reference, "schemas")?;
                current = spec
                    .components
                    .as_ref()
                    .and_then(|c| c.schemas.get(name))
                    .with_context(|| format!("schema reference {reference} does not resolve"))?;
            }
        }
    }
    bail!("schema references loop")
}

/// Resolves a boxed property schema (as object properties hold them).
pub fn resolve_boxed<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Result<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Ok(s),
        ReferenceOr::Reference { reference } => resolve_schema(
            spec,
            spec.components
                .as_ref()
                .and_then(|c| c.schemas.get(component_name(reference, "schemas").ok()?))
                .with_context(|| format!("schema reference {reference} does not resolve"))?,
        ),
    }
}

/// The operation's request body, inlined first if it was a reference, so
/// that a rule changes this operation's copy only.
fn body_mut<'a>(lookup: &OpenAPI, op: &'a mut Operation) -> Result<Option<&'a mut RequestBody>> {
    let Some(body) = op.request_body.as_mut() else {
        return Ok(None);
    };
    if let ReferenceOr::Reference { .. } = body {
        *body = ReferenceOr::Item(resolve_request_body(lookup, body)?.clone());
    }
    Ok(match body {
        ReferenceOr::Item(body) => Some(body),
        ReferenceOr::Reference { .. } => None,
    })
}

/// Every response of the operation (`default` last), inlined first where it
/// was a reference, with its status (`None` for `default`).
fn responses_mut<'a>(
    lookup: &OpenAPI,
    op: &'a mut Operation,
) -> Result<Vec<(Option<&'a openapiv3::StatusCode>, &'a mut Response)>> {
    let responses = &mut op.responses;
    let entries = responses
        .responses
        .iter_mut()
        .map(|(status, r)| (Some(status), r))
        .chain(responses.default.iter_mut().map(|r| (None, r)));
    let mut out = Vec::new();
    for (status, response) in entries {
        if let ReferenceOr::Reference { .. } = response {
            *response = ReferenceOr::Item(resolve_response(lookup, response)?.clone());
        }
        if let ReferenceOr::Item(response) = response {
            out.push((status, response));
        }
    }
    Ok(out)
}

/// A JSON media type, as progenitor recognizes one.
fn is_json_media_type(media_type: &str) -> bool {
    media_type == "application/json" || media_type.starts_with("application/json;")
}

/// The key under which a JSON media type sits in `content`, if any.
fn json_media<V>(content: &IndexMap<String, V>) -> Option<&str> {
    content.keys().map(String::as_str).find(|k| is_json_media_type(k))
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    pub fn spec(yaml: &str) -> OpenAPI {
        crate::input::read(yaml, "test.yaml").unwrap().spec
    }

    pub fn operation<'a>(spec: &'a OpenAPI, path: &str, method: &str) -> &'a Operation {
        let item = spec.paths.paths[path].as_item().unwrap();
        item.iter().find(|(m, _)| *m == method).unwrap().1
    }

    /// The operation's inline request body.
    pub fn request_body<'a>(spec: &'a OpenAPI, path: &str, method: &str) -> &'a RequestBody {
        operation(spec, path, method)
            .request_body
            .as_ref()
            .unwrap()
            .as_item()
            .unwrap()
    }
}
