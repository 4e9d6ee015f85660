//! The client under load and faults against a loopback server: 100,000 sends (`LOAD_SENDS` to change it)
//! with 1,024 in flight, message `n` planned by `n % 20`:
//! - 0 (5%): the server reads the request, then closes the connection without an answer;
//! - 1 (5%): the first connection is refused by the kernel (see below), the retry is served;
//! - 2 to 7 (30%): the first try is answered `429 Too Many Requests` with `Retry-After: 0`;
//! - the rest: accepted at once.
//!
//! Every run checks that every outcome is honest: a send is `Ok` exactly when the server accepted it, and
//! then exactly once; a send whose connection was closed after the request was read fails with "may have
//! reached the server" and was never sent again; a refused connection was retried and the send accepted;
//! a throttled send was accepted on its retry. A run that fails any of that panics.
//!
//! A refused connection is a property of an address, not of a message, so each refused send goes through a
//! client of its own whose base URL is a port bound but not listening (the kernel refuses the connection);
//! its token provider, asked before the second attempt, starts listening there and hands the listener to the
//! server. Building those 5,000 clients is part of the measured time.
//!
//! `cargo bench -p generated-client --bench load` (`-- --test` runs 2,000 sends once). The same sends without faults are the baseline. The
//! client keeps its waits small with its builder settings (`max_retries(3)`, `retry_backoff(1 ms)`,
//! `max_retry_wait(1 s)`). The peak resident memory of the process (client and server) is stated at the end.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use generated_client::{Client, Error};

#[path = "../../xtask/benches/support/figures.rs"]
mod figures;
#[path = "support/server.rs"]
mod server;

const DEFAULT_SENDS: usize = 100_000;
const IN_FLIGHT: usize = 1_024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Clean,
    Throttled,
    Dropped,
    Refused,
}

fn class(n: usize) -> Class {
    match n % 20 {
        0 => Class::Dropped,
        1 => Class::Refused,
        2..=7 => Class::Throttled,
        _ => Class::Clean,
    }
}

fn number(id: &str) -> usize {
    id.rsplit('-').next().and_then(|n| n.parse().ok()).unwrap_or(0)
}

fn faults() -> server::Faults {
    Arc::new(|id: &str| match class(number(id)) {
        Class::Throttled => server::Plan { throttle: 1, drop_first: false },
        Class::Dropped => server::Plan { throttle: 0, drop_first: true },
        Class::Clean | Class::Refused => server::Plan::default(),
    })
}

/// `LOAD_SENDS`, else 100,000, or 2,000 under `-- --test` (run once, to check that it works).
fn sends() -> usize {
    let default = if std::env::args().any(|a| a == "--test") { 2_000 } else { DEFAULT_SENDS };
    std::env::var("LOAD_SENDS").ok().and_then(|v| v.replace(['_', ','], "").parse().ok()).unwrap_or(default)
}

fn builder() -> generated_client::ClientBuilder {
    Client::builder()
        .max_retries(3)
        .retry_backoff(Duration::from_millis(1))
        .max_retry_wait(Duration::from_secs(1))
        .timeout(Duration::from_secs(30))
}

/// A send whose first connection is refused: through a client of its own, to a port that is bound but not
/// listening until its token provider is asked a second time. Returns the outcome and the attempts made.
async fn refused_first(server: &server::Server, id: String) -> (Result<(), Error>, u32) {
    let socket = tokio::net::TcpSocket::new_v4().expect("a socket");
    socket.bind("127.0.0.1:0".parse().expect("an address")).expect("bind 127.0.0.1:0");
    let addr = socket.local_addr().expect("its address");
    let slot = Arc::new(Mutex::new(Some(socket)));
    let attempts = Arc::new(AtomicU32::new(0));
    let (count, server_ref) = (Arc::clone(&attempts), server.clone());
    let client = builder()
        .base_url(format!("http://{addr}/v1.0"))
        .token_provider(move || {
            if count.fetch_add(1, Ordering::SeqCst) == 1 {
                if let Some(socket) = slot.lock().unwrap_or_else(PoisonError::into_inner).take() {
                    let listener = socket.listen(16).and_then(|l| l.into_std()).expect("listen");
                    server_ref.once_on(listener);
                }
            }
            async { Ok::<_, std::io::Error>("bench-token".to_owned()) }
        })
        .build()
        .expect("client");
    let result = client.me().message(id).send().await;
    (result, attempts.load(Ordering::SeqCst))
}

/// One run: every send, then every outcome checked against what the server saw. Returns its time.
fn scenario(
    rt: &tokio::runtime::Runtime,
    client: &Client,
    server: &server::Server,
    faulty: bool,
) -> Duration {
    let sends = sends();
    server.reset(faulty.then(faults));
    let start = Instant::now();
    let results: Vec<(usize, Result<(), Error>, u32)> = rt.block_on(
        stream::iter(0..sends)
            .map(|i| {
                let client = client.clone();
                let server = server.clone();
                async move {
                    let id = format!("msg-{i}");
                    if faulty && class(i) == Class::Refused {
                        let (result, attempts) = refused_first(&server, id).await;
                        (i, result, attempts)
                    } else {
                        (i, client.me().message(id).send().await, 0)
                    }
                }
            })
            .buffer_unordered(IN_FLIGHT)
            .collect(),
    );
    let elapsed = start.elapsed();
    assert_eq!(results.len(), sends, "every send completes");
    let seen = server.seen();
    let mut wrong = Vec::new();
    for (i, result, attempts) in &results {
        let id = format!("msg-{i}");
        let got = seen.get(&id).copied().unwrap_or_default();
        let expected = if faulty { class(*i) } else { Class::Clean };
        let honest = match (expected, result) {
            (Class::Dropped, Err(e)) => {
                e.may_have_reached_server() && got == server::Seen { accepted: 0, refused: 0, dropped: 1 }
            }
            (Class::Refused, Ok(())) => {
                *attempts == 2 && got == server::Seen { accepted: 1, refused: 0, dropped: 0 }
            }
            (Class::Throttled, Ok(())) => got == server::Seen { accepted: 1, refused: 1, dropped: 0 },
            (Class::Clean, Ok(())) => got == server::Seen { accepted: 1, refused: 0, dropped: 0 },
            _ => false,
        };
        if !honest && wrong.len() < 5 {
            wrong.push(format!("{id} ({expected:?}): {result:?}, {attempts} attempts, server saw {got:?}"));
        }
    }
    assert!(wrong.is_empty(), "dishonest outcomes: {wrong:#?}");
    let twice = seen.values().filter(|s| s.accepted > 1).count();
    assert_eq!(twice, 0, "none accepted twice");
    let ok = results.iter().filter(|(_, r, _)| r.is_ok()).count();
    let accepted: u32 = seen.values().map(|s| s.accepted).sum();
    assert_eq!(ok, accepted as usize, "Ok exactly when accepted");
    elapsed
}

/// The most the process held resident, from `/proc/self/status`.
fn peak_resident() -> Option<String> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()?;
    Some(format!("{:.0} MiB", kib / 1024.0))
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let sends = sends();
    let server = server::Server::start();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("client runtime");
    let client = builder().base_url(server.base_url()).bearer_token("bench-token").build().expect("client");

    let faulty = format!("{sends} sends, {IN_FLIGHT} in flight, faults");
    let clean = format!("{sends} sends, {IN_FLIGHT} in flight, no faults (baseline)");
    let clean_time = scenario(&rt, &client, &server, false);
    figures::record(&clean, 1, clean_time);
    let faulty_time = scenario(&rt, &client, &server, true);
    figures::record(&faulty, 1, faulty_time);

    let per = |class_of: Class| (0..sends).filter(|&n| class(n) == class_of).count();
    figures::figure(
        "checked",
        format!(
            "{} accepted once each and Ok; {} closed after the request was read: \"may have reached the server\", \
             never resent; {} refused connections retried, then accepted; {} answered 429, then accepted; \
             none accepted twice",
            sends - per(Class::Dropped),
            per(Class::Dropped),
            per(Class::Refused),
            per(Class::Throttled),
        ),
    );
    figures::timing(&faulty, &faulty, 1);
    figures::timing(&clean, &clean, 1);
    figures::figure(
        "throughput with faults",
        format!("{:.0} sends/s", sends as f64 / faulty_time.as_secs_f64()),
    );
    figures::ratio("with faults / without", &faulty, &clean, 1, None);
    if let Some(peak) = peak_resident() {
        figures::figure("peak resident memory (client and server in one process)", peak);
    }
    figures::finish("load");
}
