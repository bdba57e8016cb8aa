//! Request bodies sent with their own `Content-Type`: progenitor's method
//! for a body [`crate::normalize::bodies::bodies_progenitor_can_send`] made
//! one progenitor sends (JSON for a `+json` type, bytes for `text/xml`)
//! gets that body's media type back on the wire.
//!
//! `.json(&body)` sets `Content-Type: application/json` only when no
//! content type is set yet, so a `+json` type goes in a `.header(...)`
//! before it; a byte body's `HeaderValue::from_static("application/octet-stream")`
//! takes the media type instead. Each patch must apply exactly once, or the
//! operation fails naming why.

use anyhow::{Result, bail};
use syn::visit_mut::VisitMut;
use syn::{Expr, ImplItem, Item, Lit, parse_quote};

use crate::names::{self, Case};

/// Puts `content_type` into the method `method` of `impl Client`.
pub fn patch(file: &mut syn::File, method: &str, content_type: &str) -> Result<()> {
    let Some(function) = file.items.iter_mut().find_map(|item| match item {
        Item::Impl(block) if block.trait_.is_none() => block.items.iter_mut().find_map(|i| match i {
            ImplItem::Fn(f) if f.sig.ident == method => Some(f),
            _ => None,
        }),
        _ => None,
    }) else {
        bail!("progenitor generated no method `{method}`");
    };
    let mut patcher = Patcher {
        content_type: content_type.to_string(),
        done: 0,
    };
    patcher.visit_block_mut(&mut function.block);
    if patcher.done != 1 {
        bail!(
            "expected one body to send as {content_type} in progenitor's `{method}`, found {}",
            patcher.done
        );
    }
    Ok(())
}

/// The method progenitor generates for the operation `operation_id`.
pub fn method_of(operation_id: &str) -> String {
    names::progenitor(operation_id, Case::Snake)
}

struct Patcher {
    content_type: String,
    done: usize,
}

fn is_json_body(call: &syn::ExprMethodCall) -> bool {
    call.method == "json"
        && matches!(call.args.first(), Some(Expr::Reference(r)) if matches!(&*r.expr, Expr::Path(p) if p.path.is_ident("body")))
}

impl VisitMut for Patcher {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        if let Expr::MethodCall(call) = expr
            && is_json_body(call)
        {
            let receiver = &call.receiver;
            let content_type = &self.content_type;
            *expr = parse_quote! {
                #receiver
                    .header(
                        ::reqwest::header::CONTENT_TYPE,
                        ::reqwest::header::HeaderValue::from_static(#content_type),
                    )
                    .json(&body)
            };
            self.done += 1;
            return;
        }
        if let Expr::Lit(lit) = expr
            && let Lit::Str(s) = &lit.lit
            && s.value() == "application/octet-stream"
        {
            let content_type = &self.content_type;
            *expr = parse_quote!(#content_type);
            self.done += 1;
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn the_body_goes_with_its_own_content_type() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                pub async fn patch_thing(&self, body: &types::Thing) {
                    let request = self.client.patch(url).json(&body).build()?;
                }
                pub async fn put_xml<B: Into<reqwest::Body>>(&self, body: B) {
                    let request = self.client.put(url)
                        .header(::reqwest::header::CONTENT_TYPE, ::reqwest::header::HeaderValue::from_static("application/octet-stream"))
                        .body(body).build()?;
                }
            }
        };
        patch(&mut file, "patch_thing", "application/merge-patch+json").unwrap();
        patch(&mut file, "put_xml", "text/xml").unwrap();
        let code = file.to_token_stream().to_string();
        let header = code
            .find("from_static (\"application/merge-patch+json\")")
            .expect("the header is set");
        assert!(
            code[header..].find(". json (& body)").is_some(),
            "before the body: {code}"
        );
        assert!(
            code.contains("from_static (\"text/xml\")") && !code.contains("octet-stream"),
            "{code}"
        );
        assert!(patch(&mut file, "gone", "text/xml").is_err());
    }
}
