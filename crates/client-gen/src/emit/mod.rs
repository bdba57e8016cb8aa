//! What the generator adds to progenitor's output: the multipart methods
//! (made from the methods progenitor generates for the stand-in or twin
//! bodies of [`crate::normalize::split_multipart_operations`]), their body
//! types, the `DEFAULT_BASE_URL` constant and a constructor per security
//! scheme.
//!
//! Only what depends on the spec is emitted: the code that is the same for
//! every spec (`FilePart`, building the form, authenticated clients) lives
//! in the `client-support` crate, which the generated code calls.

mod aliases;
mod bodies;
mod client;
mod content_types;
mod http_methods;
mod methods;
mod wire_names;

use std::collections::HashSet;

use anyhow::{Result, bail};
use proc_macro2::TokenStream;
use quote::quote;
use syn::visit_mut::VisitMut;
use typify::TypeSpace;

use crate::generate::LeftOut;
pub use aliases::defined_name;

use crate::normalize::{MultipartBody, Normalized};
use crate::spec::OperationError;

/// The multipart body types, made from progenitor's type space before its
/// output is parsed (so that the type space can be freed first), and the
/// bodies among them sent as forms the caller fills because their parts
/// could not be typed.
pub struct Bodies {
    tokens: TokenStream,
    forms: Vec<LeftOut>,
}

/// The multipart body types of `normalized`.
pub fn bodies(normalized: &Normalized, type_space: &TypeSpace) -> Bodies {
    let (tokens, forms) = bodies::emit(normalized, type_space);
    Bodies { tokens, forms }
}

/// Finishes progenitor's output for `normalized`: patches the multipart
/// methods in, sets the request content types progenitor would not,
/// checks that nothing refers to the carrier types of inline multipart
/// bodies (removed from the `types` module as it was parsed, with
/// [`Carriers::keep`]), and appends the
/// body types, the base URL and the constructors. Returns the multipart
/// bodies sent as forms the caller fills because their parts could not be
/// typed, and the type aliases of [`crate::normalize::shared_enums`] left
/// out. A failure that is one operation's is an [`OperationError`].
/// `removed` has seen the `types` module's items as they were parsed and
/// left the carriers out; `defined` is the type names those items define;
/// `printed` has seen the methods printed as they were parsed, which are
/// not in `file`.
pub fn finish(
    file: &mut syn::File,
    normalized: &Normalized,
    bodies: Bodies,
    removed: Carriers,
    printed: Untouched,
    defined: &HashSet<String>,
) -> Result<Finished> {
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
    let Bodies { tokens: bodies, forms } = bodies;
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
    if let Some(name) = removed.still_mentioned(file, printed.outside)?.first()
        && let Some((_, site)) = carriers.iter().find(|(n, _)| n == name)
    {
        let reason = format!("the generated code still refers to {name} after its removal");
        return Err(anyhow::Error::new(site.error(reason)));
    }
    let client = client::emit(normalized);
    let added: syn::File = syn::parse2(quote! { #client #bodies })?;
    file.items.extend(added.items);
    let aliases = aliases::patch(file, &context.aliases, defined);
    Ok(Finished { forms, aliases })
}

/// What [`finish`] could not make as the rules asked.
pub struct Finished {
    /// The multipart bodies sent as forms the caller fills by part name.
    pub forms: Vec<LeftOut>,
    /// The type aliases left out, with the reasons.
    pub aliases: Vec<LeftOut>,
}

/// Whether an error is one operation's.
pub fn operation_error(error: &anyhow::Error) -> Option<&OperationError> {
    error.downcast_ref::<OperationError>()
}

/// The carrier types of inline multipart bodies: left out of the `types`
/// module, with their impls, as its items are parsed (see
/// [`crate::syntax::parse_printing_types`]), and then looked for in the
/// rest of the code, which must not refer to them.
pub struct Carriers {
    inside: Mentions,
}

impl Carriers {
    /// The carriers of `normalized`'s multipart operations.
    pub fn of(normalized: &Normalized) -> Self {
        let names = normalized.context.multipart.iter().filter_map(|op| match &op.body {
            MultipartBody::Typed {
                component,
                carrier: true,
            } => Some(component.clone()),
            _ => None,
        });
        Carriers::new(names.collect())
    }

    fn new(names: Vec<String>) -> Self {
        Carriers {
            inside: Mentions::new(names, Look::AnyIdent),
        }
    }

    /// Looks for the carriers outside the `types` module, as
    /// [`Carriers::still_mentioned`] does.
    fn outside(&self) -> Mentions {
        Mentions::new(self.inside.names.clone(), Look::TypesPath)
    }

    /// Whether the item of the `types` module is kept: it is not when it
    /// is a carrier or an impl of one. Notes the carriers a kept item
    /// mentions.
    pub fn keep(&mut self, item: &mut syn::Item) -> bool {
        let names = &self.inside.names;
        if names.is_empty() {
            return true;
        }
        let named = |ident: &syn::Ident| names.iter().any(|n| ident == n);
        let is_one = |ty: &syn::Type| matches!(ty, syn::Type::Path(p) if p.path.segments.last().is_some_and(|s| named(&s.ident)));
        let removed = match item {
            syn::Item::Struct(s) => named(&s.ident),
            syn::Item::Impl(i) => is_one(&i.self_ty),
            _ => false,
        };
        if !removed {
            self.inside.visit_item_mut(item);
        }
        !removed
    }

    /// The carriers the code still refers to (none, when all is well):
    /// the kept types noted by [`Carriers::keep`], and `types::Name`
    /// anywhere outside the `types` module of `file`. The file is read
    /// once, whatever the number of names.
    /// `outside` has already looked at the methods not in `file`.
    fn still_mentioned(self, file: &mut syn::File, mut outside: Mentions) -> Result<Vec<String>> {
        if self.inside.names.is_empty() {
            return Ok(Vec::new());
        }
        if !file
            .items
            .iter()
            .any(|i| matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        {
            bail!("progenitor's output has no `types` module");
        }
        // The syntax tree is walked, not printed to tokens: on a spec of
        // Stripe's size printing it took two seconds.
        for item in file
            .items
            .iter_mut()
            .filter(|i| !matches!(i, syn::Item::Mod(m) if m.ident == "types"))
        {
            outside.visit_item_mut(item);
        }
        let found = self.inside.found;
        Ok(outside
            .names
            .iter()
            .filter(|n| found.contains(*n) || outside.found.contains(*n))
            .cloned()
            .collect())
    }
}

/// The methods of progenitor's `impl Client` that [`finish`] does not
/// change, told apart as they are parsed so that they can be printed then
/// (see [`crate::syntax::parse_printing_types`]): every method but the
/// multipart operations' (with the names their `_raw` and `_request`
/// methods take, which [`finish`] checks are free), those whose wire
/// names or content types it sets. A method printed is first changed as
/// [`finish`] changes every method (OPTIONS and TRACE calls), and the
/// carriers it mentions are noted.
#[derive(Clone)]
pub struct Untouched {
    changed: HashSet<String>,
    http_methods: bool,
    outside: Mentions,
}

impl Untouched {
    /// The untouched methods of `normalized`'s client; `carriers` are the
    /// carriers of its inline multipart bodies.
    pub fn of(normalized: &Normalized, carriers: &Carriers) -> Self {
        let context = &normalized.context;
        let mut changed = HashSet::new();
        changed.extend(
            context
                .wire_names
                .iter()
                .map(|n| content_types::method_of(&n.operation_id)),
        );
        changed.extend(context.content_types.keys().map(|id| content_types::method_of(id)));
        for op in &context.multipart {
            changed.insert(op.progenitor_method.clone());
            changed.extend(["", "_raw", "_request"].map(|suffix| format!("{}{suffix}", op.method_name)));
        }
        Untouched {
            changed,
            http_methods: http_methods::needed(&normalized.spec),
            outside: carriers.outside(),
        }
    }
}

impl crate::syntax::MethodScreen for Untouched {
    fn kept(&mut self, name: &str) -> bool {
        self.changed.contains(name)
    }

    fn before_printing(&mut self, method: &mut syn::ImplItemFn) {
        if self.http_methods {
            http_methods::patch_method(method);
        }
        if !self.outside.names.is_empty() {
            self.outside.visit_impl_item_fn_mut(method);
        }
    }

    fn absorb(&mut self, copy: Self) {
        self.outside.found.extend(copy.outside.found);
    }
}

/// Removes the types `names` and their impls from the `types` module of a
/// whole syntax tree, and returns those the code still refers to.
#[cfg(test)]
fn remove_types(file: &mut syn::File, names: &[&str]) -> Result<Vec<String>> {
    let mut carriers = Carriers::new(names.iter().map(|n| n.to_string()).collect());
    let outside = carriers.outside();
    for item in file.items.iter_mut() {
        if let syn::Item::Mod(m) = item
            && m.ident == "types"
            && let Some((_, items)) = m.content.as_mut()
        {
            items.retain_mut(|item| carriers.keep(item));
        }
    }
    carriers.still_mentioned(file, outside)
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
#[derive(Clone)]
struct Mentions {
    names: Vec<String>,
    look: Look,
    found: HashSet<String>,
}

impl Mentions {
    fn new(names: Vec<String>, look: Look) -> Self {
        Mentions {
            names,
            look,
            found: Default::default(),
        }
    }

    fn note(&mut self, ident: &proc_macro2::Ident) {
        if let Some(name) = self.names.iter().find(|n| ident == n) {
            self.found.insert(name.clone());
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

impl VisitMut for Mentions {
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
