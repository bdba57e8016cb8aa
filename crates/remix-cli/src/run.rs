//! Running one remix: check the input, print a dry run, or build the
//! client, send, report, and download the images.

use std::path::{Path, PathBuf};

use remix_client::{Client, Downloader, ImageFile, ImageRequest, RemixResponse};

use crate::args::Cli;
use crate::connection::{build_client, download_failure, downloader};
use crate::report::{Failure, PROGRESS_MIN, RequestOrigin, from_error, progress_bar, summary};
use crate::request;

/// Runs one remix (`remix` without a command).
pub async fn run(cli: Cli) -> Result<(), Failure> {
    let request = request::from_args(&cli.request)?;
    let path = cli
        .image
        .as_ref()
        .ok_or_else(|| Failure::usage("--image is required", "pass --image PATH"))?;
    let image = ImageFile::from_path(path)
        .await
        .map_err(|e| from_error(&e.into(), RequestOrigin::Flags))?;
    if let Some(dir) = &cli.download
        && !dir.is_dir()
    {
        return Err(Failure::usage(
            format!("--download {} is not a directory", dir.display()),
            "create it first",
        ));
    }
    if cli.dry_run {
        print_dry_run(&request, &image, cli.json);
        return Ok(());
    }
    let client = build_client(&cli.connection)?;
    let origin = if cli.request.request_file.is_some() {
        RequestOrigin::File
    } else {
        RequestOrigin::Flags
    };
    let output = send(&client, &request, image, origin).await?;
    if cli.json {
        println!("{}", serde_json::to_string_pretty(&output.json()).unwrap_or_default());
    } else {
        print!("{}", summary(&output.response, output.attempts));
    }
    if let Some(dir) = &cli.download {
        if output.response.images().is_empty() {
            eprintln!("note: the answer is a task, not images; nothing to download");
        }
        let downloader = downloader(&cli.connection)?;
        for (path, size) in download_all(&downloader, &output.response, dir).await? {
            let line = format!("saved {} ({size} bytes)", path.display());
            if cli.json {
                eprintln!("{line}")
            } else {
                println!("{line}")
            }
        }
    }
    Ok(())
}

/// What a dry run prints: the request as it would be sent and the file.
fn print_dry_run(request: &ImageRequest, image: &ImageFile, json: bool) {
    /// The file part, as a dry run shows it.
    #[derive(serde::Serialize)]
    struct FilePart<'a> {
        file_name: &'a str,
        content_type: &'a str,
        size: u64,
    }
    /// Both parts, in the order they are sent.
    #[derive(serde::Serialize)]
    struct DryRun<'a> {
        image_request: &'a ImageRequest,
        image_file: FilePart<'a>,
    }
    if json {
        let out = DryRun {
            image_request: request,
            image_file: FilePart {
                file_name: image.file_name(),
                content_type: image.content_type(),
                size: image.len(),
            },
        };
        println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
    } else {
        println!("dry run: nothing was sent");
        println!("image_request: {}", request.to_json());
        println!(
            "image_file: {} ({}, {} bytes)",
            image.file_name(),
            image.content_type(),
            image.len()
        );
    }
}

/// Sends the remix, with an upload progress bar on a terminal.
pub async fn send(
    client: &Client,
    request: &ImageRequest,
    image: ImageFile,
    origin: RequestOrigin,
) -> Result<remix_client::RemixOutput, Failure> {
    let bar = progress_bar("upload", image.len());
    let image = match &bar {
        Some((_, progress)) => {
            let progress = progress.clone();
            image.with_progress(move |done, total| progress(done, total))
        }
        None => image,
    };
    let result = client.remix_output(request, image).await;
    if let Some((bar, _)) = bar {
        bar.finish_and_clear();
    }
    result.map_err(|e| from_error(&e, origin))
}

/// Saves every image of a native answer into `dir` as `remix-N.EXT`.
async fn download_all(
    downloader: &Downloader,
    response: &RemixResponse,
    dir: &Path,
) -> Result<Vec<(PathBuf, u64)>, Failure> {
    let mut saved = Vec::new();
    for (i, image) in response.images().iter().enumerate() {
        let Some(url) = &image.url else { continue };
        let path = dir.join(format!("remix-{}.{}", i + 1, Downloader::extension_for(url)));
        let bar = progress_bar(&format!("download {}", i + 1), PROGRESS_MIN);
        let result = downloader
            .download(url, &path, bar.as_ref().map(|(_, p)| p.clone()))
            .await;
        if let Some((bar, _)) = bar {
            bar.finish_and_clear();
        }
        let saved_image = result.map_err(download_failure)?;
        saved.push((saved_image.path, saved_image.bytes));
    }
    Ok(saved)
}
