//! The keys of `paths`, as OpenAPI requires them: each starts with `/`.

use std::collections::HashSet;

use serde_yaml::Value;

use super::refs::degrade;
use super::tree::{self, pointer};
use crate::rules::{Changes, Context};

/// `#/paths/...` for the path `path`, escaped.
fn path_pointer(path: &str) -> String {
    format!("#{}", pointer("/paths", path))
}

/// Rule: a path written without its leading `/` (`users/{id}`) gets one,
/// and the `$ref`s into it follow. openapiv3 reads only the keys that
/// start with `/` (the others it takes for extensions and drops without a
/// word), so the path's operations would vanish. A path whose form with
/// `/` the document has too is left out, each of its operations named.
pub fn paths_start_with_a_slash(doc: &mut Value, ctx: &mut Context) -> Changes {
    let Some(Value::Mapping(paths)) = tree::get(doc, "paths") else {
        return Vec::new();
    };
    let written: Vec<String> = paths
        .keys()
        .filter_map(Value::as_str)
        .filter(|k| !k.starts_with('/') && !k.starts_with("x-"))
        .map(str::to_string)
        .collect();
    if written.is_empty() {
        return Vec::new();
    }
    let taken: HashSet<String> = paths.keys().filter_map(Value::as_str).map(str::to_string).collect();
    let mut changes = Vec::new();
    let mut renamed = Vec::new();
    for path in written {
        let slashed = format!("/{path}");
        if taken.contains(&slashed) {
            let reason = format!("the path is written both as `{path}` and as `{slashed}`");
            changes.extend(degrade(doc, &pointer("/paths", &path), &reason, &HashSet::new(), ctx));
        } else {
            changes.push(format!("{path}: -> {slashed}"));
            renamed.push((path, slashed));
        }
    }
    if let Some(Value::Mapping(paths)) = tree::get_mut(doc, "paths") {
        *paths = std::mem::take(paths)
            .into_iter()
            .map(
                |(k, v)| match renamed.iter().find(|(from, _)| k.as_str() == Some(from)) {
                    Some((_, to)) => (Value::String(to.clone()), v),
                    None => (k, v),
                },
            )
            .collect();
    }
    let moves: Vec<(String, String)> = renamed
        .iter()
        .map(|(from, to)| (path_pointer(from), path_pointer(to)))
        .collect();
    tree::rewrite_references(doc, &mut |target| {
        moves.iter().find_map(|(from, to)| {
            let rest = target.strip_prefix(from.as_str())?;
            (rest.is_empty() || rest.starts_with('/')).then(|| format!("{to}{rest}"))
        })
    });
    changes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Value {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn a_path_without_its_leading_slash_gets_one_and_references_follow() {
        let mut d = doc(r##"
openapi: 3.0.0
info: {title: t, version: '1'}
paths:
  users/{id}:
    get:
      operationId: get_user
      responses: {"200": {description: ok}}
  /teams:
    get:
      operationId: teams
      responses: {"401": {$ref: '#/paths/users~1{id}/get/responses/200'}}
  x-extension: {kept: as it is}
"##);
        let mut ctx = Context::default();
        let changes = paths_start_with_a_slash(&mut d, &mut ctx);
        assert_eq!(changes, vec!["users/{id}: -> /users/{id}"]);
        let keys: Vec<&str> = d["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(keys, ["/users/{id}", "/teams", "x-extension"], "in place, in order");
        assert_eq!(
            d["paths"]["/teams"]["get"]["responses"]["401"]["$ref"],
            Value::from("#/paths/~1users~1{id}/get/responses/200")
        );
        assert!(ctx.left_out.is_empty());
        let spec: openapiv3::OpenAPI = serde_yaml::from_value(d).unwrap();
        assert_eq!(spec.paths.paths.len(), 2, "openapiv3 reads both paths now");
    }

    #[test]
    fn a_path_written_both_ways_is_left_out_by_name() {
        let mut d = doc(r#"
paths:
  users: {get: {operationId: list_users, responses: {"200": {description: ok}}}}
  /users: {get: {operationId: users, responses: {"200": {description: ok}}}}
"#);
        let mut ctx = Context::default();
        let changes = paths_start_with_a_slash(&mut d, &mut ctx);
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert!(changes[0].contains("every operation of users left out"), "{changes:?}");
        assert_eq!(ctx.left_out.len(), 1);
        assert_eq!(ctx.left_out[0].location, "GET users (list_users)");
        assert!(ctx.left_out[0].reason.contains("both as `users` and as `/users`"));
        let keys: Vec<&str> = d["paths"]
            .as_mapping()
            .unwrap()
            .keys()
            .filter_map(Value::as_str)
            .collect();
        assert_eq!(keys, ["/users"]);
    }
}
