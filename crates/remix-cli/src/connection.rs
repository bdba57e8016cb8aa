//! The connection set-up `remix` and `remix batch` share: the client the
//! connection flags describe, the downloader, and what a failed download
//! means to the user.

use std::time::Duration;

use remix_client::{Client, ClientBuilder, Config, DownloadError, Downloader, limits};

use crate::args::ConnectionFlags;
use crate::exit::Exit;
use crate::report::{Failure, RequestOrigin, from_error};

/// The PEM text of `--ca-cert`, if given.
fn ca_cert(flags: &ConnectionFlags) -> Result<Option<Vec<u8>>, Failure> {
    read_ca_cert(flags.ca_cert.as_deref())
}

/// The PEM text of a `--ca-cert` file, if given.
fn read_ca_cert(path: Option<&std::path::Path>) -> Result<Option<Vec<u8>>, Failure> {
    let Some(path) = path else { return Ok(None) };
    std::fs::read(path).map(Some).map_err(|e| {
        Failure::usage(
            format!("cannot read --ca-cert {}: {e}", path.display()),
            "pass a PEM file",
        )
    })
}

/// The downloader the connection flags describe (`--ca-cert`).
pub fn downloader(flags: &ConnectionFlags) -> Result<Downloader, Failure> {
    downloader_trusting(flags.ca_cert.as_deref())
}

/// A downloader that also trusts the roots of the `--ca-cert` file, if any.
pub fn downloader_trusting(ca_cert: Option<&std::path::Path>) -> Result<Downloader, Failure> {
    match read_ca_cert(ca_cert)? {
        Some(pem) => Downloader::with_root_certificates_pem(pem),
        None => Downloader::new(),
    }
    .map_err(download_failure)
}

/// The client the connection flags describe.
pub fn build_client(flags: &ConnectionFlags) -> Result<Client, Failure> {
    client_builder(flags)?
        .build()
        .map_err(|e| from_error(&e, RequestOrigin::Flags))
}

/// The client builder the connection flags describe, checked.
pub fn client_builder(flags: &ConnectionFlags) -> Result<ClientBuilder, Failure> {
    let mut builder = Client::builder();
    if let Some(pem) = ca_cert(flags)? {
        builder = builder.root_certificates_pem(pem);
    }
    if let Some(key) = &flags.api_key {
        builder = builder.api_key(key.as_str());
    }
    if let Some(url) = &flags.base_url {
        builder = builder.base_url(url.as_str());
    }
    if let Some(secs) = flags.timeout {
        if secs == 0 {
            return Err(Failure::usage(
                "--timeout 0 leaves no time for the call",
                "use --timeout 1 or more",
            ));
        }
        let deadline = Duration::from_secs(secs);
        builder = builder.deadline(deadline);
        if deadline < Config::default().attempt_timeout {
            builder = builder.attempt_timeout(deadline);
        }
    }
    if let Some(n) = flags.max_retries {
        builder = builder.max_retries(n);
    }
    Ok(builder)
}

/// A failed download: exit code 6, after a remix that succeeded. An
/// expired link is said in one line.
pub fn download_failure(error: DownloadError) -> Failure {
    let lifetime = limits::describe_hours(limits::IMAGE_LINK_LIFETIME);
    let (message, hint) = match &error {
        DownloadError::Expired { at, .. } => (
            format!(
                "the image link expired at {}: image links last {lifetime}; remix again for new ones",
                httpdate::fmt_http_date(*at)
            ),
            None,
        ),
        DownloadError::Exists(_) => (
            format!("download failed: {}", crate::report::chain(&error)),
            Some("choose an empty --download DIR, or move the file away".to_string()),
        ),
        DownloadError::Status { .. } => (
            format!("download failed: {}", crate::report::chain(&error)),
            Some(format!("image links expire after about {lifetime}")),
        ),
        _ => (
            format!("download failed: {}", crate::report::chain(&error)),
            Some("check the network and the download directory".to_string()),
        ),
    };
    Failure {
        exit: Exit::Download,
        message,
        hint,
        ..Failure::default()
    }
}
