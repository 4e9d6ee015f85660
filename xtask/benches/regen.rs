//! `cargo xtask regen` end to end with the built binary: read the pages, build and write the spec, generate,
//! format, compare with what is on disk. Target: ≤ 100 ms for `spec/docs` as it stands. Also how the time
//! grows with the number of pages (1, 10, all), on subsets of `spec/docs` and, until the mail area lands
//! there, on a stand-in for it made from the corpus (`support/trees.rs`).
//!
//! `cargo bench -p xtask --bench regen`. Each run is a new process on a scratch copy whose outputs are
//! already up to date (the everyday case, and what CI's `--check` does), except the row "outputs removed
//! first", which writes every file, and the row "one-page edit", where one line of one page's prose that
//! the spec quotes changes before each run (target < 50 ms): the spec and the client change, and regen
//! takes what it can from the last generation. Starting the binary (`xtask --help`) is measured as the
//! floor.

use std::process::Command;
use std::time::{Duration, Instant};

use criterion::Criterion;

#[path = "support/figures.rs"]
mod figures;
#[path = "support/trees.rs"]
mod trees;

const SAMPLES: usize = 20;
const STARTUP: &str = "xtask --help (process start)";
const TARGET: f64 = 0.100;
const EDIT_TARGET: f64 = 0.050;

fn main() {
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let trees = trees::all();
    let full_docs = trees.iter().rfind(|t| t.name.starts_with("spec/docs/"));
    let check_id = full_docs.map(|t| format!("{} --check", t.name));
    let scratch_id = full_docs.map(|t| format!("{} (outputs removed first)", t.name));
    let cold_id = full_docs.map(|t| format!("{} (outputs removed, nothing kept)", t.name));
    let edit = full_docs.and_then(|t| Some((t, t.page_edit()?)));
    let edit_id = edit.as_ref().map(|(t, e)| format!("{} (one-page edit: {})", t.name, e.label));

    let mut group = c.benchmark_group("regen");
    group.bench_function(STARTUP, |b| {
        b.iter_custom(|iters| {
            figures::time(STARTUP, iters, || {
                Command::new(trees::XTASK).arg("--help").output().expect("xtask runs")
            })
        })
    });
    for tree in &trees {
        group.bench_function(&tree.name, |b| {
            b.iter_custom(|iters| {
                figures::time(&tree.name, iters, || tree.regen(&[]).expect("regen succeeds"))
            })
        });
    }
    if let (Some(tree), Some(check_id), Some(scratch_id)) = (full_docs, &check_id, &scratch_id) {
        group.bench_function(check_id, |b| {
            b.iter_custom(|iters| {
                figures::time(check_id, iters, || tree.regen(&["--check"]).expect("up to date"))
            })
        });
        group.bench_function(scratch_id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    tree.clear_outputs();
                    let start = Instant::now();
                    tree.regen(&[]).expect("regen succeeds");
                    total += start.elapsed();
                }
                figures::record(scratch_id, iters, total)
            })
        });
    }
    if let (Some(tree), Some(cold_id)) = (full_docs, &cold_id) {
        group.bench_function(cold_id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    tree.clear_outputs();
                    tree.forget_memo();
                    let start = Instant::now();
                    tree.regen(&[]).expect("regen succeeds");
                    total += start.elapsed();
                }
                figures::record(cold_id, iters, total)
            })
        });
    }
    if let (Some((tree, edit)), Some(edit_id)) = (&edit, &edit_id) {
        let mut n = 0;
        group.bench_function(edit_id, |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    edit.apply(n);
                    let start = Instant::now();
                    tree.regen(&[]).expect("regen succeeds");
                    total += start.elapsed();
                    assert!(edit.in_spec(tree, n), "the edit of {} did not reach the spec", edit.label);
                }
                figures::record(edit_id, iters, total)
            })
        });
    }
    group.finish();
    c.final_summary();

    figures::timing("starting the binary (`xtask --help`)", STARTUP, SAMPLES);
    if let Some(tree) = full_docs {
        figures::within(
            &format!(
                "regen, spec/docs as it stands ({} pages, {} resource pages, {} operations)",
                tree.pages, tree.resources, tree.operations
            ),
            &tree.name,
            SAMPLES,
            TARGET,
        );
    }
    if let (Some(check_id), Some(scratch_id)) = (&check_id, &scratch_id) {
        figures::timing("regen --check, same pages", check_id, SAMPLES);
        figures::timing(
            "regen with its outputs removed first (writes every file; the generator's pieces kept)",
            scratch_id,
            SAMPLES,
        );
    }
    if let Some(cold_id) = &cold_id {
        figures::timing(
            "regen with its outputs removed and nothing kept (the generator runs whole)",
            cold_id,
            SAMPLES,
        );
    }
    if let (Some((_, edit)), Some(edit_id)) = (&edit, &edit_id) {
        figures::within(
            &format!("regen after a one-page edit ({}, a line the spec quotes)", edit.label),
            edit_id,
            SAMPLES,
            EDIT_TARGET,
        );
    }
    figures::line("");
    figures::line("| pages | resource pages | operations | regen | per operation |");
    figures::line("| --- | ---: | ---: | ---: | ---: |");
    for tree in &trees {
        let Some(t) = figures::median(&tree.name, SAMPLES) else { continue };
        figures::line(format!(
            "| {} | {} | {} | {} | {} |",
            tree.name,
            tree.resources,
            tree.operations,
            figures::seconds(t),
            figures::seconds(t / tree.operations.max(1) as f64)
        ));
    }
    figures::finish("regen");
}
