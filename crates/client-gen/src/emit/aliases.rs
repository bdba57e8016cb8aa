//! The type aliases that keep the names of parameter enums which
//! [`crate::normalize::shared_enums`] made share one type.

use std::collections::HashSet;

use crate::generate::LeftOut;
use crate::names::{self, Case};
use crate::normalize::shared_enums::TypeAlias;

/// The name of the type an item of the `types` module defines, if it
/// defines one.
pub fn defined_name(item: &syn::Item) -> Option<String> {
    match item {
        syn::Item::Struct(s) => Some(s.ident.to_string()),
        syn::Item::Enum(e) => Some(e.ident.to_string()),
        syn::Item::Type(t) => Some(t.ident.to_string()),
        syn::Item::Union(u) => Some(u.ident.to_string()),
        _ => None,
    }
}

/// Appends `pub type Name = Target;` to the `types` module of `file` for
/// each alias whose target it defines and whose name it does not
/// (`defined`: the names the module's items define). Returns the aliases
/// left out, each with the reason.
pub fn patch(file: &mut syn::File, aliases: &[TypeAlias], defined: &HashSet<String>) -> Vec<LeftOut> {
    let skip = |alias: &TypeAlias, reason: String| LeftOut {
        operation: format!("type alias {} = {}", alias.name, alias.target),
        reason,
    };
    let mut skipped = Vec::new();
    let template: syn::ItemType = syn::parse_quote!(
        #[doc = ""]
        pub type A = B;
    );
    let Some(items) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut().map(|(_, items)| items),
        _ => None,
    }) else {
        let reason = || "progenitor's output has no `types` module".to_string();
        return aliases.iter().map(|a| skip(a, reason())).collect();
    };
    for alias in aliases {
        let reason = if defined.contains(&alias.name) {
            Some("a type of that name is generated".to_string())
        } else if !defined.contains(&alias.target) {
            Some(format!("`{}` is not generated", alias.target))
        } else {
            None
        };
        let idents = (
            syn::parse_str::<syn::Ident>(&alias.name),
            syn::parse_str::<syn::Ident>(&alias.target),
        );
        let (name, target) = match (reason, idents) {
            (None, (Ok(name), Ok(target))) => (name, target),
            (Some(reason), _) => {
                skipped.push(skip(alias, reason));
                continue;
            }
            (None, _) => {
                skipped.push(skip(alias, "not a Rust identifier".to_string()));
                continue;
            }
        };
        let doc = format!(
            "The type of a parameter of `{}`: the same enum as [`{}`], which other operations' parameters share.",
            names::progenitor(&alias.operation_id, Case::Snake),
            alias.target
        );
        items.push(alias_item(&template, name, target, &doc));
    }
    skipped
}

/// `#[doc = doc] pub type name = target;`: a parsed template with its
/// names and doc set (parsing each of the beta Microsoft Graph spec's
/// 15,478 aliases took 0.16 s).
fn alias_item(template: &syn::ItemType, name: syn::Ident, target: syn::Ident, doc: &str) -> syn::Item {
    let mut item = template.clone();
    item.ident = name;
    if let syn::Type::Path(path) = &mut *item.ty
        && let Some(segment) = path.path.segments.last_mut()
    {
        segment.ident = target;
    }
    if let Some(syn::Attribute {
        meta: syn::Meta::NameValue(doc_value),
        ..
    }) = item.attrs.first_mut()
        && let syn::Expr::Lit(literal) = &mut doc_value.value
    {
        literal.lit = syn::Lit::Str(syn::LitStr::new(doc, proc_macro2::Span::call_site()));
    }
    syn::Item::Type(item)
}
