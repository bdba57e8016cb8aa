//! progenitor's output parsed into the syntax tree `syn::parse2` would
//! give, a piece at a time, the types printed on a second thread.
//!
//! `syn::parse2` first copies the whole token stream into a buffer, then
//! builds the tree from it: tokens, buffer and tree are all in memory at
//! once. For Microsoft Graph's beta spec (3.5 million lines) that took the
//! generator from 2.6 to 6.7 GB, and on a virtual machine touching memory
//! the first time is dear (one to two seconds of system time per GB here).
//! Here the stream is cut into items first (an item ends with `;` or a
//! brace group: the cut is tried there and kept only when the piece parses
//! as one whole item), each item is parsed from a buffer of its own, and
//! the tokens of each are freed once it is parsed; the bodies of modules
//! and impl blocks are cut the same way, item by item. Whatever does not
//! cut cleanly is parsed as syn would parse it, so the tree is the same.
//! The items of the `types` module (a third of the code of the beta
//! spec's client, 60% before `shared_parameter_enums`), which the emitter
//! does not change (it only leaves some out), are printed as soon as they
//! are parsed, and their trees freed. The beta spec's peak went from 6.7
//! to 2.8 GB, its parse and print from 20 s to 7 s; the output is the
//! same, byte for byte, for every spec of the API directory.
//!
//! The `types` module is parsed and printed on a thread of its own, from
//! its text lexed again (tokens cannot cross threads), while this thread
//! parses the rest.
//!
//! The methods of `impl Client` (two thirds of the beta spec's client)
//! that the emitter does not change are printed as they are parsed too,
//! and their trees freed: each run of them stands in the tree as one
//! placeholder item, which [`unparse`] replaces with the run's text. The
//! beta spec's peak went from 2.5 to 1.9 GB, its parse and print from 3.4
//! to 2.5 s; the output is the same, byte for byte, for every spec of the
//! API directory. The second thread, done with the types long before this
//! one is done with the methods, takes methods too, as text, whenever it
//! has fewer than two waiting ([`worker`]): parse and print 2.5 -> 2.0 s.

mod client;
mod worker;

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};
use syn::parse::{Parse, ParseStream, Parser};

pub use client::Methods;
use client::{client_impl, is_client, placeholder_line};
pub use worker::Worker;

/// The file `tokens` make, as `syn::parse2::<syn::File>` would parse it
/// (the generator parses with [`parse_printing_types`]; this is the same
/// parse with every item kept, which the tests hold against syn's).
#[cfg(test)]
pub fn parse_file(tokens: TokenStream) -> syn::Result<syn::File> {
    let mut items = Vec::new();
    let attrs = body(tokens, &mut item, &mut |i| {
        items.push(i);
        Ok(())
    })?;
    Ok(file(attrs, items))
}

/// What sees each item of the `types` module before it is printed, on
/// the thread that prints them, and says whether it is printed.
pub trait Screen: Send + 'static {
    /// Whether `item` is printed (it may note what it mentions).
    fn keep(&mut self, item: &mut syn::Item) -> bool;
}

/// What sees each method of `impl Client` as it is parsed: whether it is
/// kept in the tree for the emitter to change, or printed then (changed
/// first as the emitter changes every method). A copy of it sees the
/// methods the second thread prints.
pub trait MethodScreen: Clone + Send + 'static {
    /// Whether the method `name` is kept in the tree.
    fn kept(&mut self, name: &str) -> bool;
    /// A method printed now, before it is printed (it may change it, and
    /// note what it mentions).
    fn before_printing(&mut self, method: &mut syn::ImplItemFn);
    /// What the copy on the second thread noted, added to this one.
    fn absorb(&mut self, copy: Self);
}

/// progenitor's output parsed as [`parse_file`] does, but for the items
/// of its `types` module and the methods of `impl Client` that
/// `methods` does not keep: those are printed as prettyplease prints them
/// there, and not kept (together nearly all of the tree of a big spec's
/// client). The types are printed on a second thread while this one parses
/// the rest, and methods too as that thread has time (see [`worker`]).
/// `screen` sees each item of the types first, and says whether it is
/// printed. In the file returned the module holds one item,
/// [`TYPES_GO_HERE`], and each run of printed methods one placeholder, for
/// [`unparse`] to put the printed text in place of.
pub fn parse_printing_types<S: Screen, M: MethodScreen>(
    tokens: TokenStream,
    screen: S,
    methods: &mut M,
) -> syn::Result<(syn::File, Worker<S, M>, Methods)> {
    parse_printing(tokens, screen, methods, worker::WAITING_AT_MOST)
}

/// [`parse_printing_types`], at most `waiting_at_most` methods waiting for
/// the second thread at a time.
fn parse_printing<S: Screen, M: MethodScreen>(
    tokens: TokenStream,
    screen: S,
    methods: &mut M,
    waiting_at_most: usize,
) -> syn::Result<(syn::File, Worker<S, M>, Methods)> {
    let mut worker = Worker::new(screen, methods, waiting_at_most);
    let mut printed = Methods::new();
    let mut types_sent = false;
    let mut top = |piece: &mut Vec<TokenTree>| match header(piece) {
        Some((Header::Module(mut module), group)) if module.ident == "types" && !types_sent => {
            let (inner, rest) = inner_attributes(into_stream(group))?;
            module.attrs.extend(inner);
            if let Some((_, content)) = module.content.as_mut() {
                *content = vec![syn::parse_quote!(
                    const TYPES_GO_HERE: () = ();
                )];
            }
            worker.types(rest.into_iter().collect::<TokenStream>().to_string());
            types_sent = true;
            Ok(Some(syn::Item::Mod(module)))
        }
        Some((Header::Impl(block), group)) if is_client(&block) => {
            client_impl(block, group, methods, &mut worker, &mut printed).map(Some)
        }
        Some((header, group)) => filled(header, group).map(Some),
        None => Ok(whole::<syn::Item>(piece)),
    };
    let mut items = Vec::new();
    let attrs = body(tokens, &mut top, &mut |i| {
        items.push(i);
        Ok(())
    })?;
    Ok((file(attrs, items), worker, printed))
}

/// The tokens `text` lexes into.
fn lexed(text: &str, what: &str) -> syn::Result<TokenStream> {
    text.parse()
        .map_err(|e| syn::Error::new(Span::call_site(), format!("{what} do not lex again: {e}")))
}

/// The items of a `types` module, lexed from `text`, each printed as
/// prettyplease prints it in the module when `screen` keeps it.
fn print_types<S: Screen>(text: &str, screen: &mut S) -> syn::Result<String> {
    let mut printed = String::new();
    body(lexed(text, "the types")?, &mut item, &mut |mut item| {
        if screen.keep(&mut item) {
            printed.push_str(&printed_in_a_module(item)?);
        }
        Ok(())
    })?;
    Ok(printed)
}

/// The line [`parse_printing_types`] leaves in the `types` module.
const TYPES_GO_HERE: &str = "    const TYPES_GO_HERE: () = ();\n";

/// A file as [`unparse`] printed it: prettyplease's text of the tree,
/// and what goes in place of the lines that stand for what was printed
/// before, put together by [`Printed::after`].
pub struct Printed {
    text: String,
    types: String,
    methods: Methods,
    /// Where each line to replace starts in `text`, its length, and what
    /// replaces it, in the order of the text.
    places: Vec<(usize, usize, Piece)>,
}

#[derive(Clone, Copy)]
enum Piece {
    Types,
    Run(usize),
}

impl Printed {
    /// `header` followed by the file, in one string of the size they make
    /// (Microsoft Graph's beta spec: 97 MB, which inserting the header in
    /// front of took 0.1 s).
    pub fn after(&self, header: &str) -> String {
        let size = header.len() + self.text.len() + self.types.len() + self.methods.text_len();
        let mut out = String::with_capacity(size);
        out.push_str(header);
        let mut done = 0;
        for &(at, len, with) in &self.places {
            out.push_str(&self.text[done..at]);
            match with {
                Piece::Types => out.push_str(&self.types),
                Piece::Run(n) => self.methods.run(n).for_each(|piece| out.push_str(piece)),
            }
            done = at + len;
        }
        out.push_str(&self.text[done..]);
        out
    }
}

/// `file` printed by prettyplease, with what [`parse_printing_types`]
/// printed in place of the lines that stand for it: the types in place of
/// [`TYPES_GO_HERE`], each run of methods in place of its placeholder.
pub fn unparse(file: &syn::File, types: String, methods: Methods) -> syn::Result<Printed> {
    let text = prettyplease::unparse(file);
    let mut places = Vec::new();
    if let Some(at) = text.find(TYPES_GO_HERE) {
        places.push((at, TYPES_GO_HERE.len(), Piece::Types));
    }
    // The runs are in the order of the file: each is looked for after the
    // one before.
    let mut from = 0;
    for n in 0..methods.runs() {
        let line = placeholder_line(n);
        let Some(at) = text[from..].find(&line).map(|at| at + from) else {
            return Err(syn::Error::new(
                Span::call_site(),
                format!("the printed file has no line for run {n} of its methods"),
            ));
        };
        places.push((at, line.len(), Piece::Run(n)));
        from = at + line.len();
    }
    places.sort_by_key(|(at, _, _)| *at);
    Ok(Printed {
        text,
        types,
        methods,
        places,
    })
}

/// An item printed as prettyplease prints it inside a module, one level
/// in: the same printer, on a module of that item alone.
fn printed_in_a_module(item: syn::Item) -> syn::Result<String> {
    let module = syn::ItemMod {
        attrs: Vec::new(),
        vis: syn::Visibility::Inherited,
        unsafety: None,
        mod_token: Default::default(),
        ident: syn::Ident::new("m", Span::call_site()),
        content: Some((Default::default(), vec![item])),
        semi: None,
    };
    printed_inside(syn::Item::Mod(module), "mod m {\n")
}

/// What prettyplease prints inside `wrapper`, an item whose first line is
/// `opening` and whose last is `}`.
fn printed_inside(wrapper: syn::Item, opening: &str) -> syn::Result<String> {
    let text = prettyplease::unparse(&file(Vec::new(), vec![wrapper]));
    text.strip_prefix(opening)
        .and_then(|t| t.strip_suffix("}\n"))
        .map(str::to_string)
        .ok_or_else(|| {
            syn::Error::new(
                Span::call_site(),
                format!("prettyplease printed {opening:?}... as {text:?}"),
            )
        })
}

fn file(attrs: Vec<syn::Attribute>, items: Vec<syn::Item>) -> syn::File {
    syn::File {
        shebang: None,
        frontmatter: None,
        attrs,
        items,
    }
}

/// The inner attributes of a file, module or impl body, its items handed
/// to `sink` one by one; `one` parses a piece into one item, or says
/// (`None`) that the piece is not whole yet.
fn body<T: Parse>(
    tokens: TokenStream,
    one: &mut impl FnMut(&mut Vec<TokenTree>) -> syn::Result<Option<T>>,
    sink: &mut impl FnMut(T) -> syn::Result<()>,
) -> syn::Result<Vec<syn::Attribute>> {
    let (inner, rest_of_it) = inner_attributes(tokens)?;
    rest(rest_of_it, one, sink)?;
    Ok(inner)
}

/// The inner attributes (`#![...]`: `#`, `!` and a bracket group) at the
/// start of a body, and the rest of it.
fn inner_attributes(tokens: TokenStream) -> syn::Result<(Vec<syn::Attribute>, Vec<TokenTree>)> {
    let mut trees = tokens.into_iter().peekable();
    let mut inner = Vec::new();
    while matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '#') {
        let hash = trees.next().into_iter();
        if !matches!(trees.peek(), Some(TokenTree::Punct(p)) if p.as_char() == '!') {
            // An outer attribute: the first item's; put the `#` back.
            return Ok((inner, hash.chain(trees).collect()));
        }
        let attr: TokenStream = hash.chain(trees.next()).chain(trees.next()).collect();
        inner.extend(syn::Attribute::parse_inner.parse2(attr)?);
    }
    Ok((inner, trees.collect()))
}

fn rest<T: Parse>(
    trees: Vec<TokenTree>,
    one: &mut impl FnMut(&mut Vec<TokenTree>) -> syn::Result<Option<T>>,
    sink: &mut impl FnMut(T) -> syn::Result<()>,
) -> syn::Result<()> {
    let mut piece = Vec::new();
    for tree in trees {
        let may_end = match &tree {
            TokenTree::Punct(p) => p.as_char() == ';',
            TokenTree::Group(g) => g.delimiter() == Delimiter::Brace,
            _ => false,
        };
        piece.push(tree);
        if may_end && let Some(done) = one(&mut piece)? {
            sink(done)?;
            piece.clear();
        }
    }
    if !piece.is_empty() {
        // What did not cut into whole items: parsed as syn parses a body,
        // which gives its own error when it is not one.
        let leftover = |input: ParseStream| {
            let mut out = Vec::new();
            while !input.is_empty() {
                out.push(input.parse()?);
            }
            Ok(out)
        };
        for done in leftover.parse2(piece.into_iter().collect())? {
            sink(done)?;
        }
    }
    Ok(())
}

/// A module or impl block parsed with an empty body.
enum Header {
    Module(syn::ItemMod),
    Impl(syn::ItemImpl),
}

/// The piece's header, when it is a module or impl block: parsed with an
/// empty body, and the body. Otherwise the piece is left as it was.
fn header(piece: &mut Vec<TokenTree>) -> Option<(Header, Group)> {
    let group = match piece.pop() {
        Some(TokenTree::Group(group)) => group,
        other => {
            piece.extend(other);
            return None;
        }
    };
    let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
    empty.set_span(group.span());
    piece.push(TokenTree::Group(empty));
    let parsed = whole::<syn::Item>(piece);
    piece.pop();
    match parsed {
        Some(syn::Item::Mod(module)) if module.content.is_some() => Some((Header::Module(module), group)),
        Some(syn::Item::Impl(block)) => Some((Header::Impl(block), group)),
        _ => {
            piece.push(TokenTree::Group(group));
            None
        }
    }
}

/// The header with its body parsed in, item by item.
fn filled(header: Header, group: Group) -> syn::Result<syn::Item> {
    match header {
        Header::Module(mut module) => {
            let mut items = Vec::new();
            let inner = body(into_stream(group), &mut item, &mut |i| {
                items.push(i);
                Ok(())
            })?;
            module.attrs.extend(inner);
            if let Some((_, content)) = module.content.as_mut() {
                *content = items;
            }
            Ok(syn::Item::Mod(module))
        }
        Header::Impl(mut block) => {
            let mut items = Vec::new();
            let mut one = |piece: &mut Vec<TokenTree>| Ok(whole::<syn::ImplItem>(piece));
            let inner = body(into_stream(group), &mut one, &mut |i| {
                items.push(i);
                Ok(())
            })?;
            block.attrs.extend(inner);
            block.items = items;
            Ok(syn::Item::Impl(block))
        }
    }
}

/// A piece parsed as one item (a module's or impl block's body item by
/// item).
fn item(piece: &mut Vec<TokenTree>) -> syn::Result<Option<syn::Item>> {
    match header(piece) {
        Some((header, group)) => filled(header, group).map(Some),
        None => Ok(whole::<syn::Item>(piece)),
    }
}

/// The group's tokens, the group dropped first: they are then held once,
/// and freed as they are parsed rather than copied.
fn into_stream(group: Group) -> TokenStream {
    let stream = group.stream();
    drop(group);
    stream
}

/// The piece parsed as one `T`, or `None` when it is not one (yet).
fn whole<T: Parse>(piece: &[TokenTree]) -> Option<T> {
    syn::parse2(piece.iter().cloned().collect()).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn same_as_syn(tokens: TokenStream) -> String {
        let expected: syn::File = syn::parse2(tokens.clone()).expect("syn parses the sample");
        let parsed = parse_file(tokens).expect("parses in pieces");
        let (expected, parsed) = (prettyplease::unparse(&expected), prettyplease::unparse(&parsed));
        assert_eq!(parsed, expected);
        let (a, b) = (quote!(#parsed).to_string(), quote!(#expected).to_string());
        assert_eq!(a, b);
        parsed
    }

    #[test]
    fn the_file_parsed_in_pieces_is_the_one_syn_parses_whole() {
        let printed = same_as_syn(sample());
        assert!(
            printed.contains("pub const ORIGIN: Point = Point { x: 0, y: 0 };"),
            "{printed}"
        );
        assert!(printed.contains("#![allow(dead_code)]"), "{printed}");
    }

    fn sample() -> TokenStream {
        quote! {
            #![allow(clippy::all)]
            #[allow(unused_imports)]
            pub use progenitor_client::{ByteStream, Error};
            /// Types.
            pub mod types {
                #![allow(dead_code)]
                #[derive(Clone)]
                pub struct Named { pub a: u8 }
                pub struct Tuple(pub u8);
                pub enum Kind { A, B { x: u8 } }
                pub const ORIGIN: Point = Point { x: 0, y: 0 };
                pub static TABLE: [u8; 2] = [1, 2];
                pub type Alias = ::std::vec::Vec<u8>;
                const _: () = { let _ = 1; };
                pub const PICK: u8 = if true { 1 } else { 2 };
                impl ::std::default::Default for Named {
                    #![allow(unused)]
                    fn default() -> Self { Self { a: 1 } }
                    const ZERO: u8 = 0;
                    type Out = u8;
                }
                pub mod nested { pub fn f() {} }
                mod outside;
                macro_rules! m { () => {} }
                extern "C" {}
                pub trait Tr { fn g(&self) {} }
            }
            impl Client {
                pub fn new(baseurl: &str) -> Self { Self { baseurl: baseurl.to_string() } }
                pub async fn get<'a>(&'a self) -> Result<(), Error> where Self: Sized { Ok(()) }
            }
            impl ClientHooks<()> for &Client {}
            pub mod prelude { pub use self::super::Client; }
        }
    }

    /// Keeps every item but the struct `Named`, noting each it sees.
    #[derive(Default)]
    struct Seen(Vec<String>);

    impl Screen for Seen {
        fn keep(&mut self, item: &mut syn::Item) -> bool {
            self.0.push(quote!(#item).to_string());
            !matches!(item, syn::Item::Struct(s) if s.ident == "Named")
        }
    }

    struct All;

    impl Screen for All {
        fn keep(&mut self, _: &mut syn::Item) -> bool {
            true
        }
    }

    /// Keeps the methods named in `keep` in the tree, noting each method
    /// it is asked about (`asked`) and each it sees before it is printed
    /// (`before`, with what its copy on the second thread saw); with
    /// `mark`, a method printed gets `#[inline]` first.
    #[derive(Default, Clone)]
    struct PrintBut {
        keep: Vec<&'static str>,
        mark: bool,
        asked: Vec<String>,
        before: Vec<String>,
    }

    impl MethodScreen for PrintBut {
        fn kept(&mut self, name: &str) -> bool {
            self.asked.push(name.to_string());
            self.keep.contains(&name)
        }

        fn before_printing(&mut self, method: &mut syn::ImplItemFn) {
            self.before.push(method.sig.ident.to_string());
            if self.mark {
                method.attrs.push(syn::parse_quote!(#[inline]));
            }
        }

        fn absorb(&mut self, copy: Self) {
            self.before.extend(copy.before);
        }
    }

    /// The file printed as the generator prints it, at most
    /// `waiting_at_most` methods waiting for the second thread.
    fn printed_waiting(
        tokens: TokenStream,
        mut methods: PrintBut,
        waiting_at_most: usize,
    ) -> (String, syn::File, PrintBut) {
        let (file, worker, mut printed) = parse_printing(tokens, All, &mut methods, waiting_at_most).expect("parses");
        let (types, All) = worker.join(&mut printed, &mut methods).expect("prints");
        let text = unparse(&file, types, printed).expect("unparses").after("");
        (text, file, methods)
    }

    fn printed(tokens: TokenStream, keep: Vec<&'static str>) -> (String, syn::File, PrintBut) {
        let methods = PrintBut {
            keep,
            ..PrintBut::default()
        };
        printed_waiting(tokens, methods, worker::WAITING_AT_MOST)
    }

    #[test]
    fn types_printed_as_parsed_print_as_the_whole_file_does() {
        let tokens = sample();
        let whole = prettyplease::unparse(&syn::parse2::<syn::File>(tokens.clone()).expect("parses"));
        let (text, _, _) = printed(tokens, Vec::new());
        assert_eq!(text, whole);
        assert!(!text.contains("TYPES_GO_HERE"));
    }

    #[test]
    fn methods_printed_as_parsed_print_as_the_whole_file_does() {
        let tokens = quote! {
            pub mod types { pub struct A; }
            impl Client {
                pub fn new(baseurl: &str) -> Self { Self { baseurl: baseurl.to_string() } }
                /// Kept.
                pub async fn kept<'a>(&'a self) -> Result<(), Error> { Ok(()) }
                pub async fn second<'a>(&'a self, a_rather_long_argument_name: &'a ::std::vec::Vec<types::SomeLongTypeName>, another: Option<&'a str>) -> Result<(), Error> where Self: Sized { let x = 1; Ok(()) }
                const SIZE: usize = 1;
                pub fn third(&self) {}
            }
            impl ClientHooks<()> for &Client { fn not_client(&self) {} }
            impl Client { pub fn fourth(&self) {} }
        };
        let whole = prettyplease::unparse(&syn::parse2::<syn::File>(tokens.clone()).expect("parses"));
        let (text, file, seen) = printed(tokens.clone(), vec!["kept"]);
        assert_eq!(text, whole);
        assert_eq!(
            seen.asked,
            ["new", "kept", "second", "third", "fourth"],
            "only `impl Client` methods"
        );
        let tree = prettyplease::unparse(&file);
        assert!(tree.contains("pub async fn kept<'a>"), "{tree}");
        assert!(!tree.contains("fn second"), "{tree}");
        let runs: Vec<&str> = tree.lines().filter(|l| l.contains("PRINTED_METHODS_")).collect();
        assert_eq!(
            runs,
            [
                "    const PRINTED_METHODS_0: () = ();",
                "    const PRINTED_METHODS_1: () = ();",
                "    const PRINTED_METHODS_2: () = ();",
                "    const PRINTED_METHODS_3: () = ();",
            ],
            "`new`; `second`; `third`; `fourth`: a run ends at an item kept"
        );
        let (all_kept, _, _) = printed(tokens, vec!["new", "kept", "second", "third", "fourth"]);
        assert_eq!(all_kept, whole);
    }

    fn client_of_five() -> TokenStream {
        quote! {
            pub mod types { pub struct A; }
            impl Client {
                pub fn new(baseurl: &str) -> Self { Self { baseurl: baseurl.to_string() } }
                /// Kept.
                pub async fn kept<'a>(&'a self) -> Result<(), Error> { Ok(()) }
                #[doc = "Sends `a`."]
                pub async fn second<'a>(&'a self, a_rather_long_argument_name: &'a ::std::vec::Vec<types::SomeLongTypeName>, another: Option<&'a str>) -> Result<(), Error> where Self: Sized { let x = "a \" quote"; Ok(()) }
                const SIZE: usize = 1;
                pub(crate) fn third(&self) -> [u8; { 2 }] { [0, 1] }
                pub fn fourth(&self) {}
            }
        }
    }

    #[test]
    fn methods_printed_on_either_thread_print_as_the_whole_file_does() {
        let tokens = client_of_five();
        let whole = prettyplease::unparse(&syn::parse2::<syn::File>(tokens.clone()).expect("parses"));
        for waiting_at_most in [0, 1, usize::MAX] {
            let methods = PrintBut {
                keep: vec!["kept"],
                ..PrintBut::default()
            };
            let (text, _, seen) = printed_waiting(tokens.clone(), methods, waiting_at_most);
            assert_eq!(text, whole, "at most {waiting_at_most} waiting");
            assert_eq!(seen.asked, ["new", "kept", "second", "third", "fourth"]);
            let mut before = seen.before.clone();
            before.sort();
            assert_eq!(
                before,
                ["fourth", "new", "second", "third"],
                "at most {waiting_at_most} waiting"
            );
        }
    }

    #[test]
    fn a_method_printed_on_the_second_thread_is_changed_first_as_on_this_one() {
        let marked = |waiting_at_most| {
            let methods = PrintBut {
                keep: vec!["kept"],
                mark: true,
                ..PrintBut::default()
            };
            printed_waiting(client_of_five(), methods, waiting_at_most).0
        };
        let (here, there) = (marked(0), marked(usize::MAX));
        assert_eq!(there, here);
        assert_eq!(here.matches("#[inline]").count(), 4, "{here}");
        assert!(here.contains("    #[inline]\n    pub fn fourth(&self) {}"), "{here}");
    }

    #[test]
    fn a_type_not_kept_is_not_printed() {
        let mut screen = PrintBut::default();
        let (file, worker, mut methods) = parse_printing_types(sample(), Seen::default(), &mut screen).expect("parses");
        let (types, seen) = worker.join(&mut methods, &mut screen).expect("prints");
        assert_eq!(seen.0.len(), 14, "{:#?}", seen.0);
        let printed = unparse(&file, types, methods).expect("unparses").after("");
        assert!(!printed.contains("pub struct Named"), "{printed}");
        assert!(printed.contains("pub struct Tuple(pub u8);"), "{printed}");
    }

    #[test]
    fn what_is_not_rust_is_refused_as_syn_refuses_it() {
        let tokens = quote! { pub struct A; pub fn () };
        assert!(parse_file(tokens.clone()).is_err());
        assert!(syn::parse2::<syn::File>(tokens).is_err());
        assert!(parse_file(quote! { pub struct A }).is_err());
    }
}
