//! TLS for the API client and the downloader: the backend the crate's
//! features choose, and extra root certificates (for a private gateway, or
//! a test server with its own certificate authority).

use crate::error::{Error, Setting};

/// PEM text of extra root certificates, parsed when a client is built.
#[derive(Debug, Clone, Default)]
pub(crate) struct ExtraRoots {
    pem: Vec<Vec<u8>>,
}

impl ExtraRoots {
    pub(crate) fn add(&mut self, pem: Vec<u8>) {
        self.pem.push(pem);
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.pem.is_empty()
    }

    /// `builder` with the crate's TLS backend and these roots trusted
    /// beside the platform's.
    pub(crate) fn apply(&self, builder: reqwest::ClientBuilder) -> Result<reqwest::ClientBuilder, Error> {
        let builder = backend(builder);
        if self.pem.is_empty() {
            return Ok(builder);
        }
        merge(builder, &self.pem)
    }
}

#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
fn backend(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    ring_unless_a_provider_is_installed();
    builder.tls_backend_rustls()
}

/// reqwest's rustls takes the process's default crypto provider. With
/// `rustls-ring` alone none is compiled in, so ring's is installed when the
/// application has installed none; with `rustls`, reqwest falls back to
/// aws-lc-rs by itself.
#[cfg(any(feature = "rustls", feature = "rustls-ring"))]
fn ring_unless_a_provider_is_installed() {
    #[cfg(all(feature = "rustls-ring", not(feature = "rustls")))]
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err: another thread installed one in between, which is as good.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}

#[cfg(all(feature = "native-tls", not(any(feature = "rustls", feature = "rustls-ring"))))]
fn backend(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder.tls_backend_native()
}

#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
fn backend(builder: reqwest::ClientBuilder) -> reqwest::ClientBuilder {
    builder
}

#[cfg(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"))]
fn merge(builder: reqwest::ClientBuilder, pems: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
    let mut certificates = Vec::new();
    for pem in pems {
        let parsed = reqwest::Certificate::from_pem_bundle(pem)
            .map_err(|e| Error::config(Setting::RootCertificates, format!("not PEM certificates: {e}")))?;
        if parsed.is_empty() {
            return Err(Error::config(
                Setting::RootCertificates,
                "the PEM text holds no certificate",
            ));
        }
        certificates.extend(parsed);
    }
    Ok(builder.tls_certs_merge(certificates))
}

#[cfg(not(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls")))]
fn merge(_: reqwest::ClientBuilder, _: &[Vec<u8>]) -> Result<reqwest::ClientBuilder, Error> {
    Err(Error::config(
        Setting::RootCertificates,
        "this build of remix-client has no TLS (enable its `rustls` or `native-tls` feature)",
    ))
}

/// Whether this build can speak TLS at all.
pub(crate) const HAS_TLS: bool = cfg!(any(feature = "rustls", feature = "rustls-ring", feature = "native-tls"));

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_pem_names_the_setting() {
        let mut roots = ExtraRoots::default();
        roots.add(b"not a certificate".to_vec());
        let err = roots.apply(reqwest::Client::builder()).unwrap_err();
        assert!(
            matches!(
                err,
                Error::Config {
                    setting: Setting::RootCertificates,
                    ..
                }
            ),
            "{err}"
        );
    }
}
