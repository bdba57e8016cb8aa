//! Parameters whose Rust names collide (`domainName` beside `domain_name`,
//! a path and a query parameter both named `id`, a parameter named `body`
//! beside the request body): progenitor names each argument after the
//! parameter, so the method would take one name twice and not compile.
//! The later one gets a name of its own in Rust; on the wire it keeps its
//! name, which the emitter writes back into progenitor's method
//! ([`crate::emit`]).

use openapiv3::{OpenAPI, Operation, Parameter, PathItem, ReferenceOr};

use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::{parameter_data_mut, path_item_operations_mut, resolve};

/// A parameter that goes by another name in the spec progenitor reads, so
/// that its Rust name is its own: the emitter puts `wire` back where the
/// method sends `marker`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireName {
    /// The operation whose method sends it.
    pub operation_id: String,
    /// The name progenitor saw.
    pub marker: String,
    /// The name the API knows.
    pub wire: String,
}

/// Joins a name and a word so that typify's sanitizing makes
/// `{name}_{word}` of them, and the text is one the emitter finds again:
/// U+2060 (word joiner) is not an identifier character, so it becomes a
/// word break.
const JOINER: char = '\u{2060}';

fn location(parameter: &Parameter) -> &'static str {
    match parameter {
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Path { .. } => "path",
        Parameter::Cookie { .. } => "cookie",
    }
}

fn key(parameter: &Parameter) -> (String, &'static str) {
    (parameter.parameter_data_ref().name.clone(), location(parameter))
}

/// The parameters of `op` as progenitor merges them: the operation's, then
/// the path item's it does not override.
fn merged(lookup: &OpenAPI, shared: &[ReferenceOr<Parameter>], op: &Operation) -> Vec<Parameter> {
    let own: Vec<Parameter> = op
        .parameters
        .iter()
        .filter_map(|p| resolve(lookup, p).ok().cloned())
        .collect();
    let mut all = own.clone();
    all.extend(
        shared
            .iter()
            .filter_map(|p| resolve(lookup, p).ok())
            .filter(|s| !own.iter().any(|o| key(o) == key(s)))
            .cloned(),
    );
    all
}

/// The parameters of `all` that need a Rust name of their own: every one
/// whose name a path parameter, an earlier parameter or the body (`body`)
/// takes. Path parameters keep theirs (the path template names them).
fn colliding(all: &[Parameter], has_body: bool) -> Vec<(String, &'static str)> {
    let rust = |p: &Parameter| names::progenitor(&p.parameter_data_ref().name, Case::Snake);
    let mut taken: Vec<String> = all.iter().filter(|p| location(p) == "path").map(rust).collect();
    if has_body {
        taken.push("body".to_string());
    }
    let mut out = Vec::new();
    for p in all.iter().filter(|p| location(p) != "path") {
        let name = rust(p);
        if taken.contains(&name) {
            out.push(key(p));
        } else {
            taken.push(name);
        }
    }
    out
}

/// Puts the path item's parameters into each of its operations (those an
/// operation does not override), as progenitor would merge them, so that
/// one operation's copy can be renamed alone.
fn push_down(lookup: &OpenAPI, item: &mut PathItem) {
    let shared = std::mem::take(&mut item.parameters);
    for (_, op) in path_item_operations_mut(item) {
        let own: Vec<(String, &'static str)> = op
            .parameters
            .iter()
            .filter_map(|p| resolve(lookup, p).ok().map(key))
            .collect();
        for p in &shared {
            if let Ok(resolved) = resolve(lookup, p)
                && !own.contains(&key(resolved))
            {
                op.parameters.push(p.clone());
            }
        }
    }
}

/// A free Rust name for the parameter `(name, location)` among `taken`.
fn marker(name: &str, location: &str, taken: &[String]) -> String {
    (1..)
        .map(|i| match i {
            1 => format!("{name}{JOINER}{location}"),
            i => format!("{name}{JOINER}{location}{JOINER}{i}"),
        })
        .find(|m| !taken.contains(&names::progenitor(m, Case::Snake)))
        .expect("some name is free")
}

/// Renames the colliding parameters of one operation (inlining a referenced
/// one first); returns the changes.
fn rename(lookup: &OpenAPI, op: &mut Operation, place: &str, ctx: &mut Context) -> Changes {
    let all = merged(lookup, &[], op);
    let clashes = colliding(&all, op.request_body.is_some());
    let mut taken: Vec<String> = all
        .iter()
        .map(|p| names::progenitor(&p.parameter_data_ref().name, Case::Snake))
        .chain(op.request_body.as_ref().map(|_| "body".to_string()))
        .collect();
    let mut changes = Vec::new();
    for slot in op.parameters.iter_mut() {
        let Ok(parameter) = resolve(lookup, slot) else { continue };
        let (name, location) = key(parameter);
        if !clashes.contains(&(name.clone(), location)) {
            continue;
        }
        let marker = marker(&name, location, &taken);
        let rust = names::progenitor(&marker, Case::Snake);
        taken.push(rust.clone());
        let mut renamed = parameter.clone();
        parameter_data_mut(&mut renamed).name = marker.clone();
        *slot = ReferenceOr::Item(renamed);
        changes.push(format!(
            "{place}: {location} parameter `{name}` is `{rust}` in Rust (its name is another argument's); sent as `{name}`"
        ));
        ctx.wire_names.push(WireName {
            operation_id: op.operation_id.clone().unwrap_or_default(),
            marker,
            wire: name,
        });
    }
    changes
}

/// Rule: parameters whose Rust names collide get names of their own in
/// Rust: a later parameter whose name (in snake case) a path parameter, an
/// earlier one or the request body (`body`) takes is called
/// `{name}_{location}` in Rust (`domain_name_query`); on the wire it keeps
/// its name. progenitor would give the method one argument name twice.
pub fn parameter_names_apart_in_rust(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    super::with_paths(spec, |paths, lookup| apart(paths, lookup, ctx))
}

fn apart(paths: &mut openapiv3::Paths, lookup: &OpenAPI, ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for (path, item) in paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let shared = item.parameters.clone();
        let any = item.iter().any(|(_, op)| {
            let all = merged(lookup, &shared, op);
            !colliding(&all, op.request_body.is_some()).is_empty()
        });
        if !any {
            continue;
        }
        push_down(lookup, item);
        for (method, op) in path_item_operations_mut(item) {
            let place = crate::spec::describe_operation(method, path, op);
            changes.extend(rename(lookup, op, &place, ctx));
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::spec;

    #[test]
    fn colliding_names_get_their_own_in_rust_and_keep_theirs_on_the_wire() {
        let mut s = spec(
            r#"
paths:
  /domains/{domain_name}:
    parameters:
      - {name: domain_name, in: path, required: true, schema: {type: string}}
    get:
      operationId: get_domain
      parameters:
        - {name: domainName, in: query, schema: {type: string}}
        - {name: page-size, in: query, schema: {type: integer}}
        - {name: page_size, in: header, schema: {type: integer}}
      responses: {"200": {description: ok}}
    put:
      operationId: put_domain
      parameters: [{name: body, in: query, schema: {type: string}}]
      requestBody: {content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
"#,
        );
        let mut ctx = Context::default();
        let changes = parameter_names_apart_in_rust(&mut s, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "GET /domains/{domain_name} (get_domain): query parameter `domainName` is `domain_name_query` in Rust (its name is another argument's); sent as `domainName`",
                "GET /domains/{domain_name} (get_domain): header parameter `page_size` is `page_size_header` in Rust (its name is another argument's); sent as `page_size`",
                "PUT /domains/{domain_name} (put_domain): query parameter `body` is `body_query` in Rust (its name is another argument's); sent as `body`",
            ]
        );
        assert_eq!(ctx.wire_names[0].wire, "domainName");
        assert_eq!(
            names::progenitor(&ctx.wire_names[0].marker, Case::Snake),
            "domain_name_query"
        );
        let item = s.paths.paths["/domains/{domain_name}"].as_item().unwrap();
        assert!(
            item.parameters.is_empty(),
            "the path's parameters went into each operation"
        );
        assert_eq!(item.put.as_ref().unwrap().parameters.len(), 2);
    }
}
