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

/// An HTTP method a path item holds an operation under, in the order
/// progenitor visits them. Every walk over a path item's operations goes
/// through [`Method::ALL`] and [`Method::slot`], so they stay in step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Put,
    Post,
    Delete,
    Options,
    Head,
    Patch,
    Trace,
}

impl Method {
    /// Every method, in progenitor's order.
    pub const ALL: [Method; 8] = [
        Method::Get,
        Method::Put,
        Method::Post,
        Method::Delete,
        Method::Options,
        Method::Head,
        Method::Patch,
        Method::Trace,
    ];

    /// The lower-case name, as the spec writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "get",
            Method::Put => "put",
            Method::Post => "post",
            Method::Delete => "delete",
            Method::Options => "options",
            Method::Head => "head",
            Method::Patch => "patch",
            Method::Trace => "trace",
        }
    }

    /// The method named `name` (lower case), if it is one.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The path item's slot for this method's operation.
    pub fn slot(self, item: &mut PathItem) -> &mut Option<Operation> {
        match self {
            Method::Get => &mut item.get,
            Method::Put => &mut item.put,
            Method::Post => &mut item.post,
            Method::Delete => &mut item.delete,
            Method::Options => &mut item.options,
            Method::Head => &mut item.head,
            Method::Patch => &mut item.patch,
            Method::Trace => &mut item.trace,
        }
    }
}

/// What a body or response media type is, as the generator treats it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaKind {
    /// `application/json`, alone or with parameters
    /// (`application/json; charset=utf-8`): what progenitor 0.15.1 types.
    /// `+json` types (`application/problem+json`) are not, as progenitor
    /// does not type them.
    Json,
    /// `multipart/form-data`, compared case-insensitively, with or without
    /// parameters: what the multipart emitter sends.
    Multipart,
    /// `application/octet-stream`: raw bytes.
    OctetStream,
    /// Anything else.
    Other,
}

impl MediaKind {
    /// The kind of `media_type`.
    pub fn of(media_type: &str) -> MediaKind {
        let essence = media_type.split(';').next().unwrap_or_default().trim();
        if media_type == "application/json" || media_type.starts_with("application/json;") {
            MediaKind::Json
        } else if essence.eq_ignore_ascii_case("multipart/form-data") {
            MediaKind::Multipart
        } else if essence.eq_ignore_ascii_case("application/octet-stream") {
            MediaKind::OctetStream
        } else {
            MediaKind::Other
        }
    }

    /// The media type this kind is written as, where it has one.
    pub fn name(self) -> Option<&'static str> {
        match self {
            MediaKind::Json => Some("application/json"),
            MediaKind::Multipart => Some("multipart/form-data"),
            MediaKind::OctetStream => Some("application/octet-stream"),
            MediaKind::Other => None,
        }
    }
}

/// The operations of a path item, with their methods.
fn path_item_operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
    let PathItem {
        get,
        put,
        post,
        delete,
        options,
        head,
        patch,
        trace,
        ..
    } = item;
    [get, put, post, delete, options, head, patch, trace]
        .into_iter()
        .zip(Method::ALL)
        .filter_map(|(op, method)| op.as_mut().map(|op| (method.as_str(), op)))
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

/// The empty schema: any JSON (`serde_json::Value`).
pub fn any_json_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    }
}

/// A kind of component a `$ref` can point at: where its kind lives under
/// `components`. [`resolve`] follows references to any kind through this
/// one lookup (as progenitor's `ReferenceOrExt::item` does).
pub trait Component: Sized + 'static {
    /// The section's name (`schemas`), for references and messages.
    const SECTION: &'static str;

    /// The section's entries.
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// The name a reference gives in `T`'s section (`#/components/schemas/X`
/// -> `X`).
pub fn component_name<T: Component>(reference: &str) -> Result<&str> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(T::SECTION))
        .and_then(|rest| rest.strip_prefix('/'))
        .with_context(|| {
            format!(
                "reference {reference} does not resolve: it is not under #/components/{}/",
                T::SECTION
            )
        })
}

/// The component a reference names, through any chain of references (at
/// most 32 long). Every failure is one error: "reference R does not
/// resolve: why".
pub fn resolve_reference<'a, T: Component>(spec: &'a OpenAPI, reference: &str) -> Result<&'a T> {
    let mut current = reference.to_string();
    for _ in 0..32 {
        let name = component_name::<T>(&current)?;
        let entry = spec
            .components
            .as_ref()
            .and_then(|c| T::section(c).get(name))
            .with_context(|| {
                format!(
                    "reference {reference} does not resolve: no components.{}.{name}",
                    T::SECTION
                )
            })?;
        match entry {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference: next } => current = next.clone(),
        }
    }
    bail!("reference {reference} does not resolve: its chain of references loops")
}

/// `item` itself, or the component its reference names ([`resolve_reference`]).
pub fn resolve<'a, T: Component>(spec: &'a OpenAPI, item: &'a ReferenceOr<T>) -> Result<&'a T> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => resolve_reference(spec, reference),
    }
}

/// A boxed schema (as object properties hold them), resolved.
pub fn resolve_boxed<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Result<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Ok(s),
        ReferenceOr::Reference { reference } => resolve_reference(spec, reference),
    }
}

/// The operation's request body, inlined first if it was a reference, so
/// that a rule changes this operation's copy only.
fn body_mut<'a>(lookup: &OpenAPI, op: &'a mut Operation) -> Result<Option<&'a mut RequestBody>> {
    let Some(body) = op.request_body.as_mut() else {
        return Ok(None);
    };
    if let ReferenceOr::Reference { .. } = body {
        *body = ReferenceOr::Item(resolve(lookup, body)?.clone());
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
            *response = ReferenceOr::Item(resolve(lookup, response)?.clone());
        }
        if let ReferenceOr::Item(response) = response {
            out.push((status, response));
        }
    }
    Ok(out)
}

/// The key under which a JSON media type sits in `content`, if any.
fn json_media<V>(content: &IndexMap<String, V>) -> Option<&str> {
    content
        .keys()
        .map(String::as_str)
        .find(|k| MediaKind::of(k) == MediaKind::Json)
}

#[cfg(test)]
pub(crate) mod test_support {
    use super::*;

    /// The spec `yaml` holds, with `openapi: 3.0.1` and an `info` put
    /// first when it starts otherwise.
    pub fn spec(yaml: &str) -> OpenAPI {
        let text = if yaml.trim_start().starts_with("openapi:") {
            yaml.to_string()
        } else {
            format!("openapi: 3.0.1\ninfo: {{title: t, version: \"1\"}}\n{yaml}")
        };
        crate::input::read(&text, "test.yaml").unwrap().spec
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
