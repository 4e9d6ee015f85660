//! The converter over every page of the shared corpus, against a baseline that only parses the same bytes
//! with pulldown-cmark. Target: the converter takes at most 3× the baseline's time.
//!
//! `cargo bench -p xtask --bench converter`. Without the corpus (`../shared/corpus`, or `BENCH_CORPUS`) it
//! says so and measures nothing. Peak memory is `--bench corpus_memory`, apart, because counting
//! allocations would slow both sides here.
//!
//! The medians move with the machine's load, the ratio less so; BENCH_ONCE (below) runs one side once
//! for a count of instructions under callgrind, the same whatever the load.

use std::time::Duration;

use criterion::{Criterion, Throughput};

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/figures.rs"]
mod figures;

const SAMPLES: usize = 10;
const BASELINE: &str = "corpus/pulldown-cmark parse (baseline)";
const CONVERTER: &str = "corpus/converter (page::read + spec::build_with)";
const READER: &str = "corpus/reader alone (page::read)";

fn main() {
    // `BENCH_ONCE=load|baseline|converter`: load the corpus and run that side once, for an instruction count
    // under `valgrind --tool=callgrind`, which the machine's noise does not change (BENCHMARKS.md).
    if let Some(once) = std::env::var_os("BENCH_ONCE") {
        let pages = corpus::load().unwrap_or_default();
        let out = match once.to_str() {
            Some("baseline") => corpus::parse_only(&pages),
            Some("converter") => corpus::convert(&pages).operations,
            Some("reader") => corpus::read_all(&pages).len(),
            _ => pages.len(),
        };
        println!("{once:?}: {out}");
        return;
    }
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(12))
        .configure_from_args();
    let Some(pages) = corpus::load() else {
        figures::line(format!("Skipped: {} is absent.", corpus::dir().display()));
        figures::finish("converter");
        return;
    };
    let bytes = corpus::bytes(&pages);
    let result = corpus::convert(&pages);

    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    // Baseline and converter are measured in two rounds, A B … B A, so a burst of load from elsewhere on the machine
    // weighs on both; each id keeps its own samples and the ratio takes the medians.
    for (id, round) in [(BASELINE, 1), (CONVERTER, 1), (READER, 1), (CONVERTER, 2), (BASELINE, 2)] {
        let name = format!("{} #{round}", id.trim_start_matches("corpus/"));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                figures::time(&format!("{id}#{round}"), iters, || match id {
                    BASELINE => corpus::parse_only(&pages),
                    CONVERTER => corpus::convert(&pages).operations,
                    _ => corpus::read_all(&pages).len(),
                })
            })
        });
    }
    group.finish();
    c.final_summary();

    figures::figure(
        "corpus",
        format!(
            "{} pages, {} ({}): {} read without error, {} operations",
            result.pages,
            figures::mib(bytes),
            corpus::dir().display(),
            result.pages_ok,
            result.operations
        ),
    );
    figures::timing("pulldown-cmark parse of the corpus (baseline)", BASELINE, SAMPLES);
    figures::timing("converter over the corpus", CONVERTER, SAMPLES);
    figures::timing("of which the reader (page::read)", READER, SAMPLES);
    figures::ratio("converter / pulldown-cmark", CONVERTER, BASELINE, SAMPLES, Some(3.0));
    figures::ratio("reader alone / pulldown-cmark", READER, BASELINE, SAMPLES, None);
    if let Some(t) = figures::median(CONVERTER, SAMPLES) {
        figures::figure("converter throughput", format!("{:.1} MiB/s", bytes as f64 / t / (1024.0 * 1024.0)));
    }
    figures::finish("converter");
}
