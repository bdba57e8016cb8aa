//! Reading a spec: YAML or JSON text, OpenAPI 2.0, 3.0 or 3.1, to the typed
//! OpenAPI 3.0 document the normalization rules and progenitor take.
//!
//! Every refusal is one line naming the file and the place: a line and
//! column for a syntax error, a JSON pointer for anything after parsing.

pub mod openapi31;
pub mod swagger2;
pub mod tree;

use anyhow::{Result, anyhow};
use openapiv3::OpenAPI;
use serde_yaml::Value;

use crate::report::RuleReport;

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
    /// What the version rules changed (none for a 3.0 document).
    pub reports: Vec<RuleReport>,
}

/// Reads `text` (the spec named `name` in messages).
pub fn read(text: &str, name: &str) -> Result<Input> {
    let mut doc = parse_tree(text, name)?;
    if !doc.is_mapping() {
        return Err(anyhow!("{name}: the document is not a mapping of OpenAPI fields"));
    }
    let version = version(&doc, name)?;
    check_references(&doc, name)?;
    let reports = match &version {
        Version::Swagger2 => swagger2::convert(&mut doc),
        Version::OpenApi31(_) => openapi31::upgrade(&mut doc),
        Version::OpenApi30(_) => Vec::new(),
    };
    let spec = typed(doc, name, &version)?;
    Ok(Input { version, spec, reports })
}

/// The document as a tree; a syntax error names its line and column. A
/// text that starts with `{` is read as JSON (YAML would accept some JSON
/// syntax errors as flow mappings).
fn parse_tree(text: &str, name: &str) -> Result<Value> {
    if text.trim_start().starts_with('{') {
        return serde_json::from_str::<Value>(text).map_err(|e| {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message).to_string();
            anyhow!("{name}:{}:{}: not valid JSON: {message}", e.line(), e.column())
        });
    }
    serde_yaml::from_str::<Value>(text).map_err(|e| match e.location() {
        Some(at) => {
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            anyhow!(
                "{name}:{}:{}: not valid YAML or JSON: {message}",
                at.line(),
                at.column()
            )
        }
        None => anyhow!("{name}: not valid YAML or JSON: {e}"),
    })
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

/// Every `$ref` must point inside the document, at something that is there.
fn check_references(doc: &Value, name: &str) -> Result<()> {
    let mut refs = Vec::new();
    tree::references(doc, "", &mut refs);
    for (at, target) in refs {
        let at = if at.is_empty() { "/" } else { at.as_str() };
        if !target.starts_with('#') {
            return Err(anyhow!(
                "{name}: {at}: $ref {target:?} points outside the document; only references inside it (#/...) are followed"
            ));
        }
        if tree::resolve(doc, &target).is_none() {
            return Err(anyhow!("{name}: {at}: $ref {target:?} does not resolve"));
        }
    }
    Ok(())
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
    fn dangling_references_name_where_they_are() {
        let e = err(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {$ref: '#/components/responses/Gone'}\n",
        );
        assert_eq!(
            e,
            "spec.yaml: /paths/~1a/get/responses/200: $ref \"#/components/responses/Gone\" does not resolve"
        );
        let e = err(
            "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents: {schemas: {A: {$ref: 'other.yaml#/A'}}}\n",
        );
        assert!(
            e.contains("/components/schemas/A: $ref \"other.yaml#/A\" points outside"),
            "{e}"
        );
    }

    #[test]
    fn a_field_of_the_wrong_type_names_its_pointer() {
        let e = err("openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses: 7\n");
        assert!(e.starts_with("spec.yaml: /paths: invalid type: integer `7`"), "{e}");
    }
}
