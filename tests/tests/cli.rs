//! The `remix` CLI against a `remix-mock` process on port 0 (or the
//! scripted test server): both answer shapes with --download, every exit
//! code, --dry-run output pinned, and the key never printed. One scenario
//! per test; long because the CLI has that many outcomes a user sees.

use std::path::{Path, PathBuf};

use remix_tests::bins::{Mock, remix};
use remix_tests::{Reply, TestServer, png, png_size};

const KEY: &str = "sk-cli-test-9c1d";

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("remix-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn image(&self) -> String {
        let path = self.path("photo.png");
        std::fs::write(&path, png(32, 24)).unwrap();
        path.to_str().unwrap().to_string()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `remix --image <a PNG> --prompt p --base-url URL --api-key KEY`
/// plus `extra`.
fn remix_at(url: &str, dir: &Scratch, extra: &[&str]) -> std::process::Output {
    let image = dir.image();
    let mut args = vec!["--image", &image, "--prompt", "p", "--base-url", url, "--api-key", KEY];
    args.extend(extra);
    remix(&args, &[])
}

/// A scripted loopback server that answers every request with `reply`, and
/// the runtime it runs on.
fn scripted(reply: Reply) -> (tokio::runtime::Runtime, TestServer) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let server = rt.block_on(TestServer::always(reply));
    (rt, server)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn code(output: &std::process::Output) -> i32 {
    output.status.code().expect("exited, not killed")
}

#[test]
fn task_envelope_success_prints_the_task() {
    let mock = Mock::start(&["--seed", "7"]);
    let dir = Scratch::new("task");
    let out = remix(
        &["--image", &dir.image(), "--prompt", "a sunset", "--base-url", &mock.url],
        &[("REMIX_API_KEY", KEY)],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        "task task-7-0000 is SUBMITTED (request id req-7-0000)\n"
    );
}

#[test]
fn native_success_downloads_every_image() {
    let mock = Mock::start(&["--native", "--seed", "3"]);
    let dir = Scratch::new("native");
    let downloads = dir.path("out");
    std::fs::create_dir(&downloads).unwrap();
    let out = remix(
        &[
            "--image",
            &dir.image(),
            "--prompt",
            "a sunset",
            "--aspect-ratio",
            "16:9",
            "--num-images",
            "2",
            "--base-url",
            &mock.url,
            "--api-key",
            KEY,
            "--download",
            downloads.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "no progress bar when stderr is not a terminal");
    let stdout = text(&out.stdout);
    assert!(stdout.starts_with("2 image(s), created "), "{stdout}");
    assert!(stdout.contains("(1280x720, seed "), "{stdout}");
    for i in 1..=2 {
        let file = downloads.join(format!("remix-{i}.png"));
        let bytes = std::fs::read(&file).unwrap();
        assert_eq!(
            png_size(&bytes),
            Some((1280, 720)),
            "{} is a real 1280x720 PNG",
            file.display()
        );
        assert!(
            stdout.contains(&format!("saved {} ({} bytes)", file.display(), bytes.len())),
            "{stdout}"
        );
    }
}

/// Each link is printed with its expiry, about 24 hours out.
#[test]
fn links_are_printed_with_their_expiry() {
    let mock = Mock::start(&["--native"]);
    let dir = Scratch::new("expiry");
    let out = remix_at(&mock.url, &dir, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let line = stdout.lines().find(|l| l.contains("/images/")).expect("a link line");
    let date = line
        .split(", expires ")
        .nth(1)
        .expect("an expiry")
        .trim_end_matches(')');
    let at = httpdate::parse_http_date(date).unwrap();
    let ahead = at.duration_since(std::time::SystemTime::now()).unwrap().as_secs();
    assert!((86_300..=86_400).contains(&ahead), "{line}");
}

/// A download of an expired link fails with exit code 6 and one line that
/// says so, instead of a bare HTTP status.
#[test]
fn an_expired_link_is_said_in_one_line() {
    let mock = Mock::start(&["--native", "--link-ttl", "0"]);
    let dir = Scratch::new("expired");
    let downloads = dir.path("out");
    std::fs::create_dir(&downloads).unwrap();
    let out = remix_at(&mock.url, &dir, &["--download", downloads.to_str().unwrap()]);
    assert_eq!(code(&out), 6, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains(", expired "), "{}", text(&out.stdout));
    let stderr = text(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("error: the image link expired at ") && stderr.contains("remix again"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_dir(&downloads).unwrap().count(), 0, "nothing was saved");
}

#[test]
fn json_prints_the_answer_as_sent() {
    let mock = Mock::start(&["--native", "--seed", "1"]);
    let dir = Scratch::new("json");
    let out = remix_at(&mock.url, &dir, &["--json"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["data"][0]["resolution"], "1024x1024");
    assert_eq!(json["created"], "2025-11-24T16:00:00Z");
}

#[test]
fn a_download_never_overwrites_and_exits_6() {
    let mock = Mock::start(&["--native"]);
    let dir = Scratch::new("overwrite");
    let downloads = dir.path("out");
    std::fs::create_dir(&downloads).unwrap();
    std::fs::write(downloads.join("remix-1.png"), b"keep me").unwrap();
    let out = remix(
        &[
            "--image",
            &dir.image(),
            "--prompt",
            "p",
            "--base-url",
            &mock.url,
            "--api-key",
            KEY,
            "--download",
            downloads.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(code(&out), 6);
    assert_eq!(std::fs::read(downloads.join("remix-1.png")).unwrap(), b"keep me");
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("already exists") && stderr.contains("hint:"),
        "{stderr}"
    );
}

/// Exit 2: usage errors and invalid requests, with nothing uploaded.
#[test]
fn invalid_input_exits_2_before_any_upload() {
    let (_rt, server) = scripted(Reply::json(200, remix_tests::task_envelope()));
    let dir = Scratch::new("exit2");
    let image = dir.image();
    let gif = dir.path("a.gif");
    std::fs::write(&gif, b"GIF89a\x01\x00\x01\x00").unwrap();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec!["--image", &image, "--prompt", "p", "--num-images", "9"],
            "--num-images",
        ),
        (vec!["--image", &image, "--prompt", ""], "--prompt"),
        (
            vec![
                "--image",
                &image,
                "--prompt",
                "p",
                "--aspect-ratio",
                "16:9",
                "--resolution",
                "1024x1024",
            ],
            "--resolution",
        ),
        (
            vec![
                "--image",
                &image,
                "--prompt",
                "p",
                "--model",
                "V_1",
                "--style-type",
                "ANIME",
            ],
            "--style-type",
        ),
        (
            vec!["--image", &image, "--prompt", "p", "--aspect-ratio", "5:4"],
            "ASPECT_",
        ),
        (
            vec!["--image", &image, "--prompt", "p", "--color", "#GG0000"],
            "--color",
        ),
        (vec!["--image", &image, "--prompt", "p", "--model", "v2"], "use one of"),
        (vec!["--image", gif.to_str().unwrap(), "--prompt", "p"], "--image"),
        (vec!["--image", &image, "--prompt", "p", "--seed", "-1"], "--seed"),
        (vec!["--image", &image], "--prompt"),
        (vec!["--image", &image, "--prompt", "p", "--timeout", "0"], "--timeout"),
    ];
    let url = server.url();
    for (args, needle) in cases {
        let mut all = args.clone();
        all.extend(["--base-url", &url, "--api-key", KEY]);
        let out = remix(&all, &[]);
        let stderr = text(&out.stderr);
        assert_eq!(code(&out), 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(needle),
            "{args:?}: the message names {needle}: {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    assert_eq!(server.hits(), 0, "nothing was uploaded");
}

#[test]
fn a_missing_key_exits_2_with_a_hint() {
    let dir = Scratch::new("nokey");
    let out = remix(
        &[
            "--image",
            &dir.image(),
            "--prompt",
            "p",
            "--base-url",
            "http://127.0.0.1:9",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(text(&out.stderr).contains("hint: pass --api-key or set REMIX_API_KEY"));
}

/// One remix against a mock started with `mock_args`, which must fail with
/// an API error (exit 3); its stdout and stderr.
fn api_error_run(mock_args: &[&str], scratch: &str) -> (String, String) {
    let mock = Mock::start(mock_args);
    let dir = Scratch::new(scratch);
    let out = remix_at(&mock.url, &dir, &[]);
    assert_eq!(code(&out), 3, "{}", text(&out.stderr));
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn an_api_error_exits_3_without_printing_the_key() {
    let (stdout, stderr) = api_error_run(&["--api-key", "the-right-key"], "exit3");
    assert!(
        stderr.contains("HTTP 401") && stderr.contains("hint: check --api-key"),
        "{stderr}"
    );
    assert!(!stderr.contains(KEY) && !stdout.contains(KEY), "{stderr}");
}

#[test]
fn a_scripted_402_exits_3_and_is_not_retried() {
    let (_, stderr) = api_error_run(&["--fail-with", "402:1"], "402");
    assert!(
        stderr.contains("HTTP 402") && stderr.contains("insufficient_funds"),
        "{stderr}"
    );
    assert!(!stderr.contains("attempts"), "one attempt only: {stderr}");
}

#[test]
fn a_scripted_429_is_retried_after_retry_after() {
    let mock = Mock::start(&["--fail-with", "429:1", "--retry-after", "1", "--seed", "5"]);
    let dir = Scratch::new("429");
    let started = std::time::Instant::now();
    let out = remix_at(&mock.url, &dir, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("(2 attempts)"));
    assert!(started.elapsed() >= std::time::Duration::from_millis(950));
}

#[test]
fn a_network_failure_exits_4() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = Scratch::new("exit4");
    let url = format!("http://127.0.0.1:{port}");
    let out = remix_at(&url, &dir, &["--max-retries", "0"]);
    assert_eq!(code(&out), 4);
    assert!(text(&out.stderr).contains("hint: check --base-url"));
}

#[test]
fn a_timeout_exits_4() {
    let (_rt, server) = scripted(Reply::Hang);
    let dir = Scratch::new("timeout");
    let out = remix_at(&server.url(), &dir, &["--timeout", "1"]);
    assert_eq!(code(&out), 4);
    assert!(text(&out.stderr).contains("timed out"), "{}", text(&out.stderr));
}

#[test]
fn an_undecodable_answer_exits_5() {
    let (_rt, server) = scripted(Reply::json(200, serde_json::json!({"weird": true})));
    let dir = Scratch::new("exit5");
    let out = remix_at(&server.url(), &dir, &[]);
    assert_eq!(code(&out), 5);
    assert!(
        text(&out.stderr).contains("undecodable response"),
        "{}",
        text(&out.stderr)
    );
}

fn dry_run(dir: &Path, extra: &[&str]) -> String {
    let image = dir.join("photo.png");
    std::fs::write(&image, png(32, 24)).unwrap();
    let mut args = vec!["--image", image.to_str().unwrap(), "--dry-run"];
    args.extend(extra);
    let out = remix(&args, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    text(&out.stdout)
}

#[test]
fn dry_run_needs_no_key_and_prints_what_would_be_sent() {
    let dir = Scratch::new("dry");
    let shown = dry_run(
        &dir.0,
        &[
            "--prompt",
            "a beautiful sunset over mountains",
            "--aspect-ratio",
            "16:9",
            "--model",
            "V_2",
            "--style-type",
            "REALISTIC",
            "--magic-prompt",
            "AUTO",
            "--magic-prompt-version",
            "V_0_4",
            "--negative-prompt",
            "clouds,blur",
            "--num-images",
            "2",
            "--image-weight",
            "60",
            "--seed",
            "123456",
            "--color",
            "#FF0000:0.6",
            "--color",
            "#00f",
        ],
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn dry_run_json() {
    let dir = Scratch::new("dryjson");
    let args: Vec<&str> = "--prompt p --resolution 1536x640 --palette FRESH --json"
        .split(' ')
        .collect();
    let shown = dry_run(&dir.0, &args);
    insta::assert_snapshot!(shown);
}

#[test]
fn dry_run_of_a_request_file() {
    let dir = Scratch::new("dryfile");
    let file = dir.path("request.json");
    std::fs::write(&file, r#"{"prompt": "from a file", "model": "V_2A", "num_images": 3}"#).unwrap();
    let shown = dry_run(&dir.0, &["--request-file", file.to_str().unwrap()]);
    insta::assert_snapshot!(shown);
    let bad = dir.path("bad.json");
    std::fs::write(&bad, r#"{"prompt": "x", "promt": "typo"}"#).unwrap();
    let image = dir.path("photo.png");
    let out = remix(
        &[
            "--image",
            image.to_str().unwrap(),
            "--request-file",
            bad.to_str().unwrap(),
            "--dry-run",
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
    assert!(
        text(&out.stderr).contains("fix `promt` in the --request-file JSON"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_documents_the_exit_codes() {
    let out = remix(&["--help"], &[]);
    assert_eq!(code(&out), 0);
    let help = text(&out.stdout);
    // One table renders both help texts (crates/remix-cli/src/exit.rs),
    // codes in a column as wide as `remix batch`'s 130.
    for line in [
        "  0    success",
        "  1    internal error",
        "  2    usage error or invalid request",
        "  3    the API answered",
        "  4    network error",
        "  5    the answer",
        "  6    the remix succeeded but a download failed",
    ] {
        assert!(help.contains(line), "{line}: {help}");
    }
    assert!(!help.contains(KEY));
}

#[test]
fn the_key_from_the_environment_is_not_shown_in_help() {
    let out = remix(&["--help"], &[("REMIX_API_KEY", KEY)]);
    assert!(!text(&out.stdout).contains(KEY));
}

/// The links `remix` printed (`  N. URL (...)`).
fn printed_links(stdout: &str) -> Vec<String> {
    stdout
        .lines()
        .filter_map(|l| {
            l.trim_start()
                .split_once(". http")
                .map(|(_, rest)| format!("http{rest}"))
        })
        .map(|l| l.split(' ').next().unwrap().to_string())
        .collect()
}

/// How many remixes the mock answered (its log).
fn remixes(mock: &Mock) -> usize {
    mock.log().len()
}

/// A remix whose download never happened is finished by `remix download`
/// from the printed links: every image saved and checked, no new remix.
#[test]
fn remix_download_saves_printed_links_without_a_new_remix() {
    let mock = Mock::start(&["--native", "--seed", "5"]);
    let dir = Scratch::new("download-links");
    let out = remix_at(&mock.url, &dir, &["--num-images", "2"]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let links = printed_links(&text(&out.stdout));
    assert_eq!(links.len(), 2, "{}", text(&out.stdout));
    assert_eq!(remixes(&mock), 1);

    let saved_to = dir.path("saved");
    let mut args = vec!["download", "--out", saved_to.to_str().unwrap()];
    args.extend(links.iter().map(String::as_str));
    let out = remix(&args, &[]);
    assert_eq!(code(&out), 0, "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches(": expires ").count(), 2, "expiry said first: {stdout}");
    assert_eq!(stdout.matches("saved ").count(), 2, "{stdout}");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&saved_to)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "{files:?}");
    for file in &files {
        assert!(
            png_size(&std::fs::read(file).unwrap()).is_some(),
            "a whole PNG: {}",
            file.display()
        );
    }
    assert_eq!(remixes(&mock), 1, "remix download sent nothing to the API");

    // Never overwriting: the same links again are refused, the files kept.
    let again = remix(&args, &[]);
    assert_eq!(code(&again), 6, "{}", text(&again.stderr));
    assert!(
        text(&again.stderr).contains("already exists"),
        "{}",
        text(&again.stderr)
    );
}

/// An expired link is said up front and not fetched.
#[test]
fn remix_download_says_an_expired_link_and_fetches_nothing() {
    let mock = Mock::start(&["--native", "--link-ttl", "0"]);
    let dir = Scratch::new("download-expired");
    let out = remix_at(&mock.url, &dir, &[]);
    let links = printed_links(&text(&out.stdout));
    assert_eq!(links.len(), 1, "{}", text(&out.stdout));
    let saved_to = dir.path("saved");
    let out = remix(&["download", "--out", saved_to.to_str().unwrap(), &links[0]], &[]);
    assert_eq!(code(&out), 6, "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("link 1: expired "),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stderr).contains("expired"), "{}", text(&out.stderr));
    assert_eq!(std::fs::read_dir(&saved_to).unwrap().count(), 0, "nothing on disk");
}

#[test]
fn remix_download_help_says_it_does_not_pay_again() {
    let out = remix(&["download", "--help"], &[]);
    assert_eq!(code(&out), 0);
    let help = text(&out.stdout);
    assert!(
        help.contains("without\n") || help.contains("without sending anything to the API"),
        "{help}"
    );
    assert!(help.contains("instead of paying for a new remix"), "{help}");
    assert!(help.contains("  6    some links were not saved"), "{help}");
}
