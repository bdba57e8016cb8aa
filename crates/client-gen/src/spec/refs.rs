//! References in the typed document: the one lookup every rule, the
//! emitter and `diff` resolve a `$ref` through (as progenitor's
//! `ReferenceOrExt::item` does).

use anyhow::{Context, Result, bail};
use indexmap::IndexMap;
use openapiv3::{OpenAPI, Parameter, ReferenceOr, RequestBody, Response, Schema};

/// A kind of component a `$ref` can point at: where its kind lives under
/// `components`. [`resolve`] follows references to any kind through this
/// one lookup (as progenitor's `ReferenceOrExt::item` does).
pub trait Component: Sized + 'static {
    /// The section's name (`schemas`), for references and messages.
    const SECTION: &'static str;

    /// The section's entries.
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>>;
}

impl Component for Schema {
    const SECTION: &'static str = "schemas";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.schemas
    }
}

impl Component for Parameter {
    const SECTION: &'static str = "parameters";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.parameters
    }
}

impl Component for RequestBody {
    const SECTION: &'static str = "requestBodies";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.request_bodies
    }
}

impl Component for Response {
    const SECTION: &'static str = "responses";
    fn section(components: &openapiv3::Components) -> &IndexMap<String, ReferenceOr<Self>> {
        &components.responses
    }
}

/// The name a reference gives in `T`'s section (`#/components/schemas/X`
/// -> `X`).
pub fn component_name<T: Component>(reference: &str) -> Result<&str> {
    reference
        .strip_prefix("#/components/")
        .and_then(|rest| rest.strip_prefix(T::SECTION))
        .and_then(|rest| rest.strip_prefix('/'))
        .with_context(|| {
            format!(
                "reference {reference} does not resolve: it is not under #/components/{}/",
                T::SECTION
            )
        })
}

/// The component a reference names, through any chain of references (at
/// most 32 long). Every failure is one error: "reference R does not
/// resolve: why".
pub fn resolve_reference<'a, T: Component>(spec: &'a OpenAPI, reference: &str) -> Result<&'a T> {
    let mut current = reference.to_string();
    for _ in 0..32 {
        let name = component_name::<T>(&current)?;
        let entry = spec
            .components
            .as_ref()
            .and_then(|c| T::section(c).get(name))
            .with_context(|| {
                format!(
                    "reference {reference} does not resolve: no components.{}.{name}",
                    T::SECTION
                )
            })?;
        match entry {
            ReferenceOr::Item(item) => return Ok(item),
            ReferenceOr::Reference { reference: next } => current = next.clone(),
        }
    }
    bail!("reference {reference} does not resolve: its chain of references loops")
}

/// `item` itself, or the component its reference names ([`resolve_reference`]).
pub fn resolve<'a, T: Component>(spec: &'a OpenAPI, item: &'a ReferenceOr<T>) -> Result<&'a T> {
    match item {
        ReferenceOr::Item(item) => Ok(item),
        ReferenceOr::Reference { reference } => resolve_reference(spec, reference),
    }
}

/// A boxed schema (as object properties hold them), resolved.
pub fn resolve_boxed<'a>(spec: &'a OpenAPI, schema: &'a ReferenceOr<Box<Schema>>) -> Result<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Ok(s),
        ReferenceOr::Reference { reference } => resolve_reference(spec, reference),
    }
}
