//! `cargo xtask diff` on the committed mail spec: against itself (read both files, parse, compare; the target
//! is under 100 ms), the comparison alone on parsed documents, and against a copy with one property retyped,
//! where naming the Rust item runs the generator's type pass on both sides.
//!
//! `cargo bench -p xtask --bench diff`.

use std::time::Duration;

use criterion::Criterion;
use xtask::diff::{self, Pages};

#[path = "support/figures.rs"]
mod figures;

const SAMPLES: usize = 20;

fn main() {
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
        .configure_from_args();
    let root = xtask::project_root();
    let path = root.join(xtask::regen::SPEC_FILE);
    let text = std::fs::read_to_string(&path).expect("spec/openapi.yaml is committed");
    let spec = diff::parse(&text, "spec").expect("the spec parses");
    let pages = Pages::Disk(vec![root.clone()]);
    // One change: `message.isRead` becomes a string wherever the message schema spells it out.
    let needle = "isRead:\n                  description: Indicates whether the message has been read.\n                  type: boolean";
    assert!(text.contains(needle), "the bench's edit no longer applies to spec/openapi.yaml");
    let retyped =
        diff::parse(&text.replace(needle, &needle.replace("boolean", "string")), "edited").expect("parses");

    let mut group = c.benchmark_group("diff");
    group.bench_function("self, files", |b| {
        b.iter_custom(|iters| {
            figures::time("self, files", iters, || {
                let (old, new) =
                    diff::load_files(&path, &path, &mut Default::default()).expect("the spec loads");
                let report = diff::compare(&old, &new, &pages, &pages);
                assert!(report.changes.is_empty());
                report
            })
        })
    });
    group.bench_function("self, compare only", |b| {
        b.iter_custom(|iters| {
            figures::time("self, compare only", iters, || diff::compare(&spec, &spec, &pages, &pages))
        })
    });
    group.bench_function("one property retyped", |b| {
        b.iter_custom(|iters| {
            figures::time("one property retyped", iters, || {
                let report = diff::compare(&spec, &retyped, &pages, &pages);
                assert!(report.changes.iter().any(|c| c.rust.is_some()));
                report
            })
        })
    });
    group.finish();
    c.final_summary();

    figures::within("the mail spec against itself (read, parse, compare)", "self, files", SAMPLES, 0.1);
    figures::timing("the comparison alone", "self, compare only", SAMPLES);
    figures::timing(
        "one property retyped (with the Rust names of both sides)",
        "one property retyped",
        SAMPLES,
    );
    figures::finish("diff");
}
