//! Medians and durations, for every measurement here and for the
//! xtask's (`remix-bench time N -- CMD ...`).

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

use remix_client::{AspectRatio, ColorPalette, ImageRequest, Model, PalettePreset};

pub fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    values[values.len() / 2]
}

pub fn fmt_duration(d: Duration) -> String {
    if d >= Duration::from_millis(10) {
        format!("{:.1} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.0} µs", d.as_secs_f64() * 1e6)
    }
}

/// Runs `command` `runs` times and prints the median wall time in seconds.
pub fn time_command(runs: usize, command: &[&str]) {
    let (program, args) = command.split_first().expect("a command");
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let started = Instant::now();
            let status = Command::new(program).args(args).status().expect("the command runs");
            assert!(status.success(), "{command:?} failed");
            started.elapsed()
        })
        .collect();
    println!("{:.3}", median(&mut times).as_secs_f64());
}

/// `ImageRequest::build()` plus JSON serialization, ns per request.
pub fn build_bench() {
    const N: u32 = 200_000;
    let mut full = Vec::new();
    let mut minimal = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        for i in 0..N {
            let r = ImageRequest::builder(black_box("a beautiful sunset over mountains"))
                .aspect_ratio(AspectRatio::Ratio16x9)
                .model(Model::V2)
                .color_palette(ColorPalette::preset(PalettePreset::Fresh))
                .seed(black_box(i))
                .num_images(2)
                .negative_prompt("blur")
                .build()
                .expect("valid");
            black_box(r.to_json());
        }
        full.push(t.elapsed() / N);
        let t = Instant::now();
        for _ in 0..N {
            let r = ImageRequest::builder(black_box("a cat")).build().expect("valid");
            black_box(r.to_json());
        }
        minimal.push(t.elapsed() / N);
    }
    println!(
        "| build + serialize, 7 fields set | {} ns |",
        median(&mut full).as_nanos()
    );
    println!(
        "| build + serialize, prompt only | {} ns |",
        median(&mut minimal).as_nanos()
    );
}
