//! The methods of `impl Client` as [`super::parse_printing_types`]
//! parses them: those the emitter does not change printed at once, here or
//! on the second thread, each run of them standing in the tree as one
//! placeholder item.

use proc_macro2::{Delimiter, Group, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream};

use super::{MethodScreen, Screen, Worker, body, into_stream, lexed, printed_inside, whole};

/// The methods of `impl Client` printed as they were parsed: each run of
/// them, in order, stands in the tree as one [`placeholder`]; a run is
/// text printed here and methods printed on the second thread.
pub struct Methods {
    runs: Vec<Vec<Printing>>,
    /// The methods printed on the second thread, in the order sent.
    sent: Vec<String>,
}

/// Part of a run of methods.
enum Printing {
    /// Methods printed on this thread.
    Here(String),
    /// The method sent to the second thread as the `n`th.
    Sent(usize),
}

impl Methods {
    pub(super) fn new() -> Self {
        Methods {
            runs: Vec::new(),
            sent: Vec::new(),
        }
    }

    /// How many runs there are.
    pub(super) fn runs(&self) -> usize {
        self.runs.len()
    }

    /// The methods printed on the second thread, in the order sent.
    pub(super) fn set_sent(&mut self, sent: Vec<String>) {
        self.sent = sent;
    }

    /// `printing` next in the current run of `impl Client`'s `items`, or
    /// in a new run when the last item is not one.
    fn push(&mut self, items: &mut Vec<syn::ImplItem>, in_a_run: &mut bool, printing: Printing) {
        let Some(run) = self.runs.last_mut().filter(|_| *in_a_run) else {
            items.push(placeholder(self.runs.len()));
            self.runs.push(vec![printing]);
            *in_a_run = true;
            return;
        };
        match (run.last_mut(), printing) {
            (Some(Printing::Here(text)), Printing::Here(more)) => text.push_str(&more),
            (_, printing) => run.push(printing),
        }
    }

    /// The length of all the runs' text.
    pub(super) fn text_len(&self) -> usize {
        (0..self.runs.len()).flat_map(|n| self.run(n)).map(str::len).sum()
    }

    /// The text of run `n`, piece by piece.
    pub(super) fn run(&self, n: usize) -> impl Iterator<Item = &str> {
        self.runs[n].iter().map(|printing| match printing {
            Printing::Here(text) => text.as_str(),
            Printing::Sent(k) => self.sent[*k].as_str(),
        })
    }
}

/// Whether the block is `impl Client`, the client's own methods.
pub(super) fn is_client(block: &syn::ItemImpl) -> bool {
    block.trait_.is_none()
        && matches!(&*block.self_ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident("Client"))
}

/// An item of `impl Client` as [`client_impl`] takes it.
enum ClientItem {
    /// An item kept in the tree: any but a method the screen lets print
    /// now (and a method that did not cut into a piece of its own).
    Kept(Box<syn::ImplItem>),
    /// A method printed here.
    Printed(String),
    /// A method sent to the second thread, as the `n`th.
    Sent(usize),
}

impl Parse for ClientItem {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        input.parse().map(|item| ClientItem::Kept(Box::new(item)))
    }
}

/// `impl Client` with its body parsed in, item by item: each method
/// `screen` does not keep is printed as prettyplease prints it there, here
/// or on the second thread when it has room, a run of them standing in the
/// tree as one placeholder.
pub(super) fn client_impl<S: Screen, M: MethodScreen>(
    mut block: syn::ItemImpl,
    group: Group,
    screen: &mut M,
    worker: &mut Worker<S, M>,
    methods: &mut Methods,
) -> syn::Result<syn::Item> {
    let mut one = |piece: &mut Vec<TokenTree>| -> syn::Result<Option<ClientItem>> {
        let Some(name) = method_name(piece) else {
            return Ok(whole::<syn::ImplItem>(piece).map(|item| ClientItem::Kept(Box::new(item))));
        };
        let kept = screen.kept(&name);
        if !kept && worker.has_room() {
            let text = piece.drain(..).collect::<TokenStream>().to_string();
            return Ok(Some(ClientItem::Sent(worker.method(text))));
        }
        let Some(method) = whole::<syn::ImplItemFn>(piece) else {
            return Ok(None);
        };
        if kept {
            return Ok(Some(ClientItem::Kept(Box::new(syn::ImplItem::Fn(method)))));
        }
        printed_now(method, screen).map(|text| Some(ClientItem::Printed(text)))
    };
    let (mut items, mut in_a_run) = (Vec::new(), false);
    let inner = body(into_stream(group), &mut one, &mut |item| {
        match item {
            ClientItem::Kept(item) => {
                items.push(*item);
                in_a_run = false;
            }
            ClientItem::Printed(text) => methods.push(&mut items, &mut in_a_run, Printing::Here(text)),
            ClientItem::Sent(n) => methods.push(&mut items, &mut in_a_run, Printing::Sent(n)),
        }
        Ok(())
    })?;
    block.attrs.extend(inner);
    block.items = items;
    Ok(syn::Item::Impl(block))
}

/// The name of the method the piece is, when it is one whole method as
/// progenitor writes them: outer attributes, `pub` (perhaps restricted),
/// `async`, `fn` and the name, and a brace group at the end, the only one
/// at this level after `fn`, which is the method's body. Such a piece is
/// one method whole, so it can be sent to the second thread unparsed.
pub(super) fn method_name(piece: &[TokenTree]) -> Option<String> {
    let ident = |tree: Option<&TokenTree>, text: &str| matches!(tree, Some(TokenTree::Ident(i)) if i == text);
    let mut at = 0;
    while matches!(piece.get(at), Some(TokenTree::Punct(p)) if p.as_char() == '#')
        && matches!(piece.get(at + 1), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Bracket)
    {
        at += 2;
    }
    if ident(piece.get(at), "pub") {
        at += 1;
        if matches!(piece.get(at), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis) {
            at += 1;
        }
    }
    if ident(piece.get(at), "async") {
        at += 1;
    }
    if !ident(piece.get(at), "fn") {
        return None;
    }
    let Some(TokenTree::Ident(name)) = piece.get(at + 1) else {
        return None;
    };
    let braces = piece[at..]
        .iter()
        .filter(|tree| matches!(tree, TokenTree::Group(g) if g.delimiter() == Delimiter::Brace))
        .count();
    let ends_in_body = matches!(piece.last(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Brace);
    (braces == 1 && ends_in_body).then(|| name.to_string())
}

/// The item that stands for run `n` of the methods printed as parsed.
pub(super) fn placeholder(n: usize) -> syn::ImplItem {
    let name = quote::format_ident!("PRINTED_METHODS_{n}");
    syn::parse_quote!(const #name: () = ();)
}

/// The line prettyplease prints for [`placeholder`] `n`.
pub(super) fn placeholder_line(n: usize) -> String {
    format!("    const PRINTED_METHODS_{n}: () = ();\n")
}

/// A method printed as prettyplease prints it in a top-level `impl`: the
/// same printer, on an impl block of that method alone.
fn printed_in_an_impl(method: syn::ImplItemFn) -> syn::Result<String> {
    // Built around the method, not parsed from its tokens again.
    let mut block: syn::ItemImpl = syn::parse_quote!(impl Client {});
    block.items.push(syn::ImplItem::Fn(method));
    printed_inside(syn::Item::Impl(block), "impl Client {\n")
}

/// A method of `impl Client` printed now: changed first by `screen`'s
/// [`MethodScreen::before_printing`], then printed as prettyplease prints
/// it in a top-level `impl`.
fn printed_now<M: MethodScreen>(mut method: syn::ImplItemFn, screen: &mut M) -> syn::Result<String> {
    screen.before_printing(&mut method);
    printed_in_an_impl(method)
}

/// A method of `impl Client`, lexed from `text`, printed as
/// [`client_impl`] prints one ([`printed_now`]), on the second thread.
pub(super) fn print_method<M: MethodScreen>(text: &str, screen: &mut M) -> syn::Result<String> {
    printed_now(syn::parse2(lexed(text, "a method")?)?, screen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn only_a_whole_method_as_progenitor_writes_them_is_named_unparsed() {
        let name = |tokens: TokenStream| method_name(&tokens.into_iter().collect::<Vec<_>>());
        assert_eq!(
            name(quote! { #[doc = "d"] pub async fn a<'a>(&'a self) -> R where Self: Sized { x } }).as_deref(),
            Some("a")
        );
        assert_eq!(
            name(quote! { pub(crate) fn b() -> [u8; { 1 }] { [0] } }).as_deref(),
            Some("b")
        );
        assert_eq!(name(quote! { fn r#type() {} }).as_deref(), Some("r#type"));
        assert_eq!(name(quote! { fn c() -> Tr<{ N }> {} }), None, "two braces at its level");
        assert_eq!(name(quote! { pub unsafe fn d() {} }), None);
        assert_eq!(name(quote! { const E: u8 = { 1 }; }), None);
        assert_eq!(name(quote! { fn f() {} ; }), None);
    }
}
