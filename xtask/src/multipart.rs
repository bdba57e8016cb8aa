//! The multipart emitter: client code for `multipart/form-data` operations,
//! which progenitor cannot generate.
//!
//! For every operation that [`crate::normalize::take_multipart_operations`]
//! took out of the spec it emits, into the same generated file as
//! progenitor's output:
//!
//! - a body type in `multipart` with one field per schema property: a
//!   `format: binary` string becomes a [`FilePart`]-typed field, any other
//!   scalar a text part; properties outside `required` become `Option`;
//! - a method on the generated `Client` that sends the body with the client's
//!   own `reqwest::Client` and base URL, goes through the same hooks as
//!   progenitor's methods, sets `Accept` from the response media type and
//!   maps every documented status the way progenitor does.
//!
//! It also emits the support items every generated client of ours has:
//! `DEFAULT_BASE_URL` and the bearer-token constructor.
//!
//! [`FilePart`]: #file-parts

use anyhow::{Context, Result, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind, StatusCode, StringFormat, Type, VariantOrUnknownOrEmpty};
use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::normalize::{MultipartOperation, Normalized, ResponseShape};

/// What one multipart property becomes in Rust.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PartKind {
    /// `format: binary`: a file part.
    File,
    /// A string sent as a text part.
    Text,
    /// A 32-bit integer sent as its decimal text.
    I32,
    /// A 64-bit integer sent as its decimal text.
    I64,
    /// A number sent as its decimal text.
    F64,
    /// A boolean sent as `true` / `false`.
    Bool,
}

impl PartKind {
    fn rust_type(self) -> TokenStream {
        match self {
            PartKind::File => quote! { FilePart },
            PartKind::Text => quote! { ::std::string::String },
            PartKind::I32 => quote! { i32 },
            PartKind::I64 => quote! { i64 },
            PartKind::F64 => quote! { f64 },
            PartKind::Bool => quote! { bool },
        }
    }
}

struct Field {
    api_name: String,
    ident: Ident,
    kind: PartKind,
    required: bool,
    description: Option<String>,
    content_type: Option<String>,
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

fn field_ident(api_name: &str) -> Ident {
    let snake = api_name.to_snake_case();
    let snake = if snake.is_empty() || snake.starts_with(|c: char| c.is_ascii_digit()) {
        format!("field_{snake}")
    } else {
        snake
    };
    match syn::parse_str::<Ident>(&snake) {
        Ok(ident) => ident,
        Err(_) => Ident::new_raw(&snake, Span::call_site()),
    }
}

fn resolve_schema<'a>(spec: &'a OpenAPI, s: &'a ReferenceOr<Schema>) -> Result<&'a Schema> {
    match s {
        ReferenceOr::Item(s) => Ok(s),
        ReferenceOr::Reference { reference } => resolve_schema_ref(spec, reference),
    }
}

fn resolve_schema_ref<'a>(spec: &'a OpenAPI, reference: &str) -> Result<&'a Schema> {
    let name = reference
        .strip_prefix("#/components/schemas/")
        .with_context(|| format!("unsupported schema reference {reference}"))?;
    match spec.components.as_ref().and_then(|c| c.schemas.get(name)) {
        Some(s) => resolve_schema(spec, s),
        None => bail!("schema reference {reference} does not resolve"),
    }
}

fn part_kind(schema: &Schema) -> Option<PartKind> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => Some(match &s.format {
            VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => PartKind::File,
            _ => PartKind::Text,
        }),
        SchemaKind::Type(Type::Integer(i)) => Some(match &i.format {
            VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32) => PartKind::I32,
            _ => PartKind::I64,
        }),
        SchemaKind::Type(Type::Number(_)) => Some(PartKind::F64),
        SchemaKind::Type(Type::Boolean(_)) => Some(PartKind::Bool),
        _ => None,
    }
}

fn fields(spec: &OpenAPI, op: &MultipartOperation) -> Result<Vec<Field>> {
    let where_ = format!("{} {} ({})", op.method.to_uppercase(), op.path, op.operation_id);
    let body = resolve_schema(spec, &op.body_schema).with_context(|| where_.clone())?;
    let SchemaKind::Type(Type::Object(object)) = &body.schema_kind else {
        bail!("{where_}: the multipart body schema must be an object");
    };
    if let Some(missing) = object.required.iter().find(|r| !object.properties.contains_key(*r)) {
        bail!("{where_}: `{missing}` is required but has no property schema");
    }
    let mut out: Vec<Field> = Vec::new();
    for (name, schema) in &object.properties {
        let schema = match schema {
            ReferenceOr::Item(s) => s.as_ref(),
            ReferenceOr::Reference { reference } => resolve_schema_ref(spec, reference)?,
        };
        let Some(kind) = part_kind(schema) else {
            bail!(
                "{where_}: multipart property `{name}` is not a string, binary, integer, number or boolean; \
                 the multipart emitter does not support it yet"
            );
        };
        let ident = field_ident(name);
        if let Some(other) = out.iter().find(|f| f.ident == ident) {
            bail!(
                "{where_}: properties `{}` and `{name}` map to the same Rust field `{ident}`",
                other.api_name
            );
        }
        out.push(Field {
            api_name: name.clone(),
            ident,
            kind,
            required: object.required.contains(name),
            description: schema
                .schema_data
                .description
                .as_deref()
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string),
            content_type: op.encoding.iter().find(|(k, _)| k == name).map(|(_, ct)| ct.clone()),
        });
    }
    Ok(out)
}

fn body_type_ident(op: &MultipartOperation) -> Ident {
    format_ident!("{}", format!("{}_body", op.operation_id).to_upper_camel_case())
}

fn schema_type(name: &str) -> TokenStream {
    let ident = format_ident!("{}", name.to_upper_camel_case());
    quote! { types::#ident }
}

fn emit_body(spec: &OpenAPI, op: &MultipartOperation) -> Result<TokenStream> {
    let fields = fields(spec, op)?;
    let ident = body_type_ident(op);
    let doc = doc_attrs(&format!(
        "Body of `{}` (`{} {}`), sent as `multipart/form-data`.\n\nEach field is one part, named as in the spec.",
        op.operation_id,
        op.method.to_uppercase(),
        op.path
    ));
    let all_optional = fields.iter().all(|f| !f.required);
    let derive_default = all_optional.then(|| quote! { #[derive(Default)] });

    let struct_fields = fields.iter().map(|f| {
        let ident = &f.ident;
        let ty = f.kind.rust_type();
        let ty = if f.required {
            ty
        } else {
            quote! { ::std::option::Option<#ty> }
        };
        let doc = match &f.description {
            Some(d) if f.api_name != f.ident.to_string().trim_start_matches("r#") => {
                format!("{d}\n\nSent as the part `{}`.", f.api_name)
            }
            Some(d) => d.clone(),
            None => format!("Part `{}`.", f.api_name),
        };
        let doc = doc_attrs(&doc);
        quote! { #doc pub #ident: #ty, }
    });

    let add_parts = fields.iter().map(|f| {
        let ident = &f.ident;
        let api_name = &f.api_name;
        let part = match f.kind {
            PartKind::File => {
                let default_ct = f.content_type.as_deref().unwrap_or("application/octet-stream");
                quote! { value.into_part(#api_name, #default_ct)? }
            }
            kind => {
                let text = if kind == PartKind::Text {
                    quote! { value }
                } else {
                    quote! { value.to_string() }
                };
                match &f.content_type {
                    Some(ct) => quote! {
                        reqwest::multipart::Part::text(#text).mime_str(#ct).map_err(|e| {
                            Error::InvalidRequest(format!("part `{}`: content type {:?}: {}", #api_name, #ct, e))
                        })?
                    },
                    None => quote! { reqwest::multipart::Part::text(#text) },
                }
            }
        };
        if f.required {
            quote! {
                let value = self.#ident;
                form = form.part(#api_name, #part);
            }
        } else {
            quote! {
                if let Some(value) = self.#ident {
                    form = form.part(#api_name, #part);
                }
            }
        }
    });

    Ok(quote! {
        #doc
        #[derive(Debug)]
        #derive_default
        pub struct #ident {
            #(#struct_fields)*
        }

        impl #ident {
            /// Turns the body into a `reqwest` multipart form: one part per
            /// field that is set, in the spec's order. File bytes are
            /// shared, never copied.
            pub fn into_form<E>(self) -> Result<reqwest::multipart::Form, Error<E>> {
                #[allow(unused_mut)]
                let mut form = reqwest::multipart::Form::new();
                #(#add_parts)*
                Ok(form)
            }
        }
    })
}

fn status_pattern(status: &StatusCode) -> TokenStream {
    match status {
        StatusCode::Code(c) => quote! { #c },
        StatusCode::Range(r) => {
            let lo = r * 100;
            let hi = r * 100 + 99;
            quote! { #lo..=#hi }
        }
    }
}

fn is_success(status: &StatusCode) -> bool {
    match status {
        StatusCode::Code(c) => (200..300).contains(c),
        StatusCode::Range(r) => *r == 2,
    }
}

fn emit_method(op: &MultipartOperation) -> Result<TokenStream> {
    let where_ = format!("{} {} ({})", op.method.to_uppercase(), op.path, op.operation_id);
    let method_ident = format_ident!("{}", op.operation_id);
    let body_ident = body_type_ident(op);
    let op_id = &op.operation_id;
    let http_method = format_ident!("{}", op.method);

    // The success type: the one JSON schema of the 2xx responses, or `()`
    // when no 2xx response has a body.
    let success: Vec<&ResponseShape> = op
        .responses
        .iter()
        .filter(|(s, _)| is_success(s))
        .map(|(_, r)| r)
        .collect();
    let success_json: Vec<&str> = success
        .iter()
        .filter_map(|r| match r {
            ResponseShape::Json { schema, .. } => Some(schema.as_str()),
            ResponseShape::Empty => None,
        })
        .collect();
    let mut success_dedup = success_json.clone();
    success_dedup.dedup();
    let (success_type, accept) = match success_dedup.as_slice() {
        [] => (quote! { () }, None),
        [one] if success_json.len() == success.len() => {
            let media = success.iter().find_map(|r| match r {
                ResponseShape::Json { media_type, .. } => Some(media_type.clone()),
                ResponseShape::Empty => None,
            });
            (schema_type(one), media)
        }
        _ => bail!("{where_}: the 2xx responses have different bodies; the multipart emitter needs one success type"),
    };

    // The error type: the one JSON schema of the error responses (and
    // `default`, when there is a success response), or `()`.
    let errors: Vec<&ResponseShape> = op
        .responses
        .iter()
        .filter(|(s, _)| !is_success(s))
        .map(|(_, r)| r)
        .chain(op.default_response.iter())
        .collect();
    let mut error_json: Vec<&str> = errors
        .iter()
        .filter_map(|r| match r {
            ResponseShape::Json { schema, .. } => Some(schema.as_str()),
            ResponseShape::Empty => None,
        })
        .collect();
    error_json.sort_unstable();
    error_json.dedup();
    let error_type = match error_json.as_slice() {
        [] => quote! { () },
        [one] => schema_type(one),
        _ => bail!(
            "{where_}: the error responses have different bodies ({}); the multipart emitter needs one error type",
            error_json.join(", ")
        ),
    };
    let error_is_unit = error_json.is_empty();

    let arm = |shape: &ResponseShape, success: bool| -> TokenStream {
        match (shape, success) {
            (ResponseShape::Json { .. }, true) => quote! { ResponseValue::from_response(response).await },
            (ResponseShape::Empty, true) => quote! { Ok(ResponseValue::empty(response)) },
            (ResponseShape::Json { .. }, false) => {
                quote! { Err(Error::ErrorResponse(ResponseValue::from_response(response).await?)) }
            }
            (ResponseShape::Empty, false) if error_is_unit => {
                quote! { Err(Error::ErrorResponse(ResponseValue::empty(response))) }
            }
            (ResponseShape::Empty, false) => quote! { Err(Error::UnexpectedResponse(response)) },
        }
    };
    let arms = op.responses.iter().map(|(status, shape)| {
        let pattern = status_pattern(status);
        let body = arm(shape, is_success(status));
        quote! { #pattern => #body, }
    });
    let fallback = match &op.default_response {
        Some(shape) => arm(shape, success.is_empty()),
        None => quote! { Err(Error::UnexpectedResponse(response)) },
    };

    let accept = accept.map(|media| {
        quote! {
            .header(
                ::reqwest::header::ACCEPT,
                ::reqwest::header::HeaderValue::from_static(#media),
            )
        }
    });

    let mut doc = String::new();
    if let Some(s) = &op.summary {
        doc.push_str(s.trim());
        doc.push_str("\n\n");
    }
    if let Some(d) = op.description.as_deref().filter(|d| !d.trim().is_empty()) {
        doc.push_str(d.trim());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Sends `{} {}` with a `multipart/form-data` body built from [`multipart::{body_ident}`].",
        op.method.to_uppercase(),
        op.path
    ));
    let doc = doc_attrs(&doc);
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let path = &op.path;

    let raw_ident = format_ident!("{}_raw", op.operation_id);
    let send_ident = format_ident!("{}_send", op.operation_id);
    let raw_doc = doc_attrs(&format!(
        "Sends `{} {}` like [`Client::{}`], but returns the response as it came, whatever its \
         status, with its body unread.\n\n\
         For callers that decode the body themselves: reading it in bounded chunks, or accepting \
         response shapes the spec does not document.",
        op.method.to_uppercase(),
        op.path,
        op.operation_id
    ));

    Ok(quote! {
        #doc
        #deprecated
        pub async fn #method_ident<'a>(
            &'a self,
            body: multipart::#body_ident,
        ) -> Result<ResponseValue<#success_type>, Error<#error_type>> {
            let response = self.#send_ident(body).await?;
            match response.status().as_u16() {
                #(#arms)*
                _ => #fallback,
            }
        }

        #raw_doc
        #deprecated
        pub async fn #raw_ident<'a>(
            &'a self,
            body: multipart::#body_ident,
        ) -> Result<ResponseValue<ByteStream>, Error<()>> {
            let response = self.#send_ident(body).await?;
            Ok(ResponseValue::stream(response))
        }

        async fn #send_ident<'a, E>(
            &'a self,
            body: multipart::#body_ident,
        ) -> Result<reqwest::Response, Error<E>> {
            let url = format!("{}{}", self.baseurl, #path);
            let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
            header_map.append(
                ::reqwest::header::HeaderName::from_static("api-version"),
                ::reqwest::header::HeaderValue::from_static(Self::api_version()),
            );
            let form = body.into_form()?;
            #[allow(unused_mut)]
            let mut request = self
                .client
                .#http_method(url)
                #accept
                .multipart(form)
                .headers(header_map)
                .build()?;
            let info = OperationInfo {
                operation_id: #op_id,
            };
            self.pre(&mut request, &info).await?;
            let result = self.exec(request, &info).await;
            self.post(&result, &info).await?;
            Ok(result?)
        }
    })
}

/// The `FilePart` type shared by every multipart body.
fn emit_file_part() -> TokenStream {
    quote! {
        /// One file of a multipart body: its content, its file name and its
        /// content type.
        ///
        /// The content is either bytes already in memory (shared, never
        /// copied) or a stream whose length is known up front, so that the
        /// request carries a `Content-Length` and large files need not be
        /// read into memory.
        pub struct FilePart {
            content: FileContent,
            length: u64,
            file_name: ::std::option::Option<::std::string::String>,
            content_type: ::std::option::Option<::std::string::String>,
        }

        enum FileContent {
            Bytes(::bytes::Bytes),
            Stream(reqwest::Body),
        }

        impl FilePart {
            /// A file part from bytes in memory. `Bytes`, `Vec<u8>` and
            /// `&'static [u8]` convert without copying.
            pub fn from_bytes(bytes: impl Into<::bytes::Bytes>) -> Self {
                let bytes = bytes.into();
                Self {
                    length: bytes.len() as u64,
                    content: FileContent::Bytes(bytes),
                    file_name: None,
                    content_type: None,
                }
            }

            /// A file part from a stream of chunks that yields exactly
            /// `length` bytes in all (a file read from disk, say). A stream
            /// that yields a different number of bytes fails the request.
            pub fn from_stream<S>(stream: S, length: u64) -> Self
            where
                S: ::futures_core::TryStream + Send + 'static,
                S::Error: Into<Box<dyn ::std::error::Error + Send + Sync>>,
                ::bytes::Bytes: From<S::Ok>,
            {
                Self {
                    content: FileContent::Stream(reqwest::Body::wrap_stream(stream)),
                    length,
                    file_name: None,
                    content_type: None,
                }
            }

            /// Sets the file name sent in the part's `Content-Disposition`.
            /// Without one, the part carries no file name.
            pub fn file_name(mut self, file_name: impl Into<::std::string::String>) -> Self {
                self.file_name = Some(file_name.into());
                self
            }

            /// Sets the part's content type (`image/png`, say). Without one,
            /// the spec's encoding or `application/octet-stream` is sent.
            pub fn content_type(mut self, content_type: impl Into<::std::string::String>) -> Self {
                self.content_type = Some(content_type.into());
                self
            }

            /// The number of bytes the part carries.
            pub fn length(&self) -> u64 {
                self.length
            }

            /// The file name set with [`FilePart::file_name`].
            pub fn get_file_name(&self) -> ::std::option::Option<&str> {
                self.file_name.as_deref()
            }

            /// The content type set with [`FilePart::content_type`].
            pub fn get_content_type(&self) -> ::std::option::Option<&str> {
                self.content_type.as_deref()
            }

            /// Turns the file into a `reqwest` part named `name`, sending
            /// `default_content_type` when none was set.
            pub fn into_part<E>(
                self,
                name: &str,
                default_content_type: &str,
            ) -> Result<reqwest::multipart::Part, Error<E>> {
                let body = match self.content {
                    FileContent::Bytes(bytes) => reqwest::Body::from(bytes),
                    FileContent::Stream(body) => body,
                };
                let part = reqwest::multipart::Part::stream_with_length(body, self.length);
                let part = match self.file_name {
                    Some(file_name) => part.file_name(file_name),
                    None => part,
                };
                let content_type = self.content_type.as_deref().unwrap_or(default_content_type);
                part.mime_str(content_type).map_err(|e| {
                    Error::InvalidRequest(format!("part `{}`: content type {:?}: {}", name, content_type, e))
                })
            }
        }

        impl ::std::fmt::Debug for FilePart {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.debug_struct("FilePart")
                    .field(
                        "content",
                        &match self.content {
                            FileContent::Bytes(_) => "bytes",
                            FileContent::Stream(_) => "stream",
                        },
                    )
                    .field("length", &self.length)
                    .field("file_name", &self.file_name)
                    .field("content_type", &self.content_type)
                    .finish()
            }
        }
    }
}

fn emit_bearer(scheme: &str) -> TokenStream {
    let doc = doc_attrs(&format!(
        "Builds a client for `baseurl` that sends `Authorization: Bearer <token>` on every request \
         (security scheme `{scheme}`).\n\n\
         The header value is marked sensitive, so `reqwest` and `http` never print it. \
         `builder` carries any other settings (timeouts, redirect policy); its default headers are kept."
    ));
    quote! {
        /// Why [`Client::new_with_bearer_token`] could not build a client.
        /// The token itself is never part of the error.
        #[derive(Debug)]
        pub enum ClientBuildError {
            /// The token is empty or only white space.
            EmptyToken,
            /// The token holds a byte that cannot be sent in an HTTP header
            /// (a control character or a line break, say).
            InvalidToken,
            /// `reqwest` could not build its client from the builder.
            Http(reqwest::Error),
        }

        impl ::std::fmt::Display for ClientBuildError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                match self {
                    ClientBuildError::EmptyToken => f.write_str("the bearer token is empty"),
                    ClientBuildError::InvalidToken => {
                        f.write_str("the bearer token holds characters that cannot be sent in an HTTP header")
                    }
                    ClientBuildError::Http(e) => write!(f, "could not build the HTTP client: {}", e),
                }
            }
        }

        impl ::std::error::Error for ClientBuildError {
            fn source(&self) -> ::std::option::Option<&(dyn ::std::error::Error + 'static)> {
                match self {
                    ClientBuildError::Http(e) => Some(e),
                    _ => None,
                }
            }
        }

        impl Client {
            #doc
            pub fn new_with_bearer_token(
                baseurl: &str,
                token: &str,
                builder: reqwest::ClientBuilder,
            ) -> Result<Self, ClientBuildError> {
                if token.trim().is_empty() {
                    return Err(ClientBuildError::EmptyToken);
                }
                let mut value = ::reqwest::header::HeaderValue::try_from(format!("Bearer {}", token))
                    .map_err(|_| ClientBuildError::InvalidToken)?;
                value.set_sensitive(true);
                let mut headers = ::reqwest::header::HeaderMap::with_capacity(1usize);
                headers.insert(::reqwest::header::AUTHORIZATION, value);
                let client = builder.default_headers(headers).build().map_err(ClientBuildError::Http)?;
                Ok(Self::new_with_client(baseurl, client))
            }
        }
    }
}

/// Everything our emitter adds to progenitor's output.
pub fn emit(normalized: &Normalized) -> Result<TokenStream> {
    let base_url = normalized.default_base_url.as_ref().map(|url| {
        quote! {
            /// The API's default base URL, from the spec's `servers[0].url`.
            pub const DEFAULT_BASE_URL: &str = #url;
        }
    });
    let bearer = normalized.bearer.as_ref().map(|b| emit_bearer(&b.name));
    let multipart = if normalized.multipart.is_empty() {
        None
    } else {
        let bodies = normalized
            .multipart
            .iter()
            .map(|op| emit_body(&normalized.spec, op))
            .collect::<Result<Vec<_>>>()?;
        let methods = normalized
            .multipart
            .iter()
            .map(emit_method)
            .collect::<Result<Vec<_>>>()?;
        let file_part = emit_file_part();
        Some(quote! {
            /// Bodies of the `multipart/form-data` operations, and the file
            /// part type they share.
            pub mod multipart {
                use super::Error;

                #file_part

                #(#bodies)*
            }

            impl Client {
                #(#methods)*
            }
        })
    };
    Ok(quote! {
        #base_url
        #bearer
        #multipart
    })
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
    fn field_idents_are_valid_rust() {
        assert_eq!(field_ident("image_file").to_string(), "image_file");
        assert_eq!(field_ident("styleCode").to_string(), "style_code");
        assert_eq!(field_ident("type").to_string(), "r#type");
        assert_eq!(field_ident("3d").to_string(), "field_3d");
    }
}
