//! Rules on operations and their parameters: ids, client-owned headers and
//! path parameters.

use openapiv3::{OpenAPI, Parameter, ReferenceOr};

use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::{operations_mut, path_item_operations_mut, resolve};

/// Header parameters that the generated client sets itself. A spec that
/// declares them as operation parameters would otherwise turn them into
/// string arguments of every method (and a caller-supplied `Content-Type`
/// would lack the multipart boundary).
pub const CLIENT_OWNED_HEADERS: [&str; 3] = ["Content-Type", "Accept", "Authorization"];

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

/// The methods the generated `Client` has besides the operations'
/// (progenitor's constructors and accessors, its `ClientHooks`, ours): an
/// operation of one of these names would replace it, and the generated
/// code that calls it would not compile (Jellyfin's `post`).
pub const CLIENT_METHODS: [&str; 10] = [
    "new",
    "new_with_client",
    "baseurl",
    "client",
    "api_version",
    "pre",
    "post",
    "exec",
    "new_with_bearer_token",
    "new_with_api_key",
];

/// The names progenitor makes of an operation id: its method's and its
/// types'. Two ids with one of them would collide in the generated code.
fn generated_names(id: &str) -> [String; 2] {
    [names::progenitor(id, Case::Snake), names::progenitor(id, Case::Pascal)]
}

/// Rule: every operation without an `operationId` gets one from
/// [`derive_operation_id`]. An id (given or derived) whose method or type
/// names another operation already has (`getUser` beside `get_user`, or
/// the same id twice), or one of the [`CLIENT_METHODS`], gives way: that
/// operation gets its derived id, or, when that is taken too, the id with
/// a number after it. Every id given or changed is reported.
pub fn assign_operation_ids(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    let mut taken: [std::collections::HashSet<String>; 2] = Default::default();
    taken[0].extend(CLIENT_METHODS.iter().map(|m| m.to_string()));
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        // An id with its names, each worked out once (Microsoft Graph's
        // beta spec: 22,361 operations).
        let named = |id: String| {
            let names = generated_names(&id);
            (id, names)
        };
        let free =
            |(_, [snake, pascal]): &(String, [String; 2])| !taken[0].contains(snake) && !taken[1].contains(pascal);
        let given = op.operation_id.clone().filter(|id| !id.trim().is_empty());
        let (id, [snake, pascal]) = match given.clone().map(named).filter(free) {
            Some(found) => found,
            None => {
                let derived = derive_operation_id(method, path);
                std::iter::once(derived.clone())
                    .chain((2..).map(|n| format!("{derived}_{n}")))
                    .map(named)
                    .find(free)
                    .expect("some number is free")
            }
        };
        let place = format!("{} {path}", method.to_uppercase());
        match &given {
            None => changes.push(format!("{place} -> {id}")),
            Some(old) if *old != id => {
                let whose = if CLIENT_METHODS.contains(&generated_names(old)[0].as_str()) {
                    "the client's own method"
                } else {
                    "another operation's method too"
                };
                changes.push(format!("{place}: operationId `{old}` names {whose} -> {id}"))
            }
            Some(_) => {}
        }
        taken[0].insert(snake);
        taken[1].insert(pascal);
        op.operation_id = Some(id);
    }
    changes
}

fn is_client_owned_header(parameter: &Parameter) -> bool {
    match parameter {
        Parameter::Header { parameter_data, .. } => CLIENT_OWNED_HEADERS
            .iter()
            .any(|h| h.eq_ignore_ascii_case(&parameter_data.name)),
        _ => false,
    }
}

/// Rule: drop the header parameters the client owns (`Content-Type`,
/// `Accept`, `Authorization`, compared case-insensitively) from every
/// operation and path item, inline or by reference. Every other parameter,
/// header or not, is kept.
pub fn drop_client_owned_headers(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    super::with_paths(spec, drop_owned_headers)
}

fn drop_owned_headers(paths: &mut openapiv3::Paths, lookup: &OpenAPI) -> Changes {
    let owned = |p: &ReferenceOr<Parameter>| resolve(lookup, p).ok().is_some_and(is_client_owned_header);
    let name = |p: &ReferenceOr<Parameter>| {
        resolve(lookup, p)
            .ok()
            .map(|p| p.parameter_data_ref().name.clone())
            .unwrap_or_default()
    };
    let mut changes = Vec::new();
    for (path, item) in paths.paths.iter_mut() {
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
    changes
}

/// Rule: a path parameter not marked `required` is marked so. OpenAPI says
/// path parameters are always required, and progenitor 0.15.1 asserts it
/// (a panic otherwise). Referenced parameters are changed in the
/// components, once.
pub fn require_path_parameters(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    fn require(parameter: &mut Parameter, what: String, changes: &mut Vec<String>) {
        if let Parameter::Path { parameter_data, .. } = parameter
            && !parameter_data.required
        {
            parameter_data.required = true;
            changes.push(format!("{what}: path parameter `{}` -> required", parameter_data.name));
        }
    }
    let mut changes = Vec::new();
    if let Some(components) = spec.components.as_mut() {
        for (name, parameter) in components.parameters.iter_mut() {
            if let ReferenceOr::Item(parameter) = parameter {
                require(parameter, format!("components.parameters.{name}"), &mut changes);
            }
        }
    }
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for parameter in item.parameters.iter_mut() {
            if let ReferenceOr::Item(parameter) = parameter {
                require(parameter, format!("{path} (all operations)"), &mut changes);
            }
        }
        for (method, op) in path_item_operations_mut(item) {
            for parameter in op.parameters.iter_mut() {
                if let ReferenceOr::Item(parameter) = parameter {
                    require(parameter, format!("{} {path}", method.to_uppercase()), &mut changes);
                }
            }
        }
    }
    changes
}

/// Rule: a parameter whose schema is `nullable` is not: an absent
/// parameter is `None` already, and a query string or header has no JSON
/// null to send. progenitor 0.15.1 would type an optional nullable header
/// as `Option<Option<&str>>`-like code that does not compile. Inline schemas
/// are changed in place; a referenced schema is left alone.
pub fn parameters_are_not_nullable(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    fn fix(parameter: &mut ReferenceOr<Parameter>, what: &str, changes: &mut Vec<String>) {
        let ReferenceOr::Item(parameter) = parameter else {
            return;
        };
        let data = match parameter {
            Parameter::Query { parameter_data, .. }
            | Parameter::Header { parameter_data, .. }
            | Parameter::Path { parameter_data, .. }
            | Parameter::Cookie { parameter_data, .. } => parameter_data,
        };
        if let openapiv3::ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &mut data.format
            && schema.schema_data.nullable
        {
            schema.schema_data.nullable = false;
            changes.push(format!("{what}: parameter `{}` not nullable", data.name));
        }
    }
    let mut changes = Vec::new();
    if let Some(components) = spec.components.as_mut() {
        for (name, parameter) in components.parameters.iter_mut() {
            fix(parameter, &format!("components.parameters.{name}"), &mut changes);
        }
    }
    for (path, item) in spec.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        for parameter in item.parameters.iter_mut() {
            fix(parameter, &format!("{path} (all operations)"), &mut changes);
        }
        for (method, op) in path_item_operations_mut(item) {
            for parameter in op.parameters.iter_mut() {
                fix(parameter, &format!("{} {path}", method.to_uppercase()), &mut changes);
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{operation, spec};

    const SPEC: &str = r#"
components:
  parameters:
    acceptRef: {name: accept, in: header, schema: {type: string}}
    idRef: {name: id, in: path, schema: {type: string}}
paths:
  /things/{thing-id}:
    parameters:
      - {name: AUTHORIZATION, in: header, schema: {type: string}}
    get:
      parameters:
        - {name: thing-id, in: path, schema: {type: string}}
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
      responses:
        "200": {description: ok}
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
        let mut s = spec(SPEC);
        let changes = assign_operation_ids(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "GET /things/{thing-id} -> get_things_thing_id",
                "POST /upload -> post_upload"
            ]
        );
        assert_eq!(
            operation(&s, "/things/{thing-id}", "put").operation_id.as_deref(),
            Some("replace_thing")
        );
    }

    #[test]
    fn an_id_another_operation_has_gives_way() {
        let mut s = spec(&SPEC.replace("operationId: replace_thing", "operationId: post_upload"));
        let changes = assign_operation_ids(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "GET /things/{thing-id} -> get_things_thing_id",
                "POST /upload -> post_upload_2"
            ]
        );
        let mut s = spec(&SPEC.replace("operationId: replace_thing", "operationId: getThingsThingId"));
        let changes = assign_operation_ids(&mut s, &mut Context::default());
        assert_eq!(
            changes[1],
            "PUT /things/{thing-id}: operationId `getThingsThingId` names another operation's method too -> put_things_thing_id"
        );
    }

    #[test]
    fn an_id_the_client_has_as_a_method_gives_way() {
        let mut s = spec(&SPEC.replace("operationId: replace_thing", "operationId: Post"));
        let changes = assign_operation_ids(&mut s, &mut Context::default());
        assert_eq!(
            changes[1],
            "PUT /things/{thing-id}: operationId `Post` names the client's own method -> put_things_thing_id"
        );
        let mut s = spec(
            r#"
paths:
  /:
    post: {responses: {"200": {description: ok}}}
    get: {operationId: new, responses: {"200": {description: ok}}}
"#,
        );
        let changes = assign_operation_ids(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "GET /: operationId `new` names the client's own method -> get",
                "POST / -> post_2",
            ]
        );
    }

    #[test]
    fn drop_client_owned_headers_drops_exactly_those() {
        let mut s = spec(SPEC);
        let changes = drop_client_owned_headers(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "/things/{thing-id} (all operations): AUTHORIZATION",
                "GET /things/{thing-id}: content-type, accept",
            ]
        );
        let item = s.paths.paths["/things/{thing-id}"].as_item().unwrap();
        assert!(item.parameters.is_empty());
        let kept: Vec<String> = operation(&s, "/things/{thing-id}", "get")
            .parameters
            .iter()
            .map(|p| p.as_item().unwrap().parameter_data_ref().name.clone())
            .collect();
        assert_eq!(kept, vec!["thing-id", "X-Trace"]);
    }

    #[test]
    fn require_path_parameters_marks_inline_and_component_ones() {
        let mut s = spec(SPEC);
        let changes = require_path_parameters(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "components.parameters.idRef: path parameter `id` -> required",
                "GET /things/{thing-id}: path parameter `thing-id` -> required",
            ]
        );
        let param = operation(&s, "/things/{thing-id}", "get").parameters[0]
            .as_item()
            .unwrap();
        assert!(param.parameter_data_ref().required);
        assert!(
            require_path_parameters(&mut s, &mut Context::default()).is_empty(),
            "a second run changes nothing"
        );
    }
}
