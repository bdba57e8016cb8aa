//! Rules on the request bodies progenitor generates itself.

use anyhow::Result;
use openapiv3::OpenAPI;

use super::{RuleReport, body_mut, is_json_media_type, json_media, operations_mut, where_};

/// Rule: a request body with more than one media type (left after the
/// multipart split) keeps one, because progenitor 0.15.1 `todo!`s on more:
/// the JSON one if there is one, else the first. Each dropped media type is
/// reported; the body's content is the same in each, so the method sends
/// the same data.
pub fn keep_one_body_media_type(spec: &mut OpenAPI) -> Result<RuleReport> {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let location = where_(method, path, op);
        let Some(body) = body_mut(&lookup, op)? else { continue };
        if body.content.len() < 2 {
            continue;
        }
        let keep = json_media(&body.content)
            .or_else(|| body.content.keys().next().map(String::as_str))
            .map(str::to_string)
            .expect("at least two media types");
        let dropped: Vec<String> = body.content.keys().filter(|k| **k != keep).cloned().collect();
        body.content.retain(|k, _| *k == keep);
        changes.push(format!("{location}: kept {keep}, dropped {}", dropped.join(", ")));
    }
    Ok(RuleReport::new("keep_one_body_media_type", changes))
}

/// Rule: `encoding` on a JSON request body is dropped. OpenAPI gives it a
/// meaning only for multipart and form bodies, and progenitor 0.15.1
/// `todo!`s on it.
pub fn drop_encoding_from_json_bodies(spec: &mut OpenAPI) -> Result<RuleReport> {
    let lookup = spec.clone();
    let mut changes = Vec::new();
    for (path, method, op) in operations_mut(spec) {
        let location = where_(method, path, op);
        let Some(body) = body_mut(&lookup, op)? else { continue };
        for (media_type, media) in body.content.iter_mut() {
            if is_json_media_type(media_type) && !media.encoding.is_empty() {
                let properties: Vec<&str> = media.encoding.keys().map(String::as_str).collect();
                changes.push(format!(
                    "{location}: {media_type} body: encoding of {} dropped",
                    properties.join(", ")
                ));
                media.encoding.clear();
            }
        }
    }
    Ok(RuleReport::new("drop_encoding_from_json_bodies", changes))
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{request_body, spec};
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.1
info: {title: t, version: "1"}
paths:
  /a:
    post:
      operationId: a
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {type: object}
          application/json:
            schema: {type: object, properties: {p: {type: object}}}
            encoding:
              p: {contentType: application/json}
      responses:
        "200": {description: ok}
"#;

    #[test]
    fn one_media_type_is_kept_json_first() {
        let mut s = spec(SPEC);
        let report = keep_one_body_media_type(&mut s).unwrap();
        assert_eq!(
            report.changes,
            vec!["POST /a (a): kept application/json, dropped application/x-www-form-urlencoded"]
        );
        let body = request_body(&s, "/a", "post");
        assert_eq!(body.content.keys().collect::<Vec<_>>(), vec!["application/json"]);
    }

    #[test]
    fn encoding_on_a_json_body_is_dropped() {
        let mut s = spec(SPEC);
        let report = drop_encoding_from_json_bodies(&mut s).unwrap();
        assert_eq!(
            report.changes,
            vec!["POST /a (a): application/json body: encoding of p dropped"]
        );
        let body = request_body(&s, "/a", "post");
        assert!(body.content["application/json"].encoding.is_empty());
        assert!(drop_encoding_from_json_bodies(&mut s).unwrap().changes.is_empty());
    }
}
