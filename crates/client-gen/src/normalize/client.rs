//! Rules that read client-wide facts: the default base URL and the
//! security schemes that get a constructor.

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr};

use crate::rules::{Changes, Context};

/// A security scheme that gets a `Client` constructor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityScheme {
    /// HTTP bearer: `Client::new_with_bearer_token`.
    Bearer {
        /// The scheme's name under `components.securitySchemes`.
        name: String,
    },
    /// An API key in a header: `Client::new_with_api_key`.
    ApiKeyHeader {
        /// The scheme's name under `components.securitySchemes`.
        name: String,
        /// The header that carries the key.
        header: String,
    },
}

/// Rule: `servers[0].url` becomes the `DEFAULT_BASE_URL` constant. A
/// trailing `/` is trimmed, since the generated methods append paths that
/// start with `/`. An empty or relative URL gives no constant.
pub fn extract_default_base_url(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    let Some(server) = spec.servers.first() else {
        return Vec::new();
    };
    let url = server.url.trim_end_matches('/');
    let absolute = url.starts_with("https://") || url.starts_with("http://");
    let change = if absolute {
        format!("servers[0].url -> DEFAULT_BASE_URL = {url:?}")
    } else {
        format!(
            "servers[0].url {:?} is not an absolute http(s) URL: no DEFAULT_BASE_URL",
            server.url
        )
    };
    ctx.default_base_url = absolute.then(|| url.to_string());
    vec![change]
}

/// Rule: the first HTTP bearer scheme becomes
/// `Client::new_with_bearer_token`, and the first API-key scheme sent in a
/// header becomes `Client::new_with_api_key`; each sets its credential as a
/// sensitive default header. Schemes of other kinds (or a second one of a
/// kind) get no constructor, and the report says so.
pub fn extract_security_schemes(spec: &mut OpenAPI, ctx: &mut Context) -> Changes {
    let mut found: Vec<SecurityScheme> = Vec::new();
    let mut changes = Vec::new();
    let schemes = spec.components.iter().flat_map(|c| c.security_schemes.iter());
    for (name, scheme) in schemes {
        let ReferenceOr::Item(scheme) = scheme else {
            changes.push(format!("securitySchemes.{name}: a reference; no constructor"));
            continue;
        };
        let candidate = match scheme {
            openapiv3::SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                Some(SecurityScheme::Bearer { name: name.clone() })
            }
            openapiv3::SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name: header,
                ..
            } => Some(SecurityScheme::ApiKeyHeader {
                name: name.clone(),
                header: header.clone(),
            }),
            _ => None,
        };
        match candidate {
            Some(scheme) if !found.iter().any(|f| f.constructor() == scheme.constructor()) => {
                let kind = match &scheme {
                    SecurityScheme::Bearer { .. } => "http bearer".to_string(),
                    SecurityScheme::ApiKeyHeader { header, .. } => format!("api key in header {header}"),
                };
                changes.push(format!(
                    "securitySchemes.{name} ({kind}) -> Client::{}",
                    scheme.constructor()
                ));
                found.push(scheme);
            }
            Some(_) => changes.push(format!(
                "securitySchemes.{name}: a second scheme of its kind; no constructor"
            )),
            None => changes.push(format!(
                "securitySchemes.{name}: not bearer or a header API key; no constructor"
            )),
        }
    }
    ctx.security = found;
    changes
}

impl SecurityScheme {
    /// The name of the constructor the scheme gets.
    pub fn constructor(&self) -> &'static str {
        match self {
            SecurityScheme::Bearer { .. } => "new_with_bearer_token",
            SecurityScheme::ApiKeyHeader { .. } => "new_with_api_key",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::test_support::spec;

    const SPEC: &str = r#"
servers:
  - url: https://example.test/
components:
  securitySchemes:
    ApiKeyAuth: {type: apiKey, in: header, name: Api-Key}
    BearerAuth: {type: http, scheme: bearer}
    Basic: {type: http, scheme: basic}
    Other: {type: http, scheme: Bearer}
paths: {}
"#;

    /// What `rule` finds in `yaml`: the context and the changes.
    fn run(rule: fn(&mut OpenAPI, &mut Context) -> Changes, yaml: &str) -> (Context, Changes) {
        let mut ctx = Context::default();
        let changes = rule(&mut spec(yaml), &mut ctx);
        (ctx, changes)
    }

    #[test]
    fn default_base_url_comes_from_the_first_server() {
        let (ctx, changes) = run(extract_default_base_url, SPEC);
        assert_eq!(ctx.default_base_url.as_deref(), Some("https://example.test"));
        assert_eq!(
            changes,
            vec!["servers[0].url -> DEFAULT_BASE_URL = \"https://example.test\""]
        );
        let (ctx, _) = run(
            extract_default_base_url,
            &SPEC.replace("servers:\n  - url: https://example.test/\n", ""),
        );
        assert_eq!(ctx.default_base_url, None);
        let (ctx, changes) = run(extract_default_base_url, &SPEC.replace("https://example.test/", "''"));
        assert_eq!(ctx.default_base_url, None);
        assert!(changes[0].contains("no DEFAULT_BASE_URL"), "{changes:?}");
    }

    #[test]
    fn bearer_and_header_api_key_schemes_get_constructors() {
        let (ctx, changes) = run(extract_security_schemes, SPEC);
        assert_eq!(
            ctx.security,
            vec![
                SecurityScheme::ApiKeyHeader {
                    name: "ApiKeyAuth".into(),
                    header: "Api-Key".into()
                },
                SecurityScheme::Bearer {
                    name: "BearerAuth".into()
                },
            ]
        );
        assert_eq!(
            changes,
            vec![
                "securitySchemes.ApiKeyAuth (api key in header Api-Key) -> Client::new_with_api_key",
                "securitySchemes.BearerAuth (http bearer) -> Client::new_with_bearer_token",
                "securitySchemes.Basic: not bearer or a header API key; no constructor",
                "securitySchemes.Other: a second scheme of its kind; no constructor",
            ]
        );
    }
}
