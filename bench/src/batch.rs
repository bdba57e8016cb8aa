//! `remix batch` timed: 64 images through `remix-mock --latency 200` at
//! concurrency 8, wall time against the ideal (64 / 8 x 0.2 s = 1.6 s), and
//! the batch's peak RSS against a single `remix` call's.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::timing::median;

const IMAGES: usize = 64;
const CONCURRENCY: usize = 8;
const LATENCY: Duration = Duration::from_millis(200);

/// Runs `command` to its end; returns its wall time and peak RSS (KiB),
/// read from the kernel's accounting of the child (`wait4`).
// The child is reaped by `wait4`, which std's `Child::wait` cannot replace:
// only `wait4` reports the child's peak RSS.
#[allow(clippy::zombie_processes)]
fn measured(command: &mut Command) -> (Duration, u64) {
    let started = Instant::now();
    let child = command
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the command starts");
    let pid = i32::try_from(child.id()).expect("a pid");
    let mut status = 0;
    // SAFETY: wait4 on our own child, with a zeroed rusage to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4 failed");
    assert!(
        libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0,
        "{command:?} failed"
    );
    (started.elapsed(), u64::try_from(usage.ru_maxrss).unwrap_or(0))
}

/// `remix ARGS` against the mock at `url` (given in the environment, so
/// the arguments may start with a command).
fn remix(bin: &Path, url: &str) -> Command {
    let mut command = Command::new(bin);
    command.env("REMIX_API_KEY", "bench-key").env("REMIX_BASE_URL", url);
    command
}

/// Writes the batch's images: small, distinct PNGs.
fn images(dir: &Path) {
    std::fs::create_dir_all(dir).expect("the image folder");
    for i in 0..IMAGES {
        let png = remix_mock::render::png(64, 64, |x, y| [i as u8, (x * 4) as u8, (y * 4) as u8]);
        std::fs::write(dir.join(format!("image-{i:02}.png")), png).expect("an image");
    }
}

/// The wall times of three `remix batch` runs of the images in `inputs`
/// against `url` (`extra` flags added), each into a fresh folder, and
/// their peak RSS.
fn three_runs(remix_bin: &Path, url: &str, inputs: &Path, work: &Path, extra: &[&str]) -> (Vec<Duration>, Vec<u64>) {
    let mut walls = Vec::new();
    let mut rss = Vec::new();
    for run in 0..3 {
        let out = work.join(format!("batch-out-{run}"));
        let _ = std::fs::remove_dir_all(&out);
        let (wall, peak) = measured(
            remix(remix_bin, url)
                .args([
                    "batch",
                    "--prompt",
                    "a remix",
                    "--concurrency",
                    &CONCURRENCY.to_string(),
                ])
                .args(extra)
                .arg("--out")
                .arg(&out)
                .arg(inputs),
        );
        walls.push(wall);
        rss.push(peak);
    }
    (walls, rss)
}

/// Prints the batch benchmark as Markdown: `remix` is the CLI binary, `url`
/// a `remix-mock --latency 200`, `native_url` one with `--native` too (whose
/// images `--download` fetches), `work` a scratch folder.
pub fn batch(remix_bin: &Path, url: &str, native_url: &str, work: &Path) {
    let inputs = work.join("batch-in");
    images(&inputs);
    let one = inputs.join("image-00.png");
    let (_, single_rss) = measured(
        remix(remix_bin, url)
            .arg("--image")
            .arg(&one)
            .args(["--prompt", "a remix"]),
    );
    let (mut walls, mut rss) = three_runs(remix_bin, url, &inputs, work, &[]);
    // With --download the mock renders every image when its link is
    // fetched; 512 x 1536, among the smallest sizes the API lists, keeps
    // that cost low (it is the mock's, not the client's).
    let (mut download_walls, _) = three_runs(
        remix_bin,
        native_url,
        &inputs,
        work,
        &["--download", "--resolution", "RESOLUTION_512_1536"],
    );
    let ideal = LATENCY * (IMAGES / CONCURRENCY) as u32;
    let wall = median(&mut walls);
    rss.sort_unstable();
    let batch_rss = rss[rss.len() / 2];
    let download_wall = median(&mut download_walls);
    println!("| what | figure | goal |\n|---|---|---|");
    println!(
        "| wall time, {IMAGES} images at concurrency {CONCURRENCY} (median of 3) | {:.2} s = {:.3} x the ideal {:.1} s | at most 1.15 x |",
        wall.as_secs_f64(),
        wall.as_secs_f64() / ideal.as_secs_f64(),
        ideal.as_secs_f64()
    );
    println!(
        "| wall time with `--download` (native answers, each image fetched, checked and written atomically; median of 3) | {:.2} s = {:.3} x the ideal {:.1} s | at most 1.15 x |",
        download_wall.as_secs_f64(),
        download_wall.as_secs_f64() / ideal.as_secs_f64(),
        ideal.as_secs_f64()
    );
    println!(
        "| peak RSS of the batch (median of 3) / of a single `remix` call | {:.1} MiB / {:.1} MiB = {:.2} x | under 2 x |",
        batch_rss as f64 / 1024.0,
        single_rss as f64 / 1024.0,
        batch_rss as f64 / single_rss.max(1) as f64
    );
}
