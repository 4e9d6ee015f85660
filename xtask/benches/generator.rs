//! The generator (`generator::generate`: OpenAPI → formatted Rust source) on the specs regen makes from
//! `spec/docs` and its subsets, and on the corpus stand-in for the mail area (`support/trees.rs`): its time,
//! and the lines it emits per operation (`mod.rs`, the operations; `types.rs`, the schema types). On the
//! largest spec also `generate_with` given the pieces of an earlier generation (`generator::Reuse`): of the
//! same spec, and of the spec before one operation's description changed (what regen does after a page
//! edit).
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
    let largest = specs.last();
    let reuse_ids = largest.map(|(tree, _)| {
        (
            format!("{} (pieces kept, same spec)", tree.name),
            format!("{} (pieces kept, one description edited)", tree.name),
        )
    });
    if let (Some((_, spec)), Some((same_id, edit_id))) = (largest, &reuse_ids) {
        let (_, kept) =
            generator::generate_with(spec, &settings, &generator::Reuse::default()).expect("generates");
        let mut edited = spec.clone();
        let op = edited
            .paths
            .paths
            .values_mut()
            .filter_map(|item| match item {
                openapiv3::ReferenceOr::Item(item) => Some(item),
                openapiv3::ReferenceOr::Reference { .. } => None,
            })
            .find_map(|item| item.get.as_mut().or(item.post.as_mut()))
            .expect("the spec has an operation");
        op.description = Some(format!("{} Edited.", op.description.clone().unwrap_or_default()));
        group.bench_function(same_id, |b| {
            b.iter_custom(|iters| {
                figures::time(same_id, iters, || {
                    generator::generate_with(spec, &settings, &kept).expect("generates")
                })
            })
        });
        group.bench_function(edit_id, |b| {
            b.iter_custom(|iters| {
                figures::time(edit_id, iters, || {
                    generator::generate_with(&edited, &settings, &kept).expect("generates")
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
    if let Some((same_id, edit_id)) = &reuse_ids {
        figures::line("");
        figures::timing("`generate_with`, the pieces of the same spec kept", same_id, SAMPLES);
        figures::timing(
            "`generate_with`, the pieces of the spec before one description changed",
            edit_id,
            SAMPLES,
        );
    }
    figures::finish("generator");
}
