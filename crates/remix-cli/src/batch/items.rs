//! What a batch remixes: one item per image, from images and folders with
//! one request for all, or from a JSON Lines manifest with a request per
//! line. Every item is checked before anything is sent.

use std::collections::HashMap;
use std::hash::Hasher;
use std::path::{Path, PathBuf};

use remix_client::{ImageFile, ImageFormat, ImageRequest};
use serde_json::Value;

use crate::report::Failure;

/// `.png, .jpg, .jpeg or .webp`: the extensions a folder's images are
/// recognized by, from [`ImageFormat::EXTENSIONS`].
fn extension_list() -> String {
    let names: Vec<String> = ImageFormat::EXTENSIONS.iter().map(|(e, _)| format!(".{e}")).collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        _ => names.join(""),
    }
}

/// One image to remix, with its request.
#[derive(Debug, Clone)]
pub struct Item {
    /// Stable across runs: a hash of the image's full path and the
    /// request's JSON, so the same work is recognized in the journal.
    pub key: String,
    /// The image, as given (or resolved against the manifest's folder).
    pub image: PathBuf,
    /// Its request.
    pub request: ImageRequest,
    /// Where it came from, for messages (`photo.png`, `manifest line 3`).
    pub origin: String,
}

impl Item {
    fn new(image: PathBuf, request: ImageRequest, origin: String) -> Item {
        let full = std::fs::canonicalize(&image).unwrap_or_else(|_| image.clone());
        let text = format!("{}\n{}", full.display(), request.to_json());
        let mut hasher = fnv::FnvHasher::default();
        hasher.write(text.as_bytes());
        let hash = hasher.finish();
        Item {
            key: format!("{hash:016x}"),
            image,
            request,
            origin,
        }
    }

    /// The image's file stem, which downloads are named after.
    pub fn stem(&self) -> String {
        self.image
            .file_stem()
            .map_or_else(|| "image".into(), |s| s.to_string_lossy().into_owned())
    }
}

/// The images of a folder (by extension, not recursive), sorted by name,
/// and how many other files it holds.
fn folder_images(dir: &Path) -> Result<(Vec<PathBuf>, usize), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        Failure::usage(
            format!("cannot read the folder {}: {e}", dir.display()),
            "check the path",
        )
    })?;
    let mut images = Vec::new();
    let mut others = 0;
    for entry in entries.flatten() {
        let path = entry.path();
        let is_image = path.is_file()
            && path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| ImageFormat::from_extension(e).is_some());
        if is_image {
            images.push(path);
        } else if path.is_file() {
            others += 1;
        }
    }
    images.sort();
    Ok((images, others))
}

/// Items from images and folders, all with `request`. Returns the items
/// and notes for the user (files a folder holds that are not images).
pub fn from_inputs(inputs: &[PathBuf], request: &ImageRequest) -> Result<(Vec<Item>, Vec<String>), Failure> {
    let mut items = Vec::new();
    let mut notes = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let (images, others) = folder_images(input)?;
            if others > 0 {
                notes.push(format!(
                    "{}: {others} file(s) without a {} name left out",
                    input.display(),
                    extension_list()
                ));
            }
            if images.is_empty() {
                return Err(Failure::usage(
                    format!("the folder {} holds no image", input.display()),
                    format!("give folders with {} files", extension_list()),
                ));
            }
            items.extend(images.into_iter().map(|path| {
                let origin = path.display().to_string();
                Item::new(path, request.clone(), origin)
            }));
        } else {
            items.push(Item::new(input.clone(), request.clone(), input.display().to_string()));
        }
    }
    Ok((items, notes))
}

/// Reads one manifest line: `{"image": PATH, "request": {...}}`.
fn manifest_line(text: &str, base: &Path) -> Result<(PathBuf, ImageRequest), String> {
    let value: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let object = value.as_object().ok_or("not a JSON object")?;
    if let Some(key) = object.keys().find(|k| *k != "image" && *k != "request") {
        return Err(format!("unknown key `{key}`; a line has only `image` and `request`"));
    }
    let image = object
        .get("image")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or("`image` must be the path of an image")?;
    let request = object.get("request").ok_or("`request` is missing")?;
    let request = ImageRequest::from_value(request).map_err(|e| format!("request: {e}"))?;
    Ok((base.join(image), request))
}

/// Items from a JSON Lines manifest. Every bad line is reported, with its
/// number; blank lines are skipped.
pub fn from_manifest(path: &Path) -> Result<Vec<Item>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::usage(
            format!("cannot read --manifest {}: {e}", path.display()),
            "check the path",
        )
    })?;
    let base = path.parent().unwrap_or(Path::new(""));
    let mut items = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        match manifest_line(line, base) {
            Ok((image, request)) => items.push(Item::new(image, request, format!("manifest line {}", i + 1))),
            Err(problem) => problems.push(format!("{} line {}: {problem}", path.display(), i + 1)),
        }
    }
    if !problems.is_empty() {
        return Err(refusal(problems, "fix the manifest's lines; nothing was sent"));
    }
    if items.is_empty() {
        return Err(Failure::usage(
            format!("{} has no line", path.display()),
            "one line per image",
        ));
    }
    Ok(items)
}

/// Checks every item's image and that no work is listed twice; reports
/// every problem at once. Nothing is sent when there is one.
pub async fn check(items: &[Item]) -> Result<(), Failure> {
    let mut problems = Vec::new();
    let mut seen: HashMap<&str, &str> = HashMap::new();
    for item in items {
        if let Err(e) = ImageFile::from_path(&item.image).await {
            problems.push(format!("{}: {e}", item.origin));
        }
        if let Some(first) = seen.insert(&item.key, &item.origin) {
            problems.push(format!(
                "{}: the same image and request as {first}; list each once",
                item.origin
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(refusal(problems, "fix the inputs; nothing was sent"))
    }
}

/// A usage failure listing `problems`, one per line.
fn refusal(problems: Vec<String>, hint: &str) -> Failure {
    Failure::usage(problems.join("\n       "), hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_lines_are_read_with_the_request_checks() {
        let base = Path::new("/data");
        let (image, request) = manifest_line(r#"{"image": "a.png", "request": {"prompt": "p"}}"#, base).unwrap();
        assert_eq!((image, request.prompt()), (PathBuf::from("/data/a.png"), "p"));
        let bad = |line: &str| manifest_line(line, base).unwrap_err();
        assert!(bad("{").starts_with("not JSON"));
        assert!(bad(r#"{"image": "a.png"}"#).contains("`request` is missing"));
        assert!(bad(r#"{"image": "a.png", "request": {"prompt": "p"}, "x": 1}"#).contains("unknown key `x`"));
        let rule = bad(r#"{"image": "a.png", "request": {"prompt": "p", "num_images": 9}}"#);
        assert!(rule.contains("`num_images` = 9 must be between 1 and 8"), "{rule}");
    }

    #[test]
    fn keys_follow_the_image_and_the_request() {
        let request = |p: &str| ImageRequest::builder(p).build().unwrap();
        let a = Item::new("a.png".into(), request("p"), String::new());
        assert_eq!(a.key, Item::new("a.png".into(), request("p"), "other".into()).key);
        assert_ne!(a.key, Item::new("b.png".into(), request("p"), String::new()).key);
        assert_ne!(a.key, Item::new("a.png".into(), request("q"), String::new()).key);
        assert_eq!(a.stem(), "a");
    }
}
