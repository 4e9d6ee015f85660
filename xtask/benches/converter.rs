//! The converter over every page of the shared corpus, against a baseline that only parses the same bytes
//! with pulldown-cmark. Target: the converter takes at most 3× the baseline's time, measured in process
//! (reader and builder) and as users run it (`cargo xtask convert` as a new process, end to end).
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
const PROCESS: &str = "corpus/cargo xtask convert, end to end (process, YAML and report written)";

/// `xtask convert --keep-going --report … --out … CORPUS` as users run it, with the built binary: a new
/// process that lists and reads the pages from disk, converts, and writes the document and the report.
fn convert_process(out: &std::path::Path) -> bool {
    std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("convert")
        .arg("--keep-going")
        .arg("--report")
        .arg(out.join("report.json"))
        .arg("--out")
        .arg(out.join("openapi.yaml"))
        .arg(corpus::dir())
        .output()
        .map(|o| o.status.code().is_some())
        .unwrap_or(false)
}

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
    let out = std::env::temp_dir().join(format!("xtask-converter-bench-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&out);
    let rounds = [
        (BASELINE, 1),
        (CONVERTER, 1),
        (PROCESS, 1),
        (READER, 1),
        (PROCESS, 2),
        (CONVERTER, 2),
        (BASELINE, 2),
    ];
    for (id, round) in rounds {
        let name = format!("{} #{round}", id.trim_start_matches("corpus/"));
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                figures::time(&format!("{id}#{round}"), iters, || match id {
                    BASELINE => corpus::parse_only(&pages),
                    CONVERTER => corpus::convert(&pages).operations,
                    PROCESS => usize::from(convert_process(&out)),
                    _ => corpus::read_all(&pages).len(),
                })
            })
        });
    }
    group.finish();
    c.final_summary();
    let _ = std::fs::remove_dir_all(&out);

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
    figures::timing("cargo xtask convert over the corpus, end to end", PROCESS, SAMPLES);
    figures::ratio("cargo xtask convert end to end / pulldown-cmark", PROCESS, BASELINE, SAMPLES, Some(3.0));
    figures::ratio("converter / pulldown-cmark", CONVERTER, BASELINE, SAMPLES, Some(3.0));
    figures::ratio("reader alone / pulldown-cmark", READER, BASELINE, SAMPLES, None);
    if let Some(t) = figures::median(CONVERTER, SAMPLES) {
        figures::figure("converter throughput", format!("{:.1} MiB/s", bytes as f64 / t / (1024.0 * 1024.0)));
    }
    figures::finish("converter");
}
