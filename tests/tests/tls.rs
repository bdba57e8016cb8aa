//! A real TLS handshake on loopback, so the TLS path is exercised and not
//! only compiled: a rustls server on 127.0.0.1 with a certificate signed by
//! a certificate authority made here, trusted by the client through
//! `ClientBuilder::root_certificates_pem` (as a private gateway would be).

use std::sync::Arc;

use rcgen::{BasicConstraints, CertificateParams, CertifiedIssuer, IsCa, KeyPair};
use remix_client::{Client, Downloader, Error, ImageFile, ImageRequest};
use remix_tests::png;
use rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

const ENVELOPE: &str = r#"{"code":200,"message":"success","request_id":"req-tls","data":{"task_id":"task-tls","task_status":"SUBMITTED","created_at":1,"updated_at":1}}"#;

/// A certificate authority and a server certificate it signed for
/// 127.0.0.1; returns the authority's PEM and the server's TLS config.
fn certificates() -> (String, rustls::ServerConfig) {
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = CertifiedIssuer::self_signed(ca_params, KeyPair::generate().unwrap()).unwrap();
    let server_key = KeyPair::generate().unwrap();
    let server = CertificateParams::new(vec!["127.0.0.1".to_string()])
        .unwrap()
        .signed_by(&server_key, &ca)
        .unwrap();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(server_key.serialize_der()));
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![server.der().clone(), ca.der().clone()], key)
        .unwrap();
    (ca.pem(), config)
}

/// Reads one HTTP/1.1 request (head and `Content-Length` body) and returns
/// its head.
async fn read_request<S: AsyncReadExt + Unpin>(stream: &mut S) -> String {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 16 * 1024];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the client closed mid-request");
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .map_or(0, |v| v.trim().parse().unwrap());
    while buf.len() < head_end + length {
        let n = stream.read(&mut chunk).await.unwrap();
        assert!(n > 0, "the client closed mid-body");
        buf.extend_from_slice(&chunk[..n]);
    }
    head
}

/// An HTTPS server on 127.0.0.1 that answers every request with `body`;
/// returns its base URL and the PEM of the authority that signed its
/// certificate.
async fn https_server(content_type: &'static str, body: Vec<u8>) -> (String, String) {
    let (ca_pem, config) = certificates();
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("https://{}", listener.local_addr().unwrap());
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let (acceptor, body) = (acceptor.clone(), body.clone());
            tokio::spawn(async move {
                // A client that refuses the certificate ends the handshake.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                read_request(&mut tls).await;
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                tls.write_all(head.as_bytes()).await.unwrap();
                tls.write_all(&body).await.unwrap();
                tls.shutdown().await.unwrap();
            });
        }
    });
    (url, ca_pem)
}

fn request() -> ImageRequest {
    ImageRequest::builder("a sunset over TLS").build().unwrap()
}

fn image() -> ImageFile {
    ImageFile::from_bytes(png(8, 8), "photo.png").unwrap()
}

#[tokio::test]
async fn a_remix_goes_over_tls_to_a_trusted_server() {
    let (url, ca_pem) = https_server("application/json", ENVELOPE.as_bytes().to_vec()).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(&url)
        .root_certificates_pem(ca_pem)
        .build()
        .unwrap();
    let response = client.remix(&request(), image()).await.unwrap();
    assert_eq!(response.task().unwrap().task_id, "task-tls");
}

#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let (url, _) = https_server("application/json", ENVELOPE.as_bytes().to_vec()).await;
    let client = Client::builder()
        .api_key("k")
        .base_url(&url)
        .max_retries(0)
        .build()
        .unwrap();
    match client.remix(&request(), image()).await {
        Err(e @ Error::Transport { .. }) => {
            // The cause is the source, read as `{:#}` reads it.
            let mut text = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(cause) = source {
                text.push_str(&format!(": {cause}"));
                source = cause.source();
            }
            assert!(text.to_lowercase().contains("certificate"), "{text}");
        }
        other => panic!("expected a refused certificate, got {other:?}"),
    }
}

#[tokio::test]
async fn a_download_goes_over_tls_too() {
    let (url, ca_pem) = https_server("image/png", png(4, 4)).await;
    let dir = std::env::temp_dir().join(format!("remix-tls-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("image.png");
    let _ = std::fs::remove_file(&path);
    let downloader = Downloader::with_root_certificates_pem(ca_pem).unwrap();
    let saved = downloader
        .download(&format!("{url}/images/a.png"), &path, None)
        .await
        .unwrap();
    assert_eq!(saved.path, path);
    assert_eq!(std::fs::read(&path).unwrap(), png(4, 4));
    assert_eq!(saved.bytes, png(4, 4).len() as u64);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_root_certificates_are_a_configuration_error() {
    let err = Client::builder()
        .api_key("k")
        .root_certificates_pem("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n")
        .build()
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Config {
                setting: remix_client::Setting::RootCertificates,
                ..
            }
        ),
        "{err}"
    );
}
