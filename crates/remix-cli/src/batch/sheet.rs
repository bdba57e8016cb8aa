//! The contact sheet, `DIR/index.html`, written after every run: each
//! item's source image beside its downloaded remixes (thumbnails linking
//! to the files, by relative paths), its request in short, its outcome,
//! and for images not downloaded their link and expiry. Static HTML and
//! CSS: no script, nothing fetched from the network; every text from the
//! user or the API is escaped.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

use super::items::Item;
use super::journal::{Outcome, State, http_date};

/// The sheet's file name in the batch's folder.
pub const FILE_NAME: &str = "index.html";

/// `text` safe inside HTML text and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `path` relative to the folder `from` (both made absolute first), with
/// `/` separators and each segment percent-encoded where a URL needs it,
/// for an `href` or `src`.
pub fn relative_href(from: &Path, path: &Path) -> String {
    let absolute = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let (from, path) = (absolute(from), absolute(path));
    let from: Vec<Component> = from.components().collect();
    let to: Vec<Component> = path.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut segments: Vec<String> = vec!["..".to_string(); from.len() - common];
    segments.extend(
        to[common..]
            .iter()
            .map(|c| encode_segment(&c.as_os_str().to_string_lossy())),
    );
    segments.join("/")
}

fn encode_segment(segment: &str) -> String {
    let mut out = String::new();
    for byte in segment.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:1.5rem;background:#fafafa;color:#222}\
h1{font-size:1.3rem}\
.item{display:flex;gap:1rem;align-items:flex-start;background:#fff;border:1px solid #ddd;border-radius:6px;\
padding:.8rem;margin-bottom:1rem}\
.item figure{margin:0;text-align:center;font-size:.75rem}\
.item img{width:160px;height:160px;object-fit:contain;background:#eee;border:1px solid #ccc}\
.source img{border-color:#888}\
.meta{font-size:.85rem;max-width:28rem;overflow-wrap:anywhere}\
.ok{color:#176f2c}.failed{color:#a11}.pending{color:#8a6100}\
.link{font-size:.75rem;overflow-wrap:anywhere}";

/// One item's section.
fn item_html(dir: &Path, item: &Item, state: Option<&State>) -> String {
    let mut out = String::from("<section class=\"item\">");
    out.push_str(&format!(
        "<figure class=\"source\"><a href=\"{href}\"><img src=\"{href}\" alt=\"source {name}\"></a>\
         <figcaption>source: {name}</figcaption></figure>",
        href = escape(&relative_href(dir, &item.image)),
        name = escape(&item.image.display().to_string()),
    ));
    let mut meta = format!(
        "<p><b>prompt:</b> {}</p><p><b>request:</b> <code>{}</code></p>",
        escape(item.request.prompt()),
        escape(&item.request.to_json())
    );
    match state {
        Some(State::Finished(Outcome::Ok {
            images,
            files,
            download_error,
            request_id,
            task_id,
        })) => {
            for file in files {
                out.push_str(&format!(
                    "<figure><a href=\"{href}\"><img src=\"{href}\" alt=\"remix {name}\"></a>\
                     <figcaption>{name}</figcaption></figure>",
                    href = escape(&relative_href(dir, file)),
                    name = escape(&file.file_name().unwrap_or_default().to_string_lossy()),
                ));
            }
            meta.push_str(&format!(
                "<p class=\"ok\">succeeded: {} image(s), {} saved{}{}</p>",
                images.len(),
                files.len(),
                request_id
                    .as_deref()
                    .map(|r| format!(", request {}", escape(r)))
                    .unwrap_or_default(),
                task_id
                    .as_deref()
                    .map(|t| format!(", task {}", escape(t)))
                    .unwrap_or_default(),
            ));
            for link in images.iter().skip(files.len()) {
                let expiry = link
                    .expires_at
                    .map(|at| format!(" (expires {})", http_date(at)))
                    .unwrap_or_default();
                meta.push_str(&format!(
                    "<p class=\"link\">not downloaded: <a href=\"{url}\">{url}</a>{expiry}</p>",
                    url = escape(&link.url)
                ));
            }
            if let Some(error) = download_error {
                meta.push_str(&format!("<p class=\"failed\">download failed: {}</p>", escape(error)));
            }
        }
        Some(State::Finished(Outcome::Failed { error, .. })) => {
            meta.push_str(&format!("<p class=\"failed\">failed: {}</p>", escape(error)));
        }
        Some(State::Interrupted) => meta.push_str(
            "<p class=\"pending\">interrupted in flight: may have been charged (--resend-interrupted sends it)</p>",
        ),
        None => meta.push_str("<p class=\"pending\">not sent yet</p>"),
    }
    out.push_str(&format!("<div class=\"meta\">{meta}</div></section>\n"));
    out
}

/// The whole sheet for `items`, by their last state in the journal.
pub fn render(dir: &Path, items: &[Item], states: &HashMap<String, State>) -> String {
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>remix batch: {}</title><style>{STYLE}</style></head><body>\n<h1>remix batch: {} item(s)</h1>\n",
        escape(&dir.display().to_string()),
        items.len()
    );
    for item in items {
        out.push_str(&item_html(dir, item, states.get(&item.key)));
    }
    out.push_str("</body></html>\n");
    out
}

/// Writes the sheet into `dir` whole (a temporary file renamed over the
/// old sheet).
pub fn write(dir: &Path, items: &[Item], states: &HashMap<String, State>) -> std::io::Result<PathBuf> {
    let path = dir.join(FILE_NAME);
    let part = dir.join(format!(".{FILE_NAME}.part"));
    let written = std::fs::write(&part, render(dir, items, states)).and_then(|()| std::fs::rename(&part, &path));
    if written.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    written.map(|()| path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_paths_are_relative_hrefs() {
        assert_eq!(
            escape("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            relative_href(Path::new("/a/out"), Path::new("/a/in/p 1.png")),
            "../in/p%201.png"
        );
        assert_eq!(
            relative_href(Path::new("/a/out"), Path::new("/a/out/x-1.png")),
            "x-1.png"
        );
    }
}
