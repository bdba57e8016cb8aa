//! Rules on parameters progenitor 0.15.1 cannot take as they are: path
//! templates and the path parameters they name, `deepObject` and delimited
//! query styles, parameters given by `content`, cookies, and parameters
//! whose Rust names collide.

use anyhow::Result;
use openapiv3::{
    OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, PathStyle, QueryStyle, ReferenceOr, Schema,
    SchemaKind, StringType, Type,
};

use crate::rules::{Changes, Context};
use crate::spec::{Site, parameter_data_mut, path_item_operations_mut, resolve, resolve_boxed};

/// The `{name}`s of a path template, in order.
pub fn template_names(path: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut rest = path;
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        names.push(rest[start + 1..start + end].to_string());
        rest = &rest[start + end + 1..];
    }
    names
}

fn string_schema() -> ReferenceOr<Schema> {
    ReferenceOr::Item(Schema {
        schema_data: Default::default(),
        schema_kind: SchemaKind::Type(Type::String(StringType::default())),
    })
}

fn path_parameter(name: &str) -> ReferenceOr<Parameter> {
    ReferenceOr::Item(Parameter::Path {
        parameter_data: ParameterData {
            name: name.to_string(),
            description: None,
            required: true,
            deprecated: None,
            format: ParameterSchemaOrContent::Schema(string_schema()),
            example: None,
            examples: Default::default(),
            explode: None,
            extensions: Default::default(),
        },
        style: PathStyle::Simple,
    })
}

/// The path parameters of a list (resolved), by name.
fn path_names(lookup: &OpenAPI, list: &[ReferenceOr<Parameter>]) -> Vec<String> {
    list.iter()
        .filter_map(|p| resolve(lookup, p).ok())
        .filter(|p| matches!(p, Parameter::Path { .. }))
        .map(|p| p.parameter_data_ref().name.clone())
        .collect()
}

/// Makes one parameter list's path parameters match `names`: one that
/// differs only in case takes the template's spelling, one the path does
/// not have is dropped. Returns the changes.
fn match_list(lookup: &OpenAPI, list: &mut Vec<ReferenceOr<Parameter>>, names: &[String], place: &str) -> Changes {
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for slot in std::mem::take(list) {
        let Ok(parameter) = resolve(lookup, &slot) else {
            kept.push(slot);
            continue;
        };
        let Parameter::Path { .. } = parameter else {
            kept.push(slot);
            continue;
        };
        let name = &parameter.parameter_data_ref().name;
        if names.contains(name) {
            kept.push(slot);
        } else if let Some(spelled) = names.iter().find(|n| n.eq_ignore_ascii_case(name)) {
            let mut renamed = parameter.clone();
            parameter_data_mut(&mut renamed).name = spelled.clone();
            changes.push(format!(
                "{place}: path parameter `{name}` -> `{spelled}`, as the path spells it"
            ));
            kept.push(ReferenceOr::Item(renamed));
        } else {
            changes.push(format!(
                "{place}: path parameter `{name}` dropped (the path has no {{{name}}})"
            ));
        }
    }
    *list = kept;
    changes
}

/// Rule: the path parameters of an operation are exactly the `{name}`s of
/// its path. progenitor 0.15.1 panics on one without the other. A name the
/// path has and no parameter declares gets a required string parameter;
/// a declared one that differs only in case takes the path's spelling; one
/// the path does not have is dropped. (A path written without its
/// leading `/` got one before the document was typed:
/// `paths_start_with_a_slash`.)
pub fn path_parameters_match_the_template(spec: &mut OpenAPI, _ctx: &mut Context) -> Changes {
    super::with_paths(spec, |paths, lookup| {
        let mut changes = Vec::new();
        for (path, item) in paths.paths.iter_mut() {
            if let ReferenceOr::Item(item) = item {
                changes.extend(match_item(lookup, path, item));
            }
        }
        changes
    })
}

fn match_item(lookup: &OpenAPI, path: &str, item: &mut PathItem) -> Changes {
    let names = template_names(path);
    let mut changes = match_list(
        lookup,
        &mut item.parameters,
        &names,
        &format!("{path} (all operations)"),
    );
    let shared = path_names(lookup, &item.parameters);
    for (method, op) in path_item_operations_mut(item) {
        let place = format!("{} {path}", method.to_uppercase());
        changes.extend(match_list(lookup, &mut op.parameters, &names, &place));
        let declared: Vec<String> = shared
            .iter()
            .cloned()
            .chain(path_names(lookup, &op.parameters))
            .collect();
        for name in names.iter().filter(|n| !declared.contains(n)) {
            op.parameters.push(path_parameter(name));
            changes.push(format!(
                "{place}: {{{name}}} has no parameter -> a required string path parameter `{name}`"
            ));
        }
    }
    changes
}

/// What to do with one parameter.
enum Fix {
    /// Keep it as it is.
    Keep,
    /// Put these in its place, reporting the change.
    Replace(Vec<Parameter>, String),
}

fn with_description(mut data: ParameterData, note: &str) -> ParameterData {
    data.description = Some(match data.description.take() {
        Some(d) if !d.trim().is_empty() => format!("{}\n\n{note}", d.trim_end()),
        _ => note.to_string(),
    });
    data
}

/// A form-style query parameter of `data`.
fn query(mut data: ParameterData) -> Parameter {
    data.explode = None;
    Parameter::Query {
        parameter_data: data,
        allow_reserved: false,
        style: QueryStyle::Form,
        allow_empty_value: None,
    }
}

/// One query parameter per property of `object` (`filter[name]`), each
/// required only where the parameter and the object both require it.
fn expanded(
    lookup: &OpenAPI,
    data: &ParameterData,
    object: &openapiv3::ObjectType,
    required: bool,
) -> Result<Vec<Parameter>> {
    let mut parts = Vec::new();
    for (property, schema) in &object.properties {
        let schema = resolve_boxed(lookup, schema)?.clone();
        let mut part = data.clone();
        part.name = format!("{}[{property}]", data.name);
        part.required = required && object.required.contains(property);
        part.description = schema.schema_data.description.clone();
        part.format = ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema));
        parts.push(query(part));
    }
    Ok(parts)
}

fn is_scalar(schema: &Schema) -> bool {
    matches!(
        schema.schema_kind,
        SchemaKind::Type(Type::String(_) | Type::Integer(_) | Type::Number(_) | Type::Boolean(_))
    )
}

/// The parameters a `deepObject` query parameter sends, as they go on the
/// wire: an object one per property (`filter[name]`), a list `name[]` per
/// item, a choice of an object and a value both ways (all optional).
fn deep_object(lookup: &OpenAPI, data: &ParameterData) -> Result<Fix> {
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return Ok(Fix::Keep);
    };
    let name = &data.name;
    let schema = resolve(lookup, schema)?;
    let names = |parts: &[Parameter]| {
        let names: Vec<String> = parts
            .iter()
            .map(|p| format!("`{}`", p.parameter_data_ref().name))
            .collect();
        names.join(", ")
    };
    let variants = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
            let parts = expanded(lookup, data, object, data.required)?;
            let other = if object.additional_properties.is_some() {
                " (keys it does not name cannot be sent)"
            } else {
                ""
            };
            let change = format!("deepObject `{name}` -> {}{other}", names(&parts));
            return Ok(Fix::Replace(parts, change));
        }
        SchemaKind::Type(Type::Array(_)) => {
            let mut list = data.clone();
            list.name = format!("{name}[]");
            return Ok(Fix::Replace(
                vec![query(list)],
                format!("deepObject list `{name}` -> `{name}[]`, once per item"),
            ));
        }
        _ if is_scalar(schema) => {
            return Ok(Fix::Replace(
                vec![query(data.clone())],
                format!("deepObject `{name}` of one value -> `{name}`"),
            ));
        }
        SchemaKind::AnyOf { any_of: v } | SchemaKind::OneOf { one_of: v } => v.clone(),
        _ => Vec::new(),
    };
    let mut parts = Vec::new();
    for variant in &variants {
        let variant = resolve(lookup, variant)?;
        match &variant.schema_kind {
            SchemaKind::Type(Type::Object(object)) if !object.properties.is_empty() => {
                parts.extend(expanded(lookup, data, object, false)?);
            }
            _ if is_scalar(variant) && !parts.iter().any(|p: &Parameter| p.parameter_data_ref().name == *name) => {
                let mut value = data.clone();
                value.required = false;
                value.format = ParameterSchemaOrContent::Schema(ReferenceOr::Item(variant.clone()));
                parts.push(query(value));
            }
            _ => {}
        }
    }
    if !parts.is_empty() {
        let change = format!(
            "deepObject `{name}`, one of several shapes -> {} (each optional)",
            names(&parts)
        );
        return Ok(Fix::Replace(parts, change));
    }
    if data.required {
        anyhow::bail!("query parameter `{name}` is a required deepObject whose keys the spec does not name");
    }
    Ok(Fix::Replace(
        Vec::new(),
        format!("deepObject `{name}` dropped: a map whose keys the spec does not name, which progenitor cannot send"),
    ))
}

/// What a path or header parameter's schema is when it has no text form
/// in the generated code (a list, an object, a choice of several: progenitor
/// writes these parameters with `to_string()`, which their types lack).
fn no_text_form(lookup: &OpenAPI, data: &ParameterData) -> Result<Option<&'static str>> {
    let ParameterSchemaOrContent::Schema(schema) = &data.format else {
        return Ok(None);
    };
    Ok(match &resolve(lookup, schema)?.schema_kind {
        SchemaKind::Type(Type::Array(_)) => Some("a list"),
        SchemaKind::Type(Type::Object(_)) => Some("an object"),
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => Some("a choice of shapes"),
        _ => None,
    })
}

/// A parameter progenitor cannot send as it is, made one it can.
fn fix(lookup: &OpenAPI, parameter: &Parameter) -> Result<Fix> {
    let data = parameter.parameter_data_ref();
    let as_text = |note: &str| {
        let mut text = with_description(data.clone(), note);
        text.format = ParameterSchemaOrContent::Schema(string_schema());
        text.explode = None;
        text
    };
    Ok(match parameter {
        Parameter::Query {
            style: QueryStyle::DeepObject,
            ..
        } => deep_object(lookup, data)?,
        Parameter::Query {
            style: style @ (QueryStyle::SpaceDelimited | QueryStyle::PipeDelimited),
            ..
        } => {
            let (word, separator) = match style {
                QueryStyle::SpaceDelimited => ("spaceDelimited", "spaces"),
                _ => ("pipeDelimited", "`|`"),
            };
            let note = format!("The values, separated by {separator} (the {word} style).");
            let query = Parameter::Query {
                parameter_data: as_text(&note),
                allow_reserved: false,
                style: QueryStyle::Form,
                allow_empty_value: None,
            };
            Fix::Replace(vec![query], format!("{word} `{}` -> a string of the values", data.name))
        }
        Parameter::Cookie { .. } => Fix::Replace(
            Vec::new(),
            format!(
                "cookie `{}` dropped (progenitor sends no cookies; set it on the reqwest client)",
                data.name
            ),
        ),
        Parameter::Path { style, .. } if *style != PathStyle::Simple => {
            anyhow::bail!(
                "path parameter `{}` has the {style:?} style, which progenitor does not send",
                data.name
            )
        }
        Parameter::Path { .. } | Parameter::Header { .. } if no_text_form(lookup, data)?.is_some() => {
            let what = no_text_form(lookup, data)?.unwrap_or_default();
            let place = if matches!(parameter, Parameter::Path { .. }) {
                "path"
            } else {
                "header"
            };
            let note = match what {
                "a list" => "The values, separated by commas (the simple style).",
                "an object" => "The object, written in the simple style (`key,value,...`).",
                _ => "Written as text: one of the shapes the spec allows.",
            };
            let mut text = parameter.clone();
            *parameter_data_mut(&mut text) = as_text(note);
            Fix::Replace(
                vec![text],
                format!(
                    "{place} parameter `{}` is {what}, which progenitor cannot write as text -> a string the caller writes",
                    data.name
                ),
            )
        }
        _ if matches!(data.format, ParameterSchemaOrContent::Content(_)) => {
            let media = match &data.format {
                ParameterSchemaOrContent::Content(content) => content.keys().next().cloned().unwrap_or_default(),
                ParameterSchemaOrContent::Schema(_) => unreachable!("matched above"),
            };
            let mut text = parameter.clone();
            *parameter_data_mut(&mut text) = as_text(&format!("Written as `{media}`."));
            Fix::Replace(
                vec![text],
                format!("`{}` given as {media} content -> a string in that form", data.name),
            )
        }
        _ => Fix::Keep,
    })
}

/// Applies [`fix`] to every parameter of a list.
fn fix_list(
    lookup: &OpenAPI,
    list: &mut Vec<ReferenceOr<Parameter>>,
    place: &str,
    changes: &mut Changes,
) -> Result<()> {
    let mut out = Vec::new();
    for slot in std::mem::take(list) {
        let parameter = resolve(lookup, &slot)?;
        match fix(lookup, parameter)? {
            Fix::Keep => out.push(slot),
            Fix::Replace(parameters, change) => {
                changes.push(format!("{place}: {change}"));
                out.extend(parameters.into_iter().map(ReferenceOr::Item));
            }
        }
    }
    *list = out;
    Ok(())
}

/// Rule: parameters progenitor 0.15.1 refuses are made ones it sends the
/// same way: a `deepObject` query object becomes one query parameter per
/// property (`filter[name]`); a `spaceDelimited` or `pipeDelimited` query
/// list, and a parameter given by `content`, become a string the caller
/// writes in that form; a cookie is dropped (progenitor sends none; a
/// reqwest cookie store can). An operation whose parameters still cannot
/// be sent (a path parameter of the `label` or `matrix` style, a required
/// `deepObject` map) is left out.
pub fn parameters_progenitor_can_send(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    super::with_paths(spec, |paths, lookup| can_send(paths, lookup, ctx))
}

fn can_send(paths: &mut openapiv3::Paths, lookup: &OpenAPI, ctx: &mut Context) -> Changes {
    let mut changes = Vec::new();
    for (path, item) in paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else { continue };
        let shared_ok = fix_list(
            lookup,
            &mut item.parameters,
            &format!("{path} (all operations)"),
            &mut changes,
        );
        for (method, op) in path_item_operations_mut(item) {
            let site = Site::of(method, path, op);
            let outcome = shared_ok
                .as_ref()
                .map_err(|e| anyhow::anyhow!("{e}"))
                .and_then(|()| fix_list(lookup, &mut op.parameters, &site.location, &mut changes));
            if let Err(error) = outcome {
                ctx.leave_out(site.error(format!("{error:#}")));
            }
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{operation, spec};

    fn names_of(s: &OpenAPI, path: &str, method: &str) -> Vec<String> {
        operation(s, path, method)
            .parameters
            .iter()
            .map(|p| p.as_item().unwrap().parameter_data_ref().name.clone())
            .collect()
    }

    #[test]
    fn path_parameters_match_the_template_both_ways() {
        let mut s = spec(
            r#"
paths:
  /users/{userId}/files/{name}:
    get:
      operationId: get_file
      parameters:
        - {name: userid, in: path, required: true, schema: {type: integer}}
        - {name: gone, in: path, required: true, schema: {type: string}}
        - {name: q, in: query, schema: {type: string}}
      responses: {"200": {description: ok}}
"#,
        );
        let changes = path_parameters_match_the_template(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "GET /users/{userId}/files/{name}: path parameter `userid` -> `userId`, as the path spells it",
                "GET /users/{userId}/files/{name}: path parameter `gone` dropped (the path has no {gone})",
                "GET /users/{userId}/files/{name}: {name} has no parameter -> a required string path parameter `name`",
            ]
        );
        assert_eq!(
            names_of(&s, "/users/{userId}/files/{name}", "get"),
            vec!["userId", "q", "name"]
        );
    }

    #[test]
    fn path_and_header_parameters_without_a_text_form_become_strings() {
        let mut s = spec(
            r##"
paths:
  /ip/{address}:
    get:
      operationId: lookup
      parameters:
        - name: address
          in: path
          required: true
          schema: {anyOf: [{type: string, format: ipv4}, {type: string, format: ipv6}]}
        - {name: headers, in: header, schema: {$ref: "#/components/schemas/Headers"}}
        - {name: ids, in: header, schema: {type: array, items: {type: integer}}}
        - {name: kind, in: header, schema: {type: string, enum: [a, b]}}
        - {name: filter, in: query, schema: {type: object, properties: {a: {type: string}}}}
      responses: {"200": {description: ok}}
components:
  schemas:
    Headers: {type: object, properties: {a: {type: string}}}
"##,
        );
        let changes = parameters_progenitor_can_send(&mut s, &mut Context::default());
        assert_eq!(
            changes,
            vec![
                "GET /ip/{address} (lookup): path parameter `address` is a choice of shapes, which progenitor cannot write as text -> a string the caller writes",
                "GET /ip/{address} (lookup): header parameter `headers` is an object, which progenitor cannot write as text -> a string the caller writes",
                "GET /ip/{address} (lookup): header parameter `ids` is a list, which progenitor cannot write as text -> a string the caller writes",
            ],
            "a string enum has a text form, and a query object is serialized"
        );
        let op = operation(&s, "/ip/{address}", "get");
        let ids = op.parameters[2].as_item().unwrap();
        assert!(matches!(ids, Parameter::Header { .. }), "still a header");
        let data = ids.parameter_data_ref();
        assert_eq!(data.name, "ids");
        assert_eq!(
            data.description.as_deref(),
            Some("The values, separated by commas (the simple style).")
        );
        assert!(matches!(
            &data.format,
            ParameterSchemaOrContent::Schema(ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::String(_)),
                ..
            }))
        ));
    }

    #[test]
    fn parameters_become_ones_progenitor_sends_the_same_way() {
        let mut s = spec(
            r#"
paths:
  /search:
    get:
      operationId: search
      parameters:
        - name: filter
          in: query
          style: deepObject
          required: true
          schema: {type: object, required: [kind], properties: {kind: {type: string}, size: {type: integer}}}
        - {name: expand, in: query, style: deepObject, schema: {type: array, items: {type: string}}}
        - name: created
          in: query
          style: deepObject
          schema: {anyOf: [{type: object, properties: {gt: {type: integer}}}, {type: integer}]}
        - {name: meta, in: query, style: deepObject, schema: {type: object, additionalProperties: {type: string}}}
        - {name: tags, in: query, style: pipeDelimited, schema: {type: array, items: {type: string}}}
        - {name: session, in: cookie, schema: {type: string}}
        - {name: where, in: query, content: {application/json: {schema: {type: object}}}}
      responses: {"200": {description: ok}}
"#,
        );
        let mut ctx = Context::default();
        let changes = parameters_progenitor_can_send(&mut s, &mut ctx);
        assert_eq!(
            changes,
            vec![
                "GET /search (search): deepObject `filter` -> `filter[kind]`, `filter[size]`",
                "GET /search (search): deepObject list `expand` -> `expand[]`, once per item",
                "GET /search (search): deepObject `created`, one of several shapes -> `created[gt]`, `created` (each optional)",
                "GET /search (search): deepObject `meta` dropped: a map whose keys the spec does not name, which progenitor cannot send",
                "GET /search (search): pipeDelimited `tags` -> a string of the values",
                "GET /search (search): cookie `session` dropped (progenitor sends no cookies; set it on the reqwest client)",
                "GET /search (search): `where` given as application/json content -> a string in that form",
            ]
        );
        assert_eq!(
            names_of(&s, "/search", "get"),
            vec![
                "filter[kind]",
                "filter[size]",
                "expand[]",
                "created[gt]",
                "created",
                "tags",
                "where"
            ]
        );
        let kind = operation(&s, "/search", "get").parameters[0].as_item().unwrap();
        assert!(
            kind.parameter_data_ref().required,
            "a required property of a required object"
        );
        assert!(ctx.left_out.is_empty());
    }
}
