//! `remix`: the Remix API from a terminal, built on `remix-client` only.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use remix_client::{
    ApiErrorKind, AspectRatio, Client, ColorMember, ColorPalette, DownloadError, Downloader, Error, ImageFile,
    ImageRequest, MagicPromptOption, MagicPromptVersion, Model, PalettePreset, Progress, RemixResponse, Resolution,
    StyleType,
};

const EXIT_CODES: &str = "\
Exit codes:
  0  success
  2  usage error or invalid request: nothing was uploaded
  3  the API answered with an error
  4  network error or timeout
  5  the answer could not be decoded
  6  the remix succeeded but a download failed (or would overwrite a file)";

/// Remix an image with the Ideogram Remix API: send a source image and a
/// prompt, get new images (or a task for them) back.
///
/// The key comes from --api-key or REMIX_API_KEY; the base URL from
/// --base-url, REMIX_BASE_URL, or the API's own server.
#[derive(Debug, Parser)]
#[command(name = "remix", version, after_help = EXIT_CODES)]
struct Args {
    /// The source image: PNG, JPEG or WebP, at most 10 MiB.
    #[arg(long, value_name = "PATH")]
    image: PathBuf,

    /// What the new image should show.
    #[arg(long, value_name = "TEXT", required_unless_present = "request_file")]
    prompt: Option<String>,

    /// Aspect ratio: 16:9 or ASPECT_16_9 (not with --resolution).
    #[arg(long, value_name = "RATIO")]
    aspect_ratio: Option<String>,

    /// Resolution: 1024x1024 or RESOLUTION_1024_1024 (2.x models only).
    #[arg(long, value_name = "WxH")]
    resolution: Option<String>,

    /// Model: V_1, V_1_TURBO, V_2, V_2_TURBO, V_2A, V_2A_TURBO, V_3, AUTO.
    #[arg(long)]
    model: Option<String>,

    /// Style: AUTO, GENERAL, REALISTIC, DESIGN, RENDER_3D, ANIME, FICTION, CUSTOM, STYLIZED.
    #[arg(long)]
    style_type: Option<String>,

    /// MagicPrompt: AUTO, ON or OFF.
    #[arg(long, value_name = "OPTION")]
    magic_prompt: Option<String>,

    /// MagicPrompt version: V_0, V_0_1 ... V_0_8.
    #[arg(long, value_name = "VERSION")]
    magic_prompt_version: Option<String>,

    /// What should not appear (V_1, V_1_TURBO, V_2, V_2_TURBO).
    #[arg(long, value_name = "TEXT")]
    negative_prompt: Option<String>,

    /// How many images, 1 to 8.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    num_images: Option<u32>,

    /// How much the source image weighs, 1 to 100.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    image_weight: Option<u32>,

    /// Random seed, 0 to 2147483647.
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    seed: Option<u32>,

    /// A preset palette: EMBER, FRESH, JUNGLE, MAGIC, MELON, MOSAIC, PASTEL, ULTRAMARINE.
    #[arg(long, value_name = "PRESET", conflicts_with = "color")]
    palette: Option<String>,

    /// A custom palette color, '#RRGGBB' or '#RRGGBB:WEIGHT'; repeat for up to 8.
    #[arg(long, value_name = "HEX[:WEIGHT]")]
    color: Vec<String>,

    /// Read the whole image_request from a JSON file instead of the flags above.
    #[arg(
        long,
        value_name = "FILE.json",
        conflicts_with_all = [
            "prompt", "aspect_ratio", "resolution", "model", "style_type", "magic_prompt",
            "magic_prompt_version", "negative_prompt", "num_images", "image_weight", "seed", "palette", "color",
        ]
    )]
    request_file: Option<PathBuf>,

    /// The API's base URL.
    #[arg(long, env = "REMIX_BASE_URL", value_name = "URL")]
    base_url: Option<String>,

    /// The API key (prefer REMIX_API_KEY: flags show in process lists).
    #[arg(long, env = "REMIX_API_KEY", hide_env_values = true, value_name = "KEY")]
    api_key: Option<String>,

    /// Overall time limit in seconds, retries included.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    timeout: Option<u64>,

    /// Retries after the first attempt (0 disables them).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    max_retries: Option<u32>,

    /// Check everything and print what would be sent; needs no key and no network.
    #[arg(long)]
    dry_run: bool,

    /// Print the answer's JSON instead of a summary.
    #[arg(long)]
    json: bool,

    /// Save every image of a native answer into DIR as remix-1.png, remix-2.png, ...
    #[arg(long, value_name = "DIR")]
    download: Option<PathBuf>,
}

/// A failure with its exit code and a hint on what to change.
struct Failure {
    code: u8,
    message: String,
    hint: Option<String>,
}

impl Failure {
    fn usage(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Failure {
            code: 2,
            message: message.into(),
            hint: Some(hint.into()),
        }
    }
}

/// The flag that sets a request field, for hints.
fn flag_for(field: &str) -> &'static str {
    let top = field.split(['.', '[']).next().unwrap_or(field);
    match top {
        "prompt" => "--prompt",
        "aspect_ratio" => "--aspect-ratio",
        "resolution" => "--resolution",
        "model" => "--model",
        "style_type" => "--style-type",
        "magic_prompt_option" => "--magic-prompt",
        "magic_prompt_version" => "--magic-prompt-version",
        "negative_prompt" => "--negative-prompt",
        "num_images" => "--num-images",
        "image_weight" => "--image-weight",
        "seed" => "--seed",
        "color_palette" if field.contains("members") => "--color",
        "color_palette" => "--palette",
        _ => "--request-file",
    }
}

fn from_error(error: &Error, from_file: bool) -> Failure {
    let message = error.to_string();
    let (code, hint) = match error {
        Error::InvalidRequest(e) => {
            let field = &e.first().field;
            let hint = if from_file {
                format!("fix `{field}` in the --request-file JSON")
            } else {
                format!("fix {}", flag_for(field))
            };
            (2, Some(hint))
        }
        Error::InvalidImage(_) => (
            2,
            Some("pass a PNG, JPEG or WebP of at most 10 MiB with --image".into()),
        ),
        Error::Config { setting, .. } => (
            2,
            Some(match *setting {
                "api_key" => "pass --api-key or set REMIX_API_KEY".into(),
                "base_url" => "fix --base-url or REMIX_BASE_URL".into(),
                _ => "check the flags".into(),
            }),
        ),
        Error::Api(api) => (
            3,
            Some(match api.kind {
                ApiErrorKind::Unauthorized => "check --api-key or REMIX_API_KEY".into(),
                ApiErrorKind::PaymentRequired => {
                    "the account has no balance or hit a plan limit; retrying will not help".into()
                }
                ApiErrorKind::SafetyRejected => "change the prompt or the image".into(),
                ApiErrorKind::RateLimited => "wait and try again, or send fewer requests at once".into(),
                ApiErrorKind::BadRequest => "the server refused the request; check the values".into(),
                ApiErrorKind::NotFound | ApiErrorKind::Redirect => "check --base-url".into(),
                ApiErrorKind::Server => {
                    "the server failed; the job may still have been accepted, check before retrying".into()
                }
                _ => "see the server's message".into(),
            }),
        ),
        Error::Transport { .. } => (4, Some("check --base-url and the network".into())),
        Error::Timeout { .. } => (4, Some("raise --timeout, or try again later".into())),
        Error::Decode { .. } => (
            5,
            Some("the server answered in a shape this client does not know".into()),
        ),
        _ => (1, None),
    };
    Failure { code, message, hint }
}

/// Parses an enum flag: a known wire value (or a shorthand the caller
/// resolved), or a value in wire form that this version does not know,
/// which is sent as is with a warning.
fn wire_value<T: for<'a> From<&'a str>>(flag: &str, value: &str, known: &[&str]) -> Result<T, Failure> {
    if known.contains(&value) {
        return Ok(T::from(value));
    }
    let wire_form = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
    if wire_form {
        eprintln!("warning: {flag} {value} is not a value this version knows; sending it as is");
        return Ok(T::from(value));
    }
    Err(Failure::usage(
        format!("{flag} {value:?} is not a known value"),
        format!("use one of {}", known.join(", ")),
    ))
}

fn aspect_ratio(value: &str) -> Result<AspectRatio, Failure> {
    if let Some((a, b)) = value.split_once(':') {
        let (Ok(a), Ok(b)) = (a.trim().parse::<u32>(), b.trim().parse::<u32>()) else {
            return Err(Failure::usage(
                format!("--aspect-ratio {value:?} is not W:H"),
                "use a ratio such as 16:9",
            ));
        };
        return AspectRatio::from_ratio(a, b).ok_or_else(|| {
            Failure::usage(
                format!("--aspect-ratio {value} is not a ratio the API lists"),
                format!(
                    "use one of {} (or ASPECT_{a}_{b} to send it anyway)",
                    AspectRatio::KNOWN.join(", ")
                ),
            )
        });
    }
    wire_value("--aspect-ratio", value, AspectRatio::KNOWN)
}

fn resolution(value: &str) -> Result<Resolution, Failure> {
    if let Some((w, h)) = value.split_once(['x', 'X']) {
        let (Ok(w), Ok(h)) = (w.trim().parse::<u32>(), h.trim().parse::<u32>()) else {
            return Err(Failure::usage(
                format!("--resolution {value:?} is not WxH"),
                "use a size such as 1024x1024",
            ));
        };
        return Resolution::from_dimensions(w, h).ok_or_else(|| {
            Failure::usage(
                format!("--resolution {value} is not a resolution the API lists"),
                format!("pick a listed size such as 1024x1024 (or RESOLUTION_{w}_{h} to send it anyway)"),
            )
        });
    }
    wire_value("--resolution", value, Resolution::KNOWN)
}

fn color(value: &str) -> Result<ColorMember, Failure> {
    let (hex, weight) = match value.split_once(':') {
        Some((hex, weight)) => {
            let weight: f64 = weight.trim().parse().map_err(|_| {
                Failure::usage(
                    format!("--color {value:?}: the weight is not a number"),
                    "use '#RRGGBB:0.5'",
                )
            })?;
            (hex, Some(weight))
        }
        None => (value, None),
    };
    let member = ColorMember::new(hex.trim());
    Ok(match weight {
        Some(w) => member.weight(w),
        None => member,
    })
}

fn build_request(args: &Args) -> Result<ImageRequest, Failure> {
    if let Some(path) = &args.request_file {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Failure::usage(format!("cannot read {}: {e}", path.display()), "check --request-file"))?;
        return ImageRequest::from_json(&text).map_err(|e| from_error(&Error::InvalidRequest(e), true));
    }
    let mut b = ImageRequest::builder(args.prompt.clone().unwrap_or_default());
    if let Some(v) = &args.aspect_ratio {
        b = b.aspect_ratio(aspect_ratio(v)?);
    }
    if let Some(v) = &args.resolution {
        b = b.resolution(resolution(v)?);
    }
    if let Some(v) = &args.model {
        b = b.model(wire_value::<Model>("--model", v, Model::KNOWN)?);
    }
    if let Some(v) = &args.style_type {
        b = b.style_type(wire_value::<StyleType>("--style-type", v, StyleType::KNOWN)?);
    }
    if let Some(v) = &args.magic_prompt {
        b = b.magic_prompt_option(wire_value::<MagicPromptOption>(
            "--magic-prompt",
            v,
            MagicPromptOption::KNOWN,
        )?);
    }
    if let Some(v) = &args.magic_prompt_version {
        b = b.magic_prompt_version(wire_value::<MagicPromptVersion>(
            "--magic-prompt-version",
            v,
            MagicPromptVersion::KNOWN,
        )?);
    }
    if let Some(v) = &args.negative_prompt {
        b = b.negative_prompt(v.clone());
    }
    if let Some(v) = args.num_images {
        b = b.num_images(v);
    }
    if let Some(v) = args.image_weight {
        b = b.image_weight(v);
    }
    if let Some(v) = args.seed {
        b = b.seed(v);
    }
    if let Some(v) = &args.palette {
        b = b.color_palette(ColorPalette::preset(wire_value::<PalettePreset>(
            "--palette",
            v,
            PalettePreset::KNOWN,
        )?));
    }
    if !args.color.is_empty() {
        let members = args.color.iter().map(|c| color(c)).collect::<Result<Vec<_>, _>>()?;
        b = b.color_palette(ColorPalette::members(members));
    }
    b.build().map_err(|e| from_error(&Error::InvalidRequest(e), false))
}

const PROGRESS_MIN: u64 = 1024 * 1024;

/// A byte progress bar on stderr, for transfers above 1 MiB when stderr is
/// a terminal; `None` otherwise.
fn progress_bar(label: &str, total: u64) -> Option<(indicatif::ProgressBar, Progress)> {
    if total < PROGRESS_MIN || !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(label.to_string());
    let handle = bar.clone();
    let progress: Progress = std::sync::Arc::new(move |done, total| {
        if total > 0 && handle.length() != Some(total) {
            handle.set_length(total);
        }
        handle.set_position(done);
    });
    Some((bar, progress))
}

fn summary(response: &RemixResponse, attempts: u32) -> String {
    let mut out = String::new();
    match response {
        RemixResponse::Task(envelope) => {
            out.push_str(&format!(
                "task {} is {} (request id {})\n",
                envelope.data.task_id, envelope.data.task_status, envelope.request_id
            ));
        }
        RemixResponse::Images(images) => {
            out.push_str(&format!("{} image(s), created {}\n", images.data.len(), images.created));
            for (i, image) in images.data.iter().enumerate() {
                match &image.url {
                    Some(url) => out.push_str(&format!(
                        "  {}. {url} ({}, seed {})\n",
                        i + 1,
                        image.resolution,
                        image.seed
                    )),
                    None => out.push_str(&format!(
                        "  {}. withheld by the safety check (seed {})\n",
                        i + 1,
                        image.seed
                    )),
                }
            }
        }
    }
    if attempts > 1 {
        out.push_str(&format!("({attempts} attempts)\n"));
    }
    out
}

async fn download_all(response: &RemixResponse, dir: &Path) -> Result<Vec<(PathBuf, u64)>, Failure> {
    let downloader = Downloader::new().map_err(|e| from_error(&e, false))?;
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
        match result {
            Ok(size) => saved.push((path, size)),
            Err(e) => {
                let hint = match &e {
                    DownloadError::Exists(_) => "choose an empty --download DIR, or move the file away",
                    DownloadError::Status { .. } => "image links expire after about 24 hours",
                    _ => "check the network and the download directory",
                };
                return Err(Failure {
                    code: 6,
                    message: format!("download failed: {e}"),
                    hint: Some(hint.into()),
                });
            }
        }
    }
    Ok(saved)
}

async fn run(args: Args) -> Result<(), Failure> {
    let request = build_request(&args)?;
    let image = ImageFile::from_path(&args.image)
        .await
        .map_err(|e| from_error(&e.into(), false))?;
    if let Some(dir) = &args.download
        && !dir.is_dir()
    {
        return Err(Failure::usage(
            format!("--download {} is not a directory", dir.display()),
            "create it first",
        ));
    }

    if args.dry_run {
        let json = request.to_json();
        if args.json {
            #[derive(serde::Serialize)]
            struct FilePart<'a> {
                file_name: &'a str,
                content_type: &'a str,
                size: u64,
            }
            #[derive(serde::Serialize)]
            struct DryRun<'a> {
                image_request: &'a ImageRequest,
                image_file: FilePart<'a>,
            }
            let out = DryRun {
                image_request: &request,
                image_file: FilePart {
                    file_name: image.file_name(),
                    content_type: image.content_type(),
                    size: image.len(),
                },
            };
            println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
        } else {
            println!("dry run: nothing was sent");
            println!("image_request: {json}");
            println!(
                "image_file: {} ({}, {} bytes)",
                image.file_name(),
                image.content_type(),
                image.len()
            );
        }
        return Ok(());
    }

    let mut builder = Client::builder();
    if let Some(key) = &args.api_key {
        builder = builder.api_key(key.as_str());
    }
    if let Some(url) = &args.base_url {
        builder = builder.base_url(url.as_str());
    }
    if let Some(secs) = args.timeout {
        if secs == 0 {
            return Err(Failure::usage(
                "--timeout 0 leaves no time for the call",
                "use --timeout 1 or more",
            ));
        }
        let deadline = Duration::from_secs(secs);
        builder = builder.deadline(deadline);
        if deadline < remix_client::Config::default().attempt_timeout {
            builder = builder.attempt_timeout(deadline);
        }
    }
    if let Some(n) = args.max_retries {
        builder = builder.max_retries(n);
    }
    let client = builder.build().map_err(|e| from_error(&e, false))?;

    let bar = progress_bar("upload", image.len());
    let image = match &bar {
        Some((_, progress)) => {
            let progress = progress.clone();
            image.with_progress(move |done, total| progress(done, total))
        }
        None => image,
    };
    let result = client.remix_output(&request, image).await;
    if let Some((bar, _)) = bar {
        bar.finish_and_clear();
    }
    let output = result.map_err(|e| from_error(&e, args.request_file.is_some()))?;

    if args.json {
        println!("{}", serde_json::to_string_pretty(&output.json()).unwrap_or_default());
    } else {
        print!("{}", summary(&output.response, output.attempts));
    }
    if let Some(dir) = &args.download {
        if output.response.images().is_empty() {
            eprintln!("note: the answer is a task, not images; nothing to download");
        }
        for (path, size) in download_all(&output.response, dir).await? {
            if args.json {
                eprintln!("saved {} ({size} bytes)", path.display());
            } else {
                println!("saved {} ({size} bytes)", path.display());
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".into());
        eprintln!("error: internal error: {message}");
        eprintln!("hint: this is a bug in remix; please report it");
    }));
    let args = Args::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            eprintln!("error: {}", failure.message);
            if let Some(hint) = failure.hint {
                eprintln!("hint: {hint}");
            }
            ExitCode::from(failure.code)
        }
    }
}
