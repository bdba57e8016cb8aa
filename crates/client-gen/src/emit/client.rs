//! Client-wide items: `DEFAULT_BASE_URL` and a constructor per security
//! scheme, each a thin call into `client-support`.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::doc_attrs;
use crate::normalize::{Normalized, SecurityScheme};

fn constructor(scheme: &SecurityScheme) -> TokenStream {
    let ident = format_ident!("{}", scheme.constructor());
    let (doc, argument, call) = match scheme {
        SecurityScheme::Bearer { name } => (
            format!(
                "Builds a client for `baseurl` that sends `Authorization: Bearer <token>` on every request \
                 (security scheme `{name}`).\n\n\
                 The header value is marked sensitive, so `reqwest` and `http` never print it. \
                 `builder` carries any other settings (timeouts, redirect policy); its default headers are kept."
            ),
            format_ident!("token"),
            quote! { ::client_support::bearer_client(token, builder)? },
        ),
        SecurityScheme::ApiKeyHeader { name, header } => (
            format!(
                "Builds a client for `baseurl` that sends `key` in the `{header}` header on every request \
                 (security scheme `{name}`).\n\n\
                 The header value is marked sensitive, so `reqwest` and `http` never print it. \
                 `builder` carries any other settings (timeouts, redirect policy); its default headers are kept."
            ),
            format_ident!("key"),
            quote! { ::client_support::api_key_client(#header, key, builder)? },
        ),
    };
    let doc = doc_attrs(&doc);
    quote! {
        #doc
        pub fn #ident(
            baseurl: &str,
            #argument: &str,
            builder: reqwest::ClientBuilder,
        ) -> Result<Self, AuthError> {
            Ok(Self::new_with_client(baseurl, #call))
        }
    }
}

/// `DEFAULT_BASE_URL` and the constructors.
pub fn emit(normalized: &Normalized) -> TokenStream {
    let base_url = normalized.context.default_base_url.as_ref().map(|url| {
        quote! {
            /// The API's default base URL, from the spec's `servers[0].url`.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let constructors = (!normalized.context.security.is_empty()).then(|| {
        let constructors = normalized.context.security.iter().map(constructor);
        quote! {
            pub use ::client_support::AuthError;

            impl Client {
                #(#constructors)*
            }
        }
    });
    quote! {
        #base_url
        #constructors
    }
}
