//! `Downloader` over a real socket: what it saves is the whole image under
//! its final name, named by the format that arrived; anything else is an
//! error naming the link, and nothing is left on disk (no file under the
//! final name, no `.part`).

use std::path::{Path, PathBuf};

use remix_client::{DownloadError, Downloader, ImageFormat};
use remix_tests::{Reply, TestServer, png};

/// A fresh folder under the system's temp dir, removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new(name: &str) -> Folder {
        let dir = std::env::temp_dir().join(format!("remix-downloads-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Folder(dir)
    }

    /// The names in the folder, sorted (hidden `.part` files included).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(&self.0)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn fetch(server: &TestServer, target: &Path) -> Result<remix_client::Downloaded, DownloadError> {
    Downloader::new()
        .unwrap()
        .download(&format!("{}/images/photo-1.png", server.url()), target, None)
        .await
}

#[tokio::test]
async fn an_html_page_behind_a_200_is_not_saved() {
    let server = TestServer::always(Reply::raw(200, "text/html", "<html><body>Service busy</body></html>")).await;
    let dir = Folder::new("html");
    let err = fetch(&server, &dir.0.join("photo-1.png")).await.unwrap_err();
    match &err {
        DownloadError::NotAnImage { url, content_type } => {
            assert!(url.ends_with("/images/photo-1.png"), "{url}");
            assert_eq!(content_type.as_deref(), Some("text/html"));
        }
        other => panic!("expected NotAnImage, got {other:?}"),
    }
    assert!(err.to_string().contains("not a PNG, JPEG or WebP image"), "{err}");
    assert!(dir.names().is_empty(), "nothing on disk: {:?}", dir.names());
}

#[tokio::test]
async fn a_body_cut_short_is_not_saved() {
    let image = png(32, 32);
    let server = TestServer::always(Reply::Short {
        status: 200,
        body: image[..image.len() / 2].to_vec(),
        announced: image.len(),
    })
    .await;
    let dir = Folder::new("short");
    let err = fetch(&server, &dir.0.join("photo-1.png")).await.unwrap_err();
    assert!(
        matches!(err, DownloadError::Truncated { .. } | DownloadError::Transport { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("/images/photo-1.png"), "names the link: {err}");
    assert!(dir.names().is_empty(), "nothing on disk: {:?}", dir.names());
}

#[tokio::test]
async fn the_extension_follows_what_arrived() {
    let jpeg = b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00 not a real scan, but JPEG by its magic bytes".to_vec();
    let server = TestServer::always(Reply::raw(200, "image/jpeg", jpeg.clone())).await;
    let dir = Folder::new("jpeg");
    let saved = fetch(&server, &dir.0.join("photo-1.png")).await.unwrap();
    assert_eq!(saved.path, dir.0.join("photo-1.jpg"));
    assert_eq!(saved.format, ImageFormat::Jpeg);
    assert_eq!(saved.bytes, jpeg.len() as u64);
    assert_eq!(std::fs::read(&saved.path).unwrap(), jpeg);
    assert_eq!(dir.names(), vec!["photo-1.jpg"]);
}

#[tokio::test]
async fn a_leftover_part_file_is_replaced() {
    let server = TestServer::always(Reply::raw(200, "image/png", png(8, 8))).await;
    let dir = Folder::new("leftover");
    std::fs::write(
        dir.0.join(".photo-1.png.part"),
        b"half of an image from a run that died",
    )
    .unwrap();
    let saved = fetch(&server, &dir.0.join("photo-1.png")).await.unwrap();
    assert_eq!(std::fs::read(&saved.path).unwrap(), png(8, 8));
    assert_eq!(dir.names(), vec!["photo-1.png"], "the part file is gone");
}

#[tokio::test]
async fn a_file_under_the_final_name_is_never_replaced() {
    let jpeg = b"\xFF\xD8\xFF\xE0 a JPEG".to_vec();
    let server = TestServer::always(Reply::raw(200, "image/jpeg", jpeg)).await;
    let dir = Folder::new("exists");
    // The URL says .png, so photo-1.png is free; the JPEG's name is not.
    std::fs::write(dir.0.join("photo-1.jpg"), b"the user's own file").unwrap();
    let err = fetch(&server, &dir.0.join("photo-1.png")).await.unwrap_err();
    assert!(
        matches!(&err, DownloadError::Exists(p) if p.ends_with("photo-1.jpg")),
        "{err:?}"
    );
    assert_eq!(
        std::fs::read(dir.0.join("photo-1.jpg")).unwrap(),
        b"the user's own file"
    );
    assert_eq!(dir.names(), vec!["photo-1.jpg"], "no part file, nothing else");
}
