//! Specs split across files, bundled into one document before any rule
//! runs: every `$ref` into another file (`models.yml#/droplet`,
//! `../shared/errors.yaml`) is resolved from the file that holds it. A
//! schema from another file becomes a component (the one that already
//! refers to it, else one named after it, the way `redocly bundle` names
//! them), so that every reference to it is one type; anything else (a path
//! item, a response, an example, a description) is copied in where it is
//! referred to. A missing file, a file that does not parse, a pointer that
//! resolves nowhere in it, a cycle of copies and a URL (never fetched)
//! leave the reference as it is, with the reason, for
//! [`super::refs::unresolved_references`] to degrade.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};

use serde_yaml::{Mapping, Value};
use sha2::{Digest, Sha256};

use super::tree::{self, get, key_text};
use crate::names::{self, Case};

/// A file the bundle read besides the spec itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundledFile {
    /// Its path relative to the spec's folder, with `/`.
    pub path: String,
    /// The SHA-256 of its bytes, in hex.
    pub sha256: String,
}

/// The bundled document.
#[derive(Debug)]
pub struct Bundle {
    /// One document.
    pub doc: Value,
    /// Every other file it was made from, by path.
    pub files: Vec<BundledFile>,
    /// Why each reference left as it was does not resolve, by its target.
    pub unresolved: BTreeMap<String, String>,
}

/// Where a value sits in an OpenAPI document (2.0 or 3.x): what its
/// children are, and so whether a `$ref` there means a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Document,
    Paths,
    PathItem,
    Operation,
    Parameter,
    RequestBody,
    Responses,
    Response,
    MediaType,
    Components,
    Schema,
    Other,
}

/// What the value under a key is: one value of a kind, or a map (or list)
/// of values of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    One(Kind),
    Many(Kind),
}

/// The keywords whose value is one schema (or, for `items`, a list).
const ONE_SCHEMA: [&str; 10] = [
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "additionalProperties",
    "items",
    "unevaluatedItems",
    "unevaluatedProperties",
];

/// What the value under `key` of a `kind` value is.
fn slot(kind: Kind, key: &str) -> Slot {
    use Kind::*;
    use Slot::{Many, One};
    match (kind, key) {
        (Document, "paths" | "webhooks") => One(Paths),
        (Document, "components") => One(Components),
        (Document, "definitions") => Many(Schema),
        (Document, "parameters") => Many(Parameter),
        (Document, "responses") => Many(Response),
        (Paths, _) => One(PathItem),
        (PathItem | Operation, "parameters") => Many(Parameter),
        (PathItem, m) if tree::PATH_ITEM_METHODS.contains(&m) => One(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => One(Responses),
        (Responses, _) => One(Response),
        (Response | RequestBody | Parameter, "content") => Many(MediaType),
        (Response, "headers") => Many(Parameter),
        (Response | Parameter | MediaType, "schema") => One(Schema),
        (Components, "schemas") => Many(Schema),
        (Components, "parameters" | "headers") => Many(Parameter),
        (Components, "responses") => Many(Response),
        (Components, "requestBodies") => Many(RequestBody),
        (Components, "pathItems") => Many(PathItem),
        (Components, _) => Many(Other),
        (Schema, "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas") => Many(Schema),
        (Schema, "allOf" | "anyOf" | "oneOf" | "prefixItems") => Many(Schema),
        (Schema, k) if ONE_SCHEMA.contains(&k) => One(Schema),
        _ => One(Other),
    }
}

/// `path` with `.` and `..` taken out lexically (no file system lookup).
fn normalized(path: &Path) -> Option<PathBuf> {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            Component::Normal(c) => out.push(c),
            Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(out)
}

fn slash_path(path: &Path) -> String {
    path.components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

/// An external reference, `file#/pointer`, split.
fn split(target: &str) -> (&str, &str) {
    match target.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (target, ""),
    }
}

/// Rewrites the references of a value read from `file` (relative to the
/// spec's folder) so that they are relative to the spec's folder too: a
/// local `#/x` becomes `file#/x`, `other.yaml#/y` is resolved from
/// `file`'s folder. URLs stay as they are.
fn rebase(value: &mut Value, file: &str) {
    let folder = Path::new(file).parent().map(Path::to_path_buf).unwrap_or_default();
    tree::rewrite_references(value, &mut |target| {
        if target.contains("://") {
            return None;
        }
        let (path, fragment) = split(target);
        let path = if path.is_empty() {
            file.to_string()
        } else {
            normalized(&folder.join(path)).map_or_else(|| path.to_string(), |p| slash_path(&p))
        };
        Some(if fragment.is_empty() {
            path
        } else {
            format!("{path}#{fragment}")
        })
    });
}

/// The bundler's state: the files read, the schemas made components.
struct Bundler<'a> {
    folder: Option<&'a Path>,
    files: HashMap<String, Result<Value, String>>,
    read: Vec<BundledFile>,
    /// The component each external schema became, by `file#pointer`.
    components: HashMap<String, String>,
    /// Their schemas, in the order they were made.
    made: Vec<(String, Value)>,
    taken: Vec<String>,
    unresolved: BTreeMap<String, String>,
}

impl Bundler<'_> {
    /// The document of `file`, read once.
    fn file(&mut self, file: &str) -> Result<&Value, String> {
        if !self.files.contains_key(file) {
            let loaded = self.load(file);
            self.files.insert(file.to_string(), loaded);
        }
        self.files[file].as_ref().map_err(Clone::clone)
    }

    fn load(&mut self, file: &str) -> Result<Value, String> {
        let Some(folder) = self.folder else {
            return Err("it points into another file, and the spec was read without its folder".into());
        };
        if Path::new(file).is_absolute() || file.starts_with('/') {
            return Err("it is an absolute path; only paths relative to the spec are followed".into());
        }
        let bytes = std::fs::read(folder.join(file)).map_err(|e| format!("{file} cannot be read: {e}"))?;
        let text = String::from_utf8(bytes.clone()).map_err(|_| format!("{file} is not UTF-8 text"))?;
        let value = super::parse_tree(&text, file).map_err(|e| e.to_string())?;
        let hash = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        self.read.push(BundledFile {
            path: file.to_string(),
            sha256: hash,
        });
        Ok(value)
    }

    /// The value `target` (`file#pointer`) names, rebased to the spec's
    /// folder, or why there is none.
    fn target(&mut self, target: &str) -> Result<Value, String> {
        if target.contains("://") {
            return Err("it is a URL, and URLs are not fetched".into());
        }
        let (file, fragment) = split(target);
        let fragment = super::refs::percent_decode(fragment).unwrap_or_else(|| fragment.to_string());
        let file = file.to_string();
        let doc = self.file(&file)?;
        let mut value = tree::resolve(doc, &format!("#{fragment}"))
            .cloned()
            .ok_or_else(|| format!("#{fragment} does not resolve in {file}"))?;
        rebase(&mut value, &file);
        Ok(value)
    }

    /// A free component name for the schema at `target`: the last word of
    /// its pointer, else its file's stem.
    fn name_for(&mut self, target: &str) -> String {
        let (file, fragment) = split(target);
        let word = fragment
            .rsplit('/')
            .find(|s| !s.is_empty() && s.parse::<usize>().is_err())
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .unwrap_or_else(|| {
                Path::new(file)
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            });
        let base = names::typify(&word, Case::Pascal);
        let name = (1..)
            .map(|i| if i == 1 { base.clone() } else { format!("{base}{i}") })
            .find(|n| !self.taken.iter().any(|t| names::typify(t, Case::Pascal) == *n))
            .expect("some name is free");
        self.taken.push(name.clone());
        name
    }

    /// The component the external schema `target` is, made on first use.
    fn component(&mut self, target: &str) -> Result<String, String> {
        if let Some(name) = self.components.get(target) {
            return Ok(name.clone());
        }
        let mut schema = self.target(target)?;
        let name = self.name_for(target);
        self.components.insert(target.to_string(), name.clone());
        self.walk(&mut schema, Kind::Schema, &mut Vec::new());
        self.made.push((name.clone(), schema));
        Ok(name)
    }

    /// Resolves every external reference inside `value`, a `kind` value;
    /// `chain` holds the targets being copied in around it.
    fn walk(&mut self, value: &mut Value, kind: Kind, chain: &mut Vec<String>) {
        if let Some(target) = get(value, "$ref").and_then(Value::as_str).map(str::to_string)
            && !target.starts_with('#')
        {
            self.resolve(value, &target, kind, chain);
            return;
        }
        match value {
            Value::Mapping(map) => {
                for (key, inner) in map.iter_mut() {
                    match slot(kind, &key_text(key)) {
                        Slot::One(inner_kind) => self.walk(inner, inner_kind, chain),
                        Slot::Many(inner_kind) => match inner {
                            Value::Mapping(entries) => {
                                for (_, entry) in entries.iter_mut() {
                                    self.walk(entry, inner_kind, chain);
                                }
                            }
                            other => self.walk(other, inner_kind, chain),
                        },
                    }
                }
            }
            Value::Sequence(items) => {
                for item in items.iter_mut() {
                    self.walk(item, kind, chain);
                }
            }
            _ => {}
        }
    }

    /// Resolves the external reference `target` that `value` is.
    fn resolve(&mut self, value: &mut Value, target: &str, kind: Kind, chain: &mut Vec<String>) {
        if kind == Kind::Schema {
            match self.component(target) {
                Ok(name) => {
                    let reference = format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"));
                    if let Value::Mapping(map) = value {
                        map.insert("$ref".into(), reference.into());
                    }
                }
                Err(why) => {
                    self.unresolved.entry(target.to_string()).or_insert(why);
                }
            }
            return;
        }
        if chain.iter().any(|t| t == target) {
            let cycle: Vec<&str> = chain.iter().map(String::as_str).chain([target]).collect();
            self.unresolved
                .entry(target.to_string())
                .or_insert(format!("the references form a cycle: {}", cycle.join(" -> ")));
            return;
        }
        let mut copy = match self.target(target) {
            Ok(copy) => copy,
            Err(why) => {
                self.unresolved.entry(target.to_string()).or_insert(why);
                return;
            }
        };
        chain.push(target.to_string());
        self.walk(&mut copy, kind, chain);
        chain.pop();
        let siblings: Mapping = value
            .as_mapping()
            .map(|m| {
                m.iter()
                    .filter(|(k, _)| k.as_str() != Some("$ref"))
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if let Value::Mapping(map) = &mut copy {
            map.extend(siblings);
        }
        *value = copy;
    }
}

/// Bundles `doc`, the spec read from `folder` (`None`: read without one,
/// so that references into other files cannot resolve).
pub fn bundle(mut doc: Value, folder: Option<&Path>) -> Bundle {
    let mut targets = Vec::new();
    tree::reference_targets(&doc, &mut targets);
    if targets.iter().all(|t| t.starts_with('#')) {
        return Bundle {
            doc,
            files: Vec::new(),
            unresolved: BTreeMap::new(),
        };
    }
    let mut bundler = Bundler {
        folder,
        files: HashMap::new(),
        read: Vec::new(),
        components: HashMap::new(),
        made: Vec::new(),
        taken: Vec::new(),
        unresolved: BTreeMap::new(),
    };
    adopt_component_names(&mut doc, &mut bundler);
    bundler.walk(&mut doc, Kind::Document, &mut Vec::new());
    if let Some(schemas) = super::refs::components_schemas(&mut doc) {
        for (name, schema) in std::mem::take(&mut bundler.made) {
            match schemas.get_mut(name.as_str()) {
                Some(slot) => *slot = schema,
                None => {
                    schemas.insert(name.into(), schema);
                }
            }
        }
    }
    bundler.read.sort_by(|a, b| a.path.cmp(&b.path));
    Bundle {
        doc,
        files: bundler.read,
        unresolved: bundler.unresolved,
    }
}

/// A component schema that is only a reference into another file gives
/// that file's schema its name, and its place: the bundle holds the schema
/// where the component was.
fn adopt_component_names(doc: &mut Value, bundler: &mut Bundler<'_>) {
    let Some(schemas) = get(doc, "components")
        .and_then(|c| get(c, "schemas"))
        .and_then(Value::as_mapping)
    else {
        return;
    };
    let mut adopted: Vec<(String, String)> = Vec::new();
    for (name, schema) in schemas {
        let name = key_text(name);
        bundler.taken.push(name.clone());
        if let Some(target) = schema
            .as_mapping()
            .filter(|m| m.len() == 1)
            .and_then(|m| m.get("$ref"))
            .and_then(Value::as_str)
            && !target.starts_with('#')
            && !bundler.components.contains_key(target)
        {
            bundler.components.insert(target.to_string(), name.clone());
            adopted.push((target.to_string(), name));
        }
    }
    // A component that is only a reference gets its schema in place, in the
    // order the components are written.
    for (target, name) in adopted {
        match bundler.target(&target) {
            Ok(mut schema) => {
                bundler.walk(&mut schema, Kind::Schema, &mut Vec::new());
                bundler.made.push((name, schema));
            }
            Err(why) => {
                bundler.components.remove(&target);
                bundler.unresolved.entry(target).or_insert(why);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_normalized_lexically() {
        assert_eq!(
            normalized(Path::new("a/./b/../c.yaml")),
            Some(PathBuf::from("a/c.yaml"))
        );
        assert_eq!(
            normalized(Path::new("../shared/y.yml")),
            Some(PathBuf::from("../shared/y.yml"))
        );
        assert_eq!(normalized(Path::new("/etc/x")), None);
    }

    #[test]
    fn references_of_another_file_are_rebased_to_the_spec_folder() {
        let mut v: Value = serde_yaml::from_str(
            "a: {$ref: '#/x'}\nb: {$ref: '../models.yml#/droplet'}\nc: {$ref: 'https://example.test/s.json'}\n",
        )
        .unwrap();
        rebase(&mut v, "resources/droplets/list.yml");
        assert_eq!(v["a"]["$ref"], Value::from("resources/droplets/list.yml#/x"));
        assert_eq!(v["b"]["$ref"], Value::from("resources/models.yml#/droplet"));
        assert_eq!(v["c"]["$ref"], Value::from("https://example.test/s.json"));
    }
}
