//! The command line: every flag, with help derived from remix-client's
//! tables (models, enum values, limits), so a new model or value shows in
//! `--help` without an edit here.

use std::path::PathBuf;

use clap::{ArgAction, Args, Parser, Subcommand};
use remix_client::{MagicPromptOption, MagicPromptVersion, Model, ModelField, PalettePreset, StyleType, limits};

use crate::exit::{self, Command as ExitCommand};

/// Remix an image with the Ideogram Remix API: send a source image and a
/// prompt, get new images (or a task for them) back.
///
/// The key comes from --api-key or REMIX_API_KEY; the base URL from
/// --base-url, REMIX_BASE_URL, or the API's own server.
#[derive(Debug, Parser)]
#[command(
    name = "remix",
    version,
    after_help = exit::help(ExitCommand::Remix),
    args_conflicts_with_subcommands = true,
    subcommand_negates_reqs = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub connection: ConnectionFlags,

    /// The source image: PNG, JPEG or WebP.
    #[arg(long, value_name = "PATH", required = true, help = image_help())]
    pub image: Option<PathBuf>,

    /// Check everything and print what would be sent; needs no key and no network.
    #[arg(long)]
    pub dry_run: bool,

    /// Print the answer's JSON instead of a summary.
    #[arg(long)]
    pub json: bool,

    /// Save every image of a native answer into DIR as remix-1.png, remix-2.png, ...
    #[arg(long, value_name = "DIR")]
    pub download: Option<PathBuf>,

    /// Say on stderr what the client does: -v the calls, retries and
    /// downloads (status, request id, bytes, attempts), -vv each step.
    /// RUST_LOG (`remix_client=debug`, say) overrides it. The key is never
    /// printed.
    #[arg(short, long, action = ArgAction::Count, global = true)]
    pub verbose: u8,
}

/// Commands besides the single remix.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Remix a folder or list of images (or a manifest), concurrently,
    /// with a journal so that a re-run skips what finished and nothing is
    /// paid for twice.
    #[command(after_help = batch_help())]
    Batch(Box<BatchArgs>),
    /// Fetch image links an earlier `remix` printed into a folder, without
    /// sending anything to the API: a failed `remix --download` is finished
    /// this way instead of paying for a new remix.
    #[command(after_help = download_help())]
    Download(DownloadArgs),
    /// Print a completion script for a shell: `remix completions bash >
    /// ~/.local/share/bash-completion/completions/remix`, say.
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write the man pages (remix.1, remix-batch.1, ...) into DIR; `cargo
    /// xtask man` runs it.
    #[command(hide = true)]
    Man {
        /// The folder to write into (created if missing).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
}

/// `remix download`.
#[derive(Debug, Args)]
pub struct DownloadArgs {
    /// The folder to save into (created if missing). Files are named after
    /// the link (`<id>.png`, the extension that of the image that arrived)
    /// and never overwrite one there.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Also trust the root certificates in this PEM file.
    #[arg(long, value_name = "FILE.pem")]
    pub ca_cert: Option<PathBuf>,

    /// Print one JSON object (every link's expiry, path and bytes or
    /// error) instead of lines; errors are JSON on stderr too.
    #[arg(long)]
    pub json: bool,

    /// The image links, as `remix` printed them.
    #[arg(value_name = "URL", required = true)]
    pub urls: Vec<String>,
}

/// `remix download --help`'s text after the options.
fn download_help() -> String {
    format!(
        "Each link's expiry is said before anything is fetched (image links last {}); an expired link is \
         not fetched, since only a new remix, which charges again, gives a new one. Every image is \
         checked (a 2xx answer, every announced byte, PNG, JPEG or WebP) and written atomically: a \
         file under its final name is always whole.\n\n{}",
        limits::describe_hours(limits::IMAGE_LINK_LIFETIME),
        exit::help(ExitCommand::Download)
    )
}

/// `remix batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    pub request: RequestArgs,

    #[command(flatten)]
    pub connection: ConnectionFlags,

    /// A JSON Lines manifest, one {"image": PATH, "request": {...}} per
    /// line, instead of images and request flags. Relative image paths are
    /// relative to the manifest's folder.
    #[arg(long, value_name = "FILE.jsonl", conflicts_with_all = ["inputs", "request_file", REQUEST_FLAGS])]
    pub manifest: Option<PathBuf>,

    /// The folder of the journal (journal.jsonl) and of the downloads.
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    #[arg(long, value_name = "N", default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=64),
          help = "Images remixed at once, 1 to 64 (Ideogram's default limit is 10 in flight per organisation).")]
    pub concurrency: u32,

    /// Save each item's images into --out DIR as IMAGE-1.png, IMAGE-2.png, ...
    #[arg(long)]
    pub download: bool,

    /// Send again the items that failed in an earlier run.
    #[arg(long)]
    pub retry_failed: bool,

    /// Send again the items an earlier run was stopped in the middle of:
    /// they may have been charged already.
    #[arg(long)]
    pub resend_interrupted: bool,

    /// With --download: remix again the finished items whose images were
    /// never saved and whose links have expired. That charges again; without
    /// it they are listed as paid, links expired, not downloaded.
    #[arg(long, requires = "download")]
    pub remix_expired: bool,

    /// Print the summary as JSON.
    #[arg(long)]
    pub json: bool,

    /// Check everything and print what would be sent, what the journal
    /// already holds, and how many images would be charged; sends nothing
    /// and needs no key.
    #[arg(long)]
    pub dry_run: bool,

    /// Start no item that would take this run past N images charged (each
    /// item costs its num_images, the API's default where unset); the
    /// items left are sent by a later run.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_images: Option<u32>,

    /// Images (PNG, JPEG, WebP) and folders of them (not recursive).
    #[arg(value_name = "IMAGE_OR_FOLDER", required_unless_present = "manifest")]
    pub inputs: Vec<PathBuf>,
}

/// The request flags, or a request file instead of them.
#[derive(Debug, Args)]
pub struct RequestArgs {
    #[command(flatten)]
    pub flags: RequestFlags,

    /// Read the whole image_request from a JSON file instead of the request flags.
    #[arg(long, value_name = "FILE.json", conflicts_with = REQUEST_FLAGS)]
    pub request_file: Option<PathBuf>,
}

/// The group of the request flags, which a request file or a manifest replaces.
const REQUEST_FLAGS: &str = "request_flags";

/// The `image_request` flags.
#[derive(Debug, Args)]
#[group(id = REQUEST_FLAGS, multiple = true)]
pub struct RequestFlags {
    /// What the new image should show (required unless a request file or
    /// manifest gives it).
    #[arg(long, value_name = "TEXT")]
    pub prompt: Option<String>,

    /// Aspect ratio: 16:9 or ASPECT_16_9 (not with --resolution).
    #[arg(long, value_name = "RATIO")]
    pub aspect_ratio: Option<String>,

    #[arg(long, value_name = "WxH", help = only_some_models(
        "Resolution: 1024x1024 or RESOLUTION_1024_1024 (not with --aspect-ratio)",
        ModelField::Resolution,
    ))]
    pub resolution: Option<String>,

    #[arg(long, help = one_of("Model", Model::KNOWN))]
    pub model: Option<String>,

    #[arg(long, help = only_some_models(&one_of("Style", StyleType::KNOWN), ModelField::StyleType))]
    pub style_type: Option<String>,

    #[arg(long, value_name = "OPTION", help = one_of("MagicPrompt", MagicPromptOption::KNOWN))]
    pub magic_prompt: Option<String>,

    #[arg(long, value_name = "VERSION", help = first_to_last("MagicPrompt version", MagicPromptVersion::KNOWN))]
    pub magic_prompt_version: Option<String>,

    #[arg(long, value_name = "TEXT", help = only_some_models(
        "What should not appear",
        ModelField::NegativePrompt,
    ))]
    pub negative_prompt: Option<String>,

    #[arg(long, value_name = "N", allow_negative_numbers = true, help = range_help(
        "How many images",
        limits::NUM_IMAGES,
        limits::DEFAULT_NUM_IMAGES,
    ))]
    pub num_images: Option<u32>,

    #[arg(long, value_name = "N", allow_negative_numbers = true, help = range_help(
        "How much the source image weighs",
        limits::IMAGE_WEIGHT,
        limits::DEFAULT_IMAGE_WEIGHT,
    ))]
    pub image_weight: Option<u32>,

    #[arg(long, value_name = "N", allow_negative_numbers = true, help = format!(
        "Random seed, 0 to {}.", limits::MAX_SEED
    ))]
    pub seed: Option<u32>,

    #[arg(long, value_name = "PRESET", conflicts_with = "color", help = only_some_models(
        &one_of("A preset palette", PalettePreset::KNOWN),
        ModelField::ColorPalette,
    ))]
    pub palette: Option<String>,

    #[arg(long, value_name = "HEX[:WEIGHT]", help = format!(
        "A custom palette color, '#RRGGBB' or '#RRGGBB:WEIGHT' (weight {} to {}); repeat for up to {}.",
        limits::COLOR_WEIGHT.start(),
        limits::COLOR_WEIGHT.end(),
        limits::PALETTE_MEMBERS.end(),
    ))]
    pub color: Vec<String>,
}

/// Where and how to reach the API.
#[derive(Debug, Args)]
pub struct ConnectionFlags {
    /// The API's base URL.
    #[arg(long, env = "REMIX_BASE_URL", value_name = "URL")]
    pub base_url: Option<String>,

    /// The API key (prefer REMIX_API_KEY: flags show in process lists).
    #[arg(long, env = "REMIX_API_KEY", hide_env_values = true, value_name = "KEY")]
    pub api_key: Option<String>,

    /// Overall time limit in seconds, retries included.
    #[arg(long, value_name = "SECS", allow_negative_numbers = true)]
    pub timeout: Option<u64>,

    /// Retries after the first attempt (0 disables them).
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub max_retries: Option<u32>,

    /// Also trust the root certificates in this PEM file (a private gateway,
    /// say), for the API and the downloads.
    #[arg(long, value_name = "FILE.pem")]
    pub ca_cert: Option<PathBuf>,
}

fn image_help() -> String {
    format!(
        "The source image: PNG, JPEG or WebP, at most {}.",
        limits::describe_bytes(limits::MAX_IMAGE_BYTES)
    )
}

fn one_of(what: &str, known: &[&str]) -> String {
    format!("{what}: {}.", known.join(", "))
}

fn first_to_last(what: &str, known: &[&str]) -> String {
    match (known.first(), known.get(1), known.last()) {
        (Some(first), Some(second), Some(last)) => format!("{what}: {first}, {second} ... {last}."),
        _ => one_of(what, known),
    }
}

fn only_some_models(text: &str, field: ModelField) -> String {
    format!(
        "{} (only models {}).",
        text.trim_end_matches('.'),
        Model::supporting(field).join(", ")
    )
}

fn range_help(what: &str, range: std::ops::RangeInclusive<u32>, default: u32) -> String {
    format!(
        "{what}, {} to {} (the server's default is {default}).",
        range.start(),
        range.end()
    )
}

/// `remix batch --help`'s account of the journal and interrupts.
const BATCH_ABOUT: &str = "\
The journal: --out DIR holds journal.jsonl, which gets one line when an item
is sent and one when it finishes (its outcome, request id, task or image
links, saved files, or the error), each synced to disk. Running the same
command again skips what finished. Items that failed are sent again only
with --retry-failed. Items in flight when a run died may have been charged:
they are listed, and sent again only with --resend-interrupted. A line cut
off by a crash is reported and ignored.

Paid images are never lost: with --download an item's links are journaled
before its images are fetched, and a re-run with --download fetches every
image that has no file yet from those links, with no new remix, while they
last. Items whose links expired are listed; --remix-expired remixes them
again, which charges again. --dry-run says what would be sent and charged;
--max-images N keeps a run within N images. When a file cannot be written
(a full disk), no new item starts and remix exits with 9. After every run,
DIR/index.html shows each item's source, its remixes and its outcome.

Ctrl-C stops starting new items; those in flight finish and are journaled,
then remix exits with 130. A second Ctrl-C exits at once (the journal stays
valid: every line is whole or ignored).";

/// `remix batch --help`'s text after the options: the journal, interrupts
/// and the exit codes (from [`crate::exit`]).
pub fn batch_help() -> String {
    format!("{BATCH_ABOUT}\n\n{}", exit::help(ExitCommand::Batch))
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    fn help_of(flag: &str) -> String {
        let command = Cli::command();
        let arg = command
            .get_arguments()
            .find(|a| a.get_long() == Some(flag))
            .unwrap_or_else(|| panic!("no --{flag}"));
        arg.get_help().map(|h| h.to_string()).unwrap_or_default()
    }

    #[test]
    fn help_lists_what_the_tables_say() {
        for model in Model::KNOWN {
            assert!(help_of("model").contains(model), "--model lacks {model}");
        }
        for (flag, field) in [
            ("resolution", ModelField::Resolution),
            ("negative-prompt", ModelField::NegativePrompt),
            ("style-type", ModelField::StyleType),
            ("palette", ModelField::ColorPalette),
        ] {
            let models = Model::supporting(field).join(", ");
            assert!(
                help_of(flag).contains(&format!("(only models {models})")),
                "--{flag}: {}",
                help_of(flag)
            );
        }
        assert!(help_of("num-images").contains("1 to 8"), "{}", help_of("num-images"));
        assert!(help_of("seed").contains("2147483647"));
        assert!(help_of("magic-prompt-version").contains("V_0, V_0_1 ... V_0_8"));
        assert!(help_of("image").contains("at most 10 MiB"));
        Cli::command().debug_assert();
    }
}
