//! Authenticated `reqwest` clients: [`bearer_client`] and
//! [`api_key_client`], for the constructors generated per security scheme.

use std::fmt;

use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderName, HeaderValue};

/// Why an authenticated client could not be built. The credential itself is
/// never part of the error.
#[derive(Debug)]
#[non_exhaustive]
pub enum AuthError {
    /// The credential is empty or only white space.
    Empty {
        /// What the credential is (`bearer token`, `API key`).
        credential: &'static str,
    },
    /// The credential holds a byte that cannot be sent in an HTTP header (a
    /// control character or a line break, say).
    Unsendable {
        /// What the credential is.
        credential: &'static str,
    },
    /// The header name of an API-key scheme is not a valid header name.
    HeaderName {
        /// The name, as the spec gives it.
        name: &'static str,
    },
    /// `reqwest` could not build its client from the builder.
    Http(reqwest::Error),
}

impl fmt::Display for AuthError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuthError::Empty { credential } => write!(f, "the {credential} is empty"),
            AuthError::Unsendable { credential } => {
                write!(
                    f,
                    "the {credential} holds characters that cannot be sent in an HTTP header"
                )
            }
            AuthError::HeaderName { name } => write!(f, "{name:?} is not a valid HTTP header name"),
            AuthError::Http(e) => write!(f, "could not build the HTTP client: {e}"),
        }
    }
}

impl std::error::Error for AuthError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AuthError::Http(e) => Some(e),
            _ => None,
        }
    }
}

fn sensitive_value(credential: &'static str, text: String) -> Result<HeaderValue, AuthError> {
    let mut value = HeaderValue::try_from(text).map_err(|_| AuthError::Unsendable { credential })?;
    value.set_sensitive(true);
    Ok(value)
}

fn client_with(
    builder: reqwest::ClientBuilder,
    name: HeaderName,
    value: HeaderValue,
) -> Result<reqwest::Client, AuthError> {
    let mut headers = HeaderMap::with_capacity(1);
    headers.insert(name, value);
    builder.default_headers(headers).build().map_err(AuthError::Http)
}

/// A client that sends `Authorization: Bearer <token>` on every request.
///
/// The header value is marked sensitive, so `reqwest` and `http` never
/// print it. `builder` carries any other settings (timeouts, redirect
/// policy); default headers set on it are kept.
pub fn bearer_client(token: &str, builder: reqwest::ClientBuilder) -> Result<reqwest::Client, AuthError> {
    const CREDENTIAL: &str = "bearer token";
    if token.trim().is_empty() {
        return Err(AuthError::Empty { credential: CREDENTIAL });
    }
    let value = sensitive_value(CREDENTIAL, format!("Bearer {token}"))?;
    client_with(builder, AUTHORIZATION, value)
}

/// A client that sends `key` in the header `header` on every request (an
/// OpenAPI `apiKey` scheme `in: header`), marked sensitive like
/// [`bearer_client`]'s.
pub fn api_key_client(
    header: &'static str,
    key: &str,
    builder: reqwest::ClientBuilder,
) -> Result<reqwest::Client, AuthError> {
    const CREDENTIAL: &str = "API key";
    let name = HeaderName::try_from(header).map_err(|_| AuthError::HeaderName { name: header })?;
    if key.trim().is_empty() {
        return Err(AuthError::Empty { credential: CREDENTIAL });
    }
    let value = sensitive_value(CREDENTIAL, key.to_string())?;
    client_with(builder, name, value)
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};

    use super::*;

    /// Sends one request through `client` to a loopback server and returns
    /// the request head it received.
    async fn request_head(client: reqwest::Client) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/", listener.local_addr().unwrap());
        let server = tokio::spawn(async move {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut buf = [0u8; 1024];
            while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                let n = stream.read(&mut buf).await.unwrap();
                head.extend_from_slice(&buf[..n]);
            }
            stream
                .write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n")
                .await
                .unwrap();
            String::from_utf8(head).unwrap().to_ascii_lowercase()
        });
        client.get(url).send().await.unwrap();
        server.await.unwrap()
    }

    #[tokio::test]
    async fn the_bearer_token_goes_out_on_every_request() {
        let client = bearer_client("sk-123", reqwest::Client::builder()).unwrap();
        assert!(request_head(client).await.contains("authorization: bearer sk-123\r\n"));
    }

    #[tokio::test]
    async fn the_api_key_goes_out_in_its_header() {
        let client = api_key_client("Api-Key", "k-9", reqwest::Client::builder()).unwrap();
        assert!(request_head(client).await.contains("api-key: k-9\r\n"));
    }

    #[test]
    fn bad_credentials_are_refused_without_echoing_them() {
        let err = bearer_client("  ", reqwest::Client::builder()).unwrap_err();
        assert_eq!(err.to_string(), "the bearer token is empty");
        let err = bearer_client("sk-1\nX-Evil: 1", reqwest::Client::builder()).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the bearer token holds characters that cannot be sent in an HTTP header"
        );
        let err = api_key_client("Api-Key", "", reqwest::Client::builder()).unwrap_err();
        assert_eq!(err.to_string(), "the API key is empty");
        let err = api_key_client("bad header", "k", reqwest::Client::builder()).unwrap_err();
        assert!(matches!(err, AuthError::HeaderName { name: "bad header" }), "{err}");
    }

    #[test]
    fn the_header_is_sensitive() {
        let value = sensitive_value("bearer token", "Bearer x".into()).unwrap();
        assert!(value.is_sensitive());
        assert_eq!(format!("{value:?}"), "Sensitive");
    }
}
