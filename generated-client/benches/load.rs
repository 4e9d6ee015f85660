//! The client under load and faults against a loopback server: 10,000 sends with 256 in flight, the
//! server answering `429 Too Many Requests` with `Retry-After: 0` to the first try of 20% of the messages
//! and to the first two tries of another 10%. Every send must complete, and the server must count exactly
//! 10,000 accepted sends, none twice, and exactly the 4,000 refusals it planned. Every measured run checks
//! all of that; a run that fails it panics.
//!
//! `cargo bench -p generated-client --bench load`. The same 10,000 sends without faults are the
//! baseline: the ratio is the price of 4,000 throttled tries and their retries. The client keeps its
//! waits small with its builder settings (`max_retries(3)`, `retry_backoff(1 ms)`, `max_retry_wait(1 s)`).

use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use futures_util::stream::{self, StreamExt};
use generated_client::Client;

#[path = "../../xtask/benches/support/figures.rs"]
mod figures;
#[path = "support/server.rs"]
mod server;

const SENDS: usize = 10_000;
const IN_FLIGHT: usize = 256;
const SAMPLES: usize = 10;
/// Refusals the plan makes: 1 for ids ending in 0 or 1 (mod 10), 2 for those ending in 2.
const PLANNED_REFUSALS: u32 = (SENDS as u32 / 10) * (1 + 1 + 2);
const FAULTY: &str = "10,000 sends, 256 in flight, 30% throttled";
const CLEAN: &str = "10,000 sends, 256 in flight, no faults (baseline)";

fn faults() -> server::Faults {
    Arc::new(|id: &str| {
        let n: usize = id.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0);
        match n % 10 {
            0 | 1 => 1,
            2 => 2,
            _ => 0,
        }
    })
}

/// One run: every send, then the server's count checked. Returns its time and the refusals counted.
fn scenario(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    server: &server::Server,
    faulty: bool,
) -> (Duration, u32) {
    server.reset(faulty.then(faults));
    let start = Instant::now();
    let results: Vec<(usize, Result<(), generated_client::Error>)> = rt.block_on(
        stream::iter(0..SENDS)
            .map(|i| {
                let client = client.clone();
                async move { (i, client.me().message(format!("msg-{i}")).send().await) }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect(),
    );
    let elapsed = start.elapsed();
    let failed: Vec<String> = results
        .iter()
        .filter_map(|(i, r)| r.as_ref().err().map(|e| format!("msg-{i}: {e}")))
        .take(5)
        .collect();
    assert!(failed.is_empty(), "sends failed: {failed:?}");
    assert_eq!(results.len(), SENDS, "every send completes");
    let seen = server.seen();
    let accepted: u32 = seen.values().map(|s| s.accepted).sum();
    let refused: u32 = seen.values().map(|s| s.refused).sum();
    let twice: Vec<&String> = seen.iter().filter(|(_, s)| s.accepted > 1).map(|(id, _)| id).take(5).collect();
    assert!(twice.is_empty(), "sent twice: {twice:?}");
    assert_eq!(seen.len(), SENDS, "one id per send");
    assert_eq!(accepted as usize, SENDS, "the server accepted every send once");
    assert_eq!(refused, if faulty { PLANNED_REFUSALS } else { 0 }, "refusals as planned");
    (elapsed, refused)
}

fn main() {
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    let server = server::Server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let client = Client::builder()
        .base_url(server.base_url())
        .bearer_token("bench-token")
        .max_retries(3)
        .retry_backoff(Duration::from_millis(1))
        .max_retry_wait(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    let mut group = c.benchmark_group("load");
    for (id, faulty, round) in [(CLEAN, false, 1), (FAULTY, true, 1), (FAULTY, true, 2), (CLEAN, false, 2)] {
        group.bench_function(format!("{id} #{round}"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    total += scenario(&rt, &client, &server, faulty).0;
                }
                figures::record(&format!("{id}#{round}"), iters, total)
            })
        });
    }
    group.finish();
    c.final_summary();

    // One more checked run of each, for the counts quoted below.
    let (_, refused) = scenario(&rt, &client, &server, true);
    figures::figure(
        "checked in every run",
        format!("{SENDS} sends completed; server accepted {SENDS}, none twice; {refused} tries answered 429 with Retry-After: 0"),
    );
    figures::timing(FAULTY, FAULTY, SAMPLES);
    figures::timing(CLEAN, CLEAN, SAMPLES);
    if let Some(t) = figures::median(FAULTY, SAMPLES) {
        figures::figure("throughput with faults", format!("{:.0} sends/s", SENDS as f64 / t));
    }
    figures::ratio("with faults / without", FAULTY, CLEAN, SAMPLES, None);
    figures::finish("load");
}
