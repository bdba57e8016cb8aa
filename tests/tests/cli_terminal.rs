//! `remix` as people use a CLI: clap's suggestions, shell completions, the
//! man pages, `--json` on `remix download` and JSON errors on stderr, and
//! `-v` / `RUST_LOG` on stderr without the key.

use std::path::PathBuf;

use remix_tests::bins::{Mock, remix};
use remix_tests::png;

const KEY: &str = "sk-terminal-test-51f0";

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("remix-terminal-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn image_in(dir: &std::path::Path) -> String {
    let path = dir.join("photo.png");
    std::fs::write(&path, png(16, 16)).unwrap();
    path.to_str().unwrap().to_string()
}

/// `remix --image IMAGE --prompt p --json --base-url URL --api-key KEY`
/// plus `extra`.
fn remix_json(image: &str, url: &str, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--image",
        image,
        "--prompt",
        "p",
        "--json",
        "--base-url",
        url,
        "--api-key",
        KEY,
    ];
    args.extend(extra);
    remix(&args, &[])
}

#[test]
fn a_misspelt_flag_gets_a_suggestion() {
    let out = remix(&["--image", "x.png", "--promt", "p"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(stderr.contains("a similar argument exists: '--prompt'"), "{stderr}");
}

#[test]
fn completions_are_printed_for_each_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _remix "),
        ("zsh", "#compdef remix"),
        ("fish", "complete -c remix"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = remix(&["completions", shell], &[]);
        assert!(out.status.success(), "{shell}: {}", text(&out.stderr));
        let script = text(&out.stdout);
        assert!(script.contains(marker), "{shell}: no {marker:?}");
        assert!(script.contains("num-images"), "{shell} completes the flags");
    }
    let out = remix(&["completions", "tcsh"], &[]);
    assert_eq!(out.status.code(), Some(2), "an unknown shell is a usage error");
    assert!(text(&out.stderr).contains("possible values"), "{}", text(&out.stderr));
}

#[test]
fn man_pages_are_written_for_remix_and_each_subcommand() {
    let dir = scratch("man");
    let out = remix(&["man", "--out", dir.to_str().unwrap()], &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    for page in ["remix.1", "remix-batch.1", "remix-download.1", "remix-completions.1"] {
        let roff = std::fs::read_to_string(dir.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        assert!(roff.contains(".TH "), "{page} is a man page");
        assert!(roff.contains("verbose"), "{page} documents -v");
    }
    let main = std::fs::read_to_string(dir.join("remix.1")).unwrap();
    assert!(
        main.contains("\\-\\-prompt") && main.contains("Exit codes"),
        "the --help text, exit codes too"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `remix --json` against the mock's native answer, then `remix download
/// --json` of its links twice: the second run refuses to overwrite, and
/// says so per link in the JSON.
#[test]
fn download_json_reports_each_link() {
    let mock = Mock::start(&["--native", "--seed", "3"]);
    let dir = scratch("download-json");
    let image = image_in(&dir);
    let out = remix_json(&image, &mock.url, &["--num-images", "2"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let answer: serde_json::Value = serde_json::from_slice(&out.stdout).expect("--json prints JSON");
    let links: Vec<String> = answer["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|image| image["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(links.len(), 2);

    let saved = dir.join("saved");
    let mut args = vec!["download", "--json", "--out", saved.to_str().unwrap()];
    args.extend(links.iter().map(String::as_str));
    let out = remix(&args, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(report["saved"], 2, "{report}");
    assert_eq!(report["failed"], 0);
    for link in report["links"].as_array().unwrap() {
        assert!(link["expiry"].as_str().unwrap().starts_with("expires "), "{link}");
        assert!(link["bytes"].as_u64().unwrap() > 0, "{link}");
        assert!(PathBuf::from(link["path"].as_str().unwrap()).exists(), "{link}");
    }

    let again = remix(&args, &[]);
    assert_eq!(again.status.code(), Some(6));
    let report: serde_json::Value = serde_json::from_slice(&again.stdout).expect("one JSON object");
    assert_eq!(report["failed"], 2);
    assert!(
        report["links"][0]["error"].as_str().unwrap().contains("already exists"),
        "{report}"
    );
    assert!(again.stderr.is_empty(), "nothing but the JSON: {}", text(&again.stderr));
    let _ = std::fs::remove_dir_all(&dir);
}

/// With `--json`, an API error is one JSON object on stderr with the exit
/// code, the hint, the request id and whether it may have been charged.
#[test]
fn json_errors_are_json_on_stderr() {
    let mock = Mock::start(&["--fail-with", "402:1"]);
    let dir = scratch("json-error");
    let image = image_in(&dir);
    let out = remix_json(&image, &mock.url, &[]);
    assert_eq!(out.status.code(), Some(3));
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    let error: serde_json::Value = serde_json::from_str(stderr.trim()).unwrap_or_else(|e| panic!("{e}: {stderr}"));
    let error = &error["error"];
    assert_eq!(error["exit_code"], 3);
    assert!(error["message"].as_str().unwrap().contains("HTTP 402"), "{error}");
    assert!(error["hint"].as_str().unwrap().contains("balance"), "{error}");
    assert_eq!(error["may_have_been_charged"], false, "a 402 charged nothing");
    assert!(error["request_id"].is_null(), "Ideogram's 402 body has none: {error}");

    let mock = Mock::start(&["--fail-with", "500:1"]);
    let out = remix_json(&image, &mock.url, &[]);
    assert_eq!(out.status.code(), Some(3));
    let error: serde_json::Value = serde_json::from_slice(&out.stderr).expect("JSON on stderr");
    let error = &error["error"];
    assert!(error["message"].as_str().unwrap().contains("HTTP 500"), "{error}");
    assert_eq!(
        error["may_have_been_charged"], true,
        "a 500 may have been charged: {error}"
    );
    assert!(
        error["request_id"].as_str().is_some_and(|id| !id.is_empty()),
        "the envelope's request id: {error}"
    );

    let usage = remix(
        &["--image", "missing.png", "--prompt", "p", "--json", "--api-key", KEY],
        &[],
    );
    assert_eq!(usage.status.code(), Some(2));
    let error: serde_json::Value = serde_json::from_slice(&usage.stderr).expect("a usage error in JSON too");
    assert!(
        error["error"]["message"].as_str().unwrap().contains("missing.png"),
        "{error}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `-v` prints the call's span with its fields when it closes; `-vv` adds
/// each step; `RUST_LOG` replaces both; the key is printed by none.
#[test]
fn verbose_shows_the_call_span_and_never_the_key() {
    let mock = Mock::start(&["--seed", "4"]);
    let dir = scratch("verbose");
    let image = image_in(&dir);
    let args = [
        "--image",
        image.as_str(),
        "--prompt",
        "p",
        "--base-url",
        &mock.url,
        "--api-key",
        KEY,
    ];
    let quiet = remix(&args, &[]);
    assert!(quiet.status.success());
    assert!(
        text(&quiet.stderr).is_empty(),
        "quiet by default: {}",
        text(&quiet.stderr)
    );

    let mut one = args.to_vec();
    one.push("-v");
    let out = remix(&one, &[]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    let close = stderr
        .lines()
        .find(|l| l.contains("remix{") && l.contains("close"))
        .unwrap_or_else(|| panic!("the call's span closes: {stderr}"));
    assert!(close.contains("attempts=1") && close.contains("status=200"), "{close}");
    assert!(close.contains("request_id="), "{close}");
    assert!(!stderr.contains("DEBUG"), "-v is not -vv: {stderr}");

    let mut two = args.to_vec();
    two.push("-vv");
    let out = remix(&two, &[]);
    let stderr = text(&out.stderr);
    assert!(stderr.contains("DEBUG") && stderr.contains("sending"), "{stderr}");
    assert!(!stderr.contains(KEY), "the key is never printed: {stderr}");

    let out = remix(&args, &[("RUST_LOG", "remix_client=debug")]);
    assert!(text(&out.stderr).contains("answer received"), "{}", text(&out.stderr));
    let out = remix(&args, &[("RUST_LOG", "remix_client=loud")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("RUST_LOG \"remix_client=loud\""),
        "{}",
        text(&out.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
