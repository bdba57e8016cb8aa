//! Operations on `OPTIONS` and `TRACE`: progenitor sends every method with
//! the `reqwest::Client` method of its name (`self.client.options(url)`),
//! but reqwest has one only for GET, POST, PUT, PATCH, DELETE and HEAD, so
//! such an operation did not compile (Box's spec has two). The call
//! becomes `request(::reqwest::Method::OPTIONS, url)`, which reqwest has
//! for every method.

use syn::visit_mut::VisitMut;
use syn::{Expr, parse_quote};

/// The methods reqwest's `Client` has no shorthand for, as progenitor
/// names the call, with reqwest's constant for each.
const WITHOUT_SHORTHAND: [(&str, &str); 2] = [("options", "OPTIONS"), ("trace", "TRACE")];

/// Whether the spec has an operation on a method reqwest has no shorthand
/// for (most have none, and the file need not be walked).
pub fn needed(spec: &openapiv3::OpenAPI) -> bool {
    spec.paths
        .paths
        .values()
        .filter_map(|item| item.as_item())
        .any(|item| item.options.is_some() || item.trace.is_some())
}

/// Rewrites every `….client.options(url)` and `….client.trace(url)` of
/// `file`; returns how many.
pub fn patch(file: &mut syn::File) -> usize {
    let mut patcher = Patcher { done: 0 };
    patcher.visit_file_mut(file);
    patcher.done
}

/// Rewrites the calls of one method, as [`patch`] does for the file.
pub fn patch_method(method: &mut syn::ImplItemFn) -> usize {
    let mut patcher = Patcher { done: 0 };
    patcher.visit_impl_item_fn_mut(method);
    patcher.done
}

struct Patcher {
    done: usize,
}

/// Whether `expr` is a field named `client` (`self.client`,
/// `client.client`): the `reqwest::Client` progenitor's code calls.
fn is_client(expr: &Expr) -> bool {
    matches!(expr, Expr::Field(field) if matches!(&field.member, syn::Member::Named(name) if name == "client"))
}

impl VisitMut for Patcher {
    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        syn::visit_mut::visit_expr_mut(self, expr);
        let Expr::MethodCall(call) = expr else { return };
        let Some((_, constant)) = WITHOUT_SHORTHAND.iter().find(|(name, _)| call.method == name) else {
            return;
        };
        if call.args.len() != 1 || !is_client(&call.receiver) {
            return;
        }
        let receiver = &call.receiver;
        let url = &call.args[0];
        let constant = syn::Ident::new(constant, proc_macro2::Span::call_site());
        *expr = parse_quote!(#receiver.request(::reqwest::Method::#constant, #url));
        self.done += 1;
    }
}

#[cfg(test)]
mod tests {
    use quote::ToTokens;

    use super::*;

    #[test]
    fn options_and_trace_go_through_request() {
        let mut file: syn::File = parse_quote! {
            impl Client {
                pub async fn options_file(&self) {
                    let request = self.client.options(url).header(ACCEPT, json).build()?;
                }
                pub async fn trace_it(&self) { let request = client.client.trace(url).build()?; }
                pub async fn get_file(&self) { let request = self.client.get(url).build()?; }
                fn unrelated(&self) { let _ = self.settings.options(url); }
            }
        };
        assert_eq!(patch(&mut file), 2);
        let code = file.to_token_stream().to_string();
        assert!(
            code.contains("self . client . request (:: reqwest :: Method :: OPTIONS , url) . header"),
            "{code}"
        );
        assert!(
            code.contains("client . client . request (:: reqwest :: Method :: TRACE , url)"),
            "{code}"
        );
        assert!(code.contains("self . client . get (url)"), "{code}");
        assert!(code.contains("self . settings . options (url)"), "{code}");
    }

    #[test]
    fn a_spec_with_an_options_operation_needs_it() {
        let with: openapiv3::OpenAPI = serde_json::from_str(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/f":{"options":{"responses":{"200":{"description":"ok"}}}}}}"#,
        )
        .unwrap();
        let without: openapiv3::OpenAPI = serde_json::from_str(
            r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{"/f":{"get":{"responses":{"200":{"description":"ok"}}}}}}"#,
        )
        .unwrap();
        assert!(needed(&with));
        assert!(!needed(&without));
    }
}
