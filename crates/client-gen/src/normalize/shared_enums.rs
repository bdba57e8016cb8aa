//! Rule: the inline string enums that parameters of several operations
//! repeat, value for value, become one type.
//!
//! progenitor names a parameter's inline type after the operation
//! (`{operationId}-{name}`), so every operation gets its own copy of an
//! enum the spec repeats: Microsoft Graph's beta spec has 17,631 inline
//! `$select`, `$expand` and `$orderby` enums and 2,153 distinct ones,
//! and the copies were 1.4 of the 3.6 million lines generated. Each
//! group becomes one component schema, named as progenitor would have
//! named the first operation's type; every other operation's name is
//! kept, as a type alias of it ([`TypeAlias`]), so that the generated
//! crate has every type name it had before and code written against one
//! copy compiles against the shared type.

use std::collections::HashSet;

use indexmap::IndexMap;
use openapiv3::{
    OpenAPI, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, ReferenceOr, Schema, SchemaKind, Type,
};

use crate::names::{self, Case};
use crate::rules::{Changes, Context};
use crate::spec::refs::component_name;
use crate::spec::{Method, describe_operation, parameter_data_mut};

/// The name progenitor would have given one parameter's enum, kept as an
/// alias of the type the rule made it share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeAlias {
    /// The alias: the name of the type progenitor would have generated.
    pub name: String,
    /// The shared type it names.
    pub target: String,
    /// The operation whose parameter it types.
    pub operation_id: String,
}

/// Where a parameter is written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Holder {
    /// `paths[path].{method}.parameters[index]`.
    Operation { path: usize, method: Method, index: usize },
    /// `paths[path].parameters[index]`, for every operation of the path.
    PathItem { path: usize, index: usize },
    /// `components.parameters[name]`, for every operation referring to it.
    Component(String),
}

/// Which part of the parameter's schema is the enum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// The schema itself.
    Whole,
    /// The items of the array it is.
    Items,
}

/// One operation's use of an inline enum.
struct Member {
    holder: Holder,
    part: Part,
    /// The type progenitor would generate for it.
    type_name: String,
    operation_id: String,
    parameter: String,
    /// The operation, as reports name it.
    place: String,
}

/// Rule: see the module docs.
pub fn shared_parameter_enums(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    let mut groups: IndexMap<String, (Schema, Vec<Member>)> = IndexMap::new();
    for (key, schema, member) in members(spec) {
        groups.entry(key).or_insert_with(|| (schema, Vec::new())).1.push(member);
    }
    let mut taken: HashSet<String> = spec
        .components
        .iter()
        .flat_map(|c| c.schemas.keys())
        .map(|n| names::typify(n, Case::Pascal))
        .collect();
    let mut changes = Vec::new();
    for (schema, group) in groups.into_values().filter(|(_, g)| g.len() > 1) {
        let shared = group[0].type_name.clone();
        if !taken.insert(shared.clone()) {
            continue;
        }
        let reference = format!("#/components/schemas/{shared}");
        let mut done: Vec<&Holder> = Vec::new();
        for member in &group {
            if !done.contains(&&member.holder) {
                if let Some(data) = data_mut(spec, &member.holder) {
                    refer(data, member.part, &reference);
                }
                done.push(&member.holder);
            }
        }
        spec.components
            .get_or_insert_with(Default::default)
            .schemas
            .insert(shared.clone(), ReferenceOr::Item(schema));
        let mut aliases = 0;
        for member in &group[1..] {
            if taken.insert(member.type_name.clone()) {
                ctx.aliases.push(TypeAlias {
                    name: member.type_name.clone(),
                    target: shared.clone(),
                    operation_id: member.operation_id.clone(),
                });
                aliases += 1;
            }
        }
        let first = &group[0];
        changes.push(format!(
            "{}: the enum of `{}`, the same in {} parameters -> components.schemas.{shared} ({aliases} type aliases \
             of it keep the other names)",
            first.place,
            first.parameter,
            group.len()
        ));
    }
    changes
}

/// Every operation's parameters whose schema is (or is an array of) an
/// inline string enum, in document order: the enum's text (the key it
/// is grouped by), the enum, and the use.
fn members(spec: &OpenAPI) -> Vec<(String, Schema, Member)> {
    let mut out = Vec::new();
    for (p, (path, item)) in spec.paths.paths.iter().enumerate() {
        let ReferenceOr::Item(item) = item else { continue };
        for (method, op) in item.iter() {
            let (Some(method), Some(id)) = (Method::from_name(method), op.operation_id.as_ref()) else {
                continue;
            };
            let own = op.parameters.iter().enumerate().filter_map(|(index, parameter)| {
                data_of(spec, parameter, Holder::Operation { path: p, method, index })
            });
            let own: Vec<(Holder, &ParameterData)> = own.collect();
            let overridden = |name: &str| own.iter().any(|(_, data)| data.name == name);
            let shared = path_parameters(spec, item, p).filter(|(_, data)| !overridden(&data.name));
            let all: Vec<(Holder, &ParameterData)> = shared.chain(own.iter().cloned()).collect();
            for (holder, data) in all {
                let Some((part, schema)) = enum_of(data) else { continue };
                let Ok(key) = serde_json::to_string(schema) else {
                    continue;
                };
                let base = names::progenitor(&format!("{id}-{}", data.name), Case::Pascal);
                let type_name = match part {
                    Part::Whole => names::typify(&base, Case::Pascal),
                    Part::Items => names::typify(&format!("{base}_item"), Case::Pascal),
                };
                let member = Member {
                    holder,
                    part,
                    type_name,
                    operation_id: id.clone(),
                    parameter: data.name.clone(),
                    place: describe_operation(method.as_str(), path, op),
                };
                out.push((key, schema.clone(), member));
            }
        }
    }
    out
}

/// The parameters of a path item, for each of its operations.
fn path_parameters<'a>(
    spec: &'a OpenAPI,
    item: &'a PathItem,
    path: usize,
) -> impl Iterator<Item = (Holder, &'a ParameterData)> {
    item.parameters
        .iter()
        .enumerate()
        .filter_map(move |(index, parameter)| data_of(spec, parameter, Holder::PathItem { path, index }))
}

/// A parameter's data and where it is written: `inline` for one written
/// in place, the component at the end of the references otherwise.
fn data_of<'a>(
    spec: &'a OpenAPI,
    parameter: &'a ReferenceOr<Parameter>,
    inline: Holder,
) -> Option<(Holder, &'a ParameterData)> {
    let mut reference = match parameter {
        ReferenceOr::Item(parameter) => return Some((inline, parameter.parameter_data_ref())),
        ReferenceOr::Reference { reference } => reference,
    };
    for _ in 0..32 {
        let name = component_name::<Parameter>(reference).ok()?;
        match spec.components.as_ref()?.parameters.get(name)? {
            ReferenceOr::Item(parameter) => {
                return Some((Holder::Component(name.to_string()), parameter.parameter_data_ref()));
            }
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}

/// The inline string enum a parameter's schema is, or has as its items.
fn enum_of(data: &ParameterData) -> Option<(Part, &Schema)> {
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &data.format else {
        return None;
    };
    if plain_enum(schema) {
        return Some((Part::Whole, schema));
    }
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(array)) => match &array.items {
            Some(ReferenceOr::Item(items)) if plain_enum(items) => Some((Part::Items, items)),
            _ => None,
        },
        _ => None,
    }
}

/// A string enum typify names after where it is: untitled (a title names
/// it instead), not nullable (typify would wrap it), no `null` value.
fn plain_enum(schema: &Schema) -> bool {
    let data = &schema.schema_data;
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(string)) => {
            !string.enumeration.is_empty()
                && string.enumeration.iter().all(Option::is_some)
                && data.title.is_none()
                && !data.nullable
        }
        _ => false,
    }
}

/// The parameter a holder holds, mutably (`None` once it is not there).
fn data_mut<'a>(spec: &'a mut OpenAPI, holder: &Holder) -> Option<&'a mut ParameterData> {
    let slot = match holder {
        Holder::Operation { path, method, index } => {
            let ReferenceOr::Item(item) = spec.paths.paths.get_index_mut(*path)?.1 else {
                return None;
            };
            method.slot(item).as_mut()?.parameters.get_mut(*index)?
        }
        Holder::PathItem { path, index } => {
            let ReferenceOr::Item(item) = spec.paths.paths.get_index_mut(*path)?.1 else {
                return None;
            };
            item.parameters.get_mut(*index)?
        }
        Holder::Component(name) => spec.components.as_mut()?.parameters.get_mut(name)?,
    };
    match slot {
        ReferenceOr::Item(parameter) => Some(parameter_data_mut(parameter)),
        ReferenceOr::Reference { .. } => None,
    }
}

/// The enum part of the parameter's schema replaced by `reference`.
fn refer(data: &mut ParameterData, part: Part, reference: &str) {
    let ParameterSchemaOrContent::Schema(schema) = &mut data.format else {
        return;
    };
    let reference = reference.to_string();
    match (part, schema) {
        (Part::Whole, schema) => *schema = ReferenceOr::Reference { reference },
        (
            Part::Items,
            ReferenceOr::Item(Schema {
                schema_kind: SchemaKind::Type(Type::Array(array)),
                ..
            }),
        ) => array.items = Some(ReferenceOr::Reference { reference }),
        (Part::Items, _) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::{operation, spec};

    const SPEC: &str = r#"
components:
  parameters:
    order: {name: order, in: query, schema: {type: string, enum: [asc, desc]}}
paths:
  /users:
    get:
      operationId: users.List
      parameters:
        - {name: $select, in: query, schema: {type: array, items: {type: string, enum: [id, name]}}}
        - $ref: '#/components/parameters/order'
        - {name: titled, in: query, schema: {title: Pick, type: string, enum: [a, b]}}
      responses: {"200": {description: ok}}
  /users/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: string}}
      - {name: $select, in: query, schema: {type: array, items: {type: string, enum: [id, name]}}}
    get:
      operationId: users.Get
      responses: {"200": {description: ok}}
    delete:
      operationId: users.Delete
      parameters:
        - {name: $select, in: query, schema: {type: array, items: {type: string, enum: [id]}}}
      responses: {"204": {description: gone}}
  /groups:
    get:
      operationId: groups.List
      parameters:
        - $ref: '#/components/parameters/order'
        - {name: titled, in: query, schema: {title: Pick, type: string, enum: [a, b]}}
        - {name: nullable, in: query, schema: {type: string, nullable: true, enum: [x]}}
        - {name: again, in: query, schema: {type: string, nullable: true, enum: [x]}}
      responses: {"200": {description: ok}}
"#;

    fn schema_of<'a>(s: &'a OpenAPI, path: &str, method: &str, name: &str) -> &'a ReferenceOr<Schema> {
        let op = operation(s, path, method);
        let item = s.paths.paths[path].as_item().unwrap();
        let data = op
            .parameters
            .iter()
            .chain(&item.parameters)
            .map(|p| data_of(s, p, Holder::Component(String::new())).unwrap().1)
            .find(|d| d.name == name)
            .unwrap();
        match &data.format {
            ParameterSchemaOrContent::Schema(schema) => schema,
            ParameterSchemaOrContent::Content(_) => panic!("a content parameter"),
        }
    }

    fn items_reference(schema: &ReferenceOr<Schema>) -> Option<&str> {
        match schema.as_item()?.schema_kind {
            SchemaKind::Type(Type::Array(ref array)) => match array.items.as_ref()? {
                ReferenceOr::Reference { reference } => Some(reference),
                ReferenceOr::Item(_) => None,
            },
            _ => None,
        }
    }

    #[test]
    fn enums_repeated_across_operations_share_one_type_and_keep_every_name() {
        let mut s = spec(SPEC);
        let mut ctx = Context::default();
        let changes = shared_parameter_enums(&mut s, &mut ctx);
        assert_eq!(changes.len(), 2, "{changes:#?}");
        assert!(
            changes[0].starts_with("GET /users (users.List): the enum of `$select`, the same in 2 parameters"),
            "{changes:#?}"
        );
        // The array's items refer to the shared enum, in the operation and
        // in the path item (for every operation of the path).
        let shared = "#/components/schemas/UsersListSelectItem";
        assert_eq!(items_reference(schema_of(&s, "/users", "get", "$select")), Some(shared));
        assert_eq!(
            items_reference(schema_of(&s, "/users/{id}", "get", "$select")),
            Some(shared)
        );
        // DELETE's own `$select` (other values) overrides the path's.
        assert_eq!(items_reference(schema_of(&s, "/users/{id}", "delete", "$select")), None);
        // The component parameter both list operations refer to.
        let order = "#/components/schemas/UsersListOrder";
        assert!(matches!(schema_of(&s, "/groups", "get", "order"),
            ReferenceOr::Reference { reference } if reference == order));
        let schemas = &s.components.as_ref().unwrap().schemas;
        let values = |name: &str| match &schemas[name].as_item().unwrap().schema_kind {
            SchemaKind::Type(Type::String(string)) => string.enumeration.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(values("UsersListSelectItem"), [Some("id".into()), Some("name".into())]);
        assert_eq!(values("UsersListOrder"), [Some("asc".into()), Some("desc".into())]);
        // Titled enums (named by the title) and nullable ones are left
        // as they are.
        assert!(schema_of(&s, "/groups", "get", "titled").as_item().is_some());
        assert!(schema_of(&s, "/groups", "get", "again").as_item().is_some());
        assert_eq!(schemas.len(), 2);
        let aliases: Vec<(&str, &str, &str)> = ctx
            .aliases
            .iter()
            .map(|a| (a.name.as_str(), a.target.as_str(), a.operation_id.as_str()))
            .collect();
        assert_eq!(
            aliases,
            [
                ("UsersGetSelectItem", "UsersListSelectItem", "users.Get"),
                ("GroupsListOrder", "UsersListOrder", "groups.List"),
            ]
        );
    }

    #[test]
    fn a_shared_name_a_component_has_is_not_taken() {
        let yaml = SPEC.replace(
            "components:\n",
            "components:\n  schemas:\n    usersListSelectItem: {type: integer}\n",
        );
        let mut s = spec(&yaml);
        let mut ctx = Context::default();
        let changes = shared_parameter_enums(&mut s, &mut ctx);
        assert_eq!(changes.len(), 1, "{changes:#?}");
        assert!(schema_of(&s, "/users", "get", "$select").as_item().is_some());
        assert_eq!(ctx.aliases.len(), 1);
    }
}
