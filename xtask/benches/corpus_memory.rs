//! Peak memory of the converter over the whole corpus: the most heap it holds at once beyond the pages'
//! own bytes (counted by a global allocator that tracks live bytes), and the process's peak resident set.
//! The pulldown-cmark baseline of `--bench converter` is measured the same way, for scale.
//!
//! `cargo bench -p xtask --bench corpus_memory`. A figure, not a timing, so no criterion here.

use peak_alloc::PeakAlloc;

#[path = "support/corpus.rs"]
mod corpus;
#[path = "support/figures.rs"]
mod figures;

#[global_allocator]
static HEAP: PeakAlloc = PeakAlloc;

/// The process's peak resident set (`VmHWM`), in bytes.
fn peak_rss() -> Option<usize> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: usize = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Runs `f` once; returns the peak live heap during it above the heap live before it, and what it returned.
fn peak_during<T>(f: impl FnOnce() -> T) -> (usize, T) {
    let before = HEAP.current_usage();
    HEAP.reset_peak_usage();
    let out = f();
    (HEAP.peak_usage().saturating_sub(before), out)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing or test filters. One run either way.
    let Some(pages) = corpus::load() else {
        figures::line(format!("Skipped: {} is absent.", corpus::dir().display()));
        figures::finish("corpus_memory");
        return;
    };
    let input = corpus::bytes(&pages);
    let rss_loaded = peak_rss();
    let (baseline_peak, _) = peak_during(|| corpus::parse_only(&pages));
    let (reader_peak, read) = peak_during(|| {
        let read = corpus::read_all(&pages);
        read.len()
    });
    let (converter_peak, converted) = peak_during(|| corpus::convert(&pages));
    let rss_end = peak_rss();

    figures::figure(
        "corpus",
        format!("{} pages, {} held in memory as the input", pages.len(), figures::mib(input)),
    );
    figures::figure("peak heap of the converter, beyond the input", figures::mib(converter_peak));
    figures::figure(
        "of which the page models of every page held at once (reader alone)",
        format!("{} for {read} pages", figures::mib(reader_peak)),
    );
    figures::figure(
        "peak heap of the pulldown-cmark baseline, beyond the input",
        figures::mib(baseline_peak),
    );
    figures::figure(
        "converter output",
        format!("{} pages read without error, {} operations", converted.pages_ok, converted.operations),
    );
    if let (Some(loaded), Some(end)) = (rss_loaded, rss_end) {
        figures::figure(
            "peak resident set of the process",
            format!("{} (after loading the input: {})", figures::mib(end), figures::mib(loaded)),
        );
    }
    figures::finish("corpus_memory");
}
