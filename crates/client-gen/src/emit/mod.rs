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
mod http_methods;
mod methods;
mod wire_names;

use anyhow::{Result, bail};
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
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
    let fail = |operation_id: &str, error: anyhow::Error| {
        let site = crate::spec::operations(&normalized.spec)
            .into_iter()
            .find(|(_, op)| op.operation_id.as_deref() == Some(operation_id))
            .map(|(site, _)| site);
        match site {
            Some(site) => anyhow::Error::new(site.error(format!("{error:#}"))),
            None => error,
        }
    };
    for name in &context.wire_names {
        let method = content_types::method_of(&name.operation_id);
        wire_names::patch(file, &method, name).map_err(|e| fail(&name.operation_id, e))?;
    }
    methods::patch(file, &context.multipart)?;
    if http_methods::needed(&normalized.spec) {
        http_methods::patch(file);
    }
    for (operation_id, content_type) in &context.content_types {
        let method = content_types::method_of(operation_id);
        content_types::patch(file, &method, content_type).map_err(|e| fail(operation_id, e))?;
    }
    let (bodies, notes) = bodies::emit(normalized, type_space);
    let carriers: Vec<(&str, &crate::spec::Site)> = context
        .multipart
        .iter()
        .filter_map(|op| match &op.body {
            MultipartBody::Typed {
                component,
                carrier: true,
            } => Some((component.as_str(), &op.site)),
            _ => None,
        })
        .collect();
    let names: Vec<&str> = carriers.iter().map(|(name, _)| *name).collect();
    if let Some(name) = remove_types(file, &names)?.first()
        && let Some((_, site)) = carriers.iter().find(|(n, _)| n == name)
    {
        let reason = format!("the generated code still refers to {name} after its removal");
        return Err(anyhow::Error::new(site.error(reason)));
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

/// Removes the types `names` and their impls from the `types` module, and
/// returns those of them the generated code still refers to (none, when
/// all is well). The file is read once, whatever the number of names.
fn remove_types(file: &mut syn::File, names: &[&str]) -> Result<Vec<String>> {
    if names.is_empty() {
        return Ok(Vec::new());
    }
    let Some(types) = file.items.iter_mut().find_map(|item| match item {
        syn::Item::Mod(m) if m.ident == "types" => m.content.as_mut(),
        _ => None,
    }) else {
        bail!("progenitor's output has no `types` module");
    };
    let named = |ident: &syn::Ident| names.iter().any(|n| ident == n);
    let is_one =
        |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| named(&s.ident)));
    types.1.retain(|item| match item {
        syn::Item::Struct(s) => !named(&s.ident),
        syn::Item::Impl(i) => !is_one(&i.self_ty),
        _ => true,
    });
    // The syntax tree is walked, not printed to tokens: on a spec of
    // Stripe's size printing it took two seconds.
    let mut inside = Mentions::new(names, Look::AnyIdent);
    types.1.iter_mut().for_each(|item| inside.visit_item_mut(item));
    let mut outside = Mentions::new(names, Look::TypesPath);
    for item in file
        .items
        .iter_mut()
        .filter(|i| !matches!(i, syn::Item::Mod(m) if m.ident == "types"))
    {
        outside.visit_item_mut(item);
    }
    Ok(names
        .iter()
        .filter(|n| inside.found.contains(**n) || outside.found.contains(**n))
        .map(|n| n.to_string())
        .collect())
}

/// What counts as a mention of a type name.
#[derive(Clone, Copy)]
enum Look {
    /// The name anywhere (inside the `types` module).
    AnyIdent,
    /// `types::Name` (outside it).
    TypesPath,
}

/// The names of `names` a syntax tree mentions, including inside macro
/// and attribute tokens, which syn does not parse.
struct Mentions<'a> {
    names: &'a [&'a str],
    look: Look,
    found: std::collections::HashSet<String>,
}

impl<'a> Mentions<'a> {
    fn new(names: &'a [&'a str], look: Look) -> Self {
        Mentions {
            names,
            look,
            found: Default::default(),
        }
    }

    fn note(&mut self, ident: &proc_macro2::Ident) {
        if let Some(name) = self.names.iter().find(|n| ident == *n) {
            self.found.insert(name.to_string());
        }
    }

    fn tokens(&mut self, tokens: &TokenStream) {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.clone().into_iter().collect();
        for (i, token) in tokens.iter().enumerate() {
            match token {
                proc_macro2::TokenTree::Group(group) => self.tokens(&group.stream()),
                proc_macro2::TokenTree::Ident(ident) => match self.look {
                    Look::AnyIdent => self.note(ident),
                    Look::TypesPath => {
                        if let [
                            proc_macro2::TokenTree::Ident(module),
                            proc_macro2::TokenTree::Punct(a),
                            proc_macro2::TokenTree::Punct(b),
                        ] = &tokens[i.saturating_sub(3)..i]
                            && module == "types"
                            && a.as_char() == ':'
                            && b.as_char() == ':'
                        {
                            self.note(ident);
                        }
                    }
                },
                _ => {}
            }
        }
    }
}

impl VisitMut for Mentions<'_> {
    fn visit_ident_mut(&mut self, ident: &mut proc_macro2::Ident) {
        if let Look::AnyIdent = self.look {
            self.note(ident);
        }
    }

    fn visit_path_mut(&mut self, path: &mut syn::Path) {
        if let Look::TypesPath = self.look {
            let segments: Vec<&syn::PathSegment> = path.segments.iter().collect();
            for pair in segments.windows(2) {
                if pair[0].ident == "types" {
                    self.note(&pair[1].ident);
                }
            }
        }
        syn::visit_mut::visit_path_mut(self, path);
    }

    fn visit_use_path_mut(&mut self, path: &mut syn::UsePath) {
        if let Look::TypesPath = self.look
            && path.ident == "types"
        {
            let trees: Vec<&syn::UseTree> = match &*path.tree {
                syn::UseTree::Group(group) => group.items.iter().collect(),
                tree => vec![tree],
            };
            for tree in trees {
                match tree {
                    syn::UseTree::Name(name) => self.note(&name.ident),
                    syn::UseTree::Rename(rename) => self.note(&rename.ident),
                    _ => {}
                }
            }
        }
        syn::visit_mut::visit_use_path_mut(self, path);
    }

    fn visit_macro_mut(&mut self, mac: &mut syn::Macro) {
        self.tokens(&mac.tokens);
        syn::visit_mut::visit_macro_mut(self, mac);
    }

    fn visit_meta_list_mut(&mut self, list: &mut syn::MetaList) {
        self.tokens(&list.tokens);
        syn::visit_mut::visit_meta_list_mut(self, list);
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
    use quote::ToTokens;

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
        assert!(remove_types(&mut file, &["Carrier"]).unwrap().is_empty());
        let left = file.to_token_stream().to_string();
        assert!(left.contains("CarrierA") && !left.contains("struct Carrier "), "{left}");
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; pub struct User { pub c: Carrier } }
        };
        assert_eq!(
            remove_types(&mut file, &["Carrier"]).unwrap(),
            vec!["Carrier"],
            "still referred to"
        );
        let mut file: syn::File = syn::parse_quote! { pub mod types { pub struct Other; } };
        assert!(
            remove_types(&mut file, &["Carrier"]).unwrap().is_empty(),
            "a type typify did not make is no error"
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            pub mod multipart { pub struct Carrier; }
            fn f(_: multipart::Carrier) {}
        };
        assert!(
            remove_types(&mut file, &["Carrier"]).unwrap().is_empty(),
            "a same-named type elsewhere is fine"
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            fn f(_: Vec<types::Carrier>) {}
        };
        assert_eq!(remove_types(&mut file, &["Carrier"]).unwrap(), vec!["Carrier"]);
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            fn f() { let _ = vec![types::Carrier]; }
        };
        assert_eq!(
            remove_types(&mut file, &["Carrier"]).unwrap(),
            vec!["Carrier"],
            "inside a macro's tokens"
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; #[derive(Default)] pub struct User { #[serde(with = "x")] pub c: Option<Carrier> } }
        };
        assert_eq!(
            remove_types(&mut file, &["Carrier"]).unwrap(),
            vec!["Carrier"],
            "in a generic"
        );
        let mut file: syn::File = syn::parse_quote! {
            pub mod types { pub struct Carrier; }
            mod other { use super::types::{Carrier, Other}; }
        };
        assert_eq!(
            remove_types(&mut file, &["Carrier"]).unwrap(),
            vec!["Carrier"],
            "in a use"
        );
    }
}
