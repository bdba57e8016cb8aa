//! What the generator adds to progenitor's output: the multipart methods
//! (made from the methods progenitor generates for the stand-in or twin
//! bodies of [`crate::normalize::split_multipart_operations`]), their body
//! types, the `DEFAULT_BASE_URL` constant and a constructor per security
//! scheme.
//!
//! Only what depends on the spec is emitted: the code that is the same for
//! every spec (`FilePart`, building the form, authenticated clients) lives
//! in the `client-support` crate, which the generated code calls.

mod bodies;
mod client;
mod content_types;
mod methods;

use anyhow::{Result, bail};
use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use typify::TypeSpace;

use crate::generate::LeftOut;
use crate::normalize::{MultipartBody, Normalized};
use crate::spec::OperationError;

/// Finishes progenitor's output for `normalized`: patches the multipart
/// methods in, sets the request content types progenitor would not,
/// removes the carrier types of inline multipart bodies, and appends the
/// body types, the base URL and the constructors. Returns the multipart
/// bodies sent as forms the caller fills because their parts could not be
/// typed. A failure that is one operation's is an [`OperationError`].
pub fn finish(file: &mut syn::File, normalized: &Normalized, type_space: &TypeSpace) -> Result<Vec<LeftOut>> {
    let context = &normalized.context;
    methods::patch(file, &context.multipart)?;
    for (operation_id, content_type) in &context.content_types {
        let method = content_types::method_of(operation_id);
        content_types::patch(file, &method, content_type).map_err(|e| {
            let site = crate::spec::operations(&normalized.spec)
                .into_iter()
                .find(|(_, op)| op.operation_id.as_deref() == Some(operation_id.as_str()))
                .map(|(site, _)| site);
            match site {
                Some(site) => anyhow::Error::new(site.error(format!("{e:#}"))),
                None => e,
            }
        })?;
    }
    let (bodies, notes) = bodies::emit(normalized, type_space);
    for op in &context.multipart {
        if let MultipartBody::Typed {
            component,
            carrier: true,
        } = &op.body
        {
            remove_type(file, component).map_err(|e| anyhow::Error::new(op.site.error(format!("{e:#}"))))?;
        }
    }
    let client = client::emit(normalized);
    let added: syn::File = syn::parse2(quote! { #client #bodies })?;
    file.items.extend(added.items);
    Ok(notes)
}

/// Whether an error is one operation's.
pub fn operation_error(error: &anyhow::Error) -> Option<&OperationError> {
    error.downcast_ref::<OperationError>()
}

/// Removes the type `name` and its impls from the `types` module, and
/// checks that nothing else refers to it.
fn remove_type(file: &mut syn::File, name: &str) -> Result<()> {
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        bail!("progenitor's output has no `types` module");
    };
    let is_it =
        |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| s.ident == name));
    let before = types.1.len();
    types.1.retain(|item| match item {
        syn::Item::Struct(s) => s.ident != name,
        syn::Item::Impl(i) => !is_it(&i.self_ty),
        _ => true,
    });
    if before == types.1.len() {
        // typify made no type of its own for it (it became any JSON, say).
        return Ok(());
    }
    let inside = types
        .1
        .iter()
        .any(|item| item.to_token_stream().into_iter().any(|t| mentions(&t, name)));
    if inside || refers_to(file.to_token_stream(), name) {
        bail!("the generated code still refers to {name} after its removal");
    }
    Ok(())
}

/// Whether `tokens` hold the path `types::{name}` anywhere.
fn refers_to(tokens: TokenStream, name: &str) -> bool {
    let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
    tokens.windows(4).any(|w| match w {
        [
            proc_macro2::TokenTree::Ident(module),
            proc_macro2::TokenTree::Punct(a),
            proc_macro2::TokenTree::Punct(b),
            proc_macro2::TokenTree::Ident(ty),
        ] => module == "types" && a.as_char() == ':' && b.as_char() == ':' && ty == name,
        _ => false,
    }) || tokens.iter().any(|t| match t {
        proc_macro2::TokenTree::Group(g) => refers_to(g.stream(), name),
        _ => false,
    })
}

fn mentions(token: &proc_macro2::TokenTree, name: &str) -> bool {
    match token {
        proc_macro2::TokenTree::Ident(ident) => ident == name,
        proc_macro2::TokenTree::Group(group) => group.stream().into_iter().any(|t| mentions(&t, name)),
        _ => false,
    }
}

/// Turns a doc text into one `#[doc]` attribute per line, so that
/// prettyplease prints `///` lines. A text with indented lines (which
/// rustdoc would take for a Rust code block and try to compile) is fenced
/// as `text`.
pub fn doc_attrs(text: &str) -> TokenStream {
    let text = text.trim_end();
    let needs_fence = text
        .lines()
        .any(|l| l.starts_with("    ") || l.starts_with('\t') || l.trim_start().starts_with("```"));
    let mut lines: Vec<String> = Vec::new();
    if needs_fence {
        lines.push("```text".into());
        lines.extend(text.lines().map(|l| l.replace("```", "'''")));
        lines.push("```".into());
    } else {
        lines.extend(text.lines().map(str::to_string));
    }
    let attrs = lines.iter().map(|l| {
        let l = if l.is_empty() { String::new() } else { format!(" {l}") };
        quote! { #[doc = #l] }
    });
    quote! { #(#attrs)* }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_attrs_fences_indented_text() {
        let plain = doc_attrs("one line").to_string();
        assert!(!plain.contains("```"), "{plain}");
        let fenced = doc_attrs("a\n    \"indented\": 1").to_string();
        assert!(fenced.contains("```text"), "{fenced}");
    }

    #[test]
    fn a_removed_type_takes_its_impls_along() {
        let mut file: syn::File = syn::parse_quote! {
            pub mod types {
                pub struct Carrier { pub a: i64 }
                impl ::std::convert::From<&Carrier> for Carrier { fn from(v: &Carrier) -> Self { v.clone() } }
                pub struct CarrierA(i64);
            }
        };
        remove_type(&mut file, "Carrier").unwrap();
        let left = file.to_token_stream().to_string();
        assert!(left.contains("CarrierA") && !left.contains("struct Carrier "), "{left}");
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; pub struct User { pub c: Carrier } }
        };
        let err = remove_type(&mut file, "Carrier").unwrap_err().to_string();
        assert!(err.contains("still refers"), "{err}");
        let mut file: syn::File = syn::parse_quote! { pub mod types { pub struct Other; } };
        remove_type(&mut file, "Carrier").expect("a type typify did not make is no error");
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            pub mod multipart { pub struct Carrier; }
            fn f(_: multipart::Carrier) {}
        };
        remove_type(&mut file, "Carrier").expect("a same-named type elsewhere is fine");
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            fn f(_: Vec<types::Carrier>) {}
        };
        assert!(remove_type(&mut file, "Carrier").is_err());
    }
}
