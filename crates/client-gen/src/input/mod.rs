//! Reading a spec: YAML or JSON text, OpenAPI 2.0, 3.0 or 3.1, split
//! across files or not, to the typed OpenAPI 3.0 document the
//! normalization rules and progenitor take.
//!
//! Only a text that is not YAML or JSON, or not an OpenAPI document of a
//! known version, is refused: one line naming the file and the place. What
//! one part of the document does wrong degrades that part, by the rules of
//! [`crate::rules::RULES`] that read the tree, each change named.

pub mod bundle;
pub mod contradictions;
pub mod fit;
pub mod json_schema;
pub mod merged_names;
pub mod openapi31;
pub mod paths;
pub mod refs;
pub mod schema_names;
pub mod swagger2;
pub mod tree;

use std::path::Path;

use anyhow::{Result, anyhow};
use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::rules::{Apply, Context, RULES, RuleReport, Stage};
pub use bundle::BundledFile;

/// The OpenAPI version a document declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Version {
    /// `swagger: "2.0"`.
    Swagger2,
    /// `openapi: 3.0.x`, with the version as written.
    OpenApi30(String),
    /// `openapi: 3.1.x`, with the version as written.
    OpenApi31(String),
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Version::Swagger2 => f.write_str("2.0"),
            Version::OpenApi30(v) | Version::OpenApi31(v) => f.write_str(v),
        }
    }
}

/// A spec read and brought to OpenAPI 3.0.
#[derive(Debug)]
pub struct Input {
    /// The version the document declared.
    pub version: Version,
    /// The typed 3.0 document.
    pub spec: OpenAPI,
    /// The operations of the document as it was written.
    pub operations: usize,
    /// Those that send `multipart/form-data`.
    pub multipart_operations: usize,
    /// What each rule that read the tree did, in order.
    pub reports: Vec<RuleReport>,
    /// The other files the spec was bundled from.
    pub files: Vec<BundledFile>,
    /// What the rules left out or typed as any JSON.
    pub context: Context,
}

/// Reads `text` (the spec named `name` in messages). References into other
/// files cannot resolve: they degrade, named.
pub fn read(text: &str, name: &str) -> Result<Input> {
    read_in(text, name, None)
}

/// Reads `text`, the spec `name` in the folder `folder` (`None`: none),
/// bundling the files it refers to.
pub fn read_in(text: &str, name: &str, folder: Option<&Path>) -> Result<Input> {
    let doc = crate::timing::time("parse", || parse_tree(text, name))?;
    if !doc.is_mapping() {
        return Err(anyhow!("{name}: the document is not a mapping of OpenAPI fields"));
    }
    let version = version(&doc, name)?;
    let bundled = crate::timing::time("bundle", || bundle::bundle(doc, folder));
    let mut doc = bundled.doc;
    let (operations, multipart_operations) = count_operations(&doc);
    let mut context = Context {
        unresolved: bundled.unresolved,
        ..Context::default()
    };
    let reports = apply_tree_rules(&mut doc, &mut context, &|stage| stage.applies_to(&version));
    let written = tree_operations(&doc);
    let spec = match context.typed.take() {
        Some(spec) => spec,
        None => crate::timing::time("typed read", || typed(doc, name, &version))?,
    };
    leave_out_unread(written, &spec, &mut context);
    Ok(Input {
        version,
        spec,
        operations,
        multipart_operations,
        reports,
        files: bundled.files,
        context,
    })
}

/// Applies every rule on the tree whose stage `applies` says, in order.
pub fn apply_tree_rules(doc: &mut Value, context: &mut Context, applies: &dyn Fn(Stage) -> bool) -> Vec<RuleReport> {
    RULES
        .iter()
        .filter(|rule| applies(rule.stage))
        .filter_map(|rule| match rule.apply {
            Apply::Tree(apply) => Some(RuleReport {
                rule: rule.name,
                changes: crate::timing::time(rule.name, || apply(doc, context)),
            }),
            Apply::Spec(_) => None,
        })
        .collect()
}

/// The operations of a document tree (2.0 or 3.x), every method of every
/// path item, and how many of them send `multipart/form-data`.
/// The operations of the tree: path, method and `operationId`.
fn tree_operations(doc: &Value) -> Vec<(String, &'static str, Option<String>)> {
    let Some(paths) = tree::get(doc, "paths").and_then(Value::as_mapping) else {
        return Vec::new();
    };
    paths
        .iter()
        .flat_map(|(path, item)| {
            tree::PATH_ITEM_METHODS.iter().filter_map(move |m| {
                let op = tree::get(item, m)?;
                Some((
                    tree::key_text(path),
                    *m,
                    tree::get_str(op, "operationId").map(str::to_string),
                ))
            })
        })
        .collect()
}

/// An operation the tree holds and the typed document does not is left
/// out, by name: openapiv3 drops what it does not take (a key of `paths`
/// it does not read as a path, say) without a word, and an operation must
/// not vanish unreported, nor be counted as generated.
fn leave_out_unread(written: Vec<(String, &'static str, Option<String>)>, spec: &OpenAPI, context: &mut Context) {
    let typed: std::collections::HashSet<(String, String)> = crate::spec::operations(spec)
        .into_iter()
        .map(|(site, _)| (site.path, site.method))
        .collect();
    for (path, method, id) in written {
        if typed.contains(&(path.clone(), method.to_string())) {
            continue;
        }
        let location = match id {
            Some(id) => format!("{} {path} ({id})", method.to_uppercase()),
            None => format!("{} {path}", method.to_uppercase()),
        };
        context.leave_out(crate::spec::OperationError {
            path,
            method: method.to_string(),
            location,
            reason: "openapiv3 did not read it into the typed document".to_string(),
        });
    }
}

fn count_operations(doc: &Value) -> (usize, usize) {
    let Some(paths) = tree::get(doc, "paths").and_then(Value::as_mapping) else {
        return (0, 0);
    };
    let operations = paths
        .values()
        .flat_map(|item| tree::PATH_ITEM_METHODS.iter().filter_map(move |m| tree::get(item, m)))
        .collect::<Vec<_>>();
    let multipart = operations.iter().filter(|op| sends_multipart(doc, op)).count();
    (operations.len(), multipart)
}

/// Whether an operation of the tree sends a multipart body: its request
/// body (3.x, through a reference to the components) has a multipart media
/// type, or (2.0) it has form parameters with a file or consumes multipart.
fn sends_multipart(doc: &Value, op: &Value) -> bool {
    let multipart = |media: &str| crate::spec::MediaKind::of(media) == crate::spec::MediaKind::Multipart;
    let body = tree::get(op, "requestBody").map(|body| match tree::get_str(body, "$ref") {
        Some(target) => tree::resolve(doc, target).unwrap_or(body),
        None => body,
    });
    if let Some(content) = body.and_then(|b| tree::get(b, "content")).and_then(Value::as_mapping) {
        return content.keys().any(|k| multipart(&tree::key_text(k)));
    }
    let listed = |v: Option<&Value>| {
        v.and_then(Value::as_sequence)
            .is_some_and(|l| l.iter().filter_map(Value::as_str).any(multipart))
    };
    let form = tree::get(op, "parameters")
        .and_then(Value::as_sequence)
        .map(|ps| {
            ps.iter()
                .filter(|p| tree::get_str(p, "in") == Some("formData"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    !form.is_empty()
        && (form.iter().any(|p| tree::get_str(p, "type") == Some("file"))
            || listed(tree::get(op, "consumes"))
            || (tree::get(op, "consumes").is_none() && listed(tree::get(doc, "consumes"))))
}

/// The document as a tree; a syntax error names its line and column. A
/// text that starts with `{` is read as JSON (YAML would accept some JSON
/// syntax errors as flow mappings).
pub(crate) fn parse_tree(text: &str, name: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str::<Value>(text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            anyhow!("{name}:{}:{}: not valid JSON: {message}", e.line(), e.column())
        });
    }
    let mut text = std::borrow::Cow::Borrowed(text);
    for _ in 0..64 {
        let error = match serde_yaml::from_str::<Value>(&text) {
            Ok(value) => return Ok(value),
            Err(error) => error,
        };
        // An integer beyond 64 bits (JavaScript's `-9223372036854776000`,
        // say), which the YAML reader cannot hold: read as a float, the
        // way a JSON reader reads it, and go on.
        let message = error.to_string();
        match (
            error.location(),
            message.contains(" as i128") || message.contains(" as u128"),
        ) {
            (Some(at), true) => match widen_integer(&text, at.index()) {
                Some(widened) => text = std::borrow::Cow::Owned(widened),
                None => return Err(yaml_error(&error, name)),
            },
            _ => return Err(yaml_error(&error, name)),
        }
    }
    Err(anyhow!(
        "{name}: not valid YAML or JSON: too many integers beyond 64 bits"
    ))
}

/// `text` with the integer literal at byte `index` written as a float.
fn widen_integer(text: &str, index: usize) -> Option<String> {
    let rest = text.get(index..)?;
    let length = rest
        .char_indices()
        .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '-' || *c == '+'))))
        .map_or(rest.len(), |(i, _)| i);
    (length > 1).then(|| format!("{}{}.0{}", &text[..index], &rest[..length], &rest[length..]))
}

fn yaml_error(error: &serde_yaml::Error, name: &str) -> anyhow::Error {
    match error.location() {
        Some(at) => {
            let message = error.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            anyhow!(
                "{name}:{}:{}: not valid YAML or JSON: {message}",
                at.line(),
                at.column()
            )
        }
        None => anyhow!("{name}: not valid YAML or JSON: {error}"),
    }
}

fn version(doc: &Value, name: &str) -> Result<Version> {
    let text = |v: &Value| tree::key_text(v);
    if let Some(v) = tree::get(doc, "openapi") {
        let v = text(v);
        return if v.starts_with("3.0.") || v == "3.0" {
            Ok(Version::OpenApi30(v))
        } else if v.starts_with("3.1.") || v == "3.1" {
            Ok(Version::OpenApi31(v))
        } else {
            Err(anyhow!(
                "{name}: /openapi: OpenAPI {v} is not supported; this generator reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
            ))
        };
    }
    if let Some(v) = tree::get(doc, "swagger") {
        let v = text(v);
        return if v == "2.0" || v == "2" {
            Ok(Version::Swagger2)
        } else {
            Err(anyhow!(
                "{name}: /swagger: Swagger {v} is not supported; this generator reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
            ))
        };
    }
    Err(anyhow!(
        "{name}: the document has neither `openapi` nor `swagger`: it is not an OpenAPI document"
    ))
}

/// The typed document; a field that does not fit names its JSON pointer.
fn typed(doc: Value, name: &str, version: &Version) -> Result<OpenAPI> {
    serde_path_to_error::deserialize::<_, OpenAPI>(doc).map_err(|e| {
        let pointer = e.path().iter().fold(String::new(), |p, segment| {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => tree::pointer(&p, &index.to_string()),
                Segment::Map { key } => tree::pointer(&p, key),
                Segment::Enum { variant } => tree::pointer(&p, variant),
                Segment::Unknown => tree::pointer(&p, "?"),
            }
        });
        let pointer = if pointer.is_empty() { "/".to_string() } else { pointer };
        let read_as = match version {
            Version::OpenApi30(_) => String::new(),
            _ => format!(" (read as OpenAPI 3.0 after the {version} rules)"),
        };
        anyhow!("{name}: {pointer}: {}{read_as}", e.into_inner())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        read(text, "spec.yaml").unwrap_err().to_string()
    }

    #[test]
    fn an_operation_the_typed_document_lacks_is_left_out_by_name() {
        let spec: OpenAPI = serde_yaml::from_str(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a: {get: {responses: {}}}\n",
        )
        .unwrap();
        let written = vec![
            ("/a".to_string(), "get", None),
            ("/b".to_string(), "post", Some("make_b".to_string())),
        ];
        let mut context = Context::default();
        leave_out_unread(written, &spec, &mut context);
        assert_eq!(context.left_out.len(), 1);
        assert_eq!(context.left_out[0].location, "POST /b (make_b)");
        assert!(context.left_out[0].reason.contains("openapiv3 did not read it"));
    }

    #[test]
    fn a_path_without_its_slash_is_read_and_counted() {
        let text = "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  users: {get: {operationId: users, responses: {}}}\n";
        let input = read(text, "spec.yaml").unwrap();
        assert_eq!(input.operations, 1);
        assert!(input.context.left_out.is_empty(), "{:?}", input.context.left_out);
        assert!(input.spec.paths.paths.contains_key("/users"));
    }

    #[test]
    fn unknown_versions_are_refused_by_name() {
        assert_eq!(
            err("openapi: 3.2.0\ninfo: {title: t, version: '1'}\npaths: {}\n"),
            "spec.yaml: /openapi: OpenAPI 3.2.0 is not supported; this generator reads Swagger 2.0 and OpenAPI 3.0.x and 3.1.x"
        );
        assert!(err("swagger: '1.2'\n").starts_with("spec.yaml: /swagger: Swagger 1.2 is not supported"));
        assert!(err("info: {}\n").contains("neither `openapi` nor `swagger`"));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = err("openapi: 3.0.0\ninfo: {title: t\npaths: ]\n");
        assert!(
            e.starts_with("spec.yaml:3:") && e.contains("not valid YAML or JSON"),
            "{e}"
        );
        let e = err("{\n  \"openapi\": \"3.0.0\",\n  \"info\": }\n");
        assert!(e.starts_with("spec.yaml:3:11: not valid JSON: expected value"), "{e}");
    }

    #[test]
    fn dangling_references_degrade_where_they_are() {
        let input = read(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Gone'}\n  /b:\n    get:\n      responses: {'200': {description: ok}}\ncomponents: {schemas: {A: {$ref: 'other.yaml#/A'}}}\n",
            "spec.yaml",
        )
        .unwrap();
        let left_out = &input.context.left_out;
        assert_eq!(left_out.len(), 1);
        assert_eq!(left_out[0].location, "GET /a");
        assert_eq!(
            left_out[0].reason,
            "$ref \"#/components/responses/Gone\": it does not resolve"
        );
        assert_eq!(input.context.untyped[0].operation, "/components/schemas/A");
        assert!(input.context.untyped[0].reason.contains("read without its folder"));
        assert!(
            input.spec.paths.paths.contains_key("/b"),
            "the rest of the spec is read"
        );
    }

    #[test]
    fn integers_beyond_64_bits_are_read_as_numbers() {
        let doc = parse_tree("a: -9223372036854776000\nb: [1, 99999999999999999999]\n", "spec.yaml").unwrap();
        assert_eq!(doc["a"].as_f64(), Some(-9.223372036854776e18));
        assert_eq!(doc["b"][1].as_f64(), Some(1e20));
    }

    #[test]
    fn a_field_of_the_wrong_type_leaves_its_operation_out() {
        let input = read(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n",
            "spec.yaml",
        )
        .unwrap();
        assert_eq!(input.context.left_out[0].location, "GET /a");
        assert!(
            input.context.left_out[0].reason.contains("does not fit OpenAPI 3.0"),
            "{:?}",
            input.context.left_out
        );
    }
}
