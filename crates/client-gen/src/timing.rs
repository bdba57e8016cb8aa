//! Where a generation's time goes, stage by stage, for `client-gen
//! generate --timings` (and BENCHMARKS.md): each stage adds its time here,
//! on the thread that generates.

use std::cell::RefCell;
use std::time::{Duration, Instant};

thread_local! {
    static STAGES: RefCell<Vec<(String, Duration, usize)>> = const { RefCell::new(Vec::new()) };
}

/// Adds `elapsed` (one call) to the stage `label`.
pub fn record(label: &str, elapsed: Duration) {
    STAGES.with(|stages| {
        let mut stages = stages.borrow_mut();
        match stages.iter_mut().find(|(l, _, _)| l == label) {
            Some((_, total, calls)) => {
                *total += elapsed;
                *calls += 1;
            }
            None => stages.push((label.to_string(), elapsed, 1)),
        }
    });
}

/// Runs `f`, adding its time to the stage `label`.
pub fn time<T>(label: &str, f: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let out = f();
    record(label, started.elapsed());
    out
}

/// The stages so far, in the order first seen (seconds and calls), and
/// a fresh start.
pub fn take() -> Vec<(String, f64, usize)> {
    STAGES.with(|stages| {
        stages
            .borrow_mut()
            .drain(..)
            .map(|(label, total, calls)| (label, total.as_secs_f64(), calls))
            .collect()
    })
}
