//! The client's overhead per call against a loopback server, versus the same request made with plain
//! `reqwest`: `client.me().message(id).send().await` against `POST …/me/messages/{id}/send` by hand.
//! Target: ≤ 1.05× the plain request's time, with 1 and with 64 calls in flight.
//!
//! `cargo bench -p generated-client --bench overhead`. The comparison is kept fair: both use a
//! `reqwest::Client` built with the runtime's settings (timeouts, user agent), one connection pool reused
//! across calls, and send the same headers (`Authorization`, a fresh UUID `client-request-id`, `Accept`,
//! `Content-Length: 0`) to the same percent-encoded URL, and read the whole answer. What the client adds on
//! top is its own work: building the operation, checking and encoding the id, the URL, the `tracing` span
//! (no subscriber is installed, as in an app that installs none), the token lookup, the retry bookkeeping
//! and the boxed future. The server runs on its own thread; the client on a current-thread runtime.
//!
//! On a shared machine criterion's rounds (A B B A, seconds apart) can still meet different load, so the
//! bench ends with a paired comparison: batches of 64 calls of each side back to back, the median of the
//! per-batch ratios (`paired` below).

use std::time::{Duration, Instant};

use criterion::Criterion;
use futures_util::future::join_all;
use generated_client::Client;
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_LENGTH};

#[path = "../../xtask/benches/support/figures.rs"]
mod figures;
#[path = "support/server.rs"]
mod server;

const SAMPLES: usize = 40;
const MESSAGE: &str = "AAMkAGI2THVSAAA=";
const MESSAGE_ENCODED: &str = "AAMkAGI2THVSAAA%3D";
const TOKEN: &str = "bench-token";

/// A `reqwest::Client` as the runtime builds its own (`src/runtime/builder.rs`).
fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(100))
        .connect_timeout(Duration::from_secs(10))
        .user_agent(concat!("generated-client/", env!("CARGO_PKG_VERSION")))
        .build()
        .expect("reqwest client")
}

async fn plain_send(http: &reqwest::Client, url: &str) {
    let response = http
        .post(url)
        .header(AUTHORIZATION, concat!("Bearer ", "bench-token"))
        .header("client-request-id", uuid::Uuid::new_v4().to_string())
        .header(ACCEPT, "application/json")
        .header(CONTENT_LENGTH, "0")
        .send()
        .await
        .expect("plain send");
    assert!(response.status().is_success(), "plain send: {}", response.status());
    response.bytes().await.expect("plain body");
}

async fn client_send(client: &Client) {
    client.me().message(MESSAGE).send().await.expect("client send");
}

/// `BENCH_ONCE=client|reqwest`: 4,096 calls of that side, 64 in flight, after 64 to open the connections;
/// for an instruction count under `valgrind --tool=callgrind`, where the two sides differ only by the
/// client's own work (the server's is the same), whatever the machine's load.
fn once(side: &str) {
    let server = server::Server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let client = Client::builder().base_url(server.base_url()).bearer_token(TOKEN).build().expect("client");
    let http = plain_client();
    let url = format!("{}/me/messages/{MESSAGE_ENCODED}/send", server.base_url());
    rt.block_on(async {
        for round in 0..65 {
            if side == "client" {
                join_all((0..64).map(|_| client_send(&client))).await;
            } else {
                join_all((0..64).map(|_| plain_send(&http, &url))).await;
            }
            if round == 0 {
                println!("{side}: connections open");
            }
        }
    });
    println!("{side}: 4160 calls");
}

fn main() {
    if let Some(side) = std::env::var_os("BENCH_ONCE") {
        once(&side.to_string_lossy());
        return;
    }
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .configure_from_args();
    let server = server::Server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let client = Client::builder().base_url(server.base_url()).bearer_token(TOKEN).build().expect("client");
    let http = plain_client();
    let url = format!("{}/me/messages/{MESSAGE_ENCODED}/send", server.base_url());

    let mut group = c.benchmark_group("overhead");
    for in_flight in [1usize, 64] {
        // Two rounds, plain reqwest first and last (A B B A), so that load from elsewhere weighs on both.
        for (who, round) in [("reqwest", 1), ("client", 1), ("client", 2), ("reqwest", 2)] {
            let id = format!("{who}/{in_flight}#{round}");
            group.bench_function(format!("{who}, {in_flight} in flight #{round}"), |b| {
                b.iter_custom(|iters| {
                    rt.block_on(async {
                        let start = Instant::now();
                        for _ in 0..iters {
                            if who == "client" {
                                join_all((0..in_flight).map(|_| client_send(&client))).await;
                            } else {
                                join_all((0..in_flight).map(|_| plain_send(&http, &url))).await;
                            }
                        }
                        figures::record(&id, iters * in_flight as u64, start.elapsed())
                    })
                })
            });
        }
    }
    group.finish();
    c.final_summary();

    for in_flight in [1usize, 64] {
        figures::timing(
            &format!("plain reqwest, {in_flight} in flight, per call"),
            &format!("reqwest/{in_flight}"),
            SAMPLES,
        );
        figures::timing(
            &format!("client, {in_flight} in flight, per call"),
            &format!("client/{in_flight}"),
            SAMPLES,
        );
        figures::ratio(
            &format!("client / plain reqwest, {in_flight} in flight"),
            &format!("client/{in_flight}"),
            &format!("reqwest/{in_flight}"),
            SAMPLES,
            Some(1.05),
        );
        if let (Some(client), Some(plain)) = (
            figures::median(&format!("client/{in_flight}"), SAMPLES),
            figures::median(&format!("reqwest/{in_flight}"), SAMPLES),
        ) {
            figures::figure(
                &format!("client's own cost per call, {in_flight} in flight"),
                figures::seconds(client - plain),
            );
        }
    }
    paired(&rt, &client, &http, &url);
    figures::finish("overhead");
}

/// Rounds of the paired comparison, per number in flight.
const PAIRED_ROUNDS: usize = 400;

/// The comparison again, paired: each round times a batch of 64 calls with plain reqwest and the same with
/// the client, back to back (which goes first alternates), and the figure is the median of the rounds'
/// ratios. Load from other processes comes and goes over seconds, so two batches a few milliseconds apart
/// meet nearly the same load, which criterion's rounds, seconds apart, do not.
fn paired(rt: &tokio::runtime::Runtime, client: &Client, http: &reqwest::Client, url: &str) {
    for in_flight in [1usize, 64] {
        let batch = |who: &str| {
            rt.block_on(async {
                let start = Instant::now();
                for _ in 0..64 / in_flight {
                    if who == "client" {
                        join_all((0..in_flight).map(|_| client_send(client))).await;
                    } else {
                        join_all((0..in_flight).map(|_| plain_send(http, url))).await;
                    }
                }
                start.elapsed().as_secs_f64() / 64.0
            })
        };
        let (mut ratios, mut plain, mut ours) = (Vec::new(), Vec::new(), Vec::new());
        for round in 0..PAIRED_ROUNDS {
            let (p, c) = if round % 2 == 0 {
                let p = batch("reqwest");
                (p, batch("client"))
            } else {
                let c = batch("client");
                (batch("reqwest"), c)
            };
            ratios.push(c / p);
            plain.push(p);
            ours.push(c);
        }
        let median = |v: &mut Vec<f64>| {
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        let ratio = median(&mut ratios);
        let verdict = if ratio <= 1.05 { "met" } else { "MISSED" };
        figures::figure(
            &format!(
                "paired: client / plain reqwest, {in_flight} in flight, median of {PAIRED_ROUNDS} rounds"
            ),
            format!(
                "{ratio:.3}× (per call: client {}, plain {}, medians) (target ≤ 1.05×: {verdict})",
                figures::seconds(median(&mut ours)),
                figures::seconds(median(&mut plain))
            ),
        );
    }
}
