//! The multipart methods, made from the ones progenitor generates.
//!
//! progenitor generates everything about an operation but a multipart body:
//! the path, query and header parameters, the `Accept` header, the hooks,
//! the status mapping and the docs. So the stand-in (octet-stream) or twin
//! (JSON, say) method it generates is taken as is, and only the body is
//! changed: the `body` argument becomes the operation's multipart body type,
//! and the call that sets the body (`.body(body)` with its `Content-Type`,
//! `.json(&body)`, `.form_urlencoded(&body)?`) becomes
//! `.multipart(body.into_form()?)`. Each change must apply exactly once, or
//! generation fails naming the operation: a progenitor upgrade that changes
//! its output shape cannot slip through.
//!
//! Every multipart method also gets `{method}_raw`, which returns the
//! response as it came, body unread, whatever its status, and
//! `{method}_request`, which returns the request built and unsent, for
//! callers that send it themselves (their own `reqwest::Client`, their
//! own credentials, a request signed as their gateway wants).

use anyhow::{Context, Result, bail};
use quote::format_ident;
use syn::visit_mut::VisitMut;
use syn::{Expr, FnArg, GenericParam, ImplItem, ImplItemFn, Item, Pat, Stmt, parse_quote};

use super::doc_attrs;
use crate::normalize::{MultipartOperation, MultipartSource};

/// Patches every multipart operation's method into `file`'s `impl Client`.
/// What fails for one operation is an [`crate::spec::OperationError`]
/// naming it.
pub fn patch(file: &mut syn::File, ops: &[MultipartOperation]) -> Result<()> {
    for op in ops {
        patch_one(file, op).map_err(|e| anyhow::Error::new(op.site.error(format!("{e:#}"))))?;
    }
    Ok(())
}

fn patch_one(file: &mut syn::File, op: &MultipartOperation) -> Result<()> {
    let (items, index) = find_method(file, &op.progenitor_method)
        .with_context(|| format!("progenitor generated no method `{}`", op.progenitor_method))?;
    let original = match &items[index] {
        ImplItem::Fn(f) => f.clone(),
        _ => unreachable!("find_method finds functions"),
    };
    let mut multipart = multipart_method(&original, op)?;
    let request = request_method(&multipart, op)?;
    let mut raw = raw_method(&multipart, op)?;
    build_with(&mut raw, &request)?;
    // A method whose error bodies are typed returns `Error<E>`, which
    // `_request`'s `Error<()>` does not convert into: it keeps its own
    // statements.
    let untyped_errors: syn::ReturnType = parse_quote!(-> Result<ResponseValue<()>, Error<()>>);
    if returns_untyped_errors(&multipart.sig.output, &untyped_errors) {
        build_with(&mut multipart, &request)?;
    }
    for added in [&raw, &request] {
        let taken = items
            .iter()
            .any(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == added.sig.ident));
        if taken {
            bail!("another operation's method is already named `{}`", added.sig.ident);
        }
    }
    let first = match op.source {
        MultipartSource::StandIn => {
            items[index] = ImplItem::Fn(multipart);
            index + 1
        }
        MultipartSource::Twin => {
            items.insert(index + 1, ImplItem::Fn(multipart));
            index + 2
        }
    };
    items.insert(first, ImplItem::Fn(raw));
    items.insert(first + 1, ImplItem::Fn(request));
    Ok(())
}

/// The items of the `impl Client` that holds method `name`, and its index.
fn find_method<'a>(file: &'a mut syn::File, name: &str) -> Option<(&'a mut Vec<ImplItem>, usize)> {
    file.items.iter_mut().find_map(|item| {
        let Item::Impl(block) = item else { return None };
        let is_client =
            block.trait_.is_none() && matches!(&*block.self_ty, syn::Type::Path(p) if p.path.is_ident("Client"));
        if !is_client {
            return None;
        }
        let index = block
            .items
            .iter()
            .position(|i| matches!(i, ImplItem::Fn(f) if f.sig.ident == name))?;
        Some((&mut block.items, index))
    })
}

fn multipart_method(original: &ImplItemFn, op: &MultipartOperation) -> Result<ImplItemFn> {
    let mut method = original.clone();
    method.sig.ident = format_ident!("{}", op.method_name);
    let body_type = format_ident!("{}", op.body_type);
    let replaced = retype_body_argument(&mut method, parse_quote!(multipart::#body_type))
        .with_context(|| format!("patching progenitor's `{}`", op.progenitor_method))?;
    if let Some(generic) = replaced {
        let before = method.sig.generics.params.len();
        method.sig.generics.params = std::mem::take(&mut method.sig.generics.params)
            .into_iter()
            .filter(|p| !matches!(p, GenericParam::Type(t) if t.ident == generic))
            .collect();
        if method.sig.generics.params.len() + 1 != before {
            bail!("the body's type parameter `{generic}` was not found");
        }
    }
    let mut setter = BodySetter::default();
    setter.visit_block_mut(&mut method.block);
    if setter.replaced != 1 {
        bail!(
            "expected one call setting the body in progenitor's `{}`, found {}",
            op.progenitor_method,
            setter.replaced
        );
    }
    let mut note = format!(
        "The body is sent as `multipart/form-data`, one part per field of [`multipart::{}`].",
        op.body_type
    );
    if op.source == MultipartSource::Twin {
        note.push_str(&format!(
            " [`Client::{}`] sends the same operation with its other body.",
            op.progenitor_method
        ));
    }
    let doc = format!("{}\n\n{note}", doc_text(&method).trim_end());
    set_doc(&mut method, &doc);
    Ok(method)
}

/// The method's doc text, all its `#[doc]` attributes joined.
fn doc_text(method: &ImplItemFn) -> String {
    method
        .attrs
        .iter()
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Str(s), ..
                }) => Some(s.value()),
                _ => None,
            },
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Replaces the method's docs with `text`, one `///` line per line, before
/// its other attributes.
fn set_doc(method: &mut ImplItemFn, text: &str) {
    let docs = doc_attrs(text);
    let holder: syn::ItemFn = parse_quote!(#docs fn holder() {});
    let mut attrs = holder.attrs;
    attrs.extend(method.attrs.drain(..).filter(|a| !a.path().is_ident("doc")));
    method.attrs = attrs;
}

/// Sets the type of the `body` argument; returns the type parameter it had,
/// if it was one (`B: Into<reqwest::Body>`).
fn retype_body_argument(method: &mut ImplItemFn, new_type: syn::Type) -> Result<Option<syn::Ident>> {
    let generics: Vec<syn::Ident> = method.sig.generics.type_params().map(|t| t.ident.clone()).collect();
    let mut found = None;
    for arg in method.sig.inputs.iter_mut() {
        let FnArg::Typed(typed) = arg else { continue };
        if !matches!(&*typed.pat, Pat::Ident(p) if p.ident == "body") {
            continue;
        }
        if found.is_some() {
            bail!("two arguments are named `body`");
        }
        let generic = match &*typed.ty {
            syn::Type::Path(p) => generics.iter().find(|g| p.path.is_ident(*g)).cloned(),
            _ => None,
        };
        *typed.ty = new_type.clone();
        found = Some(generic);
    }
    found.context("the method has no `body` argument")
}

/// Replaces the call that sets the request body with
/// `.multipart(body.into_form()?)`.
#[derive(Default)]
struct BodySetter {
    replaced: usize,
}

fn is_body(expr: &Expr) -> bool {
    let expr = match expr {
        Expr::Reference(r) => &*r.expr,
        other => other,
    };
    matches!(expr, Expr::Path(p) if p.path.is_ident("body"))
}

fn is_content_type_header(call: &syn::ExprMethodCall) -> bool {
    call.method == "header"
        && matches!(call.args.first(), Some(Expr::Path(p))
            if p.path.segments.last().is_some_and(|s| s.ident == "CONTENT_TYPE"))
}

impl VisitMut for BodySetter {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let call = match expr {
            Expr::Try(t) => match &*t.expr {
                Expr::MethodCall(call) => Some(call),
                _ => None,
            },
            Expr::MethodCall(call) => Some(&*call),
            _ => None,
        };
        let setter = call.filter(|c| {
            matches!(c.method.to_string().as_str(), "json" | "form_urlencoded" | "body")
                && c.args.len() == 1
                && c.args.first().is_some_and(is_body)
        });
        if let Some(call) = setter {
            let mut receiver = (*call.receiver).clone();
            if let Expr::MethodCall(header) = &receiver
                && is_content_type_header(header)
            {
                receiver = (*header.receiver).clone();
            }
            *expr = parse_quote!(#receiver.multipart(body.into_form()?));
            self.replaced += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

/// `{method}_request`: the multipart method's statements up to the one that
/// builds the request (`let mut request = ...build()?;`), returning it. It
/// is not async: building a request waits for nothing, and a statement
/// before it that awaits fails generation, naming the operation.
fn request_method(multipart: &ImplItemFn, op: &MultipartOperation) -> Result<ImplItemFn> {
    let mut method = multipart.clone();
    method.sig.ident = format_ident!("{}_request", op.method_name);
    method.sig.asyncness = None;
    method.sig.output = parse_quote!(-> Result<::reqwest::Request, Error<()>>);
    let built = request_statement(&method)
        .with_context(|| format!("progenitor's `{}` builds no `request`", op.progenitor_method))?;
    method.block.stmts.truncate(built + 1);
    let mut awaits = Awaits::default();
    awaits.visit_block_mut(&mut method.block.clone());
    if awaits.0 {
        bail!(
            "progenitor's `{}` awaits before it builds the request",
            op.progenitor_method
        );
    }
    method.block.stmts.push(Stmt::Expr(parse_quote!(Ok(request)), None));
    set_doc(
        &mut method,
        &format!(
            "Builds `{}` as [`Client::{}`] sends it, and returns it unsent: for callers that send it \
             themselves, with their own `reqwest::Client` or headers of their own (the client's hooks \
             do not run).",
            op.request, op.method_name
        ),
    );
    Ok(method)
}

/// Whether `output` is `Result<_, Error<()>>` (`untyped` is that shape with
/// `()` for the value).
fn returns_untyped_errors(output: &syn::ReturnType, untyped: &syn::ReturnType) -> bool {
    let error = |ret: &syn::ReturnType| -> Option<String> {
        let syn::ReturnType::Type(_, ty) = ret else { return None };
        let syn::Type::Path(path) = &**ty else { return None };
        let syn::PathArguments::AngleBracketed(args) = &path.path.segments.last()?.arguments else {
            return None;
        };
        args.args
            .iter()
            .nth(1)
            .map(|e| quote::ToTokens::to_token_stream(e).to_string())
    };
    error(output).is_some() && error(output) == error(untyped)
}

/// The index of the statement that builds the request (`let mut request = ...`).
fn request_statement(method: &ImplItemFn) -> Option<usize> {
    method
        .block
        .stmts
        .iter()
        .position(|s| matches!(s, Stmt::Local(l) if matches!(&l.pat, Pat::Ident(p) if p.ident == "request")))
}

/// Replaces the statements of `method` that build its request with one
/// call of `request` (`{method}_request`), which holds them, so that they
/// are written once: `let mut request = self.{method}_request(args)?;`.
fn build_with(method: &mut ImplItemFn, request: &ImplItemFn) -> Result<()> {
    let built = request_statement(method).context("the method builds no `request`")?;
    let args: Vec<&syn::Ident> = method
        .sig
        .inputs
        .iter()
        .filter_map(|arg| match arg {
            FnArg::Typed(typed) => match &*typed.pat {
                Pat::Ident(p) => Some(&p.ident),
                _ => None,
            },
            FnArg::Receiver(_) => None,
        })
        .collect();
    let name = &request.sig.ident;
    let call: Stmt = parse_quote!(let mut request = self.#name(#(#args),*)?;);
    method.block.stmts.splice(0..=built, [call]);
    Ok(())
}

/// Whether a block awaits anything.
#[derive(Default)]
struct Awaits(bool);

impl VisitMut for Awaits {
    fn visit_expr_await_mut(&mut self, _: &mut syn::ExprAwait) {
        self.0 = true;
    }
}

/// `{method}_raw`: the multipart method, returning the response unread.
fn raw_method(multipart: &ImplItemFn, op: &MultipartOperation) -> Result<ImplItemFn> {
    let mut raw = multipart.clone();
    raw.sig.ident = format_ident!("{}_raw", op.method_name);
    raw.sig.output = parse_quote!(-> Result<ResponseValue<ByteStream>, Error<()>>);
    let Some(Stmt::Expr(Expr::Match(tail), None)) = raw.block.stmts.last() else {
        bail!(
            "progenitor's `{}` does not end in a match on the status",
            op.progenitor_method
        );
    };
    let response = match &*tail.expr {
        Expr::MethodCall(as_u16) => match &*as_u16.receiver {
            Expr::MethodCall(status) if status.method == "status" => (*status.receiver).clone(),
            _ => bail!("unexpected status match in `{}`", op.progenitor_method),
        },
        _ => bail!("unexpected status match in `{}`", op.progenitor_method),
    };
    let last = raw.block.stmts.len() - 1;
    raw.block.stmts[last] = Stmt::Expr(parse_quote!(Ok(ResponseValue::stream(#response))), None);
    set_doc(
        &mut raw,
        &format!(
            "Sends `{}` like [`Client::{}`], but returns the response as it came, whatever its status, \
             with its body unread.\n\n\
             For callers that decode the body themselves: reading it in bounded chunks, or accepting \
             response shapes the spec does not document.",
            op.request, op.method_name
        ),
    );
    Ok(raw)
}
