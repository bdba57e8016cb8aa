//! The body type of each multipart operation, in the generated `multipart`
//! module: one field per property of the body schema, typed as typify types
//! the same schema (so an object part is the same type a JSON body would
//! take), files as `FilePart`, arrays of files as `Vec<FilePart>`.

use anyhow::{Context, Result, bail};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use typify::{TypeDetails, TypeSpace};

use super::doc_attrs;
use crate::generate::LeftOut;
use crate::names::{self, Case};
use crate::normalize::{MultipartBody, MultipartOperation, Normalized};
use crate::spec::{Site, resolve, resolve_boxed};

/// What one property becomes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// One file part.
    File,
    /// One file part per item, all with the property's name.
    Files,
    /// A value: text for scalars and enums, JSON for objects, one part per
    /// item for arrays (`MultipartForm::value`).
    Value,
}

struct Field {
    api_name: String,
    ident: syn::Ident,
    kind: PartKind,
    optional: bool,
    /// The value type (for [`PartKind::Value`]), without the `Option`.
    value_type: TokenStream,
    description: Option<String>,
    encoding: Option<String>,
}

fn is_binary(schema: &Schema) -> bool {
    matches!(
        &schema.schema_kind,
        SchemaKind::Type(Type::String(s)) if s.format == VariantOrUnknownOrEmpty::Item(StringFormat::Binary)
    )
}

/// Whether a file hides anywhere inside `schema` (where it cannot be sent).
fn holds_binary(spec: &OpenAPI, schema: &Schema, depth: usize) -> bool {
    if depth > 16 {
        return false;
    }
    let inner = |s: &ReferenceOr<Box<Schema>>| {
        resolve_boxed(spec, s).is_ok_and(|s| is_binary(s) || holds_binary(spec, s, depth + 1))
    };
    let any_of = |list: &[ReferenceOr<Schema>]| {
        list.iter()
            .any(|s| resolve(spec, s).is_ok_and(|s| is_binary(s) || holds_binary(spec, s, depth + 1)))
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.values().any(inner),
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref().is_some_and(inner),
        SchemaKind::OneOf { one_of } => any_of(one_of),
        SchemaKind::AnyOf { any_of: list } => any_of(list),
        SchemaKind::AllOf { all_of } => any_of(all_of),
        _ => false,
    }
}

fn part_kind(spec: &OpenAPI, schema: &Schema, site: &Site, name: &str) -> Result<PartKind> {
    if is_binary(schema) {
        return Ok(PartKind::File);
    }
    if let SchemaKind::Type(Type::Array(array)) = &schema.schema_kind
        && let Some(items) = &array.items
        && is_binary(resolve_boxed(spec, items)?)
    {
        return Ok(PartKind::Files);
    }
    if holds_binary(spec, schema, 0) {
        return Err(site.refuse(format!(
            "multipart property `{name}` holds a file inside another structure; \
             a part is one file, a list of files, or a value"
        )));
    }
    Ok(PartKind::Value)
}

/// The typify struct of the body schema: its field types by field name.
fn typify_fields(
    type_space: &TypeSpace,
    op: &MultipartOperation,
    component: &str,
) -> Result<Vec<(String, TokenStream)>> {
    let name = names::typify(component, Case::Pascal);
    let body = type_space.iter_types().find(|t| t.name() == name).ok_or_else(|| {
        op.site
            .refuse(format!("typify generated no type {name} for the body schema"))
    })?;
    let TypeDetails::Struct(fields) = body.details() else {
        bail!(
            "{}: typify did not make a plain struct of the body schema {name}; the multipart emitter needs its properties",
            op.site.location
        );
    };
    fields
        .properties_info()
        .map(|prop| {
            let ty = type_space.get_type(&prop.type_id)?;
            let inner = match ty.details() {
                TypeDetails::Option(inner) => type_space.get_type(&inner)?.ident(),
                _ => ty.ident(),
            };
            Ok((prop.name.to_string(), inner))
        })
        .collect()
}

fn fields(spec: &OpenAPI, type_space: &TypeSpace, op: &MultipartOperation, component: &str) -> Result<Vec<Field>> {
    let schema = spec
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(component))
        .with_context(|| format!("{}: no components.schemas.{component}", op.site.location))?;
    let SchemaKind::Type(Type::Object(object)) = &resolve(spec, schema)?.schema_kind else {
        return Err(op.site.refuse("the multipart body schema is not an object"));
    };
    if let Some(missing) = object.required.iter().find(|r| !object.properties.contains_key(*r)) {
        return Err(op
            .site
            .refuse(format!("`{missing}` is required but has no property schema")));
    }
    let typed = typify_fields(type_space, op, component)?;
    let mut out: Vec<Field> = Vec::new();
    for (api_name, property) in &object.properties {
        let schema = resolve_boxed(spec, property)?;
        let kind = part_kind(spec, schema, &op.site, api_name)?;
        let field_name = names::typify(api_name, Case::Snake);
        let value_type = match kind {
            PartKind::File | PartKind::Files => TokenStream::new(),
            PartKind::Value => typed
                .iter()
                .find(|(name, _)| *name == field_name)
                .map(|(_, ty)| ty.clone())
                .ok_or_else(|| {
                    op.site
                        .refuse(format!("typify has no field `{field_name}` for `{api_name}`"))
                })?,
        };
        let description = schema
            .schema_data
            .description
            .as_deref()
            .map(str::trim)
            .filter(|d| !d.is_empty())
            .map(str::to_string);
        out.push(Field {
            ident: format_ident!("{}", field_name),
            optional: !object.required.contains(api_name) || schema.schema_data.nullable,
            kind,
            value_type,
            description,
            encoding: op.encoding.get(api_name).cloned(),
            api_name: api_name.clone(),
        });
    }
    Ok(out)
}

fn field_type(field: &Field) -> TokenStream {
    let ty = match field.kind {
        PartKind::File => quote! { FilePart },
        PartKind::Files => quote! { Vec<FilePart> },
        PartKind::Value => field.value_type.clone(),
    };
    if field.optional {
        quote! { Option<#ty> }
    } else {
        ty
    }
}

fn field_doc(field: &Field) -> TokenStream {
    let mut doc = field
        .description
        .clone()
        .unwrap_or_else(|| format!("Part `{}`.", field.api_name));
    if field.description.is_some() && field.ident != field.api_name {
        doc.push_str(&format!("\n\nSent as the part `{}`.", field.api_name));
    }
    match field.kind {
        PartKind::Files => doc.push_str("\n\nEach file is one part, all with this name."),
        PartKind::Value if field.value_type.to_string().contains("Vec") => {
            doc.push_str("\n\nEach item is one part, all with this name.")
        }
        _ => {}
    }
    if let Some(ct) = &field.encoding {
        doc.push_str(&format!("\n\nSent with `Content-Type: {ct}`."));
    }
    doc_attrs(&doc)
}

/// The statement that adds one field's parts to `form`.
fn add_parts(field: &Field) -> TokenStream {
    let ident = &field.ident;
    let name = &field.api_name;
    let encoding = match &field.encoding {
        Some(ct) => quote! { Some(#ct) },
        None => quote! { None },
    };
    let (method, take) = match field.kind {
        PartKind::File => (quote! { file }, true),
        PartKind::Files => (quote! { files }, true),
        PartKind::Value => (quote! { value }, false),
    };
    match (field.optional, take) {
        (false, true) => quote! { form.#method(#name, self.#ident, #encoding)?; },
        (false, false) => quote! { form.#method(#name, &self.#ident, #encoding)?; },
        (true, true) => quote! {
            if let Some(value) = self.#ident {
                form.#method(#name, value, #encoding)?;
            }
        },
        (true, false) => quote! {
            if let Some(value) = &self.#ident {
                form.#method(#name, value, #encoding)?;
            }
        },
    }
}

/// The body type of a form the caller fills by part name.
fn emit_form(op: &MultipartOperation, why: &str) -> TokenStream {
    let ident = format_ident!("{}", op.body_type);
    let doc = doc_attrs(&format!(
        "Body of [`Client::{}`](super::Client::{}) (`{}`), sent as `multipart/form-data`.\n\n\
         The spec does not say its parts ({why}): add each part the API documents by its name \
         ([`FormParts::text`], [`FormParts::file`], [`FormParts::json`]).",
        op.method_name, op.method_name, op.request
    ));
    quote! {
        #doc
        pub type #ident = FormParts;
    }
}

/// The body type of `op`: typed parts from its component where the emitter
/// can type them, else a form the caller fills (with the reason noted).
fn emit_body(spec: &OpenAPI, type_space: &TypeSpace, op: &MultipartOperation, notes: &mut Vec<LeftOut>) -> TokenStream {
    let why = match &op.body {
        MultipartBody::Form { why } => why.clone(),
        MultipartBody::Typed { component, .. } => match emit_typed(spec, type_space, op, component) {
            Ok(tokens) => return tokens,
            Err(error) => {
                let why = match error.downcast_ref::<crate::spec::OperationError>() {
                    Some(e) => e.reason.clone(),
                    None => format!("{error:#}"),
                };
                notes.push(LeftOut {
                    operation: format!("{}: multipart body", op.site.location),
                    reason: why.clone(),
                });
                why
            }
        },
    };
    emit_form(op, &why)
}

fn emit_typed(spec: &OpenAPI, type_space: &TypeSpace, op: &MultipartOperation, component: &str) -> Result<TokenStream> {
    let fields = fields(spec, type_space, op, component)?;
    let ident = format_ident!("{}", op.body_type);
    let doc = doc_attrs(&format!(
        "Body of [`Client::{}`](super::Client::{}) (`{}`), sent as `multipart/form-data`.\n\n\
         Each field is one part (or one part per item), named as in the spec.",
        op.method_name, op.method_name, op.request
    ));
    let derives = if fields.iter().all(|f| f.optional) {
        quote! { #[derive(Debug, Default)] }
    } else {
        quote! { #[derive(Debug)] }
    };
    let declarations = fields.iter().map(|f| {
        let (doc, ident, ty) = (field_doc(f), &f.ident, field_type(f));
        quote! { #doc pub #ident: #ty, }
    });
    let additions = fields.iter().map(add_parts);
    Ok(quote! {
        #doc
        #derives
        pub struct #ident {
            #(#declarations)*
        }

        impl #ident {
            /// The `reqwest` form: the fields that are set, in the spec's
            /// order. Files are streamed, never copied.
            pub fn into_form(self) -> Result<reqwest::multipart::Form, FormError> {
                #[allow(unused_mut)]
                let mut form = ::client_support::MultipartForm::new();
                #(#additions)*
                Ok(form.into_form())
            }
        }
    })
}

/// The `multipart` module, if the spec has multipart operations, and the
/// bodies sent as forms the caller fills because their parts could not be
/// typed.
pub fn emit(normalized: &Normalized, type_space: &TypeSpace) -> (TokenStream, Vec<LeftOut>) {
    let multipart = &normalized.context.multipart;
    if multipart.is_empty() {
        return (TokenStream::new(), Vec::new());
    }
    let mut notes = Vec::new();
    let bodies: Vec<TokenStream> = multipart
        .iter()
        .map(|op| emit_body(&normalized.spec, type_space, op, &mut notes))
        .collect();
    let forms = multipart.iter().any(|op| matches!(op.body, MultipartBody::Form { .. })) || !notes.is_empty();
    let form_parts = forms.then(|| quote! { pub use ::client_support::FormParts; });
    let tokens = quote! {
        /// Bodies of the `multipart/form-data` operations.
        pub mod multipart {
            #[allow(unused_imports)]
            use super::types;
            pub use ::client_support::{FilePart, FormError};
            #form_parts

            #(#bodies)*
        }
    };
    (tokens, notes)
}
