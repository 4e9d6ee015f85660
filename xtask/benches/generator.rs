//! The generator (`generator::generate`: OpenAPI → formatted Rust source) on the specs regen makes from
//! `spec/docs` and its subsets, and on the corpus stand-in for the mail area (`support/trees.rs`): its time,
//! and the lines it emits per operation (`mod.rs`, the operations; `types.rs`, the schema types).
//!
//! `cargo bench -p xtask --bench generator`.

use std::time::Duration;

use criterion::Criterion;

#[path = "support/figures.rs"]
mod figures;
#[path = "support/trees.rs"]
mod trees;

const SAMPLES: usize = 20;

fn main() {
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let trees = trees::all();
    let specs: Vec<(&trees::Tree, openapiv3::OpenAPI)> =
        trees.iter().filter_map(|t| Some((t, t.openapi()?))).collect();
    let settings = generator::Settings::default();

    let mut group = c.benchmark_group("generator");
    for (tree, spec) in &specs {
        group.bench_function(&tree.name, |b| {
            b.iter_custom(|iters| {
                figures::time(&tree.name, iters, || {
                    generator::generate(spec, &settings).expect("the spec generates")
                })
            })
        });
    }
    group.finish();
    c.final_summary();

    figures::line("| spec from | operations | generate | per operation | mod.rs lines | types.rs lines | lines per operation (mod.rs / all) |");
    figures::line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (tree, spec) in &specs {
        let Some(t) = figures::median(&tree.name, SAMPLES) else { continue };
        let files = generator::generate(spec, &settings).expect("the spec generates");
        let lines = |name: &str| {
            files
                .files
                .iter()
                .filter(|f| f.path.ends_with(name))
                .map(|f| f.contents.lines().count())
                .sum::<usize>()
        };
        let (module, types) = (lines("mod.rs"), lines("types.rs"));
        let ops = tree.operations.max(1);
        figures::line(format!(
            "| {} | {} | {} | {} | {} | {} | {:.0} / {:.0} |",
            tree.name,
            tree.operations,
            figures::seconds(t),
            figures::seconds(t / ops as f64),
            module,
            types,
            module as f64 / ops as f64,
            (module + types) as f64 / ops as f64
        ));
    }
    figures::finish("generator");
}
