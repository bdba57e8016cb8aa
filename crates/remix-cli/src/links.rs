//! `remix download`: saving image links an earlier `remix` printed, with
//! no request to the API, so that a failed `remix --download` is finished
//! without paying again.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use remix_client::{Downloader, limits};

use crate::args::DownloadArgs;
use crate::connection::{download_failure, downloader_trusting};
use crate::exit::Exit;
use crate::report::Failure;

/// Saves every link of `args` into `--out`; returns [`Exit::Download`]
/// when any was not saved. With `--json`, one object on stdout instead of
/// lines: `{"links": [{"url", "expiry", "path", "bytes", "error"}],
/// "saved", "failed"}`.
pub async fn run(args: DownloadArgs) -> Result<Exit, Failure> {
    std::fs::create_dir_all(&args.out).map_err(|e| {
        Failure::usage(
            format!("cannot create --out {}: {e}", args.out.display()),
            "check the path",
        )
    })?;
    let downloader = downloader_trusting(args.ca_cert.as_deref())?;
    let now = SystemTime::now();
    let mut links: Vec<serde_json::Value> = Vec::new();
    for (i, url) in args.urls.iter().enumerate() {
        let expiry = expiry_line(Downloader::link_expiry(url), now);
        if !args.json {
            println!("link {}: {expiry}", i + 1);
        }
        links.push(serde_json::json!({ "url": url, "expiry": expiry }));
    }
    let mut failed = 0;
    for (i, (url, link)) in args.urls.iter().zip(&mut links).enumerate() {
        let target = target_path(&args.out, url, i + 1);
        match downloader.download(url, &target, None).await {
            Ok(saved) => {
                if !args.json {
                    println!("saved {} ({} bytes)", saved.path.display(), saved.bytes);
                }
                link["path"] = saved.path.display().to_string().into();
                link["bytes"] = saved.bytes.into();
            }
            Err(e) => {
                failed += 1;
                let failure = download_failure(e);
                if !args.json {
                    eprintln!("error: link {}: {}", i + 1, failure.message);
                }
                link["error"] = failure.message.into();
            }
        }
    }
    if args.json {
        let saved = links.len() - failed;
        let out = serde_json::json!({ "links": links, "saved": saved, "failed": failed });
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    }
    Ok(if failed == 0 { Exit::Success } else { Exit::Download })
}

/// What a link's expiry means to the user, said before anything is fetched.
fn expiry_line(expiry: Option<SystemTime>, now: SystemTime) -> String {
    match expiry {
        Some(at) if at <= now => format!(
            "expired {}: not fetched; only a new remix (which charges again) gives new links",
            httpdate::fmt_http_date(at)
        ),
        Some(at) => {
            let left = at.duration_since(now).unwrap_or_default();
            format!(
                "expires {} (in {} min)",
                httpdate::fmt_http_date(at),
                left.as_secs() / 60
            )
        }
        None => format!(
            "no expiry in the link (the API's links last {})",
            limits::describe_hours(limits::IMAGE_LINK_LIFETIME)
        ),
    }
}

/// `DIR/<name>.<ext>`: the link's last path segment (letters, digits, `-`
/// and `_` kept), or `image-N` when it has none; the downloader sets the
/// extension to the format that arrives.
fn target_path(dir: &Path, url: &str, n: usize) -> PathBuf {
    let segment = url
        .split(['?', '#'])
        .next()
        .and_then(|u| u.rsplit('/').next())
        .unwrap_or_default();
    let stem = Path::new(segment)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let stem: String = stem
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
        .take(80)
        .collect();
    let stem = if stem.is_empty() { format!("image-{n}") } else { stem };
    dir.join(format!("{stem}.{}", Downloader::extension_for(url)))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn files_are_named_after_the_link() {
        let dir = Path::new("out");
        assert_eq!(
            target_path(dir, "https://cdn.test/ephemeral/abc-123.jpg?exp=1&sig=x", 1),
            Path::new("out/abc-123.jpg")
        );
        assert_eq!(target_path(dir, "https://cdn.test/", 2), Path::new("out/image-2.png"));
        assert_eq!(
            target_path(dir, "https://cdn.test/a/..%2f..%2fetc.png", 3),
            Path::new("out/2f2fetc.png"),
            "nothing but letters, digits, - and _ from the link"
        );
    }

    #[test]
    fn the_expiry_is_said_in_the_users_terms() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert!(expiry_line(Some(now - Duration::from_secs(1)), now).starts_with("expired "));
        assert!(expiry_line(Some(now + Duration::from_secs(3600)), now).ends_with("(in 60 min)"));
        assert!(expiry_line(None, now).contains("24 hours"));
    }
}
