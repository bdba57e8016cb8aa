//! `spec-fetch URL OUT`: fetches the spec at `URL` into the file `OUT`.
//! `https://` only, or `http://` on loopback (a test server); at most 30 s
//! and 64 MiB; a status other than 2xx, or a body that is neither JSON nor
//! YAML text, is refused with the reason. Whether it is a spec, client-gen
//! decides next.

use std::process::ExitCode;
use std::time::Duration;

/// The longest a fetch may take.
const TIMEOUT: Duration = Duration::from_secs(30);

/// The largest spec accepted (the biggest of the public directory is 35 MB).
const MAX_BYTES: usize = 64 << 20;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [url, out] = args.as_slice() else {
        eprintln!("usage: spec-fetch URL OUT");
        return ExitCode::from(2);
    };
    match fetch(url).and_then(|bytes| std::fs::write(out, bytes).map_err(|e| format!("writing {out}: {e}"))) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `url` may be fetched: `https://`, or `http://` to a loopback
/// host.
fn allowed(url: &reqwest::Url) -> Result<(), String> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]")) => Ok(()),
        scheme => Err(format!(
            "{url}: the URL must be https:// (http:// only on loopback), not {scheme}://"
        )),
    }
}

fn fetch(text: &str) -> Result<Vec<u8>, String> {
    let url = reqwest::Url::parse(text).map_err(|e| format!("{text:?} is not a URL: {e}"))?;
    allowed(&url)?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the runtime: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::limited(3))
            .build()
            .map_err(|e| format!("cannot build the HTTP client: {e}"))?;
        let response = client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| format!("fetching {url} failed: {e}"))?;
        let status = response.status();
        if !status.is_success() {
            return Err(format!("{url} answered HTTP {status}: not a spec"));
        }
        if response.content_length().is_some_and(|n| n > MAX_BYTES as u64) {
            return Err(format!("{url} announces more than {MAX_BYTES} bytes: not taken"));
        }
        let bytes = response
            .bytes()
            .await
            .map_err(|e| format!("reading {url} failed: {e}"))?;
        if bytes.len() > MAX_BYTES {
            return Err(format!("{url} sent more than {MAX_BYTES} bytes: not taken"));
        }
        if std::str::from_utf8(&bytes).is_err() {
            return Err(format!(
                "{url} sent bytes that are not UTF-8 text: not a JSON or YAML spec"
            ));
        }
        Ok(bytes.to_vec())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        let ok = |u: &str| allowed(&reqwest::Url::parse(u).unwrap()).is_ok();
        assert!(ok("https://api.example.com/openapi.yaml"));
        assert!(ok("http://127.0.0.1:8080/spec.json"));
        assert!(!ok("http://api.example.com/openapi.yaml"));
        let err = allowed(&reqwest::Url::parse("ftp://x/y").unwrap()).unwrap_err();
        assert!(err.contains("must be https://"), "{err}");
    }
}
