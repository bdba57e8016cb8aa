//! `remix batch` over real processes and sockets: a `remix-mock` process
//! whose log (`GET /mock/log`) says what it charged for, and `remix batch`
//! processes run, killed and interrupted mid-flight.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Output};
use std::time::{Duration, Instant};

use remix_tests::bins::{Mock, PROCESS_DEADLINE, output_within, remix_command};

const KEY: &str = "sk-batch-test";

/// A scratch folder with `n` distinct images in `in/`.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str, n: usize) -> Scratch {
        let dir = std::env::temp_dir().join(format!("remix-batch-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("in")).unwrap();
        for i in 0..n {
            let png = remix_mock::render::png(8, 8, |x, y| [i as u8, (x * 16) as u8, (y * 16) as u8]);
            std::fs::write(dir.join(format!("in/photo{i:02}.png")), png).unwrap();
        }
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn journal(&self) -> String {
        std::fs::read_to_string(self.path("out/journal.jsonl")).unwrap_or_default()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn batch_args<'a>(dir: &'a Scratch, mock: &'a Mock, extra: &[&'a str]) -> Vec<String> {
    let mut args: Vec<String> = vec!["batch".into(), "--prompt".into(), "a remix".into(), "--base-url".into()];
    args.push(mock.url.clone());
    args.extend(["--out".to_string(), dir.path("out").display().to_string()]);
    args.extend(extra.iter().map(|s| s.to_string()));
    args.push(dir.path("in").display().to_string());
    args
}

fn spawn(args: &[String]) -> Child {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    remix_command(&args, &[("REMIX_API_KEY", KEY)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("remix batch starts")
}

fn run(args: &[String]) -> Output {
    output_within(spawn(args), PROCESS_DEADLINE)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits until the mock has accepted `n` remix requests (it logs them
/// when accepted, before its latency), so a test acts mid-flight.
fn wait_for_requests(mock: &Mock, n: usize) {
    let started = Instant::now();
    while mock.log().len() < n {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the mock never saw {n} requests"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// How many times the mock answered 200 for each image, by file name.
fn successes(mock: &Mock) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for entry in mock.log().iter().filter(|e| e["status"] == 200) {
        *counts
            .entry(entry["file_name"].as_str().unwrap().to_string())
            .or_default() += 1;
    }
    counts
}

/// The journal's lines, parsed (a cut-off line is left out).
fn journal_entries(dir: &Scratch) -> Vec<serde_json::Value> {
    dir.journal()
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect()
}

/// The images the journal shows sent but never done.
fn interrupted(dir: &Scratch) -> Vec<String> {
    let mut last: HashMap<String, String> = HashMap::new();
    for entry in journal_entries(dir) {
        let image = Path::new(entry["image"].as_str().unwrap())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        last.insert(image, entry["event"].as_str().unwrap().to_string());
    }
    let mut out: Vec<String> = last.into_iter().filter(|(_, e)| e == "sent").map(|(i, _)| i).collect();
    out.sort();
    out
}

fn images(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("photo{i:02}.png")).collect()
}

/// 24 images through scripted 429s (in-flight limit) and 503s: all succeed,
/// each charged exactly once, and the concurrency is lowered once.
#[test]
fn a_batch_rides_out_scripted_faults_and_pays_each_image_once() {
    let mock = Mock::start(&["--fail-with", "429:3", "--fail-with", "503:2", "--retry-after", "1"]);
    let dir = Scratch::new("faults", 24);
    let out = run(&batch_args(&dir, &mock, &["--concurrency", "4"]));
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}\n{}", text(&out.stdout));
    assert!(text(&out.stdout).starts_with("24 item(s): 24 succeeded (24 in this run), 0 failed"));
    let counts = successes(&mock);
    for image in images(24) {
        assert_eq!(counts.get(&image), Some(&1), "{image}: {counts:?}");
    }
    assert_eq!(
        stderr.matches("concurrency lowered from 4 to").count(),
        1,
        "said once: {stderr}"
    );
    let done = journal_entries(&dir)
        .iter()
        .filter(|e| e["event"] == "done" && e["outcome"] == "ok")
        .count();
    assert_eq!(done, 24);
}

/// Killed mid-run, a batch resumes: what finished is skipped, what was in
/// flight is listed as maybe charged and not resent, the rest is sent;
/// `--resend-interrupted` then sends the interrupted ones.
#[test]
fn a_killed_batch_resumes_without_paying_twice() {
    let mock = Mock::start(&["--latency", "300"]);
    let dir = Scratch::new("kill", 24);
    let args = batch_args(&dir, &mock, &["--concurrency", "4"]);
    let mut child = spawn(&args);
    wait_for_requests(&mock, 9);
    child.kill().unwrap();
    let _ = output_within(child, PROCESS_DEADLINE);
    let stuck = interrupted(&dir);
    assert!(!stuck.is_empty(), "the kill left items in flight");
    let before = successes(&mock);

    let again = run(&args);
    assert_eq!(again.status.code(), Some(8), "{}", text(&again.stderr));
    let stdout = text(&again.stdout);
    for image in &stuck {
        assert!(
            stdout.contains(&format!(
                "may have been charged (in flight when a run died; --resend-interrupted sends it): {}",
                dir.path("in").join(image).display()
            )),
            "{image}: {stdout}"
        );
    }
    let after = successes(&mock);
    for image in images(24) {
        if stuck.contains(&image) {
            assert_eq!(after.get(&image), before.get(&image), "{image} was not resent");
            assert!(after.get(&image).copied().unwrap_or(0) <= 1, "{image}");
        } else {
            assert_eq!(after.get(&image), Some(&1), "{image}: exactly one success");
        }
    }

    let mut resend = args.clone();
    resend.insert(1, "--resend-interrupted".into());
    let last = run(&resend);
    assert_eq!(last.status.code(), Some(0), "{}", text(&last.stderr));
    assert!(interrupted(&dir).is_empty());
    let finally = successes(&mock);
    for image in &stuck {
        assert_eq!(
            finally.get(image).copied().unwrap_or(0),
            after.get(image).copied().unwrap_or(0) + 1,
            "{image} was sent"
        );
    }
}

fn interrupt(child: &Child) {
    let pid = i32::try_from(child.id()).unwrap();
    // SAFETY: sending a signal to a child process this test started.
    assert_eq!(unsafe { libc::kill(pid, libc::SIGINT) }, 0);
}

/// The first Ctrl-C lets the items in flight finish and be journaled, then
/// exits 130; nothing is left in flight.
#[test]
fn ctrl_c_finishes_what_is_in_flight_and_exits_130() {
    let mock = Mock::start(&["--latency", "300"]);
    let dir = Scratch::new("sigint", 24);
    let child = spawn(&batch_args(&dir, &mock, &["--concurrency", "4"]));
    wait_for_requests(&mock, 6);
    interrupt(&child);
    let out = output_within(child, PROCESS_DEADLINE);
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert!(interrupted(&dir).is_empty(), "every item sent was journaled as done");
    let done = journal_entries(&dir).iter().filter(|e| e["event"] == "done").count();
    assert!((1..24).contains(&done), "stopped part way: {done} done");
    assert!(
        text(&out.stdout).contains(&format!("{} not started", 24 - done)),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(mock.log().len(), done, "nothing was sent after Ctrl-C");
}

/// A second Ctrl-C quits at once; the journal stays readable and a re-run
/// finishes the batch.
#[test]
fn a_second_ctrl_c_quits_at_once() {
    let mock = Mock::start(&["--latency", "1500"]);
    let dir = Scratch::new("sigint2", 6);
    let args = batch_args(&dir, &mock, &["--concurrency", "2"]);
    let mut child = spawn(&args);
    wait_for_requests(&mock, 2);
    // The batch's stderr, line by line, read on a thread of its own.
    let stderr = child.stderr.take().unwrap();
    let (lines, heard) = std::sync::mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        use std::io::BufRead;
        for line in std::io::BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = lines.send(line);
        }
    });
    interrupt(&child);
    let mut said = Vec::new();
    while !said.iter().any(|l: &String| l.contains("stopping:")) {
        let line = heard
            .recv_timeout(Duration::from_secs(10))
            .unwrap_or_else(|_| panic!("no `stopping:` line after the first Ctrl-C: {said:?}"));
        said.push(line);
    }
    let second = Instant::now();
    interrupt(&child);
    let out = output_within(child, PROCESS_DEADLINE);
    assert!(
        second.elapsed() < Duration::from_millis(1000),
        "quit before the answers came"
    );
    reader.join().unwrap();
    said.extend(heard.try_iter());
    let out = Output {
        stderr: said.join("\n").into_bytes(),
        ..out
    };
    assert_eq!(out.status.code(), Some(130), "{}", text(&out.stderr));
    assert_eq!(
        interrupted(&dir).len(),
        2,
        "the two in flight are left as maybe charged"
    );
    let mut resend = args.clone();
    resend.insert(1, "--resend-interrupted".into());
    let last = run(&resend);
    assert_eq!(last.status.code(), Some(0), "{}", text(&last.stderr));
}

/// A manifest with one bad line is refused before anything is sent, and
/// the line is named.
#[test]
fn a_manifest_with_a_bad_line_sends_nothing() {
    let mock = Mock::start(&[]);
    let dir = Scratch::new("manifest", 3);
    let manifest = [
        r#"{"image": "in/photo00.png", "request": {"prompt": "one"}}"#,
        r#"{"image": "in/photo01.png", "request": {"prompt": "two", "num_images": 9}}"#,
        r#"{"image": "in/photo02.png", "request": {"prompt": "three"}}"#,
    ]
    .join("\n");
    std::fs::write(dir.path("batch.jsonl"), manifest).unwrap();
    let manifest_path = dir.path("batch.jsonl").display().to_string();
    let out_path = dir.path("out").display().to_string();
    let args: Vec<String> = [
        "batch",
        "--manifest",
        &manifest_path,
        "--out",
        &out_path,
        "--base-url",
        &mock.url,
    ]
    .map(String::from)
    .to_vec();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(2));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("batch.jsonl line 2: request: `num_images` = 9 must be between 1 and 8"),
        "{stderr}"
    );
    assert!(mock.log().is_empty(), "the mock saw no request");
}

/// A journal whose last line was cut off (the process died while writing
/// it) is reported and the batch carries on.
#[test]
fn a_cut_off_journal_line_is_reported_and_the_batch_carries_on() {
    let mock = Mock::start(&[]);
    let dir = Scratch::new("cutoff", 3);
    let args = batch_args(&dir, &mock, &[]);
    assert_eq!(run(&args).status.code(), Some(0));
    let journal = dir.journal();
    let cut = &journal[..journal.len() - 20];
    std::fs::write(dir.path("out/journal.jsonl"), cut).unwrap();
    let lines = cut.lines().count();

    let again = run(&args);
    let stderr = text(&again.stderr);
    assert!(
        stderr.contains(&format!("journal.jsonl line {lines} is cut off")),
        "{stderr}"
    );
    assert_eq!(again.status.code(), Some(8), "its item may have been charged: {stderr}");
    assert_eq!(mock.log().len(), 3, "nothing was sent again");
    let mut resend = args.clone();
    resend.insert(1, "--resend-interrupted".into());
    assert_eq!(run(&resend).status.code(), Some(0));
    assert!(journal_entries(&dir).len() > lines, "new lines follow the cut one");
}

/// Downloads are named after the input image and never overwrite a file.
#[test]
fn downloads_are_named_after_the_image_and_never_overwrite() {
    let mock = Mock::start(&["--native"]);
    let dir = Scratch::new("downloads", 2);
    std::fs::create_dir_all(dir.path("out")).unwrap();
    std::fs::write(dir.path("out/photo00-1.png"), b"kept").unwrap();
    let args = batch_args(&dir, &mock, &["--download", "--num-images", "2"]);
    let out = run(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "no progress bar when stderr is not a terminal");
    assert_eq!(std::fs::read(dir.path("out/photo00-1.png")).unwrap(), b"kept");
    for name in ["photo00-1-2.png", "photo00-2.png", "photo01-1.png", "photo01-2.png"] {
        let bytes = std::fs::read(dir.path("out").join(name)).unwrap_or_else(|_| panic!("{name}"));
        assert!(bytes.starts_with(b"\x89PNG"), "{name}");
    }
    let files: usize = journal_entries(&dir)
        .iter()
        .filter_map(|e| e["files"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(files, 4, "the journal records the files");

    let mut json = args.clone();
    json.insert(1, "--json".into());
    let again = run(&json);
    assert_eq!(again.status.code(), Some(0));
    let summary: serde_json::Value = serde_json::from_slice(&again.stdout).unwrap();
    assert_eq!(
        (summary["succeeded"].as_u64(), summary["succeeded_now"].as_u64()),
        (Some(2), Some(0))
    );
    assert_eq!(
        (summary["images"].as_u64(), summary["exit_code"].as_u64()),
        (Some(4), Some(0))
    );
}

#[test]
fn help_documents_the_journal_and_the_exit_codes() {
    let out = run(&["batch".to_string(), "--help".to_string()]);
    let help = text(&out.stdout);
    for needle in [
        "journal.jsonl",
        "--retry-failed",
        "--resend-interrupted",
        "  7    some items failed",
        "130",
    ] {
        assert!(help.contains(needle), "{needle}: {help}");
    }
}

/// How many remix requests the mock received.
fn remixes(mock: &Mock) -> usize {
    mock.log().len()
}

/// Every file in the batch's output folder but the journal and the
/// contact sheet (part files included), sorted.
fn saved_files(dir: &Scratch) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.path("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "journal.jsonl" && n != "index.html")
        .collect();
    names.sort();
    names
}

/// 24 images whose downloads all fail once: the run exits 6 with every
/// remix paid and no image saved; one plain re-run fetches every image
/// from the journaled links with no new remix request at the mock.
#[test]
fn a_rerun_fetches_what_was_paid_for_without_remixing() {
    let mock = Mock::start(&["--native", "--image-fault", "fail-once"]);
    let dir = Scratch::new("refetch", 24);
    let args = batch_args(&dir, &mock, &["--download", "--concurrency", "8"]);
    let first = run(&args);
    assert_eq!(first.status.code(), Some(6), "{}", text(&first.stdout));
    assert_eq!(remixes(&mock), 24);
    assert!(
        saved_files(&dir).is_empty(),
        "no image and no part file: {:?}",
        saved_files(&dir)
    );

    let again = run(&args);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}\n{}",
        text(&again.stdout),
        text(&again.stderr)
    );
    assert!(
        text(&again.stdout).contains("24 image(s), 24 saved (24 fetched from journaled links, no new remix)"),
        "{}",
        text(&again.stdout)
    );
    assert_eq!(remixes(&mock), 24, "nothing was sent to the API again");
    let files = saved_files(&dir);
    assert_eq!(files.len(), 24, "{files:?}");
    assert!(files.iter().all(|f| f.ends_with("-1.png")), "{files:?}");
    let recorded: usize = journal_entries(&dir)
        .iter()
        .filter_map(|e| e["files"].as_array())
        .map(Vec::len)
        .sum();
    assert_eq!(recorded, 24, "the journal records the fetched files");
}

/// Paid images whose links expired are listed with their expiry and not
/// remixed; `--remix-expired` remixes them again, which charges again.
#[test]
fn expired_links_are_listed_and_remixed_only_when_asked() {
    let mock = Mock::start(&["--native", "--image-fault", "fail-once", "--link-ttl", "1"]);
    let dir = Scratch::new("expired-links", 2);
    let args = batch_args(&dir, &mock, &["--download"]);
    let first = run(&args);
    assert_eq!(first.status.code(), Some(6), "{}", text(&first.stdout));
    std::thread::sleep(Duration::from_millis(2100));

    let again = run(&args);
    let stdout = text(&again.stdout);
    assert_eq!(again.status.code(), Some(6), "{stdout}");
    assert!(stdout.contains("2 paid with links expired"), "{stdout}");
    assert_eq!(
        stdout.matches("paid, links expired, not downloaded").count(),
        2,
        "{stdout}"
    );
    assert!(stdout.contains("links expired "), "with the expiry: {stdout}");
    assert_eq!(remixes(&mock), 2, "not remixed without --remix-expired");

    let mut remix_expired = args.clone();
    remix_expired.insert(1, "--remix-expired".into());
    // The new links expire in a second too, and fail once: fetch them at once.
    let last = run(&remix_expired);
    assert_eq!(remixes(&mock), 4, "remixed again, as asked");
    assert_eq!(
        last.status.code(),
        Some(6),
        "the new links fail once too: {}",
        text(&last.stdout)
    );
}

/// `remix batch` with a file size limit (RLIMIT_FSIZE) of `bytes` on the
/// process, as a full disk would do it: a write past it fails with
/// EFBIG (SIGXFSZ is ignored, as the limit's signal would otherwise kill
/// the process).
fn run_with_file_size_limit(args: &[String], bytes: u64) -> Output {
    use std::os::unix::process::CommandExt;
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = remix_command(&args, &[("REMIX_API_KEY", KEY)]);
    command
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec.
    unsafe {
        command.pre_exec(move || {
            let limit = libc::rlimit {
                rlim_cur: bytes,
                rlim_max: bytes,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &limit) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
            Ok(())
        });
    }
    output_within(command.spawn().expect("remix batch starts"), PROCESS_DEADLINE)
}

/// How many remix requests the mock received for each image.
fn charged_per_image(mock: &Mock) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for entry in mock.log() {
        *counts
            .entry(entry["file_name"].as_str().unwrap_or_default().to_string())
            .or_default() += 1;
    }
    counts
}

/// The journal cannot grow (a file size limit): the batch starts no new
/// item, says which file and the system's error in one line, exits 9, and
/// leaves every journal line whole; a re-run without the limit carries
/// on, paying for no image twice.
#[test]
fn a_full_disk_during_the_journal_stops_cleanly_and_a_rerun_carries_on() {
    let mock = Mock::start(&["--native"]);
    let dir = Scratch::new("full-journal", 8);
    let args = batch_args(&dir, &mock, &["--concurrency", "1"]);
    let out = run_with_file_size_limit(&args, 1500);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].contains("journal.jsonl") && error[0].contains("File too large"),
        "{stderr}"
    );
    let journal = dir.journal();
    assert!(journal.len() <= 1500 && journal.ends_with('\n'), "{journal}");
    for line in journal.lines() {
        serde_json::from_str::<serde_json::Value>(line).expect("every line whole");
    }
    let charged_before = mock.log().len();
    assert!((1..8).contains(&charged_before), "stopped part way: {charged_before}");

    let again = run(&args);
    assert!(matches!(again.status.code(), Some(0 | 8)), "{}", text(&again.stdout));
    let counts = charged_per_image(&mock);
    assert!(counts.values().all(|n| *n == 1), "no image paid twice: {counts:?}");
}

/// An image cannot be written (a file size limit): no new item starts, the
/// line names the file, nothing partial is left under a final name, and
/// a re-run without the limit fetches the images with no new remix.
#[test]
fn a_full_disk_during_a_download_stops_cleanly_and_a_rerun_fetches() {
    // Each remix takes 3 s, so the first download (rendered by the mock in
    // a fraction of that, even on a loaded machine) fails before a third
    // item would start: an item gives back its place at the API as soon as
    // it is answered, and the next one starts while it downloads.
    let mock = Mock::start(&["--native", "--latency", "3000"]);
    let dir = Scratch::new("full-download", 0);
    // Sources with detail: their 1024 x 1024 remixes are PNGs of 15 KiB and
    // more, while the journal and the sheet of four items stay under 4 KiB.
    for i in 0..4u32 {
        let png = remix_mock::render::png(64, 64, |x, y| {
            [(x * y + i * 37) as u8, (x * 7 + y * 13) as u8, (x ^ y) as u8]
        });
        std::fs::write(dir.path(&format!("in/photo{i:02}.png")), png).unwrap();
    }
    let args = batch_args(&dir, &mock, &["--download", "--concurrency", "1"]);
    // RLIMIT_FSIZE bounds each file: 8 KiB hold the journal and the
    // contact sheet, not a remix.
    let out = run_with_file_size_limit(&args, 8 * 1024);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    let error: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error: ")).collect();
    assert_eq!(error.len(), 1, "{stderr}");
    assert!(
        error[0].starts_with("error: cannot write ") && error[0].contains(".part: File too large"),
        "{stderr}"
    );
    assert_eq!(saved_files(&dir), Vec::<String>::new(), "no image, no part file");
    let charged = mock.log().len();
    assert!(
        charged < 4,
        "no new item after the failure: {charged}\n{stderr}\n{}",
        text(&out.stdout)
    );

    let again = run(&args);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    let counts = charged_per_image(&mock);
    assert_eq!(counts.len(), 4);
    assert!(counts.values().all(|n| *n == 1), "no image paid twice: {counts:?}");
    assert_eq!(saved_files(&dir).len(), 4, "{:?}", saved_files(&dir));
    assert!(
        text(&again.stdout).contains("fetched from journaled links"),
        "{}",
        text(&again.stdout)
    );
}

/// `--dry-run` says what would be sent and charged and what the journal
/// holds, sending nothing; `--max-images` starts no item past the budget.
#[test]
fn a_budget_is_said_before_and_kept_during_a_run() {
    let mock = Mock::start(&[]);
    let dir = Scratch::new("budget", 3);
    let mut dry = batch_args(&dir, &mock, &["--num-images", "2", "--dry-run"]);
    let out = run(&dry);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.starts_with("dry run: nothing was sent\n"), "{stdout}");
    assert_eq!(stdout.matches("send: ").count(), 3, "{stdout}");
    assert!(stdout.contains("would charge 6 image(s) for 3 item(s)"), "{stdout}");
    assert_eq!(mock.log().len(), 0);

    let budget = batch_args(&dir, &mock, &["--num-images", "2", "--max-images", "3"]);
    let out = run(&budget);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stdout));
    assert!(
        text(&out.stdout).contains("2 left for later (--max-images)"),
        "{}",
        text(&out.stdout)
    );
    assert_eq!(mock.log().len(), 1, "one item of 2 images fits in 3");

    let out = run(&dry);
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("the journal holds 1 finished, 0 failed and 0 interrupted item(s)"),
        "{stdout}"
    );
    assert!(stdout.contains("would charge 4 image(s) for 2 item(s)"), "{stdout}");
    dry.retain(|a| a != "--dry-run");
    assert_eq!(run(&dry).status.code(), Some(0));
    assert_eq!(mock.log().len(), 3, "each image paid once");
}

/// After a run, `DIR/index.html` shows every item: its source image, its
/// remixes (thumbnails linking to the files by relative paths), the
/// request in short (the prompt escaped), the outcome; static HTML, no
/// script, nothing from the network. Parsed with an HTML parser.
#[test]
fn the_contact_sheet_shows_every_item_and_file() {
    let mock = Mock::start(&["--native", "--fail-with", "400:1"]);
    let dir = Scratch::new("sheet", 3);
    let prompt = r#"<script>alert("x")</script> & a <b>bold</b> valley"#;
    let mut args = batch_args(&dir, &mock, &["--download", "--num-images", "2", "--concurrency", "1"]);
    args[2] = prompt.to_string();
    let out = run(&args);
    assert_eq!(out.status.code(), Some(7), "one item failed: {}", text(&out.stdout));
    let sheet_path = dir.path("out/index.html");
    assert!(
        text(&out.stdout).contains(&sheet_path.display().to_string()),
        "{}",
        text(&out.stdout)
    );
    let html = std::fs::read_to_string(&sheet_path).unwrap();
    let document = scraper::Html::parse_document(&html);
    let select = |css: &str| scraper::Selector::parse(css).unwrap();

    assert_eq!(document.select(&select("script")).count(), 0, "no script");
    assert_eq!(document.select(&select("link")).count(), 0, "no stylesheet fetched");
    let items: Vec<_> = document.select(&select("section.item")).collect();
    assert_eq!(items.len(), 3);
    let mut remixes = 0;
    let mut failed = 0;
    for item in &items {
        let text: String = item.text().collect();
        assert!(
            text.contains(prompt),
            "the prompt, as typed (escaped in the HTML): {text}"
        );
        let sources: Vec<_> = item.select(&select("figure.source img")).collect();
        assert_eq!(sources.len(), 1);
        for img in item.select(&select("img")) {
            let src = img.value().attr("src").unwrap();
            assert!(!src.contains("://"), "relative, nothing from the network: {src}");
            let file = dir.path("out").join(src.replace("%20", " "));
            assert!(file.is_file(), "{src} is a file next to the sheet");
        }
        for a in item.select(&select("figure:not(.source) a")) {
            let href = a.value().attr("href").unwrap();
            assert!(dir.path("out").join(href).is_file(), "{href}");
            remixes += 1;
        }
        if text.contains("failed: ") {
            failed += 1;
        }
    }
    assert_eq!(remixes, 4, "two images for each of the two items that succeeded");
    assert_eq!(failed, 1, "the refused item says why");
    assert!(!html.contains("<script>alert"), "the prompt is escaped in the file");
}

/// Files under a final name in `out/` (not the journal, the sheet or a
/// hidden part file), each checked whole: a PNG that decodes.
fn whole_images(dir: &Scratch) -> Vec<String> {
    let names: Vec<String> = saved_files(dir).into_iter().filter(|n| !n.starts_with('.')).collect();
    for name in &names {
        let bytes = std::fs::read(dir.path("out").join(name)).unwrap();
        assert!(remix_tests::png_size(&bytes).is_some(), "{name} is a whole PNG");
    }
    names
}

/// Killed in the middle of a download (the mock sends each image in 16
/// pieces, 100 ms apart): no file under a final name, only a hidden part
/// file; the paid links were journaled first, so a re-run fetches the
/// image with no new remix.
#[test]
fn killed_mid_download_leaves_no_partial_image_and_a_rerun_fetches_it() {
    let mock = Mock::start(&["--native", "--image-fault", "slow"]);
    let dir = Scratch::new("kill-download", 1);
    let args = batch_args(&dir, &mock, &["--download"]);
    let mut child = spawn(&args);
    wait_for_requests(&mock, 1);
    // The remix is answered at once; the download takes 1.6 s.
    let part = dir.path("out/.photo00-1.png.part");
    let started = Instant::now();
    while !part.exists() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the download never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let _ = output_within(child, PROCESS_DEADLINE);
    assert_eq!(whole_images(&dir), Vec::<String>::new(), "no image under a final name");
    assert!(part.exists(), "only the hidden part file");

    let again = run(&args);
    assert_eq!(again.status.code(), Some(0), "{}", text(&again.stdout));
    assert_eq!(whole_images(&dir), vec!["photo00-1.png"]);
    assert!(!part.exists(), "the part file was replaced and is gone");
    assert_eq!(mock.log().len(), 1, "paid once");
}

/// A wrong body behind a 200 (an HTML page) and a body cut short: no file,
/// exit 6, the remix paid once; the re-run tries the links again (still
/// faulty here) without a new remix.
#[test]
fn a_wrong_or_short_image_body_saves_nothing_and_is_not_paid_twice() {
    for fault in ["html", "cut-off"] {
        let mock = Mock::start(&["--native", "--image-fault", fault]);
        let dir = Scratch::new(&format!("bad-body-{fault}"), 1);
        let args = batch_args(&dir, &mock, &["--download"]);
        let out = run(&args);
        assert_eq!(out.status.code(), Some(6), "{fault}: {}", text(&out.stdout));
        let expected = if fault == "html" {
            "not a PNG, JPEG or WebP image"
        } else {
            "/images/"
        };
        assert!(text(&out.stdout).contains(expected), "{fault}: {}", text(&out.stdout));
        assert_eq!(saved_files(&dir), Vec::<String>::new(), "{fault}: nothing on disk");
        let again = run(&args);
        assert_eq!(again.status.code(), Some(6), "{fault}: {}", text(&again.stdout));
        assert_eq!(saved_files(&dir), Vec::<String>::new(), "{fault}: still nothing");
        assert_eq!(mock.log().len(), 1, "{fault}: paid once");
    }
}

/// An output folder nothing can be written to (sysfs, read-only even for
/// root): the journal cannot be opened, nothing is sent, exit 9.
#[test]
fn a_read_only_output_folder_sends_nothing() {
    let mock = Mock::start(&["--native"]);
    let dir = Scratch::new("read-only", 1);
    let mut args = batch_args(&dir, &mock, &[]);
    let out_at = args.iter().position(|a| a == "--out").unwrap() + 1;
    args[out_at] = "/sys/kernel".into();
    let out = run(&args);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(9), "{stderr}");
    assert!(
        stderr.starts_with("error: cannot write the journal in /sys/kernel: "),
        "{stderr}"
    );
    assert_eq!(mock.log().len(), 0, "nothing was sent");
}
