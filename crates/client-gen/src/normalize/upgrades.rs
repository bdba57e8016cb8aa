//! Operations that answer `101 Switching Protocols` (a WebSocket, Docker's
//! hijacked streams): progenitor returns the upgraded connection, and its
//! upgrade needs an error type it can print.

use openapiv3::{MediaType, OpenAPI, ReferenceOr, StatusCode};

use super::each_operation;
use crate::rules::{Changes, Context};
use crate::spec::{MediaKind, StatusClass, responses_mut};

/// Rule: in an operation that answers 101, an error response whose body is
/// not JSON (Docker's `/session` answers errors as
/// `application/vnd.docker.raw-stream`) is read as JSON of any shape.
/// progenitor would stream it, and its stream type has no `Debug`, which
/// the upgrade asks of the error type; a body that is not JSON still
/// reaches the caller, as the bytes of `Error::InvalidResponsePayload`.
pub fn upgrade_errors_progenitor_can_print(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    each_operation(spec, ctx, |lookup, site, op, _, changes| {
        if !op.responses.responses.contains_key(&StatusCode::Code(101)) {
            return Ok(());
        }
        for (status, response) in responses_mut(lookup, op)? {
            let error = status.is_none_or(|s| StatusClass::Error.holds(s));
            let json = response.content.keys().any(|m| MediaKind::of(m) == MediaKind::Json);
            if !error || json || response.content.is_empty() {
                continue;
            }
            let media: Vec<String> = response.content.keys().cloned().collect();
            response.content.clear();
            response.content.insert(
                "application/json".to_string(),
                MediaType {
                    schema: Some(ReferenceOr::Item(crate::spec::any_json_schema())),
                    ..MediaType::default()
                },
            );
            let status = status.map_or_else(|| "default".to_string(), |s| s.to_string());
            changes.push(format!(
                "{}: response {status}: {} -> any JSON (the operation answers 101; progenitor's upgrade needs an \
                 error type it can print, and a body that is not JSON arrives as bytes)",
                site.location,
                media.join(", ")
            ));
        }
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{operation, spec};

    #[test]
    fn errors_beside_a_protocol_upgrade_are_read_as_json() {
        let mut s = spec(
            r#"
paths:
  /session:
    post:
      operationId: session
      responses:
        "101": {description: upgraded}
        "400": {description: bad, content: {application/vnd.docker.raw-stream: {schema: {type: string, format: binary}}}}
        "404": {description: none, content: {application/json: {schema: {type: object}}}}
        "500": {description: failed}
  /logs:
    get:
      operationId: logs
      responses:
        "200": {description: ok}
        "400": {description: bad, content: {text/plain: {schema: {type: string}}}}
"#,
        );
        let changes = upgrade_errors_progenitor_can_print(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "POST /session (session): response 400: application/vnd.docker.raw-stream -> any JSON (the operation \
                 answers 101; progenitor's upgrade needs an error type it can print, and a body that is not JSON \
                 arrives as bytes)"
            ],
            "a JSON error, an error without a body, and an operation without 101 stay"
        );
        let op = operation(&s, "/session", "post");
        let ReferenceOr::Item(bad) = &op.responses.responses[&StatusCode::Code(400)] else {
            panic!("inline");
        };
        assert_eq!(bad.content.keys().collect::<Vec<_>>(), ["application/json"]);
    }
}
