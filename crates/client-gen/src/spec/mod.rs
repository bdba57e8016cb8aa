//! The typed OpenAPI 3.0 document as every rule, the emitter and `diff`
//! see it: where an operation is ([`Site`]), its methods ([`Method`]),
//! what a media type is ([`MediaKind`]), which class a status is in
//! ([`StatusClass`]), references ([`refs`]) and walks over every schema
//! ([`visit`]).

pub mod refs;
pub mod visit;

use anyhow::Result;
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Operation, PathItem, ReferenceOr, RequestBody, Response, Schema, StatusCode};

pub use refs::{component_name, resolve, resolve_boxed};

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

    /// The [`OperationError`] of `reason` here.
    pub fn error(&self, reason: impl Into<String>) -> OperationError {
        OperationError {
            path: self.path.clone(),
            method: self.method.clone(),
            location: self.location.clone(),
            reason: reason.into(),
        }
    }

    /// An [`OperationError`] here, as an `anyhow::Error`.
    pub fn refuse(&self, reason: impl Into<String>) -> anyhow::Error {
        anyhow::Error::new(self.error(reason))
    }
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
    Json,
    /// JSON by another name: a `+json` structured-syntax type
    /// (`application/merge-patch+json`, RFC 6839) or `text/json`.
    /// progenitor types none of them as it stands.
    JsonLike,
    /// `multipart/form-data`, compared case-insensitively, with or without
    /// parameters (and `application/form-data`, which some specs write for
    /// it): what the multipart emitter sends.
    Multipart,
    /// `application/x-www-form-urlencoded`.
    FormUrlencoded,
    /// `application/octet-stream`: raw bytes.
    OctetStream,
    /// `text/plain` or `text/x-markdown`: text progenitor sends as it is.
    Text,
    /// Anything else.
    Other,
}

impl MediaKind {
    /// The kind of `media_type`.
    pub fn of(media_type: &str) -> MediaKind {
        let essence = media_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if media_type == "application/json" || media_type.starts_with("application/json;") {
            MediaKind::Json
        } else if essence.ends_with("+json") || essence == "text/json" || essence == "application/json" {
            MediaKind::JsonLike
        } else if essence == "multipart/form-data" || essence == "application/form-data" {
            MediaKind::Multipart
        } else if essence == "application/x-www-form-urlencoded" {
            MediaKind::FormUrlencoded
        } else if essence == "application/octet-stream" {
            MediaKind::OctetStream
        } else if media_type == "text/plain" || media_type.starts_with("text/plain;") || media_type == "text/x-markdown"
        {
            MediaKind::Text
        } else {
            MediaKind::Other
        }
    }

    /// The media type this kind is written as, where it has one.
    pub fn name(self) -> Option<&'static str> {
        match self {
            MediaKind::Json => Some("application/json"),
            MediaKind::Multipart => Some("multipart/form-data"),
            MediaKind::FormUrlencoded => Some("application/x-www-form-urlencoded"),
            MediaKind::OctetStream => Some("application/octet-stream"),
            MediaKind::JsonLike | MediaKind::Text | MediaKind::Other => None,
        }
    }
}

/// The class of responses progenitor gives one body type each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusClass {
    /// 101 and 2xx: what the method returns as `Ok`.
    Success,
    /// 4xx and 5xx: what it returns as `Err(Error::ErrorResponse)`.
    Error,
}

impl StatusClass {
    /// Both classes, success first.
    pub const ALL: [StatusClass; 2] = [StatusClass::Success, StatusClass::Error];

    /// Whether an explicit `status` is in this class.
    pub fn holds(self, status: &StatusCode) -> bool {
        match self {
            StatusClass::Success => matches!(status, StatusCode::Code(101 | 200..=299) | StatusCode::Range(2)),
            StatusClass::Error => matches!(status, StatusCode::Code(400..=599) | StatusCode::Range(4 | 5)),
        }
    }

    /// Whether a response of `status` (`None`: `default`) counts in this
    /// class, as progenitor counts it: `default` is in both, except that
    /// progenitor drops it from the successes beside `2XX`.
    pub fn counts(self, status: Option<&StatusCode>, has_success_range: bool) -> bool {
        match status {
            Some(status) => self.holds(status),
            None => !(self == StatusClass::Success && has_success_range),
        }
    }

    /// `success` or `error`, as messages say it.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusClass::Success => "success",
            StatusClass::Error => "error",
        }
    }

    /// `Success` or `Error`, as type names say it.
    pub fn title(self) -> &'static str {
        match self {
            StatusClass::Success => "Success",
            StatusClass::Error => "Error",
        }
    }
}

/// `POST /path (operation_id)`, the way every message names an operation.
pub fn describe_operation(method: &str, path: &str, op: &Operation) -> String {
    match &op.operation_id {
        Some(id) => format!("{} {path} ({id})", method.to_uppercase()),
        None => format!("{} {path}", method.to_uppercase()),
    }
}

/// The data every kind of parameter has, mutably.
pub fn parameter_data_mut(parameter: &mut openapiv3::Parameter) -> &mut openapiv3::ParameterData {
    use openapiv3::Parameter;
    match parameter {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    }
}

/// The empty schema: any JSON (`serde_json::Value`).
pub fn any_json_schema() -> Schema {
    Schema {
        schema_data: Default::default(),
        schema_kind: openapiv3::SchemaKind::Any(Default::default()),
    }
}

/// The operations of a path item, with their methods.
pub fn path_item_operations_mut(item: &mut PathItem) -> impl Iterator<Item = (&'static str, &mut Operation)> {
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
pub fn operations_mut(spec: &mut OpenAPI) -> impl Iterator<Item = (&str, &'static str, &mut Operation)> {
    spec.paths.paths.iter_mut().flat_map(|(path, item)| {
        let item = match item {
            ReferenceOr::Item(item) => Some(item),
            ReferenceOr::Reference { .. } => None,
        };
        item.into_iter()
            .flat_map(move |item| path_item_operations_mut(item).map(move |(method, op)| (path.as_str(), method, op)))
    })
}

/// Every operation of the document, with its site.
pub fn operations(spec: &OpenAPI) -> Vec<(Site, &Operation)> {
    spec.paths
        .paths
        .iter()
        .filter_map(|(path, item)| item.as_item().map(|item| (path, item)))
        .flat_map(|(path, item)| item.iter().map(move |(method, op)| (Site::of(method, path, op), op)))
        .collect()
}

/// Removes the operation `method path` (and its path item, once empty).
pub fn remove_operation(spec: &mut OpenAPI, path: &str, method: &str) {
    if let Some(ReferenceOr::Item(item)) = spec.paths.paths.get_mut(path)
        && let Some(method) = Method::from_name(method)
    {
        *method.slot(item) = None;
        if item.iter().next().is_none() {
            spec.paths.paths.shift_remove(path);
        }
    }
}

/// The operation's request body, inlined first if it was a reference, so
/// that a rule changes this operation's copy only.
pub fn body_mut<'a>(lookup: &OpenAPI, op: &'a mut Operation) -> Result<Option<&'a mut RequestBody>> {
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
pub fn responses_mut<'a>(
    lookup: &OpenAPI,
    op: &'a mut Operation,
) -> Result<Vec<(Option<&'a StatusCode>, &'a mut Response)>> {
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
pub fn json_media<V>(content: &IndexMap<String, V>) -> Option<&str> {
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

    /// The spec `yaml` holds, typed as it is: no rule has read it.
    pub fn raw_spec(yaml: &str) -> OpenAPI {
        serde_yaml::from_str(yaml).unwrap()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_kinds_follow_what_progenitor_types() {
        assert_eq!(MediaKind::of("application/json; charset=utf-8"), MediaKind::Json);
        assert_eq!(MediaKind::of("application/merge-patch+json"), MediaKind::JsonLike);
        assert_eq!(MediaKind::of("text/json"), MediaKind::JsonLike);
        assert_eq!(MediaKind::of("Application/JSON"), MediaKind::JsonLike);
        assert_eq!(MediaKind::of("multipart/form-data; boundary=x"), MediaKind::Multipart);
        assert_eq!(MediaKind::of("text/plain; charset=utf-8"), MediaKind::Text);
        assert_eq!(MediaKind::of("text/xml"), MediaKind::Other);
    }

    #[test]
    fn default_counts_in_both_classes_but_beside_2xx() {
        let ok = StatusCode::Code(204);
        assert!(StatusClass::Success.holds(&ok) && !StatusClass::Error.holds(&ok));
        assert!(StatusClass::Error.holds(&StatusCode::Range(5)));
        assert!(StatusClass::Success.counts(None, false));
        assert!(!StatusClass::Success.counts(None, true));
        assert!(StatusClass::Error.counts(None, true));
    }
}
