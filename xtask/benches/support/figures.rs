//! What every bench binary of the workspace shares: per-iteration times recorded from the very samples
//! criterion measures, so that a ratio and its baseline come from one run, and the summary each bench prints
//! at its end (and writes to `<target>/bench-figures/<bench>.md`, which BENCHMARKS.md quotes).
//!
//! generated-client's benches include this file with `#[path]`: one copy, and no crate for a hundred lines.

#![allow(dead_code)] // Each bench binary uses a different part of it.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Seconds per iteration of every sample, by benchmark id.
static SAMPLES: Mutex<BTreeMap<String, Vec<f64>>> = Mutex::new(BTreeMap::new());
/// The summary's lines, in the order the bench added them.
static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Records one sample: `elapsed` for `iters` iterations. Returns `elapsed`, for `Bencher::iter_custom`.
pub fn record(id: &str, iters: u64, elapsed: Duration) -> Duration {
    let per_iteration = elapsed.as_secs_f64() / iters.max(1) as f64;
    SAMPLES
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .entry(id.to_owned())
        .or_default()
        .push(per_iteration);
    elapsed
}

/// Times `iters` runs of `f` and records the sample under `id`; the body of a `Bencher::iter_custom`.
pub fn time<T>(id: &str, iters: u64, mut f: impl FnMut() -> T) -> Duration {
    let start = Instant::now();
    for _ in 0..iters {
        std::hint::black_box(f());
    }
    record(id, iters, start.elapsed())
}

/// The median seconds per iteration over the last `samples` samples of `id`, and of every `id#round`
/// when the bench measured it in several rounds: criterion calls the routine for its warm-up first, then
/// exactly once per sample, so the last ones are the measured ones. `None` when the benchmark did not run
/// (filtered out).
pub fn median(id: &str, samples: usize) -> Option<f64> {
    let all = SAMPLES.lock().unwrap_or_else(PoisonError::into_inner);
    let rounds = format!("{id}#");
    let mut last: Vec<f64> = all
        .iter()
        .filter(|(k, _)| *k == id || k.starts_with(&rounds))
        .flat_map(|(_, values)| values[values.len().saturating_sub(samples)..].iter().copied())
        .collect();
    last.sort_by(f64::total_cmp);
    let n = last.len();
    if n == 0 {
        return None;
    }
    Some(if n % 2 == 1 { last[n / 2] } else { (last[n / 2 - 1] + last[n / 2]) / 2.0 })
}

/// Adds a line to the summary.
pub fn line(text: impl Into<String>) {
    LINES.lock().unwrap_or_else(PoisonError::into_inner).push(text.into());
}

/// Adds a figure (`- label: value`) to the summary.
pub fn figure(label: &str, value: impl std::fmt::Display) {
    line(format!("- {label}: {value}"));
}

/// Adds the median time of `id` to the summary.
pub fn timing(label: &str, id: &str, samples: usize) {
    match median(id, samples) {
        Some(t) => figure(label, seconds(t)),
        None => figure(label, "not run"),
    }
}

/// Adds `subject / baseline` (median times of one run) to the summary, against `target` when there is one.
/// Returns the ratio.
pub fn ratio(label: &str, subject: &str, baseline: &str, samples: usize, target: Option<f64>) -> Option<f64> {
    let (Some(s), Some(b)) = (median(subject, samples), median(baseline, samples)) else {
        figure(label, "not run");
        return None;
    };
    let r = s / b;
    let verdict = match target {
        Some(t) if r <= t => format!(" (target ≤ {t}×: met)"),
        Some(t) => format!(" (target ≤ {t}×: MISSED)"),
        None => String::new(),
    };
    figure(label, format!("{r:.3}× ({} against {}){verdict}", seconds(s), seconds(b)));
    Some(r)
}

/// Adds the median time of `id` to the summary, against an absolute target in seconds. Returns the time.
pub fn within(label: &str, id: &str, samples: usize, target: f64) -> Option<f64> {
    let Some(t) = median(id, samples) else {
        figure(label, "not run");
        return None;
    };
    let verdict = if t <= target { "met" } else { "MISSED" };
    figure(label, format!("{} (target ≤ {}: {verdict})", seconds(t), seconds(target)));
    Some(t)
}

/// Prints the summary and writes it to `<target>/bench-figures/<bench>.md`.
pub fn finish(bench: &str) {
    let lines = LINES.lock().unwrap_or_else(PoisonError::into_inner);
    let mut text = format!("### {bench}\n\n{}\n", machine());
    for l in lines.iter() {
        let _ = writeln!(text, "{l}");
    }
    println!("\n{text}");
    let dir = target_dir().join("bench-figures");
    if std::fs::create_dir_all(&dir).is_ok() {
        let _ = std::fs::write(dir.join(format!("{bench}.md")), &text);
    }
}

/// The cargo target folder: `CARGO_TARGET_DIR`, else the workspace's `target/`.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../target")))
}

/// One line on where the figures come from: cores, CPU model, load when the bench ended.
pub fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!("Machine: {cores} cores, {cpu}; load average {load}.\n")
}

/// A duration in seconds, in the unit that reads best.
pub fn seconds(s: f64) -> String {
    if s < 0.0 {
        return format!("-{}", seconds(-s));
    }
    if s >= 1.0 {
        format!("{s:.3} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", s * 1e3)
    } else if s >= 1e-6 {
        format!("{:.2} µs", s * 1e6)
    } else {
        format!("{:.0} ns", s * 1e9)
    }
}

/// A byte count in MiB.
pub fn mib(bytes: usize) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}
